#!/usr/bin/env bash
# What an operator runs by hand to vet a Kolla Octavia directory with openssl:
# the subset `octavia-pki check` is compared against (benches/compare-check.sh).
#   CA_PASS=... bash benches/check-by-hand.sh DIR
set -euo pipefail
d=$1
: "${CA_PASS:?}"
export CA_PASS
month=$((30 * 24 * 3600))
openssl verify -CAfile "$d/server_ca.cert.pem" "$d/server_ca.cert.pem" >/dev/null
openssl verify -CAfile "$d/client_ca.cert.pem" "$d/client_ca.cert.pem" >/dev/null
openssl verify -CAfile "$d/client_ca.cert.pem" "$d/client.cert-and-key.pem" >/dev/null
for c in server_ca.cert.pem client_ca.cert.pem client.cert-and-key.pem; do
  openssl x509 -checkend "$month" -noout -in "$d/$c" >/dev/null
done
# The CA key opens with its passphrase and is the certificate's key; so is the bundle's.
cmp -s <(openssl pkey -in "$d/server_ca.key.pem" -passin env:CA_PASS -pubout) \
       <(openssl x509 -in "$d/server_ca.cert.pem" -pubkey -noout)
cmp -s <(openssl pkey -in "$d/client.cert-and-key.pem" -pubout) \
       <(openssl x509 -in "$d/client.cert-and-key.pem" -pubkey -noout)
