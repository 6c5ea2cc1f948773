"""Filters that read octavia-pki's JSON reports for the octavia_pki role.

octavia_pki_errors(reports, host): the error findings of one host, each a dict
    with host, service, code, message and fix: node check's error findings,
    the probe's amphorae with an error status (service: the amphora), and the
    CRITICAL or UNKNOWN entries of expiry.
octavia_pki_summary(reports, host): one line for the host.

`reports` is a dict with the JSON text each command printed, or none:
{"node": TEXT, "probe": TEXT, "expiry": TEXT}.
"""
import json


def _load(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def octavia_pki_errors(reports, host):
    errors = []
    node = _load(reports.get("node"))
    for f in (node or {}).get("findings", []):
        if f.get("severity") == "error":
            errors.append({"host": host, "service": f.get("service") or "-", "code": f["code"],
                           "message": f.get("message", ""), "fix": f.get("fix", "")})
    probe = _load(reports.get("probe"))
    for t in (probe or {}).get("targets", []):
        if t.get("severity") == "error":
            amphora = t.get("amphora_id") or t.get("address") or "?"
            errors.append({"host": host, "service": f"amphora {amphora}", "code": t["status"],
                           "message": t.get("message", ""), "fix": t.get("fix", "")})
    expiry = _load(reports.get("expiry"))
    for e in (expiry or {}).get("entries", []):
        if e.get("status") in ("CRITICAL", "UNKNOWN"):
            what = e.get("subject") or e.get("error") or ""
            errors.append({"host": host, "service": "expiry", "code": f"expiry-{e['status'].lower()}",
                           "message": f"{e['file']}: {what} ({e.get('days_left')} days left)",
                           "fix": "octavia-pki renew (or rotate); see octavia-pki expiry"})
    return errors


def octavia_pki_summary(reports, host):
    parts = []
    node = _load(reports.get("node"))
    if node is not None:
        s = node.get("summary", {})
        parts.append(f"node check: {s.get('errors', 0)} errors, {s.get('warnings', 0)} warnings")
    elif reports.get("node_skipped"):
        parts.append(f"node check: not run ({reports['node_skipped']})")
    probe = _load(reports.get("probe"))
    if probe is not None:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(probe.get("summary", {}).items()))
        parts.append(f"probe: {counts or 'no amphora'}")
    expiry = _load(reports.get("expiry"))
    if expiry is not None:
        parts.append(f"expiry: {expiry.get('status')}")
    return f"{host}: " + "; ".join(parts)


class FilterModule:
    def filters(self):
        return {"octavia_pki_errors": octavia_pki_errors, "octavia_pki_summary": octavia_pki_summary}
