"""How events flow through a configuration, computed from the configuration alone.

An event enters the crossbar at one of its 20 inputs with a 14-bit label (bits 15-14 of
an FPGA label pick the L2 input). Every crossbar node of that input whose
``label & mask == target`` passes it on to its output. Outputs 0-7 are the PADI buses
(if the bus is enabled); 8-11 go back to the FPGA. On a PADI bus, bits 6-10 of the label
are the row select and bits 0-5 the synapse label: driver ``d`` of the bus's block listens
when ``d % 4`` is the bus, its receiver is on and ``(row_select ^ d // 4) & compare_mask``
is 0; it drives rows ``2d`` (top) and ``2d + 1`` (bottom) excitatory and/or inhibitory by
its row modes; in a driven row, every synapse whose label equals bits 0-5 and whose
weight is nonzero reaches the neuron of its column.

Sources: background generators (label with the bits of ``mask`` random), neurons (label
``event_output << 8 | address_out``, if they fire and send spikes out), and the FPGA
(any label, on L2 inputs 8-11).

>>> from bss_host.config import Chip
>>> from bss_host.coords import AtomicNeuron, BackgroundSource, Hemisphere, SynapseDriver
>>> chip = Chip.default()
>>> chip.background[BackgroundSource(1)].neuron_label = 0x45  # row select 1, label 5
>>> chip.background[BackgroundSource(1)].enable = 1  # its crossbar input feeds PADI bus 1
>>> chip.padi[Hemisphere(0)].enable_spl1_1 = 1
>>> chip.drivers[SynapseDriver(0, 5)].enable_receiver = 1  # driver 5: bus 1, row select 1
>>> chip.drivers[SynapseDriver(0, 5)].row_mode_top = "excitatory"  # row 10
>>> chip.synapses.label[0, 10, 3] = 5
>>> chip.synapses.weight[0, 10, 3] = 20
>>> g = chip.graph()
>>> g.neurons_reached(BackgroundSource(1))
[AtomicNeuron(column=3, row=0)]
>>> table = g.inputs_of(AtomicNeuron(3, 0))
>>> table[table["source"] == "background 1"][["label", "driver", "row", "weight"]].tolist()
[(69, 5, 10, 20)]
>>> sorted(set(table["source"].tolist()))  # the crossbar's reset passes every FPGA label
['background 1', 'fpga 0', 'fpga 1', 'fpga 2', 'fpga 3']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from bss_host.coords import (
    FIRST_BACKGROUND_INPUT,
    FIRST_L2_INPUT,
    FIRST_L2_OUTPUT,
    PADI_BUSES_PER_BLOCK,
    AtomicNeuron,
    BackgroundSource,
    CrossbarNode,
    backend_of_enums,
    event_outputs_of_enums,
    iter_all,
)
from bss_host.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from bss_host.config.chip import Chip

LABEL14 = 0x3FFF
_NONE = (np.empty(0, np.intp), np.empty(0, np.int64), np.empty(0, np.intp))
ROW_SELECT_SHIFT, ROW_SELECT_MASK = 6, 0x1F
SYNAPSE_LABEL_MASK = 0x3F

INPUT_TABLE = np.dtype([
    ("source", "U24"), ("label", np.int64), ("input", np.int64), ("output", np.int64),
    ("driver", np.int64), ("row", np.int64), ("column", np.int64), ("weight", np.int64),
    ("sign", "U3"),
])
"""One path from a source to a synapse: which source and label, crossbar input and
output, driver (on the neuron's block), synapse row and column, weight, exc or inh."""

_NODES = list(iter_all(CrossbarNode))
# (enum, output) of the nodes of each crossbar input.
_NODES_OF_INPUT = [[(n.enum, n.output) for n in _NODES if n.input == i]
                   for i in range(max(n.input for n in _NODES) + 1)]
# (enum, input, output) of the nodes that feed each hemisphere's PADI buses.
_NODES_INTO = [[(n.enum, n.input, n.output) for n in _NODES
                if n.output < FIRST_L2_OUTPUT and n.output // PADI_BUSES_PER_BLOCK == h]
               for h in range(2)]


def driven_rows(columns: Mapping[str, Mapping[str, np.ndarray]]) -> npt.NDArray[np.int64]:
    """Per synapse row, shape (hemisphere, row) = (2, 256): the row mode of its driver
    (bit 0 excitatory, bit 1 inhibitory), 0 where the driver's receiver is off. Driver
    ``d`` drives rows ``2 d`` (top mode) and ``2 d + 1`` (bottom mode)."""
    drv = columns["synapse_driver_config"]
    modes = np.stack([drv["row_mode_top"].reshape(2, 128),
                      drv["row_mode_bottom"].reshape(2, 128)], axis=-1).reshape(2, 256)
    receiving = np.repeat((drv["enable_receiver"] != 0).reshape(2, 128), 2, axis=1)
    return np.where(receiving, modes, 0)


@dataclass(frozen=True)
class Source:
    """Where events come from: ``kind`` is background, neuron or fpga."""

    kind: str
    index: int
    input: int
    labels: npt.NDArray[np.int64]
    """Labels it can send (14-bit); for the FPGA every label, so empty here."""

    @property
    def name(self) -> str:
        return f"{self.kind} {self.index}"


class RoutingGraph:
    """The event paths of one configuration (a snapshot: changing the chip afterwards
    does not change the graph)."""

    def __init__(self, chip: Chip) -> None:
        c = chip.image.columns
        self._nodes = c["crossbar_node"]
        self._masks, self._targets = self._nodes["mask"].tolist(), self._nodes["target"].tolist()
        padi = c["common_padi_bus_config"]
        self._bus_on = np.array([[padi[f"enable_spl1_{b}"][h] != 0
                                  for b in range(PADI_BUSES_PER_BLOCK)] for h in range(2)])
        drv = c["synapse_driver_config"]
        self._receiver = (drv["enable_receiver"] != 0).reshape(2, 128)
        self._compare = drv["row_address_compare_mask"].reshape(2, 128)
        self._modes = driven_rows(c)
        self._weights = chip.image.synapses["weight"].astype(np.int64)
        self._labels = chip.image.synapses["label"].astype(np.int64)
        self._config = c["neuron_config"]
        self.sources = self._sources(chip)
        # Source names by id: the running sources, then the FPGA's L2 inputs.
        self._names = np.array([s.name for s in self.sources]
                               + [f"fpga {j}" for j in range(FIRST_BACKGROUND_INPUT
                                                             - FIRST_L2_INPUT)])
        # Per crossbar input, every (source id, label) pair as flat arrays, labels sorted
        # within each source.
        self._by_input: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for input_ in {s.input for s in self.sources}:
            mine = [(i, s) for i, s in enumerate(self.sources) if s.input == input_]
            self._by_input[input_] = (
                np.concatenate([np.full(s.labels.size, i) for i, s in mine]),
                np.concatenate([np.sort(s.labels) for _, s in mine]))

    # -- sources ----------------------------------------------------------------------
    def _sources(self, chip: Chip) -> list[Source]:
        c = chip.image.columns
        bg = c["background_spike_source"]
        out = []
        for s in np.flatnonzero(bg["enable"] != 0):
            label, mask = int(bg["neuron_label"][s]), int(bg["mask"][s])
            random_bits = [b for b in range(8) if mask >> b & 1]
            variants = np.zeros(1 << len(random_bits), dtype=np.int64)
            for i, b in enumerate(random_bits):
                variants |= ((np.arange(variants.size) >> i) & 1) << b
            labels = np.unique((label & ~mask & LABEL14) | variants)
            out.append(Source("background", int(s), FIRST_BACKGROUND_INPUT + int(s), labels))
        backend = c["neuron_backend_config"]
        inst = backend_of_enums(np.arange(512))
        firing = np.flatnonzero((c["neuron_config"]["enable_fire"] != 0)
                                & (backend["enable_spike_out"][inst] != 0))
        outputs = event_outputs_of_enums(firing)
        labels = (outputs << 8) | backend["address_out"][inst[firing]]
        for n, output, label in zip(firing.tolist(), outputs.tolist(), labels.tolist(),
                                    strict=True):
            out.append(Source("neuron", n, output, np.array([label], np.int64)))
        return out

    # -- the crossbar and what is behind it -----------------------------------------
    def passes(self, input_: int, labels: npt.NDArray[np.int64]
               ) -> list[tuple[int, npt.NDArray[np.int64]]]:
        """(output, labels that pass to it) for each node of an input."""
        out = []
        for enum, output in _NODES_OF_INPUT[input_]:
            mask, target = self._masks[enum], self._targets[enum]
            ok = labels[(labels & mask) == target] if mask else (labels if target == 0
                                                                  else labels[:0])
            if ok.size:
                out.append((output, ok))
        return out

    def bus_enabled(self, output: int) -> bool:
        """Whether crossbar output ``output`` (0-7) feeds an enabled PADI bus."""
        block, b = divmod(output, PADI_BUSES_PER_BLOCK)
        return bool(self._bus_on[block, b])

    def _synapse_hits(self, bus: int, labels: npt.NDArray[np.int64]
                      ) -> list[tuple[int, int, int, int, int, str]]:
        """(label, driver, row, column, weight, sign) of every synapse ``labels`` on a
        crossbar output that feeds a PADI bus reach."""
        block, b = divmod(bus, PADI_BUSES_PER_BLOCK)
        if not self._bus_on[block, b] or labels.size == 0:
            return []
        drivers = np.arange(b, 128, PADI_BUSES_PER_BLOCK)
        drivers = drivers[self._receiver[block, drivers]]
        rows = np.stack([2 * drivers, 2 * drivers + 1], axis=1).ravel()
        rows = rows[self._modes[block, rows] != 0]
        if rows.size == 0:
            return []
        d = rows // 2
        row_select = (labels >> ROW_SELECT_SHIFT) & ROW_SELECT_MASK
        listens = ((row_select[:, None] ^ (d // PADI_BUSES_PER_BLOCK)[None, :])
                   & self._compare[block, d][None, :]) == 0                      # (P, R)
        match = ((self._labels[block, rows][None, :, :]
                  == (labels & SYNAPSE_LABEL_MASK)[:, None, None])
                 & (self._weights[block, rows][None, :, :] > 0) & listens[:, :, None])  # (P,R,C)
        hits = []
        for p, r, col in np.argwhere(match):
            row = int(rows[r])
            mode = int(self._modes[block, row])
            for sign, bit in (("exc", 1), ("inh", 2)):
                if mode & bit:
                    hits.append((int(labels[p]), row // 2, row, int(col),
                                 int(self._weights[block, row, col]), sign))
        return hits

    def paths_of(self, input_: int, labels: npt.ArrayLike, source: str = "") -> np.ndarray:
        """Every synapse reached by events with these labels entering at ``input_``, as
        a table of :data:`INPUT_TABLE` rows (neuron = (column, hemisphere of the row))."""
        rows = []
        for output, passing in self.passes(input_, np.asarray(labels, dtype=np.int64)):
            if output >= FIRST_L2_OUTPUT:
                continue
            for label, d, row, col, w, sign in self._synapse_hits(output, passing):
                rows.append((source, label, input_, output, d, row, col, w, sign))
        return np.array(rows, dtype=INPUT_TABLE)

    # -- queries ------------------------------------------------------------------------
    def targets_of(self, source: Source | BackgroundSource | int) -> np.ndarray:
        """Synapses (and so neurons) a source reaches. An int is an FPGA label (16 bit:
        bits 15-14 pick the L2 input)."""
        if isinstance(source, BackgroundSource):
            found = [s for s in self.sources if s.kind == "background"
                     and s.index == source.enum]
            if not found:
                return np.array([], dtype=INPUT_TABLE)
            source = found[0]
        if isinstance(source, Source):
            return self.paths_of(source.input, source.labels, source.name)
        if isinstance(source, bool) or not isinstance(source, int | np.integer) or not (
                0 <= int(source) <= 0xFFFF):
            raise InputError(f"targets_of({source!r}): give a Source, a BackgroundSource or "
                             "a 16-bit FPGA label")
        label = int(source)
        return self.paths_of(FIRST_L2_INPUT + (label >> 14), [label & LABEL14],
                             f"fpga {label >> 14}")

    def neurons_reached(self, source: Source | BackgroundSource | int) -> list[AtomicNeuron]:
        """The compartments a source reaches, in enum order."""
        t = self.targets_of(source)
        hemispheres = t["output"] // PADI_BUSES_PER_BLOCK
        return sorted({AtomicNeuron(int(c), int(h)) for c, h in zip(t["column"], hemispheres,
                                                                    strict=True)})

    def inputs_of(self, neuron: AtomicNeuron) -> np.ndarray:
        """Every source, label, driver, row and weight that reaches ``neuron``, as a
        table of :data:`INPUT_TABLE` rows, one per (source, synapse row, sign). A source
        that can send several matching labels is listed with the smallest; the FPGA's L2
        inputs, which can send any label, likewise."""
        h, col = neuron.row, neuron.column
        rows = np.flatnonzero((self._weights[h, :, col] > 0) & (self._modes[h] != 0))
        d = rows // 2
        bus = d % PADI_BUSES_PER_BLOCK
        keep = self._bus_on[h, bus] & self._receiver[h, d]
        rows, d, bus = rows[keep], d[keep], bus[keep]
        want = self._labels[h, rows, col]
        k, cmp = d // PADI_BUSES_PER_BLOCK, self._compare[h, d]
        cols: dict[str, list[np.ndarray]] = {k: [] for k in ("source", "label", "input",
                                                             "output", "row", "sign")}
        on_bus_of = [np.flatnonzero(bus == b) for b in range(PADI_BUSES_PER_BLOCK)]
        for enum, input_, output in _NODES_INTO[h]:
            on_bus = on_bus_of[output % PADI_BUSES_PER_BLOCK]
            if on_bus.size == 0:
                continue
            names, firsts, at = self._first_labels(input_, self._masks[enum],
                                                   self._targets[enum], want[on_bus],
                                                   k[on_bus], cmp[on_bus])
            if at.size == 0:
                continue
            r = rows[on_bus][at]
            modes = self._modes[h, r]
            for sign, bit in ((0, 1), (1, 2)):
                sel = np.flatnonzero(modes & bit)
                cols["source"].append(names[sel])
                cols["label"].append(firsts[sel])
                cols["input"].append(np.full(sel.size, input_))
                cols["output"].append(np.full(sel.size, output))
                cols["row"].append(r[sel])
                cols["sign"].append(np.full(sel.size, sign))
        if not cols["row"]:
            return np.empty(0, dtype=INPUT_TABLE)
        flat = {key: np.concatenate(v) for key, v in cols.items()}
        t = np.empty(flat["row"].size, dtype=INPUT_TABLE)
        t["source"] = self._names[flat["source"]]
        for key in ("label", "input", "output", "row"):
            t[key] = flat[key]
        t["driver"], t["column"] = flat["row"] // 2, col
        t["weight"] = self._weights[h, flat["row"], col]
        t["sign"] = np.array(["exc", "inh"])[flat["sign"]]
        return t

    def _first_labels(self, input_: int, mask: int, target: int, want: np.ndarray,
                      k: np.ndarray, cmp: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source ids, smallest labels, row positions) of every (source, row) pair where
        a label of a source on ``input_`` passes the node (``mask``, ``target``) and
        reaches the row's synapse (label ``want``, driver ``k`` on its bus, compare mask
        ``cmp``)."""
        if target & ~mask:
            return _NONE  # the node passes nothing
        if FIRST_L2_INPUT <= input_ < FIRST_BACKGROUND_INPUT:
            # Any label: the bits the node, the row select and the synapse label force.
            forced = SYNAPSE_LABEL_MASK | (cmp << ROW_SELECT_SHIFT)
            value = want | ((k & cmp) << ROW_SELECT_SHIFT)
            at = np.flatnonzero(((forced & mask) & (value ^ target)) == 0)
            first = (value[at] | target) | ((input_ - FIRST_L2_INPUT) << 14)
            return np.full(at.size, len(self.sources) + input_ - FIRST_L2_INPUT), first, at
        if input_ not in self._by_input:
            return _NONE
        ids, labels = self._by_input[input_]
        if mask:
            passing = (labels & mask) == target
            ids, labels = ids[passing], labels[passing]
        ok = (((labels & SYNAPSE_LABEL_MASK)[:, None] == want[None, :])
              & ((((labels >> ROW_SELECT_SHIFT) & ROW_SELECT_MASK)[:, None] ^ k[None, :])
                 & cmp[None, :] == 0))
        p, at = np.nonzero(ok)
        if ids.size and ids[0] == ids[-1]:
            # One source: pairs are unique per row once the smallest label is kept.
            _, first = np.unique(at, return_index=True)
        else:
            _, first = np.unique(ids[p] * want.size + at, return_index=True)
        return ids[p[first]], labels[p[first]], at[first]

    def logical_neurons(self) -> list[list[AtomicNeuron]]:
        """Compartments joined into neurons by the multicompartment switches (membranes
        shorted to the right or to the other row, or joined on a somatic line), in enum
        order; a compartment on its own is a neuron of one."""
        cfg = self._config
        parent = list(range(1024))  # 0..511 membranes, 512..1023 somatic lines

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        columns = np.arange(512) % 256
        for n in np.flatnonzero((cfg["connect_membrane_right"] != 0) & (columns < 255)):
            union(int(n), int(n) + 1)
        for n in np.flatnonzero(cfg["connect_bottom"] != 0):
            union(int(n), (int(n) + 256) % 512)
        for n in np.flatnonzero(cfg["connect_soma"] != 0):
            union(int(n), 512 + int(n))
        for n in np.flatnonzero((cfg["connect_soma_right"] != 0) & (columns < 255)):
            union(512 + int(n), 512 + int(n) + 1)
        # A conductance to the somatic line couples the compartment into the same neuron.
        for n in np.flatnonzero((cfg["enable_multicomp_conductance"] != 0)
                                & (cfg["connect_soma"] == 0)):
            union(int(n), 512 + int(n))
        groups: dict[int, list[AtomicNeuron]] = {}
        for n in range(512):
            groups.setdefault(find(n), []).append(AtomicNeuron.from_enum(n))
        return sorted(groups.values(), key=lambda g: g[0].enum)

    # -- export ---------------------------------------------------------------------------
    def to_networkx(self, neurons: list[AtomicNeuron] | None = None) -> nx.DiGraph:
        """The paths as a directed graph: source -> crossbar input -> PADI bus -> driver
        -> synapse row -> neuron, with labels and weights on the edges. ``neurons``
        restricts it to the paths into those compartments."""
        import networkx as nx

        g = nx.DiGraph()
        targets = neurons if neurons is not None else [
            n for n in iter_all(AtomicNeuron) if self._weights[n.row, :, n.column].any()]
        for neuron in targets:
            for r in self.inputs_of(neuron):
                h = neuron.row
                chain = [r["source"], f"crossbar in {r['input']}", f"PADI {h}.{r['output'] % 4}",
                         f"driver {h}.{r['driver']}", f"row {h}.{r['row']}", repr(neuron)]
                kinds = ["source", "crossbar", "padi", "driver", "row", "neuron"]
                for name, kind in zip(chain, kinds, strict=True):
                    g.add_node(name, kind=kind)
                g.nodes[chain[-1]].update(column=neuron.column, row=neuron.row)
                for a, b in zip(chain, chain[1:], strict=False):
                    g.add_edge(a, b)
                g.edges[chain[0], chain[1]]["label"] = int(r["label"])
                g.edges[chain[-2], chain[-1]].update(weight=int(r["weight"]), sign=str(r["sign"]))
        return g

    def to_dot(self, neurons: list[AtomicNeuron] | None = None) -> str:
        """The graph (or the part into ``neurons``) in Graphviz DOT."""
        g = self.to_networkx(neurons)
        shapes = {"source": "box", "crossbar": "diamond", "padi": "hexagon",
                  "driver": "trapezium", "row": "plaintext", "neuron": "ellipse"}
        lines = ["digraph routing {", "  rankdir=LR;"]
        for node, data in g.nodes(data=True):
            lines.append(f'  "{node}" [shape={shapes[data["kind"]]}];')
        for a, b, data in g.edges(data=True):
            attrs = ", ".join(f'{k}="{v}"' for k, v in data.items())
            lines.append(f'  "{a}" -> "{b}"' + (f" [{attrs}];" if attrs else ";"))
        lines.append("}")
        return "\n".join(lines) + "\n"

    def draw(self, neurons: list[AtomicNeuron] | None = None, ax: Any = None) -> Any:  # noqa: ANN401
        """A picture of the paths into ``neurons`` (all reached ones by default), layered
        from sources to neurons; returns the matplotlib axes."""
        import matplotlib.pyplot as plt
        import networkx as nx

        g = self.to_networkx(neurons)
        layer = {"source": 0, "crossbar": 1, "padi": 2, "driver": 3, "row": 4, "neuron": 5}
        for _node, data in g.nodes(data=True):
            data["layer"] = layer[data["kind"]]
        if ax is None:
            _, ax = plt.subplots(figsize=(11, max(3.0, 0.35 * g.number_of_nodes() / 3)))
        pos = nx.multipartite_layout(g, subset_key="layer") if len(g) else {}
        colors = {"exc": "tab:red", "inh": "tab:blue"}
        edge_colors = [colors.get(d.get("sign", ""), "0.6") for _, _, d in g.edges(data=True)]
        labels = {node: (f"neuron {g.nodes[node]['column']},{g.nodes[node]['row']}"
                         if g.nodes[node]["kind"] == "neuron" else node) for node in g}
        nx.draw_networkx(g, pos, ax=ax, labels=labels, node_size=300, font_size=7,
                         edge_color=edge_colors, node_color="white", edgecolors="0.3",
                         arrowsize=8)
        ax.margins(x=0.12, y=0.08)
        ax.set_axis_off()
        ax.set_title("event routing (red: excitatory, blue: inhibitory)")
        return ax
