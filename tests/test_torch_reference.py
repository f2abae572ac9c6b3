"""lstm_course.torch_reference computes what torch.nn.LSTM and GRU compute, and carries weights both ways.

Chapter 17 shows PyTorch's side with this NumPy transcription, because the chapters run without PyTorch. The
tests that use PyTorch itself prove the transcription equal to it (float64 modules, to 1e-10): every layout,
several layers, both directions, initial states and packed sequences. Where PyTorch is not installed (.venv)
they skip; ``make test-backends`` runs this file with the backends' venv, which has PyTorch, and with
``LSTM_COURSE_REQUIRE_TORCH=1``, which turns the skip into a failure. The other tests need only Keras: the
transcription after porting equals Keras' layers, and bad arguments fail with a message that says what was
expected.
"""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest

from lstm_course import (
    keras_weights_from_torch,
    seed_weights,
    torch_gru,
    torch_lstm,
    torch_weight_shapes,
    torch_weights_from_keras,
)

EXACT = 1e-10  # float64 PyTorch against the float64 transcription
FLOAT32 = 1e-5  # float32 Keras or PyTorch against it
RUN = {"LSTM": torch_lstm, "GRU": torch_gru}
GATES = {"LSTM": 4, "GRU": 3}
CONFIGURATIONS = [  # num_layers, bidirectional, batch_first, initial states given
    (1, False, False, False),
    (1, False, True, True),
    (1, True, False, True),
    (2, False, True, False),
    (2, True, True, True),
    (2, True, False, False),
]
CONFIGURATION_IDS = [
    f"layers{n}-{'bi' if b else 'uni'}-{'bf' if f else 'tm'}-{'h0' if h else 'zero'}"
    for n, b, f, h in CONFIGURATIONS
]


@pytest.fixture(scope="module")
def torch():
    """PyTorch, or a skip; with LSTM_COURSE_REQUIRE_TORCH=1 a missing PyTorch fails instead."""
    if os.environ.get("LSTM_COURSE_REQUIRE_TORCH") == "1":
        import torch

        return torch
    return pytest.importorskip("torch")


def random_inputs(rng: np.random.Generator, batch: int, steps: int, features: int, batch_first: bool):
    shape = (batch, steps, features) if batch_first else (steps, batch, features)
    return rng.normal(size=shape)


def random_state_dict(rng: np.random.Generator, mode: str, features: int, hidden: int, **module) -> dict:
    shapes = torch_weight_shapes(mode, features, hidden, **module)
    return {name: rng.uniform(-0.6, 0.6, shape) for name, shape in shapes.items()}


def states_of(mode: str, result) -> list[np.ndarray]:
    """[h_n] or [h_n, c_n] from ``output, h_n`` or ``output, (h_n, c_n)``."""
    return list(result[1]) if mode == "LSTM" else [result[1]]


def as_numpy(tensors) -> list[np.ndarray]:
    return [tensor.detach().numpy() for tensor in tensors]


def torch_module(torch, mode: str, features: int, hidden: int, state_dict: dict, dtype, **module):
    layer = getattr(torch.nn, mode)(features, hidden, **module).to(dtype).eval()
    layer.load_state_dict({name: torch.from_numpy(np.asarray(array)) for name, array in state_dict.items()})
    return layer


def initial_states(
    rng: np.random.Generator, mode: str, rows: int, batch: int, hidden: int
) -> list[np.ndarray]:
    return [rng.normal(size=(rows, batch, hidden)) for _ in range(2 if mode == "LSTM" else 1)]


def as_hx(mode: str, states: list[np.ndarray] | None):
    if states is None:
        return None
    return tuple(states) if mode == "LSTM" else states[0]


# ------------------------------------------------------------------------------------------ against PyTorch


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize(("num_layers", "bidirectional"), [(1, False), (1, True), (3, True)])
def test_torch_weight_shapes_are_the_names_shapes_and_order_of_the_state_dict(
    torch, mode, num_layers, bidirectional
):
    module = getattr(torch.nn, mode)(5, 3, num_layers=num_layers, bidirectional=bidirectional)
    expected = {name: tuple(tensor.shape) for name, tensor in module.state_dict().items()}
    got = torch_weight_shapes(mode, 5, 3, num_layers=num_layers, bidirectional=bidirectional)
    assert list(got.items()) == list(expected.items())


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize(
    ("num_layers", "bidirectional", "batch_first", "given_states"), CONFIGURATIONS, ids=CONFIGURATION_IDS
)
def test_transcription_matches_torch(torch, mode, num_layers, bidirectional, batch_first, given_states):
    rng = np.random.default_rng(num_layers * 10 + bidirectional * 2 + batch_first)
    module = {"num_layers": num_layers, "bidirectional": bidirectional}
    state_dict = random_state_dict(rng, mode, 3, 4, **module)
    x = random_inputs(rng, 2, 6, 3, batch_first)
    rows = num_layers * (2 if bidirectional else 1)
    states = initial_states(rng, mode, rows, 2, 4) if given_states else None
    layer = torch_module(torch, mode, 3, 4, state_dict, torch.float64, batch_first=batch_first, **module)
    with torch.no_grad():
        hx = None if states is None else as_hx(mode, [torch.from_numpy(s) for s in states])
        output, final = layer(torch.from_numpy(x), hx)
    ours = RUN[mode](x, state_dict, batch_first=batch_first, hx=as_hx(mode, states), **module)
    assert ours[0].shape == tuple(output.shape)
    np.testing.assert_allclose(ours[0], output.numpy(), atol=EXACT)
    theirs = as_numpy(final if mode == "LSTM" else [final])
    for mine, torch_state in zip(states_of(mode, ours), theirs, strict=True):
        assert mine.shape == torch_state.shape == (rows, 2, 4)
        np.testing.assert_allclose(mine, torch_state, atol=EXACT)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize(
    ("num_layers", "bidirectional", "batch_first", "given_states"), CONFIGURATIONS, ids=CONFIGURATION_IDS
)
def test_lengths_match_packed_sequences_in_torch(
    torch, mode, num_layers, bidirectional, batch_first, given_states
):
    """pack_padded_sequence(enforce_sorted=False), the module, pad_packed_sequence(total_length=steps)."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    rng = np.random.default_rng(7 + num_layers)
    module = {"num_layers": num_layers, "bidirectional": bidirectional}
    state_dict = random_state_dict(rng, mode, 3, 4, **module)
    lengths = np.array([4, 6, 1])  # unsorted, one full, one of a single step
    x = random_inputs(rng, 3, 6, 3, batch_first)
    rows = num_layers * (2 if bidirectional else 1)
    states = initial_states(rng, mode, rows, 3, 4) if given_states else None
    layer = torch_module(torch, mode, 3, 4, state_dict, torch.float64, batch_first=batch_first, **module)
    with torch.no_grad():
        packed = pack_padded_sequence(
            torch.from_numpy(x), torch.from_numpy(lengths), batch_first=batch_first, enforce_sorted=False
        )
        hx = None if states is None else as_hx(mode, [torch.from_numpy(s) for s in states])
        output, final = layer(packed, hx)
        output, _ = pad_packed_sequence(output, batch_first=batch_first, total_length=6)
    ours = RUN[mode](
        x, state_dict, batch_first=batch_first, hx=as_hx(mode, states), lengths=lengths, **module
    )
    np.testing.assert_allclose(ours[0], output.numpy(), atol=EXACT)
    theirs = as_numpy(final if mode == "LSTM" else [final])
    for mine, torch_state in zip(states_of(mode, ours), theirs, strict=True):
        np.testing.assert_allclose(mine, torch_state, atol=EXACT)
    # without lengths, the padded steps are read as data: the final states differ
    unpacked = RUN[mode](x, state_dict, batch_first=batch_first, hx=as_hx(mode, states), **module)
    assert not np.allclose(states_of(mode, unpacked)[0], theirs[0], atol=1e-3)


def keras_stack(mode: str, x: np.ndarray, weights: list[list[np.ndarray]], bidirectional: bool, mask=None):
    """A stack of Keras layers (Bidirectional if asked) with return_sequences and return_state, given weights.

    Returns the last layer's output sequence and the final states as a (layers*directions, batch, units)
    array per kind of state, h first: PyTorch's h_n (and c_n) layout.
    """
    kinds = 2 if mode == "LSTM" else 1
    states, sequence = [], x
    for layer_weights in weights:
        units = layer_weights[1].shape[0]
        layer = getattr(keras.layers, mode)(units, return_sequences=True, return_state=True)
        if bidirectional:
            layer = keras.layers.Bidirectional(layer)
        layer.build(sequence.shape)
        layer.set_weights(layer_weights)
        sequence, *finals = (keras.ops.convert_to_numpy(t) for t in layer(sequence, mask=mask))
        states += [finals[:kinds], finals[kinds:]] if bidirectional else [finals]
    return sequence, [np.stack([each[kind] for each in states]) for kind in range(kinds)]


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_keras_layers_with_weights_ported_from_torch_return_torchs_outputs(torch, mode, bidirectional):
    module = {"num_layers": 2, "bidirectional": bidirectional, "batch_first": True}
    layer = getattr(torch.nn, mode)(3, 5, **module).eval()  # PyTorch's own initial weights, float32
    state_dict = {name: tensor.detach().numpy() for name, tensor in layer.state_dict().items()}
    x = np.random.default_rng(1).normal(size=(2, 7, 3)).astype("float32")
    with torch.no_grad():
        output, final = layer(torch.from_numpy(x))
    ported = [keras_weights_from_torch(state_dict, mode, layer=k) for k in range(2)]
    sequence, finals = keras_stack(mode, x, ported, bidirectional)
    np.testing.assert_allclose(sequence, output.numpy(), atol=FLOAT32)
    for mine, torch_state in zip(finals, as_numpy(final if mode == "LSTM" else [final]), strict=True):
        np.testing.assert_allclose(mine, torch_state, atol=FLOAT32)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_torch_modules_with_weights_ported_from_keras_return_keras_outputs(torch, mode, bidirectional):
    x = np.random.default_rng(2).normal(size=(3, 5, 4)).astype("float32")
    layers, sequence = [], x
    for seed in (0, 1):
        layer = getattr(keras.layers, mode)(6, return_sequences=True)
        layer = keras.layers.Bidirectional(layer) if bidirectional else layer
        layer.build(sequence.shape)
        seed_weights(layer, seed)
        sequence = keras.ops.convert_to_numpy(layer(sequence))
        layers.append(layer)
    state_dict = {}
    for k, layer in enumerate(layers):
        state_dict.update(torch_weights_from_keras(layer.get_weights(), mode, layer=k))
    module = torch_module(
        torch,
        mode,
        4,
        6,
        state_dict,
        torch.float32,
        num_layers=2,
        bidirectional=bidirectional,
        batch_first=True,
    )
    with torch.no_grad():
        output, _ = module(torch.from_numpy(x))
    np.testing.assert_allclose(output.numpy(), sequence, atol=FLOAT32)


# ------------------------------------------------------------------------------- against Keras, in .venv


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize(
    ("num_layers", "bidirectional", "batch_first", "given_states"), CONFIGURATIONS, ids=CONFIGURATION_IDS
)
def test_transcription_equals_keras_layers_with_the_ported_weights(
    mode, num_layers, bidirectional, batch_first, given_states
):
    rng = np.random.default_rng(3)
    module = {"num_layers": num_layers, "bidirectional": bidirectional}
    state_dict = random_state_dict(rng, mode, 3, 4, **module)
    x = random_inputs(rng, 2, 6, 3, batch_first)
    rows = num_layers * (2 if bidirectional else 1)
    states = initial_states(rng, mode, rows, 2, 4) if given_states else None
    output, *_ = ours = RUN[mode](x, state_dict, batch_first=batch_first, hx=as_hx(mode, states), **module)
    ported = [keras_weights_from_torch(state_dict, mode, layer=k) for k in range(num_layers)]
    x_batch_first = (x if batch_first else x.swapaxes(0, 1)).astype("float32")
    if states is None:
        sequence, finals = keras_stack(mode, x_batch_first, ported, bidirectional)
    else:  # Keras takes initial states per layer: [h, c] for each direction
        sequence, layer_input, finals = None, x_batch_first, [[], []][: len(states)]
        directions = 2 if bidirectional else 1
        for k, weights in enumerate(ported):
            layer = getattr(keras.layers, mode)(4, return_sequences=True, return_state=True)
            layer = keras.layers.Bidirectional(layer) if bidirectional else layer
            layer.build(layer_input.shape)
            layer.set_weights(weights)
            initial = [s[k * directions + d] for d in range(directions) for s in states]
            layer_input, *got = (
                keras.ops.convert_to_numpy(t) for t in layer(layer_input, initial_state=initial)
            )
            for d in range(directions):
                for kind in range(len(states)):
                    finals[kind].append(got[d * len(states) + kind])
        sequence, finals = layer_input, [np.stack(kind) for kind in finals]
    np.testing.assert_allclose(sequence, output if batch_first else output.swapaxes(0, 1), atol=FLOAT32)
    for mine, theirs in zip(states_of(mode, ours), finals, strict=True):
        np.testing.assert_allclose(mine, theirs, atol=FLOAT32)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_lengths_give_the_final_states_and_bidirectional_sequence_of_a_masked_keras_layer(mode):
    rng = np.random.default_rng(4)
    state_dict = random_state_dict(rng, mode, 3, 4, bidirectional=True)
    x = rng.normal(size=(3, 6, 3)).astype("float32")
    lengths = np.array([6, 2, 4])
    mask = np.arange(6)[None, :] < lengths[:, None]
    output, *_ = ours = RUN[mode](x, state_dict, bidirectional=True, batch_first=True, lengths=lengths)
    sequence, finals = keras_stack(mode, x, [keras_weights_from_torch(state_dict, mode)], True, mask=mask)
    np.testing.assert_allclose(sequence, output, atol=FLOAT32)  # zeros at padded steps in both
    for mine, theirs in zip(states_of(mode, ours), finals, strict=True):
        np.testing.assert_allclose(mine, theirs, atol=FLOAT32)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_porting_there_and_back_keeps_every_array(mode):
    rng = np.random.default_rng(5)
    state_dict = random_state_dict(rng, mode, 3, 4, num_layers=2, bidirectional=True)
    back = {}
    for k in range(2):
        weights = keras_weights_from_torch(state_dict, mode, layer=k)
        width, gates = (3 if k == 0 else 8), 4 * GATES[mode]  # 4 units
        bias = (gates,) if mode == "LSTM" else (2, gates)
        assert [w.shape for w in weights] == 2 * [(width, gates), (4, gates), bias]  # Bidirectional's 6
        back.update(torch_weights_from_keras(weights, mode, layer=k))
    assert list(back) == list(state_dict)
    for name, array in state_dict.items():
        if mode == "LSTM" and name.startswith("bias"):  # one Keras bias: only the sum comes back
            continue
        np.testing.assert_array_equal(back[name], array)
    if mode == "LSTM":
        for name in [n for n in state_dict if n.startswith("bias_ih")]:
            partner = name.replace("bias_ih", "bias_hh")
            np.testing.assert_allclose(back[name] + back[partner], state_dict[name] + state_dict[partner])
            assert not back[partner].any()


def test_gru_gate_order_differs_between_torch_and_keras():
    """PyTorch's first block (r) is Keras' second, its second (z) Keras' first, n/h the same."""
    state_dict = {
        "weight_ih_l0": np.repeat([[1.0], [2.0], [3.0]], 2, axis=0),  # r, z, n rows of a hidden size 2
        "weight_hh_l0": np.zeros((6, 2)),
        "bias_ih_l0": np.repeat([10.0, 20.0, 30.0], 2),
        "bias_hh_l0": np.repeat([40.0, 50.0, 60.0], 2),
    }
    kernel, _, bias = keras_weights_from_torch(state_dict, "GRU")
    assert kernel.tolist() == [[2.0, 2.0, 1.0, 1.0, 3.0, 3.0]]
    assert bias.tolist() == [[20.0, 20.0, 10.0, 10.0, 30.0, 30.0], [50.0, 50.0, 40.0, 40.0, 60.0, 60.0]]


# ------------------------------------------------------------------------------------------------ errors

LSTM_WEIGHTS = {name: np.zeros(shape) for name, shape in torch_weight_shapes("LSTM", 3, 2).items()}
BAD_CALLS = [
    (lambda: torch_weight_shapes("RNN", 3, 2), ValueError, "mode must be one of 'LSTM', 'GRU'; got 'RNN'"),
    (lambda: torch_weight_shapes("LSTM", 3, 0), ValueError, "hidden_size must be a positive integer; got 0"),
    (
        lambda: torch_lstm(np.zeros((5, 3)), LSTM_WEIGHTS),
        ValueError,
        "inputs must be 3-D (seq_len, batch, input_size); got shape (5, 3)",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), [1, 2]),
        TypeError,
        "state_dict must be a dict of arrays named as nn.LSTM's; got [1, 2]",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 4)), LSTM_WEIGHTS),
        ValueError,
        "weight_ih_l0 must have shape (8, 4) for nn.LSTM(input_size=4, hidden_size=2",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, num_layers=2),
        ValueError,
        "(missing: 'weight_ih_l1')",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, bidirectional=True),
        ValueError,
        "arrays of nn.LSTM(input_size=3, hidden_size=2, num_layers=1, bidirectional=True), ['weight_ih_l0'",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), {**LSTM_WEIGHTS, "extra": 0}),
        ValueError,
        "(unexpected: 'extra')",
    ),
    (
        lambda: torch_gru(np.zeros((5, 2, 3)), LSTM_WEIGHTS),
        ValueError,
        "weight_ih_l0 must have shape (6, 3) for nn.GRU",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, batch_first=1),
        TypeError,
        "batch_first must be True or False; got 1",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, hx=np.zeros((1, 2, 2))),
        ValueError,
        "hx must be a tuple (h0, c0) of two arrays of shape (1, 2, 2)",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, hx=(np.zeros((1, 3, 2)), np.zeros((1, 2, 2)))),
        ValueError,
        "h0 must have shape (1, 2, 2) (num_layers*num_directions, batch, hidden_size); got shape (1, 3, 2)",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, hx=(np.zeros((2, 2)), np.zeros((1, 2, 2)))),
        ValueError,
        "h0 must be 3-D",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, lengths=[5, 6]),
        ValueError,
        "lengths must hold 2 integers from 1 to 5, one per sequence; got [5, 6]",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, lengths=[5]),
        ValueError,
        "lengths must hold 2 integers",
    ),
    (
        lambda: torch_lstm(np.zeros((5, 2, 3)), LSTM_WEIGHTS, lengths=[2.5, 3]),
        ValueError,
        "lengths must hold 2 integers",
    ),
    (
        lambda: keras_weights_from_torch(LSTM_WEIGHTS, "LSTM", layer=1),
        ValueError,
        "state_dict must hold 'weight_ih_l1', as nn.LSTM's does; got ['weight_ih_l0', 'weight_hh_l0', "
        "'bias_ih_l0', 'bias_hh_l0']",
    ),
    (
        lambda: keras_weights_from_torch(LSTM_WEIGHTS, "GRU"),
        ValueError,
        "weight_ih_l0 must have shape (6, 3) for layer 0 of nn.GRU with hidden_size=2; got shape (8, 3)",
    ),
    (
        lambda: keras_weights_from_torch(LSTM_WEIGHTS, "LSTM", layer=-1),
        ValueError,
        "layer must be an integer >= 0; got -1",
    ),
    (
        lambda: keras_weights_from_torch([], "LSTM"),
        TypeError,
        "state_dict must be a dict of arrays named as nn.LSTM's; got []",
    ),
    (
        lambda: torch_weights_from_keras([np.zeros((3, 8))] * 2, "LSTM"),
        ValueError,
        "3 arrays (kernel, recurrent_kernel, bias), or 6 for Bidirectional; got 2 arrays",
    ),
    (
        lambda: torch_weights_from_keras([np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12)], "GRU"),
        ValueError,
        "bias must be 2-D (2, 3*units) of a GRU with reset_after=True; got shape (12,)",
    ),
    (
        lambda: torch_weights_from_keras([np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12)], "LSTM"),
        ValueError,
        "recurrent_kernel must have shape (4, 16)",
    ),
    (
        lambda: torch_weights_from_keras([np.zeros((3, 12)), np.zeros((3, 12)), np.zeros(9)], "LSTM"),
        ValueError,
        "bias must have shape (12,) (4*units,); got shape (9,)",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS, ids=[m[:40] for _, _, m in BAD_CALLS])
def test_bad_arguments_fail_with_a_message_that_names_what_was_expected(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)
