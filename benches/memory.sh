#!/usr/bin/env bash
# Peak memory (maximum resident set size, /usr/bin/time) of each command on a
# Kolla RSA-4096 set; target for check: under 20 MiB.
#   bash benches/memory.sh
. "$(dirname "$0")/common.sh" 1
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
printf 'octavia_ca_password: %s\noctavia_client_ca_password: %s\n' "$CA_PASS" "$CLIENT_CA_PASS" > "$tmp/passwords.yml"
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
printf '%-52s %s\n' "command" "peak RSS (KiB)"
printf '%-52s %s\n' "generate (rsa-4096, kolla)" "$(peak "$bin" generate --dir "$tmp/d" --work-dir "$tmp/w" --passwords "$tmp/passwords.yml")"
printf '%-52s %s\n' "check (with the rehearsal)" "$(peak "$bin" check "$tmp/d" --passwords "$tmp/passwords.yml")"
printf '%-52s %s\n' "rehearse" "$(peak "$bin" rehearse "$tmp/d" --passwords "$tmp/passwords.yml")"
printf '%-52s %s\n' "renew client" "$(peak "$bin" renew client --dir "$tmp/d" --work-dir "$tmp/w" --passwords "$tmp/passwords.yml")"
printf '%-52s %s\n' "expiry" "$(peak "$bin" expiry "$tmp/d" --work-dir "$tmp/w")"
