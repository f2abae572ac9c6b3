"""The plot helpers return labelled Figures, never show them and leave pyplot and rcParams alone."""

from __future__ import annotations

import io
import os
import re

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lstm_course import (  # noqa: E402
    Gates,
    lstm_trace,
    make_classification_data,
    make_labelling_data,
    plot_gates,
    plot_hidden_heatmap,
    plot_hidden_trajectory,
    plot_history,
    plot_sequences,
    plot_states,
)


@pytest.fixture(autouse=True)
def no_show_no_leak(monkeypatch):
    """Fail if a helper calls plt.show(); close anything left behind; compare rcParams."""

    def forbidden_show(*args, **kwargs):
        raise AssertionError("a plot helper called plt.show()")

    monkeypatch.setattr(plt, "show", forbidden_show)
    before = dict(matplotlib.rcParams)
    yield
    leaked = plt.get_fignums()
    plt.close("all")
    assert leaked == [], "a plot helper registered a figure with pyplot"
    assert dict(matplotlib.rcParams) == before, "a plot helper changed rcParams"


@pytest.fixture
def trace():
    rng = np.random.default_rng(0)
    return lstm_trace(
        rng.normal(size=(2, 8, 3)),
        rng.normal(size=(3, 16)),
        rng.normal(size=(4, 16)),
        rng.normal(size=16),
    )


def render(fig: Figure) -> None:
    """Draw the figure to PNG, as a notebook would, to catch errors that only appear on draw."""
    fig.savefig(io.BytesIO(), format="png")


def test_plot_gates_returns_a_figure_with_one_labelled_panel_per_gate(trace):
    fig = plot_gates(trace.gates)
    render(fig)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4
    titles = [axes.get_title() for axes in fig.axes]
    assert titles[0].startswith("input gate") and titles[3].startswith("output gate")
    assert all(axes.get_ylabel() for axes in fig.axes)
    assert [axes.get_xlabel() for axes in fig.axes[2:]] == ["timestep", "timestep"]
    assert fig.get_suptitle() == "LSTM gates over time"
    assert len(fig.legends) == 1
    assert [text.get_text() for text in fig.legends[0].get_texts()] == [f"unit {unit}" for unit in range(4)]
    assert len(fig.axes[0].lines) == 4 + 1  # one line per unit and the zero line


def test_plot_gates_draws_timesteps_from_one_and_only_the_chosen_units(trace):
    fig = plot_gates(trace.gates, sample=1, units=[2], title=None)
    first_line = fig.axes[1].lines[0]
    np.testing.assert_array_equal(first_line.get_xdata(), np.arange(1, 9))
    np.testing.assert_array_equal(first_line.get_ydata(), trace.gates.forget[1, :, 2])
    assert fig.get_suptitle() == ""


def test_plot_gates_gives_each_unit_its_own_line_style_so_equal_values_stay_visible():
    # Both units have the same gates: the second line lies on the first and must differ in style.
    gates = Gates(*(np.full((5, 2), 0.5) for _ in range(4)))
    fig = plot_gates(gates)
    render(fig)
    for axes in fig.axes:
        first, second = axes.lines[:2]
        np.testing.assert_array_equal(first.get_ydata(), second.get_ydata())
        assert first.get_linestyle() != second.get_linestyle()
        assert first.get_marker() != second.get_marker()
        assert first.get_color() != second.get_color()
    legend_lines = fig.legends[0].get_lines()
    assert [line.get_linestyle() for line in legend_lines] == ["-", "--"]


def test_plot_gates_accepts_a_dict_of_2d_arrays(trace):
    gates = {name: getattr(trace.gates, name)[0] for name in Gates._fields}
    assert isinstance(plot_gates(gates), Figure)


def test_plot_gates_omits_the_legend_for_many_units():
    gates = Gates(*(np.full((3, 12), 0.5) for _ in range(4)))
    assert plot_gates(gates).legends == []


def test_plot_states_shows_h_within_bounds_and_c_beside_it(trace):
    fig = plot_states(trace.h, trace.c)
    render(fig)
    h_axes, c_axes = fig.axes
    assert h_axes.get_title() == "hidden state h (always in (-1, 1))"
    assert c_axes.get_title() == "cell state c (not bounded)"
    assert h_axes.get_xlabel() == c_axes.get_xlabel() == "timestep"
    assert h_axes.get_ylim() == (-1.1, 1.1)
    dashed = [line for line in c_axes.lines if line.get_linestyle() == "--"]
    assert sorted(line.get_ydata()[0] for line in dashed) == [-1.0, 1.0]
    assert len(fig.legends) == 1
    # The same unit has the same colour in both panels.
    assert h_axes.lines[3].get_color() == c_axes.lines[3].get_color()


def test_plot_hidden_heatmap_has_axes_labels_and_a_colourbar(trace):
    fig = plot_hidden_heatmap(trace.h, sample=1)
    render(fig)
    heatmap_axes, colourbar_axes = fig.axes
    assert heatmap_axes.get_xlabel() == "timestep"
    assert heatmap_axes.get_ylabel() == "unit"
    assert heatmap_axes.get_title() == "Hidden state h at every timestep"
    assert colourbar_axes.get_ylabel() == "h value"
    image = heatmap_axes.images[0]
    np.testing.assert_array_equal(image.get_array(), trace.h[1].T)
    assert image.get_clim() == (-1.0, 1.0)


def test_plot_hidden_heatmap_widens_the_colour_scale_for_values_beyond_one():
    fig = plot_hidden_heatmap(np.array([[0.5, -3.0], [2.0, 0.0]]))
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    fig = plot_hidden_heatmap(np.zeros((2, 2)), limit=0.25)
    assert fig.axes[0].images[0].get_clim() == (-0.25, 0.25)


def test_plot_hidden_heatmap_separates_and_names_groups_of_units():
    fig = plot_hidden_heatmap(np.zeros((5, 8)), groups=[("forward", 4), ("backward", 4)])
    render(fig)
    heatmap_axes, colourbar_axes = fig.axes
    # One separator, between unit 3 and unit 4 (rows are centred on the unit numbers).
    (separator,) = heatmap_axes.lines
    np.testing.assert_array_equal(separator.get_ydata(), [3.5, 3.5])
    (names,) = heatmap_axes.child_axes
    assert [label.get_text() for label in names.get_yticklabels()] == ["forward", "backward"]
    np.testing.assert_array_equal(names.get_yticks(), [1.5, 5.5])
    three = plot_hidden_heatmap(np.zeros((3, 6)), groups=[("a", 1), ("b", 2), ("c", 3)])
    assert [line.get_ydata()[0] for line in three.axes[0].lines] == [0.5, 2.5]


def test_plot_hidden_heatmap_without_groups_draws_no_separator(trace):
    fig = plot_hidden_heatmap(trace.h)
    assert len(fig.axes[0].lines) == 0 and fig.axes[0].child_axes == []


@pytest.mark.parametrize("timesteps", [1, 3, 5, 12])
def test_plot_hidden_heatmap_wraps_a_long_title_inside_the_figure(timesteps):
    title = "Bidirectional output: forward 0-3, backward 4-7, and a few more words"
    fig = plot_hidden_heatmap(np.zeros((timesteps, 8)), title=title, groups=[("forward", 4), ("backward", 4)])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    heading = fig.axes[0].title
    assert heading.get_text().replace("\n", " ") == title
    box = heading.get_window_extent(canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 8)), groups=[("forward", 4), ("backward", 3)]),
            ValueError,
            r"the sizes in groups must add up to the 8 units of hidden_states; got 4 \+ 3 = 7",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 8)), groups=[("forward", 8), ("backward", 0)]),
            ValueError,
            r"groups must have at least one unit each; got \[\('forward', 8\), \('backward', 0\)\]",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 8)), groups={"forward": 4, "backward": 4}),
            TypeError,
            r"groups must be a non-empty list of \(name, number of units\) pairs; got \{'forward': 4",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 8)), groups=[(4, "forward"), (4, "backward")]),
            TypeError,
            r"groups must be a non-empty list of \(name, number of units\) pairs; got \[\(4, 'forward'\)",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros(5)),
            ValueError,
            r"hidden_states must be 2-D \(timesteps, units\) or 3-D \(batch, timesteps, units\); "
            r"got shape \(5,\)",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((2, 4, 3)), sample=2),
            ValueError,
            r"sample must index the batch of hidden_states, 0 to 1; got 2",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((2, 4, 3)), sample=0.0),
            TypeError,
            r"sample must be an integer; got 0\.0",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 3)), limit=-1.0),
            ValueError,
            r"limit must be a positive number; got -1\.0",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((4, 3)), limit="1"),
            TypeError,
            r"limit must be a positive number; got '1'",
        ),
        (
            lambda: plot_hidden_heatmap([["a", "b"]]),
            TypeError,
            r"hidden_states must be a numeric array of shape \(timesteps, units\) or "
            r"\(batch, timesteps, units\); got \[\['a', 'b'\]\]",
        ),
        (
            lambda: plot_hidden_heatmap(np.zeros((0, 3))),
            ValueError,
            r"hidden_states must have at least one timestep and one unit; got shape \(0, 3\)",
        ),
        (
            lambda: plot_states(np.zeros((4, 3)), np.zeros((4, 2))),
            ValueError,
            r"h and c must have the same shape \(timesteps, units\); got h \(4, 3\) and c \(4, 2\)",
        ),
        (
            lambda: plot_states(np.zeros((4, 3)), np.zeros((4, 3)), units=[3]),
            ValueError,
            r"units must hold indices from 0 to 2; got \[3\]",
        ),
        (
            lambda: plot_states(np.zeros((4, 3)), np.zeros((4, 3)), units="all"),
            TypeError,
            r"units must be a non-empty list of unit indices; got 'all'",
        ),
        (
            lambda: plot_gates(np.zeros((4, 3))),
            TypeError,
            r"gates must be a Gates tuple \(input, forget, candidate, output\), as in "
            r"lstm_trace\(\.\.\.\)\.gates, or a dict with those keys; got an array of shape \(4, 3\)",
        ),
        (
            lambda: plot_gates({"input": np.zeros((4, 3))}),
            TypeError,
            r"gates as a dict needs the keys input, forget, candidate, output; got keys 'input'$",
        ),
        (
            lambda: plot_gates(Gates(np.zeros((4, 3)), np.zeros((4, 3)), np.zeros((4, 3)), np.zeros((5, 3)))),
            ValueError,
            r"the four gates must have one shape \(timesteps, units\); got input \(4, 3\), "
            r"forget \(4, 3\), candidate \(4, 3\), output \(5, 3\)",
        ),
    ],
)
def test_plot_helpers_reject_bad_input_naming_expected_and_received(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("helper", ["gates", "states", "heatmap"])
def test_returned_figure_displays_in_jupyter_as_one_png_without_pyplot(trace, helper):
    from IPython.core.formatters import DisplayFormatter

    fig = {
        "gates": lambda: plot_gates(trace.gates),
        "states": lambda: plot_states(trace.h, trace.c),
        "heatmap": lambda: plot_hidden_heatmap(trace.h),
    }[helper]()
    data, _ = DisplayFormatter().format(fig)
    assert set(data) == {"image/png", "text/plain"}
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert re.fullmatch(r"<Figure size \d+x\d+ with \d Axes>", data["text/plain"])


# ------------------------------------------------------------- sequences, training curves, paths

HISTORY = {
    "loss": [0.7, 0.5, 0.3],
    "accuracy": [0.5, 0.8, 0.9],
    "val_loss": [0.72, 0.55, 0.4],
    "val_accuracy": [0.45, 0.75, 0.85],
}


def test_plot_history_draws_one_panel_per_metric_with_its_validation_curve_dashed():
    fig = plot_history(HISTORY)
    render(fig)
    assert isinstance(fig, Figure)
    assert [axes.get_title() for axes in fig.axes] == ["loss", "accuracy"]
    assert fig.get_suptitle() == "Training history"
    loss_axes = fig.axes[0]
    assert loss_axes.get_xlabel() == "epoch" and loss_axes.get_ylabel() == "loss"
    training, validation = loss_axes.lines
    np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(training.get_ydata(), HISTORY["loss"])
    np.testing.assert_array_equal(validation.get_ydata(), HISTORY["val_loss"])
    assert training.get_linestyle() == "-" and validation.get_linestyle() == "--"
    assert [text.get_text() for text in loss_axes.get_legend().get_texts()] == ["training", "validation"]


def test_plot_history_accepts_a_history_object_chosen_metrics_and_no_validation():
    class History:  # what model.fit returns: the dict is its .history
        history = {"loss": [1.0, 0.5], "mae": [0.9, 0.4]}

    fig = plot_history(History(), metrics=["mae"], title=None)
    assert [axes.get_title() for axes in fig.axes] == ["mae"]
    assert len(fig.axes[0].lines) == 1 and fig.axes[0].get_legend() is None
    assert fig.get_suptitle() == ""


def test_plot_history_of_a_single_epoch_draws_a_point():
    fig = plot_history({"loss": [0.3]})
    render(fig)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), [1])


def test_plot_sequences_titles_panels_with_sequence_labels():
    x, y = make_classification_data(6, 12, seed=0)
    fig = plot_sequences(x, samples=[0, 1, 5], labels=y)
    render(fig)
    titles = [axes.get_title() for axes in fig.axes]
    assert titles == [f"sequence {i}: label {int(y[i, 0])}" for i in (0, 1, 5)]
    np.testing.assert_array_equal(fig.axes[2].lines[0].get_ydata(), x[5, :, 0])
    np.testing.assert_array_equal(fig.axes[2].lines[0].get_xdata(), np.arange(1, 13))
    assert fig.axes[-1].get_xlabel() == "timestep"
    assert fig.get_suptitle() == "Input sequences"


def test_plot_sequences_titles_name_the_drawn_sample_in_any_order():
    x, y = make_classification_data(6, 12, seed=0)
    positive, negative = int(np.flatnonzero(y[:, 0] == 1)[0]), int(np.flatnonzero(y[:, 0] == 0)[0])
    fig = plot_sequences(x, samples=[negative, positive], labels=y)
    for axes, sample in zip(fig.axes, [negative, positive], strict=True):
        np.testing.assert_array_equal(axes.lines[0].get_ydata(), x[sample, :, 0])
        assert axes.get_title() == f"sequence {sample}: label {int(y[sample, 0])}"
    assert [axes.get_title()[-1] for axes in fig.axes] == ["0", "1"]


def test_plot_sequences_names_a_slice_by_the_sequence_it_came_from():
    x, y = make_labelling_data(20, 8, seed=0)
    fig = plot_sequences(x[16:17], samples=[0], labels=y[16:17], names=["held-out sequence 16"])
    render(fig)
    assert [axes.get_title() for axes in fig.axes] == ["held-out sequence 16"]
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), x[16, :, 0])
    fig = plot_sequences(x, samples=[3, 4], labels=y[:, 0, 0], names=["first", "second"])
    assert [axes.get_title() for axes in fig.axes] == [
        f"first: label {int(y[3, 0, 0])}",
        f"second: label {int(y[4, 0, 0])}",
    ]


def test_plot_sequences_shades_steps_labelled_one_and_draws_the_running_sum():
    x, y = make_labelling_data(3, 10, seed=0)
    fig = plot_sequences(x, samples=[1], labels=y, running_sum=True)
    render(fig)
    axes = fig.axes[0]
    assert len(axes.patches) == int(y[1].sum())
    running = [line for line in axes.lines if line.get_label() == "running sum"]
    np.testing.assert_allclose(running[0].get_ydata(), np.cumsum(x[1, :, 0]), atol=1e-6)
    legend = [text.get_text() for text in fig.legends[0].get_texts()]
    assert legend == ["input x", "running sum", "label 1"]


def test_plot_sequences_accepts_2d_inputs_without_labels():
    fig = plot_sequences(np.zeros((2, 4)), samples=[1], title=None)
    assert [axes.get_title() for axes in fig.axes] == ["sequence 1"]
    assert fig.legends == []


def test_plot_hidden_trajectory_projects_on_the_first_two_principal_components():
    rng = np.random.default_rng(0)
    # Points on a line in 5-D: all the variance lies along the first component.
    direction = rng.normal(size=5)
    h = np.outer(np.linspace(-1, 1, 9), direction) + 0.3
    fig = plot_hidden_trajectory(h, title=None)
    render(fig)
    path_axes, colourbar_axes = fig.axes
    assert path_axes.get_xlabel() == "PC 1 (100% of the variance)"
    assert path_axes.get_ylabel() == "PC 2 (0% of the variance)"
    assert colourbar_axes.get_ylabel() == "timestep"
    xs, ys = path_axes.lines[0].get_xdata(), path_axes.lines[0].get_ydata()
    np.testing.assert_allclose(
        np.abs(xs), np.abs(np.linspace(-1, 1, 9)) * np.linalg.norm(direction), atol=1e-12
    )
    np.testing.assert_allclose(ys, 0, atol=1e-9)
    assert [text.get_text() for text in path_axes.texts] == ["step 1", "step 9"]


def test_plot_hidden_trajectory_does_not_flip_when_the_states_are_shifted():
    h = np.tanh(np.random.default_rng(1).normal(size=(10, 4)).cumsum(axis=0))
    first = plot_hidden_trajectory(h).axes[0].lines[0].get_xydata()
    shifted = plot_hidden_trajectory(h + 5.0).axes[0].lines[0].get_xydata()
    np.testing.assert_allclose(first, shifted, atol=1e-9)


def test_plot_hidden_trajectory_colours_points_by_label_for_one_sequence_or_the_batch():
    h = np.tanh(np.random.default_rng(2).normal(size=(3, 8, 4)))
    labels = (np.arange(24).reshape(3, 8, 1) % 3 == 0).astype(float)
    fig = plot_hidden_trajectory(h, sample=2, labels=labels)
    render(fig)
    axes = fig.axes[0]
    assert len(fig.axes) == 1
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["label 0", "label 1"]
    ones = axes.collections[1].get_offsets()
    assert len(ones) == int(labels[2].sum())
    same = plot_hidden_trajectory(h[2], labels=labels[2, :, 0])
    np.testing.assert_allclose(same.axes[0].collections[1].get_offsets(), ones)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plot_history([0.1, 0.2]),
            TypeError,
            r"history must be a non-empty dict of metric name to per-epoch values, such as "
            r"model\.fit\(\.\.\.\)\.history; got \[0\.1, 0\.2\]",
        ),
        (lambda: plot_history({}), TypeError, r"history must be a non-empty dict"),
        (
            lambda: plot_history({"loss": [0.3, 0.2], "val_loss": [0.4]}),
            ValueError,
            r"every metric in history must have one value per epoch; got lengths loss 2, val_loss 1",
        ),
        (
            lambda: plot_history({"loss": []}),
            ValueError,
            r"history\['loss'\] must be a non-empty list of numbers, one per epoch; got shape \(0,\)",
        ),
        (
            lambda: plot_history({"loss": ["a"]}),
            TypeError,
            r"history\['loss'\] must be a list of numbers, one per epoch; got \['a'\]",
        ),
        (
            lambda: plot_history(HISTORY, metrics=["mae"]),
            ValueError,
            r"metrics 'mae' not in history; it has 'loss', 'accuracy', 'val_loss', 'val_accuracy'",
        ),
        (
            lambda: plot_history(HISTORY, metrics="loss"),
            TypeError,
            r"metrics must be a non-empty list of metric names; got 'loss'",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 3))),
            ValueError,
            r"x must have shape \(batch, timesteps, 1\) or \(batch, timesteps\), one feature per step; "
            r"got shape \(2, 5, 3\)",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 1)), samples=[2]),
            ValueError,
            r"samples must index the batch of x, 0 to 1; got \[2\]",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 1)), samples=0),
            TypeError,
            r"samples must be a non-empty list of integers; got 0",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 1)), labels=np.zeros((2, 4))),
            ValueError,
            r"labels must have shape \(2, 5\) or \(2, 5, 1\) \(one label per step\); got shape \(2, 4\)",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 1)), samples=[0, 1], names=["only one"]),
            ValueError,
            r"names must give one name per sample: 2 samples but 1 names",
        ),
        (
            lambda: plot_sequences(np.zeros((2, 5, 1)), samples=[0], names="sequence 0"),
            TypeError,
            r"names must be a list of strings, one per sample; got 'sequence 0'",
        ),
        (
            lambda: plot_sequences([["a"]]),
            TypeError,
            r"x must be a numeric array of shape \(batch, timesteps, 1\); got \[\['a'\]\]",
        ),
        (
            lambda: plot_hidden_trajectory(np.zeros((1, 4))),
            ValueError,
            r"hidden_states must have at least 2 timesteps to draw a path; got shape \(1, 4\)",
        ),
        (
            lambda: plot_hidden_trajectory(np.zeros((5, 4)), labels=np.zeros(4)),
            ValueError,
            r"labels must give one label per step, shape \(5,\), or per step of the batch, "
            r"\(batch, 5\); got shape \(4,\)",
        ),
        (
            lambda: plot_hidden_trajectory(np.zeros((2, 5, 4)), sample=2),
            ValueError,
            r"sample must index the batch of hidden_states, 0 to 1; got 2",
        ),
    ],
)
def test_new_plot_helpers_reject_bad_input_naming_expected_and_received(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("helper", ["history", "sequences", "trajectory"])
def test_new_helpers_display_in_jupyter_as_one_png(helper):
    from IPython.core.formatters import DisplayFormatter

    x, y = make_labelling_data(2, 6, seed=0)
    fig = {
        "history": lambda: plot_history(HISTORY),
        "sequences": lambda: plot_sequences(x, labels=y),
        "trajectory": lambda: plot_hidden_trajectory(np.tanh(np.cumsum(x.repeat(3, axis=2), axis=1))),
    }[helper]()
    data, _ = DisplayFormatter().format(fig)
    assert set(data) == {"image/png", "text/plain"}
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
