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
from matplotlib.figure import Figure  # noqa: E402

from lstm_course import Gates, lstm_trace, plot_gates, plot_hidden_heatmap, plot_states  # noqa: E402


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


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
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
