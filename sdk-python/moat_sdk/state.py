"""A key-value store private to this component, granted by `state = true`."""

from typing import Optional

from wit_world.imports import state as host

from .errors import call_host


def get(key: str) -> Optional[bytes]:
    return call_host(host.get, key)


def set(key: str, value: bytes) -> None:  # noqa: A001 - mirrors the WIT name
    call_host(host.set, key, value)


def delete(key: str) -> None:
    call_host(host.delete, key)
