"""Octavia's own code, driven from the tests: the peer no one here wrote.

Each command runs the Octavia release installed in the Python that runs it
(scripts/peers.sh installs 16.1.0, 17.0.1, 18.0.0 and 19.0.0 side by side).

  octavia_peer.py issue --ca-cert F --ca-key F --passphrase-file F --out F [--amphora-id ID]
      Issues an amphora certificate (for a new amphora id, unless given) with that Octavia's LocalCertGenerator, exactly
      as the controller does (first certificate of the CA file, key unlocked with
      load_pem_private_key), and writes certificate + key to --out. Prints the
      amphora id.

  octavia_peer.py controller --dir D --amphora-id ID --address A --port N [--upload-cert PEM]
      Octavia's REST driver (HaproxyAmphoraLoadBalancerDriver, with its
      requests session and CustomHostNameCheckingAdapter) configured on the
      deployed directory D (kolla layout) as the worker and housekeeping are,
      against the amphora agent on A:N (its lb_network_ip and bind_port): asks its api_version, or, with
      --upload-cert, pushes a certificate with upload_cert_amp (housekeeping's
      rotation: update_cert_for_rotation, PUT /1.0/certificate). Prints a JSON
      verdict with the driver's own log lines (its ERROR line holds the reason).

  octavia_peer.py conf [--each] FILE...
      The options that name the PKI's files, and the SHA-256 of the CA key's
      passphrase, as Octavia's own oslo.config reads them from FILEs
      (--config-file, in order), as JSON; with --each, each FILE read alone,
      as a JSON list.

  octavia_peer.py oslo-batch < cases.json
      oslo.config itself on many lists of files (one list per case, read as
      --config-file in order), in one process: per case the line of the
      first ParseError, or every option the files set (and Octavia's PKI
      options) as oslo.config gives it (see oslo_batch).

  octavia_peer.py load-key --key F [--passphrase-file F]
      Loads a key with cryptography's load_pem_private_key, as Octavia does, and
      prints its type and size.

  octavia_peer.py public-key --key F [--passphrase-file F]
      Loads a key the same way and prints its public key (SubjectPublicKeyInfo
      DER, in hex).

  octavia_peer.py rehearse --dir D --layout kolla|legacy [--passwords passwords.yml] [--strict]
                           [--amphora-cert F --amphora-id ID]
      Octavia's whole path over a deployed directory: octavia.conf rendered as
      kolla-ansible renders it and parsed by oslo.config; an amphora certificate
      issued by LocalCertGenerator from that configuration; the amphora agent's
      TLS server (gunicorn's SSL context: client CA, CERT_REQUIRED) and the
      controller's client (a requests session with Octavia's own
      CustomHostNameCheckingAdapter) shaking hands on loopback. Prints a JSON
      verdict (with the Octavia version and the TLS version negotiated); exit
      0 when Octavia would work, 1 when not. --strict adds Python 3.13's
      verification flags to both sides; --amphora-cert serves a certificate
      issued earlier instead of issuing one.

      In a batch job, also: "amphora_client_ca", the client CA file the
      amphora booted with (its config drive's copy; default: the one
      octavia.conf names now); "amphora_id" without "amphora_cert", the id a
      new certificate is issued for (housekeeping's re-issue); "keep_amphora",
      a file the issued certificate and key are copied to.

  octavia_peer.py rehearse-batch < jobs.json
      The same for many directories in one process (see rehearse_batch).

  octavia_peer.py rehearse-stream
      One batch per line of stdin, one line of verdicts each (see rehearse_stream).

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
    amphora_id = args.amphora_id or str(uuid.uuid4())
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


def public_key(args):
    """The key's public half as SubjectPublicKeyInfo DER, in hex: what
    cryptography's load_pem_private_key (Octavia's reader) makes of the file."""
    from cryptography.hazmat.primitives import serialization

    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=read_passphrase(args.passphrase_file))
    print(key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex())


LAYOUTS = {
    "kolla": ("server_ca.cert.pem", "server_ca.key.pem", "client_ca.cert.pem", "client.cert-and-key.pem"),
    "legacy": ("ca_01.pem", "cakey.pem", "ca_01.pem", "client.pem"),
}


def octavia_version():
    from importlib.metadata import version

    return version("octavia")


STRICT = {"on": False}


def strict_verification():
    """Python 3.13's default contexts (ssl.create_default_context, and urllib3
    2.3+'s create_urllib3_context on 3.13) set VERIFY_X509_STRICT and
    VERIFY_X509_PARTIAL_CHAIN; on this Python the flags are added by hand when
    a job asks for them: on the agent's side always (gunicorn's context), on
    the controller's only where this venv's urllib3 (its series' pin) would
    set them on 3.13. urllib3 1.26 builds a plain SSLContext, without them."""
    import ssl
    import urllib3
    import urllib3.connection
    import urllib3.util.ssl_

    original = urllib3.util.ssl_.create_urllib3_context
    major, minor = (int(p) for p in urllib3.__version__.split(".")[:2])
    sets_flags_on_3_13 = (major, minor) >= (2, 3)

    def create(*args, **kwargs):
        context = original(*args, **kwargs)
        if STRICT["on"] and sets_flags_on_3_13:
            context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
        return context

    urllib3.util.ssl_.create_urllib3_context = create
    urllib3.connection.create_urllib3_context = create


def render_kolla_conf(job, conf_path, passphrase):
    """octavia.conf as kolla-ansible renders it for the deployed directory job["dir"]."""
    import os

    layout = job.get("layout", "kolla")
    server_ca, server_key, client_ca, bundle = (os.path.join(job["dir"], f) for f in LAYOUTS[layout])
    with open(conf_path, "w") as f:
        f.write("[certificates]\n")
        f.write(f"ca_certificate = {server_ca}\nca_private_key = {server_key}\n")
        if passphrase is not None:  # kolla-ansible always renders it
            f.write(f"ca_private_key_passphrase = {passphrase}\n")
        f.write(f"[haproxy_amphora]\nclient_cert = {bundle}\nserver_ca = {server_ca}\n")
        f.write(f"[controller_worker]\nclient_ca = {client_ca}\n")


def rehearse_one(job):
    """Octavia's whole path over one deployed directory; returns the verdict."""
    import os
    import socket
    import ssl
    import tempfile
    import threading

    STRICT["on"] = bool(job.get("strict"))
    passphrase = None
    # With job["conf"], octavia.conf files as a deployer rendered them, read as
    # they are; else kolla's rendering for job["dir"].
    if not job.get("conf") and job.get("passwords"):
        import yaml  # PyYAML, as Ansible reads passwords.yml

        with open(job["passwords"]) as f:
            passphrase = (yaml.safe_load(f) or {}).get("octavia_ca_password")
    verdict = {"ok": False, "stage": None, "controller": None, "amphora": None,
               "octavia": octavia_version(), "tls_version": None}

    def failed(stage, error):
        verdict["stage"] = stage
        verdict["controller"] = f"{type(error).__name__}: {error}"
        return verdict

    with tempfile.TemporaryDirectory() as tmp:
        conf_path = os.path.join(tmp, "octavia.conf")
        if job.get("conf"):
            argv = [a for path in job["conf"] for a in ("--config-file", path)]
        else:
            argv = ["--config-file", conf_path]
            render_kolla_conf(job, conf_path, passphrase)
        from oslo_config import cfg
        from octavia.common import config  # noqa: F401  (registers the options)
        from octavia.certificates.generator import local
        from octavia.amphorae.drivers.haproxy import rest_api_driver

        conf = cfg.CONF
        # As every Octavia service starts (octavia.common.config.init): oslo.config
        # checks each set option against its type, server_certs_key_passphrase's
        # regex among them (16.1.0: one string; later: a list), and the service
        # exits on a bad value.
        try:
            conf(argv, project="octavia", default_config_files=[])
            conf.certificates.server_certs_key_passphrase
        except (Exception, SystemExit) as e:
            return failed("Octavia reads octavia.conf", e)
        if job.get("amphora_cert"):
            # An amphora certificate issued earlier (before a renewal, say).
            amp_pem, amphora_id = job["amphora_cert"], job["amphora_id"]
        else:
            amphora_id = job.get("amphora_id") or str(uuid.uuid4())
            try:
                amp = local.LocalCertGenerator.generate_cert_key_pair(
                    cn=amphora_id, validity=conf.certificates.cert_validity_time)
            except Exception as e:
                return failed("controller signs the amphora certificate", e)
            amp_pem = job.get("keep_amphora") or os.path.join(tmp, "amphora.pem")
            with open(amp_pem, "wb") as f:
                f.write(amp.get_certificate() + amp.get_private_key())
        verdict["amphora_id"] = amphora_id

        # The amphora agent: gunicorn's default_ssl_context_factory with the
        # options octavia/cmd/agent.py passes (certfile, ca_certs, CERT_REQUIRED);
        # gunicorn ignores its ssl_version, so TLS 1.2 and 1.3 are offered.
        try:
            client_ca = job.get("amphora_client_ca") or conf.controller_worker.client_ca
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=client_ca)
            context.load_cert_chain(certfile=amp_pem)
            context.verify_mode = ssl.CERT_REQUIRED
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if STRICT["on"]:
                context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
        except Exception as e:
            return failed("amphora agent loads the client CA", e)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(20)
        port = listener.getsockname()[1]

        def serve():
            try:
                conn, _ = listener.accept()
                conn.settimeout(20)
                with context.wrap_socket(conn, server_side=True) as tls:
                    verdict["tls_version"] = tls.version()
                    tls.recv(4096)
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            except Exception as e:
                verdict["amphora"] = f"{type(e).__name__}: {e}"
            finally:
                listener.close()

        server = threading.Thread(target=serve, daemon=True)
        server.start()

        # The controller: Octavia's REST driver session and adapter.
        import requests

        session = requests.Session()
        session.cert = conf.haproxy_amphora.client_cert
        adapter = rest_api_driver.CustomHostNameCheckingAdapter()
        adapter.uuid = amphora_id
        session.mount("https://", adapter)
        try:
            response = session.get(f"https://127.0.0.1:{port}/", verify=conf.haproxy_amphora.server_ca, timeout=(10, 10))
            server.join(20)
            if response.status_code != 200 or verdict["amphora"]:
                return failed("handshake", RuntimeError(verdict["amphora"] or f"HTTP {response.status_code}"))
        except Exception as e:
            server.join(20)
            return failed("handshake", e)
        finally:
            session.close()
    verdict["ok"] = True
    verdict["stage"] = "done"
    return verdict


def controller(args):
    import json
    import logging
    import os
    import tempfile
    import types

    class Captured(logging.Handler):
        lines = []

        def emit(self, record):
            self.lines.append(record.getMessage())

    logging.getLogger().addHandler(Captured())
    with tempfile.TemporaryDirectory() as tmp:
        conf_path = os.path.join(tmp, "octavia.conf")
        with open(conf_path, "w") as f:
            f.write(f"""[haproxy_amphora]
client_cert = {os.path.join(args.dir, "client.cert-and-key.pem")}
server_ca = {os.path.join(args.dir, "server_ca.cert.pem")}
bind_port = {args.port}
base_path = {tmp}
base_cert_dir = {tmp}
connection_max_retries = 1
connection_retry_interval = 1
rest_request_conn_timeout = 5
rest_request_read_timeout = 10
""")
        from oslo_config import cfg
        from octavia.common import config  # noqa: F401  (registers the options)
        from octavia.amphorae.drivers.haproxy import rest_api_driver

        cfg.CONF(["--config-file", conf_path], project="octavia")
        driver = rest_api_driver.HaproxyAmphoraLoadBalancerDriver()
        amp = types.SimpleNamespace(id=args.amphora_id, lb_network_ip=args.address, api_version=None)
        verdict = {"ok": False, "octavia": octavia_version()}
        try:
            if args.upload_cert:
                with open(args.upload_cert, "rb") as f:
                    driver.upload_cert_amp(amp, f.read())
            else:
                driver._populate_amphora_api_version(amp)
            verdict.update(ok=True, api_version=amp.api_version)
        except Exception as e:
            verdict["error"] = f"{type(e).__name__}: {e}"
        verdict["log"] = Captured.lines
    print(json.dumps(verdict))
    sys.exit(0 if verdict["ok"] else 1)


def rehearse(args):
    import json

    strict_verification()
    verdict = rehearse_one({"dir": args.dir, "layout": args.layout, "passwords": args.passwords,
                            "strict": args.strict, "amphora_cert": args.amphora_cert,
                            "amphora_id": args.amphora_id})
    print(json.dumps(verdict))
    sys.exit(0 if verdict["ok"] else 1)


def rehearse_batch(_args):
    """Jobs as a JSON list on stdin (objects with the keys of `rehearse`'s
    options: dir, layout, passwords, strict, amphora_cert, amphora_id; or
    conf, a list of octavia.conf files, instead of dir, layout, passwords); one
    verdict per job, as a JSON list, in order. One Python start-up for all."""
    import json

    strict_verification()
    jobs = json.load(sys.stdin)
    print(json.dumps([rehearse_one(job) for job in jobs]))


def rehearse_stream(_args):
    """As rehearse-batch, one batch per line: a JSON list of jobs on a line of
    stdin, its verdicts as one JSON line on stdout, until stdin closes. One
    Python start-up (and one import of Octavia) for a whole test."""
    import json

    strict_verification()
    for line in sys.stdin:
        print(json.dumps([rehearse_one(job) for job in json.loads(line)]), flush=True)


def conf(args):
    """The PKI's options as Octavia reads them from args.files, in order (or
    from each alone, with args.each)."""
    import hashlib
    import json
    from oslo_config import cfg
    from octavia.common import config  # noqa: F401  (registers the options)
    from octavia.certificates.common import local  # noqa: F401  ([certificates])

    def read(files):
        argv = [a for path in files for a in ("--config-file", path)]
        cfg.CONF(argv, project="octavia", default_config_files=[])
        c = cfg.CONF
        passphrase = c.certificates.ca_private_key_passphrase
        return {
            "ca_certificate": c.certificates.ca_certificate,
            "ca_private_key": c.certificates.ca_private_key,
            "server_ca": c.haproxy_amphora.server_ca,
            "client_cert": c.haproxy_amphora.client_cert,
            "client_ca": c.controller_worker.client_ca,
            # Never the passphrase itself: its SHA-256.
            "ca_private_key_passphrase_sha256":
                None if passphrase is None else hashlib.sha256(passphrase.encode()).hexdigest(),
        }

    if args.each:
        print(json.dumps([read([path]) for path in args.files]))
    else:
        print(json.dumps(read(args.files)))


# The options of the PKI, by group: the ones the library substitutes in
# references (octavia_conf.rs), as Octavia registers them.
PKI_OPTIONS = (
    ("certificates", "ca_certificate"),
    ("certificates", "ca_private_key"),
    ("certificates", "ca_private_key_passphrase"),
    ("haproxy_amphora", "server_ca"),
    ("haproxy_amphora", "client_cert"),
    ("controller_worker", "client_ca"),
)


def oslo_batch(_args):
    """oslo.config on each case of stdin (a JSON list of lists of files).

    Prints {"oslo_config": VERSION, "results": [...]}, one result per case:
    {"error": {"file": I, "line": N}} for the first file oslo.config's parser
    refuses (N is None when the file is not UTF-8), else {"inventory": [[G, K],
    ...], "options": [[G, K, VALUE, STATUS], ...]}: the inventory is every
    (section as oslo.config normalises it, key) the files set; the options are
    those and Octavia's PKI options, each read through a ConfigOpts where
    Octavia's own definitions of the PKI options and a StrOpt for every other
    key are registered. STATUS is "ok" when the value's `$` references reached
    only PKI options (VALUE is then what the library must read), "foreign" when
    one reached another option, "error" when reading raised (no such option, a
    cycle...)."""
    import json
    from importlib.metadata import version
    from oslo_config import cfg, iniparser
    from octavia.common import config  # noqa: F401  (registers the options)
    from octavia.certificates.common import local  # noqa: F401  ([certificates])

    pki = {key: cfg.CONF._get_opt_info(key[1], key[0])["opt"] for key in PKI_OPTIONS}
    reached = {"foreign": False}
    original = cfg.ConfigOpts.StrSubWrapper.__getitem__

    def getitem(self, key):
        # Which option `$key` names, as StrSubWrapper looks it up: in the
        # group (or `group.name`), else in DEFAULT.
        try:
            try:
                group_name, option = key.split(".", 1)
            except ValueError:
                group, option = self.group, key
            else:
                group = cfg.OptGroup(name=group_name)
            try:
                opt = self.conf._get_opt_info(option, group)["opt"]
            except cfg.NoSuchOptError:
                opt = self.conf._get_opt_info(key)["opt"]
            if not any(opt is o for o in pki.values()):
                reached["foreign"] = True
        except Exception:
            reached["foreign"] = True
        return original(self, key)

    cfg.ConfigOpts.StrSubWrapper.__getitem__ = getitem

    def read_case(files):
        inventory = []
        for i, path in enumerate(files):
            sections, normalized = {}, {}
            parser = cfg.ConfigParser(path, sections)
            parser._add_normalized(normalized)
            try:
                parser.parse()
            except iniparser.ParseError as e:
                return {"error": {"file": i, "line": e.lineno}}
            except UnicodeDecodeError:
                return {"error": {"file": i, "line": None}}
            for group, keys in normalized.items():
                inventory += [[group, key] for key in keys if [group, key] not in inventory]
        conf = cfg.ConfigOpts()
        for (group, key), opt in pki.items():
            conf.register_opt(opt, group=group)
        for group, key in inventory:
            if (group, key) not in pki:
                conf.register_opt(cfg.StrOpt(key, dest=key), group=None if group == "DEFAULT" else group)
        argv = [a for path in files for a in ("--config-file", path)]
        conf(argv, default_config_files=[], default_config_dirs=[])
        options = []
        for group, key in inventory + [list(k) for k in PKI_OPTIONS if list(k) not in inventory]:
            reached["foreign"] = False
            conf._ConfigOpts__cache.clear()
            try:
                value = conf[key] if group == "DEFAULT" else conf[group][key]
                status = "foreign" if reached["foreign"] else "ok"
            except Exception:
                value, status = None, "error"
            options.append([group, key, value, status])
        return {"inventory": inventory, "options": options}

    cases = json.load(sys.stdin)
    print(json.dumps({"oslo_config": version("oslo.config"), "results": [read_case(c) for c in cases]}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("issue")
    p.add_argument("--ca-cert", required=True)
    p.add_argument("--ca-key", required=True)
    p.add_argument("--passphrase-file")
    p.add_argument("--out", required=True)
    p.add_argument("--amphora-id")
    p = sub.add_parser("controller")
    p.add_argument("--dir", required=True)
    p.add_argument("--amphora-id", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upload-cert")
    p = sub.add_parser("rehearse")
    p.add_argument("--dir", required=True)
    p.add_argument("--layout", choices=sorted(LAYOUTS), default="kolla")
    p.add_argument("--passwords")
    p.add_argument("--strict", action="store_true")
    p.add_argument("--amphora-cert")
    p.add_argument("--amphora-id")
    sub.add_parser("rehearse-batch")
    sub.add_parser("rehearse-stream")
    sub.add_parser("oslo-batch")
    p = sub.add_parser("conf")
    p.add_argument("--each", action="store_true")
    p.add_argument("files", nargs="+")
    for name in ("load-key", "public-key"):
        p = sub.add_parser(name)
        p.add_argument("--key", required=True)
        p.add_argument("--passphrase-file")
    args = parser.parse_args()
    try:
        {"issue": issue, "load-key": load_key, "public-key": public_key, "controller": controller, "rehearse": rehearse,
         "rehearse-batch": rehearse_batch, "rehearse-stream": rehearse_stream,
         "conf": conf, "oslo-batch": oslo_batch}[args.command](args)
    except SystemExit:
        raise
    except Exception as e:  # report Octavia's own message, as its log would show it
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
