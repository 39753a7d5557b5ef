"""Test guest that returns at once, so that a run costs only the Python
runtime's own work: instantiation, the SDK's trigger decoding and the
JSON encoding of the result. The per-run benchmark compares it with bare
wasmtime running the same component.
"""

import moat_sdk as moat


def run(trigger: moat.Trigger):
    return "ok", {}


WitWorld = moat.export(run)
