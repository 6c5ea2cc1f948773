#!/usr/bin/env bash
# Makes node check's fixtures with kolla-ansible 22.2.0's own templates,
# defaults and merge_configs (render.yml; `bash scripts/peers.sh kolla`
# installs it) over certificates made by kolla's openssl recipe
# (testdata/kolla-recipe.sh), never by octavia-pki:
#   bash testdata/node/make-node-fixtures.sh OUT_DIR
# OUT_DIR/<case>/config is the operator's /etc/kolla/config, OUT_DIR/<case>/kolla
# what the role renders on a controller (/etc/kolla/<service>/), and
# OUT_DIR/<case>/expect.json the findings node check must report ("errors":
# exactly these, "warnings": at least these, each "code@file").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$1
kolla=$(bash "$root/scripts/peers.sh" kolla)
share="$kolla/share/kolla-ansible"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export CA_PASS=NodeFixtureCa1 CLIENT_CA_PASS=NodeFixtureClient2
bash "$root/testdata/kolla-recipe.sh" "$tmp/work" "$tmp/files" >/dev/null 2>&1

# passwords.yml: kolla's own, every password filled by kolla-genpwd but the CA's.
cp "$share/etc_examples/kolla/passwords.yml" "$tmp/passwords.yml"
sed -i "s/^octavia_ca_password:.*/octavia_ca_password: $CA_PASS/; s/^octavia_client_ca_password:.*/octavia_client_ca_password: $CLIENT_CA_PASS/" "$tmp/passwords.yml"
"$kolla/bin/kolla-genpwd" -p "$tmp/passwords.yml" >/dev/null
cat > "$tmp/globals.yml" <<'YAML'
kolla_base_distro: "rocky"
network_interface: "lo"
kolla_internal_vip_address: "127.0.0.1"
neutron_plugin_agent: "openvswitch"
enable_octavia: "yes"
octavia_network_interface: "lo"
# Manual mode (the automatic one asks the OpenStack API for these IDs).
octavia_auto_configure: "no"
octavia_amp_boot_network_list: "5b2a3f6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
octavia_amp_secgroup_list: "6c3b4a7f-2d3e-4f60-9bac-1d2e3f4a5b6c"
octavia_amp_flavor_id: "7d4c5b80-3e4f-4071-acbd-2e3f4a5b6c7d"
octavia_amp_image_owner_id: "8e5d6c91-4f50-4182-bdce-3f4a5b6c7d8e"
YAML

cases=(clean stale-copy passphrase-override client-cert-moved housekeeping-without-key secured devstack-pregenerated)
for case in "${cases[@]}"; do
  mkdir -p "$out/$case/config/octavia"
  cp "$tmp/files/"* "$out/$case/config/octavia/"
done
# Overrides, merged by kolla's merge_configs as the role merges them.
printf '[certificates]\nca_private_key_passphrase = NotTheKeysPassphrase9\n' > "$out/passphrase-override/config/octavia.conf"
printf '[haproxy_amphora]\nclient_cert = /etc/octavia/certs/client.pem\n' > "$out/client-cert-moved/config/octavia/octavia-worker.conf"
printf '[health_manager]\nheartbeat_key = 9f3c1e7a5b2d4f6a8c0e1b3d5f7a9c2e\n[certificates]\nserver_certs_key_passphrase = Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4\n' \
  > "$out/secured/config/octavia.conf"
# Octavia's devstack pregenerated set under kolla's names, as the field report deploys it.
dev="$root/testdata/devstack-pregenerated"
cp "$dev/ca_01.pem" "$out/devstack-pregenerated/config/octavia/server_ca.cert.pem"
cp "$dev/ca_01.pem" "$out/devstack-pregenerated/config/octavia/client_ca.cert.pem"
cp "$dev/cakey.pem" "$out/devstack-pregenerated/config/octavia/server_ca.key.pem"
cp "$dev/client.pem" "$out/devstack-pregenerated/config/octavia/client.cert-and-key.pem"
printf '[certificates]\nca_private_key_passphrase = foobar\n' > "$out/devstack-pregenerated/config/octavia.conf"

(cd "$tmp" && ANSIBLE_GATHERING=explicit ANSIBLE_ACTION_PLUGINS="$share/ansible/action_plugins" \
  ANSIBLE_FILTER_PLUGINS="$share/ansible/filter_plugins" ANSIBLE_NOCOLOR=1 \
  "$kolla/bin/ansible-playbook" -i "$share/ansible/inventory/all-in-one" "$here/render.yml" \
  -e kolla_share="$share" -e @"$tmp/passwords.yml" -e @"$tmp/globals.yml" -e ansible_python_interpreter="$kolla/bin/python" \
  -e cases_dir="$out" -e cases="$(IFS=,; echo "${cases[*]}")" >"$tmp/ansible.log" 2>&1) \
  || { tail -40 "$tmp/ansible.log" >&2; exit 1; }

# The role's "Copy Amphora SSH key and certificates": the four files, unchanged, mode 0660.
for case in "${cases[@]}"; do
  for service in octavia-worker octavia-housekeeping octavia-health-manager; do
    for f in client.cert-and-key.pem client_ca.cert.pem server_ca.cert.pem server_ca.key.pem; do
      install -m 0660 "$out/$case/config/octavia/$f" "$out/$case/kolla/$service/$f"
    done
  done
done

# After the role ran: the client certificate renewed in the source (openssl,
# as a renewal does) without a reconfigure; housekeeping's key lost.
(cd "$tmp/work/client_ca" && openssl x509 -req -in client.csr.pem -CA client_ca.cert.pem -CAkey client_ca.key.pem \
  -passin env:CLIENT_CA_PASS -days 365 -sha256 -set_serial 4097 -copy_extensions copyall -out renewed.pem 2>/dev/null \
  && cat renewed.pem client.key.pem > "$out/stale-copy/config/octavia/client.cert-and-key.pem")
rm "$out/housekeeping-without-key/kolla/octavia-housekeeping/server_ca.key.pem"

expect() {  # CASE ERRORS WARNINGS (space-separated code@file)
  python3 - "$out/$1/expect.json" "$2" "$3" <<'PY'
import json, sys
path, errors, warnings = sys.argv[1:]
json.dump({"errors": sorted(errors.split()), "warnings": sorted(warnings.split())}, open(path, "w"), indent=1)
PY
}
insecure="heartbeat-key-insecure@octavia-worker/octavia.conf heartbeat-key-insecure@octavia-health-manager/octavia.conf \
server-certs-key-passphrase-insecure@octavia-worker/octavia.conf server-certs-key-passphrase-insecure@octavia-housekeeping/octavia.conf"
expect clean "" "$insecure"
expect stale-copy "stale-copy@octavia-worker/client.cert-and-key.pem stale-copy@octavia-housekeeping/client.cert-and-key.pem \
stale-copy@octavia-health-manager/client.cert-and-key.pem" "$insecure"
expect passphrase-override "wrong-passphrase@octavia-worker/server_ca.key.pem wrong-passphrase@octavia-housekeeping/server_ca.key.pem \
wrong-passphrase@octavia-health-manager/server_ca.key.pem housekeeping-cannot-issue@-" "$insecure"
expect client-cert-moved "path-not-provided@octavia-worker/octavia.conf" "$insecure"
expect housekeeping-without-key "missing-file@octavia-housekeeping/server_ca.key.pem housekeeping-cannot-issue@-" "$insecure"
expect secured "" ""
expect devstack-pregenerated "publicly-known-key@octavia-worker/server_ca.cert.pem publicly-known-key@octavia-worker/client_ca.cert.pem \
publicly-known-key@octavia-worker/client.cert-and-key.pem publicly-known-key@octavia-housekeeping/server_ca.cert.pem \
publicly-known-key@octavia-housekeeping/client_ca.cert.pem publicly-known-key@octavia-housekeeping/client.cert-and-key.pem \
publicly-known-key@octavia-health-manager/server_ca.cert.pem publicly-known-key@octavia-health-manager/client_ca.cert.pem \
publicly-known-key@octavia-health-manager/client.cert-and-key.pem publicly-known-passphrase@octavia-worker/server_ca.key.pem \
publicly-known-passphrase@octavia-housekeeping/server_ca.key.pem publicly-known-passphrase@octavia-health-manager/server_ca.key.pem" "$insecure"
