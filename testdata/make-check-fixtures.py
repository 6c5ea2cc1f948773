"""Makes one deployed directory per checker rule, with Python's cryptography
(what Octavia itself uses) and OpenSSL (kolla-ansible's recipe), never with
octavia-pki.

    python3 testdata/make-check-fixtures.py OUT_DIR

Each OUT_DIR/<case>/ holds the files of its layout, a passwords.yml, and
expect.json: {"layout", "errors": ["code@file", ...], "warnings": [...],
"infos": [...], "errors_by_release": {VERSION: [...]}}. "errors" is the exact
set of error findings the checker must report for every Octavia release at
once (and for each release, unless "errors_by_release" names it); "warnings"
and "infos" are findings it must report among others.
Whether Octavia accepts the directory is not written here: the tests ask
Octavia's own code. Certificates are made relative to now; OUT_DIR/CHECKED_AT
records the moment to check them at (ten minutes after now, so that the
certificates OpenSSL makes a moment later are valid too). The tests against
Octavia run the script afresh; testdata/check/ holds one run, checked at its
CHECKED_AT by plain `cargo test` (octavia-pki/tests/rules.rs).
"""
import base64
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASS = "CheckFixturePass1"
HERE = os.path.dirname(os.path.abspath(__file__))
NOW = datetime.datetime.now(datetime.timezone.utc)
KOLLA = ("server_ca.cert.pem", "server_ca.key.pem", "client_ca.cert.pem", "client.cert-and-key.pem")
LEGACY = ("ca_01.pem", "cakey.pem", "ca_01.pem", "client.pem")
_keys = {}


def key(kind, slot=0):
    """Keys are reused across cases (by kind and slot) to keep the run fast."""
    if (kind, slot) not in _keys:
        _keys[(kind, slot)] = {
            "rsa2048": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "rsa1024": lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024),
            "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
            "ed25519": ed25519.Ed25519PrivateKey.generate,
        }[kind]()
    return _keys[(kind, slot)]


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Oregon"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OpenStack"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Octavia"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def cert(cn, subject_key, issuer=None, *, ca=True, days=3650, start=-1, digest=hashes.SHA256(),
         bc="critical", ku="default", eku=(ExtendedKeyUsageOID.CLIENT_AUTH,), ski=True, aki=True, dn=None):
    """issuer: (certificate, key) or None for self-signed. start: days from now.
    dn: the subject (an x509.Name), instead of name(cn).
    ski: True (SHA-1 of the key, RFC 5280 method 1), "sha256" (the leftmost 160
    bits of its SHA-256, RFC 7093 method 1, as rcgen writes) or False. The
    authority key identifier is the issuer's subject key identifier."""
    issuer_cert, issuer_key = issuer if issuer else (None, subject_key)
    subject = dn or name(cn)
    b = (x509.CertificateBuilder()
         .subject_name(subject)
         .issuer_name(issuer_cert.subject if issuer_cert else subject)
         .public_key(subject_key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(NOW + datetime.timedelta(days=start))
         .not_valid_after(NOW + datetime.timedelta(days=days)))
    if bc:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=(bc == "critical"))
    if ku == "default":
        ku = "ca" if ca else "client"
    if ku:
        flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                     crl_sign=False, encipher_only=False, decipher_only=False)
        flags.update({"ca": dict(key_cert_sign=True, crl_sign=True),
                      "ca-no-certsign": dict(crl_sign=True, digital_signature=True),
                      "client": dict(digital_signature=True),
                      "client-no-digsig": dict(key_encipherment=True)}[ku])
        b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    if eku and not ca:
        b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    own_ski = None
    if ski == "sha256":
        own_ski = x509.SubjectKeyIdentifier(sha256_key_id(subject_key.public_key()))
    elif ski:
        own_ski = x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key())
    if own_ski:
        b = b.add_extension(own_ski, critical=False)
    if aki:
        try:
            issuer_ski = (issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
                          if issuer_cert else own_ski)
        except x509.ExtensionNotFound:
            issuer_ski = None
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski) if issuer_ski
            else x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else digest
    return b.sign(issuer_key, algorithm)


def sha256_key_id(public_key):
    """RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the
    subjectPublicKey bits (for RSA, the PKCS#1 RSAPublicKey)."""
    bits = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return hashlib.sha256(bits).digest()[:20]


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def key_pem(k, passphrase=None, fmt=serialization.PrivateFormat.PKCS8):
    enc = serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    return k.private_bytes(serialization.Encoding.PEM, fmt, enc)


def base(kind="rsa2048"):
    """A correct two-CA set: (server, server_key, client_ca, client_ca_key, client, client_key)."""
    sk, ck, lk = key(kind, 1), key(kind, 2), key(kind, 3)
    server = cert("server-ca.example.org", sk)
    client_ca = cert("client-ca.example.org", ck)
    client = cert("client.example.org", lk, (client_ca, ck), ca=False, days=365)
    return server, sk, client_ca, ck, client, lk


def write(out, case, files, errors=(), warnings=(), infos=(), layout="kolla", passwords=None,
          errors_by_release=None):
    d = os.path.join(out, case)
    os.makedirs(d)
    for fname, data in files.items():
        if data is None:
            continue
        path = os.path.join(d, fname)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600 if ("key" in fname or fname in ("client.pem",)) else 0o644)
    with open(os.path.join(d, "passwords.yml"), "w") as f:
        f.write(passwords if passwords is not None else
                f"octavia_ca_password: {PASS}\noctavia_client_ca_password: OtherPass2\n")
    with open(os.path.join(d, "expect.json"), "w") as f:
        json.dump({"layout": layout, "errors": sorted(errors), "warnings": sorted(warnings),
                   "infos": sorted(infos), "errors_by_release": errors_by_release or {}}, f, indent=1)


def kolla(server_certs, server_key_bytes, client_ca_certs, bundle):
    s, k, c, b = KOLLA
    return {s: server_certs, k: server_key_bytes, c: client_ca_certs, b: bundle}


def main(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "CHECKED_AT"), "w") as f:
        f.write((NOW + datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    server, sk, client_ca, ck, client, lk = base()
    good_server_key = key_pem(sk, PASS)
    good_bundle = pem(client) + key_pem(lk)
    good = kolla(pem(server), good_server_key, pem(client_ca), good_bundle)

    # --- sets Octavia accepts ---------------------------------------------------------
    write(out, "good-rsa", good)
    e_server, e_sk, e_ca, e_ck, e_client, e_lk = base("p256")
    write(out, "good-ecdsa", kolla(pem(e_server), key_pem(e_sk, PASS), pem(e_ca), pem(e_client) + key_pem(e_lk)))
    write(out, "good-key-before-cert", kolla(pem(server), good_server_key, pem(client_ca), key_pem(lk) + pem(client)))
    write(out, "good-traditional-keys", kolla(
        pem(server), key_pem(sk, PASS, serialization.PrivateFormat.TraditionalOpenSSL), pem(client_ca),
        pem(client) + key_pem(lk, None, serialization.PrivateFormat.TraditionalOpenSSL)))
    no_eku = cert("client.example.org", lk, (client_ca, ck), ca=False, days=365, eku=None)
    write(out, "good-client-without-eku", kolla(pem(server), good_server_key, pem(client_ca), pem(no_eku) + key_pem(lk)))
    text = b"Certificate:\n    Data: (openssl x509 -text output)\n"
    write(out, "good-crlf-bom-text", kolla(
        pem(server).replace(b"\n", b"\r\n"), good_server_key, b"\xef\xbb\xbf" + pem(client_ca), text + good_bundle),
        infos=["crlf-line-endings@server_ca.cert.pem", "utf8-bom@client_ca.cert.pem",
               "text-before-pem@client.cert-and-key.pem"])
    # Intermediates: server CA file = issuing intermediate + root; bundle = leaf + intermediate + key.
    s_root_k, s_int_k, c_root_k, c_int_k = key("rsa2048", 10), key("rsa2048", 11), key("rsa2048", 12), key("rsa2048", 13)
    s_root = cert("server-root", s_root_k)
    s_int = cert("server-intermediate", s_int_k, (s_root, s_root_k))
    c_root = cert("client-root", c_root_k)
    c_int = cert("client-intermediate", c_int_k, (c_root, c_root_k))
    leaf = cert("client.example.org", lk, (c_int, c_int_k), ca=False, days=365)
    write(out, "good-intermediates", kolla(pem(s_int) + pem(s_root), key_pem(s_int_k, PASS), pem(c_root),
                                           pem(leaf) + pem(c_int) + key_pem(lk)))
    l_client = cert("client.example.org", lk, (server, sk), ca=False, days=365)
    write(out, "good-legacy", {"ca_01.pem": pem(server), "cakey.pem": good_server_key,
                               "client.pem": pem(l_client) + key_pem(lk)}, layout="legacy")
    # What kolla-ansible's own recipe makes (OpenSSL 3), deployed as the role deploys it.
    recipe = os.path.join(out, ".recipe")
    subprocess.run(["bash", os.path.join(HERE, "kolla-recipe.sh"), recipe, os.path.join(out, "good-kolla-recipe")],
                   check=True, env=dict(os.environ, CA_PASS=PASS, CLIENT_CA_PASS="OtherPass2"))
    shutil.rmtree(recipe)
    write_expect_only(out, "good-kolla-recipe")
    # The same set as OpenSSL 1.1 wrote it: traditional encrypted CA key, PKCS#1 client key.
    old_style = os.path.join(out, "good-kolla-recipe-openssl11")
    shutil.copytree(os.path.join(out, "good-kolla-recipe"), old_style)
    env = dict(os.environ, CA_PASS=PASS)
    ca_key = os.path.join(old_style, "server_ca.key.pem")
    subprocess.run(["openssl", "rsa", "-in", ca_key, "-passin", "env:CA_PASS", "-traditional", "-aes256",
                    "-passout", "env:CA_PASS", "-out", ca_key], check=True, capture_output=True, env=env)
    bundle = os.path.join(old_style, "client.cert-and-key.pem")
    with open(bundle, "rb") as f:
        cert_part = f.read().split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n"
    pkcs1 = subprocess.run(["openssl", "rsa", "-in", bundle, "-traditional"], check=True, capture_output=True).stdout
    with open(bundle, "wb") as f:
        f.write(cert_part + pkcs1)

    # --- files and format ---------------------------------------------------------------
    write(out, "bundle-key-only", {**good, KOLLA[3]: key_pem(lk)}, errors=["bundle-no-certificate@client.cert-and-key.pem"])
    write(out, "bundle-cert-only", {**good, KOLLA[3]: pem(client)}, errors=["bundle-no-key@client.cert-and-key.pem"])
    write(out, "bundle-empty", {**good, KOLLA[3]: b""}, errors=["empty-file@client.cert-and-key.pem"])
    write(out, "bundle-der", {**good, KOLLA[3]: client.public_bytes(serialization.Encoding.DER)},
          errors=["der-not-pem@client.cert-and-key.pem"])
    write(out, "server-ca-der", {**good, KOLLA[0]: server.public_bytes(serialization.Encoding.DER)},
          errors=["der-not-pem@server_ca.cert.pem"])
    write(out, "server-ca-truncated", {**good, KOLLA[0]: b"\n".join(pem(server).split(b"\n")[:8])},
          errors=["truncated-pem@server_ca.cert.pem"])
    write(out, "server-ca-holds-a-key", {**good, KOLLA[0]: key_pem(sk)}, errors=["wrong-block-kind@server_ca.cert.pem"])
    write(out, "client-ca-missing", {**good, KOLLA[2]: None}, errors=["missing-file@client_ca.cert.pem"])
    write(out, "server-ca-not-pem", {**good, KOLLA[0]: b"this is not a certificate\n"},
          errors=["no-pem-block@server_ca.cert.pem"])

    # --- keys and passphrases -------------------------------------------------------------
    write(out, "bundle-key-encrypted", {**good, KOLLA[3]: pem(client) + key_pem(lk, "secret1")},
          errors=["bundle-key-encrypted@client.cert-and-key.pem"])
    write(out, "bundle-key-mismatch", {**good, KOLLA[3]: pem(client) + key_pem(key("rsa2048", 20))},
          errors=["bundle-key-mismatch@client.cert-and-key.pem"])
    write(out, "bundle-ca-first", {**good, KOLLA[3]: pem(client_ca) + pem(client) + key_pem(lk)},
          errors=["bundle-ca-first@client.cert-and-key.pem"])
    write(out, "bundle-two-keys", {**good, KOLLA[3]: pem(client) + key_pem(lk) + key_pem(key("rsa2048", 21))},
          warnings=["bundle-several-keys@client.cert-and-key.pem"])
    write(out, "bundle-two-keys-wrong-first", {**good, KOLLA[3]: pem(client) + key_pem(key("rsa2048", 21)) + key_pem(lk)},
          errors=["bundle-key-mismatch@client.cert-and-key.pem"], warnings=["bundle-several-keys@client.cert-and-key.pem"])
    no_bc_ca = cert("client-ca.example.org", ck, bc=None)
    no_bc_client = cert("client.example.org", lk, (no_bc_ca, ck), ca=False, days=365)
    write(out, "client-ca-without-basic-constraints", kolla(pem(server), good_server_key, pem(no_bc_ca),
                                                           pem(no_bc_client) + key_pem(lk)),
          warnings=["strict-ca-basic-constraints-not-critical@client_ca.cert.pem"])
    write(out, "wrong-passphrase", good, passwords="octavia_ca_password: NotThePassphrase9\n",
          errors=["wrong-passphrase@server_ca.key.pem"])
    # The CA key encrypted with the passphrase and a newline, as when it is read from a file or a
    # Secret written by `echo` (OSPRH-14829); octavia.conf holds the passphrase alone.
    write(out, "passphrase-trailing-newline", {**good, KOLLA[1]: key_pem(sk, PASS + "\n")},
          errors=["passphrase-trailing-newline@server_ca.key.pem"])
    write(out, "ca-key-not-encrypted", {**good, KOLLA[1]: key_pem(sk)}, errors=["ca-key-not-encrypted@server_ca.key.pem"])
    dollar = "Pass$word1"
    write(out, "passphrase-dollar", {**good, KOLLA[1]: key_pem(sk, dollar)},
          passwords=f"octavia_ca_password: '{dollar}'\n", errors=["password-unusable@passwords.yml"])
    write(out, "server-key-mismatch", {**good, KOLLA[1]: key_pem(key("rsa2048", 22), PASS)},
          errors=["ca-key-mismatch@server_ca.key.pem"])
    write(out, "server-ca-root-first", kolla(pem(s_root) + pem(s_int), key_pem(s_int_k, PASS), pem(client_ca), good_bundle),
          errors=["server-ca-chain-order@server_ca.cert.pem"])
    small = key("rsa1024")
    small_client = cert("client.example.org", small, (client_ca, ck), ca=False, days=365)
    write(out, "client-rsa-1024", {**good, KOLLA[3]: pem(small_client) + key_pem(small)},
          errors=["rsa-key-too-small@client.cert-and-key.pem"])
    ed = key("ed25519")
    ed_server = cert("server-ca.example.org", ed)
    write(out, "server-ca-ed25519", {**good, KOLLA[0]: pem(ed_server), KOLLA[1]: key_pem(ed, PASS)},
          errors=["ed25519-server-ca-key@server_ca.key.pem"])

    # --- chains -----------------------------------------------------------------------------
    other_ca_k = key("rsa2048", 30)
    other_ca = cert("client-ca.example.org", other_ca_k)  # same name, another key: another PKI
    foreign = cert("client.example.org", lk, (other_ca, other_ca_k), ca=False, days=365)
    write(out, "client-from-other-pki", {**good, KOLLA[3]: pem(foreign) + key_pem(lk)},
          errors=["client-cert-untrusted@client.cert-and-key.pem"])
    by_server = cert("client.example.org", lk, (server, sk), ca=False, days=365)
    write(out, "client-signed-by-server-ca", {**good, KOLLA[3]: pem(by_server) + key_pem(lk)},
          errors=["client-cert-untrusted@client.cert-and-key.pem"])
    write(out, "client-missing-intermediate", kolla(pem(server), good_server_key, pem(c_root), pem(leaf) + key_pem(lk)),
          errors=["client-cert-untrusted@client.cert-and-key.pem"])
    write(out, "legacy-with-dual-ca-client", {"ca_01.pem": pem(server), "cakey.pem": good_server_key,
                                              "client.pem": good_bundle}, layout="legacy",
          errors=["client-cert-untrusted@client.pem"])
    write(out, "client-ca-intermediate-only", kolla(pem(server), good_server_key, pem(c_int), pem(leaf) + key_pem(lk)),
          errors=["ca-chain-incomplete@client_ca.cert.pem"])
    not_ca = cert("client-ca.example.org", ck, ca=False, ku="ca", eku=None)
    not_ca_client = cert("client.example.org", lk, (not_ca, ck), ca=False, days=365)
    write(out, "client-ca-not-ca", kolla(pem(server), good_server_key, pem(not_ca), pem(not_ca_client) + key_pem(lk)),
          errors=["ca-not-ca@client_ca.cert.pem"])
    no_certsign = cert("client-ca.example.org", ck, ku="ca-no-certsign")
    ncs_client = cert("client.example.org", lk, (no_certsign, ck), ca=False, days=365)
    write(out, "client-ca-without-keycertsign", kolla(pem(server), good_server_key, pem(no_certsign), pem(ncs_client) + key_pem(lk)),
          errors=["ca-key-usage-no-cert-sign@client_ca.cert.pem"])
    server_auth_only = cert("client.example.org", lk, (client_ca, ck), ca=False, days=365,
                            eku=(ExtendedKeyUsageOID.SERVER_AUTH,))
    write(out, "client-eku-server-auth-only", {**good, KOLLA[3]: pem(server_auth_only) + key_pem(lk)},
          errors=["client-eku-no-client-auth@client.cert-and-key.pem"])
    no_digsig = cert("client.example.org", lk, (client_ca, ck), ca=False, days=365, ku="client-no-digsig")
    write(out, "client-ku-without-digital-signature", {**good, KOLLA[3]: pem(no_digsig) + key_pem(lk)},
          errors=["client-key-usage-no-digital-signature@client.cert-and-key.pem"])
    sha1_client = openssl_client(out, client_ca, ck, lk, "sha1", CLIENT_EXTENSIONS, 4096)
    write(out, "client-signed-with-sha1", {**good, KOLLA[3]: pem(sha1_client) + key_pem(lk)},
          errors=["weak-signature@client.cert-and-key.pem"])

    # --- what the trust files hold ---------------------------------------------------------
    # A foreign root (ten years, self-signed, unrelated to the set) appended to a trust file:
    # Octavia works, and whoever holds its key is trusted as an amphora or as the controllers.
    evil_k = key("p256", 40)
    evil = cert("Evil Corp Root", evil_k, dn=x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evil Corp"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Evil Corp Root"),
    ]))
    write(out, "server-ca-foreign-root", {**good, KOLLA[0]: pem(server) + pem(evil)},
          errors=["foreign-certificate-trusted@server_ca.cert.pem"])
    write(out, "client-ca-foreign-root", {**good, KOLLA[2]: pem(client_ca) + pem(evil)},
          errors=["foreign-certificate-trusted@client_ca.cert.pem"])
    # ... with, in the bundle, a certificate of the client CA's name and key that the root
    # signed: the amphora's path stops at the client CA (trusted first), never at the root.
    evil_cross = cert("client-ca.example.org", ck, (evil, evil_k))
    write(out, "client-ca-foreign-root-cross", {**good, KOLLA[2]: pem(client_ca) + pem(evil),
                                                KOLLA[3]: pem(client) + pem(evil_cross) + key_pem(lk)},
          errors=["foreign-certificate-trusted@client_ca.cert.pem"])
    write(out, "legacy-foreign-root", {"ca_01.pem": pem(server) + pem(evil), "cakey.pem": good_server_key,
                                       "client.pem": pem(l_client) + key_pem(lk)}, layout="legacy",
          errors=["foreign-certificate-trusted@ca_01.pem"])
    # What belongs: a renewal keeps the earlier certificate of the same key (another key
    # identifier) after the renewed one; a staged server CA rotation keeps the old CA after
    # the new one, whose name is the old one's with the next generation suffix.
    earlier = cert("server-ca.example.org", sk, ski="sha256", start=-1000, days=200)
    write(out, "good-renewed-server-ca", {**good, KOLLA[0]: pem(server) + pem(earlier)})
    g2_k = key("p256", 41)
    g2 = cert("server-ca.example.org G2", g2_k)
    write(out, "good-staged-server-ca", {**good, KOLLA[0]: pem(g2) + pem(server), KOLLA[1]: key_pem(g2_k, PASS)})

    # --- time -------------------------------------------------------------------------------
    expired = cert("client.example.org", lk, (client_ca, ck), ca=False, start=-400, days=-2)
    write(out, "client-expired", {**good, KOLLA[3]: pem(expired) + key_pem(lk)}, errors=["expired@client.cert-and-key.pem"])
    future = cert("client.example.org", lk, (client_ca, ck), ca=False, start=3, days=365)
    write(out, "client-not-yet-valid", {**good, KOLLA[3]: pem(future) + key_pem(lk)},
          errors=["not-yet-valid@client.cert-and-key.pem"])
    soon = cert("client.example.org", lk, (client_ca, ck), ca=False, days=10)
    write(out, "client-expiring-soon", {**good, KOLLA[3]: pem(soon) + key_pem(lk)},
          warnings=["expiring-soon@client.cert-and-key.pem"])
    short_ca = cert("client-ca.example.org", ck, days=200)
    long_client = cert("client.example.org", lk, (short_ca, ck), ca=False, days=365)
    write(out, "client-ca-expires-first", kolla(pem(server), good_server_key, pem(short_ca), pem(long_client) + key_pem(lk)),
          warnings=["ca-expires-before-client@client_ca.cert.pem"])

    # --- Python 3.13 strict verification (warnings; Octavia on Python <= 3.12 works) -----------
    lax_server = cert("server-ca.example.org", sk, bc="not-critical", ku=None, ski=False)
    write(out, "strict-lax-server-ca", {**good, KOLLA[0]: pem(lax_server)},
          warnings=["strict-ca-basic-constraints-not-critical@server_ca.cert.pem",
                    "strict-ca-no-key-usage@server_ca.cert.pem", "strict-ca-no-ski@server_ca.cert.pem"])
    no_aki = cert("client.example.org", lk, (client_ca, ck), ca=False, days=365, aki=False)
    write(out, "strict-client-without-aki", {**good, KOLLA[3]: pem(no_aki) + key_pem(lk)},
          warnings=["strict-no-aki@client.cert-and-key.pem"])
    # A server CA whose key identifier is not the SHA-1 of its key (a truncated
    # SHA-256, as rcgen and octavia-pki before 0.2 wrote): Octavia 16.1.0 and
    # 17.0.1 name the issuer of amphora certificates by the SHA-1 and fail;
    # 18.0.0 (no identifiers) and 19.0.0 (the CA's own) work. "errors" is for
    # every release at once; "errors_by_release" where one release differs.
    sha256_server = cert("server-ca.example.org", sk, ski="sha256")
    key_id_by_release = {"18.0.0": [], "19.0.0": []}
    write(out, "server-ca-key-id-sha256", {**good, KOLLA[0]: pem(sha256_server)},
          errors=["server-ca-key-id-not-sha1@server_ca.cert.pem"], errors_by_release=key_id_by_release)
    legacy_client = cert("client.example.org", lk, (sha256_server, sk), ca=False, days=365)
    write(out, "server-ca-key-id-sha256-legacy",
          {LEGACY[0]: pem(sha256_server), LEGACY[1]: good_server_key, LEGACY[3]: pem(legacy_client) + key_pem(lk)},
          errors=["server-ca-key-id-not-sha1@ca_01.pem"], errors_by_release=key_id_by_release, layout="legacy")
    loose = dict(good)
    write(out, "key-file-world-readable", loose, warnings=["key-file-permissions@server_ca.key.pem"])
    os.chmod(os.path.join(out, "key-file-world-readable", KOLLA[1]), 0o644)

    # --- what the loading pass refuses ------------------------------------------------------
    def block(label, der):
        body = base64.encodebytes(der).replace(b"\n", b"")
        lines = b"\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return b"-----BEGIN " + label + b"-----\n" + lines + b"\n-----END " + label + b"-----\n"

    # Not DER at all, inside correct PEM framing (fixed bytes: the fixture is reproducible).
    garbage = hashlib.sha256(b"octavia-pki fixture").digest() * 8
    write(out, "client-ca-garbage-der", {**good, KOLLA[2]: block(b"CERTIFICATE", garbage)},
          errors=["unreadable-certificate@client_ca.cert.pem"])
    write(out, "server-key-garbage-der", {**good, KOLLA[1]: block(b"PRIVATE KEY", garbage)},
          errors=["unreadable-key@server_ca.key.pem"])
    lines = pem(server).split(b"\n")
    lines[3] = lines[3][:10] + b"!!!!" + lines[3][14:]  # a hand edit: not base64 any more
    write(out, "server-ca-corrupt-base64", {**good, KOLLA[0]: b"\n".join(lines)},
          errors=["corrupt-pem@server_ca.cert.pem"])
    write(out, "server-ca-too-large", {**good, KOLLA[0]: b"\0" * (1024 * 1024 + 1)},
          errors=["file-too-large@server_ca.cert.pem"])
    # A directory where the certificate belongs (a file inside, since git keeps no empty directory).
    write(out, "server-ca-is-a-directory", {**good, KOLLA[0]: None}, errors=["not-a-file@server_ca.cert.pem"])
    os.makedirs(os.path.join(out, "server-ca-is-a-directory", KOLLA[0]))
    with open(os.path.join(out, "server-ca-is-a-directory", KOLLA[0], "README"), "w") as f:
        f.write("a directory, not the server CA certificate\n")
    # An X.509 v1 client certificate (`openssl x509 -req` without extensions,
    # as a hand renewal or TripleO makes one): OpenSSL and Octavia accept it,
    # strictly too (OpenSSL asks v3 certificates alone for key identifiers).
    v1 = openssl_client(out, client_ca, ck, lk, "sha256", None, 4097)
    assert v1.version == x509.Version.v1
    write(out, "client-v1-certificate", {**good, KOLLA[3]: pem(v1) + key_pem(lk)})
    # Octavia's devstack pregenerated set, as the field report deploys it (legacy
    # names, passphrase foobar): Octavia works with it, and anyone holds its keys.
    devstack = os.path.join(HERE, "devstack-pregenerated")
    files = {}
    for name in ("ca_01.pem", "cakey.pem", "client.pem"):
        with open(os.path.join(devstack, name), "rb") as f:
            files[name] = f.read()
    write(out, "devstack-pregenerated", files, layout="legacy", passwords="octavia_ca_password: foobar\n",
          errors=["publicly-known-key@ca_01.pem", "publicly-known-key@client.pem", "publicly-known-passphrase@cakey.pem"])
    write(out, "passwords-without-ca-password", good, passwords="octavia_client_ca_password: OtherPass2\n",
          errors=["password-missing@passwords.yml"], infos=["passphrase-not-available@server_ca.key.pem"])


CLIENT_EXTENSIONS = (b"basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                     b"extendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")


def openssl_client(out, ca, ca_key, client_key, digest, extensions, serial):
    """A client certificate signed by OpenSSL (`openssl x509 -req`), for what
    cryptography no longer makes: SHA-1 signatures, and X.509 v1 (no
    extensions at all)."""
    tmp = os.path.join(out, f".openssl-{serial}")
    os.makedirs(tmp)
    paths = {n: os.path.join(tmp, n) for n in ("ca.pem", "ca.key", "client.key", "client.csr", "client.pem", "ext")}
    for n, data in (("ca.pem", pem(ca)), ("ca.key", key_pem(ca_key)), ("client.key", key_pem(client_key)),
                    ("ext", extensions or b"")):
        with open(paths[n], "wb") as f:
            f.write(data)
    subj = "/C=US/ST=Oregon/O=OpenStack/OU=Octavia/CN=client.example.org"
    subprocess.run(["openssl", "req", "-new", "-key", paths["client.key"], "-subj", subj, "-out", paths["client.csr"]],
                   check=True, capture_output=True)
    extfile = ["-extfile", paths["ext"]] if extensions else []
    subprocess.run(["openssl", "x509", "-req", "-in", paths["client.csr"], "-CA", paths["ca.pem"], "-CAkey",
                    paths["ca.key"], "-set_serial", str(serial), "-days", "365", f"-{digest}", *extfile,
                    "-out", paths["client.pem"]], check=True, capture_output=True)
    with open(paths["client.pem"], "rb") as f:
        result = x509.load_pem_x509_certificate(f.read())
    shutil.rmtree(tmp)
    return result


def write_expect_only(out, case):
    with open(os.path.join(out, case, "passwords.yml"), "w") as f:
        f.write(f"octavia_ca_password: {PASS}\noctavia_client_ca_password: OtherPass2\n")
    with open(os.path.join(out, case, "expect.json"), "w") as f:
        json.dump({"layout": "kolla", "errors": [], "warnings": [], "infos": []}, f)


if __name__ == "__main__":
    main(sys.argv[1])
