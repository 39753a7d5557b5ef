"""Calls into connectors listed under `[grants] connectors`."""

import json
from typing import Any

from wit_world.imports import connectors as host

from .errors import UpstreamError, call_host


def invoke(connector: str, action: str, input_json: str) -> str:
    """Run `action` of `connector` with JSON text and return its JSON text."""
    return call_host(host.invoke, connector, action, input_json)


def invoke_json(connector: str, action: str, input: Any) -> Any:
    """Run `action` of `connector` with `input` serialized, and parse the output.

    Output that is not JSON raises `UpstreamError`, because the connector
    produced it.
    """
    output = invoke(connector, action, json.dumps(input))
    try:
        return json.loads(output)
    except ValueError as error:
        raise UpstreamError(
            f"connector `{connector}` action `{action}` returned invalid JSON: {error}"
        ) from None
