"""Secret values, for components granted `secrets.<name>.read = true`."""

from wit_world.imports import secrets as host

from .errors import call_host


def get(name: str) -> str:
    """Return the value of secret `name`.

    Raises `DeniedError` unless the manifest has `read = true` for the
    secret, and `NotFoundError` when no value is stored under that name.
    """
    return call_host(host.get, name)


def placeholder(name: str) -> str:
    """Return the `{{secret.NAME}}` placeholder for an outgoing HTTP header."""
    return "{{secret." + name + "}}"
