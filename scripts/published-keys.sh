#!/usr/bin/env bash
# Prints the SHA-256 fingerprint of each public key published in Octavia's
# devstack pregenerated certificates (every sdist named below, from PyPI) and
# puppet-openstack-integration's committed CI set, with where it comes from: the list in octavia-pki/src/check/rules/publicly_known_key.rs.
#   bash scripts/published-keys.sh
set -euo pipefail
testdata=$(cd "$(dirname "$0")/../testdata" && pwd)
python=$(bash "$(dirname "$0")/peers.sh")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for v in 2.1.2 5.1.0 16.1.0 17.0.1 18.0.0 19.0.0; do
  "$python" -m pip download -q --no-deps --no-binary :all: "octavia==$v" >&2
  tar xzf "octavia-$v.tar.gz" --wildcards '*/devstack/pregenerated/certs/*'
done
for pem in octavia-*/devstack/pregenerated/certs/*.pem octavia-*/devstack/pregenerated/certs/private/client*.pem; do
  fingerprint=$(openssl x509 -in "$pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
  echo "$fingerprint $pem"
done | sort
# puppet-openstack-integration's committed CI set (testdata/puppet-openstack-integration, its README names the
# commit): the server CA and the client certificate, whose keys it committed (not the client CA's).
for pem in "$testdata"/puppet-openstack-integration/{server_ca.cert.pem,client.cert-and-key.pem}; do
  fingerprint=$(openssl x509 -in "$pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
  echo "$fingerprint ${pem#"$testdata"/}"
done
