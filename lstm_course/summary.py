"""A plain-text, deterministic alternative to ``model.summary()`` for notebooks.

``model.summary()`` prints through ``rich`` (HTML in Jupyter) and shows layer names that depend on
how many layers were created before (``lstm_3``), so a stored output changes when a cell is re-run.
``describe`` prints the layer classes, output shapes and parameter counts only. Keras is not imported:
the model is used through its attributes (``layers``, ``inputs``, ``output``, ``count_params``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe"]

_UNKNOWN = "unknown"


def _layer_label(layer: Any) -> str:
    """``"LSTM"``, or ``"Bidirectional(LSTM)"`` / ``"TimeDistributed(Dense)"`` for a wrapper."""
    name = type(layer).__name__
    inner = getattr(layer, "forward_layer", None)
    if inner is None:
        inner = getattr(layer, "layer", None)
    if inner is not None and hasattr(inner, "count_params"):
        return f"{name}({type(inner).__name__})"
    return name


def _format_shape(shape: Any) -> str:
    return (
        "("
        + ", ".join("None" if size is None else str(int(size)) for size in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def _format_output(output: Any) -> str:
    """A shape for one tensor, or ``[shape, shape, ...]`` for a list of tensors."""
    if isinstance(output, (list, tuple)):
        return "[" + ", ".join(_format_output(item) for item in output) + "]"
    if isinstance(output, dict):
        return "{" + ", ".join(f"{key}: {_format_output(output[key])}" for key in output) + "}"
    return _format_shape(tuple(output.shape))


def _layer_output(layer: Any) -> str:
    try:
        output = layer.output
    except (AttributeError, ValueError, RuntimeError):
        # A layer of a subclassed model has no symbolic output.
        return _UNKNOWN
    return _format_output(output)


def _model_inputs(model: Any) -> list[Any]:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError, RuntimeError):
        return []
    return list(inputs or [])


def describe(model: Any) -> str:
    """Describe a built Keras model as a plain-text table: layers, output shapes, parameters.

    Rows are numbered and show the layer class (``LSTM``, ``Bidirectional(LSTM)``), never the
    auto-generated layer names, so the text is the same every time the model is built. The input
    shape(s) come first, the total number of parameters last.

    Parameters
    ----------
    model : keras.Model
        A built model: a ``Sequential`` that starts with ``keras.Input`` (or was built or called),
        or a functional model.

    Returns
    -------
    str
        The table, one row per line, to ``print``.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model, or is a model that is not built yet.

    Examples
    --------
    >>> import keras
    >>> from lstm_course import describe
    >>> model = keras.Sequential([keras.Input((10, 8)), keras.layers.LSTM(32)])
    >>> print(describe(model))
    #  Layer  Output shape   Params
    -  -----  -------------  ------
       Input  (None, 10, 8)       0
    1  LSTM   (None, 32)      5,248
    Total params: 5,248
    """
    if not hasattr(model, "layers") or not hasattr(model, "count_params"):
        raise TypeError(f"describe needs a built Keras model (with .layers); got {type(model).__name__}")
    if not getattr(model, "built", False):
        raise TypeError(
            f"describe needs a built Keras model; this {type(model).__name__} is not built yet: "
            "start it with keras.Input(shape=...) or call it on data first"
        )

    rows: list[tuple[str, str, str, str]] = []
    for tensor in _model_inputs(model):
        rows.append(("", "Input", _format_shape(tuple(tensor.shape)), "0"))
    number = 0
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        number += 1
        rows.append((str(number), _layer_label(layer), _layer_output(layer), f"{layer.count_params():,}"))

    header = ("#", "Layer", "Output shape", "Params")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row: tuple[str, str, str, str]) -> str:
        number, label, shape, params = row
        text = f"{number:<{widths[0]}}  {label:<{widths[1]}}  {shape:<{widths[2]}}  {params:>{widths[3]}}"
        return text.rstrip()

    lines = [line(header), "  ".join("-" * width for width in widths)]
    lines += [line(row) for row in rows]
    lines.append(f"Total params: {model.count_params():,}")
    return "\n".join(lines)
