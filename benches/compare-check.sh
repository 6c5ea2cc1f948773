#!/usr/bin/env bash
# `octavia-pki check` (which ends with the handshake rehearsal) against the same
# checks done by hand with openssl (benches/check-by-hand.sh), interleaved A B A B
# on a Kolla RSA-4096 set made by kolla-ansible's recipe; prints medians and the
# ratio (target: at most 0.2), and the median of `octavia-pki rehearse` alone
# (target: under 30 ms).
#   bash benches/compare-check.sh      # RUNS=N to change the 15 runs
. "$(dirname "$0")/common.sh" 15
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
bash "$root/testdata/kolla-recipe.sh" "$tmp/work" "$tmp/octavia" >/dev/null 2>&1
printf 'octavia_ca_password: %s\n' "$CA_PASS" > "$tmp/passwords.yml"
"$bin" check "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null   # must pass before timing
bash "$root/benches/check-by-hand.sh" "$tmp/octavia"

for _ in $(seq "$runs"); do
  t=$(date +%s%N); "$bin" check "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); bash "$root/benches/check-by-hand.sh" "$tmp/octavia"; ms "$t" >> "$tmp/b"
  t=$(date +%s%N); "$bin" rehearse "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null; ms "$t" >> "$tmp/c"
done
a=$(median "$tmp/a"); b=$(median "$tmp/b"); c=$(median "$tmp/c")
echo "runs of each: $runs (interleaved), machine: $(nproc) cores"
echo "octavia-pki check:          median $a ms"
echo "openssl by hand (12 steps): median $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.3f (target: at most 0.2)\n", a / b }'
echo "octavia-pki rehearse:       median $c ms (target: under 30 ms)"
/usr/bin/time -f "octavia-pki check peak memory: %M KiB" "$bin" check "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null
