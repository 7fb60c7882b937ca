"""``python -m bss_host.cli``: the same as ``bss``."""

from bss_host.cli import main

raise SystemExit(main())
