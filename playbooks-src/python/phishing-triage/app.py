"""Phishing triage: parse a reported e-mail, check its indicators, open a case.

Trigger: a manual run with input `{"eml": "<raw RFC 5322 message>"}`, or an
alert whose raw JSON has an `eml` field. The playbook extracts the sender,
Reply-To, Received-chain addresses, URLs (also inside HTML and encoded
parts) and attachment names and SHA-256 hashes, looks each one up in the
indicator store and opens a case whose note contains the verdict and the
evidence.
"""

import hashlib
import ipaddress
import json
from typing import Dict, List, Tuple

import moat_sdk as moat
from moat_sdk import Observable, Severity, Verdict, observable

import evidence as mail

# Attachment extensions that can carry macros or run code when opened.
RISKY_EXTENSIONS = (
    ".docm", ".xlsm", ".pptm", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta",
    ".exe", ".scr", ".com", ".bat", ".cmd", ".ps1", ".lnk", ".iso", ".img",
)

# Largest case note the host accepts, in bytes (`cases.add-note` in wit/cases.wit).
MAX_NOTE_BYTES = 64 * 1024

SEVERITY_BY_VERDICT = {
    Verdict.MALICIOUS: Severity.HIGH,
    Verdict.SUSPICIOUS: Severity.MEDIUM,
    Verdict.BENIGN: Severity.LOW,
    Verdict.UNKNOWN: Severity.LOW,
}


def run(trigger: moat.Trigger) -> Tuple[str, Dict]:
    raw = read_message(trigger)
    found = mail.parse(raw)
    observables = collect_observables(found)
    moat.log.info(f"parsed message {found.message_id or '(no Message-ID)'}: "
                  f"{len(observables)} observables")

    hits = lookup_indicators(observables)
    reasons = heuristic_reasons(found)
    verdicts = [hit["verdict"] for hit in hits]
    if reasons:
        verdicts.append(Verdict.SUSPICIOUS)
    verdict = moat.intel.worst_verdict(verdicts)

    dedup_key = "phishing:" + (found.message_id or hashlib.sha256(raw.encode()).hexdigest())
    title = f"Reported e-mail: {found.subject or '(no subject)'}"[:200]
    alert_id = trigger.alert.id if trigger.alert else None
    case = moat.cases.open_or_update(
        dedup_key, title, SEVERITY_BY_VERDICT[verdict], observables, alert_id
    )
    moat.cases.add_note(case.id, render_note(found, verdict, hits, reasons))

    verdict_name = verdict.name.lower()
    summary = f"{verdict_name}: {len(hits)} indicator hit(s), case {case.id}"
    data = {
        "verdict": verdict_name,
        "case_id": case.id,
        "case_created": case.created,
        "sender": found.sender,
        "reply_to": found.reply_to,
        "received_ips": found.received_ips,
        "urls": found.urls,
        "domains": found.domains(),
        "attachments": [
            {"filename": item.filename, "sha256": item.sha256, "size": item.size}
            for item in found.attachments
        ],
        "indicator_hits": [
            {**hit, "verdict": hit["verdict"].name.lower()} for hit in hits
        ],
        "reasons": reasons,
    }
    return summary, data


def read_message(trigger: moat.Trigger) -> str:
    """Return the raw message from manual input or from the alert's raw JSON."""
    if trigger.alert is not None:
        try:
            payload = json.loads(trigger.alert.raw)
        except ValueError:
            payload = None
    else:
        payload = trigger.manual_input
    raw = payload.get("eml") if isinstance(payload, dict) else None
    if not isinstance(raw, str) or not raw.strip():
        raise moat.InvalidError(
            'input must be a JSON object with an "eml" string holding the raw RFC 5322 message'
        )
    return raw


def collect_observables(found: mail.Evidence) -> List[Observable]:
    items: List[Observable] = []
    for address in [found.sender, *found.reply_to]:
        if address:
            items.append(observable("email", address))
    for address in found.received_ips:
        parsed = ipaddress.ip_address(address)
        # Private relay addresses inside the receiving network are no evidence
        # about the sender, so only global addresses become observables.
        if parsed.is_global:
            items.append(observable(f"ipv{parsed.version}", address))
    for url in found.urls:
        items.append(observable("url", url))
    for domain in found.domains():
        items.append(observable("domain", domain))
    for attachment in found.attachments:
        items.append(observable("sha256", attachment.sha256))
        if attachment.filename:
            items.append(observable("file-name", attachment.filename))
    unique: List[Observable] = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return unique


def lookup_indicators(observables: List[Observable]) -> List[Dict]:
    """Return one entry per stored indicator that matches an observable."""
    hits = []
    for item in observables:
        for indicator in moat.intel.lookup(item):
            hits.append({
                "kind": item.kind.name.lower().replace("_", "-"),
                "value": item.value,
                "verdict": indicator.verdict,
                "source": indicator.source,
                "description": indicator.description,
            })
    return hits


def heuristic_reasons(found: mail.Evidence) -> List[str]:
    """Return the reasons, other than indicator hits, to call the message suspicious."""
    reasons = []
    sender_domain = mail.address_domain(found.sender) if found.sender else None
    for address in found.reply_to:
        if sender_domain and mail.address_domain(address) != sender_domain:
            reasons.append(f"Reply-To {address} is outside the sender's domain {sender_domain}")
    for attachment in found.attachments:
        if attachment.filename.lower().endswith(RISKY_EXTENSIONS):
            reasons.append(f"attachment {attachment.filename} can carry macros or code")
    for url in found.urls:
        host = url.split("/", 3)[2].split(":")[0].strip("[]")
        if mail.is_ip_address(host):
            reasons.append(f"URL {url} names an IP address instead of a domain")
    return reasons


def render_note(found: mail.Evidence, verdict: Verdict, hits: List[Dict],
                reasons: List[str]) -> str:
    """Return the Markdown case note with the verdict and the evidence."""
    lines = [f"**Verdict: {verdict.name.lower()}**", ""]
    lines.append(f"- Subject: `{found.subject}`")
    lines.append(f"- Message-ID: `{found.message_id}`")
    lines.append(f"- From: `{found.sender}`")
    lines.append(f"- Reply-To: {', '.join(f'`{a}`' for a in found.reply_to) or 'none'}")
    lines.append(f"- Return-Path: `{found.return_path}`")
    lines.append(f"- Received-chain addresses: "
                 f"{', '.join(f'`{ip}`' for ip in found.received_ips) or 'none'}")
    lines += ["", "### Indicator hits"]
    lines += [f"- {hit['kind']} `{hit['value']}`: {hit['verdict'].name.lower()} "
              f"from {hit['source']} ({hit['description']})" for hit in hits] or ["- none"]
    lines += ["", "### Other findings"]
    lines += [f"- {reason}" for reason in reasons] or ["- none"]
    lines += ["", "### URLs"]
    lines += [f"- `{url}`" for url in found.urls] or ["- none"]
    if found.urls_truncated:
        lines.append(f"- (only the first {mail.MAX_URLS} URLs are listed)")
    lines += ["", "### Attachments"]
    lines += [f"- `{item.filename}` ({item.content_type}, {item.size} bytes), "
              f"SHA-256 `{item.sha256}`" for item in found.attachments] or ["- none"]
    note = "\n".join(lines)
    if len(note.encode()) > MAX_NOTE_BYTES:
        marker = "\n\n(note truncated at the 64 KiB limit; the run output lists everything)"
        keep = MAX_NOTE_BYTES - len(marker.encode())
        note = note.encode()[:keep].decode("utf-8", errors="ignore") + marker
    return note


WitWorld = moat.export(run)
