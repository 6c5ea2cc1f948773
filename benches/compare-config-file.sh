#!/usr/bin/env bash
# `octavia-pki check --config-file octavia.conf` against `octavia-pki check DIR` on the same Kolla RSA-4096
# set (kolla-ansible's recipe), the conf naming the same files and passphrase as kolla renders them;
# interleaved A B A B, medians and the ratio (target: at most 1.2).
#   bash benches/compare-config-file.sh      # RUNS=N to change the 15 runs
. "$(dirname "$0")/common.sh" 15
export CA_PASS=BenchServerCa1 CLIENT_CA_PASS=BenchClientCa2
bash "$root/testdata/kolla-recipe.sh" "$tmp/work" "$tmp/octavia" >/dev/null 2>&1
printf 'octavia_ca_password: %s\n' "$CA_PASS" > "$tmp/passwords.yml"
d=$tmp/octavia
cat > "$tmp/octavia.conf" <<CONF
[certificates]
ca_certificate = $d/server_ca.cert.pem
ca_private_key = $d/server_ca.key.pem
ca_private_key_passphrase = $CA_PASS
[haproxy_amphora]
server_ca = $d/server_ca.cert.pem
client_cert = $d/client.cert-and-key.pem
[controller_worker]
client_ca = $d/client_ca.cert.pem
CONF
# Both must pass before timing.
"$bin" check "$d" --passwords "$tmp/passwords.yml" >/dev/null
"$bin" check --config-file "$tmp/octavia.conf" >/dev/null
for _ in $(seq "$runs"); do
  t=$(date +%s%N); "$bin" check "$d" --passwords "$tmp/passwords.yml" >/dev/null; ms "$t" >> "$tmp/a"
  t=$(date +%s%N); "$bin" check --config-file "$tmp/octavia.conf" >/dev/null; ms "$t" >> "$tmp/b"
done
a=$(median "$tmp/a"); b=$(median "$tmp/b")
echo "runs of each: $runs (interleaved), machine: $(nproc) cores"
echo "octavia-pki check DIR --passwords:   median $a ms"
echo "octavia-pki check --config-file:     median $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio: %.3f (target: at most 1.2)\n", b / a }'
