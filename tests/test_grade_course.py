"""Every chapter's own solutions, handed in as a submission, score full marks.

This proves, for every exercise of the course, that the answer key (computed by running the instructor's
chapter) and the grader's comparison agree with the chapter's check. Before each exercise the
submissions also draw random numbers the chapter does not (NumPy's and Keras' global generators, and a
layer's initializer): a learner's own code draws a different amount of randomness than the solution, and
an expected value must not depend on it.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest
from notebooks import ROOT, notebook_paths, read

from coursework.solutions import STUB_TAG, student_notebook

CHAPTERS = [path for path in notebook_paths() if not path.name.startswith("00_")]
EXTRA_RANDOMNESS = """\
import numpy as np
import keras
np.random.rand(7)
keras.random.uniform((5,))
keras.layers.Dense(3).build((None, 4))
"""


def solved(path):
    chapter = read(path)
    solutions = {cell.id: cell.source for cell in chapter.cells}
    nb = student_notebook(chapter, path.name)
    seen = set()
    cells = []
    for cell in nb.cells:
        label = cell.metadata.get("exercise")
        if label and label not in seen:
            seen.add(label)
            cells.append(nbformat.v4.new_code_cell(EXTRA_RANDOMNESS))
        if STUB_TAG in cell.metadata.get("tags", []):
            cell.source = solutions[cell.id]
        cells.append(cell)
    nb.cells = cells
    return nb


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solutions")
    for path in CHAPTERS:
        nbformat.write(solved(path), folder / path.name)
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", "run", str(folder), "--jobs", "2", "--timeout", "120"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    with (folder / "grades.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("path", CHAPTERS, ids=[path.name for path in CHAPTERS])
def test_the_chapters_own_solutions_score_full_marks(rows, path):
    mine = [row for row in rows if row["submission"] == path.name]
    assert mine, f"{path.name} was not graded"
    failed = {
        row["exercise"]: row["note"] for row in mine if row["exercise"] != "TOTAL" and row["score"] != "1"
    }
    assert not failed, f"{path.name}: {failed}"
    (total,) = [row for row in mine if row["exercise"] == "TOTAL"]
    assert total["score"] == total["out_of"] and int(total["out_of"]) >= 2
