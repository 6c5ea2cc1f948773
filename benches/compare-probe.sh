#!/usr/bin/env bash
# `octavia-pki probe` against the operators' loop (`openssl s_client`, one
# amphora after the other) on the same stand-in amphorae (benches/standin-amphorae.py:
# one Python ssl process, many loopback ports, the agent's TLS settings, amphora
# certificates from Octavia's LocalCertGenerator), with the Kolla default
# RSA-4096 client key. Prints: medians and the ratio at N targets (target: at
# most 0.3), the probe's CPU time per amphora against one RSA-4096 signature
# (`openssl speed`, target: at most 1.5x), and time and peak memory at 100,
# 1,000 and 5,000 targets (target: at most 64 MiB at 1,000).
#   bash benches/compare-probe.sh     # N=1000 RUNS=3 CERTS=100 to change them
. "$(dirname "$0")/common.sh" 3
python=$(bash "$root/scripts/peers.sh")
n=${N:-1000}
certs=${CERTS:-100}
scale=(100 1000 5000)
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
printf 'octavia_ca_password: %s\noctavia_client_ca_password: %s\n' "$CA_PASS" "$CLIENT_CA_PASS" > "$tmp/passwords.yml"
printf '%s\n' "$CA_PASS" > "$tmp/pass"; chmod 600 "$tmp/pass"
"$bin" generate --dir "$tmp/d" --work-dir "$tmp/w" --passwords "$tmp/passwords.yml" >/dev/null 2>&1
"$python" "$root/octavia-pki-cli/tests/peers/amphora_agent.py" mint --ca-cert "$tmp/d/server_ca.cert.pem" \
  --ca-key "$tmp/d/server_ca.key.pem" --passphrase-file "$tmp/pass" --count "$certs" --out-dir "$tmp/certs"
max=$(printf '%s\n' "$n" "${scale[@]}" | sort -n | tail -1)
"$python" "$root/benches/standin-amphorae.py" --certs "$tmp/certs" --client-ca "$tmp/d/client_ca.cert.pem" \
  --count "$max" --targets "$tmp/all" &
standins=$!
trap 'kill $standins 2>/dev/null; wait $standins 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do [ -f "$tmp/all" ] && break; sleep 0.1; done
[ -f "$tmp/all" ] || { echo "the stand-ins did not start" >&2; exit 1; }
head -n "$n" "$tmp/all" > "$tmp/targets"

probe() { "$bin" probe --dir "$tmp/d" --no-anonymous-check --format json "$@"; }
# Both must succeed on every stand-in first.
probe $(cat "$tmp/targets") | "$python" -c 'import json,sys; r=json.load(sys.stdin); assert r["summary"] == {"ok": len(r["targets"])}, r["summary"]'
loop() {
  while IFS= read -r target; do
    id=${target%@*}; addr=${target#*@}
    openssl s_client -connect "$addr" -cert "$tmp/d/client.cert-and-key.pem" -key "$tmp/d/client.cert-and-key.pem" \
      -CAfile "$tmp/d/server_ca.cert.pem" -verify_return_error -verify_hostname "$id" -brief </dev/null >/dev/null 2>&1 \
      || { echo "openssl s_client failed on $target" >&2; return 1; }
  done < "$tmp/targets"
}
for _ in $(seq "$runs"); do
  t=$(date +%s%N); probe $(cat "$tmp/targets") >/dev/null; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); loop; ms "$t" >> "$tmp/b"
done
a=$(median "$tmp/a"); b=$(median "$tmp/b")
echo "machine: $(nproc) cores; $n stand-in amphorae ($certs LocalCertGenerator certificates); runs of each: $runs (interleaved)"
echo "octavia-pki probe --no-anonymous-check: median $a ms"
echo "openssl s_client loop:                  median $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.3f (target: at most 0.3)\n", a / b }'

# CPU per amphora, against one RSA-4096 signature in the same run.
cpu=$( { /usr/bin/time -f "%U %S" "$bin" probe --dir "$tmp/d" --no-anonymous-check $(cat "$tmp/targets") >/dev/null; } 2>&1 | tail -1)
signs=$(openssl speed -seconds 3 rsa4096 2>/dev/null | awk '/^rsa 4096 bits/ { print $6 }')
awk -v cpu="$cpu" -v n="$n" -v s="$signs" 'BEGIN { split(cpu, c, " "); per = (c[1] + c[2]) * 1000 / n; sig = 1000 / s;
  printf "probe CPU per amphora: %.2f ms; one RSA-4096 signature (openssl speed): %.2f ms; ratio %.2f (target: at most 1.5)\n", per, sig, per / sig }'

echo "targets  wall (s)  peak RSS (MiB)   (default options: anonymous check on, concurrency 64)"
for k in "${scale[@]}"; do
  head -n "$k" "$tmp/all" > "$tmp/k"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" probe --dir "$tmp/d" --format json $(cat "$tmp/k") >/dev/null || true
  read -r wall rss < "$tmp/time"
  awk -v k="$k" -v w="$wall" -v r="$rss" 'BEGIN { printf "%7d  %8.2f  %14.1f\n", k, w, r / 1024 }'
done
