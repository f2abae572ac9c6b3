"""PyTorch's ``nn.LSTM`` and ``nn.GRU`` in plain NumPy, and their weights carried to and from Keras.

``torch_lstm`` and ``torch_gru`` transcribe the equations of PyTorch's documentation, with the weights named
and shaped as ``module.state_dict()`` holds them (as NumPy arrays): ``weight_ih_l{k}`` of shape
``(gates*hidden, input)``, ``weight_hh_l{k}`` of shape ``(gates*hidden, hidden)``, ``bias_ih_l{k}`` and
``bias_hh_l{k}`` of shape ``(gates*hidden,)``, and the same names ending in ``_reverse`` for the backward
direction. An LSTM stacks its 4 gates in the order i, f, g, o, a GRU its 3 in the order r, z, n::

    LSTM  i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh)
          c' = sigmoid(f) c + sigmoid(i) tanh(g)        h' = sigmoid(o) tanh(c')
    GRU   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), z likewise
          n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))  h' = (1 - z) n + z h

PyTorch is not needed: tests/test_torch_reference.py proves these functions equal to ``torch.nn.LSTM`` and
``torch.nn.GRU`` where PyTorch is installed. The modules are taken in evaluation mode (no dropout between
layers) and without ``proj_size``. ``keras_weights_from_torch`` and ``torch_weights_from_keras`` carry one
layer's weights between these names and a Keras layer's ``get_weights()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lstm_course._validate import (
    choice,
    describe_value,
    expect_shape,
    flag,
    float_array,
    is_int,
    positive_int,
    to_numpy,
)
from lstm_course.reference import _sigmoid

__all__ = [
    "keras_weights_from_torch",
    "torch_gru",
    "torch_lstm",
    "torch_weight_shapes",
    "torch_weights_from_keras",
]

_GATES = {"LSTM": 4, "GRU": 3}
_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
_STATES_LAYOUT = "(num_layers*num_directions, batch, hidden_size)"


def _suffixes(layer: int, directions: int) -> list[str]:
    return [f"l{layer}", f"l{layer}_reverse"][:directions]


def torch_weight_shapes(
    mode: str, input_size: int, hidden_size: int, *, num_layers: int = 1, bidirectional: bool = False
) -> dict[str, tuple[int, ...]]:
    """The names and shapes of ``nn.LSTM(...).state_dict()`` or ``nn.GRU(...).state_dict()``, in its order.

    Parameters
    ----------
    mode : {"LSTM", "GRU"}
        The module: 4 gates or 3.
    input_size, hidden_size : int
        As given to the module. Layer ``k > 0`` reads ``hidden_size * num_directions`` features.
    num_layers : int, default 1
    bidirectional : bool, default False

    Returns
    -------
    dict
        ``{"weight_ih_l0": (gates*hidden_size, input_size), "weight_hh_l0": (gates*hidden_size,
        hidden_size), "bias_ih_l0": (gates*hidden_size,), "bias_hh_l0": ..., ...}``.

    Examples
    --------
    >>> from lstm_course import torch_weight_shapes
    >>> torch_weight_shapes("LSTM", 3, 2)
    {'weight_ih_l0': (8, 3), 'weight_hh_l0': (8, 2), 'bias_ih_l0': (8,), 'bias_hh_l0': (8,)}
    """
    rows = _GATES[choice(mode, "mode", tuple(_GATES))] * positive_int(hidden_size, "hidden_size")
    input_size, num_layers = positive_int(input_size, "input_size"), positive_int(num_layers, "num_layers")
    directions = 2 if flag(bidirectional, "bidirectional") else 1
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(num_layers):
        width = input_size if layer == 0 else hidden_size * directions
        for suffix in _suffixes(layer, directions):
            for name, shape in zip(
                _NAMES, [(rows, width), (rows, hidden_size), (rows,), (rows,)], strict=True
            ):
                shapes[f"{name}_{suffix}"] = shape
    return shapes


def _lstm_step(x: np.ndarray, state: tuple, w_ih, w_hh, b_ih, b_hh) -> tuple[np.ndarray, np.ndarray]:
    h, c = state
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c


def _gru_step(x: np.ndarray, state: tuple, w_ih, w_hh, b_ih, b_hh) -> tuple[np.ndarray]:
    (h,) = state
    x_r, x_z, x_n = np.split(x @ w_ih.T + b_ih, 3, axis=-1)
    h_r, h_z, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
    r, z = _sigmoid(x_r + h_r), _sigmoid(x_z + h_z)
    return ((1 - z) * np.tanh(x_n + r * h_n) + z * h,)


def _direction(
    step: Callable, xs: np.ndarray, state: tuple, weights: list, lengths: np.ndarray, reverse: bool
):
    """One layer, one direction, over time-major ``xs``: steps at or after a sequence's length are skipped,
    so the backward direction starts at each sequence's own last step, and their outputs are zeros."""
    outputs = np.zeros((*xs.shape[:2], state[0].shape[-1]))
    for t in reversed(range(len(xs))) if reverse else range(len(xs)):
        kept = (t < lengths)[:, None]
        state = tuple(
            np.where(kept, new, old) for new, old in zip(step(xs[t], state, *weights), state, strict=True)
        )
        outputs[t] = np.where(kept, state[0], 0.0)
    return outputs, state


def _width(state_dict: Any, name: str, mode: str) -> int:
    """The second axis of ``state_dict[name]``, a 2-D weight matrix: the input width or ``hidden_size``."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"state_dict must be a dict of arrays named as nn.{mode}'s; got {describe_value(state_dict)}"
        )
    if name not in state_dict:
        raise ValueError(f"state_dict must hold {name!r}, as nn.{mode}'s does; got {list(state_dict)}")
    return float_array(state_dict[name], name, 2, "(gates*hidden_size, width)").shape[1]


def _checked(state_dict: Mapping, shapes: dict, module: str, *, exact: bool) -> dict[str, np.ndarray]:
    """``state_dict``'s arrays of ``shapes`` as float64, or a ValueError naming the first that differs."""
    differ = [name for name in shapes if name not in state_dict]
    differ += [name for name in state_dict if name not in shapes] if exact else []
    if differ:
        where = "missing" if differ[0] in shapes else "unexpected"
        raise ValueError(
            f"state_dict must hold the {len(shapes)} arrays of {module}, {list(shapes)}; "
            f"got {len(state_dict)} arrays ({where}: {differ[0]!r})"
        )
    weights = {}
    for name, shape in shapes.items():
        weights[name] = float_array(state_dict[name], name, len(shape), "")
        expect_shape(weights[name], name, shape, f"for {module}")
    return weights


def _initial(mode: str, hx: Any, shape: tuple[int, int, int]) -> list[np.ndarray]:
    names = ["h0", "c0"] if mode == "LSTM" else ["h0"]
    if hx is None:
        return [np.zeros(shape) for _ in names]
    parts = list(hx) if mode == "LSTM" and isinstance(hx, (tuple, list)) else [hx]
    if len(parts) != len(names):
        expected = "a tuple (h0, c0) of two arrays" if mode == "LSTM" else "an array h0"
        raise ValueError(f"hx must be {expected} of shape {shape} {_STATES_LAYOUT}; got {describe_value(hx)}")
    states = [float_array(part, name, 3, _STATES_LAYOUT) for part, name in zip(parts, names, strict=True)]
    for state, name in zip(states, names, strict=True):
        expect_shape(state, name, shape, _STATES_LAYOUT)
    return states


def _lengths(lengths: Any, batch: int, steps: int) -> np.ndarray:
    if lengths is None:
        return np.full(batch, steps)
    values = to_numpy(lengths)
    if values.shape != (batch,) or not all(is_int(n) and 1 <= n <= steps for n in values.tolist()):
        raise ValueError(
            f"lengths must hold {batch} integers from 1 to {steps}, one per sequence; "
            f"got {describe_value(lengths if isinstance(lengths, np.ndarray) else values.tolist())}"
        )
    return values


def _run(mode, inputs, state_dict, num_layers, bidirectional, batch_first, hx, lengths):
    batch_first = flag(batch_first, "batch_first")
    layout = "(batch, seq_len, input_size)" if batch_first else "(seq_len, batch, input_size)"
    xs = float_array(inputs, "inputs", 3, layout)
    xs = xs.swapaxes(0, 1) if batch_first else xs
    steps, batch, features = xs.shape
    hidden = _width(state_dict, "weight_hh_l0", mode)
    shapes = torch_weight_shapes(mode, features, hidden, num_layers=num_layers, bidirectional=bidirectional)
    module = (
        f"nn.{mode}(input_size={features}, hidden_size={hidden}, num_layers={num_layers}, "
        f"bidirectional={bidirectional})"
    )
    weights = _checked(state_dict, shapes, module, exact=True)
    directions = 2 if bidirectional else 1
    initial = _initial(mode, hx, (num_layers * directions, batch, hidden))
    lengths = _lengths(lengths, batch, steps)
    step = _lstm_step if mode == "LSTM" else _gru_step
    finals = []
    for layer in range(num_layers):
        outputs = []
        for direction, suffix in enumerate(_suffixes(layer, directions)):
            parameters = [weights[f"{name}_{suffix}"] for name in _NAMES]
            state = tuple(part[layer * directions + direction] for part in initial)
            output, state = _direction(step, xs, state, parameters, lengths, reverse=direction == 1)
            outputs.append(output)
            finals.append(state)
        xs = np.concatenate(outputs, axis=-1)  # the next layer reads both directions
    output = xs.swapaxes(0, 1) if batch_first else xs
    return output, [np.stack(kind) for kind in zip(*finals, strict=True)]


def torch_lstm(
    inputs: Any,
    state_dict: Mapping[str, Any],
    *,
    num_layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    hx: Any = None,
    lengths: Any = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Compute what ``torch.nn.LSTM`` returns, ``output, (h_n, c_n)``, in NumPy (float64).

    Parameters
    ----------
    inputs : array of shape (seq_len, batch, input_size), or (batch, seq_len, input_size) with batch_first
    state_dict : dict of arrays
        The module's weights, named and shaped as its ``state_dict()`` (see ``torch_weight_shapes``);
        ``hidden_size`` is read from ``weight_hh_l0``.
    num_layers : int, default 1
    bidirectional : bool, default False
    batch_first : bool, default False
        Whether ``inputs`` and ``output`` put the batch first. The states never do.
    hx : tuple (h0, c0) of arrays of shape (num_layers*num_directions, batch, hidden_size), optional
        The initial states, zeros if omitted; row ``layer * num_directions + direction``.
    lengths : array of ``batch`` integers, optional
        Each sequence's own length, as if ``inputs`` were packed with
        ``pack_padded_sequence(inputs, lengths, batch_first=batch_first, enforce_sorted=False)`` and the
        output unpacked with ``pad_packed_sequence(..., total_length=seq_len)``: the steps after a sequence's
        length are not computed and output zeros, the final states are those of its own last step, and the
        backward direction starts there.

    Returns
    -------
    output : array of shape (seq_len, batch, num_directions*hidden_size), batch first with batch_first
        The last layer's ``h`` at every step, the backward direction's in the second half.
    (h_n, c_n) : two arrays of shape (num_layers*num_directions, batch, hidden_size)
        Each layer's and direction's final states; ``h_n.reshape(num_layers, num_directions, batch,
        hidden_size)[k, d]`` is layer ``k``, direction ``d`` (0 forward, 1 backward).

    Raises
    ------
    ValueError
        If an array has the wrong number of axes or shape, or ``state_dict`` misses a name or has one more.
    TypeError
        If ``state_dict`` is not a dict of arrays, or a flag is not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import torch_lstm, torch_weight_shapes
    >>> shapes = torch_weight_shapes("LSTM", 3, 4, num_layers=2, bidirectional=True)
    >>> weights = {name: np.full(shape, 0.1) for name, shape in shapes.items()}
    >>> output, (h_n, c_n) = torch_lstm(np.ones((5, 2, 3)), weights, num_layers=2, bidirectional=True)
    >>> output.shape, h_n.shape
    ((5, 2, 8), (4, 2, 4))
    """
    output, (h_n, c_n) = _run("LSTM", inputs, state_dict, num_layers, bidirectional, batch_first, hx, lengths)
    return output, (h_n, c_n)


def torch_gru(
    inputs: Any,
    state_dict: Mapping[str, Any],
    *,
    num_layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    hx: Any = None,
    lengths: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute what ``torch.nn.GRU`` returns, ``output, h_n``, in NumPy (float64).

    Parameters
    ----------
    inputs, state_dict, num_layers, bidirectional, batch_first, lengths
        As ``torch_lstm``.
    hx : array of shape (num_layers*num_directions, batch, hidden_size), optional
        The initial state, zeros if omitted.

    Returns
    -------
    output : array of shape (seq_len, batch, num_directions*hidden_size), batch first with batch_first
    h_n : array of shape (num_layers*num_directions, batch, hidden_size)

    Raises
    ------
    ValueError, TypeError
        As ``torch_lstm``.
    """
    output, (h_n,) = _run("GRU", inputs, state_dict, num_layers, bidirectional, batch_first, hx, lengths)
    return output, h_n


def _swap_gru_gates(array: np.ndarray, axis: int) -> np.ndarray:
    """PyTorch's r, z, n blocks as Keras' z, r, h, and back: the first two blocks change places."""
    r, z, n = np.split(array, 3, axis=axis)
    return np.concatenate([z, r, n], axis=axis)


def keras_weights_from_torch(state_dict: Mapping[str, Any], mode: str, *, layer: int = 0) -> list[np.ndarray]:
    """One layer of a PyTorch ``state_dict`` as the arrays of a Keras layer's ``set_weights``.

    For an LSTM: ``kernel = weight_ih.T``, ``recurrent_kernel = weight_hh.T``, ``bias = bias_ih + bias_hh``
    (the gate order i, f, g, o is Keras' i, f, c, o). For a GRU, the blocks r, z, n become Keras' z, r, h,
    and the two biases become the rows of a ``reset_after=True`` GRU's bias of shape ``(2, 3*units)``.

    Parameters
    ----------
    state_dict : dict of arrays
        Named as ``nn.LSTM``'s or ``nn.GRU``'s ``state_dict()``.
    mode : {"LSTM", "GRU"}
    layer : int, default 0
        Which layer ``k`` to read (the names ending in ``_l{k}``).

    Returns
    -------
    list of arrays
        ``[kernel (input, G*units), recurrent_kernel (units, G*units), bias]``, then the same three for the
        backward direction if ``state_dict`` holds ``_l{k}_reverse``: the order of
        ``Bidirectional(...).get_weights()``.
    """
    mode, layer = choice(mode, "mode", tuple(_GATES)), _layer_index(layer)
    width, hidden = (_width(state_dict, f"{name}_l{layer}", mode) for name in ("weight_ih", "weight_hh"))
    suffixes = _suffixes(layer, 2 if f"weight_hh_l{layer}_reverse" in state_dict else 1)
    one_layer = torch_weight_shapes(mode, width, hidden, bidirectional=len(suffixes) == 2)
    shapes = {name.replace("_l0", f"_l{layer}"): shape for name, shape in one_layer.items()}
    weights = _checked(
        state_dict, shapes, f"layer {layer} of nn.{mode} with hidden_size={hidden}", exact=False
    )
    arrays = []
    for suffix in suffixes:
        w_ih, w_hh, b_ih, b_hh = (weights[f"{name}_{suffix}"] for name in _NAMES)
        if mode == "LSTM":
            arrays += [w_ih.T, w_hh.T, b_ih + b_hh]
        else:
            kernel, recurrent = _swap_gru_gates(w_ih.T, 1), _swap_gru_gates(w_hh.T, 1)
            arrays += [kernel, recurrent, np.stack([_swap_gru_gates(b_ih, 0), _swap_gru_gates(b_hh, 0)])]
    return arrays


def _layer_index(layer: Any) -> int:
    if not is_int(layer) or layer < 0:
        raise ValueError(f"layer must be an integer >= 0; got {describe_value(layer)}")
    return int(layer)


def torch_weights_from_keras(weights: Any, mode: str, *, layer: int = 0) -> dict[str, np.ndarray]:
    """A Keras layer's ``get_weights()`` as the arrays of layer ``layer`` of a PyTorch ``state_dict``.

    The inverse of ``keras_weights_from_torch``. A Keras LSTM has one bias where PyTorch has two: it goes
    to ``bias_ih``, and ``bias_hh`` is zeros (only their sum counts). A GRU must have ``reset_after=True``
    (Keras' default), the variant PyTorch computes.

    Parameters
    ----------
    weights : list of arrays
        ``[kernel, recurrent_kernel, bias]`` of an ``LSTM`` or ``GRU``, or the 6 arrays of a
        ``Bidirectional`` one (forward, then backward).
    mode : {"LSTM", "GRU"}
    layer : int, default 0
        The ``k`` of the names ``_l{k}`` to write.

    Returns
    -------
    dict of arrays
        ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, and the ``_reverse`` ones
        for 6 arrays, in ``state_dict()`` order.
    """
    mode, layer = choice(mode, "mode", tuple(_GATES)), _layer_index(layer)
    if not isinstance(weights, (list, tuple)) or len(weights) not in (3, 6):
        count = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else describe_value(weights)
        raise ValueError(
            "weights must be a Keras layer's get_weights(): 3 arrays (kernel, recurrent_kernel, bias), "
            f"or 6 for Bidirectional; got {count}"
        )
    gates, state_dict = _GATES[mode], {}
    for suffix in _suffixes(layer, len(weights) // 3):
        start = 3 if suffix.endswith("_reverse") else 0
        kernel = float_array(weights[start], "kernel", 2, f"(input_dim, {gates}*units)")
        recurrent = float_array(weights[start + 1], "recurrent_kernel", 2, f"(units, {gates}*units)")
        units = recurrent.shape[0]
        expect_shape(recurrent, "recurrent_kernel", (units, gates * units), f"(units, {gates}*units)")
        expect_shape(kernel, "kernel", (kernel.shape[0], gates * units), f"(input_dim, {gates}*units)")
        if mode == "LSTM":
            bias = float_array(weights[start + 2], "bias", 1, "(4*units,)")
            expect_shape(bias, "bias", (4 * units,), "(4*units,)")
            arrays = [kernel.T, recurrent.T, bias, np.zeros_like(bias)]
        else:
            bias = float_array(weights[start + 2], "bias", 2, "(2, 3*units) of a GRU with reset_after=True")
            expect_shape(bias, "bias", (2, 3 * units), "of a GRU with reset_after=True")
            arrays = [_swap_gru_gates(kernel, 1).T, _swap_gru_gates(recurrent, 1).T]
            arrays += [_swap_gru_gates(bias[0], 0), _swap_gru_gates(bias[1], 0)]
        state_dict.update({f"{name}_{suffix}": array for name, array in zip(_NAMES, arrays, strict=True)})
    return state_dict
