#!/usr/bin/env python3
"""The library's public API, as rustdoc publishes it, against its snapshot.

`cargo public-api` needs a nightly rustdoc (JSON output), and this machine
has one stable toolchain; rustdoc's HTML holds the same facts. From
`target/doc/octavia_pki` (made by `cargo doc --no-deps`, which `.ci/run`
runs first) this lists every public item by its path with its declaration,
each inherent method with its signature, and the traits each type
implements, sorted; then compares the list with `octavia-pki/public-api.txt`.

    python3 scripts/public-api.py            # fails on a difference, printing it
    python3 scripts/public-api.py --update   # rewrites the snapshot

A change to the API is then a visible diff of the snapshot, reviewed with it.
"""

import difflib
import html
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SNAPSHOT = os.path.join(ROOT, "octavia-pki", "public-api.txt")


def text(fragment):
    """HTML to one line of Rust."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    # rustdoc's "Source" link and "§" anchors, not part of the Rust.
    plain = plain.replace("Source§", "").replace("§", "")
    plain = re.sub(r"^\s*(?:[\d.]+ · )?Source(?=pub |impl|unsafe |fn |const )", "", plain)
    # A where clause's own line runs into what precedes it.
    plain = re.sub(r"(?<=[\w>)])where ", " where ", plain)
    return " ".join(plain.split())


def section(page, anchor):
    """The HTML of the `<div id="anchor">` list, up to the next such list."""
    start = page.find(f'id="{anchor}"')
    if start < 0:
        return ""
    ends = [
        page.find(f'id="{other}"', start + 1)
        for other in (
            "implementations-list",
            "trait-implementations-list",
            "synthetic-implementations-list",
            "blanket-implementations-list",
            "implementors-list",
        )
    ]
    ends = [e for e in ends if e > start]
    return page[start : min(ends) if ends else len(page)]


def items(doc):
    """(path, page file) of every item all.html lists."""
    listing = open(os.path.join(doc, "all.html"), encoding="utf-8").read()
    for href, _name in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', listing):
        parts = href.split("/")
        kind, name = parts[-1].split(".")[0], parts[-1].split(".")[1]
        path = "::".join(["octavia_pki", *parts[:-1], name])
        yield kind, path, os.path.join(doc, href)


def describe(doc):
    lines = []
    for kind, path, page_file in items(doc):
        page = open(page_file, encoding="utf-8").read()
        decl = re.search(r'<pre class="rust item-decl">(.*?)</pre>', page, re.S)
        declaration = text(decl.group(1)) if decl else ""
        lines.append(f"{kind} {path}: {declaration}")
        inherent = section(page, "implementations-list")
        for method in re.findall(
            r'<section id="method\.[^"]+"[^>]*>(.*?)</section>', inherent, re.S
        ):
            lines.append(f"{kind} {path} method: {text(method)}")
        traits = section(page, "trait-implementations-list")
        for header in re.findall(
            r'<section id="impl-[^"]+"[^>]*>.*?<h3 class="code-header">(.*?)</h3>', traits, re.S
        ):
            lines.append(f"{kind} {path} {text(header)}")
    return sorted(set(lines))


def main():
    doc = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "doc", "octavia_pki")
    if not os.path.exists(os.path.join(doc, "all.html")):
        sys.exit(f"{doc}/all.html does not exist: run `cargo doc --no-deps` first")
    now = "\n".join(describe(doc)) + "\n"
    if "--update" in sys.argv[1:]:
        with open(SNAPSHOT, "w", encoding="utf-8") as f:
            f.write(now)
        return
    recorded = open(SNAPSHOT, encoding="utf-8").read() if os.path.exists(SNAPSHOT) else ""
    if recorded != now:
        diff = difflib.unified_diff(
            recorded.splitlines(), now.splitlines(), "public-api.txt", "now", lineterm="", n=0
        )
        print("\n".join(diff))
        sys.exit(
            "the public API differs from octavia-pki/public-api.txt: review the diff above, "
            "then `python3 scripts/public-api.py --update`"
        )
    print(f"public API: {len(now.splitlines())} lines, as in octavia-pki/public-api.txt")


if __name__ == "__main__":
    main()
