"""crate-licenses.py: what the octavia-pki binary bundles, for its Debian package's documentation.

Every crate compiled into the binary (`cargo tree -e normal`: no build or dev dependencies), with its
version, licence expression and repository; then every licence or notice text those crates ship
(LICENSE*, LICENCE*, COPYING*, NOTICE* beside their Cargo.toml), each distinct text once, with the crates
that ship it. Printed on standard output.
"""

import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT_PREFIXES = ("license", "licence", "copying", "notice")


def cargo(*args):
    return subprocess.run(["cargo", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def main():
    bundled = set()
    for line in cargo("tree", "--locked", "-p", "octavia-pki-cli", "-e", "normal", "--prefix", "none",
                      "--format", "{p}").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("v"):
            bundled.add((parts[0], parts[1][1:]))
    meta = json.loads(cargo("metadata", "--locked", "--format-version", "1"))
    packages = sorted((p for p in meta["packages"] if (p["name"], p["version"]) in bundled),
                      key=lambda p: (p["name"], p["version"]))
    missing = bundled - {(p["name"], p["version"]) for p in packages}
    if missing:
        sys.exit(f"crate-licenses.py: no metadata for {sorted(missing)}")
    out = ["Crates compiled into /usr/bin/octavia-pki, with their licences.", ""]
    texts = {}
    for p in packages:
        licence = p.get("license") or f"see {p.get('license_file')}"
        out.append(f"{p['name']} {p['version']}: {licence}" + (f" <{p['repository']}>" if p.get("repository") else ""))
        directory = os.path.dirname(p["manifest_path"])
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if name.lower().startswith(TEXT_PREFIXES) and os.path.isfile(path):
                with open(path, "rb") as f:
                    body = f.read().decode("utf-8", "replace")
                digest = hashlib.sha256(body.strip().encode()).hexdigest()
                texts.setdefault(digest, (body, []))[1].append(f"{p['name']} {p['version']} ({name})")
    ours = {p["name"] for p in meta["packages"] if p.get("source") is None}
    shipped = {c.split(" (")[0] for _, by in texts.values() for c in by}
    silent = [f"{p['name']} {p['version']}" for p in packages
              if p["name"] not in ours and f"{p['name']} {p['version']}" not in shipped]
    if silent:
        out += ["", "These crates ship no licence file; their licences' texts are among those below (the MIT and",
                "Apache-2.0 texts) and in /usr/share/common-licenses/Apache-2.0: " + ", ".join(silent) + "."]
    out += ["", "The licence and notice texts those crates ship, each once.", ""]
    for body, shipped_by in sorted(texts.values(), key=lambda t: t[1][0]):
        out.append("=" * 78)
        out.append("Shipped by: " + ", ".join(shipped_by))
        out.append("=" * 78)
        out.append(body.rstrip())
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
