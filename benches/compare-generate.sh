#!/usr/bin/env bash
# `octavia-pki generate` against kolla-ansible's openssl recipe, as whole
# processes, interleaved A B A B on the same machine; prints medians and ratios.
#
#   bash benches/compare-generate.sh            # 9 runs of each (RUNS=N to change)
#
# A: octavia-pki generate, Kolla defaults (RSA-4096, three keys, encrypted CA keys,
#    the deployed files and the work directory).
# B: testdata/kolla-recipe.sh: the role's openssl commands, plus the copy to the
#    deployed directory.
# C: octavia-pki generate --key-type ecdsa-p256 (target: under 50 ms).
. "$(dirname "$0")/common.sh" 9
printf 'octavia_ca_password: BenchServerCa1\noctavia_client_ca_password: BenchClientCa2\n' > "$tmp/passwords.yml"
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2

for i in $(seq "$runs"); do
  t=$(date +%s%N)
  "$bin" generate --dir "$tmp/a$i/d" --work-dir "$tmp/a$i/w" --passwords "$tmp/passwords.yml" >/dev/null 2>&1
  echo "$(ms "$t")" >> "$tmp/a.ms"
  t=$(date +%s%N)
  bash "$root/testdata/kolla-recipe.sh" "$tmp/b$i/w" "$tmp/b$i/d" >/dev/null 2>&1
  echo "$(ms "$t")" >> "$tmp/b.ms"
  t=$(date +%s%N)
  "$bin" generate --key-type ecdsa-p256 --dir "$tmp/c$i/d" --work-dir "$tmp/c$i/w" --passwords "$tmp/passwords.yml" >/dev/null 2>&1
  echo "$(ms "$t")" >> "$tmp/c.ms"
  rm -rf "$tmp/a$i" "$tmp/b$i" "$tmp/c$i"
done

a=$(median "$tmp/a.ms"); b=$(median "$tmp/b.ms"); c=$(median "$tmp/c.ms")
echo "runs of each: $runs (interleaved), machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "octavia-pki generate (rsa-4096):     median $a ms   (runs: $(tr '\n' ' ' < "$tmp/a.ms"))"
echo "kolla-ansible recipe (openssl):      median $b ms   (runs: $(tr '\n' ' ' < "$tmp/b.ms"))"
echo "octavia-pki generate (ecdsa-p256):   median $c ms   (runs: $(tr '\n' ' ' < "$tmp/c.ms"))"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio octavia-pki / recipe (rsa-4096): %.2f (target: at most 0.50)\n", a / b }'
