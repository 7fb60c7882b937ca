"""Introspection of the chip model: its hidden truth, for tests and for judging calibration.

This is **not** a silicon path (shared/DESIGN.md rule 1). A board cannot answer these
questions, so calibration code must never call this module; tests use it to check that a
measurement or a calibration found what the model really holds. Only in-process model
connections (``sim:``) have it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from bss_host import _core
from bss_host.connection import Connection
from bss_host.errors import NotAModelError

PARAMETERS = (
    "c_mem", "g_leak", "e_leak", "g_reset", "v_reset", "v_thresh", "tau_exc", "tau_inh",
    "scale_exc", "scale_inh", "offset_exc", "offset_inh", "e_rev_exc", "e_rev_inh",
    "coba_exc", "coba_inh", "a", "b", "tau_w", "v_adapt_leak", "w_ref", "i_exp0", "v_t",
    "delta_t", "i_offset", "g_icc", "t_ref", "t_release",
)
"""True per-compartment parameters, SI units (F, S, V, s, A); see docs/model.md."""


def model_of(conn: Connection) -> _core.EmulatorSession:
    """The in-process model behind ``conn``; :class:`NotAModelError` if there is none."""
    model = conn.model
    if model is None:
        raise NotAModelError(
            f"{conn.url}: introspection needs the in-process model (connect('sim:')); "
            "a board or a remote emulator cannot reveal its true parameters"
        )
    return model


def neuron_parameters(conn: Connection) -> dict[str, npt.NDArray[Any]]:
    """Every compartment's true parameters (512 entries each) at the current model time."""
    return dict(model_of(conn).introspect_neurons())


def neuron_state(conn: Connection) -> dict[str, npt.NDArray[Any]]:
    """Membrane potentials (V), synaptic and adaptation currents (A), refractory cycles."""
    return dict(model_of(conn).introspect_state())


def tau_mem(conn: Connection) -> npt.NDArray[np.float64]:
    """True membrane time constants C / g_L, seconds of hardware time."""
    p = neuron_parameters(conn)
    return np.asarray(p["c_mem"] / np.maximum(p["g_leak"], 1e-15))
