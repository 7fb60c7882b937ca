"""``bss link dissect``: a captured byte stream, frame by frame."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bss_host.wirespec.dissect import dissect, dissect_json


def cmd_link_dissect(args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    if args.json:
        print(json.dumps(dissect_json(data, args.max_payload), indent=2))
    else:
        sys.stdout.write(dissect(data, args.max_payload))
    return 0
