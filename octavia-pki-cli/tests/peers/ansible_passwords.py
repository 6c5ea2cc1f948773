"""What Ansible and Octavia make of octavia_ca_password, for many passwords.yml files
in one process.

Run by kolla-ansible's Python (its ansible-core and oslo.config). Reads a JSON list of
passwords.yml texts on stdin (and argv[1], a vault password, for values encrypted
inline); for each, as kolla-ansible and Octavia do:

1. loads it as `kolla-ansible` gives it to Ansible (`-e @passwords.yml`:
   `DataLoader.load_from_file(..., trusted_as_template=True)`, Ansible's YAML
   loader);
2. renders kolla's line `ca_private_key_passphrase = {{ octavia_ca_password }}` as
   the template action does (`Templar.template(..., escape_backslashes=False)`,
   then `to_bytes(..., errors='surrogate_or_strict')`);
3. reads the rendered octavia.conf with oslo.config, as Octavia does.

Writes a JSON list, one object per text: `refused` (Ansible's message), or
`written` (the value's text in the file, PyYAML's node value, or null when it is
not a scalar or is absent; the plaintext of one encrypted inline) and then
`render_error`, or `oslo_error`, or `octavia`
(the string Octavia gets).
"""

import json
import os
import sys
import tempfile

import yaml
from ansible.module_utils.common.text.converters import to_bytes
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultSecret, VaultSecretsContext
from ansible.template import Templar, trust_as_template
from oslo_config import cfg

KEY = "octavia_ca_password"
TEMPLATE = "[certificates]\nca_private_key_passphrase = {{ %s }}\n" % KEY


def written(text, value):
    """The value's text as PyYAML composes it with libyaml, as Ansible does (quotes and
    escapes undone); for one encrypted inline (`!vault`), its plaintext."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except Exception:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    found = None
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == KEY:
            found = value_node
    if not isinstance(found, yaml.ScalarNode):
        return None
    if found.tag in ("!vault", "!vault-encrypted"):
        try:
            return str(value)
        except Exception:
            return None
    return found.value


def octavia(conf):
    opts = cfg.ConfigOpts()
    opts.register_opts([cfg.StrOpt("ca_private_key_passphrase")], group="certificates")
    opts(["--config-file", conf], project="octavia-test", default_config_files=[])
    return opts.certificates.ca_private_key_passphrase


def judge(loader, directory, i, text):
    path = os.path.join(directory, "passwords-%d.yml" % i)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        data = loader.load_from_file(path, trusted_as_template=True, cache="none")
    except Exception as e:
        return {"refused": str(e).splitlines()[0]}
    out = {"written": written(text, data.get(KEY) if isinstance(data, dict) else None)}
    if not isinstance(data, dict) or KEY not in data:
        out["render_error"] = "missing"
        return out
    templar = Templar(loader=loader, variables=data)
    try:
        rendered = templar.template(trust_as_template(TEMPLATE), escape_backslashes=False)
        rendered = to_bytes(rendered, errors="surrogate_or_strict")
    except Exception as e:
        out["render_error"] = type(e).__name__
        return out
    conf = os.path.join(directory, "octavia-%d.conf" % i)
    with open(conf, "wb") as f:
        f.write(rendered)
    try:
        out["octavia"] = octavia(conf)
    except BaseException as e:  # oslo.config exits on some errors
        out["oslo_error"] = type(e).__name__
    return out


def main():
    texts = json.load(sys.stdin)
    secrets = [("default", VaultSecret(sys.argv[1].encode()))] if len(sys.argv) > 1 else []
    if secrets:
        VaultSecretsContext.initialize(VaultSecretsContext(secrets))
    loader = DataLoader()
    loader.set_vault_secrets(secrets)
    with tempfile.TemporaryDirectory() as directory:
        verdicts = [judge(loader, directory, i, t) for i, t in enumerate(texts)]
    json.dump(verdicts, sys.stdout)


if __name__ == "__main__":
    main()
