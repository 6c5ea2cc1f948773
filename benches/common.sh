# Shared by the comparison scripts: sourced, not run.
# Sets root, runs (RUNS, default $1), bin (the release binary, built) and tmp (removed on exit).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-$1}
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p octavia-pki-cli
bin="$root/target/release/octavia-pki"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The median of the numbers in a file, one a line.
median() { sort -n "$1" | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# Milliseconds since a `date +%s%N` reading.
ms() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.2f\n", (e - s) / 1000000 }'; }
