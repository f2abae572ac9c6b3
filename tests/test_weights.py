"""seed_weights: the same weights from the same seed, whatever drew random numbers before; clear errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lstm_course import seed_weights


def built(units: int = 4) -> keras.layers.LSTM:
    layer = keras.layers.LSTM(units)
    layer.build((None, 3, 2))
    return layer


def test_the_same_seed_gives_the_same_weights_whatever_was_drawn_before():
    first = [w.copy() for w in seed_weights(built(), 3).get_weights()]
    keras.random.uniform((7,))  # the backend's stream moves on; NumPy's seeded generator does not care
    second = seed_weights(built(), 3).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.array_equal(first[0], seed_weights(built(), 4).get_weights()[0])


def test_values_lie_within_the_scale_and_keep_their_dtype():
    weights = seed_weights(built(), 0, scale=0.1).get_weights()
    assert all(np.abs(w).max() <= 0.1 and w.dtype == np.float32 for w in weights)


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="has no weights yet: build it"):
        seed_weights(keras.layers.LSTM(4))
    with pytest.raises(TypeError, match="must be a Keras layer or model; got 'lstm'"):
        seed_weights("lstm")
    with pytest.raises(TypeError, match="seed must be an integer; got 1.5"):
        seed_weights(built(), 1.5)
    with pytest.raises(ValueError, match="scale must be a number > 0; got 0"):
        seed_weights(built(), 1, scale=0)
