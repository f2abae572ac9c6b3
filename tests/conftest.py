"""Shared test set-up: the environment the notebooks run in, set before anything imports TensorFlow."""

from __future__ import annotations

import os

from coursework.execute import KERNEL_ENV

# The one kernel environment (coursework/kernel.env), for the tests that build Keras layers in-process too.
for _name, _value in KERNEL_ENV.items():
    os.environ.setdefault(_name, _value)
