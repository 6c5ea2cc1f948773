#!/usr/bin/env bash
# Peak memory of `octavia-pki probe` over large amphora lists, in every format: the maximum
# resident set size `/usr/bin/time -v` reports, for 5,000 and 50,000 amphorae (target: at most
# 64 MiB at 50,000, whatever the format), whether the run completes under a 64 MiB address space
# limit (`prlimit --as`, what `ulimit -v 65536` sets), and the peak of `rotate finish
# --probe-report` reading the JSON report back. The amphorae are stand-ins on loopback
# (benches/standin-amphorae.py: one Python ssl process, the agent's TLS settings, amphora
# certificates from Octavia's LocalCertGenerator, each on its own 127.0.1.x address), given as the
# JSON of `openstack loadbalancer amphora list -f json` (--amphorae); default options (anonymous
# check on, 64 at once) unless PROBE_ARGS adds some. Every run must report every amphora `ok`, or
# the benchmark stops. Prints the median of RUNS runs per binary, format and size.
#   bash benches/probe-memory.sh                                       # this tree's release binary
#   BEFORE=/path/to/an/older/octavia-pki bash benches/probe-memory.sh  # and that one, interleaved
#   SCALE="5000 50000" RUNS=3 CERTS=100 PROBE_ARGS=--no-anonymous-check to change them
. "$(dirname "$0")/common.sh" 3
python=$(bash "$root/scripts/peers.sh")
certs=${CERTS:-100}
read -r -a scale <<< "${SCALE:-5000 50000}"
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
printf 'octavia_ca_password: %s\noctavia_client_ca_password: %s\n' "$CA_PASS" "$CLIENT_CA_PASS" > "$tmp/passwords.yml"
printf '%s\n' "$CA_PASS" > "$tmp/pass"; chmod 600 "$tmp/pass"
"$bin" generate --key-type ecdsa-p256 --dir "$tmp/d" --work-dir "$tmp/w" --passwords "$tmp/passwords.yml" >/dev/null 2>&1
"$python" "$root/octavia-pki-cli/tests/peers/amphora_agent.py" mint --ca-cert "$tmp/d/server_ca.cert.pem" \
  --ca-key "$tmp/d/server_ca.key.pem" --passphrase-file "$tmp/pass" --count "$certs" --out-dir "$tmp/certs"
max=$(printf '%s\n' "${scale[@]}" | sort -n | tail -1)
"$python" "$root/benches/standin-amphorae.py" --certs "$tmp/certs" --client-ca "$tmp/d/client_ca.cert.pem" \
  --count "$max" --amphora-list "$tmp/all.json" &
standins=$!
trap 'kill $standins 2>/dev/null; wait $standins 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do [ -f "$tmp/all.json" ] && break; sleep 0.1; done
[ -f "$tmp/all.json" ] || { echo "the stand-ins did not start" >&2; exit 1; }
port=$(cat "$tmp/all.json.port")
for k in "${scale[@]}"; do
  "$python" -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))[:int(sys.argv[2])], open(sys.argv[3], "w"))' \
    "$tmp/all.json" "$k" "$tmp/list-$k.json"
done

binaries=("after=$bin")
[ -n "${BEFORE:-}" ] && binaries=("before=$BEFORE" "${binaries[@]}")
formats=(human json json-output prometheus-output)
read -r -a probe_args <<< "${PROBE_ARGS:-}"

# One run: prints its peak RSS in KiB, after checking that every amphora was reported ok.
measure() {
  local exe=$1 format=$2 k=$3 out=$tmp/out args=()
  case $format in
    human) args=(--format human) ;;
    json) args=(--format json) ;;
    json-output) args=(--format json --output "$tmp/out.json"); out=/dev/null ;;
    prometheus) args=(--format prometheus) ;;
    prometheus-output) args=(--format prometheus --output "$tmp/out.prom"); out=/dev/null ;;
  esac
  rm -f "$tmp/out.json" "$tmp/out.prom"
  /usr/bin/time -v -o "$tmp/time" "$exe" probe --dir "$tmp/d" --amphorae "$tmp/list-$k.json" --port "$port" \
    "${probe_args[@]}" "${args[@]}" > "$out" 2>"$tmp/err" || { echo "$exe $format $k failed: $(tail -3 "$tmp/err")" >&2; return 1; }
  case $format in
    human) grep -q "^Summary: $k ok$" "$tmp/out" ;;
    json) "$python" -c 'import json, sys; assert json.load(open(sys.argv[1]))["summary"] == {"ok": int(sys.argv[2])}' "$tmp/out" "$k" ;;
    json-output) "$python" -c 'import json, sys; assert json.load(open(sys.argv[1]))["summary"] == {"ok": int(sys.argv[2])}' "$tmp/out.json" "$k" \
      && cp "$tmp/out.json" "$tmp/report-$k.json" ;;
    prometheus) grep -q "^octavia_pki_amphorae{status=\"ok\"} $k" "$tmp/out" ;;
    prometheus-output) grep -q "^octavia_pki_amphorae{status=\"ok\"} $k" "$tmp/out.prom" ;;
  esac || { echo "$exe $format $k: not every amphora ok" >&2; return 1; }
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time"
}

# Whether a run completes with its address space limited to 64 MiB.
limited() {
  local exe=$1 k=$2
  if prlimit --as=$((64 * 1024 * 1024)) "$exe" probe --dir "$tmp/d" --amphorae "$tmp/list-$k.json" \
    --port "$port" "${probe_args[@]}" --format json >/dev/null 2>"$tmp/err"; then echo completes; else echo "fails ($?)"; fi
}

# `rotate finish` reading the report back: it reads it whole, then refuses (no staged rotation here).
finish_rss() {
  local exe=$1 k=$2
  /usr/bin/time -v -o "$tmp/time" "$exe" rotate finish server-ca --dir "$tmp/d" --work-dir "$tmp/w" \
    --probe-report "$tmp/report-$k.json" >/dev/null 2>"$tmp/err" || true
  grep -q "no staged rotation" "$tmp/err" || { echo "rotate finish did not read the report: $(cat "$tmp/err")" >&2; return 1; }
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time"
}

median_mib() { awk -v m="$(median "$1")" 'BEGIN { printf "%.1f", m / 1024 }'; }

echo "machine: $(nproc) cores; stand-in amphorae: $certs LocalCertGenerator certificates; runs: $runs (interleaved); probe options: ${PROBE_ARGS:-defaults}"
printf '%-8s %-24s %8s  %s\n' binary what amphorae "peak RSS, MiB (median)"
for k in "${scale[@]}"; do
  for format in "${formats[@]}"; do
    for b in "${binaries[@]}"; do : > "$tmp/rss-${b%%=*}"; done
    for _ in $(seq "$runs"); do
      for b in "${binaries[@]}"; do
        measure "${b#*=}" "$format" "$k" >> "$tmp/rss-${b%%=*}"
      done
    done
    for b in "${binaries[@]}"; do
      printf '%-8s %-24s %8d  %s\n' "${b%%=*}" "probe $format" "$k" "$(median_mib "$tmp/rss-${b%%=*}")"
    done
  done
  for b in "${binaries[@]}"; do
    : > "$tmp/rss-${b%%=*}"
    for _ in $(seq "$runs"); do finish_rss "${b#*=}" "$k" >> "$tmp/rss-${b%%=*}"; done
    printf '%-8s %-24s %8d  %s\n' "${b%%=*}" "rotate finish (report)" "$k" "$(median_mib "$tmp/rss-${b%%=*}")"
  done
  for b in "${binaries[@]}"; do
    printf '%-8s %-24s %8d  under prlimit --as=64MiB: %s\n' "${b%%=*}" "probe json" "$k" "$(limited "${b#*=}" "$k")"
  done
done
