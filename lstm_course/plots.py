"""Figures of what happens inside an LSTM and around it.

Gates, h and c over time, hidden-state heatmaps and their path in two dimensions; the input
sequences of a task and the training curves of a model.

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

from lstm_course._validate import describe_value, is_int, to_numpy
from lstm_course.reference import Gates

if TYPE_CHECKING:
    import matplotlib.figure

__all__ = [
    "plot_gates",
    "plot_hidden_heatmap",
    "plot_hidden_trajectory",
    "plot_history",
    "plot_sequences",
    "plot_states",
]

_GATE_TITLES = {
    "input": "input gate i (how much is written)",
    "forget": "forget gate f (how much of c is kept)",
    "candidate": "candidate c~ (what could be written)",
    "output": "output gate o (how much of tanh(c) is shown)",
}
_MAX_LEGEND_UNITS = 10
# Line style and marker of the n-th unit drawn by plot_gates, cycled: units whose values coincide
# stay visible (a dashed line over a solid one) and can be told apart without colour.
_UNIT_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"))


def _new_figure(width: float, height: float) -> matplotlib.figure.Figure:
    from lstm_course._figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _steps_by_units(values: Any, name: str, sample: Any) -> np.ndarray:
    """Return one sample as a float array of shape (timesteps, units)."""
    try:
        array = to_numpy(values, dtype=np.float64)
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
        Which units to draw; all of them by default. Each unit has its own colour, line style
        and marker, so that units with equal values stay visible. A legend is drawn for up to
        10 units.
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
        for number, unit in enumerate(chosen):
            linestyle, marker = _UNIT_STYLES[number % len(_UNIT_STYLES)]
            axes.plot(
                steps,
                array[:, unit],
                linestyle=linestyle,
                marker=marker,
                # Later units get smaller, hollow markers: a coinciding earlier one shows around them.
                markersize=5.5 if number % 2 == 0 else 4,
                markerfacecolor="none" if number % 2 else None,
                label=f"unit {unit}",
            )
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
    groups: Sequence[tuple[str, int]] | None = None,
) -> matplotlib.figure.Figure:
    """Draw the hidden states of one sequence as a heatmap: units down, timesteps across.

    Parameters
    ----------
    hidden_states : array of shape (timesteps, units) or (batch, timesteps, units)
        For example the output of ``LSTM(units, return_sequences=True)`` or ``lstm_trace(...).h``.
    sample : int, default 0
        Which sequence of the batch to plot, for 3-D arrays.
    title : str or None, default "Hidden state h at every timestep"
        The axes title, wrapped onto more lines when it is wider than the heatmap; None for none.
    limit : float, optional
        The colour scale runs from ``-limit`` to ``limit``, white at 0. By default 1 (the range of
        h), or the largest absolute value if some value lies outside [-1, 1].
    groups : list of (str, int) pairs, optional
        Consecutive groups of units, top to bottom, as (name, number of units), whose numbers add
        up to ``units``: for example ``[("forward", 4), ("backward", 4)]`` for the output of
        ``Bidirectional(LSTM(4, return_sequences=True))``. A black line is drawn between two
        groups, and each group's name is written beside its rows, on the right of the heatmap.

    Returns
    -------
    matplotlib.figure.Figure
        One axes (timestep 1 to timesteps across, unit 0 to units - 1 down) and a colourbar.

    Raises
    ------
    TypeError
        If ``hidden_states`` is not numeric, or ``sample``, ``limit`` or ``groups`` has the wrong
        type.
    ValueError
        If ``hidden_states`` is not 2-D or 3-D, ``sample`` is out of range, ``limit`` is not
        positive, or the sizes in ``groups`` are not positive or do not add up to ``units``.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import plot_hidden_heatmap
    >>> fig = plot_hidden_heatmap(np.tanh(np.random.default_rng(0).normal(size=(12, 4))))
    >>> fig.axes[0].get_xlabel(), fig.axes[1].get_ylabel()
    ('timestep', 'h value')
    >>> fig = plot_hidden_heatmap(np.zeros((5, 8)), groups=[("forward", 4), ("backward", 4)])
    >>> [line.get_ydata()[0] for line in fig.axes[0].lines]  # between units 3 and 4
    [3.5]
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
    named_groups = None if groups is None else _unit_groups(groups, units)

    width = min(2.0 + 0.45 * timesteps, 12.0) + (0.3 if named_groups else 0.0)
    fig = _new_figure(width, min(1.5 + 0.35 * units, 8.0))
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
    if named_groups:
        _mark_unit_groups(axes, named_groups)
    if title:
        # The heatmap is narrow for few timesteps: wrap the title to the width of the axes (the
        # figure less the labels and the colourbar) rather than let the figure's edge clip it.
        import textwrap

        axes_inches = width - (2.0 if named_groups else 1.7)
        characters = max(16, int(axes_inches * 72 / (0.62 * 12)))  # 12 pt title, ~0.62 em a letter
        axes.set_title(textwrap.fill(title, characters, break_long_words=False))
    colourbar = fig.colorbar(image, ax=axes)
    colourbar.set_label("h value")
    return fig


def _unit_groups(groups: Any, units: int) -> list[tuple[str, int]]:
    """Check ``groups`` of plot_hidden_heatmap: (name, size) pairs whose sizes add up to units."""
    message = "groups must be a non-empty list of (name, number of units) pairs"
    if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence) or not groups:
        raise TypeError(f"{message}; got {describe_value(groups)}")
    checked = []
    for group in groups:
        if (
            isinstance(group, (str, bytes))
            or not isinstance(group, Sequence)
            or len(group) != 2
            or not isinstance(group[0], str)
            or not is_int(group[1])
        ):
            raise TypeError(f"{message}; got {describe_value(groups)}")
        if group[1] < 1:
            raise ValueError(f"groups must have at least one unit each; got {describe_value(groups)}")
        checked.append((group[0], int(group[1])))
    total = sum(size for _, size in checked)
    if total != units:
        raise ValueError(
            f"the sizes in groups must add up to the {units} units of hidden_states; "
            f"got {' + '.join(str(size) for _, size in checked)} = {total}"
        )
    return checked


def _mark_unit_groups(axes: Any, groups: list[tuple[str, int]]) -> None:
    """Draw a line between consecutive groups of rows and name each group on the right."""
    first_units = np.cumsum([0] + [size for _, size in groups])
    for boundary in first_units[1:-1]:
        axes.axhline(float(boundary) - 0.5, color="black", linewidth=2.5)
    names = axes.secondary_yaxis("right")
    names.set_yticks(
        [start + (size - 1) / 2 for start, (_, size) in zip(first_units[:-1], groups, strict=True)],
        [name for name, _ in groups],
        rotation=90,
        va="center",
    )
    names.tick_params(length=0)


# ------------------------------------------------------------------------------- tasks and training


def _per_step_labels(labels: Any, shape: tuple[int, int], name: str) -> np.ndarray:
    """Labels of shape (batch, timesteps) from (batch, timesteps) or (batch, timesteps, 1)."""
    try:
        array = to_numpy(labels, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array; got {describe_value(labels)}") from error
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.shape != shape:
        raise ValueError(
            f"{name} must have shape {shape} or {(*shape, 1)} (one label per step); "
            f"got shape {tuple(array.shape)}"
        )
    return array


def plot_sequences(
    x: Any,
    *,
    samples: Sequence[int] = (0, 1),
    labels: Any = None,
    running_sum: bool = False,
    title: str | None = "Input sequences",
    names: Sequence[str] | None = None,
) -> matplotlib.figure.Figure:
    """Plot a few one-feature input sequences over time, one panel each, with their labels.

    Parameters
    ----------
    x : array of shape (batch, timesteps, 1) or (batch, timesteps)
        The inputs, e.g. from ``make_classification_data`` or ``make_labelling_data``.
    samples : list of int, default (0, 1)
        Which sequences of the batch to draw, one panel each, top to bottom.
    labels : array, optional
        Either one label per sequence, shape (batch,) or (batch, 1), written in each panel's
        title; or one label per step, shape (batch, timesteps) or (batch, timesteps, 1), drawn as
        a shaded background behind the steps whose label is not 0.
    running_sum : bool, default False
        Also draw the running sum of the sequence, ``x[0] + ... + x[t]``, as a dashed line.
    title : str or None, default "Input sequences"
        The figure title; None for none.
    names : list of str, optional
        One name per sample, which starts its panel's title instead of ``"sequence {sample}"``
        (the index in ``x``). Give it when ``x`` is a slice of a larger batch, so that the title
        names the sequence the reader knows: ``plot_sequences(x[16:17], samples=[0],
        names=["held-out sequence 16"])``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per sample, the value against the timestep (1 to timesteps), sharing both axes.
        Each panel is titled with the sample's index in ``x`` (or its name), and its label when
        there is one label per sequence.

    Raises
    ------
    TypeError
        If ``x`` or ``labels`` is not numeric, ``samples`` is not a list of integers, or ``names``
        is not a list of strings.
    ValueError
        If ``x`` has more than one feature or no step, a sample is out of range, ``labels`` fits
        neither shape, or ``names`` does not give one name per sample.

    Examples
    --------
    >>> from lstm_course import make_labelling_data, plot_sequences
    >>> x, y = make_labelling_data(3, 10, seed=0)
    >>> fig = plot_sequences(x, samples=[0, 2], labels=y, running_sum=True)
    >>> [axes.get_title() for axes in fig.axes]
    ['sequence 0', 'sequence 2']
    >>> fig = plot_sequences(x[2:3], samples=[0], names=["sequence 2"])
    >>> [axes.get_title() for axes in fig.axes]
    ['sequence 2']
    """
    try:
        values = to_numpy(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"x must be a numeric array of shape (batch, timesteps, 1); got {describe_value(x)}"
        ) from error
    if values.ndim == 3 and values.shape[2] == 1:
        values = values[:, :, 0]
    if values.ndim != 2 or values.shape[0] < 1 or values.shape[1] < 1:
        raise ValueError(
            "x must have shape (batch, timesteps, 1) or (batch, timesteps), one feature per step; "
            f"got shape {tuple(np.shape(x))}"
        )
    batch, timesteps = values.shape
    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence) or not samples:
        raise TypeError(f"samples must be a non-empty list of integers; got {describe_value(samples)}")
    for sample in samples:
        if not is_int(sample):
            raise TypeError(f"samples must be a non-empty list of integers; got {describe_value(samples)}")
        if not 0 <= sample < batch:
            raise ValueError(f"samples must index the batch of x, 0 to {batch - 1}; got {list(samples)}")
    if names is None:
        headings = [f"sequence {sample}" for sample in samples]
    else:
        if (
            isinstance(names, (str, bytes))
            or not isinstance(names, Sequence)
            or not all(isinstance(name, str) for name in names)
        ):
            raise TypeError(f"names must be a list of strings, one per sample; got {describe_value(names)}")
        if len(names) != len(samples):
            raise ValueError(
                f"names must give one name per sample: {len(samples)} samples but {len(names)} names"
            )
        headings = list(names)

    sequence_labels = step_labels = None
    if labels is not None:
        if np.shape(labels) in ((batch,), (batch, 1)):
            sequence_labels = to_numpy(labels).reshape(batch)
        else:
            step_labels = _per_step_labels(labels, (batch, timesteps), "labels")

    steps = _timesteps(timesteps)
    fig = _new_figure(8, 0.4 + 1.9 * len(samples))
    grid = fig.subplots(len(samples), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
    for axes, sample, heading in zip(grid, samples, headings, strict=True):
        if step_labels is not None:
            marked = step_labels[sample] != 0
            for step in steps[marked]:
                axes.axvspan(step - 0.5, step + 0.5, color="C2", alpha=0.18, linewidth=0)
        axes.plot(steps, values[sample], marker="o", markersize=3, color="C0", label="input x")
        if running_sum:
            axes.plot(steps, np.cumsum(values[sample]), linestyle="--", color="C1", label="running sum")
        axes.axhline(0.0, color="0.6", linewidth=0.8)
        if sequence_labels is not None:
            label = sequence_labels[sample]
            label = int(label) if float(label).is_integer() else label
            heading += f": label {label}"
        axes.set_title(heading)
        axes.set_ylabel("value")
        axes.grid(alpha=0.3)
        _integer_ticks(axes)
    grid[-1].set_xlabel("timestep")
    grid[-1].set_xlim(0.5, timesteps + 0.5)
    handles, names = grid[0].get_legend_handles_labels()
    if step_labels is not None:
        from matplotlib.patches import Patch

        handles.append(Patch(color="C2", alpha=0.18))
        names.append("label 1")
    if len(handles) > 1:
        fig.legend(handles, names, loc="outside right upper")
    if title:
        fig.suptitle(title)
    return fig


def _history_dict(history: Any) -> dict[str, np.ndarray]:
    """``History.history`` (or a History) as a dict of equally long 1-D float arrays."""
    record = getattr(history, "history", history)
    if not isinstance(record, Mapping) or not record:
        raise TypeError(
            "history must be a non-empty dict of metric name to per-epoch values, such as "
            f"model.fit(...).history; got {describe_value(history)}"
        )
    arrays: dict[str, np.ndarray] = {}
    for name, values in record.items():
        if not isinstance(name, str):
            raise TypeError(f"history keys must be metric names (str); got {name!r}")
        try:
            array = to_numpy(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"history[{name!r}] must be a list of numbers, one per epoch; got {describe_value(values)}"
            ) from error
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"history[{name!r}] must be a non-empty list of numbers, one per epoch; "
                f"got shape {tuple(array.shape)}"
            )
        arrays[name] = array
    lengths = {name: array.size for name, array in arrays.items()}
    if len(set(lengths.values())) != 1:
        found = ", ".join(f"{name} {size}" for name, size in lengths.items())
        raise ValueError(f"every metric in history must have one value per epoch; got lengths {found}")
    return arrays


def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] | None = None,
    title: str | None = "Training history",
) -> matplotlib.figure.Figure:
    """Plot training curves, one panel per metric, with the validation curve beside the training one.

    Parameters
    ----------
    history : dict or keras.callbacks.History
        What ``model.fit`` returns, or its ``.history`` dict: metric name to one value per epoch,
        for example ``{"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}``.
    metrics : list of str, optional
        Which metrics to draw, without the ``val_`` prefix; by default every metric that does not
        start with ``val_``, in the order of the dict. A metric whose ``val_`` twin is present gets
        a dashed validation curve.
    title : str or None, default "Training history"
        The figure title; None for none.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per metric, side by side, against the epoch (1 to epochs).

    Raises
    ------
    TypeError
        If ``history`` is not a non-empty dict of lists of numbers, or ``metrics`` is not a list of
        names.
    ValueError
        If the metrics have different numbers of epochs, or a requested metric is missing.

    Examples
    --------
    >>> from lstm_course import plot_history
    >>> fig = plot_history({"loss": [0.7, 0.4, 0.3], "val_loss": [0.72, 0.5, 0.41],
    ...                     "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.5, 0.75, 0.88]})
    >>> [axes.get_title() for axes in fig.axes]
    ['loss', 'accuracy']
    """
    arrays = _history_dict(history)
    if metrics is None:
        chosen = [name for name in arrays if not name.startswith("val_")] or list(arrays)
    else:
        if isinstance(metrics, (str, bytes)) or not isinstance(metrics, Sequence) or not metrics:
            raise TypeError(
                f"metrics must be a non-empty list of metric names; got {describe_value(metrics)}"
            )
        chosen = list(metrics)
        missing = [name for name in chosen if name not in arrays]
        if missing:
            raise ValueError(
                f"metrics {', '.join(map(repr, missing))} not in history; "
                f"it has {', '.join(map(repr, arrays))}"
            )
    epochs = _timesteps(next(iter(arrays.values())).size)

    fig = _new_figure(min(4.0 * len(chosen) + 1.0, 12.0), 3.5)
    grid = fig.subplots(1, len(chosen), squeeze=False)[0]
    for axes, name in zip(grid, chosen, strict=True):
        axes.plot(epochs, arrays[name], marker="o", markersize=3, color="C0", label="training")
        if f"val_{name}" in arrays:
            axes.plot(
                epochs,
                arrays[f"val_{name}"],
                marker="o",
                markersize=3,
                linestyle="--",
                color="C1",
                label="validation",
            )
            axes.legend()
        axes.set_title(name)
        axes.set_xlabel("epoch")
        axes.set_ylabel(name)
        axes.grid(alpha=0.3)
        _integer_ticks(axes)
    if title:
        fig.suptitle(title)
    return fig


def _principal_path(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project rows (timesteps, units) on their first two principal components.

    Returns the (timesteps, 2) coordinates and the fraction of the variance along each component.
    Each component's sign is fixed so that its largest loading is positive, so the picture does
    not flip between machines.
    """
    centred = values - values.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    directions = directions[:2]
    largest = np.argmax(np.abs(directions), axis=1)
    signs = np.sign(directions[np.arange(directions.shape[0]), largest])
    signs[signs == 0] = 1.0
    directions = directions * signs[:, None]
    coordinates = centred @ directions.T
    if coordinates.shape[1] < 2:
        coordinates = np.column_stack([coordinates, np.zeros(len(coordinates))])
    total = float(np.sum(singular**2))
    fractions = singular[:2] ** 2 / total if total > 0 else np.zeros(2)
    fractions = np.concatenate([fractions, np.zeros(2 - fractions.size)])
    return coordinates, fractions


def _trajectory_labels(labels: Any, hidden_shape: tuple[int, ...], timesteps: int, sample: int) -> np.ndarray:
    """One label per step of the plotted sequence, from labels of that sequence or of the batch."""
    try:
        array = to_numpy(labels, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"labels must be a numeric array; got {describe_value(labels)}") from error
    if array.shape in ((timesteps,), (timesteps, 1)):
        return array.reshape(timesteps)
    if len(hidden_shape) == 3:
        batch = hidden_shape[0]
        if array.shape in ((batch, timesteps), (batch, timesteps, 1)):
            return array.reshape(batch, timesteps)[sample]
    raise ValueError(
        f"labels must give one label per step, shape ({timesteps},), or per step of the batch, "
        f"(batch, {timesteps}); got shape {tuple(array.shape)}"
    )


def plot_hidden_trajectory(
    hidden_states: Any,
    *,
    sample: int = 0,
    labels: Any = None,
    title: str | None = "Path of the hidden state over time",
) -> matplotlib.figure.Figure:
    """Draw the path of one sequence's hidden state over time, projected on two dimensions.

    The hidden states of the sequence, one vector of width ``units`` per step, are projected on
    their first two principal components (computed with NumPy's SVD after subtracting their
    mean), and joined in time order; the axis labels say how much of the variance each component
    holds.

    Parameters
    ----------
    hidden_states : array of shape (timesteps, units) or (batch, timesteps, units)
        For example the output of ``LSTM(units, return_sequences=True)``.
    sample : int, default 0
        Which sequence of the batch to plot, for a 3-D array.
    labels : array, optional
        One label per step of that sequence, shape (timesteps,) or (timesteps, 1), or of the
        whole batch, (batch, timesteps) or (batch, timesteps, 1): each point is coloured by its
        label. By default the points are coloured by timestep.
    title : str or None, default "Path of the hidden state over time"
        The axes title; None for none.

    Returns
    -------
    matplotlib.figure.Figure
        One axes (PC 1 across, PC 2 up) with the first and last steps marked; a legend of the
        labels, or a colourbar of the timesteps.

    Raises
    ------
    TypeError
        If ``hidden_states`` or ``labels`` is not numeric, or ``sample`` is not an integer.
    ValueError
        If ``hidden_states`` is not 2-D or 3-D, has fewer than 2 timesteps, ``sample`` is out of
        range, or ``labels`` does not give one label per step.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import plot_hidden_trajectory
    >>> h = np.tanh(np.random.default_rng(0).normal(size=(12, 4)).cumsum(axis=0))
    >>> fig = plot_hidden_trajectory(h, labels=np.arange(12) >= 6)
    >>> fig.axes[0].get_xlabel().startswith("PC 1")
    True
    """
    values = _steps_by_units(hidden_states, "hidden_states", sample)
    timesteps = values.shape[0]
    if timesteps < 2:
        raise ValueError(
            f"hidden_states must have at least 2 timesteps to draw a path; got shape {tuple(values.shape)}"
        )
    step_labels = None
    if labels is not None:
        step_labels = _trajectory_labels(labels, np.shape(hidden_states), timesteps, sample)
    coordinates, fractions = _principal_path(values)

    fig = _new_figure(6.5, 5)
    axes = fig.subplots()
    axes.plot(coordinates[:, 0], coordinates[:, 1], color="0.6", linewidth=1.0, zorder=1)
    if step_labels is None:
        from matplotlib import colormaps

        points = axes.scatter(
            coordinates[:, 0],
            coordinates[:, 1],
            c=_timesteps(timesteps),
            cmap=colormaps["viridis"],
            s=30,
            zorder=2,
        )
        fig.colorbar(points, ax=axes).set_label("timestep")
    else:
        for colour, value in enumerate(np.unique(step_labels)):
            chosen = step_labels == value
            shown = int(value) if float(value).is_integer() else value
            axes.scatter(
                coordinates[chosen, 0],
                coordinates[chosen, 1],
                color=f"C{colour % 10}",
                s=30,
                zorder=2,
                label=f"label {shown}",
            )
        axes.legend()
    for index, text in ((0, "step 1"), (timesteps - 1, f"step {timesteps}")):
        axes.annotate(
            text,
            coordinates[index],
            textcoords="offset points",
            xytext=(6, 6),
            fontsize=9,
        )
    axes.set_xlabel(f"PC 1 ({fractions[0]:.0%} of the variance)")
    axes.set_ylabel(f"PC 2 ({fractions[1]:.0%} of the variance)")
    axes.grid(alpha=0.3)
    if title:
        axes.set_title(title)
    return fig
