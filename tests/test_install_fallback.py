"""A chapter runs, and prints exactly its stored outputs, where lstm_course is not installed.

This is Colab's situation (and Binder's, and a student's own Python): every package the chapters use is
there, except this course's. The test makes that environment: a new venv that sees the course's
packages through a ``.pth`` line (so TensorFlow, Keras, nbval and ipykernel import) but not the editable
install of ``lstm_course`` (``.pth`` files in a folder added that way are not run). It builds a wheel from
the checkout, points ``LSTM_COURSE_SOURCE`` at it, and runs nbval over a chapter with that venv's Python
as the kernel: the set-up cell installs the package (``coursework.course.SETUP_INSTALL``) and nbval's
comparison passes, in full mode, stderr included.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from notebooks import ROOT

from coursework.course import SETUP_INSTALL
from coursework.execute import kernel_environment, nbval_command, overlay_venv
from coursework.handout import build_wheel

CHAPTER = ROOT / "chapters" / "02_hidden_state.ipynb"


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """(python, wheel): a venv without lstm_course, and a wheel of it built from the checkout."""
    folder = tmp_path_factory.mktemp("fallback")
    wheel = build_wheel(folder / "wheels")  # from a copy: nothing is written into the checkout
    python = overlay_venv(folder / "env")
    return python, wheel


def imports(python, module: str) -> subprocess.CompletedProcess:
    """Import ``module`` in ``python``, from the venv's folder (a script's folder is on its sys.path)."""
    program = f"import {module}; print({module}.__file__)"
    return subprocess.run([python, "-c", program], capture_output=True, text=True, cwd=python.parent)


def test_the_bare_environment_has_everything_but_lstm_course(bare):
    python, _ = bare
    assert imports(python, "lstm_course").returncode != 0
    assert imports(python, "nbval").returncode == 0


def test_a_chapter_installs_the_package_and_prints_its_stored_outputs(bare, capsys):
    python, wheel = bare
    command = nbval_command([CHAPTER], extra=["-q"], python=python)
    start = time.monotonic()
    result = subprocess.run(
        command,
        cwd=python.parent,  # not the checkout: its lstm_course/ would be importable from the current folder
        capture_output=True,
        text=True,
        env=kernel_environment(LSTM_COURSE_SOURCE=str(wheel)),
    )
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stdout[-3000:]
    installed = imports(python, "lstm_course")
    assert installed.returncode == 0 and str(python.parent.parent) in installed.stdout, installed.stdout
    with capsys.disabled():
        print(f"\n{CHAPTER.name} with the install fallback: nbval passed in {seconds:.1f} s")


def test_a_failed_install_says_where_from(bare):
    python, _ = bare
    program = (
        "import os, sys\nsys.modules['lstm_course'] = None  # not importable, installed or not\n"
        + SETUP_INSTALL
    )
    result = subprocess.run(
        [python, "-c", program], capture_output=True, text=True, cwd=python.parent,
        env=kernel_environment(LSTM_COURSE_SOURCE="/nonexistent/lstm_course-0.1.0-py3-none-any.whl"),
    )  # fmt: skip
    assert result.returncode != 0
    assert "RuntimeError: could not install lstm_course from /nonexistent/lstm_course-0.1.0" in result.stderr
