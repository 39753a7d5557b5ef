"""Export glue: turns a Python function into the `run` export of a playbook."""

import json
from typing import Any, Callable

from componentize_py_types import Err
from wit_world.imports.moat_platform_types import RunOutput

from .errors import to_wit_error
from .types import Trigger


def export(run: Callable[[Trigger], Any]):
    """Return the `WitWorld` class that componentize-py exports, calling `run`.

    `run` receives a `Trigger` and returns `(summary, data)`, where `data`
    is any JSON-serializable value. A `MoatError` it raises ends the run
    with that error kind. Any other exception is logged with its traceback
    and ends the run with an `internal` error naming the exception.
    """

    class WitWorld:
        def run(self, trigger) -> RunOutput:
            try:
                summary, data = run(Trigger.from_wit(trigger))
                return RunOutput(summary=summary, data=json.dumps(data))
            except Exception as error:  # noqa: BLE001 - converted for the host
                raise Err(to_wit_error(error, "the playbook")) from None

    return WitWorld
