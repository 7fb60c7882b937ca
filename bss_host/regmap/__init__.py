"""The register map from Python, read from the extension (generated from ``registers/``).

- :data:`REGMAP`, :class:`Register`, :class:`Field`: metadata and one-register
  encode/decode (``_map``);
- bulk encoders over whole arrays (``bulk``): both synapse arrays, all neurons' CapMem
  cells, the column order of quad registers;
- :mod:`bss_host.regmap.export`: the Markdown pages, SystemRDL and the C header.
"""

from bss_host.regmap._map import (
    REGMAP,
    Dim,
    Field,
    Register,
    RegisterMap,
    WordStream,
    describe_address,
    parse_target,
)
from bss_host.regmap.bulk import (
    QUAD_COLUMNS,
    SynapseArrays,
    decode_neuron_capmem,
    decode_synapses,
    encode_neuron_capmem,
    encode_synapses,
    quads_by_column,
)

__all__ = [
    # _map
    "REGMAP",
    "Dim",
    "Field",
    "Register",
    "RegisterMap",
    "WordStream",
    "describe_address",
    "parse_target",
    # bulk
    "QUAD_COLUMNS",
    "SynapseArrays",
    "decode_neuron_capmem",
    "decode_synapses",
    "encode_neuron_capmem",
    "encode_synapses",
    "quads_by_column",
]
