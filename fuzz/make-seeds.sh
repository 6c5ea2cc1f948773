#!/usr/bin/env bash
# Builds the fuzzers' seed corpora (fuzz/seeds/<target>/) from testdata/,
# whose files OpenSSL and Python's cryptography made. Committed; re-run when
# testdata changes. The fuzzers' own finds go to fuzz/corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")"
td=../testdata
rm -rf seeds
mkdir -p seeds/pem_blocks seeds/private_key seeds/certificate seeds/check_dir
for f in "$td"/keys/* "$td"/certs/*; do
  name=$(basename "$f")
  case "$f" in
    */keys/*) cp "$f" "seeds/private_key/$name" ;;
    */certs/*) cp "$f" "seeds/certificate/$name" ;;
  esac
  case "$name" in *.pem) cp "$f" "seeds/pem_blocks/$name" ;; esac
done
for recipe in kolla-recipe kolla-recipe-openssl11; do
  r="$td/$recipe"
  cp "$r/client_ca/client.cert-and-key.pem" "seeds/private_key/$recipe-bundle.pem"
  cp "$r/client_ca/client.cert-and-key.pem" "seeds/pem_blocks/$recipe-bundle.pem"
  # check_dir: the four deployed files, separated by the target's marker.
  {
    cat "$r/server_ca/server_ca.cert.pem"; printf '\n--8<--\n'
    cat "$r/server_ca/server_ca.key.pem"; printf '\n--8<--\n'
    cat "$r/client_ca/client_ca.cert.pem"; printf '\n--8<--\n'
    cat "$r/client_ca/client.cert-and-key.pem"
  } > "seeds/check_dir/$recipe"
done
