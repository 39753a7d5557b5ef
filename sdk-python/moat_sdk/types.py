"""Values shared by every host interface, re-exported from the bindings."""

import json
from dataclasses import dataclass
from typing import Any, Optional

from wit_world.imports.moat_platform_types import (
    Alert,
    Observable,
    ObservableKind,
    Severity,
    Trigger_Alert,
    Trigger_Manual,
    Verdict,
)

__all__ = [
    "Alert",
    "Observable",
    "ObservableKind",
    "Severity",
    "Trigger",
    "Verdict",
    "observable",
]


def observable(kind: str, value: str) -> Observable:
    """Build an observable from a kind name such as `"ipv4"` or `"file-name"`."""
    return Observable(ObservableKind[kind.upper().replace("-", "_")], value)


@dataclass
class Trigger:
    """Cause of a run: a stored alert, or the parsed JSON input of a manual run."""

    alert: Optional[Alert] = None
    manual_input: Any = None

    @classmethod
    def from_wit(cls, trigger) -> "Trigger":
        """Convert the WIT `trigger` variant; manual input is parsed as JSON."""
        if isinstance(trigger, Trigger_Alert):
            return cls(alert=trigger.value)
        if isinstance(trigger, Trigger_Manual):
            return cls(manual_input=json.loads(trigger.value))
        raise TypeError(f"unknown trigger case {type(trigger).__name__}")
