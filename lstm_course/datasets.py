"""Two small synthetic sequence tasks that an LSTM learns on a CPU in seconds.

- ``make_classification_data``: one label per sequence, "does the sequence contain a spike?"
  A model answers after reading the whole sequence, so it needs the default
  ``return_sequences=False``.
- ``make_labelling_data``: one label per step, "is the running sum of the steps so far
  positive?" A model answers at every step, so it needs ``return_sequences=True``; the answer
  depends on every earlier step, which is what the LSTM's state remembers.

Both return float32 arrays ready for ``model.fit`` and draw everything from
``numpy.random.default_rng(seed)``, so that a seed always gives the same data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_course._validate import describe_value, is_int, positive_int

__all__ = ["SPIKE_HEIGHT", "make_classification_data", "make_labelling_data"]

#: The value of the one spike in a positive sequence of ``make_classification_data``; the other
#: steps are drawn uniformly from [-1, 1).
SPIKE_HEIGHT = 3.0


def _seed(value: Any) -> int:
    if not is_int(value):
        raise TypeError(f"seed must be a non-negative integer; got {describe_value(value)}")
    if value < 0:
        raise ValueError(f"seed must be a non-negative integer; got {value!r}")
    return int(value)


def make_classification_data(n_sequences: int, timesteps: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of noise, half of them with one spike: classify each sequence.

    Every step is drawn uniformly from [-1, 1). In half of the sequences (chosen at random) one
    step, at a random position, is replaced by a spike of height ``SPIKE_HEIGHT`` (3.0). The label
    says whether the sequence has a spike. Since the spike may come at the first step, a model
    that reads the sequence in order must remember it until the end.

    Parameters
    ----------
    n_sequences : int
        How many sequences (the batch axis).
    timesteps : int
        How many steps each sequence has.
    seed : int
        The seed of ``numpy.random.default_rng``; the same seed gives the same arrays.

    Returns
    -------
    x : float32 array of shape (n_sequences, timesteps, 1)
        The sequences, one feature per step.
    y : float32 array of shape (n_sequences, 1)
        1.0 for a sequence with a spike, 0.0 for one without; exactly ``n_sequences // 2``
        sequences have a spike.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_sequences`` or ``timesteps`` is not positive, or ``seed`` is negative.

    Examples
    --------
    >>> from lstm_course import make_classification_data
    >>> x, y = make_classification_data(6, 10, seed=0)
    >>> x.shape, y.shape, x.dtype
    ((6, 10, 1), (6, 1), dtype('float32'))
    >>> int(y.sum()), bool(((x.max(axis=(1, 2)) == 3.0) == (y[:, 0] == 1)).all())
    (3, True)
    """
    n_sequences = positive_int(n_sequences, "n_sequences")
    timesteps = positive_int(timesteps, "timesteps")
    rng = np.random.default_rng(_seed(seed))
    x = rng.uniform(-1.0, 1.0, size=(n_sequences, timesteps, 1))
    has_spike = rng.permutation(n_sequences) < n_sequences // 2
    where = rng.integers(0, timesteps, size=n_sequences)
    rows = np.flatnonzero(has_spike)
    x[rows, where[rows], 0] = SPIKE_HEIGHT
    y = has_spike.astype(np.float32).reshape(n_sequences, 1)
    return x.astype(np.float32), y


def make_labelling_data(n_sequences: int, timesteps: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random walks: label every step by whether the running sum so far is positive.

    Every step is drawn uniformly from [-1, 1). The label of step t is 1 when
    ``x[0] + ... + x[t]`` is positive: it depends on every step up to t, not on step t alone, so
    a model must carry a running total from step to step. By symmetry about half of the labels
    are 1.

    Parameters
    ----------
    n_sequences : int
        How many sequences (the batch axis).
    timesteps : int
        How many steps each sequence has.
    seed : int
        The seed of ``numpy.random.default_rng``; the same seed gives the same arrays.

    Returns
    -------
    x : float32 array of shape (n_sequences, timesteps, 1)
        The steps, one feature per step.
    y : float32 array of shape (n_sequences, timesteps, 1)
        1.0 where the running sum up to and including that step is positive, else 0.0.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_sequences`` or ``timesteps`` is not positive, or ``seed`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import make_labelling_data
    >>> x, y = make_labelling_data(4, 12, seed=0)
    >>> x.shape, y.shape, y.dtype
    ((4, 12, 1), (4, 12, 1), dtype('float32'))
    >>> bool(np.array_equal(y, np.cumsum(x, axis=1) > 0))
    True
    """
    n_sequences = positive_int(n_sequences, "n_sequences")
    timesteps = positive_int(timesteps, "timesteps")
    rng = np.random.default_rng(_seed(seed))
    x = rng.uniform(-1.0, 1.0, size=(n_sequences, timesteps, 1)).astype(np.float32)
    y = (np.cumsum(x, axis=1) > 0).astype(np.float32)
    return x, y
