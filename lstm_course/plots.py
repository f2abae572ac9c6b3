"""Figures of what happens inside an LSTM: gates, h and c over time, hidden-state heatmaps.

Each function builds a ``matplotlib.figure.Figure`` directly, without ``pyplot``: nothing is
registered with pyplot, ``plt.show()`` is never called and no global style is changed. The figure
carries its own PNG representation, so in a notebook the returned figure, as the last expression of
a cell, is displayed exactly once, whatever the matplotlib backend; elsewhere call
``fig.savefig(...)``. matplotlib is imported on the first call, so that ``import lstm_course`` stays
fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lstm_course._validate import describe_value, is_int
from lstm_course.reference import Gates

if TYPE_CHECKING:
    import matplotlib.figure

__all__ = ["plot_gates", "plot_hidden_heatmap", "plot_states"]

_GATE_TITLES = {
    "input": "input gate i (how much is written)",
    "forget": "forget gate f (how much of c is kept)",
    "candidate": "candidate c~ (what could be written)",
    "output": "output gate o (how much of tanh(c) is shown)",
}
_MAX_LEGEND_UNITS = 10


def _new_figure(width: float, height: float) -> matplotlib.figure.Figure:
    from lstm_course._figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _steps_by_units(values: Any, name: str, sample: Any) -> np.ndarray:
    """Return one sample as a float array of shape (timesteps, units)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a numeric array of shape (timesteps, units) or "
            f"(batch, timesteps, units); got {describe_value(values)}"
        ) from error
    if array.ndim == 3:
        if not is_int(sample):
            raise TypeError(f"sample must be an integer; got {describe_value(sample)}")
        if not -array.shape[0] <= sample < array.shape[0]:
            raise ValueError(
                f"sample must index the batch of {name}, 0 to {array.shape[0] - 1}; got {sample}"
            )
        array = array[sample]
    elif array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (timesteps, units) or 3-D (batch, timesteps, units); "
            f"got shape {tuple(array.shape)}"
        )
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(
            f"{name} must have at least one timestep and one unit; got shape {tuple(array.shape)}"
        )
    return array


def _unit_indices(units: Any, available: int) -> list[int]:
    if units is None:
        return list(range(available))
    if is_int(units):
        units = [units]
    if isinstance(units, (str, bytes)) or not isinstance(units, Sequence) or not units:
        raise TypeError(f"units must be a non-empty list of unit indices; got {describe_value(units)}")
    for unit in units:
        if not is_int(unit) or not 0 <= unit < available:
            raise ValueError(
                f"units must hold indices from 0 to {available - 1}; got {describe_value(units)}"
            )
    return [int(unit) for unit in units]


def _gate_arrays(gates: Any) -> dict[str, Any]:
    if isinstance(gates, Gates):
        return gates._asdict()
    if isinstance(gates, Mapping):
        missing = [name for name in Gates._fields if name not in gates]
        if missing:
            raise TypeError(
                "gates as a dict needs the keys input, forget, candidate, output; "
                f"got keys {', '.join(map(repr, gates)) or '(none)'}"
            )
        return {name: gates[name] for name in Gates._fields}
    raise TypeError(
        "gates must be a Gates tuple (input, forget, candidate, output), as in lstm_trace(...).gates, "
        f"or a dict with those keys; got {describe_value(gates)}"
    )


def _timesteps(count: int) -> np.ndarray:
    return np.arange(1, count + 1)


def _integer_ticks(axes: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def plot_gates(
    gates: Gates | Mapping[str, Any],
    *,
    sample: int = 0,
    units: Sequence[int] | None = None,
    title: str | None = "LSTM gates over time",
) -> matplotlib.figure.Figure:
    """Plot the four gate activations of an LSTM over time, one panel per gate.

    Parameters
    ----------
    gates : Gates or dict
        The gates of every step, e.g. ``lstm_trace(...).gates``: four arrays ``input``,
        ``forget``, ``candidate``, ``output``, each of shape (timesteps, units) or
        (batch, timesteps, units).
    sample : int, default 0
        Which sequence of the batch to plot, for 3-D arrays.
    units : list of int, optional
        Which units to draw; all of them by default. A legend is drawn for up to 10 units.
    title : str or None, default "LSTM gates over time"
        The figure title; None for none.

    Returns
    -------
    matplotlib.figure.Figure
        A 2 x 2 grid: input gate, forget gate, candidate, output gate against the timestep
        (1 to timesteps). The sigmoid gates are drawn on [0, 1], the candidate on [-1, 1].

    Raises
    ------
    TypeError
        If ``gates`` is not a ``Gates`` tuple or a dict with its four keys, or an index is not an
        integer.
    ValueError
        If the arrays are not 2-D or 3-D, do not share one shape, or an index is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import lstm_trace, plot_gates
    >>> rng = np.random.default_rng(0)
    >>> trace = lstm_trace(rng.normal(size=(1, 8, 2)), rng.normal(size=(2, 12)),
    ...                    rng.normal(size=(3, 12)), np.zeros(12))
    >>> fig = plot_gates(trace.gates)
    >>> len(fig.axes)
    4
    """
    arrays = {
        name: _steps_by_units(values, f"gates.{name}", sample) for name, values in _gate_arrays(gates).items()
    }
    shapes = {tuple(array.shape) for array in arrays.values()}
    if len(shapes) != 1:
        found = ", ".join(f"{name} {tuple(array.shape)}" for name, array in arrays.items())
        raise ValueError(f"the four gates must have one shape (timesteps, units); got {found}")
    timesteps, available = arrays["input"].shape
    chosen = _unit_indices(units, available)
    steps = _timesteps(timesteps)

    fig = _new_figure(10, 6)
    grid = fig.subplots(2, 2, sharex=True)
    for axes, (name, array) in zip(grid.flat, arrays.items(), strict=True):
        for unit in chosen:
            axes.plot(steps, array[:, unit], marker="o", markersize=3, label=f"unit {unit}")
        low = -1.0 if name == "candidate" else 0.0
        axes.set_ylim(low - 0.05, 1.05)
        axes.axhline(0.0, color="0.6", linewidth=0.8)
        axes.set_title(_GATE_TITLES[name])
        axes.set_ylabel("tanh value" if name == "candidate" else "sigmoid value")
        axes.grid(alpha=0.3)
        _integer_ticks(axes)
    for axes in grid[1]:
        axes.set_xlabel("timestep")
    if len(chosen) <= _MAX_LEGEND_UNITS:
        handles, labels = grid[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right upper", title="unit")
    if title:
        fig.suptitle(title)
    return fig


def plot_states(
    h: Any,
    c: Any,
    *,
    sample: int = 0,
    units: Sequence[int] | None = None,
    title: str | None = "Hidden state h and cell state c over time",
) -> matplotlib.figure.Figure:
    """Plot the hidden state h and the cell state c over time, side by side.

    Dashed lines mark -1 and 1 in both panels: h = o * tanh(c) always stays between them, while c,
    a running sum, may cross them.

    Parameters
    ----------
    h : array of shape (timesteps, units) or (batch, timesteps, units)
        The hidden state after every step, e.g. ``lstm_trace(...).h``.
    c : array of the same shape as h
        The cell state after every step, e.g. ``lstm_trace(...).c``.
    sample : int, default 0
        Which sequence of the batch to plot, for 3-D arrays.
    units : list of int, optional
        Which units to draw; all of them by default. A legend is drawn for up to 10 units.
    title : str or None, default "Hidden state h and cell state c over time"
        The figure title; None for none.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, h on the left and c on the right, against the timestep (1 to timesteps); a unit
        has the same colour in both.

    Raises
    ------
    TypeError
        If ``h`` or ``c`` is not numeric, or an index is not an integer.
    ValueError
        If ``h`` and ``c`` are not 2-D or 3-D, differ in shape, or an index is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import lstm_trace, plot_states
    >>> rng = np.random.default_rng(0)
    >>> trace = lstm_trace(rng.normal(size=(1, 8, 2)), rng.normal(size=(2, 12)),
    ...                    rng.normal(size=(3, 12)), np.zeros(12))
    >>> fig = plot_states(trace.h, trace.c)
    >>> [axes.get_title() for axes in fig.axes]
    ['hidden state h (always in (-1, 1))', 'cell state c (not bounded)']
    """
    h_steps = _steps_by_units(h, "h", sample)
    c_steps = _steps_by_units(c, "c", sample)
    if h_steps.shape != c_steps.shape:
        raise ValueError(
            "h and c must have the same shape (timesteps, units); "
            f"got h {tuple(h_steps.shape)} and c {tuple(c_steps.shape)}"
        )
    timesteps, available = h_steps.shape
    chosen = _unit_indices(units, available)
    steps = _timesteps(timesteps)

    fig = _new_figure(10, 4)
    h_axes, c_axes = fig.subplots(1, 2, sharex=True)
    for axes, values, name in (
        (h_axes, h_steps, "hidden state h (always in (-1, 1))"),
        (c_axes, c_steps, "cell state c (not bounded)"),
    ):
        for colour, unit in enumerate(chosen):
            axes.plot(
                steps,
                values[:, unit],
                marker="o",
                markersize=3,
                color=f"C{colour % 10}",
                label=f"unit {unit}",
            )
        for bound in (-1.0, 1.0):
            axes.axhline(bound, color="0.4", linestyle="--", linewidth=1.0)
        axes.set_title(name)
        axes.set_xlabel("timestep")
        axes.set_ylabel("value")
        axes.grid(alpha=0.3)
        _integer_ticks(axes)
    h_axes.set_ylim(-1.1, 1.1)
    if len(chosen) <= _MAX_LEGEND_UNITS:
        handles, labels = h_axes.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right upper", title="unit")
    if title:
        fig.suptitle(title)
    return fig


def plot_hidden_heatmap(
    hidden_states: Any,
    *,
    sample: int = 0,
    title: str | None = "Hidden state h at every timestep",
    limit: float | None = None,
) -> matplotlib.figure.Figure:
    """Draw the hidden states of one sequence as a heatmap: units down, timesteps across.

    Parameters
    ----------
    hidden_states : array of shape (timesteps, units) or (batch, timesteps, units)
        For example the output of ``LSTM(units, return_sequences=True)`` or ``lstm_trace(...).h``.
    sample : int, default 0
        Which sequence of the batch to plot, for 3-D arrays.
    title : str or None, default "Hidden state h at every timestep"
        The axes title; None for none.
    limit : float, optional
        The colour scale runs from ``-limit`` to ``limit``, white at 0. By default 1 (the range of
        h), or the largest absolute value if some value lies outside [-1, 1].

    Returns
    -------
    matplotlib.figure.Figure
        One axes (timestep 1 to timesteps across, unit 0 to units - 1 down) and a colourbar.

    Raises
    ------
    TypeError
        If ``hidden_states`` is not numeric, or ``sample`` or ``limit`` has the wrong type.
    ValueError
        If ``hidden_states`` is not 2-D or 3-D, ``sample`` is out of range or ``limit`` is not
        positive.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import plot_hidden_heatmap
    >>> fig = plot_hidden_heatmap(np.tanh(np.random.default_rng(0).normal(size=(12, 4))))
    >>> fig.axes[0].get_xlabel(), fig.axes[1].get_ylabel()
    ('timestep', 'h value')
    """
    values = _steps_by_units(hidden_states, "hidden_states", sample)
    timesteps, units = values.shape
    if limit is None:
        largest = float(np.max(np.abs(values)))
        limit = largest if largest > 1.0 else 1.0
    elif isinstance(limit, bool) or not isinstance(limit, (int, float, np.floating, np.integer)):
        raise TypeError(f"limit must be a positive number; got {describe_value(limit)}")
    elif not np.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit must be a positive number; got {limit!r}")

    fig = _new_figure(min(2.0 + 0.45 * timesteps, 12.0), min(1.5 + 0.35 * units, 8.0))
    axes = fig.subplots()
    image = axes.imshow(
        values.T,
        cmap="RdBu_r",
        vmin=-float(limit),
        vmax=float(limit),
        aspect="auto",
        interpolation="nearest",
        extent=(0.5, timesteps + 0.5, units - 0.5, -0.5),
    )
    axes.set_xlabel("timestep")
    axes.set_ylabel("unit")
    _integer_ticks(axes)
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        axes.set_title(title)
    colourbar = fig.colorbar(image, ax=axes)
    colourbar.set_label("h value")
    return fig
