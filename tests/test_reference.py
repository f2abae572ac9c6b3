"""The NumPy LSTM in lstm_course.reference reproduces Keras 3's LSTM and LSTMCell from their weights.

Hypothesis draws the sizes and every combination of return_sequences, return_state, go_backwards,
initial_state and mask; each example builds a Keras layer, copies its weights into the reference and
compares. ``hypothesis.target`` steers the search towards large differences, and
``--hypothesis-show-statistics`` reports the largest difference seen ("Highest target score") and
the number of examples.
"""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
from hypothesis import event, given, settings, target
from hypothesis import strategies as st

from lstm_course import Gates, lstm_cell_step, lstm_forward, lstm_trace

TOLERANCE = 1e-5  # float32 Keras against the float64 reference


def random_weights(rng: np.random.Generator, features: int, units: int, scale: float = 0.7):
    """Weights in Keras' layout, large enough that every gate leaves its linear range."""
    kernel = rng.normal(scale=scale, size=(features, 4 * units))
    recurrent_kernel = rng.normal(scale=scale, size=(units, 4 * units))
    bias = rng.normal(scale=scale, size=(4 * units,))
    return [w.astype(np.float32) for w in (kernel, recurrent_kernel, bias)]


def as_list(result):
    return [np.asarray(part) for part in result] if isinstance(result, (list, tuple)) else [result]


def largest_difference(keras_result, reference_result) -> float:
    keras_parts, reference_parts = as_list(keras_result), as_list(reference_result)
    assert [part.shape for part in keras_parts] == [part.shape for part in reference_parts]
    return max(
        float(np.max(np.abs(np.asarray(k, dtype=np.float64) - r)))
        for k, r in zip(keras_parts, reference_parts, strict=True)
    )


@st.composite
def lstm_configurations(draw):
    batch = draw(st.integers(1, 4))
    timesteps = draw(st.integers(1, 6))
    features = draw(st.integers(1, 5))
    units = draw(st.integers(1, 8))
    flags = {
        "return_sequences": draw(st.booleans()),
        "return_state": draw(st.booleans()),
        "go_backwards": draw(st.booleans()),
    }
    use_initial_state = draw(st.booleans())
    mask = None
    if draw(st.booleans()):
        mask = np.array(
            draw(
                st.lists(
                    st.lists(st.booleans(), min_size=timesteps, max_size=timesteps),
                    min_size=batch,
                    max_size=batch,
                )
            )
        )
    seed = draw(st.integers(0, 2**32 - 1))
    return batch, timesteps, features, units, flags, use_initial_state, mask, seed


@settings(max_examples=100, deadline=None)
@given(lstm_configurations())
def test_lstm_forward_matches_keras_for_every_flag_combination(configuration):
    batch, timesteps, features, units, flags, use_initial_state, mask, seed = configuration
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, timesteps, features)).astype(np.float32)
    weights = random_weights(rng, features, units)
    initial_state = None
    if use_initial_state:
        initial_state = [rng.normal(scale=0.5, size=(batch, units)).astype(np.float32) for _ in range(2)]

    layer = keras.layers.LSTM(units, **flags)
    layer.build((batch, timesteps, features))
    layer.set_weights(weights)
    expected = layer(inputs, mask=mask, initial_state=initial_state)
    actual = lstm_forward(inputs, *weights, initial_state=initial_state, mask=mask, **flags)

    difference = largest_difference(expected, actual)
    event(f"mask={'yes' if mask is not None else 'no'}, initial_state={use_initial_state}")
    target(difference, label="largest |keras - reference| of lstm_forward")
    assert difference <= TOLERANCE


@settings(max_examples=30, deadline=None)
@given(
    batch=st.integers(1, 4),
    features=st.integers(1, 5),
    units=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_lstm_cell_step_matches_keras_lstm_cell(batch, features, units, seed):
    rng = np.random.default_rng(seed)
    x_t = rng.normal(size=(batch, features)).astype(np.float32)
    h, c = (rng.normal(size=(batch, units)).astype(np.float32) for _ in range(2))
    weights = random_weights(rng, features, units)

    cell = keras.layers.LSTMCell(units)
    cell.build((batch, features))
    cell.set_weights(weights)
    output, (keras_h, keras_c) = cell(x_t, [h, c])
    new_h, new_c, gates = lstm_cell_step(x_t, h, c, *weights)

    difference = largest_difference([output, keras_h, keras_c], [new_h, new_h, new_c])
    target(difference, label="largest |keras - reference| of lstm_cell_step")
    assert difference <= TOLERANCE
    assert all(gate.shape == (batch, units) for gate in gates)


# ------------------------------------------------------------------ Keras behaviours, pinned down


def keras_lstm(units, weights, **flags):
    layer = keras.layers.LSTM(units, **flags)
    layer.build((None, None, weights[0].shape[0]))
    layer.set_weights(weights)
    return layer


FLAG_COMBINATIONS = list(itertools.product([False, True], repeat=5))


@pytest.mark.parametrize(
    ("return_sequences", "return_state", "go_backwards", "use_initial_state", "use_mask"),
    FLAG_COMBINATIONS,
)
def test_lstm_forward_matches_keras_for_each_of_the_32_flag_combinations(
    return_sequences, return_state, go_backwards, use_initial_state, use_mask
):
    rng = np.random.default_rng(13)
    batch, timesteps, features, units = 3, 5, 2, 4
    inputs = rng.normal(size=(batch, timesteps, features)).astype(np.float32)
    weights = random_weights(rng, features, units)
    initial_state = (
        [rng.normal(size=(batch, units)).astype(np.float32) for _ in range(2)] if use_initial_state else None
    )
    # Masked first steps, holes and right padding, in one batch.
    mask = (
        np.array(
            [
                [False, True, True, False, True],
                [True, True, True, False, False],
                [True, False, False, True, True],
            ]
        )
        if use_mask
        else None
    )
    flags = {
        "return_sequences": return_sequences,
        "return_state": return_state,
        "go_backwards": go_backwards,
    }
    layer = keras_lstm(units, weights, **flags)
    expected = layer(inputs, mask=mask, initial_state=initial_state)
    actual = lstm_forward(inputs, *weights, initial_state=initial_state, mask=mask, **flags)
    assert largest_difference(expected, actual) <= TOLERANCE


def test_lstm_forward_matches_keras_with_mask():
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(3, 5, 2)).astype(np.float32)
    weights = random_weights(rng, 2, 4)
    mask = np.array(
        [
            [True, True, True, False, False],  # right padding
            [False, False, True, True, True],  # left padding
            [True, False, True, False, True],  # holes
        ]
    )
    layer = keras_lstm(4, weights, return_sequences=True, return_state=True)
    expected = layer(inputs, mask=mask)
    actual = lstm_forward(inputs, *weights, mask=mask, return_sequences=True, return_state=True)
    assert largest_difference(expected, actual) <= TOLERANCE


def test_masked_first_step_outputs_zeros_even_with_an_initial_state():
    rng = np.random.default_rng(2)
    inputs = rng.normal(size=(1, 3, 2)).astype(np.float32)
    weights = random_weights(rng, 2, 3)
    h0, c0 = (rng.normal(size=(1, 3)).astype(np.float32) for _ in range(2))
    mask = np.array([[False, True, True]])
    layer = keras_lstm(3, weights, return_sequences=True, return_state=True)
    keras_sequence, _, _ = layer(inputs, mask=mask, initial_state=[h0, c0])
    sequence, _, _ = lstm_forward(
        inputs,
        *weights,
        initial_state=[h0, c0],
        mask=mask,
        return_sequences=True,
        return_state=True,
    )
    np.testing.assert_array_equal(np.asarray(keras_sequence)[0, 0], np.zeros(3))
    np.testing.assert_array_equal(sequence[0, 0], np.zeros(3))


def test_masked_first_step_still_carries_the_initial_state_to_the_next_step():
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(2, 3, 2))
    weights = random_weights(rng, 2, 3)
    h0, c0 = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    mask = np.array([[False, True, True], [False, True, True]])
    masked = lstm_forward(inputs, *weights, initial_state=[h0, c0], mask=mask, return_state=True)
    skipped = lstm_forward(inputs[:, 1:], *weights, initial_state=[h0, c0], return_state=True)
    for with_mask, without_first_step in zip(masked, skipped, strict=True):
        np.testing.assert_allclose(with_mask, without_first_step, rtol=0, atol=1e-12)


def test_masked_steps_repeat_the_previous_output_and_keep_the_state():
    rng = np.random.default_rng(4)
    inputs = rng.normal(size=(1, 4, 2))
    weights = random_weights(rng, 2, 3)
    mask = np.array([[True, True, False, False]])
    sequence, h, c = lstm_forward(inputs, *weights, mask=mask, return_sequences=True, return_state=True)
    _, h_after_two, c_after_two = lstm_forward(inputs[:, :2], *weights, return_state=True)
    np.testing.assert_array_equal(sequence[0, 2], sequence[0, 1])
    np.testing.assert_array_equal(sequence[0, 3], sequence[0, 1])
    np.testing.assert_allclose(h, h_after_two, atol=1e-12)
    np.testing.assert_allclose(c, c_after_two, atol=1e-12)


def test_go_backwards_with_mask_reverses_the_mask_with_the_inputs_as_keras_does():
    rng = np.random.default_rng(5)
    inputs = rng.normal(size=(2, 4, 3)).astype(np.float32)
    weights = random_weights(rng, 3, 2)
    mask = np.array([[True, True, True, False], [False, True, False, True]])
    layer = keras_lstm(2, weights, return_sequences=True, go_backwards=True)
    expected = layer(inputs, mask=mask)
    backwards = lstm_forward(inputs, *weights, mask=mask, return_sequences=True, go_backwards=True)
    reversed_by_hand = lstm_forward(inputs[:, ::-1], *weights, mask=mask[:, ::-1], return_sequences=True)
    assert largest_difference(expected, backwards) <= TOLERANCE
    np.testing.assert_array_equal(backwards, reversed_by_hand)


def test_go_backwards_sequence_is_in_processing_order_so_its_last_step_is_the_output():
    rng = np.random.default_rng(6)
    inputs = rng.normal(size=(2, 5, 3))
    weights = random_weights(rng, 3, 4)
    sequence = lstm_forward(inputs, *weights, return_sequences=True, go_backwards=True)
    output = lstm_forward(inputs, *weights, go_backwards=True)
    np.testing.assert_array_equal(sequence[:, -1], output)


def test_output_equals_final_h_and_last_step_of_the_sequence_without_mask():
    rng = np.random.default_rng(7)
    inputs = rng.normal(size=(3, 6, 2))
    weights = random_weights(rng, 2, 5)
    output, h, c = lstm_forward(inputs, *weights, return_state=True)
    sequence = lstm_forward(inputs, *weights, return_sequences=True)
    np.testing.assert_array_equal(output, h)
    np.testing.assert_array_equal(sequence[:, -1], output)
    assert not np.allclose(c, h)


def test_hidden_state_stays_in_open_unit_interval_while_cell_state_exceeds_it():
    inputs = np.ones((1, 30, 1))
    kernel = np.full((1, 4), 3.0)  # every gate wide open, candidate near 1
    recurrent_kernel = np.zeros((1, 4))
    bias = np.zeros(4)
    trace = lstm_trace(inputs, kernel, recurrent_kernel, bias)
    assert np.all(np.abs(trace.h) < 1.0)
    assert trace.c.max() > 10.0  # c accumulates: f ~ 0.95, i * c~ ~ 0.95 per step


def test_lstm_forward_returns_float64_whatever_the_input_dtype():
    rng = np.random.default_rng(9)
    weights = random_weights(rng, 2, 3)
    output = lstm_forward(rng.normal(size=(1, 2, 2)).astype(np.float32), *weights)
    assert output.dtype == np.float64


def test_lstm_forward_returns_list_of_output_h_c_with_return_state():
    rng = np.random.default_rng(10)
    weights = random_weights(rng, 2, 3)
    result = lstm_forward(rng.normal(size=(4, 5, 2)), *weights, return_sequences=True, return_state=True)
    assert isinstance(result, list)
    assert [part.shape for part in result] == [(4, 5, 3), (4, 3), (4, 3)]


def test_lstm_trace_agrees_with_lstm_forward_and_stacks_gates_over_time():
    rng = np.random.default_rng(11)
    inputs = rng.normal(size=(2, 5, 3))
    weights = random_weights(rng, 3, 4)
    trace = lstm_trace(inputs, *weights)
    sequence, h, c = lstm_forward(inputs, *weights, return_sequences=True, return_state=True)
    np.testing.assert_array_equal(trace.h, sequence)
    np.testing.assert_array_equal(trace.c[:, -1], c)
    assert isinstance(trace.gates, Gates)
    assert all(gate.shape == (2, 5, 4) for gate in trace.gates)
    # c_t = f * c_{t-1} + i * c~ at every step
    previous_c = np.concatenate([np.zeros((2, 1, 4)), trace.c[:, :-1]], axis=1)
    gates = trace.gates
    np.testing.assert_allclose(trace.c, gates.forget * previous_c + gates.input * gates.candidate, atol=1e-12)


def test_lstm_cell_step_gates_are_in_their_activation_ranges():
    rng = np.random.default_rng(12)
    weights = random_weights(rng, 3, 4, scale=3.0)
    _, _, gates = lstm_cell_step(
        rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), *weights
    )
    for sigmoid_gate in (gates.input, gates.forget, gates.output):
        assert np.all((sigmoid_gate >= 0) & (sigmoid_gate <= 1))
    assert np.all(np.abs(gates.candidate) <= 1)


def test_lstm_cell_step_sigmoid_does_not_overflow_on_huge_preactivations():
    kernel = np.full((1, 4), 1e4)
    with np.errstate(over="raise"):
        h, c, gates = lstm_cell_step(
            np.array([[-1.0]]), np.zeros((1, 1)), np.zeros((1, 1)), kernel, np.zeros((1, 4)), np.zeros(4)
        )
    assert gates.input[0, 0] == 0.0
    assert np.isfinite(h).all() and np.isfinite(c).all()


# ------------------------------------------------------------------------------------ bad input

GOOD_WEIGHTS = [np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)]  # features 3, units 2
GOOD_INPUTS = np.zeros((4, 5, 3))


def call_forward(**changes):
    arguments = {
        "inputs": GOOD_INPUTS,
        "kernel": GOOD_WEIGHTS[0],
        "recurrent_kernel": GOOD_WEIGHTS[1],
        "bias": GOOD_WEIGHTS[2],
        **changes,
    }
    return lstm_forward(
        arguments.pop("inputs"),
        arguments.pop("kernel"),
        arguments.pop("recurrent_kernel"),
        arguments.pop("bias"),
        **arguments,
    )


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (
            {"inputs": np.zeros((5, 2))},
            ValueError,
            r"inputs must be 3-D \(batch, timesteps, features\); got shape \(5, 2\)",
        ),
        (
            {"inputs": np.zeros((4, 0, 3))},
            ValueError,
            r"inputs must have at least one timestep .*; got shape \(4, 0, 3\)",
        ),
        (
            {"inputs": np.array([["a"]])},
            TypeError,
            r"inputs must be a numeric array \(batch, timesteps, features\); got dtype <U1",
        ),
        (
            {"inputs": np.zeros((4, 5, 7))},
            ValueError,
            r"kernel must have shape \(7, 8\) \(input_dim, 4\*units\) for input_dim=7 and "
            r"units=2; got shape \(3, 8\)",
        ),
        (
            {"inputs": [[[0.0, 1.0, 2.0]], [[0.0]]]},
            TypeError,
            r"inputs must be an array \(batch, timesteps, features\); got \[\[\[0\.0, 1\.0, 2\.0\]\], "
            r"\[\[0\.0\]\]\]",
        ),
        (
            {"recurrent_kernel": np.zeros((0, 0))},
            ValueError,
            r"recurrent_kernel must have shape \(units, 4\*units\); got shape \(0, 0\)",
        ),
        (
            {"kernel": np.zeros((3, 12))},
            ValueError,
            r"kernel must have shape \(3, 8\) .*; got shape \(3, 12\)",
        ),
        (
            {"recurrent_kernel": np.zeros((2, 6))},
            ValueError,
            r"recurrent_kernel must have shape \(units, 4\*units\); got shape \(2, 6\)",
        ),
        (
            {"recurrent_kernel": np.zeros(8)},
            ValueError,
            r"recurrent_kernel must be 2-D \(units, 4\*units\); got shape \(8,\)",
        ),
        (
            {"bias": np.zeros(6)},
            ValueError,
            r"bias must have shape \(8,\) \(4\*units,\) for units=2; got shape \(6,\)",
        ),
        (
            {"mask": np.ones((4, 4), dtype=bool)},
            ValueError,
            r"mask must have shape \(batch, timesteps\) = \(4, 5\); got shape \(4, 4\)",
        ),
        (
            {"mask": np.ones((4, 5))},
            TypeError,
            r"mask must be a boolean array of shape \(batch, timesteps\) = \(4, 5\); "
            r"got dtype float64",
        ),
        (
            {"initial_state": np.zeros((4, 2))},
            TypeError,
            r"initial_state must be a list \[h0, c0\] of two arrays of shape "
            r"\(batch, units\) = \(4, 2\); got an array of shape \(4, 2\)",
        ),
        (
            {"initial_state": [np.zeros((4, 2))]},
            ValueError,
            r"initial_state must be a list \[h0, c0\] .*; got 1 arrays",
        ),
        (
            {"initial_state": [np.zeros((4, 2)), np.zeros((4, 3))]},
            ValueError,
            r"initial_state\[1\] \(c0\) must have shape \(4, 2\) \(batch, units\) = \(4, 2\); "
            r"got shape \(4, 3\)",
        ),
        (
            {"initial_state": [np.zeros((1, 2)), np.zeros((4, 2))]},
            ValueError,
            r"initial_state\[0\] \(h0\) must have shape \(4, 2\) .*; got shape \(1, 2\)",
        ),
        (
            {"return_sequences": 1},
            TypeError,
            r"return_sequences must be True or False; got 1",
        ),
        (
            {"go_backwards": "yes"},
            TypeError,
            r"go_backwards must be True or False; got 'yes'",
        ),
    ],
)
def test_lstm_forward_rejects_bad_input_naming_expected_and_received(changes, error, message):
    with pytest.raises(error, match=message):
        call_forward(**changes)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            (np.zeros(3), np.zeros((1, 2)), np.zeros((1, 2))),
            ValueError,
            r"x_t must be 2-D \(batch, input_dim\); got shape \(3,\)",
        ),
        (
            (np.zeros((1, 3)), np.zeros((2, 2)), np.zeros((1, 2))),
            ValueError,
            r"h must have shape \(1, 2\) \(batch, units\) = \(1, 2\); got shape \(2, 2\)",
        ),
        (
            (np.zeros((1, 3)), np.zeros((1, 2)), np.zeros((1, 5))),
            ValueError,
            r"c must have shape \(1, 2\) .*; got shape \(1, 5\)",
        ),
        (
            (np.zeros((1, 4)), np.zeros((1, 2)), np.zeros((1, 2))),
            ValueError,
            r"kernel must have shape \(4, 8\) .*; got shape \(3, 8\)",
        ),
    ],
)
def test_lstm_cell_step_rejects_bad_input_naming_expected_and_received(arguments, error, message):
    with pytest.raises(error, match=message):
        lstm_cell_step(*arguments, *GOOD_WEIGHTS)


def test_lstm_trace_rejects_2d_inputs():
    with pytest.raises(ValueError, match=r"inputs must be 3-D .*; got shape \(5, 3\)"):
        lstm_trace(np.zeros((5, 3)), *GOOD_WEIGHTS)
