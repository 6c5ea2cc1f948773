#!/usr/bin/env bash
# Runs every test, with the real peers installed first (see scripts/peers.sh),
# and ends with one line totalling what cargo ran.
set -euo pipefail
cd "$(dirname "$0")/.."
OCTAVIA_PKI_PYTHON=$(bash scripts/peers.sh)
# Octavia 16.1.0, 17.0.1, 18.0.0 and 19.0.0 side by side, as VERSION=PYTHON.
OCTAVIA_PKI_RELEASES=$(bash scripts/peers.sh releases)
# kolla-ansible 22.2.0 and the ansible-core it pins (its playbook, ansible-vault).
OCTAVIA_PKI_KOLLA=$(bash scripts/peers.sh kolla)
# ansible-lint, for the role in ansible/.
OCTAVIA_PKI_LINT=$(bash scripts/peers.sh lint)
# Octavia's sdist: its gate scripts, devstack plugin and certificate guide.
OCTAVIA_PKI_SDIST=$(bash scripts/peers.sh sdist)
# kubernetes-validate, for the Secret manifests.
OCTAVIA_PKI_K8S=$(bash scripts/peers.sh k8s)
# cryptography 43.0.3, what OpenStack's upper-constraints pin (deployed Octavia opens keys with it).
OCTAVIA_PKI_CRYPTO43=$(bash scripts/peers.sh crypto43)
export OCTAVIA_PKI_PYTHON OCTAVIA_PKI_RELEASES OCTAVIA_PKI_KOLLA OCTAVIA_PKI_LINT OCTAVIA_PKI_SDIST OCTAVIA_PKI_K8S \
  OCTAVIA_PKI_CRYPTO43
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --doc --locked 2>&1 | tee "$log"
cargo test --workspace --all-targets --locked 2>&1 | tee -a "$log"
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
