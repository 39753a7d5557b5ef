"""Test guest for the Python SDK: one action per input.

- `{"action": "spin"}` loops forever, so that tests can check that a
  Python run stops at its deadline.
- `{"action": "http", "url": ..., "method": "GET", "body": "..."}` sends
  one request with `moat_sdk.http` and returns the status and body, or the
  class and message of the `MoatError` it raised.
- `{"action": "sdk"}` reads config `greeting` and secret `token`, writes
  and reads back state key `counter`, and calls connector `absent`, and
  returns what each call returned or the class of the error it raised.
- `{"action": "check", "url": ...}` checks a URL against the outbound
  policy without sending anything.
- `{"action": "secret", "name": ...}` reads one secret, and
  `{"action": "connector", "connector": ..., "call": ..., "input": ...}`
  runs one connector action. Both return the result, or the class, kind
  and message of the `MoatError` raised.
"""

import moat_sdk as moat


def run(trigger: moat.Trigger):
    request = trigger.manual_input if isinstance(trigger.manual_input, dict) else {}
    action = request.get("action")
    if action == "spin":
        while True:
            pass
    if action == "http":
        return "http", send(request)
    if action == "sdk":
        return "sdk", exercise_sdk()
    if action == "secret":
        return "secret", report_errors(lambda: {"value": moat.secrets.get(request["name"])})
    if action == "connector":
        return "connector", report_errors(lambda: call_connector(request))
    if action == "check":
        return "check", report_errors(lambda: moat.http.check(request["url"]) or {"allowed": True})
    raise moat.InvalidError(
        f"unknown action {action!r}; expected spin, http, sdk, check, secret or connector"
    )


def call_connector(request: dict) -> dict:
    output = moat.connectors.invoke_json(
        request["connector"], request["call"], request.get("input", {})
    )
    return {"output": output}


def report_errors(call) -> dict:
    try:
        return call()
    except moat.MoatError as error:
        return {"error_class": type(error).__name__, "kind": error.kind, "message": error.message}


def exercise_sdk() -> dict:
    moat.log.info("python-probe: exercising the SDK")
    moat.state.set("counter", b"41")
    result = {
        "greeting": moat.config.get("greeting"),
        "missing_config": moat.config.get("missing"),
        "state": moat.state.get("counter").decode(),
        "missing_state": moat.state.get("missing"),
        "secret": moat.secrets.get("token"),
    }
    try:
        moat.connectors.invoke_json("absent", "lookup", {"value": 1})
    except moat.MoatError as error:
        result["connector_error"] = type(error).__name__
    return result


def send(request: dict) -> dict:
    body = request.get("body")
    try:
        response = moat.http.request(
            request.get("method", "GET"),
            request["url"],
            {"x-probe": "python"},
            body.encode() if body is not None else None,
        )
    except moat.MoatError as error:
        return {"error_class": type(error).__name__, "kind": error.kind, "message": error.message}
    return {"status": response.status, "body": response.text()}


WitWorld = moat.export(run)
