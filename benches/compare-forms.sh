#!/usr/bin/env bash
# `octavia-pki generate --layout X` (each deployer's form: the guide's drop-in, the charm's YAML, Kubernetes
# Secrets, OpenStack-Ansible's tree) against `octavia-pki generate` (kolla) for the same key type, interleaved,
# medians and ratios (target: at most 1.1); and against OpenStack-Ansible's own role making its tree
# (../shared/peers/osa/run.sh, target: well under 0.2), in the same run. RSA-4096 key generation dominates and
# varies by tens of percent from one set to the next: KEY_TYPE=ecdsa-p256 shows the forms' own cost.
#   bash benches/compare-forms.sh        # RUNS=N (default 5), KEY_TYPE (default rsa-4096), ROLE_RUNS (default 3)
. "$(dirname "$0")/common.sh" 5
key=${KEY_TYPE:-rsa-4096}
role_runs=${ROLE_RUNS:-3}
export OSA_VENV=${OSA_VENV:-$(bash "$root/scripts/peers.sh" kolla)}
printf 'bench-passphrase-1\n' > "$tmp/pass"
forms=(kolla guide charm k8s-helm k8s-atmosphere)
[ "$key" = rsa-4096 ] && forms+=(osa)
gen() { # FORM OUT
  local form=$1 out=$2 args=(--key-type "$key" --passphrase-file "$tmp/pass")
  case "$form" in
    kolla) args+=(--dir "$out/d" --work-dir "$out/w") ;;
    guide) args+=(--layout guide --dir "$out/d" --work-dir "$out/w") ;;
    charm) args+=(--layout charm --output "$out/c.yaml" --work-dir "$out/w") ;;
    k8s-*) args+=(--layout k8s --style "${form#k8s-}" --output "$out/s.yaml" --work-dir "$out/w") ;;
    osa) args+=(--layout osa --work-dir "$out/pki") ;;
  esac
  "$bin" generate "${args[@]}" >/dev/null 2>&1
}
for i in $(seq "$runs"); do
  for form in "${forms[@]}"; do
    t=$(date +%s%N); gen "$form" "$tmp/$form-$i"; ms "$t" >> "$tmp/$form"
  done
done
for i in $(seq "$role_runs"); do
  t=$(date +%s%N)
  OSA_PASSPHRASE=bench-passphrase-1 bash "$root/../shared/peers/osa/run.sh" "$tmp/role-$i" >/dev/null 2>&1
  ms "$t" >> "$tmp/role"
done
base=$(median "$tmp/kolla")
echo "runs of each: $runs (interleaved), key type $key, machine: $(nproc) cores"
printf '%-16s median %9.1f ms\n' "kolla" "$base"
for form in "${forms[@]:1}"; do
  m=$(median "$tmp/$form")
  awk -v f="$form" -v m="$m" -v b="$base" 'BEGIN { printf "%-16s median %9.1f ms   ratio to kolla %.3f (target: at most 1.1)\n", f, m, m / b }'
done
if [ -f "$tmp/osa" ] && [ -f "$tmp/role" ]; then
  r=$(median "$tmp/role"); o=$(median "$tmp/osa")
  awk -v r="$r" -v o="$o" -v n="$role_runs" 'BEGIN { printf "OpenStack-Ansible role (%d runs) median %9.1f ms; generate --layout osa / role: %.3f (target: well under 0.2)\n", n, r, o / r }'
fi
