#!/usr/bin/env bash
# Installs the peers the tests prove compatibility against, and prints the
# Python to use: the openssl CLI and shellcheck (Debian's packages, if missing) and a venv under
# target/ with Octavia 19 and Python's cryptography from PyPI. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/peers-venv"
requirements="$root/scripts/peers-requirements.txt"

# Debian packages: the openssl CLI, and shellcheck for the scripts `deploy plan` prints.
for tool in openssl shellcheck; do
  command -v "$tool" >/dev/null 2>&1 && continue
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >&2
  else
    echo "peers.sh: the $tool command is missing; install Debian's $tool package" >&2
    exit 1
  fi
done

stamp="$venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "peers.sh: installing Octavia 19 and cryptography into $venv ..." >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  touch "$stamp"
fi
# Prove the peers are really there; a missing peer fails here, loudly.
"$venv/bin/python" -c "import octavia.certificates.generator.local, octavia.common.config, cryptography, requests" 2>/dev/null \
  || { echo "peers.sh: Octavia's modules do not import from $venv" >&2; exit 1; }
echo "$venv/bin/python"
