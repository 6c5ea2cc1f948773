#!/usr/bin/env bash
# run.sh OUT: Genestack's octavia_preconf role (files here, from rackerlabs/genestack ef5c6ef, role last
# changed in 87d442a) run with ansible-playbook ($OSA_VENV: ansible 12.3.0 with community.crypto), its
# certificate tasks as they are, with HOME=OUT/work (the role's defaults put everything under $HOME).
# Left out, as there is no cluster or cloud here: the k8s_info/k8s tasks (the passphrase Secret
# `octavia-certificates` is read back as the role created it: certificate_passphrase and cert_passwd are
# its octavia_key_passwd; the `octavia-certs` Secret is the manifest its script wrote), the
# openstack.cloud.*_info tasks (image owner, security group, flavor, network: placeholder ids) and
# the set_fact tasks that read their results. /tmp/k8s_secret.yml and /tmp/octavia_hm_controller_ip_port_list
# are under OUT/work instead (several sets are made at once). PASSPHRASE is the role's octavia_key_passwd.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
work=$out/work
python=$OSA_VENV/bin/python
mkdir -p "$work/octavia_preconf"
cp -r "$here/defaults" "$here/tasks" "$here/templates" "$here/files" "$work/octavia_preconf/"
# The role's files with its /tmp paths under OUT/work.
sed -i "s#/tmp/#$work/#g" "$work/octavia_preconf/tasks/octavia_cert.yml" "$work/octavia_preconf/files/create_k8s_secret.sh" \
  "$work/octavia_preconf/templates/octavia_amphora_provider.yaml.j2"
printf '10.0.0.10:5555\n' > "$work/octavia_hm_controller_ip_port_list"
# The tasks without those that need a cluster or a cloud.
"$python" - "$work/octavia_preconf/tasks" <<'PY'
import sys, yaml
left_out = {"k8s", "k8s_info", "kubernetes.core.k8s", "kubernetes.core.k8s_info"}
reads = {"Set flag if secret exists", "Extract and decode the secret", "decode the secret for the octavia cert password"}
for name in ("octavia_cert.yml", "octavia_helm_amphorae_values.yml"):
    path = f"{sys.argv[1]}/{name}"
    with open(path) as f:
        tasks = yaml.safe_load(f)
    kept = [t for t in tasks if not (set(t) & left_out) and not any(k.startswith("openstack.cloud.") for k in t)
            and t.get("name") not in reads]
    with open(path, "w") as f:
        yaml.safe_dump(kept, f, sort_keys=False)
PY
cat > "$work/vars.yml" <<VARS
octavia_key_passwd: "$OCTAVIA_PASSPHRASE"
# What the left-out tasks would have read back.
certificate_passphrase: "{{ octavia_key_passwd }}"
cert_passwd: "{{ octavia_key_passwd }}"
_amphora_image_info: {images: [{owner: 5a1ee2f1a1c64a8d8a1c0ffee0000001}]}
_amphora_sec_group_info: {security_groups: [{id: 5a1ee2f1-a1c6-4a8d-8a1c-0ffee0000002}]}
_amphora_flavor_info: {flavors: [{id: 5a1ee2f1-a1c6-4a8d-8a1c-0ffee0000003}]}
_amphora_lb_net_info: {networks: [{id: 5a1ee2f1-a1c6-4a8d-8a1c-0ffee0000004}]}
VARS
cat > "$work/play.yml" <<PLAY
- hosts: localhost
  connection: local
  gather_facts: false
  vars_files: [$work/octavia_preconf/defaults/main.yml, $work/vars.yml]
  tasks:
    - {import_role: {name: octavia_preconf, tasks_from: octavia_cert_dir_setup}}
    - {import_role: {name: octavia_preconf, tasks_from: octavia_cert}}
    - {import_role: {name: octavia_preconf, tasks_from: octavia_helm_amphorae_values}}
PLAY
HOME=$work ANSIBLE_ROLES_PATH=$work "$OSA_VENV/bin/ansible-playbook" -i localhost, \
  -e "ansible_python_interpreter=$python" "$work/play.yml"
