"""Conversions the command groups share: strict numbers and FIELD=VALUE from text."""

from __future__ import annotations

from collections.abc import Sequence

from bss_host.errors import InputError, RegmapError
from bss_host.regmap import Register


def parse_int(text: str, what: str) -> int:
    """An integer written in decimal, hex (0x), octal (0o) or binary (0b); anything else
    (fractions, words, empty text) is an :class:`InputError` naming ``what``."""
    try:
        return int(text, 0)
    except ValueError:
        raise InputError(f"{what}={text!r}; allowed: an integer (decimal, 0x.., 0o.., 0b..)"
                         ) from None


def parse_assignments(reg: Register, items: Sequence[str]) -> dict[str, int]:
    """``FIELD=VALUE`` items as field values of ``reg`` (ints, hex, enum or sentinel names)."""
    values: dict[str, int] = {}
    for item in items:
        if "=" not in item:
            raise RegmapError(f"'{item}': expected FIELD=VALUE")
        key, text = item.split("=", 1)
        values[key.strip()] = reg.field(key.strip()).parse(text)
    return values
