"""A Keras-compatible LSTM written in plain NumPy.

The functions take the weights exactly as ``keras.layers.LSTM(units).get_weights()`` returns them:

- ``kernel`` of shape ``(input_dim, 4 * units)``,
- ``recurrent_kernel`` of shape ``(units, 4 * units)``,
- ``bias`` of shape ``(4 * units,)``,

with the four gates side by side along the last axis in the order input, forget, candidate, output
(Keras calls them i, f, c, o). The activation is ``tanh`` and the recurrent activation is the logistic
sigmoid, the Keras 3 defaults.

Everything is computed, and returned, in float64 whatever the dtype of the arguments, so the
reference is at least as precise as a float32 Keras layer it is compared with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from lstm_course._validate import describe_value, expect_shape, flag, float_array, to_numpy

__all__ = ["Gates", "Trace", "lstm_cell_step", "lstm_forward", "lstm_trace"]


class Gates(NamedTuple):
    """The four gate activations of an LSTM step (or of many steps, stacked).

    For one step (``lstm_cell_step``) each field is an array of shape ``(batch, units)``; in a
    ``Trace`` each field is an array of shape ``(batch, timesteps, units)``.

    Parameters
    ----------
    input : array
        The input gate i = sigmoid(x W_i + h U_i + b_i), in (0, 1): how much of the candidate is written.
    forget : array
        The forget gate f, in (0, 1): how much of the previous cell state is kept.
    candidate : array
        The candidate values c~ = tanh(x W_c + h U_c + b_c), in (-1, 1): what could be written.
    output : array
        The output gate o, in (0, 1): how much of tanh(c) is exposed as h.
    """

    input: np.ndarray
    forget: np.ndarray
    candidate: np.ndarray
    output: np.ndarray


class Trace(NamedTuple):
    """Everything an LSTM computed at every step, as returned by ``lstm_trace``.

    Parameters
    ----------
    h : array of shape (batch, timesteps, units)
        The hidden state after each step (Keras exposes it with ``return_sequences=True``).
    c : array of shape (batch, timesteps, units)
        The cell state after each step (a Keras LSTM layer never exposes it step by step).
    gates : Gates
        The four gate activations at each step, each of shape ``(batch, timesteps, units)``.
    """

    h: np.ndarray
    c: np.ndarray
    gates: Gates


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)) written through tanh, which never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _check_weights(
    kernel: Any, recurrent_kernel: Any, bias: Any, input_dim: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Validate the three weight arrays against ``input_dim``; return them and ``units``."""
    recurrent_kernel = float_array(recurrent_kernel, "recurrent_kernel", 2, "(units, 4*units)")
    units = recurrent_kernel.shape[0]
    if units < 1 or recurrent_kernel.shape[1] != 4 * units:
        raise ValueError(
            f"recurrent_kernel must have shape (units, 4*units); got shape {tuple(recurrent_kernel.shape)}"
        )
    kernel = float_array(kernel, "kernel", 2, "(input_dim, 4*units)")
    expect_shape(
        kernel,
        "kernel",
        (input_dim, 4 * units),
        f"(input_dim, 4*units) for input_dim={input_dim} and units={units}",
    )
    bias = float_array(bias, "bias", 1, "(4*units,)")
    expect_shape(bias, "bias", (4 * units,), f"(4*units,) for units={units}")
    return kernel, recurrent_kernel, bias, units


def lstm_cell_step(
    x_t: Any,
    h: Any,
    c: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
) -> tuple[np.ndarray, np.ndarray, Gates]:
    """Run one LSTM step, as ``keras.layers.LSTMCell`` does.

    The step computes, for the gates in the Keras order i, f, c~, o::

        z  = x_t @ kernel + h @ recurrent_kernel + bias
        i  = sigmoid(z_i)   f = sigmoid(z_f)   c~ = tanh(z_c)   o = sigmoid(z_o)
        c' = f * c + i * c~
        h' = o * tanh(c')

    Parameters
    ----------
    x_t : array of shape (batch, input_dim)
        The inputs at this timestep.
    h : array of shape (batch, units)
        The hidden state from the previous step.
    c : array of shape (batch, units)
        The cell state from the previous step.
    kernel : array of shape (input_dim, 4*units)
        Input weights, gates side by side in the order i, f, c, o.
    recurrent_kernel : array of shape (units, 4*units)
        Recurrent weights, same gate order.
    bias : array of shape (4*units,)
        Biases, same gate order.

    Returns
    -------
    new_h : array of shape (batch, units)
        The new hidden state; every entry lies in (-1, 1).
    new_c : array of shape (batch, units)
        The new cell state; not bounded.
    gates : Gates
        The four activations, each of shape ``(batch, units)``.

    Raises
    ------
    ValueError
        If an array has the wrong number of axes or a shape that does not match the others.
    TypeError
        If an argument is not a numeric array.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import lstm_cell_step
    >>> kernel, recurrent_kernel, bias = np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)
    >>> h, c, gates = lstm_cell_step(np.ones((1, 3)), np.zeros((1, 2)), np.ones((1, 2)),
    ...                              kernel, recurrent_kernel, bias)
    >>> c.round(3).tolist(), gates.forget.round(3).tolist()
    ([[0.5, 0.5]], [[0.5, 0.5]])
    """
    x_t = float_array(x_t, "x_t", 2, "(batch, input_dim)")
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, x_t.shape[1])
    state_layout = f"(batch, units) = ({x_t.shape[0]}, {units})"
    h = float_array(h, "h", 2, "(batch, units)")
    expect_shape(h, "h", (x_t.shape[0], units), state_layout)
    c = float_array(c, "c", 2, "(batch, units)")
    expect_shape(c, "c", (x_t.shape[0], units), state_layout)

    z = x_t @ kernel + h @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    gates = Gates(input=_sigmoid(z_i), forget=_sigmoid(z_f), candidate=np.tanh(z_c), output=_sigmoid(z_o))
    new_c = gates.forget * c + gates.input * gates.candidate
    new_h = gates.output * np.tanh(new_c)
    return new_h, new_c, gates


class _Run(NamedTuple):
    outputs: np.ndarray  # (batch, timesteps, units), in processing order
    h: np.ndarray  # (batch, timesteps, units), state after each processed step
    c: np.ndarray
    gates: Gates


def _run(
    inputs: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    initial_state: Any,
    mask: Any,
    go_backwards: Any,
) -> _Run:
    """Validate everything, then loop ``lstm_cell_step`` over the timesteps."""
    inputs = float_array(inputs, "inputs", 3, "(batch, timesteps, features)")
    batch, timesteps, features = inputs.shape
    if timesteps < 1:
        raise ValueError(
            "inputs must have at least one timestep (batch, timesteps, features); "
            f"got shape {tuple(inputs.shape)}"
        )
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, features)
    go_backwards = flag(go_backwards, "go_backwards")
    state_layout = f"(batch, units) = ({batch}, {units})"

    if initial_state is None:
        h = np.zeros((batch, units))
        c = np.zeros((batch, units))
    else:
        if isinstance(initial_state, np.ndarray) or not isinstance(initial_state, (list, tuple)):
            raise TypeError(
                f"initial_state must be a list [h0, c0] of two arrays of shape {state_layout}; "
                f"got {describe_value(initial_state)}"
            )
        if len(initial_state) != 2:
            raise ValueError(
                f"initial_state must be a list [h0, c0] of two arrays of shape {state_layout}; "
                f"got {len(initial_state)} arrays"
            )
        h = float_array(initial_state[0], "initial_state[0] (h0)", 2, "(batch, units)")
        expect_shape(h, "initial_state[0] (h0)", (batch, units), state_layout)
        c = float_array(initial_state[1], "initial_state[1] (c0)", 2, "(batch, units)")
        expect_shape(c, "initial_state[1] (c0)", (batch, units), state_layout)

    if mask is None:
        keep = np.ones((batch, timesteps), dtype=bool)
    else:
        keep = to_numpy(mask)
        if keep.dtype != np.bool_:
            raise TypeError(
                f"mask must be a boolean array of shape (batch, timesteps) = ({batch}, {timesteps}); "
                f"got dtype {keep.dtype}"
            )
        if keep.shape != (batch, timesteps):
            raise ValueError(
                f"mask must have shape (batch, timesteps) = ({batch}, {timesteps}); "
                f"got shape {tuple(keep.shape)}"
            )

    order = range(timesteps - 1, -1, -1) if go_backwards else range(timesteps)
    # Keras starts the "previous output" of a masked first step at zeros, not at h0.
    previous_output = np.zeros((batch, units))
    outputs, hs, cs, gate_steps = [], [], [], []
    for t in order:
        new_h, new_c, gates = lstm_cell_step(inputs[:, t, :], h, c, kernel, recurrent_kernel, bias)
        step_kept = keep[:, t, None]
        h = np.where(step_kept, new_h, h)
        c = np.where(step_kept, new_c, c)
        previous_output = np.where(step_kept, new_h, previous_output)
        outputs.append(previous_output)
        hs.append(h)
        cs.append(c)
        gate_steps.append(gates)

    def stack(steps: list[np.ndarray]) -> np.ndarray:
        return np.stack(steps, axis=1)

    return _Run(
        outputs=stack(outputs),
        h=stack(hs),
        c=stack(cs),
        gates=Gates(*(stack([getattr(g, name) for g in gate_steps]) for name in Gates._fields)),
    )


def lstm_forward(
    inputs: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *,
    initial_state: Any = None,
    mask: Any = None,
    return_sequences: bool = False,
    return_state: bool = False,
    go_backwards: bool = False,
) -> np.ndarray | list[np.ndarray]:
    """Run an LSTM layer over a batch of sequences and return what ``keras.layers.LSTM`` returns.

    The layer is a loop of ``lstm_cell_step`` over the timesteps, with one set of weights.

    Parameters
    ----------
    inputs : array of shape (batch, timesteps, features)
        The input sequences.
    kernel : array of shape (features, 4*units)
        Input weights, as ``layer.get_weights()[0]``.
    recurrent_kernel : array of shape (units, 4*units)
        Recurrent weights, as ``layer.get_weights()[1]``.
    bias : array of shape (4*units,)
        Biases, as ``layer.get_weights()[2]``.
    initial_state : list [h0, c0] of two arrays of shape (batch, units), optional
        The states before the first step; zeros if omitted.
    mask : boolean array of shape (batch, timesteps), optional
        False marks a padded step. A masked step leaves h and c unchanged and outputs the previous
        step's output (zeros if no step has been kept yet), as Keras does by default.
    return_sequences : bool, default False
        Return the output of every step, shape ``(batch, timesteps, units)``, instead of the last
        step's output, shape ``(batch, units)``.
    return_state : bool, default False
        Also return the final hidden state and cell state.
    go_backwards : bool, default False
        Process the sequence from the last step to the first. As in Keras, the mask is reversed with
        the inputs and a returned sequence is in processing order, that is, reversed in time.

    Returns
    -------
    output : array of shape (batch, units), or (batch, timesteps, units) with return_sequences
        Returned alone when ``return_state`` is False.
    [output, h, c] : list of three arrays
        With ``return_state=True``; ``h`` and ``c`` have shape ``(batch, units)``.

    Raises
    ------
    ValueError
        If ``inputs`` is not 3-D, if a weight, state or mask has a shape that does not match
        ``inputs`` and ``units``, or if ``initial_state`` does not hold two arrays.
    TypeError
        If an argument is not a numeric array, the mask is not boolean or a flag is not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import lstm_forward
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2, 5, 3))
    >>> kernel, recurrent_kernel = rng.normal(size=(3, 16)), rng.normal(size=(4, 16))
    >>> output, h, c = lstm_forward(x, kernel, recurrent_kernel, np.zeros(16), return_state=True)
    >>> output.shape, bool(np.allclose(output, h))
    ((2, 4), True)
    """
    return_sequences = flag(return_sequences, "return_sequences")
    return_state = flag(return_state, "return_state")
    run = _run(inputs, kernel, recurrent_kernel, bias, initial_state, mask, go_backwards)
    output = run.outputs if return_sequences else run.outputs[:, -1, :]
    if return_state:
        return [output, run.h[:, -1, :], run.c[:, -1, :]]
    return output


def lstm_trace(
    inputs: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    *,
    initial_state: Any = None,
    mask: Any = None,
    go_backwards: bool = False,
) -> Trace:
    """Run an LSTM layer like ``lstm_forward`` and keep h, c and the gates of every step.

    A Keras layer exposes only h step by step (``return_sequences=True``); the trace also shows the
    cell state and the gates, for plotting with ``plot_gates`` and ``plot_states``.

    Parameters
    ----------
    inputs : array of shape (batch, timesteps, features)
        The input sequences.
    kernel : array of shape (features, 4*units)
        Input weights, as ``layer.get_weights()[0]``.
    recurrent_kernel : array of shape (units, 4*units)
        Recurrent weights, as ``layer.get_weights()[1]``.
    bias : array of shape (4*units,)
        Biases, as ``layer.get_weights()[2]``.
    initial_state : list [h0, c0] of two arrays of shape (batch, units), optional
        The states before the first step; zeros if omitted.
    mask : boolean array of shape (batch, timesteps), optional
        As in ``lstm_forward``. At a masked step h and c are carried over unchanged; the gates
        are still recorded as computed.
    go_backwards : bool, default False
        As in ``lstm_forward``; the trace is then in processing order (reversed in time).

    Returns
    -------
    Trace
        ``h`` and ``c`` of shape ``(batch, timesteps, units)`` and ``gates``, four arrays of that
        shape.

    Raises
    ------
    ValueError
        As ``lstm_forward``.
    TypeError
        As ``lstm_forward``.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import lstm_trace
    >>> rng = np.random.default_rng(0)
    >>> trace = lstm_trace(rng.normal(size=(1, 6, 2)), rng.normal(size=(2, 12)),
    ...                    rng.normal(size=(3, 12)), np.zeros(12))
    >>> trace.h.shape, trace.gates.forget.shape
    ((1, 6, 3), (1, 6, 3))
    """
    run = _run(inputs, kernel, recurrent_kernel, bias, initial_state, mask, go_backwards)
    return Trace(h=run.h, c=run.c, gates=run.gates)
