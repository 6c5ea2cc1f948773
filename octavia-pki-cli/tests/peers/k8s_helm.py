"""What Kubernetes and Helm do with a deployer's Secret, for deployers.sh (no cluster here).

  k8s_helm.py kubectl ARGS...                 a `kubectl apply [--namespace NS] -f -` stand-in: stores
                                              the Secrets read on stdin in $KUBECTL_STORE as the API
                                              server would (data validated as base64, namespace set)
  k8s_helm.py mount SECRETS VALUES COMPONENT ROOT
                                              the Secret volumes of the chart values' pod.mounts for
                                              COMPONENT, laid out under ROOT as the kubelet mounts them
                                              (subPath: the one file; whole volume: the atomic writer's
                                              ..data layout), with the volume's defaultMode
  k8s_helm.py conf ROOT VALUES...             octavia.conf's certificate options from the values'
                                              conf.octavia (later files win, as `helm -f`), paths under ROOT
"""
import base64
import datetime
import os
import re
import sys

import yaml


def load_values(path):
    # The values templates' own Jinja expressions (`{{ ... }}`) are left unrendered: none is in a mount.
    with open(path) as f:
        return yaml.safe_load(re.sub(r"\{\{.*?\}\}", "unrendered", f.read()))


def kubectl(args):
    namespace = "default"
    if "--namespace" in args:
        namespace = args[args.index("--namespace") + 1]
    if args[:1] != ["apply"] or args[-2:] != ["-f", "-"]:
        sys.exit(f"kubectl stand-in: only `apply [--namespace NS] -f -` is known, not {args}")
    store = os.environ["KUBECTL_STORE"]
    kept = []
    if os.path.exists(store):
        with open(store) as f:
            kept = [d for d in yaml.safe_load_all(f) if d]
    for doc in yaml.safe_load_all(sys.stdin):
        if not doc:
            continue
        if doc.get("kind") != "Secret":
            sys.exit(f"kubectl stand-in: only Secrets are stored, not {doc.get('kind')}")
        meta = doc["metadata"]
        # The API server rejects data that is not base64; it stores it re-encoded.
        data = {k: base64.b64encode(base64.b64decode(v, validate=True)).decode() for k, v in (doc.get("data") or {}).items()}
        stored = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": meta["name"], "namespace": meta.get("namespace", namespace)},
            "type": doc.get("type", "Opaque"),
            "data": data,
        }
        kept = [d for d in kept if d["metadata"] != stored["metadata"]] + [stored]
        print(f"secret/{meta['name']} created")
    with open(store, "w") as f:
        yaml.safe_dump_all(kept, f, explicit_start=True, sort_keys=False)


def mount(secrets_path, values_path, component, root):
    with open(secrets_path) as f:
        secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(f) if d}
    pod = load_values(values_path)["pod"]["mounts"][component][component]
    volumes = {v["name"]: v["secret"] for v in pod["volumes"] if "secret" in v}
    for m in pod["volumeMounts"]:
        volume = volumes.get(m["name"])
        if volume is None or volume["secretName"] not in secrets:
            continue
        data = secrets[volume["secretName"]]["data"]
        mode = volume.get("defaultMode", 0o644)
        target = root + m["mountPath"]
        if "subPath" in m:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            write(target, base64.b64decode(data[m["subPath"]]), mode)
            continue
        stamp = ".." + datetime.datetime.now(datetime.timezone.utc).strftime("%Y_%m_%d_%H_%M_%S.%f")
        os.makedirs(os.path.join(target, stamp))
        for key, value in data.items():
            write(os.path.join(target, stamp, key), base64.b64decode(value), mode)
            os.symlink(os.path.join("..data", key), os.path.join(target, key))
        os.symlink(stamp, os.path.join(target, "..data"))


def write(path, data, mode):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def merge(base, over):
    for k, v in over.items():
        base[k] = merge(base.get(k) or {}, v) if isinstance(v, dict) else v
    return base


def conf(root, *values):
    octavia = {}
    for path in values:
        merge(octavia, (load_values(path).get("conf") or {}).get("octavia") or {})
    options = {
        "certificates": ["ca_certificate", "ca_private_key", "ca_private_key_passphrase"],
        "haproxy_amphora": ["server_ca", "client_cert"],
        "controller_worker": ["client_ca"],
    }
    with open(os.path.join(root, "octavia.conf"), "w") as f:
        for section, keys in options.items():
            f.write(f"[{section}]\n")
            for key in keys:
                value = octavia.get(section, {}).get(key)
                if value is None:
                    continue
                value = str(value)
                if value.startswith("/etc/octavia/"):
                    value = root + value
                f.write(f"{key} = {value}\n")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"kubectl": lambda: kubectl(args), "mount": lambda: mount(*args), "conf": lambda: conf(*args)}[command]()
