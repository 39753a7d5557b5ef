"""Prints the case list of the demo, with each case's notes."""

import json
import sys
import urllib.request

port, token = sys.argv[1], sys.argv[2]
cases = json.load(sys.stdin)["cases"]
print(f"{len(cases)} case(s)")
for case in cases:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cases/{case['id']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    detail = json.load(urllib.request.urlopen(request))
    shown = detail["observables"][:6]
    observables = ", ".join(f"{o['kind']}:{o['value']}" for o in shown)
    if len(detail["observables"]) > len(shown):
        observables += f" (and {len(detail['observables']) - len(shown)} more)"
    print(f"\n[{case['severity']}] {case['title']}  ({case['alert_count']} alert(s), {case['status']})")
    print(f"  dedup key: {case['dedup_key']}")
    print(f"  observables: {observables}")
    for note in detail["notes"]:
        print(f"  note: {note['body']}")
