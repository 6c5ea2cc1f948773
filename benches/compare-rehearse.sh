#!/usr/bin/env bash
# `octavia-pki rehearse` against the Python rehearsal of Octavia's own code path
# used in the tests (octavia-pki-cli/tests/peers/octavia_peer.py rehearse:
# oslo.config, LocalCertGenerator, the agent's TLS server, the REST driver's
# session), interleaved A B A B on a Kolla RSA-4096 set made by kolla-ansible's
# recipe; medians and the ratio (target: at most 0.05).
#   bash benches/compare-rehearse.sh      # RUNS=N to change the 9 runs
. "$(dirname "$0")/common.sh" 9
python=$(bash "$root/scripts/peers.sh")
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
bash "$root/testdata/kolla-recipe.sh" "$tmp/work" "$tmp/octavia" >/dev/null 2>&1
printf 'octavia_ca_password: %s\n' "$CA_PASS" > "$tmp/passwords.yml"
peer="$root/octavia-pki-cli/tests/peers/octavia_peer.py"
"$bin" rehearse "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null       # both must pass first
"$python" "$peer" rehearse --dir "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null 2>&1

for _ in $(seq "$runs"); do
  t=$(date +%s%N); "$bin" rehearse "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); "$python" "$peer" rehearse --dir "$tmp/octavia" --passwords "$tmp/passwords.yml" >/dev/null 2>&1; ms "$t" >> "$tmp/b"
done
a=$(median "$tmp/a"); b=$(median "$tmp/b")
echo "runs of each: $runs (interleaved), machine: $(nproc) cores"
echo "octavia-pki rehearse:              median $a ms"
echo "Octavia's code path (Python peer): median $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.3f (target: at most 0.05)\n", a / b }'
