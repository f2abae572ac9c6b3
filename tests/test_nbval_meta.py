"""The checks can fail: nbval, as `make test` runs it, rejects a corrupted stored output.

Each test copies a chapter into a temporary folder, changes one thing, and runs nbval on the copy in a
subprocess with the same options as the Makefile. An untouched copy must pass (so a failure below is
caused by the change and nothing else); a copy with one stored shape changed must fail and name the cell.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from notebooks import CHAPTERS, code_cells, read, stream_text

from coursework.execute import kernel_environment, nbval_command


def run_nbval(notebook: Path) -> subprocess.CompletedProcess:
    """nbval in full mode (as `make nbval` runs it) on one notebook, from the notebook's own folder."""
    command = nbval_command([notebook.name], extra=["-q", "-rf", "--color=no"])
    return subprocess.run(
        command, cwd=notebook.parent, env=kernel_environment(), capture_output=True, text=True, timeout=300
    )


def copy_chapter(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copy(CHAPTERS / name, target)
    return target


def bump_last_number(shape: str) -> str:
    """'(3, 64)' -> '(3, 65)': a plausible, wrong shape."""
    head, last = re.fullmatch(r"(.*?)(\d+)\)", shape).groups()
    return f"{head}{int(last) + 1})"


def corrupt_stored_line(notebook: Path, line: str) -> tuple[int, str]:
    """Replace one printed line in the first code cell that printed it; return (cell index, new line)."""
    nb = read(notebook)
    wrong = bump_last_number(line)
    for index, cell in enumerate(code_cells(nb)):
        if line in stream_text(cell).splitlines():
            for output in cell.outputs:
                if output.output_type == "stream":
                    output.text = "\n".join(
                        wrong if text == line else text for text in output.text.split("\n")
                    )
            nbformat.write(nb, notebook)
            return index, wrong
    raise AssertionError(f"{notebook.name} prints no line {line!r}")


def test_untouched_copy_passes(tmp_path):
    result = run_nbval(copy_chapter("05_stacking.ipynb", tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


SEED_SHAPES = [
    ("02_hidden_state.ipynb", "(3, 64)"),
    ("03_return_sequences.ipynb", "(3, 5, 64)"),
    ("05_stacking.ipynb", "(3, 5, 64)"),
    ("05_stacking.ipynb", "(3, 32)"),
]


@pytest.mark.parametrize(("chapter", "shape"), SEED_SHAPES, ids=[f"{c}:{s}" for c, s in SEED_SHAPES])
def test_corrupted_seed_shape_fails_nbval_and_names_the_cell(tmp_path, chapter, shape):
    notebook = copy_chapter(chapter, tmp_path)
    index, wrong = corrupt_stored_line(notebook, shape)
    result = run_nbval(notebook)
    report = result.stdout + result.stderr
    assert result.returncode == 1, report
    assert f"FAILED {chapter}::Cell {index}" in report
    assert wrong in report and shape in report  # the diff shows what was stored and what ran


def test_new_stderr_output_fails_nbval(tmp_path):
    """A warning that appears in a cell's stderr is a difference, not noise."""
    notebook = copy_chapter("00_introduction.ipynb", tmp_path)
    nb = read(notebook)
    cell = code_cells(nb)[0]
    cell.source += "\nimport sys\nprint('a new warning', file=sys.stderr)"
    nbformat.write(nb, notebook)
    result = run_nbval(notebook)
    assert result.returncode == 1, result.stdout
    assert "a new warning" in result.stdout
