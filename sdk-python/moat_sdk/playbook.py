"""Export glue: turns a Python function into the `run` export of a playbook."""

import json
import traceback
from typing import Any, Callable

from componentize_py_types import Err
from wit_world.imports.moat_platform_types import RunOutput

from . import log
from .errors import InternalError, MoatError
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
            except MoatError as error:
                raise Err(error.to_wit()) from None
            except Exception as error:  # noqa: BLE001 - reported to the host below
                log.error(traceback.format_exc())
                failure = InternalError(f"the playbook raised {type(error).__name__}: {error}")
                raise Err(failure.to_wit()) from None

    return WitWorld
