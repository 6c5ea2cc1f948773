"""Octavia's own code, driven from the tests: the peer no one here wrote.

  octavia_peer.py issue --ca-cert F --ca-key F --passphrase-file F --out F
      Issues an amphora certificate with Octavia 19's LocalCertGenerator, exactly
      as the controller does (first certificate of the CA file, key unlocked with
      load_pem_private_key), and writes certificate + key to --out. Prints the
      amphora id.

  octavia_peer.py load-key --key F [--passphrase-file F]
      Loads a key with cryptography's load_pem_private_key, as Octavia does, and
      prints its type and size.

Passphrases come from files, never argv. Exit status 1 with Octavia's own
message on stderr when Octavia would fail.
"""
import argparse
import sys
import uuid


def read_passphrase(path):
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read().splitlines()[0]


def issue(args):
    from octavia.common import config  # noqa: F401  (registers [certificates] options)
    from octavia.certificates.generator import local

    with open(args.ca_cert, "rb") as f:
        ca_cert = f.read()
    with open(args.ca_key, "rb") as f:
        ca_key = f.read()
    amphora_id = str(uuid.uuid4())
    cert = local.LocalCertGenerator.generate_cert_key_pair(
        cn=amphora_id,
        validity=30 * 24 * 3600,  # Octavia's cert_validity_time default
        ca_cert=ca_cert,
        ca_key=ca_key,
        ca_key_pass=read_passphrase(args.passphrase_file),
        ca_digest="sha256",
    )
    with open(args.out, "wb") as f:
        f.write(cert.get_certificate())
        f.write(cert.get_private_key())
    print(amphora_id)


def load_key(args):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=read_passphrase(args.passphrase_file))
    if isinstance(key, rsa.RSAPrivateKey):
        print(f"rsa {key.key_size}")
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        print(f"ec {key.curve.name}")
    else:
        print(type(key).__name__)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("issue")
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--ca-key", required=True)
    p.add_argument("--passphrase-file")
    p.add_argument("--out", required=True)
    p = sub.add_parser("load-key")
    p.add_argument("--key", required=True)
    p.add_argument("--passphrase-file")
    args = parser.parse_args()
    try:
        {"issue": issue, "load-key": load_key}[args.command](args)
    except Exception as e:  # report Octavia's own message, as its log would show it
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
