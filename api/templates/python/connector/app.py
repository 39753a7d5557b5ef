"""The {{name}} connector: rewrites indicators so that they can be pasted
into notes and tickets without becoming live links, and back.

`defang` turns `https://login.example.net` into
`hxxps://login[.]example[.]net`, and `refang` reverses it. Both take
`{"value": "..."}` and return `{"value": "...", "changed": bool}`.
"""

from typing import Any, Callable, Dict

import moat_sdk as moat

# Maximum length of a value, in characters.
MAX_VALUE_CHARS = 4096

INPUT_SCHEMA = {
    "type": "object",
    "properties": {"value": {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_CHARS}},
    "required": ["value"],
    "additionalProperties": False,
}
OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {"value": {"type": "string"}, "changed": {"type": "boolean"}},
    "required": ["value", "changed"],
}


def rewrite(action: str, transform: Callable[[str], str]) -> Callable[[Any], Dict]:
    """Return the handler of `action`, which checks the input and applies `transform`."""

    def handler(input: Any) -> Dict:  # noqa: A002 - the action's input
        if not isinstance(input, dict) or set(input) != {"value"}:
            raise moat.InvalidError(f'the input of action `{action}` must be {{"value": "..."}}')
        value = input["value"]
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_VALUE_CHARS:
            raise moat.InvalidError(
                f"`value` of action `{action}` must be a string of 1 to {MAX_VALUE_CHARS} characters"
            )
        result = transform(value)
        return {"value": result, "changed": result != value}

    return handler


def defang(value: str) -> str:
    """Defang `value`, refanging it first so that a defanged value stays as it is."""
    unlinked = swap_scheme(refang(value), "http", "hxxp")
    return unlinked.replace(".", "[.]").replace("@", "[@]")


def refang(value: str) -> str:
    plain = value.replace("[.]", ".").replace("[@]", "@")
    return swap_scheme(plain, "hxxp", "http")


def swap_scheme(value: str, old: str, new: str) -> str:
    """Replace the scheme prefix `old` with `new` when `value` starts with `old://` or `olds://`."""
    if value.startswith((f"{old}://", f"{old}s://")):
        return new + value[len(old):]
    return value


WitWorld = moat.export_connector({
    "defang": moat.Action(
        handler=rewrite("defang", defang),
        description="Rewrites a URL, domain, address or e-mail address so that it is not a live link.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
    ),
    "refang": moat.Action(
        handler=rewrite("refang", refang),
        description="Restores a value that `defang` rewrote.",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
    ),
})
