#!/usr/bin/env bash
# Installs the peers the tests prove compatibility against. Idempotent: each
# venv is rebuilt only when what it should hold changes.
#   bash scripts/peers.sh            prints the Python of target/peers-venv
#                                    (Octavia 19 and Python's cryptography)
#   bash scripts/peers.sh releases   prints VERSION=PYTHON for every Octavia
#                                    release the tests run side by side
#   bash scripts/peers.sh kolla      prints the venv of kolla-ansible 22.2.0
#                                    and the ansible-core it pins (target/peers-kolla)
#   bash scripts/peers.sh sdist      prints Octavia 19.0.0's unpacked sdist (its gate
#                                    scripts, devstack plugin and certificate guide)
#   bash scripts/peers.sh crypto43   prints the Python of target/peers-crypto43
#                                    (cryptography 43.0.3, what every OpenStack series'
#                                    upper-constraints pins, and so deployed Octavia runs)
# Also: the openssl CLI and shellcheck (Debian's packages, if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
requirements="$root/scripts/peers-requirements.txt"
# The releases that differ in how they issue amphora certificates (see
# octavia-pki/src/release.rs): 16.1.0 and 17.0.1 name the CA by the SHA-1 of
# its key, 18.0.0 writes no key identifiers, 19.0.0 copies the CA's.
releases=(16.1.0 17.0.1 18.0.0)
main_release=19.0.0
# The urllib3 each release's series pins in its upper-constraints (openstack/requirements
# stable/2025.1, 2025.2, 2026.1): whether its controllers verify amphorae strictly on Python
# 3.13 depends on it (octavia-pki/src/release.rs, controller_strict). 19.0.0's venv takes
# what requests brings (2.x, as master's 2.7.0).
declare -A urllib3=([16.1.0]=1.26.20 [17.0.1]=1.26.20 [18.0.0]=2.6.3)
kolla_ansible=kolla-ansible==22.2.0

# Debian packages: the openssl CLI, shellcheck for the scripts `deploy plan` prints,
# faketime (libfaketime) to run the amphora agent under a shifted clock, and the
# shells (zsh, fish; bash is there) and man (groff) that load what `completions` and
# `man` print, promtool (Debian's prometheus package) for the alert rules, and node_exporter
# (prometheus-node-exporter) whose textfile collector reads the metrics, and Go (golang-go) that
# builds the RHOSO operator's certificate code (tests/peers/rhoso) and writes testdata/keys' Go fixtures.
# COMMAND:PACKAGE where they differ.
for entry in openssl shellcheck faketime zsh fish groff promtool:prometheus prometheus-node-exporter go:golang-go; do
  tool=${entry%%:*} package=${entry#*:}
  command -v "$tool" >/dev/null 2>&1 && continue
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
  else
    echo "peers.sh: the $tool command is missing; install Debian's $package package" >&2
    exit 1
  fi
done

# install VENV REQUIREMENTS...: a venv holding exactly these requirements.
install() {
  local venv=$1; shift
  local stamp
  stamp="$venv/.installed-$(printf '%s\n' "$@" | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  echo "peers.sh: installing $* into $venv ..." >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
  touch "$stamp"
}

# Prove the peers are really there; a missing peer fails here, loudly.
prove() {
  "$1/bin/python" -c "import octavia.certificates.generator.local, octavia.common.config, octavia.amphorae.drivers.haproxy.rest_api_driver, cryptography, requests" 2>/dev/null \
    || { echo "peers.sh: Octavia's modules do not import from $1" >&2; exit 1; }
}

# The pins every venv shares with the main one (all but its Octavia line).
mapfile -t shared < <(grep -v '^#' "$requirements" | grep -v '^octavia==' | grep .)
mapfile -t main < <(grep -v '^#' "$requirements" | grep .)
# The venvs are independent: install them in parallel, and fail if any failed.
pids=()
install "$root/target/peers-venv" "${main[@]}" & pids+=($!)
for v in "${releases[@]}"; do
  install "$root/target/peers-octavia-$v" "octavia==$v" "urllib3==${urllib3[$v]}" "${shared[@]}" & pids+=($!)
done
# ansible (the collections, ansible.utils among them, that kolla-ansible's install-deps would
# fetch from Galaxy) at the release that pins the same ansible-core.
install "$root/target/peers-kolla" "$kolla_ansible" "ansible==12.3.0" & pids+=($!)
# ansible-lint, in its own venv (it brings the same ansible-core 2.19), for the role in ansible/.
install "$root/target/peers-lint" "ansible-lint==26.10.1" & pids+=($!)
# kubernetes-validate: Kubernetes' own OpenAPI schemas, offline, for the Secret manifests generate writes
# (`kubectl apply --dry-run=client` asks an API server, and there is none here).
install "$root/target/peers-k8s" "kubernetes-validate==1.37.0" & pids+=($!)
# cryptography 43.0.3: openstack/requirements' upper-constraints pin it for every series (2025.1 to
# master), so kolla images, OpenStack-Ansible venvs and amphorae open keys with it. It reads keys
# through OpenSSL (legacy ciphers cryptography 45+ refuses among them), where peers-venv's does not.
install "$root/target/peers-crypto43" "cryptography==43.0.3" & pids+=($!)
# Octavia's source distribution: what no wheel holds (bin/create_*_CA.sh, the
# devstack plugin, the certificate guide and its openssl.cnf).
sdist() {
  local dir="$root/target/peers-octavia-sdist"
  [ -f "$dir/.installed-$main_release" ] && return 0
  rm -rf "$dir" && mkdir -p "$dir"
  python3 -m pip download -q --disable-pip-version-check --no-binary :all: --no-deps \
    "octavia==$main_release" -d "$dir" >&2
  tar xzf "$dir/octavia-$main_release.tar.gz" -C "$dir"
  touch "$dir/.installed-$main_release"
}
sdist & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
[ -x "$root/target/peers-octavia-sdist/octavia-$main_release/bin/create_dual_intermediate_CA.sh" ] \
  || { echo "peers.sh: Octavia's sdist has no bin/create_dual_intermediate_CA.sh" >&2; exit 1; }
"$root/target/peers-k8s/bin/kubernetes-validate" --version >/dev/null 2>&1 \
  || { echo "peers.sh: kubernetes-validate does not run from target/peers-k8s" >&2; exit 1; }
"$root/target/peers-kolla/bin/ansible-playbook" --version >/dev/null 2>&1 \
  || { echo "peers.sh: ansible-playbook does not run from target/peers-kolla" >&2; exit 1; }
prove "$root/target/peers-venv"
[ "$("$root/target/peers-crypto43/bin/python" -c 'import cryptography; print(cryptography.__version__)' 2>/dev/null)" = 43.0.3 ] \
  || { echo "peers.sh: cryptography 43.0.3 does not import from target/peers-crypto43" >&2; exit 1; }
for v in "${releases[@]}"; do prove "$root/target/peers-octavia-$v"; done

case "${1:-}" in
  releases)
    for v in "${releases[@]}"; do printf '%s=%s ' "$v" "$root/target/peers-octavia-$v/bin/python"; done
    printf '%s=%s\n' "$main_release" "$root/target/peers-venv/bin/python"
    ;;
  kolla) echo "$root/target/peers-kolla" ;;
  lint) echo "$root/target/peers-lint" ;;
  k8s) echo "$root/target/peers-k8s" ;;
  sdist) echo "$root/target/peers-octavia-sdist/octavia-$main_release" ;;
  crypto43) echo "$root/target/peers-crypto43/bin/python" ;;
  *) echo "$root/target/peers-venv/bin/python" ;;
esac
