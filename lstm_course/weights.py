"""Weights that are the same on every Keras backend: drawn from NumPy's seeded generator.

Keras' initializers draw from the random stream of the backend it runs on (TensorFlow, JAX or PyTorch), and
the three streams differ: a layer built after ``keras.utils.set_random_seed(0)`` gets other weights on each.
A number the course prints from a layer's output would then change with the backend. ``seed_weights``
gives every weight of a built layer or model values from ``numpy.random.default_rng(seed)`` instead, so
that the printed numbers are the same on all three.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_course._validate import describe_value, is_int

__all__ = ["seed_weights"]


def seed_weights(layer: Any, seed: int = 0, scale: float = 0.5) -> Any:
    """Set every weight of ``layer`` (a built Keras layer or model) from NumPy's generator; return it.

    Each weight array gets values drawn uniformly from ``[-scale, scale)`` by
    ``numpy.random.default_rng(seed)``, in the order of ``layer.get_weights()``.

    Parameters
    ----------
    layer : keras.layers.Layer or keras.Model
        A layer or model whose weights exist (built, or called once).
    seed : int, default 0
        The seed of the generator: the same seed gives the same weights on every backend.
    scale : float, default 0.5
        The half-width of the interval the values are drawn from.

    Returns
    -------
    The same ``layer``, so that ``lstm = seed_weights(built_lstm, 1)`` reads naturally.

    Raises
    ------
    TypeError
        If ``layer`` has no ``get_weights``/``set_weights``, or ``seed`` is not an integer.
    ValueError
        If ``layer`` has no weights yet (build it, or call it once, first), or ``scale`` is not positive.
    """
    if not (hasattr(layer, "get_weights") and hasattr(layer, "set_weights")):
        raise TypeError(f"layer must be a Keras layer or model; got {describe_value(layer)}")
    if not is_int(seed):
        raise TypeError(f"seed must be an integer; got {describe_value(seed)}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
        raise ValueError(f"scale must be a number > 0; got {scale!r}")
    current = layer.get_weights()
    if not current:
        name = type(layer).__name__
        raise ValueError(f"{name} has no weights yet: build it (layer.build(shape)) or call it once first")
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-scale, scale, np.shape(w)).astype(np.asarray(w).dtype) for w in current])
    return layer
