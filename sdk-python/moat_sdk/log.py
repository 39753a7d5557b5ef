"""Lines for the run's execution log. The host masks secret values in them."""

from wit_world.imports import log as host


def debug(message: str) -> None:
    host.write(host.Level.DEBUG, message)


def info(message: str) -> None:
    host.write(host.Level.INFO, message)


def warn(message: str) -> None:
    host.write(host.Level.WARN, message)


def error(message: str) -> None:
    host.write(host.Level.ERROR, message)
