"""IPython start-up file of the robustness run (`make robust`): another CPU's rounding, simulated.

``coursework.execute`` copies this file into the ``profile_default/startup`` folder of a temporary
``IPYTHONDIR``, so that every kernel of the robustness run executes it before the notebook's first cell.
It scales every random number the notebooks draw by ``1 + LSTM_COURSE_PERTURB`` (default 1e-7, about one
float32 rounding step): NumPy's legacy functions (``np.random.rand`` ...), the ``Generator`` that
``np.random.default_rng`` returns, and Keras' random weight initializers. Inputs and weights then differ
from the stored run's in their last bits, as the results of another CPU's kernels do, while every
deterministic number (zeros, ones, labels, integers, shapes) stays exactly the same. A stored output
that still matches proves it does not depend on float rounding.
"""

from __future__ import annotations

import functools
import os
import sys

import numpy as np

FACTOR = 1.0 + float(os.environ.get("LSTM_COURSE_PERTURB", "1e-7"))


def _scaled(function):
    @functools.wraps(function)
    def scaled(*args, **kwargs):
        return function(*args, **kwargs) * FACTOR

    return scaled


for _name in ("rand", "randn", "random", "random_sample", "uniform", "normal", "standard_normal"):
    setattr(np.random, _name, _scaled(getattr(np.random, _name)))


class _PerturbedGenerator(np.random.Generator):
    """The same stream as ``np.random.Generator``, its floats scaled by FACTOR."""

    random = _scaled(np.random.Generator.random)
    uniform = _scaled(np.random.Generator.uniform)
    normal = _scaled(np.random.Generator.normal)
    standard_normal = _scaled(np.random.Generator.standard_normal)


def _default_rng(seed=None):
    if isinstance(seed, np.random.Generator):
        return seed
    bits = seed if isinstance(seed, np.random.BitGenerator) else np.random.PCG64(seed)
    return _PerturbedGenerator(bits)


np.random.default_rng = _default_rng


def _import_keras_quietly():
    """Import TensorFlow and Keras with file descriptor 2 closed off.

    With oneDNN on, TensorFlow's import writes "oneDNN custom operations are on ..." (with a timestamp) to
    the process's stderr, whatever TF_CPP_MIN_LOG_LEVEL says; ipykernel forwards such low-level writes to
    whichever cell is running, or drops them, by timing. Importing here, before the notebook's first cell,
    keeps them out of every cell. The kernel's environment already holds every variable the chapters set
    before their own import (coursework/kernel.env), so their import is then the same module, unchanged.
    """
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import keras
        import tensorflow  # noqa: F401 (the import is what is wanted)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return keras


def _perturb_keras_initializers(keras) -> None:
    """Scale what every random initializer of Keras returns (its class and subclasses' ``__call__``)."""
    from keras.src.initializers.random_initializers import RandomInitializer

    def scaled(call):
        @functools.wraps(call)
        def perturbed(self, *args, **kwargs):
            return keras.ops.multiply(call(self, *args, **kwargs), FACTOR)

        return perturbed

    classes, seen = [RandomInitializer], set()
    while classes:
        cls = classes.pop()
        if cls in seen:
            continue
        seen.add(cls)
        classes.extend(cls.__subclasses__())
        if "__call__" in vars(cls):
            cls.__call__ = scaled(cls.__call__)


_perturb_keras_initializers(_import_keras_quietly())
