"""Shared test set-up: the environment the notebooks run in, and paths to the course's files."""

from __future__ import annotations

import os

# Same environment as the notebooks' kernels (see the Makefile): set before anything imports TensorFlow.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
