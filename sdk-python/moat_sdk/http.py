"""A blocking HTTP client on the standard `wasi:http/outgoing-handler`.

The host checks every request against the manifest's
`allowed_outbound_hosts` and does not follow redirects, so a 3xx status
reaches the caller as is. A rejected request raises `DeniedError`, whose
message is the host's and names the entry to add. A header value may
contain a `{{secret.NAME}}` placeholder (see `secrets.placeholder`), which
the host fills in only on requests to the hosts that secret is bound to.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from componentize_py_types import Err
from wit_world.imports import http_policy, outgoing_handler, streams
from wit_world.imports import wasi_http_types as wasi

from .errors import (
    DeniedError,
    InvalidError,
    LimitExceededError,
    MoatError,
    UpstreamError,
    call_host,
)

# Start of an `internal-error` message with which the Moat host reports
# that its outbound policy rejected a request.
DENIED_PREFIX = "denied: "
# Start of an `internal-error` message with which the Moat host reports
# that a request would pass one of the run's `[limits]`.
LIMIT_EXCEEDED_PREFIX = "limit-exceeded: "
# Largest response body read by default, in bytes, as in the Rust SDK.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

# Largest chunk written to an output stream in one call. wasi:io promises
# that `blocking-write-and-flush` accepts at least 4096 bytes.
_WRITE_CHUNK_BYTES = 4096
_READ_CHUNK_BYTES = 64 * 1024

_METHODS = {
    "GET": wasi.Method_Get(),
    "HEAD": wasi.Method_Head(),
    "POST": wasi.Method_Post(),
    "PUT": wasi.Method_Put(),
    "DELETE": wasi.Method_Delete(),
    "CONNECT": wasi.Method_Connect(),
    "OPTIONS": wasi.Method_Options(),
    "TRACE": wasi.Method_Trace(),
    "PATCH": wasi.Method_Patch(),
}


@dataclass
class Response:
    status: int
    headers: List[Tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> Optional[str]:
        """Return the first value of header `name` (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Parse the body as JSON; a body that is not JSON raises `UpstreamError`."""
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise UpstreamError(f"response body is not JSON: {error}") from None


def error_from_code(target: str, code) -> MoatError:
    """Convert a wasi:http `error-code` for request `target` into a `MoatError`.

    `http-request-denied`, `destination-ip-prohibited` and an
    `internal-error` starting with `denied: ` become `DeniedError`. An
    `internal-error` starting with `limit-exceeded: ` and
    `http-response-body-size` become `LimitExceededError`. Every other code
    is `UpstreamError`.
    """
    if isinstance(code, (wasi.ErrorCode_HttpRequestDenied, wasi.ErrorCode_DestinationIpProhibited)):
        return DeniedError(f"{target} was denied by the host's outbound policy ({code!r})")
    if isinstance(code, wasi.ErrorCode_HttpResponseBodySize):
        return LimitExceededError(
            f"{target}: the response body is larger than the host's limit; "
            "raise [limits] max_http_body_bytes in moat.toml"
        )
    if isinstance(code, wasi.ErrorCode_InternalError) and code.value is not None:
        message = code.value
        if message.startswith(DENIED_PREFIX):
            return DeniedError(f"{target}: {message}")
        if message.startswith(LIMIT_EXCEEDED_PREFIX):
            return LimitExceededError(f"{target}: {message[len(LIMIT_EXCEEDED_PREFIX):]}")
        return UpstreamError(f"{target} failed: {message}")
    return UpstreamError(f"{target} failed: {code!r}")


def check(url: str, headers: Optional[Dict[str, str]] = None) -> None:
    """Check a request to `url` against the outbound policy without sending it.

    `{{secret.NAME}}` placeholders in the header values are checked against
    the secret grants too. Raises the `DeniedError` a request would get,
    whose message names the manifest line that would allow it.
    """
    call_host(http_policy.check, url, list((headers or {}).values()))


def get(url: str, headers: Optional[Dict[str, str]] = None) -> Response:
    return request("GET", url, headers)


def post_json(url: str, payload: Any, headers: Optional[Dict[str, str]] = None) -> Response:
    merged = {"content-type": "application/json", **(headers or {})}
    return request("POST", url, merged, json.dumps(payload).encode())


def request(
    method: str,
    url: str,
    headers: Optional[Dict[str, str]] = None,
    body: Optional[bytes] = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Response:
    """Send one request and read the whole response.

    Raises `InvalidError` for a malformed URL, `DeniedError` when the host's
    policy rejects the request, `LimitExceededError` past a `[limits]` entry
    or `max_body_bytes`, and `UpstreamError` for every other failure.
    """
    target = f"{method.upper()} {url}"
    outgoing = _build_request(method, url, headers or {}, target)
    outgoing_body = outgoing.body()
    try:
        future = outgoing_handler.handle(outgoing, None)
    except Err as error:
        raise error_from_code(target, error.value) from None
    if body:
        _write_body(outgoing_body, body, target)
    wasi.OutgoingBody.finish(outgoing_body, None)

    incoming = _wait_for_response(future, target)
    response_headers = [
        (name, value.decode("latin-1")) for name, value in incoming.headers().entries()
    ]
    response_body = _read_body(incoming, target, max_body_bytes)
    return Response(incoming.status(), response_headers, response_body)


def _build_request(method: str, url: str, headers: Dict[str, str], target: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidError(f"{target}: the URL must be absolute with scheme http or https")
    try:
        fields = wasi.Fields.from_list(
            [(name.lower(), value.encode()) for name, value in headers.items()]
        )
    except Err as error:
        raise InvalidError(f"{target}: invalid request header ({error.value!r})") from None
    outgoing = wasi.OutgoingRequest(fields)
    outgoing.set_method(_METHODS.get(method.upper(), wasi.Method_Other(method)))
    outgoing.set_scheme(wasi.Scheme_Https() if parts.scheme == "https" else wasi.Scheme_Http())
    outgoing.set_authority(parts.netloc)
    path = parts.path or "/"
    outgoing.set_path_with_query(f"{path}?{parts.query}" if parts.query else path)
    return outgoing


def _write_body(outgoing_body, body: bytes, target: str) -> None:
    stream = outgoing_body.write()
    try:
        for start in range(0, len(body), _WRITE_CHUNK_BYTES):
            stream.blocking_write_and_flush(body[start : start + _WRITE_CHUNK_BYTES])
    except Err as error:
        raise _stream_error(target, "writing the request body", error.value) from None
    finally:
        stream.__exit__(None, None, None)


def _wait_for_response(future, target: str):
    while True:
        result = future.get()
        if result is not None:
            break
        future.subscribe().block()
    # wasi:http makes the outer result an error only on a second `get` after
    # the response was taken, which this function never does.
    if isinstance(result, Err):
        raise UpstreamError(f"{target}: the response was already taken")
    inner = result.value
    if isinstance(inner, Err):
        raise error_from_code(target, inner.value)
    return inner.value


def _read_body(incoming, target: str, max_body_bytes: int) -> bytes:
    incoming_body = incoming.consume()
    stream = incoming_body.stream()
    chunks = []
    size = 0
    try:
        while True:
            try:
                chunk = stream.blocking_read(_READ_CHUNK_BYTES)
            except Err as error:
                if isinstance(error.value, streams.StreamError_Closed):
                    break
                raise _stream_error(target, "reading the response body", error.value) from None
            size += len(chunk)
            if size > max_body_bytes:
                raise LimitExceededError(
                    f"{target}: the response body is larger than {max_body_bytes} bytes; "
                    "pass a larger max_body_bytes"
                )
            chunks.append(chunk)
    finally:
        stream.__exit__(None, None, None)
    return b"".join(chunks)


def _stream_error(target: str, step: str, stream_error) -> MoatError:
    if isinstance(stream_error, streams.StreamError_LastOperationFailed):
        code = wasi.http_error_code(stream_error.value)
        if code is not None:
            return error_from_code(target, code)
        return UpstreamError(f"{target}: {step} failed: {stream_error.value.to_debug_string()}")
    return UpstreamError(f"{target}: {step} failed: the stream closed")
