#!/usr/bin/env bash
# Makes every fixture under testdata/ with OpenSSL and Python's cryptography,
# never with octavia-pki itself, so the tests check our readers against the
# tools that write these files in the field.
#
#   bash testdata/make-fixtures.sh          # rewrites testdata/keys, certs, kolla-recipe*
#
# Needs: openssl (3.x) and python3 with `cryptography`. The passphrase of every
# encrypted fixture is in testdata/PASSPHRASE (a test secret, nothing else).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
PASS=$(cat PASSPHRASE)
export PASS

# keys/ also holds the Go program that writes some of them: only the keys go.
rm -rf certs kolla-recipe kolla-recipe-openssl11
find keys -maxdepth 1 \( -name '*.pem' -o -name '*.der' \) -delete
mkdir -p keys certs

# --- keys: unencrypted -------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/rsa2048.pkcs8.pem 2>/dev/null
openssl pkey -in keys/rsa2048.pkcs8.pem -traditional -out keys/rsa2048.pkcs1.pem
openssl pkcs8 -topk8 -nocrypt -in keys/rsa2048.pkcs8.pem -outform DER -out keys/rsa2048.pkcs8.der
# OpenSSL 3 writes PKCS#8 for any DER output; the PEM body is the true PKCS#1 / SEC1 DER.
pem_body_to_der() { sed '1d;$d' "$1" | openssl base64 -d -out "$2"; }
pem_body_to_der keys/rsa2048.pkcs1.pem keys/rsa2048.pkcs1.der
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out keys/rsa1024.pkcs8.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out keys/ec-p256.sec1.pem
openssl pkey -in keys/ec-p256.sec1.pem -out keys/ec-p256.pkcs8.pem
pem_body_to_der keys/ec-p256.sec1.pem keys/ec-p256.sec1.der
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp384r1 -out keys/ec-p384.pkcs8.pem
openssl ec -in keys/ec-p384.pkcs8.pem -out keys/ec-p384.sec1.pem 2>/dev/null
openssl genpkey -algorithm ED25519 -out keys/ed25519.pkcs8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp521r1 -out keys/ec-p521.pkcs8.pem

# --- keys: encrypted PKCS#8 (PBES2), as OpenSSL 3 writes them ----------------
# `genrsa -aes256` (kolla-ansible's command) on OpenSSL 3: PBKDF2-HMAC-SHA256, AES-256-CBC.
openssl genrsa -aes256 -passout env:PASS -out keys/rsa2048.genrsa-aes256.pem 2048 2>/dev/null
src=keys/rsa2048.pkcs8.pem
openssl pkcs8 -topk8 -in $src -v2 aes-128-cbc -v2prf hmacWithSHA256 -passout env:PASS -out keys/rsa2048.pbes2-sha256-aes128.pem
openssl pkcs8 -topk8 -in $src -v2 aes-192-cbc -v2prf hmacWithSHA256 -passout env:PASS -out keys/rsa2048.pbes2-sha256-aes192.pem
openssl pkcs8 -topk8 -in $src -v2 aes-256-cbc -v2prf hmacWithSHA1 -passout env:PASS -out keys/rsa2048.pbes2-sha1-aes256.pem
openssl pkcs8 -topk8 -in $src -v2 des3 -passout env:PASS -out keys/rsa2048.pbes2-sha256-des3.pem
openssl pkcs8 -topk8 -in $src -scrypt -passout env:PASS -out keys/rsa2048.pbes2-scrypt-aes256.pem
openssl pkcs8 -topk8 -in $src -v2 aes-256-cbc -passout env:PASS -outform DER -out keys/rsa2048.pbes2-sha256-aes256.der
openssl pkcs8 -topk8 -in $src -v2 camellia-256-cbc -passout env:PASS -out keys/rsa2048.pbes2-camellia256.pem
openssl pkcs8 -topk8 -in keys/ec-p256.pkcs8.pem -v2 aes-256-cbc -passout env:PASS -out keys/ec-p256.pbes2-sha256-aes256.pem

# --- keys: legacy "traditional" encryption, as OpenSSL 1.1's genrsa -aes256 wrote
for c in aes128 aes192 aes256 des3; do
  openssl rsa -in $src -traditional -$c -passout env:PASS -out keys/rsa2048.legacy-$c.pem 2>/dev/null
done
openssl ec -in keys/ec-p256.sec1.pem -aes256 -passout env:PASS -out keys/ec-p256.legacy-aes256.pem 2>/dev/null
openssl rsa -in $src -traditional -aria256 -passout env:PASS -out keys/rsa2048.legacy-aria256.pem 2>/dev/null

# --- keys: Go's x509.EncryptPEMBlock (legacy encryption around PKCS#8, as RHOSO 18 GA wrote the CA key)
bash keys/make-go-fixtures.sh
# The forms TripleO and others leave: no final newline; text before the PEM.
printf '%s' "$(cat keys/rsa2048.go-legacy-pkcs8-aes128.pem)" > keys/rsa2048.go-legacy-pkcs8-aes128.no-final-newline.pem
printf '%s' "$(cat keys/rsa2048.pkcs1.pem)" > keys/rsa2048.pkcs1.no-final-newline.pem
# Unencrypted PKCS#8 under its algorithm's own label (cryptography 43.0.3 reads it through OpenSSL; 45+ do not).
sed 's/ PRIVATE KEY-----/ RSA PRIVATE KEY-----/' keys/rsa2048.pkcs8.pem > keys/rsa2048.pkcs8-as-rsa-label.pem
sed 's/ PRIVATE KEY-----/ EC PRIVATE KEY-----/' keys/ec-p256.pkcs8.pem > keys/ec-p256.pkcs8-as-ec-label.pem
{ echo "Private-Key: (2048 bit, 2 primes)"; cat keys/rsa2048.legacy-aes256.pem; } > keys/rsa2048.legacy-aes256.with-text.pem

# --- keys: Python's cryptography (what Octavia loads keys with) --------------
"$PY" - <<'EOF'
import os
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import rsa, ec
pw = os.environ["PASS"].encode()
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP384R1())
def w(name, key, fmt, enc):
    with open(f"keys/{name}", "wb") as f:
        f.write(key.private_bytes(s.Encoding.PEM, fmt, enc))
w("rsa2048.py-pkcs8-best.pem", rsa_key, s.PrivateFormat.PKCS8, s.BestAvailableEncryption(pw))
w("rsa2048.py-traditional-best.pem", rsa_key, s.PrivateFormat.TraditionalOpenSSL, s.BestAvailableEncryption(pw))
w("rsa2048.py-plain.pem", rsa_key, s.PrivateFormat.PKCS8, s.NoEncryption())
w("ec-p384.py-pkcs8-best.pem", ec_key, s.PrivateFormat.PKCS8, s.BestAvailableEncryption(pw))
w("ec-p384.py-plain.pem", ec_key, s.PrivateFormat.PKCS8, s.NoEncryption())
EOF

# --- certificates --------------------------------------------------------------
openssl req -x509 -new -key keys/rsa2048.pkcs8.pem -subj "/C=US/O=Fixture/CN=rsa-ca" -days 3650 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out certs/rsa-ca.pem
openssl x509 -in certs/rsa-ca.pem -outform DER -out certs/rsa-ca.der
openssl x509 -in certs/rsa-ca.pem -text > certs/rsa-ca.with-text.pem
# TripleO's client.pem: the certificate's text dump, its PEM, then its key, without a final newline.
{ cat certs/rsa-ca.with-text.pem; printf '%s' "$(cat keys/rsa2048.pkcs8.pem)"; } > certs/rsa-ca.with-text-and-key.pem
openssl req -x509 -new -key keys/ec-p256.pkcs8.pem -subj "/C=US/O=Fixture/CN=ec-ca" -days 3650 -out certs/ec-ca.pem
cat certs/rsa-ca.pem certs/ec-ca.pem > certs/two-certs.pem
# CRLF line endings and a UTF-8 BOM: OpenSSL reads both.
sed 's/$/\r/' certs/rsa-ca.pem > certs/rsa-ca.crlf.pem
printf '\xef\xbb\xbf' | cat - certs/rsa-ca.pem > certs/rsa-ca.bom.pem
head -n 5 certs/rsa-ca.pem > certs/rsa-ca.truncated.pem
# A CA whose key is RSA-1024 and a leaf it issued (SHA-256): OpenSSL's
# X509_V_ERR_CA_KEY_TOO_SMALL at security level 1 and above.
openssl req -x509 -new -key keys/rsa1024.pkcs8.pem -sha256 -subj "/O=Fixture/CN=rsa1024-ca" -days 3650 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out certs/rsa1024-ca.pem
openssl req -new -key keys/ec-p256.pkcs8.pem -subj "/O=Fixture/CN=rsa1024-leaf" -out certs/rsa1024-leaf.csr
openssl x509 -req -in certs/rsa1024-leaf.csr -CA certs/rsa1024-ca.pem -CAkey keys/rsa1024.pkcs8.pem -sha256 \
  -days 3650 -extfile <(printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\nauthorityKeyIdentifier=keyid\n') \
  -out certs/rsa1024-leaf.pem 2>/dev/null
rm certs/rsa1024-leaf.csr
# CAs that Python 3.13's X509_STRICT refuses as issuers, each with a leaf it
# issued (EC keys, SHA-256): no keyUsage; no subjectKeyIdentifier.
strict_ca() { # NAME CA-EXTENSIONS LEAF-AUTHORITY-KEY-ID-EXTENSION
  openssl req -x509 -new -key keys/ec-p256.pkcs8.pem -sha256 -subj "/O=Fixture/CN=$1" -days 3650 \
    -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n[ext]\n%b' "$2") -extensions ext -out "certs/$1.pem"
  openssl req -new -key keys/ec-p384.pkcs8.pem -subj "/O=Fixture/CN=$1-leaf" -out "certs/$1-leaf.csr"
  openssl x509 -req -in "certs/$1-leaf.csr" -CA "certs/$1.pem" -CAkey keys/ec-p256.pkcs8.pem -sha256 -days 3650 \
    -extfile <(printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n%b\n' "$3") \
    -out "certs/$1-leaf.pem" 2>/dev/null
  rm "certs/$1-leaf.csr"
}
strict_ca ca-no-key-usage 'basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\n' authorityKeyIdentifier=keyid
# Without a subjectKeyIdentifier, OpenSSL writes no key identifier into the
# leaf's authorityKeyIdentifier: put RFC 5280 method 1 of the CA's key there
# (the SHA-1 of its P-256 point, the last 65 bytes of the key's DER).
ca_no_ski_keyid=$(openssl pkey -in keys/ec-p256.pkcs8.pem -pubout -outform DER | tail -c 65 |
  openssl sha1 -binary | od -An -tx1 | tr -d ' \n' | sed 's/../&:/g; s/:$//')
strict_ca ca-no-ski 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\n' \
  "2.5.29.35=DER:30:16:80:14:$ca_no_ski_keyid"
# A good CA whose leaf's authorityKeyIdentifier names the issuer by name and
# serial only: X509_STRICT wants its key identifier.
strict_ca aki-without-keyid 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' \
  authorityKeyIdentifier=issuer
# What OpenSSL's verify says of each, for the verifier's messages to match
# (verify fails on each, by design: its message is what is kept).
{
  printf 'rsa1024-leaf: '
  { openssl verify -auth_level 2 -CAfile certs/rsa1024-ca.pem certs/rsa1024-leaf.pem 2>&1 || true; } |
    sed -n 's/^error [0-9]* at \([0-9]*\) depth lookup: /depth \1: /p'
  for c in ca-no-key-usage ca-no-ski aki-without-keyid; do
    printf '%s-leaf: ' "$c"
    { openssl verify -x509_strict -CAfile "certs/$c.pem" "certs/$c-leaf.pem" 2>&1 || true; } |
      sed -n 's/^error [0-9]* at \([0-9]*\) depth lookup: /depth \1: /p'
  done
} > certs/openssl-verify.txt

# --- kolla-ansible's octavia-certificates role, command for command (kolla-recipe.sh)
CA_PASS=$PASS CLIENT_CA_PASS="$PASS-client" bash kolla-recipe.sh kolla-recipe
# The same set as OpenSSL 1.1 wrote it: traditional encrypted CA keys, PKCS#1 client key.
cp -r kolla-recipe kolla-recipe-openssl11
(
  cd kolla-recipe-openssl11
  openssl rsa -in server_ca/server_ca.key.pem -passin env:PASS -traditional -aes256 -passout env:PASS \
    -out server_ca/server_ca.key.pem 2>/dev/null
  CA_PASS="$PASS-client" openssl rsa -in client_ca/client_ca.key.pem -passin env:CA_PASS -traditional \
    -aes256 -passout env:CA_PASS -out client_ca/client_ca.key.pem 2>/dev/null
  openssl rsa -in client_ca/client.key.pem -traditional -out client_ca/client.key.pem 2>/dev/null
  cat client_ca/client.cert.pem client_ca/client.key.pem > client_ca/client.cert-and-key.pem
)
echo "fixtures written under $(pwd)"
