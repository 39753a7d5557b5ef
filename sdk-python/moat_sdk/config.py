"""Settings from the `[config]` table of the component's manifest."""

from typing import Optional

from wit_world.imports import config as host


def get(key: str) -> Optional[str]:
    """Return the value of `key`, or None when the manifest does not set it."""
    return host.get(key)
