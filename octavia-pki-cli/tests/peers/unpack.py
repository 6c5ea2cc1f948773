"""unpack.py charm|k8s DOCUMENT OUT [PASSPHRASE_FILE]: a packed Octavia PKI unpacked as its deployer
does, with the octavia.conf that deployer renders, in OUT (OUT/octavia.conf names files under OUT/certs).
Never octavia-pki's code: the tests judge what octavia-pki packs by what these unpack.

charm  charm-octavia (src/lib/charm/openstack/octavia.py): each option of the application,
       base64.b64decode'd by decode_and_write_cert into /etc/octavia/certs/<name> (0440); octavia.conf as
       its template renders (ca_certificate = server_ca = issuing_ca.pem, the passphrase option as is).
       Also OUT/juju-format.yaml: the options as `juju config octavia --format yaml` prints them.
k8s    the kubelet's Secret volumes: `data` base64-decoded as the API server decodes it (strictly),
       `stringData` as is; mounted as openstack-helm's CI values do (octavia-certs, keys under private/,
       the passphrase from PASSPHRASE_FILE in the chart's values) or as Atmosphere does (server/, client/;
       no passphrase), or as Genestack's helm values do (octavia-certs with client.key-and-cert.pem,
       the passphrase from octavia-certificates), or as RHOSO's operator does (<name>-certs-secret
       whole, the passphrase from <name>-ca-passphrase). Also OUT/list.yaml: the Secrets as `kubectl get secret -o yaml` prints them.
"""

import base64
import binascii
import os
import sys

import yaml


def write(path, data, mode=0o440):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def write_conf(out, ca_cert, ca_key, passphrase, server_ca, client_cert, client_ca):
    lines = ["[certificates]", f"ca_certificate = {ca_cert}", f"ca_private_key = {ca_key}"]
    if passphrase is not None:
        lines.append(f"ca_private_key_passphrase = {passphrase}")
    lines += ["[haproxy_amphora]", f"server_ca = {server_ca}", f"client_cert = {client_cert}",
              "[controller_worker]", f"client_ca = {client_ca}"]
    with open(os.path.join(out, "octavia.conf"), "w") as f:
        f.write("\n".join(lines) + "\n")


def charm(doc, out):
    (app, options), = yaml.safe_load(doc).items()
    certs = os.path.join(out, "certs")
    files = {
        "lb-mgmt-issuing-cacert": "issuing_ca.pem",
        "lb-mgmt-issuing-ca-private-key": "issuing_ca_key.pem",
        "lb-mgmt-controller-cacert": "controller_ca.pem",
        "lb-mgmt-controller-cert": "controller_cert.pem",
    }
    for option, name in files.items():
        write(os.path.join(certs, name), base64.b64decode(options[option]))
    c = lambda name: os.path.join(certs, name)
    write_conf(out, c("issuing_ca.pem"), c("issuing_ca_key.pem"),
               options["lb-mgmt-issuing-ca-key-passphrase"], c("issuing_ca.pem"),
               c("controller_cert.pem"), c("controller_ca.pem"))
    settings = {k: {"default": "", "description": "", "source": "user", "type": "string", "value": v}
                for k, v in options.items()}
    with open(os.path.join(out, "juju-format.yaml"), "w") as f:
        yaml.safe_dump({"application": app, "application-config": {}, "charm": "octavia",
                        "settings": settings}, f)


def k8s(doc, out, passphrase_file):
    docs = [d for d in yaml.safe_load_all(doc) if d]
    # `kubectl get secret A B -o yaml` prints a List.
    docs = [i for d in docs for i in (d.get("items") or [] if d.get("kind") == "List" else [d])]
    secrets = [d for d in docs if d.get("kind") == "Secret"]
    certs = os.path.join(out, "certs")
    c = lambda name: os.path.join(certs, name)
    mounted = {}
    for s in secrets:
        name = s["metadata"]["name"]
        files = {k: binascii.a2b_base64(v.encode(), strict_mode=True) for k, v in (s.get("data") or {}).items()}
        files.update({k: v.encode() for k, v in (s.get("stringData") or {}).items()})
        mounted[name] = files
    rhoso = [n for n in mounted if n.endswith("-certs-secret")]
    if rhoso:
        # RHOSO's octavia-operator: <name>-certs-secret mounted whole at
        # /etc/octavia/certs (internal/amphoracontrollers/volumes.go, 0644);
        # <name>-ca-passphrase's server-ca-passphrase rendered into
        # octavia.conf as it is (templates/octaviaamphoracontroller/config/octavia.conf).
        name = rhoso[0][: -len("-certs-secret")]
        for key, data in mounted[rhoso[0]].items():
            write(c(key), data, 0o644)
        passphrase = mounted.get(f"{name}-ca-passphrase", {}).get("server-ca-passphrase", b"").decode()
        write_conf(out, c("server_ca.cert.pem"), c("server_ca.key.pem"), passphrase,
                   c("server_ca.cert.pem"), c("client.cert-and-key.pem"), c("client_ca.cert.pem"))
    elif "client.key-and-cert.pem" in mounted.get("octavia-certs", {}):
        # Genestack's octavia_preconf: its helm values template mounts octavia-certs by
        # subPath (keys under private/, no chain file: server_ca = ca_certificate) and
        # copies octavia-certificates's password into the chart's conf.
        where = {"server_ca.key.pem": "private/server_ca.key.pem",
                 "client.key-and-cert.pem": "private/client.key-and-cert.pem"}
        for key, data in mounted["octavia-certs"].items():
            write(c(where.get(key, key)), data, 0o644)
        passphrase = mounted["octavia-certificates"]["password"].decode()
        write_conf(out, c("server_ca.cert.pem"), c("private/server_ca.key.pem"), passphrase,
                   c("server_ca.cert.pem"), c("private/client.key-and-cert.pem"), c("client_ca.cert.pem"))
    elif "octavia-certs" in mounted:
        # openstack-helm's CI values: the keys mounted under private/ by subPath.
        where = {"server_ca.key.pem": "private/server_ca.key.pem",
                 "client.cert-and-key.pem": "private/client.cert-and-key.pem"}
        for key, data in mounted["octavia-certs"].items():
            write(c(where.get(key, key)), data, 0o644)
        with open(passphrase_file) as f:
            passphrase = f.readline().rstrip("\n")
        write_conf(out, c("server_ca.cert.pem"), c("private/server_ca.key.pem"), passphrase,
                   c("server_ca-chain.cert.pem"), c("private/client.cert-and-key.pem"), c("client_ca.cert.pem"))
    else:
        for secret, sub in [("octavia-server-ca", "server"), ("octavia-client-certs", "client")]:
            for key, data in mounted[secret].items():
                write(c(f"{sub}/{key}"), data, 0o644)
        write_conf(out, c("server/tls.crt"), c("server/tls.key"), None, c("server/ca.crt"),
                   c("client/tls-combined.pem"), c("client/ca.crt"))
    for s in secrets:
        s["metadata"].update({"resourceVersion": "1", "uid": "00000000-0000-0000-0000-000000000000"})
    with open(os.path.join(out, "list.yaml"), "w") as f:
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": secrets, "metadata": {"resourceVersion": ""}}, f)


def main():
    kind, document, out = sys.argv[1:4]
    with open(document) as f:
        doc = f.read()
    os.makedirs(out, exist_ok=True)
    if kind == "charm":
        charm(doc, out)
    else:
        k8s(doc, out, sys.argv[4] if len(sys.argv) > 4 else None)


if __name__ == "__main__":
    main()
