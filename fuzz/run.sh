#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each), starting from
# the committed seeds (fuzz/seeds/<target>/) plus what earlier runs found
# (fuzz/corpus/<target>/, not committed). Exits non-zero on the first crash,
# hang (-timeout) or memory blow-up (-rss_limit_mb); libFuzzer saves the input
# in fuzz/artifacts/<target>/. A crash becomes a regression: copy the input
# into fuzz/seeds/<target>/ (replayed on every run) and add a unit test.
#
# This machine has only the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its nightly-only flags (-Zsanitizer=address) to it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked --quiet cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
cargo fuzz build
for target in pem_blocks private_key certificate check_dir; do
  mkdir -p "corpus/$target"
  echo "fuzz: $target for ${seconds}s" >&2
  log=$(mktemp)
  status=0
  cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units|SUMMARY)|panicked|ERROR|Test unit written' "$log" >&2 || true
  rm -f "$log"
  [ "$status" = 0 ] || { echo "fuzz: $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2; exit 1; }
done
