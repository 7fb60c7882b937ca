"""``Chip``: the whole configuration of the chip as one object.

>>> from bss_host.config import Chip
>>> from bss_host.coords import AtomicNeuron, SynapseDriver
>>> chip = Chip.default()
>>> chip.neurons[AtomicNeuron(3, 0)].leak.v_leak = 500
>>> chip.neurons.leak.v_leak[3]
500
>>> chip.drivers[SynapseDriver(0, 5)].enable_receiver = 1
>>> chip.synapses.weight[0, 10, 3] = 63
>>> chip.neurons.leak.v_leak[:2] = [1, 2000]  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
bss_host.errors.ValueOutOfRangeError: neurons.leak.v_leak = 2000 (value #1 of 2); ...
>>> chip.neurons.leak.v_leak[:2].tolist()  # nothing changed
[0, 0]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from bss_host.config.graph import RoutingGraph
from bss_host.config.image import SYNAPSE_FIELDS, ConfigImage
from bss_host.config.neurons import NeuronsView
from bss_host.config.validate import ConfigProblem, validate
from bss_host.config.views import RegisterView
from bss_host.coords import (
    BackgroundSource,
    CadcChannel,
    CapMemCell,
    CrossbarNode,
    Hemisphere,
    Ppu,
    Quadrant,
    SynapseDriver,
)
from bss_host.errors import CoordinateError, UnknownNameError


class ChipReadback(NamedTuple):
    """What ``conn.read_chip()`` returns: the chip, and per register where its values
    came from (``chip``, ``shadow``, ``shadow, reset elsewhere``, ``reset (never written)``)."""

    chip: Chip
    sources: dict[str, str]

# attribute -> (register, coordinate type of its instances)
BLOCKS: dict[str, tuple[str, type | None]] = {
    "capmem": ("capmem_cell", CapMemCell),
    "capmem_blocks": ("capmem_block_config", Quadrant),
    "drivers": ("synapse_driver_config", SynapseDriver),
    "padi": ("common_padi_bus_config", Hemisphere),
    "stp": ("common_stp_config", Hemisphere),
    "synapse_bias": ("synapse_bias_selection", Hemisphere),
    "crossbar": ("crossbar_node", CrossbarNode),
    "crossbar_output": ("crossbar_output_config", None),
    "background": ("background_spike_source", BackgroundSource),
    "backend": ("common_neuron_backend_config", Hemisphere),
    "cadc": ("cadc_config", Hemisphere),
    "cadc_offsets": ("cadc_channel_offset", CadcChannel),
    "correlation": ("common_correlation_config", Hemisphere),
    "correlation_switches": ("column_correlation_quad", None),
    "current_switches": ("column_current_quad", None),
    "readout": ("readout_source_selection", None),
    "pads": ("pad_multiplexer_config", None),
    "madc": ("madc_config", None),
    "ppu": ("ppu_control", Ppu),
}
"""Every register of the configuration besides the neurons' and the synapses', by the
name a user reaches it under (``chip.drivers``, ``chip.background``, ...)."""


class SynapseArray:
    """One synapse field over both arrays, shape (hemisphere, row, column) = (2, 256, 256);
    reads give copies, writes are checked whole (weights and labels 0..63, the two
    calibration fields 0..3)."""

    __slots__ = ("_image", "_field")

    def __init__(self, image: ConfigImage, field: str) -> None:
        self._image, self._field = image, field

    def __getitem__(self, key: Any) -> Any:  # noqa: ANN401 - numpy indexing
        try:
            out = self._image.synapses[self._field][key]
        except IndexError:
            raise CoordinateError(f"synapses.{self._field}[{key!r}]: allowed indices "
                                  "(hemisphere 0..1, row 0..255, column 0..255), slices or "
                                  "masks") from None
        return out.copy() if isinstance(out, np.ndarray) else int(out)

    def __setitem__(self, key: Any, value: npt.ArrayLike) -> None:  # noqa: ANN401
        self._image.set_synapses(self._field, key, value)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:  # noqa: ANN401
        a = self._image.synapses[self._field]
        return a.astype(dtype) if dtype is not None else a.copy()

    @property
    def shape(self) -> tuple[int, ...]:
        return self._image.synapses[self._field].shape

    def __eq__(self, other: object) -> Any:  # type: ignore[override]  # noqa: ANN401
        return self._image.synapses[self._field] == np.asarray(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        a = self._image.synapses[self._field]
        return f"<synapses.{self._field}: {a.shape}, {np.count_nonzero(a)} nonzero>"


class SynapsesView:
    """``chip.synapses.weight``, ``.label``, ``.time_calib``, ``.amp_calib``."""

    __slots__ = ("_image",)

    def __init__(self, image: ConfigImage) -> None:
        self._image = image

    def __getattr__(self, field: str) -> SynapseArray:
        if field not in SYNAPSE_FIELDS:
            raise UnknownNameError(f"synapses have no {field!r}; fields: "
                                   f"{', '.join(SYNAPSE_FIELDS)}")
        return SynapseArray(self._image, field)

    def __setattr__(self, field: str, value: npt.ArrayLike) -> None:
        if field == "_image":
            object.__setattr__(self, field, value)
            return
        self._image.set_synapses(field, slice(None), value)

    def __dir__(self) -> list[str]:
        return list(SYNAPSE_FIELDS)


class Chip:
    """The chip's whole configuration: neurons, synapses, routing, sources, ADCs, PPUs.

    Every assignment is checked on the spot against the register map; a bad value raises
    a typed error naming where, the field, the value and what is allowed, and changes
    nothing (bulk assignments included). Build one with :meth:`default` (the power-on
    state) or a preset, change it, then ``conn.apply(chip)``.
    """

    def __init__(self, image: ConfigImage | None = None) -> None:
        self.image = image if image is not None else ConfigImage.reset()
        self.neurons = NeuronsView(self.image)
        self.synapses = SynapsesView(self.image)

    @classmethod
    def default(cls) -> Chip:
        """The documented power-on state: every register at the map's reset value."""
        return cls(ConfigImage.reset())

    def __getattr__(self, name: str) -> RegisterView:
        if name in BLOCKS:
            register, coordinate = BLOCKS[name]
            return RegisterView(self.image, register, coordinate, name)
        raise AttributeError(f"Chip has no {name!r}; it has neurons, synapses and "
                             f"{', '.join(BLOCKS)}")

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *BLOCKS]

    def copy(self) -> Chip:
        return Chip(self.image.copy())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Chip):
            return NotImplemented
        return self.image == other.image

    __hash__ = None  # type: ignore[assignment] - mutable

    def validate(self) -> list[ConfigProblem]:
        """Every problem of the configuration, errors first (:mod:`.validate`). A chip
        with errors is refused by ``conn.apply``."""
        return validate(self)

    def graph(self) -> RoutingGraph:
        """How events flow through this configuration (:mod:`.graph`)."""
        return RoutingGraph(self)

    def summary(self) -> dict[str, Any]:
        """What is switched on: CapMem blocks, firing and reading neurons, nonzero
        synapses, receiving drivers, PADI buses, crossbar nodes away from reset, running
        background sources, ADCs and PPUs."""
        c = self.image.columns
        cfg = c["neuron_config"]
        reset_nodes = ConfigImage.reset().columns["crossbar_node"]
        running = np.flatnonzero(c["background_spike_source"]["enable"])
        return {
            "capmem_blocks_enabled": int(np.count_nonzero(c["capmem_block_config"]
                                                          ["enable_capmem"])),
            "neurons_firing": int(np.count_nonzero(cfg["enable_fire"])),
            "neurons_with_threshold": int(np.count_nonzero(cfg["enable_threshold_comparator"])),
            "neurons_read_out": int(np.count_nonzero(cfg["enable_readout"])),
            "synapses_nonzero": int(np.count_nonzero(self.image.synapses["weight"])),
            "drivers_receiving": int(np.count_nonzero(c["synapse_driver_config"]
                                                      ["enable_receiver"])),
            "padi_buses_enabled": int(sum(np.count_nonzero(c["common_padi_bus_config"]
                                                           [f"enable_spl1_{i}"])
                                          for i in range(4))),
            "crossbar_nodes_changed": int(np.count_nonzero(
                (c["crossbar_node"]["mask"] != reset_nodes["mask"])
                | (c["crossbar_node"]["target"] != reset_nodes["target"]))),
            "background_sources_running": [
                {"source": int(i),
                 "period": int(c["background_spike_source"]["period"][i]),
                 "label": int(c["background_spike_source"]["neuron_label"][i]),
                 "random": bool(c["background_spike_source"]["enable_random"][i])}
                for i in running],
            "cadcs_enabled": int(np.count_nonzero(c["cadc_config"]["enable"])),
            "madc_samples": int(c["madc_config"]["number_of_samples"][0]),
            "ppus_running": int(np.count_nonzero(c["ppu_control"]["inhibit_reset"])),
        }

    def __repr__(self) -> str:
        s = self.summary()
        sources = len(s["background_sources_running"])
        return (f"<Chip: {s['capmem_blocks_enabled']}/4 CapMem blocks on, "
                f"{s['neurons_firing']} neurons firing, {s['synapses_nonzero']} synapses "
                f"nonzero, {s['drivers_receiving']} drivers receiving, "
                f"{s['padi_buses_enabled']} PADI buses, {sources} background sources "
                f"running>")
