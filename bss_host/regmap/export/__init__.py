"""Outputs generated from the register map, one module each: :mod:`.markdown` (the
reference pages in ``docs/registers/``), :mod:`.systemrdl` (SystemRDL 2.0) and
:mod:`.c_header` (``registers.h`` for PPU programs)."""
