#!/usr/bin/env bash
# Runs every test, with the real peers installed first (see scripts/peers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
OCTAVIA_PKI_PYTHON=$(bash scripts/peers.sh)
export OCTAVIA_PKI_PYTHON
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
