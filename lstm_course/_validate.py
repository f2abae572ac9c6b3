"""Boundary checks shared by the public functions (private module).

Every check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value of the
right kind but the wrong size, and its message names what was expected and what arrived.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np


def describe_value(value: Any) -> str:
    """A short description of ``value`` for an error message: its repr, or its type and shape."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = f"a {type(value).__name__}"
    return text


def is_int(value: Any) -> bool:
    """True for Python and NumPy integers; False for bools, which are not counts."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a positive integer, else raise."""
    if not is_int(value):
        raise TypeError(f"{name} must be a positive integer; got {describe_value(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def flag(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool, else raise (so that ``return_sequences=1`` is caught)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe_value(value)}")
    return bool(value)


def shape_tuple(value: Any, name: str) -> tuple[int | None, ...]:
    """Return a shape as a tuple whose entries are positive ints or None, else raise."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a tuple of integers or None; got {describe_value(value)}")
    entries = tuple(value)
    for entry in entries:
        if entry is not None and not is_int(entry):
            raise TypeError(
                f"{name} must be a tuple of integers or None; got {entries!r} "
                f"(entry {entry!r} is a {type(entry).__name__})"
            )
        if entry is not None and entry < 1:
            raise ValueError(f"{name} must hold positive sizes or None; got {entries!r}")
    return tuple(None if entry is None else int(entry) for entry in entries)


def to_numpy(value: Any, dtype: Any = None) -> np.ndarray:
    """``value`` as a NumPy array: an array, a list, a number, or a tensor of any Keras backend.

    A PyTorch tensor that requires grad refuses ``np.asarray``; ``keras.ops.convert_to_numpy`` converts a
    tensor of the backend Keras runs on (TensorFlow, JAX or PyTorch). Keras is used only when the
    program has imported it already: this package never imports it.
    """
    if not isinstance(value, (np.ndarray, list, tuple, numbers.Number, str, bytes)):
        keras = sys.modules.get("keras")
        if keras is not None:
            try:
                value = keras.ops.convert_to_numpy(value)
            except Exception:  # noqa: BLE001 - not a tensor of this backend: NumPy says what it is
                pass
        if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)


def float_array(value: Any, name: str, ndim: int, layout: str) -> np.ndarray:
    """Return ``value`` as a float64 array with ``ndim`` axes, else raise.

    ``layout`` names the axes for the message, e.g. ``"(batch, timesteps, features)"``.
    """
    try:
        array = to_numpy(value)
    except Exception as error:  # ragged lists and other oddities
        raise TypeError(f"{name} must be an array {layout}; got {describe_value(value)}") from error
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.floating)
        or np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array {layout}; got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}; got shape {tuple(array.shape)}")
    return array.astype(np.float64)


def expect_shape(array: np.ndarray, name: str, expected: tuple[int, ...], layout: str) -> None:
    """Raise ``ValueError`` unless ``array.shape == expected``."""
    if tuple(array.shape) != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)} {layout}; got shape {tuple(array.shape)}")


def choice(value: Any, name: str, allowed: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if isinstance(value, (list, dict, set, np.ndarray)) or value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        raise ValueError(f"{name} must be one of {options}; got {describe_value(value)}")
    return value
