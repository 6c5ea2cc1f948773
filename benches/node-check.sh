#!/usr/bin/env bash
# `octavia-pki node check` of three services (three checks, two rehearsals) as
# a whole process: medians of RUNS runs (target: under 100 ms), on the
# kolla-rendered node of testdata/node/cases/clean (keys from kolla's openssl
# recipe, PBKDF2 2048) and on the same node holding a set `generate` wrote
# (PBKDF2 100 000: the derivation is shared by the three services).
#   bash benches/node-check.sh      # RUNS=N to change the 15 runs
. "$(dirname "$0")/common.sh" 15
clean="$root/testdata/node/cases/clean"
cp -r "$clean" "$tmp/ours"
pass=BenchNodeCa1
printf 'octavia_ca_password: %s\noctavia_client_ca_password: BenchNodeClient2\n' "$pass" > "$tmp/passwords.yml"
"$bin" generate --dir "$tmp/set" --work-dir "$tmp/work" --passwords "$tmp/passwords.yml" >/dev/null 2>&1
for d in "$tmp/ours/config/octavia" "$tmp/ours/kolla/"*/; do cp "$tmp/set/"*.pem "$d"; done
sed -i "s/^ca_private_key_passphrase = .*/ca_private_key_passphrase = $pass/" "$tmp/ours/kolla/"*/octavia.conf
for case in "$clean" "$tmp/ours"; do
  "$bin" node check --kolla-dir "$case/kolla" --config-dir "$case/config" --container-engine none >/dev/null  # must be clean
done
: > "$tmp/a"; : > "$tmp/b"
for _ in $(seq "$runs"); do
  t=$(date +%s%N); "$bin" node check --kolla-dir "$clean/kolla" --config-dir "$clean/config" --container-engine none >/dev/null; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); "$bin" node check --kolla-dir "$tmp/ours/kolla" --config-dir "$tmp/ours/config" --container-engine none >/dev/null; ms "$t" >> "$tmp/b"
done
echo "machine: $(nproc) cores; runs: $runs (interleaved)"
echo "node check, kolla recipe keys:        median $(median "$tmp/a") ms (target: under 100 ms)"
echo "node check, keys octavia-pki wrote:   median $(median "$tmp/b") ms (target: under 100 ms)"
