"""The local indicator store: `intel = "read"` for lookups, `"write"` to add."""

from typing import List

from wit_world.imports import intel as host

from .errors import call_host
from .types import Observable, Verdict

Indicator = host.Indicator

# Verdicts from least to most severe, for picking the worst of several.
_VERDICT_ORDER = [Verdict.UNKNOWN, Verdict.BENIGN, Verdict.SUSPICIOUS, Verdict.MALICIOUS]


def lookup(value: Observable) -> List[Indicator]:
    """Return every stored indicator for `value`."""
    return call_host(host.lookup, value)


def add(value: Observable, verdict: Verdict, source: str, description: str) -> None:
    """Store an indicator, replacing one with the same value and source."""
    call_host(host.add, Indicator(value, verdict, source, description))


def worst_verdict(verdicts) -> Verdict:
    """Return the most severe of `verdicts`, or `UNKNOWN` when there are none."""
    return max(verdicts, key=_VERDICT_ORDER.index, default=Verdict.UNKNOWN)
