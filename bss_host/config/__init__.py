"""The chip's configuration from the user's side. Today: :mod:`.presets`, a working
configuration of the chip and its neurons as programs. The typed configuration graph
(``Chip``, the routing graph, validation and diffs) grows here."""

from bss_host.config import presets

__all__ = ["presets"]
