"""The {{name}} playbook: opens or updates the case of each alert, with the
alert's observables, and notes on the case what it saw."""

from typing import Dict, Tuple

import moat_sdk as moat

NAME = "{{name}}"


def run(trigger: moat.Trigger) -> Tuple[str, Dict]:
    alert = trigger.alert
    if alert is None:
        raise moat.InvalidError("this playbook runs on alerts, but it was started manually")
    case = moat.cases.open_from_alert(alert)
    moat.cases.add_note(case.id, note(alert))
    moat.log.info(f"alert {alert.id} is on case {case.id}")

    data = {
        "case_id": case.id,
        "case_created": case.created,
        "alert_id": alert.id,
        "observables": [
            {"kind": kind_name(item.kind), "value": item.value} for item in alert.observables
        ],
    }
    return summary(alert, case.created), data


def summary(alert: moat.Alert, created: bool) -> str:
    """Return the one-line summary of the run."""
    verb = "Opened" if created else "Updated"
    count = len(alert.observables)
    noun = "observable" if count == 1 else "observables"
    return f'{verb} a case for "{alert.title}" ({count} {noun})'


def note(alert: moat.Alert) -> str:
    """Return the Markdown note that lists the alert's observables."""
    lines = [
        f"The {NAME} playbook saw alert `{alert.title}` from {alert.source} "
        f"(severity {alert.severity.name.lower()}).",
        "",
    ]
    if not alert.observables:
        lines.append("It carries no observables.")
    for item in alert.observables:
        lines.append(f"- {kind_name(item.kind)} `{item.value}`")
    return "\n".join(lines) + "\n"


def kind_name(kind: moat.ObservableKind) -> str:
    """Return the WIT name of an observable kind, such as `file-name`."""
    return kind.name.lower().replace("_", "-")


WitWorld = moat.export(run)
