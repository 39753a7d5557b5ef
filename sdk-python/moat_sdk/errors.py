"""Errors of host calls and of the playbook itself.

Each class is one case of the WIT `error` variant in `moat:platform/types`.
A host call that fails raises the matching class, and a playbook that
raises one of them ends its run with that error kind.
"""

import traceback

from componentize_py_types import Err
from wit_world.imports import moat_platform_types as wit

from . import log


class MoatError(Exception):
    """Failure of a capability call or of the playbook; `kind` is the WIT case."""

    kind = "internal"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_wit(self):
        """Return the WIT `error` value for this exception."""
        return _WIT_CASES[self.kind](self.message)


class DeniedError(MoatError):
    """The manifest does not grant the call; the message names the line to add."""

    kind = "denied"


class NotFoundError(MoatError):
    kind = "not-found"


class InvalidError(MoatError):
    kind = "invalid"


class TimeoutError(MoatError):  # noqa: A001 - the WIT case name
    kind = "timeout"


class LimitExceededError(MoatError):
    kind = "limit-exceeded"


class UpstreamError(MoatError):
    kind = "upstream"


class InternalError(MoatError):
    kind = "internal"


_WIT_CASES = {
    "denied": wit.Error_Denied,
    "not-found": wit.Error_NotFound,
    "invalid": wit.Error_Invalid,
    "timeout": wit.Error_Timeout,
    "limit-exceeded": wit.Error_LimitExceeded,
    "upstream": wit.Error_Upstream,
    "internal": wit.Error_Internal,
}

_EXCEPTIONS = {
    wit.Error_Denied: DeniedError,
    wit.Error_NotFound: NotFoundError,
    wit.Error_Invalid: InvalidError,
    wit.Error_Timeout: TimeoutError,
    wit.Error_LimitExceeded: LimitExceededError,
    wit.Error_Upstream: UpstreamError,
    wit.Error_Internal: InternalError,
}


def from_wit(error) -> MoatError:
    """Convert a WIT `error` value into the matching exception."""
    return _EXCEPTIONS[type(error)](error.value)


def call_host(function, *args):
    """Call a host import and raise a `MoatError` in place of `Err`."""
    try:
        return function(*args)
    except Err as error:
        raise from_wit(error.value) from None


def to_wit_error(error: Exception, origin: str):
    """Return the WIT `error` value for an exception that guest code raised.

    A `MoatError` keeps its kind. Any other exception is logged with its
    traceback and becomes an `internal` error naming `origin` and the
    exception. Call it inside the `except` block, so that the traceback is
    the current one.
    """
    if isinstance(error, MoatError):
        return error.to_wit()
    log.error(traceback.format_exc())
    return InternalError(f"{origin} raised {type(error).__name__}: {error}").to_wit()
