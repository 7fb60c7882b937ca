"""``bss emulate``: the chip model behind TCP or a pseudo-terminal."""

from __future__ import annotations

import argparse
import logging
import sys

from bss_host.emulator import make_device, parse_listen, run_server


def cmd_emulate(args: argparse.Namespace) -> int:
    """0 after a clean shutdown; a server that cannot start raises EmulatorStartError."""
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )

    def ready(where: str) -> None:
        print(f"pty {where}" if args.pty else f"listening on {where}", flush=True)

    listen = None if args.pty else parse_listen(args.listen)
    device = make_device(args.seed, args.ppu_traps, noise=args.noise, mismatch=args.mismatch,
                         exact=args.exact)
    run_server(device, listen=listen, pty=args.pty, ready=ready)
    return 0
