"""Predict the output shapes and parameter counts of Keras recurrent layers without building them.

Every prediction here is what Keras 3 itself produces; the unit tests compare them with real layers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from lstm_course._validate import choice, describe_value, flag, positive_int, shape_tuple
from lstm_course.kinds import KINDS, RECURRENT_KINDS

__all__ = [
    "MERGE_MODES",
    "LayerSpec",
    "gru_param_count",
    "lstm_output_shape",
    "lstm_param_count",
    "rnn_output_shape",
    "simple_rnn_param_count",
    "stack_output_shapes",
]

Shape = tuple[int | None, ...]

#: The values ``keras.layers.Bidirectional`` accepts for ``merge_mode``.
MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _sequence_input_shape(input_shape: Any) -> tuple[int | None, int | None, int]:
    shape = shape_tuple(input_shape, "input_shape")
    if len(shape) != 3:
        raise ValueError(
            f"input_shape must be 3-D (batch, timesteps, features); got {len(shape)}-D {shape!r}"
        )
    if shape[2] is None:
        raise ValueError(
            f"input_shape must give the number of features (batch, timesteps, features); got {shape!r}"
        )
    return shape  # type: ignore[return-value]


def lstm_output_shape(
    input_shape: Sequence[int | None],
    units: int,
    *,
    return_sequences: bool = False,
    return_state: bool = False,
    bidirectional: bool = False,
    merge_mode: str | None = "concat",
) -> Shape | list[Shape]:
    """Predict the shape, or list of shapes, that a Keras LSTM layer returns.

    This is ``rnn_output_shape(..., kind="lstm")``.

    Parameters
    ----------
    input_shape : tuple (batch, timesteps, features)
        The input shape; ``batch`` and ``timesteps`` may be None, as in ``keras.Input``.
    units : int
        The ``units`` of the LSTM: the width of h and c.
    return_sequences : bool, default False
        Whether the layer returns every step, ``(batch, timesteps, width)``, or only the last,
        ``(batch, width)``.
    return_state : bool, default False
        Whether the final states follow the output.
    bidirectional : bool, default False
        Whether the LSTM is wrapped in ``keras.layers.Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave", None}, default "concat"
        How ``Bidirectional`` merges the two directions (ignored unless ``bidirectional``):
        ``"concat"`` doubles the width, the others keep it, None returns both outputs unmerged.

    Returns
    -------
    tuple
        The output shape, when there is a single output (``return_state=False`` and not
        ``merge_mode=None``).
    list of tuple
        Otherwise, in Keras' order: the output(s) (forward then backward if ``merge_mode=None``),
        then the states, ``h, c`` or, for ``Bidirectional``, forward ``h, c`` then backward
        ``h, c``. Every state has shape ``(batch, units)``.

    Raises
    ------
    ValueError
        If ``input_shape`` is not 3-D or lacks the number of features, if ``units`` is not positive
        or if ``merge_mode`` is not one of the five Keras values.
    TypeError
        If ``units`` is not an integer, a flag is not a bool or ``input_shape`` is not a tuple.

    Examples
    --------
    >>> from lstm_course import lstm_output_shape
    >>> lstm_output_shape((None, 10, 8), 32)
    (None, 32)
    >>> lstm_output_shape((None, 10, 8), 32, return_sequences=True, bidirectional=True)
    (None, 10, 64)
    >>> lstm_output_shape((None, 10, 8), 32, return_state=True)
    [(None, 32), (None, 32), (None, 32)]
    """
    return rnn_output_shape(
        input_shape,
        units,
        kind="lstm",
        return_sequences=return_sequences,
        return_state=return_state,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
    )


def rnn_output_shape(
    input_shape: Sequence[int | None],
    units: int,
    *,
    kind: str = "lstm",
    return_sequences: bool = False,
    return_state: bool = False,
    bidirectional: bool = False,
    merge_mode: str | None = "concat",
) -> Shape | list[Shape]:
    """Predict the shape, or list of shapes, that a Keras LSTM, GRU or SimpleRNN layer returns.

    The three layers differ only in their states: an LSTM has two, h and c, while a GRU and a
    SimpleRNN have one, h. So with ``return_state=True`` each direction adds two shapes for an
    LSTM and one for the others.

    Parameters
    ----------
    input_shape : tuple (batch, timesteps, features)
        The input shape; ``batch`` and ``timesteps`` may be None, as in ``keras.Input``.
    units : int
        The layer's ``units``: the width of its output and of each of its states.
    kind : {"lstm", "gru", "simple_rnn"}, default "lstm"
        The layer class: ``LSTM``, ``GRU`` or ``SimpleRNN``.
    return_sequences : bool, default False
        Whether the layer returns every step, ``(batch, timesteps, width)``, or only the last,
        ``(batch, width)``.
    return_state : bool, default False
        Whether the final states follow the output.
    bidirectional : bool, default False
        Whether the layer is wrapped in ``keras.layers.Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave", None}, default "concat"
        How ``Bidirectional`` merges the two directions (ignored unless ``bidirectional``):
        ``"concat"`` doubles the width, the others keep it, None returns both outputs unmerged.

    Returns
    -------
    tuple
        The output shape, when there is a single output (``return_state=False`` and not
        ``merge_mode=None``).
    list of tuple
        Otherwise, in Keras' order (Keras returns them as one flat tuple of tensors): the
        output(s), forward then backward if ``merge_mode=None``; then the final states of the
        forward direction (``h, c`` for an LSTM, ``h`` otherwise), then those of the backward
        direction. Every state has shape ``(batch, units)``.

    Raises
    ------
    ValueError
        If ``input_shape`` is not 3-D or lacks the number of features, if ``units`` is not
        positive, or if ``kind`` or ``merge_mode`` is not one of the values above.
    TypeError
        If ``units`` is not an integer, a flag is not a bool or ``input_shape`` is not a tuple.

    Examples
    --------
    >>> from lstm_course import rnn_output_shape
    >>> rnn_output_shape((None, 10, 8), 32, kind="gru", return_state=True)
    [(None, 32), (None, 32)]
    >>> rnn_output_shape((2, 10, 8), 32, kind="simple_rnn", return_sequences=True,
    ...                  return_state=True, bidirectional=True, merge_mode=None)
    [(2, 10, 32), (2, 10, 32), (2, 32), (2, 32)]
    """
    batch, timesteps, _ = _sequence_input_shape(input_shape)
    units = positive_int(units, "units")
    kind = choice(kind, "kind", RECURRENT_KINDS)
    return_sequences = flag(return_sequences, "return_sequences")
    return_state = flag(return_state, "return_state")
    bidirectional = flag(bidirectional, "bidirectional")
    merge_mode = choice(merge_mode, "merge_mode", MERGE_MODES)

    directions = 2 if bidirectional else 1
    width = 2 * units if bidirectional and merge_mode == "concat" else units
    output: Shape = (batch, timesteps, width) if return_sequences else (batch, width)
    state: Shape = (batch, units)
    outputs = [output, output] if bidirectional and merge_mode is None else [output]
    states = [state] * (KINDS[kind].states * directions) if return_state else []
    shapes = outputs + states
    return shapes[0] if len(shapes) == 1 else shapes


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a stack for ``stack_output_shapes``.

    A plain dict with the same keys works too: ``{"units": 64, "return_sequences": True}``.

    Parameters
    ----------
    units : int
        The layer's ``units``.
    kind : {"lstm", "gru", "simple_rnn", "dense"}, default "lstm"
        The layer class: ``LSTM``, ``GRU``, ``SimpleRNN`` or ``Dense``.
    return_sequences : bool, default False
        For a recurrent layer: return every step rather than the last one.
    bidirectional : bool, default False
        For a recurrent layer: wrap it in ``Bidirectional``.
    merge_mode : {"concat", "sum", "mul", "ave"}, default "concat"
        For a bidirectional layer. None (two outputs) cannot be stacked.
    """

    units: int
    kind: str = "lstm"
    return_sequences: bool = False
    bidirectional: bool = False
    merge_mode: str | None = "concat"

    def __post_init__(self) -> None:
        positive_int(self.units, "units")
        choice(self.kind, "kind", tuple(KINDS))
        flag(self.return_sequences, "return_sequences")
        flag(self.bidirectional, "bidirectional")
        choice(self.merge_mode, "merge_mode", MERGE_MODES)
        if self.merge_mode is None and self.bidirectional:
            raise ValueError(
                "merge_mode=None gives two outputs, which a stack cannot pass on; "
                "use 'concat', 'sum', 'mul' or 'ave'"
            )
        if self.kind == "dense" and (self.return_sequences or self.bidirectional):
            raise ValueError(
                "a dense layer takes neither return_sequences nor bidirectional; "
                f"got return_sequences={self.return_sequences}, bidirectional={self.bidirectional}"
            )

    @property
    def name(self) -> str:
        """The Keras class name, e.g. ``"LSTM"`` or ``"Bidirectional(GRU)"``."""
        name = KINDS[self.kind].class_name
        return f"Bidirectional({name})" if self.bidirectional else name


def _as_spec(layer: Any, position: int) -> LayerSpec:
    if isinstance(layer, LayerSpec):
        return layer
    if isinstance(layer, Mapping):
        known = {field.name for field in fields(LayerSpec)}
        unknown = sorted(set(layer) - known)
        if unknown:
            raise ValueError(
                f"layer {position} has unknown key(s) {', '.join(map(repr, unknown))}; "
                f"expected some of {', '.join(sorted(known))}"
            )
        if "units" not in layer:
            raise ValueError(f"layer {position} must give 'units'; got {dict(layer)!r}")
        return LayerSpec(**layer)
    raise TypeError(
        f"layer {position} must be a LayerSpec or a dict like {{'units': 64}}; got {describe_value(layer)}"
    )


def stack_output_shapes(
    input_shape: Sequence[int | None],
    layers: Sequence[LayerSpec | Mapping[str, Any]],
) -> list[Shape]:
    """Predict the output shape of every layer in a stack, as a Keras ``Sequential`` would build it.

    Parameters
    ----------
    input_shape : tuple (batch, timesteps, features)
        The shape given to the first layer; ``batch`` and ``timesteps`` may be None.
    layers : list of LayerSpec or dict
        The layers, first to last. A dict holds the fields of ``LayerSpec``, for example
        ``{"units": 64, "return_sequences": True}`` or ``{"units": 1, "kind": "dense"}``.

    Returns
    -------
    list of tuple
        One output shape per layer, in order.

    Raises
    ------
    ValueError
        If a recurrent layer receives an input that is not 3-D, with the message Keras gives
        (``expected ndim=3, found ndim=2``); if a layer spec is invalid.
    TypeError
        If ``layers`` or one of its items is not a spec.

    Examples
    --------
    >>> from lstm_course import stack_output_shapes
    >>> stack_output_shapes((None, 10, 8), [{"units": 32, "return_sequences": True},
    ...                                     {"units": 16}, {"units": 1, "kind": "dense"}])
    [(None, 10, 32), (None, 16), (None, 1)]
    """
    shape = shape_tuple(input_shape, "input_shape")
    if len(shape) < 2 or shape[-1] is None:
        raise ValueError(
            "input_shape must be (batch, timesteps, features) or (batch, features) with a known "
            f"number of features; got {shape!r}"
        )
    if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a list of LayerSpec or dicts; got {describe_value(layers)}")

    shapes: list[Shape] = []
    previous: LayerSpec | None = None
    for position, layer in enumerate(layers, start=1):
        spec = _as_spec(layer, position)
        if spec.kind == "dense":
            # Dense acts on the last axis and keeps the others.
            shape = (*shape[:-1], spec.units)
        else:
            if len(shape) != 3:
                hint = (
                    " (the layer before it returns only its last step: give it return_sequences=True)"
                    if previous is not None and previous.kind != "dense" and len(shape) == 2
                    else ""
                )
                raise ValueError(
                    f"Input 0 of layer {position} ({spec.name}) is incompatible with the layer: "
                    f"expected ndim=3, found ndim={len(shape)}. Full shape received: {shape!r}"
                    f"{hint}"
                )
            width = 2 * spec.units if spec.bidirectional and spec.merge_mode == "concat" else spec.units
            batch, timesteps, _ = shape
            shape = (batch, timesteps, width) if spec.return_sequences else (batch, width)
        shapes.append(shape)
        previous = spec
    return shapes


def _param_count(kind: str, input_dim: Any, units: Any, bidirectional: Any, reset_after: Any = True) -> int:
    """The validated count of ``KINDS[kind]``: the three public counters differ only in ``kind``."""
    return KINDS[kind].param_count(
        positive_int(input_dim, "input_dim"),
        positive_int(units, "units"),
        reset_after=flag(reset_after, "reset_after"),
        bidirectional=flag(bidirectional, "bidirectional"),
    )


def lstm_param_count(input_dim: int, units: int, *, bidirectional: bool = False) -> int:
    """Count the trainable parameters of a Keras LSTM layer.

    Four gates, each with input weights ``(input_dim, units)``, recurrent weights ``(units, units)``
    and a bias ``(units,)``: ``4 * (units * (input_dim + units) + units)``.

    Parameters
    ----------
    input_dim : int
        The number of input features (the last axis of the input).
    units : int
        The ``units`` of the LSTM.
    bidirectional : bool, default False
        Count both directions of ``Bidirectional(LSTM(units))`` (twice as many).

    Returns
    -------
    int
        What ``layer.count_params()`` returns.

    Raises
    ------
    ValueError
        If ``input_dim`` or ``units`` is not positive.
    TypeError
        If ``input_dim`` or ``units`` is not an integer, or ``bidirectional`` is not a bool.

    Examples
    --------
    >>> from lstm_course import lstm_param_count
    >>> lstm_param_count(64, 128)
    98816
    >>> lstm_param_count(10, 64, bidirectional=True)
    38400
    """
    return _param_count("lstm", input_dim, units, bidirectional)


def gru_param_count(
    input_dim: int, units: int, *, reset_after: bool = True, bidirectional: bool = False
) -> int:
    """Count the trainable parameters of a Keras GRU layer.

    Three gates. With ``reset_after=True`` (the Keras 3 default) each gate has two bias vectors, one
    for the input and one for the recurrent part: ``3 * (units * (input_dim + units) + 2 * units)``;
    with ``reset_after=False`` one: ``3 * (units * (input_dim + units) + units)``.

    Parameters
    ----------
    input_dim : int
        The number of input features.
    units : int
        The ``units`` of the GRU.
    reset_after : bool, default True
        The GRU variant, as the Keras argument of that name.
    bidirectional : bool, default False
        Count both directions of ``Bidirectional(GRU(units))``.

    Returns
    -------
    int
        What ``layer.count_params()`` returns.

    Raises
    ------
    ValueError
        If ``input_dim`` or ``units`` is not positive.
    TypeError
        If ``input_dim`` or ``units`` is not an integer, or a flag is not a bool.

    Examples
    --------
    >>> from lstm_course import gru_param_count
    >>> gru_param_count(64, 256)
    247296
    """
    return _param_count("gru", input_dim, units, bidirectional, reset_after)


def simple_rnn_param_count(input_dim: int, units: int, *, bidirectional: bool = False) -> int:
    """Count the trainable parameters of a Keras SimpleRNN layer: ``units * (input_dim + units) + units``.

    Parameters
    ----------
    input_dim : int
        The number of input features.
    units : int
        The ``units`` of the SimpleRNN.
    bidirectional : bool, default False
        Count both directions of ``Bidirectional(SimpleRNN(units))``.

    Returns
    -------
    int
        What ``layer.count_params()`` returns.

    Raises
    ------
    ValueError
        If ``input_dim`` or ``units`` is not positive.
    TypeError
        If ``input_dim`` or ``units`` is not an integer, or ``bidirectional`` is not a bool.

    Examples
    --------
    >>> from lstm_course import simple_rnn_param_count
    >>> simple_rnn_param_count(256, 128)
    49280
    """
    return _param_count("simple_rnn", input_dim, units, bidirectional)
