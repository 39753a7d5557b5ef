"""Export glue: turns a table of Python functions into the `describe` and
`invoke` exports of a connector.

The connector world's bindings exist only in a component built for
`moat:python/connector`, so `wit_world` is imported inside
`export_connector` and a playbook build never needs it.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping

from componentize_py_types import Err

from .errors import InternalError, InvalidError, NotFoundError, to_wit_error


@dataclass(frozen=True)
class Action:
    """One connector action.

    `handler` receives the parsed JSON input and returns the output, any
    JSON-serializable value. The schemas are JSON Schema documents that
    `describe` reports to callers. The SDK does not enforce them, so the
    handler checks its own input and raises `InvalidError`.
    """

    handler: Callable[[Any], Any]
    description: str = ""
    input_schema: Dict[str, Any] = field(default_factory=dict)
    output_schema: Dict[str, Any] = field(default_factory=dict)


def export_connector(actions: Mapping[str, Action]):
    """Return the `WitWorld` class that componentize-py exports for `actions`.

    An unknown action name raises `NotFoundError` and input that is not
    JSON raises `InvalidError`. A `MoatError` from a handler ends the call
    with that error kind. Any other exception is logged with its traceback
    and ends the call with an `internal` error naming the exception.
    """
    from wit_world import Action as WitAction

    table = dict(actions)
    for name, action in table.items():
        if not isinstance(action, Action):
            raise TypeError(f"action `{name}` must be a moat_sdk.Action, not {type(action).__name__}")

    class WitWorld:
        def describe(self):
            return [
                WitAction(
                    name=name,
                    description=action.description,
                    input_schema=json.dumps(action.input_schema),
                    output_schema=json.dumps(action.output_schema),
                )
                for name, action in table.items()
            ]

        def invoke(self, action: str, input: str) -> str:  # noqa: A002 - the WIT name
            try:
                return _invoke(table, action, input)
            except Exception as error:  # noqa: BLE001 - converted for the host
                raise Err(to_wit_error(error, "the connector")) from None

    return WitWorld


def _invoke(table: Mapping[str, Action], name: str, input_json: str) -> str:
    action = table.get(name)
    if action is None:
        raise NotFoundError(f"unknown action `{name}`; this connector offers {', '.join(table)}")
    try:
        value = json.loads(input_json)
    except ValueError as error:
        raise InvalidError(f"the input of action `{name}` is not valid JSON: {error}") from None
    output = action.handler(value)
    try:
        return json.dumps(output)
    except (TypeError, ValueError) as error:
        raise InternalError(
            f"action `{name}` returned a value that is not JSON-serializable: {error}"
        ) from None
