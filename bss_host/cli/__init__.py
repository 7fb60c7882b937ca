"""The ``bss`` command: argument parsing in :mod:`.parser`, one module per command group.

Every error bss_host raises on purpose (:class:`~bss_host.errors.BssError`) and every
operating-system error (a missing file, a refused port) is printed as one line and exits
with status 2. Anything else is a bug, and its traceback is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bss_host.cli.parser import build_parser
from bss_host.errors import BssError


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bss`` with ``argv`` (default: the process arguments); returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BssError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 2


__all__ = ["build_parser", "main"]
