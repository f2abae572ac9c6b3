"""The shape and parameter predictors in lstm_course.shapes agree with what Keras 3 builds."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest

from lstm_course import (
    MERGE_MODES,
    LayerSpec,
    gru_param_count,
    lstm_output_shape,
    lstm_param_count,
    rnn_output_shape,
    simple_rnn_param_count,
    stack_output_shapes,
)
from lstm_course.kinds import KINDS, RECURRENT_KINDS, weight_count

# Bidirectional=False, or True with each merge mode.
WRAPPINGS = [(False, "concat")] + [(True, mode) for mode in MERGE_MODES]


def keras_shapes(result) -> tuple | list[tuple]:
    if isinstance(result, (list, tuple)):
        return [tuple(tensor.shape) for tensor in result]
    return tuple(result.shape)


def build_lstm(units, *, return_sequences, return_state, bidirectional, merge_mode):
    layer = keras.layers.LSTM(units, return_sequences=return_sequences, return_state=return_state)
    if bidirectional:
        layer = keras.layers.Bidirectional(layer, merge_mode=merge_mode)
    return layer


@pytest.mark.parametrize(("bidirectional", "merge_mode"), WRAPPINGS)
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_output_shape_matches_keras_symbolic_call(
    return_sequences, return_state, bidirectional, merge_mode
):
    flags = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "bidirectional": bidirectional,
        "merge_mode": merge_mode,
    }
    layer = build_lstm(5, **flags)
    result = layer(keras.Input(shape=(7, 3)))
    assert lstm_output_shape((None, 7, 3), 5, **flags) == keras_shapes(result)
    assert layer.count_params() == lstm_param_count(3, 5, bidirectional=bidirectional)


@pytest.mark.parametrize(("bidirectional", "merge_mode"), WRAPPINGS)
@pytest.mark.parametrize(("return_sequences", "return_state"), [(True, True), (False, False)])
def test_lstm_output_shape_matches_keras_on_real_arrays(
    return_sequences, return_state, bidirectional, merge_mode
):
    flags = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "bidirectional": bidirectional,
        "merge_mode": merge_mode,
    }
    result = build_lstm(4, **flags)(np.zeros((2, 6, 3), dtype=np.float32))
    assert lstm_output_shape((2, 6, 3), 4, **flags) == keras_shapes(result)


def test_lstm_output_shape_keeps_unknown_timesteps_and_known_batch():
    result = keras.layers.LSTM(3, return_sequences=True)(keras.Input(shape=(None, 2), batch_size=8))
    assert lstm_output_shape((8, None, 2), 3, return_sequences=True) == keras_shapes(result)


def test_bidirectional_return_state_order_is_output_then_forward_then_backward_states():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 5, 3)).astype(np.float32)
    layer = keras.layers.Bidirectional(keras.layers.LSTM(4, return_state=True))
    output, forward_h, forward_c, backward_h, backward_c = layer(inputs)
    assert lstm_output_shape((2, 5, 3), 4, return_state=True, bidirectional=True) == [
        (2, 8),
        (2, 4),
        (2, 4),
        (2, 4),
        (2, 4),
    ]
    np.testing.assert_allclose(np.asarray(output)[:, :4], np.asarray(forward_h), atol=1e-6)
    np.testing.assert_allclose(np.asarray(output)[:, 4:], np.asarray(backward_h), atol=1e-6)
    assert not np.allclose(np.asarray(forward_c), np.asarray(forward_h))
    assert not np.allclose(np.asarray(backward_c), np.asarray(backward_h))


# ----------------------------------------------------------------------------- parameter counts


@pytest.mark.parametrize(
    ("build", "input_dim", "predicted", "figure"),
    [
        (lambda: keras.layers.LSTM(128), 64, lstm_param_count(64, 128), 98_816),
        (
            lambda: keras.layers.Bidirectional(keras.layers.LSTM(64)),
            10,
            lstm_param_count(10, 64, bidirectional=True),
            38_400,
        ),
        (lambda: keras.layers.GRU(256), 64, gru_param_count(64, 256), 247_296),
        (lambda: keras.layers.SimpleRNN(128), 256, simple_rnn_param_count(256, 128), 49_280),
        (lambda: keras.layers.LSTM(64), 2, lstm_param_count(2, 64), 17_152),
        (lambda: keras.layers.LSTM(32), 64, lstm_param_count(64, 32), 12_416),
    ],
    ids=[
        "LSTM(128)-on-64",
        "Bidirectional(LSTM(64))-on-10",
        "GRU(256)-on-64",
        "SimpleRNN(128)-on-256",
        "LSTM(64)-on-2",
        "LSTM(32)-on-64",
    ],
)
def test_param_counts_reproduce_the_keras_guide_figures(build, input_dim, predicted, figure):
    layer = build()
    layer(keras.Input(shape=(None, input_dim)))
    assert predicted == figure
    assert layer.count_params() == figure


GRID = list(itertools.product([1, 3, 7], [1, 4, 9], [False, True]))


@pytest.mark.parametrize(("input_dim", "units", "bidirectional"), GRID)
def test_param_counts_match_keras_count_params_for_lstm_gru_and_simple_rnn(input_dim, units, bidirectional):
    def built(layer):
        if bidirectional:
            layer = keras.layers.Bidirectional(layer)
        layer(keras.Input(shape=(None, input_dim)))
        return layer.count_params()

    assert lstm_param_count(input_dim, units, bidirectional=bidirectional) == built(keras.layers.LSTM(units))
    assert simple_rnn_param_count(input_dim, units, bidirectional=bidirectional) == built(
        keras.layers.SimpleRNN(units)
    )
    for reset_after in (True, False):
        assert gru_param_count(
            input_dim, units, reset_after=reset_after, bidirectional=bidirectional
        ) == built(keras.layers.GRU(units, reset_after=reset_after))


# -------------------------------------------------------------------------------------- stacks


STACKS = {
    "two-lstms": [{"units": 16, "return_sequences": True}, {"units": 8}],
    "lstm-then-dense-per-step": [
        {"units": 6, "return_sequences": True},
        {"units": 2, "kind": "dense"},
    ],
    "bidirectional-sum-gru-dense": [
        LayerSpec(5, bidirectional=True, merge_mode="sum", return_sequences=True),
        LayerSpec(3, kind="gru", bidirectional=True),
        LayerSpec(1, kind="dense"),
    ],
    "simple-rnn-ave": [
        {"units": 4, "kind": "simple_rnn", "bidirectional": True, "merge_mode": "ave"},
    ],
}


def keras_layer(spec: LayerSpec):
    if spec.kind == "dense":
        return keras.layers.Dense(spec.units)
    layer_class = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}.get(spec.kind, keras.layers.SimpleRNN)
    layer = layer_class(spec.units, return_sequences=spec.return_sequences)
    if spec.bidirectional:
        layer = keras.layers.Bidirectional(layer, merge_mode=spec.merge_mode)
    return layer


@pytest.mark.parametrize("name", list(STACKS))
def test_stack_output_shapes_match_a_keras_sequential(name):
    specs = [spec if isinstance(spec, LayerSpec) else LayerSpec(**spec) for spec in STACKS[name]]
    model = keras.Sequential([keras.Input(shape=(9, 4))] + [keras_layer(spec) for spec in specs])
    assert stack_output_shapes((None, 9, 4), STACKS[name]) == [
        tuple(layer.output.shape) for layer in model.layers
    ]


def test_stack_without_return_sequences_fails_like_keras_expected_ndim_3_found_ndim_2():
    keras_message = r"expected ndim=3, found ndim=2\. Full shape received: \(None, 32\)"
    with pytest.raises(ValueError, match=keras_message):
        keras.Sequential([keras.Input(shape=(10, 64)), keras.layers.LSTM(32), keras.layers.LSTM(8)])
    with pytest.raises(
        ValueError,
        match=r"Input 0 of layer 2 \(LSTM\) is incompatible with the layer: "
        + keras_message
        + r" \(the layer before it returns only its last step: give it return_sequences=True\)",
    ):
        stack_output_shapes((None, 10, 64), [{"units": 32}, {"units": 8}])


def test_stack_rejects_2d_input_to_the_first_recurrent_layer():
    with pytest.raises(
        ValueError,
        match=r"Input 0 of layer 1 \(Bidirectional\(GRU\)\) is incompatible with the layer: "
        r"expected ndim=3, found ndim=2\. Full shape received: \(None, 5\)$",
    ):
        stack_output_shapes((None, 5), [LayerSpec(3, kind="gru", bidirectional=True)])


def test_layer_spec_name_is_the_keras_class_name():
    assert LayerSpec(3).name == "LSTM"
    assert LayerSpec(3, kind="simple_rnn", bidirectional=True).name == "Bidirectional(SimpleRNN)"


# ------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: lstm_output_shape((None, 8), 4),
            ValueError,
            r"input_shape must be 3-D \(batch, timesteps, features\); got 2-D \(None, 8\)",
        ),
        (
            lambda: lstm_output_shape((None, 10, None), 4),
            ValueError,
            r"input_shape must give the number of features .*; got \(None, 10, None\)",
        ),
        (
            lambda: lstm_output_shape("(None, 10, 8)", 4),
            TypeError,
            r"input_shape must be a tuple of integers or None; got '\(None, 10, 8\)'",
        ),
        (
            lambda: lstm_output_shape((None, 10.0, 8), 4),
            TypeError,
            r"input_shape must be a tuple of integers or None; got \(None, 10\.0, 8\) "
            r"\(entry 10\.0 is a float\)",
        ),
        (
            lambda: lstm_output_shape((None, 0, 8), 4),
            ValueError,
            r"input_shape must hold positive sizes or None; got \(None, 0, 8\)",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), 0),
            ValueError,
            r"units must be a positive integer; got 0",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), -3),
            ValueError,
            r"units must be a positive integer; got -3",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), True),
            TypeError,
            r"units must be a positive integer; got True",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), 2.5),
            TypeError,
            r"units must be a positive integer; got 2\.5",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), 4, bidirectional=True, merge_mode="max"),
            ValueError,
            r"merge_mode must be one of 'concat', 'sum', 'mul', 'ave', None; got 'max'",
        ),
        (
            lambda: lstm_output_shape((None, 10, 8), 4, return_state="yes"),
            TypeError,
            r"return_state must be True or False; got 'yes'",
        ),
        (
            lambda: lstm_param_count(0, 4),
            ValueError,
            r"input_dim must be a positive integer; got 0",
        ),
        (
            lambda: lstm_param_count(3, "4"),
            TypeError,
            r"units must be a positive integer; got '4'",
        ),
        (
            lambda: gru_param_count(3, 4, reset_after=None),
            TypeError,
            r"reset_after must be True or False; got None",
        ),
        (
            lambda: simple_rnn_param_count(3, 4, bidirectional=2),
            TypeError,
            r"bidirectional must be True or False; got 2",
        ),
        (
            lambda: stack_output_shapes((None, 10, 8), {"units": 4}),
            TypeError,
            r"layers must be a list of LayerSpec or dicts; got \{'units': 4\}",
        ),
        (
            lambda: stack_output_shapes((None, 10, 8), [4]),
            TypeError,
            r"layer 1 must be a LayerSpec or a dict like \{'units': 64\}; got 4",
        ),
        (
            lambda: stack_output_shapes((None, 10, 8), [{"units": 4, "return_state": True}]),
            ValueError,
            r"layer 1 has unknown key\(s\) 'return_state'; expected some of bidirectional, kind, "
            r"merge_mode, return_sequences, units",
        ),
        (
            lambda: stack_output_shapes((None, 10, 8), [{"return_sequences": True}]),
            ValueError,
            r"layer 1 must give 'units'; got \{'return_sequences': True\}",
        ),
        (
            lambda: stack_output_shapes((None,), [{"units": 4}]),
            ValueError,
            r"input_shape must be \(batch, timesteps, features\) or \(batch, features\) with a "
            r"known number of features; got \(None,\)",
        ),
        (
            lambda: LayerSpec(4, kind="transformer"),
            ValueError,
            r"kind must be one of 'lstm', 'gru', 'simple_rnn', 'dense'; got 'transformer'",
        ),
        (
            lambda: LayerSpec(4, bidirectional=True, merge_mode=None),
            ValueError,
            r"merge_mode=None gives two outputs, which a stack cannot pass on",
        ),
        (
            lambda: LayerSpec(4, kind="dense", return_sequences=True),
            ValueError,
            r"a dense layer takes neither return_sequences nor bidirectional; "
            r"got return_sequences=True, bidirectional=False",
        ),
    ],
)
def test_shape_and_count_functions_reject_bad_input_naming_expected_and_received(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_lstm_output_shape_accepts_numpy_integers_as_units_and_sizes():
    assert lstm_output_shape((np.int64(2), 5, np.int32(3)), np.int64(4)) == (2, 4)


def test_stack_hints_at_return_sequences_only_after_a_recurrent_layer():
    with pytest.raises(ValueError, match=r"Full shape received: \(None, 4\)$"):
        stack_output_shapes((None, 8), [{"units": 4, "kind": "dense"}, {"units": 2}])


# ---------------------------------------------------------------- LSTM, GRU and SimpleRNN together

RNN_CLASSES = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}


def build_rnn(kind, units, *, return_sequences, return_state, bidirectional, merge_mode):
    layer = RNN_CLASSES[kind](units, return_sequences=return_sequences, return_state=return_state)
    if bidirectional:
        layer = keras.layers.Bidirectional(layer, merge_mode=merge_mode)
    return layer


@pytest.mark.parametrize(("bidirectional", "merge_mode"), WRAPPINGS)
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("kind", list(RNN_CLASSES))
def test_rnn_output_shape_matches_keras_for_every_kind_flag_and_merge_mode(
    kind, return_sequences, return_state, bidirectional, merge_mode
):
    flags = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "bidirectional": bidirectional,
        "merge_mode": merge_mode,
    }
    result = build_rnn(kind, 4, **flags)(np.zeros((2, 5, 3), dtype=np.float32))
    assert rnn_output_shape((2, 5, 3), 4, kind=kind, **flags) == keras_shapes(result)


@pytest.mark.parametrize("kind", list(RNN_CLASSES))
def test_rnn_output_shape_matches_keras_symbolic_call_with_unknown_batch(kind):
    flags = {"return_sequences": True, "return_state": True, "bidirectional": True, "merge_mode": None}
    result = build_rnn(kind, 6, **flags)(keras.Input(shape=(9, 2)))
    assert rnn_output_shape((None, 9, 2), 6, kind=kind, **flags) == keras_shapes(result)


@pytest.mark.parametrize(("kind", "tensors"), [("lstm", 6), ("gru", 4), ("simple_rnn", 4)])
def test_bidirectional_merge_mode_none_with_return_state_is_one_flat_tuple(kind, tensors):
    """Keras 3 returns (forward out, backward out, forward states..., backward states...), not nested."""
    inputs = np.random.default_rng(1).normal(size=(2, 5, 3)).astype(np.float32)
    layer = build_rnn(kind, 4, return_sequences=True, return_state=True, bidirectional=True, merge_mode=None)
    result = layer(inputs)
    assert isinstance(result, tuple) and len(result) == tensors
    assert all(hasattr(item, "shape") for item in result)
    forward_seq, backward_seq = np.asarray(result[0]), np.asarray(result[1])
    states = [np.asarray(item) for item in result[2:]]
    forward_h, backward_h = states[0], states[len(states) // 2]
    # The backward sequence is turned back into forward time order: its first row is the backward
    # layer's final h, as the last row of the forward sequence is the forward layer's.
    np.testing.assert_allclose(forward_seq[:, -1], forward_h, atol=1e-6)
    np.testing.assert_allclose(backward_seq[:, 0], backward_h, atol=1e-6)


@pytest.mark.parametrize(("bidirectional", "merge_mode"), WRAPPINGS)
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_output_shape_is_rnn_output_shape_with_kind_lstm(
    return_sequences, return_state, bidirectional, merge_mode
):
    flags = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "bidirectional": bidirectional,
        "merge_mode": merge_mode,
    }
    assert lstm_output_shape((None, 7, 3), 5, **flags) == rnn_output_shape(
        (None, 7, 3), 5, kind="lstm", **flags
    )


def test_rnn_output_shape_counts_one_state_per_direction_for_gru_and_simple_rnn_two_for_lstm():
    for kind, per_direction in [("lstm", 2), ("gru", 1), ("simple_rnn", 1)]:
        single = rnn_output_shape((None, 4, 2), 3, kind=kind, return_state=True)
        double = rnn_output_shape((None, 4, 2), 3, kind=kind, return_state=True, bidirectional=True)
        assert len(single) == 1 + per_direction
        assert len(double) == 1 + 2 * per_direction


def test_rnn_output_shape_defaults_to_an_lstm_returning_its_last_step():
    assert rnn_output_shape((8, 10, 3), 16) == (8, 16)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"kind": "dense"},
            ValueError,
            r"kind must be one of 'lstm', 'gru', 'simple_rnn'; got 'dense'",
        ),
        ({"kind": "LSTM"}, ValueError, r"kind must be one of 'lstm', 'gru', 'simple_rnn'; got 'LSTM'"),
        ({"kind": None}, ValueError, r"kind must be one of 'lstm', 'gru', 'simple_rnn'; got None"),
        (
            {"kind": "gru", "merge_mode": "max", "bidirectional": True},
            ValueError,
            r"merge_mode must be one of 'concat', 'sum', 'mul', 'ave', None; got 'max'",
        ),
        ({"kind": "gru", "return_sequences": 1}, TypeError, r"return_sequences must be True or False; got 1"),
    ],
)
def test_rnn_output_shape_rejects_bad_input_naming_expected_and_received(kwargs, error, message):
    with pytest.raises(error, match=message):
        rnn_output_shape((None, 10, 8), 4, **kwargs)


def test_rnn_output_shape_validates_shape_and_units_like_lstm_output_shape():
    with pytest.raises(ValueError, match=r"input_shape must be 3-D"):
        rnn_output_shape((None, 8), 4, kind="simple_rnn")
    with pytest.raises(ValueError, match=r"units must be a positive integer; got 0"):
        rnn_output_shape((None, 10, 8), 0, kind="gru")


# ------------------------------------------------------------------- the one table of layer kinds

KERAS_CLASSES = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}


def test_the_table_lists_the_recurrent_kinds_first_and_names_their_keras_classes():
    assert tuple(KINDS) == ("lstm", "gru", "simple_rnn", "dense")
    assert RECURRENT_KINDS == ("lstm", "gru", "simple_rnn")
    for key, kind in KINDS.items():
        assert kind.key == key
        assert getattr(keras.layers, kind.class_name).__name__ == kind.class_name
    assert [LayerSpec(3, kind=key).name for key in KINDS] == ["LSTM", "GRU", "SimpleRNN", "Dense"]
    assert [kind.article for kind in KINDS.values()] == ["an", "a", "a", "a"]


# Every kind with both values of reset_after (which only a GRU reads), and Bidirectional but for Dense.
TABLE_GRID = [
    (key, reset_after, bidirectional)
    for key, reset_after, bidirectional in itertools.product(KINDS, [True, False], [False, True])
    if KINDS[key].recurrent or not bidirectional
]


@pytest.mark.parametrize(("key", "reset_after", "bidirectional"), TABLE_GRID)
def test_the_tables_formula_text_and_count_are_what_keras_counts(key, reset_after, bidirectional):
    kind = KINDS[key]
    for input_dim, units in [(1, 1), (3, 5), (7, 2)]:
        if kind.recurrent:
            options = {"reset_after": reset_after} if kind.has_reset_after else {}
            layer = KERAS_CLASSES[key](units, **options)
            layer = keras.layers.Bidirectional(layer) if bidirectional else layer
            layer(keras.Input(shape=(None, input_dim)))
        else:
            layer = keras.layers.Dense(units)
            layer(keras.Input(shape=(input_dim,)))
        count = kind.param_count(input_dim, units, reset_after=reset_after, bidirectional=bidirectional)
        formula = kind.formula(reset_after=reset_after, bidirectional=bidirectional)
        assert count == layer.count_params()
        assert eval(formula, {"input_dim": input_dim, "units": units}) == count, formula
        assert weight_count(input_dim, units, gates=kind.gates, biases=0, recurrent_weights=0) < count


@pytest.mark.parametrize("key", RECURRENT_KINDS)
def test_the_tables_states_per_direction_are_what_keras_returns(key):
    layer = KERAS_CLASSES[key](3, return_state=True)
    outputs = layer(np.zeros((2, 4, 5), dtype="float32"))
    assert len(outputs) == 1 + KINDS[key].states
    assert KINDS["dense"].states == 0


def test_the_param_counters_are_the_tables_counts():
    assert lstm_param_count(3, 5) == KINDS["lstm"].param_count(3, 5)
    assert gru_param_count(3, 5, reset_after=False) == KINDS["gru"].param_count(3, 5, reset_after=False)
    assert simple_rnn_param_count(3, 5, bidirectional=True) == KINDS["simple_rnn"].param_count(
        3, 5, bidirectional=True
    )
