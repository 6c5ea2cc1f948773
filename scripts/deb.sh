#!/usr/bin/env bash
# The Debian package, built with Debian's own dpkg-deb from the release binary:
#   bash scripts/deb.sh           builds target/debian/octavia-pki_<version>-1_<arch>.deb and prints its path
#   bash scripts/deb.sh --check   builds it, then proves it: lintian reports no error; `dpkg -i` installs it and
#                                 `apt-get install -f` has nothing left to do; the installed binary, man page and
#                                 bash completion work; `dpkg -r` removes it, leaving nothing of it behind.
#                                 Installs into this system (root): refuses when octavia-pki is installed already.
# Contents: /usr/bin/octavia-pki (stripped), its man pages (`octavia-pki man`), bash, zsh and fish completions
# (`octavia-pki completions`), the alert rules under /usr/share/octavia-pki, README, SECURITY, the copyright
# file, and every bundled crate's licence (scripts/crate-licenses.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
check=false
[ "${1:-}" = --check ] && check=true

# Debian's tools (dpkg-dev for dpkg-shlibdeps; lintian and promtool, of prometheus, for --check).
need=(dpkg-dev)
$check && need+=(lintian prometheus)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "deb.sh: install Debian's ${missing[*]}" >&2; exit 1; }
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

cargo build --release --locked --quiet -p octavia-pki-cli
bin=target/release/octavia-pki
upstream=$("$bin" --version | awk '{print $2}')
version="$upstream-1"
arch=$(dpkg --print-architecture)
out=target/debian
stage=$out/stage
rm -rf "$stage" && mkdir -p "$stage/DEBIAN"
deb="$out/octavia-pki_${version}_${arch}.deb"
doc=$stage/usr/share/doc/octavia-pki
# Who signs it: DEBFULLNAME and DEBEMAIL, as dch takes them.
maintainer="${DEBFULLNAME:-octavia-pki maintainers} <${DEBEMAIL:-octavia-pki@example.org}>"

install -D -m 0755 "$bin" "$stage/usr/bin/octavia-pki"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/octavia-pki"
mkdir -p "$stage/usr/share/man/man1"
"$bin" man --out-dir "$stage/usr/share/man/man1" >/dev/null
gzip -9n "$stage/usr/share/man/man1/"*.1
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
  "$stage/usr/share/fish/vendor_completions.d"
"$bin" completions bash > "$stage/usr/share/bash-completion/completions/octavia-pki"
"$bin" completions zsh > "$stage/usr/share/zsh/vendor-completions/_octavia-pki"
"$bin" completions fish > "$stage/usr/share/fish/vendor_completions.d/octavia-pki.fish"
chmod 0644 "$stage"/usr/share/*/completions/* "$stage"/usr/share/zsh/vendor-completions/* \
  "$stage"/usr/share/fish/vendor_completions.d/*
# The alert rules, as tests/suite/prometheus.rs proves them (not their unit tests).
install -d "$stage/usr/share/octavia-pki/prometheus"
install -m 0644 monitoring/prometheus/*.rules "$stage/usr/share/octavia-pki/prometheus/"

install -d "$doc"
for f in README.md SECURITY.md ARCHITECTURE.md; do
  install -m 0644 "$f" "$doc/$f" && gzip -9n "$doc/$f"
done
python3 scripts/crate-licenses.py | gzip -9n > "$doc/bundled-crates.txt.gz"
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
printf 'octavia-pki (%s) unstable; urgency=medium\n\n  * Built from the upstream tree, commit %s.\n\n -- %s  %s\n' \
  "$version" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$maintainer" "$date" | gzip -9n > "$doc/changelog.Debian.gz"
cat > "$doc/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: octavia-pki
Comment: The binary bundles the Rust crates listed, with their licences and
 every licence text they ship, in /usr/share/doc/octavia-pki/bundled-crates.txt.gz.

Files: *
Copyright: 2026 the octavia-pki authors
License: Apache-2.0

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License"); you may not
 use this file except in compliance with the License.
 .
 On Debian systems, the complete text of the Apache License, Version 2.0 can
 be found in "/usr/share/common-licenses/Apache-2.0".
EOF
chmod 0644 "$doc"/*
# yaml-rust2, a Rust port of libyaml's parser, carries libyaml's messages:
# lintian's string match takes it for an embedded copy of the C library.
install -d "$stage/usr/share/lintian/overrides"
cat > "$stage/usr/share/lintian/overrides/octavia-pki" <<'EOF'
# yaml-rust2 (pure Rust) ports libyaml's parser and keeps its error strings; no libyaml is linked or embedded.
octavia-pki: embedded-library libyaml [usr/bin/octavia-pki]
EOF
chmod 0644 "$stage/usr/share/lintian/overrides/octavia-pki"

# Depends from the libraries the binary links, as dpkg-shlibdeps reads them.
shlib=$(mktemp -d)
mkdir -p "$shlib/debian"
printf 'Source: octavia-pki\n\nPackage: octavia-pki\nArchitecture: any\n' > "$shlib/debian/control"
depends=$(cd "$shlib" && dpkg-shlibdeps -O "$root/$stage/usr/bin/octavia-pki" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shlib"
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<EOF
Package: octavia-pki
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Homepage: https://opendev.org/openstack/octavia
Description: make and check OpenStack Octavia's control-plane certificates
 octavia-pki generates the two CAs and the controllers' client bundle of
 Octavia's amphora control plane, checks a set as Octavia and OpenSSL read
 it, rehearses the handshake for each Octavia release, probes running
 amphorae, renews and rotates without failovers, and reports expiry to
 Nagios and Prometheus, for kolla-ansible, OpenStack-Ansible, the Juju
 charm, openstack-helm and hand-made deployments.
EOF
(cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
$check || { echo "$deb"; exit 0; }

# --check: lintian, then install, use and remove it.
echo "deb.sh: lintian $deb" >&2
lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" >&2
[ "$(id -u)" = 0 ] || { echo "deb.sh --check installs the package: run it as root" >&2; exit 1; }
if dpkg -s octavia-pki >/dev/null 2>&1; then
  echo "deb.sh --check: octavia-pki is installed on this system already; not touching it" >&2
  exit 1
fi
# The package's paths that are not on the system before it is installed: none may be after removal.
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^/\?$' \
  | while read -r p; do [ -e "$p" ] || [ -L "$p" ] || echo "$p"; done > "$fresh"
dpkg -i "$deb" >&2
trap 'rm -f "$fresh"; dpkg --purge octavia-pki >/dev/null 2>&1 || true' EXIT
# Every dependency is met: apt has nothing to install or remove.
changes=$(DEBIAN_FRONTEND=noninteractive apt-get install -f -s 2>/dev/null | grep -cE '^(Inst|Remv) ' || true)
[ "$changes" = 0 ] || { echo "deb.sh: apt-get install -f would change $changes packages" >&2; exit 1; }
[ "$(/usr/bin/octavia-pki --version)" = "octavia-pki $upstream" ]
man -w octavia-pki | grep -q '^/usr/share/man/man1/octavia-pki.1.gz$'
man -w octavia-pki-generate >/dev/null
# The alert rules installed are the tree's, and Debian's promtool loads them from there.
for rules in monitoring/prometheus/*.rules; do
  cmp "$rules" "/usr/share/octavia-pki/prometheus/$(basename "$rules")"
  promtool check rules "/usr/share/octavia-pki/prometheus/$(basename "$rules")" >&2
done
# A completion, through the installed bash file.
completed=$(bash -c 'source /usr/share/bash-completion/completions/octavia-pki
  fn=$(complete -p octavia-pki | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
  COMP_WORDS=(octavia-pki gen); COMP_CWORD=1; COMP_LINE="octavia-pki gen"; COMP_POINT=${#COMP_LINE}
  "$fn" octavia-pki gen octavia-pki; printf "%s\n" "${COMPREPLY[@]}"')
echo "$completed" | grep -qx generate || { echo "deb.sh: bash completes 'gen' to: $completed" >&2; exit 1; }
dpkg -r octavia-pki >&2
dpkg -s octavia-pki >/dev/null 2>&1 && ! dpkg -s octavia-pki | grep -q 'Status: deinstall ok config-files' \
  && { echo "deb.sh: octavia-pki is still installed" >&2; exit 1; }
left=$(while read -r p; do [ -e "$p" ] || [ -L "$p" ] && echo "$p"; done < "$fresh" || true)
[ -z "$left" ] || { echo "deb.sh: dpkg -r left behind:" >&2; echo "$left" >&2; exit 1; }
dpkg --purge octavia-pki >/dev/null 2>&1 || true

# The Ansible role installs it the same way on every host: copy, then apt, which
# installs it once and leaves it alone on the next run.
kolla=$(bash "$root/scripts/peers.sh" kolla)
dpkg -s python3-apt >/dev/null 2>&1 \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-apt >&2
play=$(mktemp -d)
trap 'rm -rf "$fresh" "$play"; dpkg --purge octavia-pki >/dev/null 2>&1 || true' EXIT
cat > "$play/install.yml" <<'EOF'
- name: Install octavia-pki as the role does on every host
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The role's install tasks
      ansible.builtin.include_role:
        name: octavia_pki
        tasks_from: install.yml
EOF
role() {
  ANSIBLE_ROLES_PATH="$root/ansible/roles" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false "$kolla/bin/ansible-playbook" -i localhost, "$play/install.yml" \
    -e "octavia_pki_package=$root/$deb" -e "octavia_pki_package_cache=$play/cache" \
    -e octavia_pki_become=false -e ansible_python_interpreter=/usr/bin/python3
}
first=$(role) || { echo "$first" >&2; exit 1; }
echo "$first" | grep -qE 'changed=[1-9]' || { echo "deb.sh: the role installed nothing: $first" >&2; exit 1; }
[ "$(/usr/bin/octavia-pki --version)" = "octavia-pki $upstream" ]
second=$(role) || { echo "$second" >&2; exit 1; }
echo "$second" | grep -q 'changed=0 ' || { echo "deb.sh: the role's second run changed something: $second" >&2; exit 1; }
dpkg -r octavia-pki >/dev/null
echo "deb.sh: $deb: no lintian error; installed (dpkg -i, and the Ansible role, twice: nothing changed the \
second time), used and removed without a trace" >&2
echo "$deb"
