"""Conversions the command groups share: strict numbers from text."""

from __future__ import annotations

from bss_host.errors import InputError


def parse_int(text: str, what: str) -> int:
    """An integer written in decimal, hex (0x), octal (0o) or binary (0b); anything else
    (fractions, words, empty text) is an :class:`InputError` naming ``what``."""
    try:
        return int(text, 0)
    except ValueError:
        raise InputError(f"{what}={text!r}; allowed: an integer (decimal, 0x.., 0o.., 0b..)"
                         ) from None
