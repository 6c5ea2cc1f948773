#!/usr/bin/env bash
# `octavia-pki generate` (Kolla defaults: three RSA-4096 keys, two encrypted)
# against a fresh run of kolla-ansible 22.2.0's own octavia-certificates
# playbook on localhost (`scripts/peers.sh kolla`), interleaved A B A B;
# medians and the ratio (target: at most 0.15).
#   bash benches/compare-kolla-role.sh      # RUNS=N to change the 5 runs
. "$(dirname "$0")/common.sh" 5
kolla=$(bash "$root/scripts/peers.sh" kolla)
printf 'octavia_ca_password: BenchServerCa1\noctavia_client_ca_password: BenchClientCa2\n' > "$tmp/passwords.yml"
chmod 600 "$tmp/passwords.yml"
role() {
  (cd "$1" && ANSIBLE_GATHERING=explicit "$kolla/bin/ansible-playbook" -i localhost, -c local \
    -e ansible_python_interpreter="$kolla/bin/python" -e @"$tmp/passwords.yml" \
    -e octavia_certs_work_dir="$1/work" -e node_custom_config="$1/config" \
    "$kolla/share/kolla-ansible/ansible/octavia-certificates.yml" >/dev/null)
}
for i in $(seq "$runs"); do
  mkdir -p "$tmp/a$i" "$tmp/b$i"
  t=$(date +%s%N); "$bin" generate --dir "$tmp/a$i/config/octavia" --work-dir "$tmp/a$i/work" --passwords "$tmp/passwords.yml" >/dev/null 2>&1; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); role "$tmp/b$i"; ms "$t" >> "$tmp/b"
done
a=$(median "$tmp/a"); b=$(median "$tmp/b")
echo "runs of each: $runs (interleaved), machine: $(nproc) cores"
echo "octavia-pki generate:                 median $a ms"
echo "kolla-ansible octavia-certificates:   median $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.3f (target: at most 0.15)\n", a / b }'
