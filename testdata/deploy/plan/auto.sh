#!/usr/bin/env bash
# Octavia setup, printed by `octavia-pki deploy plan --format shell`.
# Review the variables (or set them in the environment), then run it as the
# kolla-ansible operator. Re-running is safe: existing resources are reused.
set -euo pipefail

# kolla-ansible's configuration directory (globals.yml, passwords.yml, admin-openrc.sh, config/)
: "${KOLLA_CONFIG:=/etc/kolla}"
# kolla's globals.yml, which the steps edit (a backup is kept)
: "${GLOBALS:=TESTDATA/plan/globals.yml}"
# kolla's passwords.yml (read with ansible-vault when it is vaulted: set ANSIBLE_VAULT_PASSWORD_FILE)
: "${PASSWORDS:=$KOLLA_CONFIG/passwords.yml}"
# your kolla-ansible inventory file
: "${INVENTORY:?set INVENTORY: your kolla-ansible inventory file}"
# the amphora image built with Octavia's diskimage-create/diskimage-create.sh
: "${AMPHORA_IMAGE:=amphora-x64-haproxy.qcow2}"

# 1. Turn on Octavia with automatic resource registration in globals.yml (a backup is kept)
# Pitfall avoided: kolla-ansible then creates the management network, security groups, flavor and key pair itself; give octavia_amp_network provider settings (provider_network_type, provider_physical_network) so the controllers can reach the amphorae, as `octavia-pki deploy check` reports.
echo "== 1. Turn on Octavia with automatic resource registration in globals.yml (a backup is kept)" >&2
cp -p "$GLOBALS" "$GLOBALS.$(date -u +%Y%m%dT%H%M%SZ).bak"
sed -i -e '/^enable_octavia:/d' -e '/^octavia_auto_configure:/d' "$GLOBALS"
cat >>"$GLOBALS" <<EOF
enable_octavia: "yes"
octavia_auto_configure: "yes"
EOF

# 2. Generate the certificates (or check the ones there)
# Pitfall avoided: Hand-made sets fail only when the first load balancer is created, as "tlsv1 alert unknown ca" or "PEM routines ... no start line"; existing files are checked, never overwritten.
echo "== 2. Generate the certificates (or check the ones there)" >&2
if [ -e "$KOLLA_CONFIG/config/octavia/server_ca.cert.pem" ]; then
  octavia-pki check "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
else
  octavia-pki generate --dir "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
fi

# 3. Audit the configuration
# Pitfall avoided: Catches what the steps above cannot: a password with a `$`, settings left over from another mode, a certificate that expires soon.
echo "== 3. Audit the configuration" >&2
octavia-pki deploy check --globals "$GLOBALS" --passwords "$PASSWORDS" \
  --config-dir "$KOLLA_CONFIG/config"

# 4. Deploy Octavia with kolla-ansible
# Pitfall avoided: Only a reconfigure writes the new IDs and certificates into octavia.conf and the containers; editing files under /etc/kolla/octavia-* by hand is reverted by the next run.
echo "== 4. Deploy Octavia with kolla-ansible" >&2
kolla-ansible -i "$INVENTORY" reconfigure -t octavia

# 5. Act as the octavia user in the service project
# Pitfall avoided: Octavia boots amphorae as the octavia user in the service project: a key pair, private flavor or private image registered as admin (as in the field report) is invisible to it. The password is read from passwords.yml when the script runs, never printed, and reaches openstack only through its environment, never its command line.
echo "== 5. Act as the octavia user in the service project" >&2
[ -r "$KOLLA_CONFIG/admin-openrc.sh" ] || { echo "$KOLLA_CONFIG/admin-openrc.sh is missing: run kolla-ansible post-deploy first" >&2; exit 1; }
kolla_password() {
  # As Ansible reads it: through ansible-vault when vaulted, with the YAML
  # loader of Ansible's own Python.
  local python
  read -r -a python <<<"$(sed -n '1s/^#![[:space:]]*//p' "$(command -v ansible-vault)")"
  if head -c 14 "$PASSWORDS" | grep -q '^[$]ANSIBLE_VAULT'; then
    ansible-vault view "$PASSWORDS"
  else
    cat "$PASSWORDS"
  fi | "${python[@]}" -c 'import sys, yaml; v = (yaml.safe_load(sys.stdin) or {}).get(sys.argv[1]); print("" if v is None else v)' "$1"
}
admin_setting() {
  (
    # shellcheck source=/dev/null
    . "$KOLLA_CONFIG/admin-openrc.sh" >/dev/null
    printenv "$1" || true
  )
}
OCTAVIA_PASSWORD=$(kolla_password octavia_keystone_password)
AUTH_URL=$(admin_setting OS_AUTH_URL)
CACERT=$(admin_setting OS_CACERT)
REGION=$(admin_setting OS_REGION_NAME)
INTERFACE=$(admin_setting OS_INTERFACE)
as_octavia() {
  OS_AUTH_URL="$AUTH_URL" OS_CACERT="$CACERT" OS_REGION_NAME="$REGION" OS_INTERFACE="$INTERFACE" \
    OS_IDENTITY_API_VERSION=3 OS_USERNAME=octavia OS_PROJECT_NAME=service \
    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_PASSWORD="$OCTAVIA_PASSWORD" openstack "$@"
}

# 6. Upload the amphora image with its tag
# Pitfall avoided: Octavia finds the image by its tag (lb-image, octavia_amp_image_tag), in the service project: without it, "Failed to retrieve image with lb-image tag."
echo "== 6. Upload the amphora image with its tag" >&2
if [ -z "$(as_octavia image list --tag lb-image -f value -c ID)" ]; then
  as_octavia image create --disk-format qcow2 --container-format bare --private --tag lb-image \
    --file "$AMPHORA_IMAGE" amphora-x64-haproxy >/dev/null
fi

echo "== done" >&2
