"""Cases. Reading needs `cases = "read"` or `"write"`, and changes need `"write"`."""

from typing import Iterable, List, Optional

from wit_world.imports import cases as host

from .errors import call_host
from .types import Alert, Observable, Severity

CaseInfo = host.CaseInfo
CaseStatus = host.CaseStatus


def open_or_update(
    dedup_key: str,
    title: str,
    severity: Severity,
    observables: Iterable[Observable] = (),
    alert_id: Optional[str] = None,
) -> CaseInfo:
    """Open a case, or update the open case with the same dedup key.

    Duplicate observables are dropped before the request is sent.
    """
    unique: List[Observable] = []
    for item in observables:
        if item not in unique:
            unique.append(item)
    request = host.CaseRequest(dedup_key, title, severity, unique, alert_id)
    return call_host(host.open_or_update, request)


def open_from_alert(alert: Alert) -> CaseInfo:
    """Open or update the case for `alert`'s dedup key, with the alert linked."""
    return open_or_update(
        alert.dedup_key, alert.title, alert.severity, alert.observables, alert.id
    )


def get(case_id: str) -> CaseInfo:
    return call_host(host.get, case_id)


def find_open_by_observable(value: Observable) -> List[CaseInfo]:
    """Return the open cases that contain `value`, newest first, at most 20."""
    return call_host(host.find_open_by_observable, value)


def add_note(case_id: str, body: str) -> None:
    """Append a Markdown note of at most 64 KiB."""
    call_host(host.add_note, case_id, body)


def set_severity(case_id: str, severity: Severity) -> None:
    call_host(host.set_severity, case_id, severity)


def set_status(case_id: str, status: CaseStatus) -> None:
    call_host(host.set_status, case_id, status)
