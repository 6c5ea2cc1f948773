#!/usr/bin/env bash
# kolla-ansible 23.0.0's octavia-certificates role (ansible/roles/octavia-certificates),
# command for command, with the openssl.cnf it ships:
#
#   CA_PASS=... CLIENT_CA_PASS=... bash kolla-recipe.sh WORK_DIR [DEPLOY_DIR]
#
# makes WORK_DIR/server_ca and WORK_DIR/client_ca as the role does and, if
# DEPLOY_DIR is given, copies the four deployed files there as the role does.
# Used to make fixtures (make-fixtures.sh) and as the peer in benches/compare-generate.sh.
# The one deliberate difference: passphrases go through env: rather than the
# role's pass:/-key arguments, so they stay out of ps; OpenSSL's work is the same.
set -euo pipefail
out=$1
deploy=${2:-}
: "${CA_PASS:?}" "${CLIENT_CA_PASS:?}"
export CA_PASS CLIENT_CA_PASS
mkdir -p "$out/server_ca" "$out/client_ca"
cat > "$out/openssl.cnf" <<'CNF'
[ client_ca ]
new_certs_dir     = .
database          = index.txt
serial            = serial
RANDFILE          = .rand
private_key       = client_ca.key.pem
certificate       = client_ca.cert.pem
default_md        = sha256
name_opt          = ca_default
cert_opt          = ca_default
default_days      = 3650
x509_extensions   = client_cert
policy            = policy_any
[ policy_any ]
countryName            = supplied
stateOrProvinceName    = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
emailAddress           = optional
[ req ]
distinguished_name = req_distinguished_name
x509_extensions    = v3_ca
default_md         = sha256
[ req_distinguished_name ]
[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical, CA:TRUE
keyUsage = critical, cRLSign, keyCertSign
[ client_cert ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF
subj="/C=US/ST=Oregon/O=OpenStack/OU=Octavia/CN"
(
  cd "$out/server_ca"
  openssl genrsa -aes256 -out server_ca.key.pem -passout env:CA_PASS 4096 2>/dev/null
  openssl req -new -x509 -config ../openssl.cnf -key server_ca.key.pem -days 3650 \
    -out server_ca.cert.pem -subj "$subj=server-ca.example.org" -passin env:CA_PASS -batch
)
(
  cd "$out/client_ca"
  : > index.txt
  echo 1000 > serial
  openssl genrsa -aes256 -out client_ca.key.pem -passout env:CLIENT_CA_PASS 4096 2>/dev/null
  openssl req -new -x509 -config ../openssl.cnf -key client_ca.key.pem -days 3650 \
    -out client_ca.cert.pem -subj "$subj=client-ca.example.org" -passin env:CLIENT_CA_PASS -batch
  openssl genrsa -out client.key.pem 4096 2>/dev/null
  openssl req -new -config ../openssl.cnf -key client.key.pem -out client.csr.pem \
    -subj "$subj=client.example.org" -batch
  openssl ca -config ../openssl.cnf -name client_ca -days 365 -in client.csr.pem \
    -out client.cert.pem -passin env:CLIENT_CA_PASS -notext -batch 2>/dev/null
  # ansible.builtin.assemble with ^client\.(cert|key)\.pem$: sorted, so cert then key.
  cat client.cert.pem client.key.pem > client.cert-and-key.pem
)
if [ -n "$deploy" ]; then
  mkdir -p "$deploy"
  cp "$out/server_ca/server_ca.cert.pem" "$out/server_ca/server_ca.key.pem" \
     "$out/client_ca/client_ca.cert.pem" "$out/client_ca/client.cert-and-key.pem" "$deploy/"
  chmod 0600 "$deploy"/*
fi
