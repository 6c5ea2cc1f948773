#!/usr/bin/env bash
# Makes the keys Go's x509.EncryptPEMBlock writes (encrypt-pem-block.go) into
# testdata/keys, with the fixtures' passphrase (testdata/PASSPHRASE). Needs Go
# (Debian's golang-go). Run by testdata/make-fixtures.sh, or alone:
#   bash testdata/keys/make-go-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"
PASS=$(cat ../PASSPHRASE)
export PASS
# A one-file program of the standard library only: no go.mod, no network.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
GO111MODULE=off GOCACHE=$cache go run encrypt-pem-block.go
