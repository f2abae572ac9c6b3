"""The outputs do not depend on one machine's float rounding, and the tools that guard this can fail.

- The robustness run (``make robust``: nbval with oneDNN on, one thread, random numbers scaled by
  1 + 1e-7) passes on a cell that prints rounded values and fails on cells that print raw float noise,
  which an ordinary nbval run on the machine that stored them lets through.
- ``make refresh`` refuses to store a notebook with a cell that writes to stderr, prints something that
  changes from run to run, or prints float noise; and stores one whose outputs are reproducible.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from notebooks import load_tool

from coursework.execute import (
    kernel_environment,
    nbval_command,
    robust_environment,
)

_refresh = load_tool("refresh")  # tools/refresh.py, the script behind `make refresh`
KERNELSPEC, RefreshError, refresh = _refresh.KERNELSPEC, _refresh.RefreshError, _refresh.refresh
differing_images, merge_streams = _refresh.differing_images, _refresh.merge_streams

# The chapters' hidden set-up cell, as they write it.
SETUP = """\
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np

keras.utils.set_random_seed(0)
"""
# Float noise from NumPy's random numbers, and from Keras' initializers through a layer's computation.
NUMPY_NOISE = 'print(np.random.rand(1000).astype("float32").sum())'
KERAS_NOISE = """\
layer = keras.layers.LSTM(8)
x = np.ones((2, 5, 3), dtype="float32")
print(keras.ops.convert_to_numpy(layer(x)).sum())
"""
# The same computations, printed as this course prints them: shapes and values rounded far above noise.
ROBUST = """\
print(tuple(layer(x).shape), np.round(np.ones(3) * 0.25, 3))
print(bool(np.all(np.abs(keras.ops.convert_to_numpy(layer(x))) < 1)))
"""


def write_notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)
    return path


def store_outputs(path: Path) -> None:
    """Execute the notebook once, as ``make refresh`` does, and store its outputs without any check."""
    nbformat.write(_refresh.execute(path, kernel_environment()).notebook, path)


def nbval(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = nbval_command([path.name], extra=["-q", "-rf", "--color=no"])
    return subprocess.run(command, cwd=path.parent, env=env, capture_output=True, text=True, timeout=300)


def test_the_robustness_run_catches_float_noise_that_the_storing_machine_lets_through(tmp_path):
    notebook = write_notebook(tmp_path / "noise.ipynb", SETUP, NUMPY_NOISE, KERAS_NOISE, ROBUST)
    store_outputs(notebook)

    plain = nbval(notebook, kernel_environment())
    assert plain.returncode == 0, plain.stdout + plain.stderr  # same machine, same rounding: it passes

    with robust_environment() as env:
        robust = nbval(notebook, env)
    report = robust.stdout + robust.stderr
    assert robust.returncode == 1, report
    failed = {line.split("::")[1].split(" ")[1] for line in report.splitlines() if line.startswith("FAILED")}
    assert failed == {"1", "2"}, report  # the noisy cells, and not the set-up or the rounded prints


def test_refresh_refuses_stderr_run_to_run_changes_and_float_noise_and_writes_nothing(tmp_path):
    notebook = write_notebook(
        tmp_path / "bad.ipynb",
        SETUP,
        'import sys\nprint("a warning", file=sys.stderr)',
        "import time\nprint(time.time_ns())",
        NUMPY_NOISE,
        "print((3, 64))",
    )
    before = notebook.read_bytes()
    with pytest.raises(RefreshError) as raised:
        refresh(notebook)
    message = str(raised.value)
    assert "cell 1 wrote to stderr: 'a warning'" in message
    assert "cell 2 printed something else in a second run" in message
    assert "cell 3 printed something else in a second run" in message
    assert "cell 4" not in message and "cell 0" not in message
    assert notebook.read_bytes() == before  # nothing stored


def test_refresh_stores_reproducible_outputs(tmp_path):
    notebook = write_notebook(tmp_path / "good.ipynb", SETUP, KERAS_NOISE.rsplit("\n", 2)[0] + "\n" + ROBUST)
    refresh(notebook)
    cell = nbformat.read(notebook, as_version=4).cells[1]
    assert "".join(output.get("text", "") for output in cell.outputs) == "(2, 8) [0.25 0.25 0.25]\nTrue\n"


def test_refresh_joins_a_cells_stream_chunks_so_that_a_refresh_stores_the_same_file():
    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [
        out("stream", name="stdout", text="a\n"),
        out("stream", name="stdout", text="b\n"),
        out("stream", name="stderr", text="x\n"),
        out("stream", name="stdout", text="c\n"),
        out("display_data", data={"text/plain": "d"}),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("text")])
    merge_streams(nb)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "x\n"),
        ("stream", "stdout", "c\n"),
        ("display_data", None, None),
    ]


def test_refresh_names_the_cells_whose_figures_differ_between_its_runs():
    def notebook(png: str) -> nbformat.NotebookNode:
        figure = nbformat.v4.new_code_cell("plot()")
        data = {"image/png": png, "text/plain": "<Figure>"}
        figure.outputs = [nbformat.v4.new_output("display_data", data=data)]
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), figure])

    assert differing_images(notebook("AAAA"), notebook("AAAA")) == []
    assert differing_images(notebook("AAAA"), notebook("AAAB")) == [1]


def test_refresh_stops_at_a_cell_that_raises_names_it_and_stores_nothing(tmp_path, capsys):
    notebook = write_notebook(tmp_path / "raises.ipynb", "print((3, 64))", "1 / 0")
    before = notebook.read_bytes()
    assert _refresh.main([str(notebook)]) == 1
    err = capsys.readouterr().err
    assert "raises.ipynb: not stored, because a cell raised an error: ZeroDivisionError" in err
    assert notebook.read_bytes() == before
