"""Octavia's own amphora agent on loopback, for the probe's tests, and the
amphora certificates LocalCertGenerator cannot make.

  amphora_agent.py run --dir D [--host ADDRESS] --port N --cert AMPHORA_PEM --client-ca PEM --amphora-id ID
                       [--no-client-cert]
      Runs octavia.cmd.agent.main() (gunicorn with the agent's TLS options)
      on ADDRESS:N (a loopback address; 127.0.0.1 by default). Only its log files, syslog and control socket are
      redirected, so that it runs unprivileged; --no-client-cert stands in for
      an image older than the CVE-2019-17134 fix (cert_reqs CERT_NONE).

  amphora_agent.py forge --ca-cert PEM --ca-key PEM --passphrase-file F --out PEM
                         --amphora-id ID --days N [--no-san]
      An amphora certificate as LocalCertGenerator shapes it, signed with the
      CA key by Python's cryptography, expiring N days from now (negative:
      expired), optionally without subjectAltName.

  amphora_agent.py mint --ca-cert PEM --ca-key PEM --passphrase-file F --count N --out-dir DIR
      N amphora certificates (DIR/<amphora id>.pem, certificate and key) from
      Octavia's own LocalCertGenerator, in one process (the benchmark's).

Passphrases come from files, never argv.
"""
import argparse
import datetime
import os
import ssl
import sys


def run(args):
    os.makedirs(args.dir, exist_ok=True)
    for sub in ("certs", "lib", "net"):
        os.makedirs(os.path.join(args.dir, sub), exist_ok=True)
    conf = os.path.join(args.dir, "amphora-agent.conf")
    with open(conf, "w") as f:
        f.write(f"""[DEFAULT]
debug = False
[haproxy_amphora]
base_cert_dir = {args.dir}/certs
base_path = {args.dir}/lib
bind_host = {args.host}
bind_port = {args.port}
[health_manager]
controller_ip_port_list =
[amphora_agent]
agent_server_ca = {args.client_ca}
agent_server_cert = {args.cert}
agent_server_network_dir = {args.dir}/net
amphora_id = {args.amphora_id}
[controller_worker]
loadbalancer_topology = SINGLE
""")
    from octavia.cmd import agent

    log = os.path.join(args.dir, "amphora-agent.log")
    original = agent.AmphoraAgent.load_config

    def load_config(self):
        self.options.update(accesslog=log, errorlog=log, syslog=False, control_socket_disable=True)
        if args.no_client_cert:
            self.options["cert_reqs"] = ssl.CERT_NONE
        original(self)

    agent.AmphoraAgent.load_config = load_config
    sys.argv = ["amphora-agent", "--config-file", conf]
    agent.main()


def forge(args):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    with open(args.passphrase_file, "rb") as f:
        passphrase = f.read().splitlines()[0]
    with open(args.ca_cert, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    with open(args.ca_key, "rb") as f:
        ca_key = serialization.load_pem_private_key(f.read(), password=passphrase)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = now + datetime.timedelta(days=args.days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, args.amphora_id)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now, not_after) - datetime.timedelta(days=30))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False)
    )
    if not args.no_san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(args.amphora_id)]), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    with open(args.out, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def mint(args):
    import uuid

    from octavia.common import config  # noqa: F401  (registers [certificates] options)
    from octavia.certificates.generator import local

    with open(args.passphrase_file, "rb") as f:
        passphrase = f.read().splitlines()[0]
    with open(args.ca_cert, "rb") as f:
        ca_cert = f.read()
    with open(args.ca_key, "rb") as f:
        ca_key = f.read()
    os.makedirs(args.out_dir, exist_ok=True)
    for _ in range(args.count):
        amphora_id = str(uuid.uuid4())
        cert = local.LocalCertGenerator.generate_cert_key_pair(
            cn=amphora_id, validity=30 * 24 * 3600, ca_cert=ca_cert, ca_key=ca_key,
            ca_key_pass=passphrase, ca_digest="sha256")
        with open(os.path.join(args.out_dir, f"{amphora_id}.pem"), "wb") as f:
            f.write(cert.get_certificate())
            f.write(cert.get_private_key())


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("--dir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--amphora-id", required=True)
    p.add_argument("--no-client-cert", action="store_true")
    p = sub.add_parser("forge")
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--ca-key", required=True)
    p.add_argument("--passphrase-file", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--amphora-id", required=True)
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--no-san", action="store_true")
    p = sub.add_parser("mint")
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--ca-key", required=True)
    p.add_argument("--passphrase-file", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    {"run": run, "forge": forge, "mint": mint}[args.command](args)


if __name__ == "__main__":
    main()
