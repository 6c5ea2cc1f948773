#!/usr/bin/env bash
# Every comparison in the README's speed table, in one run on this machine.
#   bash benches/run-all.sh
set -euo pipefail
here=$(dirname "$0")
echo "== generate vs kolla-ansible's openssl recipe";   bash "$here/compare-generate.sh"
echo; echo "== generate vs kolla-ansible's own role";      bash "$here/compare-kolla-role.sh"
echo; echo "== check and rehearse vs openssl by hand";   bash "$here/compare-check.sh"
echo; echo "== check --config-file vs check DIR";      bash "$here/compare-config-file.sh"
echo; echo "== rehearse vs Octavia's own code path";     bash "$here/compare-rehearse.sh"
echo; echo "== probe vs the openssl s_client loop";      bash "$here/compare-probe.sh"
echo; echo "== generate in each deployer's form";       bash "$here/compare-forms.sh"
echo; echo "== node check of three services";           bash "$here/node-check.sh"
echo; echo "== peak memory";                              bash "$here/memory.sh"
