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
# provider network type of the management network (vlan or flat)
: "${MGMT_NETWORK_TYPE:=vlan}"
# provider physical network the controllers are attached to
: "${MGMT_PHYSNET:=physnet1}"
# VLAN id of the management network (empty for flat)
: "${MGMT_SEGMENT:=}"
# CIDR of the management subnet
: "${MGMT_SUBNET_RANGE:=10.1.0.0/24}"
# public key injected into amphorae, for debugging
: "${SSH_PUBLIC_KEY:=$HOME/.ssh/id_rsa.pub}"

# 1. Act as the octavia user in the service project
# Pitfall avoided: Octavia boots amphorae as the octavia user in the service project: a key pair, private flavor or private image registered as admin (as in the field report) is invisible to it. The password is read from passwords.yml when the script runs, never printed, and reaches openstack only through its environment, never its command line.
echo "== 1. Act as the octavia user in the service project" >&2
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
as_octavia token issue -f value -c id >/dev/null || { echo "the octavia user cannot log in: deploy once with enable_octavia: \"yes\" and run kolla-ansible post-deploy first" >&2; exit 1; }

# 2. Create the management network and subnet, with port security
# Pitfall avoided: Without port security the amphora's ports cannot carry its security group and the boot fails (the field report's "Exceeded maximum number of retries"); a tenant (overlay) network is not reachable from the controllers.
echo "== 2. Create the management network and subnet, with port security" >&2
segment=()
if [ -n "$MGMT_SEGMENT" ]; then segment=(--provider-segment "$MGMT_SEGMENT"); fi
NETWORK_ID=$(as_octavia network show -f value -c id lb-mgmt-net 2>/dev/null) ||
  NETWORK_ID=$(as_octavia network create -f value -c id --provider-network-type "$MGMT_NETWORK_TYPE" \
    --provider-physical-network "$MGMT_PHYSNET" "${segment[@]}" --enable-port-security lb-mgmt-net)
as_octavia network set --enable-port-security "$NETWORK_ID"
as_octavia subnet show lb-mgmt-subnet >/dev/null 2>&1 ||
  as_octavia subnet create --network "$NETWORK_ID" --subnet-range "$MGMT_SUBNET_RANGE" --dhcp lb-mgmt-subnet

# 3. Create the amphora security group: ICMP, SSH, the agent and heartbeat ports
# Pitfall avoided: The controllers reach the amphora agent on TCP 9443: without it Octavia logs "Could not connect to instance. Retrying." for ten minutes. TCP 22 lets you log into an amphora; heartbeats go to port 5555 (UDP).
echo "== 3. Create the amphora security group: ICMP, SSH, the agent and heartbeat ports" >&2
SECGROUP_ID=$(as_octavia security group show -f value -c id lb-mgmt-sec-grp 2>/dev/null) || {
  SECGROUP_ID=$(as_octavia security group create -f value -c id lb-mgmt-sec-grp)
  as_octavia security group rule create --protocol icmp "$SECGROUP_ID" >/dev/null
  for port in 22 5555 9443; do
    as_octavia security group rule create --protocol tcp --dst-port "$port" "$SECGROUP_ID" >/dev/null
  done
  as_octavia security group rule create --protocol udp --dst-port 5555 "$SECGROUP_ID" >/dev/null
}

# 4. Create a public amphora flavor (1 vCPU, 1024 MB)
# Pitfall avoided: A private flavor created in another project cannot be booted by Octavia ("Looks like private flavors break everything", says the field report); less than 1 GB of RAM starves the amphora.
echo "== 4. Create a public amphora flavor (1 vCPU, 1024 MB)" >&2
FLAVOR_ID=$(as_octavia flavor show -f value -c id amphora 2>/dev/null) ||
  FLAVOR_ID=$(as_octavia flavor create -f value -c id --public --vcpus 1 --ram 1024 --disk 5 amphora)

# 5. Create the amphora key pair as the octavia user
# Pitfall avoided: Key pairs belong to the user who creates them: ops-octavia-key created as admin is not found when Octavia boots an amphora.
echo "== 5. Create the amphora key pair as the octavia user" >&2
as_octavia keypair show ops-octavia-key >/dev/null 2>&1 || as_octavia keypair create --public-key "$SSH_PUBLIC_KEY" ops-octavia-key >/dev/null

# 6. Upload the amphora image with its tag
# Pitfall avoided: Octavia finds the image by its tag (lb-image, octavia_amp_image_tag), in the service project: without it, "Failed to retrieve image with lb-image tag."
echo "== 6. Upload the amphora image with its tag" >&2
if [ -z "$(as_octavia image list --tag lb-image -f value -c ID)" ]; then
  as_octavia image create --disk-format qcow2 --container-format bare --private --tag lb-image \
    --file "$AMPHORA_IMAGE" amphora-x64-haproxy >/dev/null
fi

# 7. Write the created IDs into globals.yml (a backup is kept)
# Pitfall avoided: kolla-ansible writes these values into octavia.conf as they are: IDs copied by hand get mistyped, a name is not an ID, and a YAML list becomes "['id']".
echo "== 7. Write the created IDs into globals.yml (a backup is kept)" >&2
cp -p "$GLOBALS" "$GLOBALS.$(date -u +%Y%m%dT%H%M%SZ).bak"
sed -i -e '/^enable_octavia:/d' -e '/^octavia_auto_configure:/d' -e '/^octavia_amp_boot_network_list:/d' -e '/^octavia_amp_secgroup_list:/d' -e '/^octavia_amp_flavor_id:/d' "$GLOBALS"
cat >>"$GLOBALS" <<EOF
enable_octavia: "yes"
octavia_auto_configure: "no"
octavia_amp_boot_network_list: "$NETWORK_ID"
octavia_amp_secgroup_list: "$SECGROUP_ID"
octavia_amp_flavor_id: "$FLAVOR_ID"
EOF

# 8. Generate the certificates (or check the ones there)
# Pitfall avoided: Hand-made sets fail only when the first load balancer is created, as "tlsv1 alert unknown ca" or "PEM routines ... no start line"; existing files are checked, never overwritten.
echo "== 8. Generate the certificates (or check the ones there)" >&2
if [ -e "$KOLLA_CONFIG/config/octavia/server_ca.cert.pem" ]; then
  octavia-pki check "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
else
  octavia-pki generate --dir "$KOLLA_CONFIG/config/octavia" --work-dir "$KOLLA_CONFIG/octavia-certificates" \
    --passwords "$PASSWORDS"
fi

# 9. Audit the configuration
# Pitfall avoided: Catches what the steps above cannot: a password with a `$`, settings left over from another mode, a certificate that expires soon.
echo "== 9. Audit the configuration" >&2
octavia-pki deploy check --globals "$GLOBALS" --passwords "$PASSWORDS" \
  --config-dir "$KOLLA_CONFIG/config"

# 10. Deploy Octavia with kolla-ansible
# Pitfall avoided: Only a reconfigure writes the new IDs and certificates into octavia.conf and the containers; editing files under /etc/kolla/octavia-* by hand is reverted by the next run.
echo "== 10. Deploy Octavia with kolla-ansible" >&2
kolla-ansible -i "$INVENTORY" reconfigure -t octavia

echo "== done" >&2
