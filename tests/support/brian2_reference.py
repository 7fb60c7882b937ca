"""The chip model's compartment as Brian2 equations, for the comparisons with Brian2
(`tests/test_brian2.py`) and the benchmark against it (`tools/bench/model.py`).

The equations are those of ``rust/chip/src/model/neuron.rs`` and docs/model.md; the
parameters come from :mod:`bss_host.introspection`. This module is plain text and needs
no Brian2 itself.
"""

from __future__ import annotations

DT = 8e-9
"""The model's step: one FPGA cycle of hardware time, s."""

NOISE_SIGMA = 4e-5 / DT**0.5
"""The model's membrane noise as a diffusion coefficient, V / sqrt(s)."""

PARAMETERS: dict[str, tuple[str, str]] = {
    "c_m": ("c_mem", "farad"), "g_l": ("g_leak", "siemens"), "e_l": ("e_leak", "volt"),
    "i_exp0": ("i_exp0", "amp"), "v_t": ("v_t", "volt"), "delta_t": ("delta_t", "volt"),
    "i_off": ("i_offset", "amp"), "g_reset": ("g_reset", "siemens"),
    "v_reset": ("v_reset", "volt"), "v_th": ("v_thresh", "volt"), "a": ("a", "siemens"),
    "b": ("b", "amp"), "tau_w": ("tau_w", "second"), "v_al": ("v_adapt_leak", "volt"),
    "w_ref": ("w_ref", "amp"), "t_ref": ("t_ref", "second"),
    "t_rel": ("t_release", "second"),
}
"""Brian2 variable -> (introspection name, Brian2 unit) of the compartment."""

SYNAPTIC_PARAMETERS: dict[str, tuple[str, str]] = {
    "tau_e": ("tau_exc", "second"), "tau_i": ("tau_inh", "second"),
    "scale_e": ("scale_exc", "amp"), "scale_i": ("scale_inh", "amp"),
    "o_e": ("offset_exc", "amp"), "o_i": ("offset_inh", "amp"),
}
"""The same for the CUBA synaptic inputs."""

_DECLARATIONS = "\n".join(
    f"{name} : {unit} (constant)"
    for name, (_, unit) in PARAMETERS.items()
)


def equations(*, synaptic_inputs: bool, noise: bool, flags: bool) -> str:
    """Brian2 model equations of one compartment.

    ``synaptic_inputs`` adds the CUBA exponential inputs ``i_e``/``i_i`` (gated off while
    the reset is held, as with ``enable_pause``); ``noise`` adds the membrane noise
    ``sigma*xi``; ``flags`` makes the exponential term, adaptation and pause per-neuron
    switches (``exp_on``, ``adapt_on``, ``pause``), else all three are on. A spike starts
    the reset: set ``t_end = t + t_ref`` and ``w += b`` in the reset statement.
    """
    exp_on, adapt_on, pause = ("exp_on", "adapt_on", "pause") if flags else ("1", "1", "1")
    syn = " + (1 - pause_held)*(i_e + o_e - i_i - o_i)" if synaptic_inputs else ""
    lines = [
        f"dv/dt = (g_l*(e_l - v) + i_exp - {adapt_on}*w + i_off"
        f" + held*g_reset*(v_reset - v){syn}) / c_m{' + sigma*xi' if noise else ''} : volt",
        f"dw/dt = {adapt_on}*(a*(v - v_al) - (w - w_ref)) / tau_w : amp",
        "x_exp = clip((v - v_t)/delta_t, -1e9, 20) : 1",
        f"i_exp = {exp_on}*(1 - pause_held)*clip(i_exp0*exp(x_exp), 0*amp, 1e-6*amp) : amp",
        # The backend lets the reset go t_rel before the refractory time ends.
        "held = int(t < t_end - t_rel) : 1",
        f"pause_held = {pause}*held : 1",
        "t_end : second",
        _DECLARATIONS,
    ]
    if synaptic_inputs:
        lines += ["di_e/dt = -i_e / tau_e : amp", "di_i/dt = -i_i / tau_i : amp"]
        lines += [f"{n} : {u} (constant)" for n, (_, u) in SYNAPTIC_PARAMETERS.items()]
    if flags:
        lines += ["exp_on : 1 (constant)", "adapt_on : 1 (constant)", "pause : 1 (constant)"]
    if noise:
        lines.append("sigma : volt/second**0.5 (constant)")
    return "\n".join(lines) + "\n"
