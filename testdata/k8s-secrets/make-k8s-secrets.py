#!/usr/bin/env python3
"""Kubernetes deployers' Secrets, made with Python's cryptography from the
facts of each deployer's own source (never by octavia-pki), for the CLI
suite (octavia-pki-cli/tests/suite/forms.rs), which runs this script into a
temporary directory at each run: the one-month certificates of RHOSO's
GA-era Secrets would otherwise expire in the repository.

  make-k8s-secrets.py OUT [--bits N] [--genestack-passphrase TEXT]

RHOSO 18, openstack-k8s-operators/octavia-operator 82a7a50,
internal/octavia/amphora_certs.go (EnsureAmphoraCerts, generateKey,
generateCACert, generateClientCert) and pkcs8_aes.go:
  - RSA keys (4096 bits; --bits for speed), PKCS#8; the server CA key
    encrypted as PBES2 (PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC)
    with the Secret <name>-ca-passphrase's key server-ca-passphrase;
  - CAs: serial 2019, subject C=DE/ST=Bavaria/L=Piding/O=OpenStack/
    OU=Octavia Amphorae/CN=Octavia server CA (client CA), self-signed, ten
    years, basicConstraints CA:TRUE (critical, as Go marshals it), keyUsage digitalSignature, cRLSign, keyCertSign (critical), a
    subject key identifier (Go adds one to CAs);
  - client: serial 2019, CN=Octavia controller, keyUsage digitalSignature,
    keyEncipherment (critical), EKU clientAuth, emailProtection, no
    basicConstraints, no authority key identifier (Go adds none when the
    parent template has no SubjectKeyId);
  - client.cert-and-key.pem: the key, then the certificate.
  rhoso.yaml: as the operator writes it today (version 2: client ten years,
  client_ca.key.pem unencrypted, key version "2"), with the passphrase
  Secret, as `oc get secret octavia-certs-secret octavia-ca-passphrase -o
  yaml` prints them (a List).
  rhoso-ga.yaml: a GA-era Secret (before 9ef6d6d, OSPRH-17062): the client
  certificate valid one month, no client_ca.key.pem, no version.
  rhoso-pre-ga.yaml: before e77c27c (OSPRH-5943): the client certificate
  self-signed by the client key (issuer = subject = the default subject,
  CN=www.example.com), one month, as GA-era otherwise.
  rhoso-mounted/: rhoso.yaml's certs Secret as the amphora controller pods
  mount it whole at /etc/octavia/certs (every key a file).
  rhoso.pass: the passphrase.

Rackspace Genestack, rackerlabs/genestack ef5c6ef,
ansible/roles/octavia_preconf (tasks/octavia_cert.yml, defaults/main.yml,
templates/openssl.cnf.j2, files/create_k8s_secret.sh,
templates/octavia_amphora_provider.yaml.j2):
  - CA keys RSA (4096; --bits), PKCS#1 encrypted with AES-256-CBC
    (community.crypto's openssl_privatekey, cipher auto), the passphrase
    octavia_key_passwd ('not-secure-passphrase' by default, kept in the
    Secret octavia-certificates, key password);
  - CAs: `openssl req -x509 -extensions v3_ca -days 1096`, subjects
    /C=US/ST=Texas/L=Local/O=RPC/OU=Racklab/CN=ServerRootCA (ClientRootCA);
    v3_ca: SKI, AKI keyid:always,issuer, basicConstraints critical CA:true,
    keyUsage critical digitalSignature, cRLSign, keyCertSign;
  - client: RSA-2048 PKCS#1 unencrypted, CN=OctaviaController
    (C=US/ST=Texas/L=Local/O=RPC/OU=Rackerlab), `openssl ca -extensions
    usr_cert -days 1096`, serial 1000; usr_cert: basicConstraints CA:FALSE,
    SKI, AKI keyid,issuer, keyUsage critical nonRepudiation,
    digitalSignature, keyEncipherment, EKU clientAuth, emailProtection (the
    nsCertType and nsComment extensions left out: cryptography writes no
    Netscape extensions, and no reader here uses them);
  - client.key-and-cert.pem: the key, then the certificate;
  - the Secret octavia-certs: server_ca.cert.pem, server_ca.key.pem,
    client_ca.cert.pem, client.key-and-cert.pem (no chain file).
  genestack.yaml: the Secret, and the Secret octavia-certificates.
  genestack-mounted/: the files as its helm values mount them
  (server_ca.cert.pem, client_ca.cert.pem, private/server_ca.key.pem,
  private/client.key-and-cert.pem).
  genestack.pass: the passphrase.
"""

import argparse
import base64
import datetime
import os
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
RHOSO_PASSPHRASE = b"rhoso-test-passphrase-0123"
GENESTACK_PASSPHRASE = "not-secure-passphrase"


def rsa_key(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def name(*pairs):
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def rhoso_subject(cn):
    return name(
        (NameOID.COUNTRY_NAME, "DE"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Bavaria"),
        (NameOID.LOCALITY_NAME, "Piding"),
        (NameOID.ORGANIZATION_NAME, "OpenStack"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Octavia Amphorae"),
        (NameOID.COMMON_NAME, cn),
    )


def unencrypted_pkcs8(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def pbes2(key, passphrase):
    """pkcs8_aes.go's EncryptPrivateKey: PBES2, PBKDF2-HMAC-SHA256 600,000,
    AES-256-CBC (cryptography takes no iteration count for PKCS#8: the
    openssl CLI writes it, the passphrase given through a pipe)."""
    read, write_end = os.pipe()
    os.write(write_end, passphrase + b"\n")
    os.close(write_end)
    try:
        return subprocess.run(
            ["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf",
             "hmacWithSHA256", "-iter", "600000", "-passout", f"fd:{read}"],
            input=unencrypted_pkcs8(key),
            capture_output=True,
            check=True,
            pass_fds=(read,),
        ).stdout
    finally:
        os.close(read)


def rhoso_ca(key, cn):
    """generateCACert."""
    subject = rhoso_subject(cn)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(2019)
        .not_valid_before(NOW)
        .not_valid_after(NOW.replace(year=NOW.year + 10))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def rhoso_client(key, issuer_name, signer, not_after):
    """generateClientCert (issuer_name/signer: the client CA's, or before
    OSPRH-5943 the certificate's own)."""
    return (
        x509.CertificateBuilder()
        .subject_name(
            rhoso_subject("Octavia controller")
            if issuer_name is not None
            else rhoso_subject("www.example.com")
        )
        .issuer_name(issuer_name or rhoso_subject("www.example.com"))
        .public_key(key.public_key())
        .serial_number(2019)
        .not_valid_before(NOW)
        .not_valid_after(not_after)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .sign(signer, hashes.SHA256())
    )


def b64(data):
    return base64.b64encode(data).decode()


def secret(name, namespace, data, indent=""):
    lines = [
        f"{indent}apiVersion: v1",
        f"{indent}kind: Secret",
        f"{indent}metadata:",
        f"{indent}  name: {name}",
        f"{indent}  namespace: {namespace}",
        f"{indent}type: Opaque",
        f"{indent}data:",
    ]
    lines += [f"{indent}  {k}: {b64(v)}" for k, v in data.items()]
    return "\n".join(lines) + "\n"


def as_list(*secrets):
    """`oc get secret A B -o yaml`: a List."""
    out = "apiVersion: v1\nkind: List\nitems:\n"
    for s in secrets:
        body = s.splitlines()
        out += "- " + body[0] + "\n" + "".join("  " + line + "\n" for line in body[1:])
    return out


def write(path, data, mode=0o600):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def rhoso(out, bits):
    server_key = rsa_key(bits)
    client_ca_key = rsa_key(bits)
    client_key = rsa_key(bits)
    server_ca = rhoso_ca(server_key, "Octavia server CA")
    client_ca = rhoso_ca(client_ca_key, "Octavia client CA")
    server_key_pem = pbes2(server_key, RHOSO_PASSPHRASE)
    passphrase_secret = secret(
        "octavia-ca-passphrase", "openstack", {"server-ca-passphrase": RHOSO_PASSPHRASE}
    )

    def certs(client, extra):
        data = {
            "server_ca.key.pem": server_key_pem,
            "server_ca.cert.pem": pem(server_ca),
        }
        data.update(extra)
        data["client_ca.cert.pem"] = pem(client_ca)
        data["client.cert-and-key.pem"] = unencrypted_pkcs8(client_key) + pem(client)
        return data

    # Today's operator: ten years, the client CA key kept, version 2.
    v2 = rhoso_client(
        client_key, client_ca.subject, client_ca_key, NOW.replace(year=NOW.year + 10)
    )
    data = certs(
        v2,
        {"client_ca.key.pem": unencrypted_pkcs8(client_ca_key), "version": b"2"},
    )
    write(
        os.path.join(out, "rhoso.yaml"),
        as_list(secret("octavia-certs-secret", "openstack", data), passphrase_secret).encode(),
    )
    mounted = os.path.join(out, "rhoso-mounted")
    os.makedirs(mounted, exist_ok=True)
    for key, value in data.items():
        write(os.path.join(mounted, key), value, 0o644)
    write(os.path.join(out, "rhoso.pass"), RHOSO_PASSPHRASE + b"\n")

    # GA era: one month, the client CA key discarded.
    month = NOW + datetime.timedelta(days=30)
    ga = rhoso_client(client_key, client_ca.subject, client_ca_key, month)
    write(
        os.path.join(out, "rhoso-ga.yaml"),
        as_list(
            secret("octavia-certs-secret", "openstack", certs(ga, {})), passphrase_secret
        ).encode(),
    )
    # Before OSPRH-5943: self-signed by the client key.
    pre = rhoso_client(client_key, None, client_key, month)
    write(
        os.path.join(out, "rhoso-pre-ga.yaml"),
        as_list(
            secret("octavia-certs-secret", "openstack", certs(pre, {})), passphrase_secret
        ).encode(),
    )


def genestack(out, bits, passphrase):
    def subject(cn, ou):
        return name(
            (NameOID.COUNTRY_NAME, "US"),
            (NameOID.STATE_OR_PROVINCE_NAME, "Texas"),
            (NameOID.LOCALITY_NAME, "Local"),
            (NameOID.ORGANIZATION_NAME, "RPC"),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
            (NameOID.COMMON_NAME, cn),
        )

    days = datetime.timedelta(days=1096)

    def ca(key, cn):
        s = subject(cn, "Racklab")
        serial = x509.random_serial_number()
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        return (
            x509.CertificateBuilder()
            .subject_name(s)
            .issuer_name(s)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(NOW)
            .not_valid_after(NOW + days)
            .add_extension(ski, critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier(
                    ski.digest, [x509.DirectoryName(s)], serial
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )

    def pkcs1(key, passphrase=None):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption(),
        )

    server_key, client_ca_key = rsa_key(bits), rsa_key(bits)
    client_key = rsa_key(2048)
    server_ca = ca(server_key, "ServerRootCA")
    client_ca = ca(client_ca_key, "ClientRootCA")
    client = (
        x509.CertificateBuilder()
        .subject_name(subject("OctaviaController", "Rackerlab"))
        .issuer_name(client_ca.subject)
        .public_key(client_key.public_key())
        .serial_number(0x1000)
        .not_valid_before(NOW)
        .not_valid_after(NOW + days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(client_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(client_ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .sign(client_ca_key, hashes.SHA256())
    )
    data = {
        "server_ca.cert.pem": pem(server_ca),
        "server_ca.key.pem": pkcs1(server_key, passphrase),
        "client_ca.cert.pem": pem(client_ca),
        "client.key-and-cert.pem": pkcs1(client_key) + pem(client),
    }
    write(
        os.path.join(out, "genestack.yaml"),
        (
            "---\n"
            + secret("octavia-certs", "openstack", data)
            + "---\n"
            + secret("octavia-certificates", "openstack", {"password": passphrase})
        ).encode(),
    )
    mounted = os.path.join(out, "genestack-mounted")
    os.makedirs(os.path.join(mounted, "private"), exist_ok=True)
    for key, file in [
        ("server_ca.cert.pem", "server_ca.cert.pem"),
        ("server_ca.key.pem", "private/server_ca.key.pem"),
        ("client_ca.cert.pem", "client_ca.cert.pem"),
        ("client.key-and-cert.pem", "private/client.key-and-cert.pem"),
    ]:
        write(os.path.join(mounted, file), data[key], 0o644)
    write(os.path.join(out, "genestack.pass"), passphrase + b"\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--bits", type=int, default=4096)
    # The role's octavia_key_passwd.
    parser.add_argument("--genestack-passphrase", default=GENESTACK_PASSPHRASE)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rhoso(args.out, args.bits)
    genestack(args.out, args.bits, args.genestack_passphrase.encode())


if __name__ == "__main__":
    main()
