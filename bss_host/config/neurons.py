"""The 512 neuron compartments as logical views: the 24 CapMem cells and the digital bits
of ``neuron_config`` and ``neuron_backend_config``, grouped by function.

``chip.neurons.leak.v_leak[:] = codes`` (bulk, 512 values, neuron-enum order) and
``chip.neurons[AtomicNeuron(3, 0)].leak.v_leak = 500`` (one neuron) both land in the same
place and are checked the same way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bss_host.config.image import ConfigImage
from bss_host.config.views import FieldView, typed_value
from bss_host.coords import (
    AtomicNeuron,
    NeuronCell,
    backend_of_enums,
    capmem_cells_of_enums,
)
from bss_host.errors import CoordinateError, UnknownNameError
from bss_host.units import NEURONS

CELL = "capmem_cell"
CONFIG = "neuron_config"
BACKEND = "neuron_backend_config"

# group -> attribute -> (register, field); CapMem cells are (CELL, NeuronCell name).
GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "leak": {
        "v_leak": (CELL, "v_leak"), "i_bias": (CELL, "i_bias_leak"),
        "enable_degeneration": (CONFIG, "enable_leak_degeneration"),
        "enable_division": (CONFIG, "enable_leak_division"),
        "enable_multiplication": (CONFIG, "enable_leak_multiplication"),
    },
    "reset": {
        "v_reset": (CELL, "v_reset"), "i_bias": (CELL, "i_bias_reset"),
        "enable_degeneration": (CONFIG, "enable_reset_degeneration"),
        "enable_division": (CONFIG, "enable_reset_division"),
        "enable_multiplication": (CONFIG, "enable_reset_multiplication"),
        "enable_pause": (CONFIG, "enable_pause"),
    },
    "threshold": {
        "v_threshold": (CELL, "v_threshold"), "enable": (CONFIG, "enable_threshold_comparator"),
    },
    **{
        f"{kind}_input": {
            "i_bias_tau": (CELL, f"i_bias_synin_{short}_tau"),
            "i_bias_gm": (CELL, f"i_bias_synin_{short}_gm"),
            "i_shift_reference": (CELL, f"i_bias_synin_{short}_shift"),
            "i_bias_coba": (CELL, f"i_bias_synin_{short}_coba"),
            "v_rev_coba": (CELL, f"e_synin_{short}_rev"),
            "enable": (CONFIG, f"enable_synaptic_input_{short}"),
            "enable_coba_mode": (CONFIG, f"enable_synaptic_input_{short}_coba_mode"),
            "enable_small_capacitance": (CONFIG,
                                         f"enable_synaptic_input_{short}_small_capacitance"),
            "enable_high_resistance": (CONFIG, f"enable_synaptic_input_{short}_high_resistance"),
        }
        for kind, short in (("excitatory", "exc"), ("inhibitory", "inh"))
    },
    "adaptation": {
        "v_leak": (CELL, "v_adapt_leak"), "v_ref": (CELL, "v_adapt_ref"),
        "i_bias_tau": (CELL, "i_bias_adapt_tau"), "i_bias_a": (CELL, "i_bias_adapt_a"),
        "i_bias_b": (CELL, "i_bias_adapt_b"), "enable": (CONFIG, "enable_adaptation"),
        "invert_a": (CONFIG, "invert_adaptation_a"), "invert_b": (CONFIG, "invert_adaptation_b"),
        "enable_pulse": (BACKEND, "enable_adaptation_pulse"),
    },
    "exponential": {
        "v_exp": (CELL, "v_exp"), "i_bias": (CELL, "i_bias_exp"),
        "enable": (CONFIG, "enable_exponential"),
    },
    "constant_current": {
        "i_offset": (CELL, "i_mem_offset"), "enable": (CONFIG, "enable_membrane_offset"),
        "invert": (CONFIG, "invert_membrane_offset"),
    },
    "multicompartment": {
        "i_bias_nmda": (CELL, "i_bias_nmda"), "connect_soma": (CONFIG, "connect_soma"),
        "connect_soma_right": (CONFIG, "connect_soma_right"),
        "connect_right": (CONFIG, "connect_membrane_right"),
        "connect_bottom": (CONFIG, "connect_bottom"),
        "enable_conductance": (CONFIG, "enable_multicomp_conductance"),
        "enable_conductance_division": (CONFIG, "enable_multicomp_conductance_division"),
        "enable_conductance_multiplication": (CONFIG,
                                              "enable_multicomp_conductance_multiplication"),
    },
    "membrane_capacitance": {"capacitance": (CONFIG, "membrane_capacitor_size")},
    "refractory": {
        "refractory_time": (BACKEND, "refractory_time"),
        "reset_holdoff": (BACKEND, "reset_holdoff"),
        "select_input_clock": (BACKEND, "select_input_clock"),
    },
    "readout": {
        "enable_amplifier": (CONFIG, "enable_readout_amplifier"),
        "enable_buffered": (CONFIG, "enable_readout"),
        "enable_unbuffered_access": (CONFIG, "enable_unbuffered_access"),
        "source": (CONFIG, "readout_source"),
    },
    "event_output": {
        "enable_fire": (CONFIG, "enable_fire"), "enable_strong_fire": (CONFIG,
                                                                      "enable_strong_fire"),
        "enable_bypass_excitatory": (CONFIG, "enable_bypass_excitatory"),
        "enable_bypass_inhibitory": (CONFIG, "enable_bypass_inhibitory"),
        "address": (BACKEND, "address_out"), "enable_spike_out": (BACKEND, "enable_spike_out"),
        "post_overwrite": (BACKEND, "post_overwrite"),
    },
    "fire_logic": {
        "enable_bayesian_extension": (BACKEND, "enable_bayesian_extension"),
        "enable_bayesian_0": (BACKEND, "enable_bayesian_0"),
        "enable_bayesian_1": (BACKEND, "enable_bayesian_1"),
        "connect_fire_bottom": (BACKEND, "connect_fire_bottom"),
        "connect_fire_from_right": (BACKEND, "connect_fire_from_right"),
        "connect_fire_to_right": (BACKEND, "connect_fire_to_right"),
        "enable_master": (BACKEND, "enable_neuron_master"),
        "enable_slave": (BACKEND, "enable_neuron_slave"),
    },
}

_ALL = np.arange(NEURONS)
_BACKEND_INSTANCES = backend_of_enums(_ALL)


def instances_of(register: str, field: str, neurons: npt.NDArray[np.intp]
                 ) -> tuple[str, str, npt.NDArray[np.intp]]:
    """(register, field, instance per neuron) behind one attribute."""
    if register == CELL:
        return register, "value", capmem_cells_of_enums(neurons, int(NeuronCell[field]))
    if register == BACKEND:
        return register, field, _BACKEND_INSTANCES[neurons]
    return register, field, neurons  # neuron_config counts neurons in enum order


class GroupView:
    """One function's parameters and bits, for all neurons (attributes are FieldViews) or
    for one neuron (attributes are ints)."""

    __slots__ = ("_image", "_group", "_neurons", "_label")

    def __init__(self, image: ConfigImage, group: str, neurons: npt.NDArray[np.intp] | int,
                 label: str) -> None:
        object.__setattr__(self, "_image", image)
        object.__setattr__(self, "_group", group)
        object.__setattr__(self, "_neurons", neurons)
        object.__setattr__(self, "_label", label)

    def _where(self, name: str) -> tuple[str, str, npt.NDArray[np.intp]]:
        attrs = GROUPS[self._group]
        if name not in attrs:
            raise UnknownNameError(f"{self._label} has no {name!r}; it has {', '.join(attrs)}")
        return instances_of(*attrs[name], np.atleast_1d(np.asarray(self._neurons)))

    def __getattr__(self, name: str) -> FieldView | int:
        register, field, inst = self._where(name)
        if isinstance(self._neurons, int):
            return typed_value(register, field, int(self._image.columns[register][field][inst[0]]))
        return FieldView(self._image, register, field, inst, f"{self._label}.{name}")

    def __setattr__(self, name: str, value: object) -> None:
        register, field, inst = self._where(name)
        index = inst[0] if isinstance(self._neurons, int) else inst
        self._image.set(register, field, index, value,  # type: ignore[arg-type]
                        where=f"{self._label}.{name}")

    def __dir__(self) -> list[str]:
        return list(GROUPS[self._group])

    def as_dict(self) -> dict[str, object]:
        return {name: (getattr(self, name) if isinstance(self._neurons, int)
                       else np.asarray(getattr(self, name))) for name in GROUPS[self._group]}

    def __repr__(self) -> str:
        return f"<{self._label}: {', '.join(GROUPS[self._group])}>"


class NeuronView:
    """One compartment: ``neuron.leak.v_leak``, ``neuron.event_output.enable_fire``, ..."""

    __slots__ = ("_image", "neuron")

    def __init__(self, image: ConfigImage, neuron: AtomicNeuron) -> None:
        self._image, self.neuron = image, neuron

    def __getattr__(self, group: str) -> GroupView:
        if group not in GROUPS:
            raise UnknownNameError(f"a neuron has no {group!r}; groups: {', '.join(GROUPS)}")
        return GroupView(self._image, group, self.neuron.enum, f"{self.neuron!r}.{group}")

    def __dir__(self) -> list[str]:
        return [*GROUPS, "neuron"]

    def __repr__(self) -> str:
        return f"<neuron {self.neuron!r}>"


class NeuronsView:
    """All 512 compartments: groups as bulk views (``chip.neurons.leak.v_leak[:] = codes``),
    one compartment by coordinate (``chip.neurons[AtomicNeuron(3, 0)]``)."""

    __slots__ = ("_image",)

    def __init__(self, image: ConfigImage) -> None:
        self._image = image

    def __getitem__(self, key: AtomicNeuron) -> NeuronView:
        if not isinstance(key, AtomicNeuron):
            raise CoordinateError(f"neurons[{key!r}]: index with an AtomicNeuron "
                                  "(or use the bulk views, e.g. neurons.leak.v_leak[i])")
        return NeuronView(self._image, key)

    def __getattr__(self, group: str) -> GroupView:
        if group not in GROUPS:
            raise UnknownNameError(f"neurons have no {group!r}; groups: {', '.join(GROUPS)}")
        return GroupView(self._image, group, _ALL, f"neurons.{group}")

    def __len__(self) -> int:
        return NEURONS

    def cell(self, cell: NeuronCell | str) -> FieldView:
        """One CapMem cell of all neurons by its chip name (``neurons.cell("v_exp")`` is
        ``neurons.exponential.v_exp``)."""
        try:
            named = cell if isinstance(cell, NeuronCell) else NeuronCell[cell]
        except KeyError:
            raise UnknownNameError(f"no CapMem cell {cell!r}; cells: "
                                   f"{', '.join(c.name for c in NeuronCell)}") from None
        register, field, inst = instances_of(CELL, named.name, _ALL)
        return FieldView(self._image, register, field, inst, f"neurons.cell({named.name!r})")

    def __dir__(self) -> list[str]:
        return [*GROUPS, "cell"]

    def __repr__(self) -> str:
        return f"<{NEURONS} neurons: {', '.join(GROUPS)}>"
