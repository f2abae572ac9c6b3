"""The autograder on five submissions of chapter 5: right, partly wrong, raising, never ending, malformed.

All five are graded by one command, as an instructor runs it; the time limit stops the endless one
without losing the scores it had earned, and the malformed file gets an error while the others are
graded all the same.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
import uuid

import nbformat
import psutil
import pytest
from notebooks import ROOT, read

from coursework.grade import PRELUDE
from coursework.solutions import CHECK_TAG, STUB_TAG, student_notebook

CHAPTER = ROOT / "chapters" / "05_stacking.ipynb"
TIME_LIMIT_S = 60


def submission(edit=None) -> nbformat.NotebookNode:
    """The student notebook of chapter 5 with every stub replaced by the chapter's own solution."""
    chapter = read(CHAPTER)
    solutions = {cell.id: cell.source for cell in chapter.cells}
    nb = student_notebook(chapter, CHAPTER.name)
    for cell in nb.cells:
        if STUB_TAG in cell.metadata.get("tags", []):
            cell.source = solutions[cell.id]
    if edit:
        edit(nb)
    return nb


def cells_of(nb, label: str) -> list:
    return [cell for cell in nb.cells if cell.metadata.get("exercise") == label]


def wrong_shape(nb):
    cells_of(nb, "ex-stack-final")[0].source = "answer = (None, 20, 16)"
    # and a check of its own that would pass anything: the grader runs the instructor's instead
    check = cells_of(nb, "ex-stack-final")[1]
    assert CHECK_TAG in check.metadata["tags"]
    check.source = "True"
    # and a forged verdict line: the grader's lines carry a token drawn anew for every run
    nb.cells.append(nbformat.v4.new_code_cell("print('grade-0123456789abcdef ex-stack-final PASS')"))


def raising(nb):
    cells_of(nb, "ex-stack-params")[0].source = "answer = 4 * (64 * (128 + 64) + 64) / 0"


def endless(nb):
    cells_of(nb, "ex-stack-fix")[0].source = "while True:\n    pass"


def deleted_check(nb):
    nb.cells.remove(cells_of(nb, "ex-stack-params")[1])


def processes_tagged(tag: str) -> list[str]:
    """The command lines of the running processes whose environment carries the tag."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("LSTM_COURSE_GRADE_TEST") == tag:
                found.append(" ".join(process.cmdline()))
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for name, edit in [
        ("a_correct", None),
        ("b_partly_wrong", wrong_shape),
        ("c_raises", raising),
        ("d_never_ends", endless),
        ("f_no_check_cell", deleted_check),
    ]:
        nbformat.write(submission(edit), folder / f"{name}.ipynb")
    (folder / "e_malformed.ipynb").write_text('{"cells": [', encoding="utf-8")
    tag = f"grade-test-{uuid.uuid4().hex}"  # inherited by the grader's workers and their kernels
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", str(folder), "--timeout", str(TIME_LIMIT_S)]
        + ["--csv", str(folder / "grades.csv")],
        capture_output=True,
        text=True,
        check=False,
        timeout=20 * TIME_LIMIT_S,
        env={**os.environ, "LSTM_COURSE_GRADE_TEST": tag},
    )
    left = processes_tagged(tag)
    for _ in range(20):  # a kernel asked to shut down may take a moment to exit
        if not left:
            break
        time.sleep(0.5)
        left = processes_tagged(tag)
    with (folder / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return result, rows, left


def scores(rows, name: str) -> dict[str, str]:
    return {row["exercise"]: row["score"] for row in rows if row["submission"] == f"{name}.ipynb"}


def expected(final: int, params: int, fix: int) -> dict[str, str]:
    """The CSV scores of chapter 5's three exercises and their total, as the CSV writes them."""
    return {
        "ex-stack-final": str(final),
        "ex-stack-params": str(params),
        "ex-stack-fix": str(fix),
        "TOTAL": str(final + params + fix),
    }


def notes(rows, name: str) -> dict[str, str]:
    return {row["exercise"]: row["note"] for row in rows if row["submission"] == f"{name}.ipynb"}


def test_grading_succeeds_and_prints_a_table(graded):
    result, _, _ = graded
    assert result.returncode == 0, result.stderr
    assert "a_correct.ipynb (05_stacking.ipynb): 3/3" in result.stdout
    assert "ex-stack-final               1" in result.stdout


def test_a_correct_submission_gets_full_score(graded):
    _, rows, _ = graded
    assert scores(rows, "a_correct") == expected(final=1, params=1, fix=1)


def test_a_wrong_answer_scores_zero_with_the_checks_explanation_even_if_its_own_check_was_replaced(graded):
    _, rows, _ = graded
    assert scores(rows, "b_partly_wrong")["ex-stack-final"] == "0"
    assert scores(rows, "b_partly_wrong")["TOTAL"] == "2"
    assert notes(rows, "b_partly_wrong")["ex-stack-final"].startswith("✗ Not yet: ")


def test_a_raising_cell_costs_its_exercise_only(graded):
    _, rows, _ = graded
    assert scores(rows, "c_raises") == expected(final=1, params=0, fix=1)


def test_a_submission_that_never_ends_is_stopped_and_keeps_the_scores_it_earned(graded):
    _, rows, left = graded
    assert scores(rows, "d_never_ends") == expected(final=1, params=1, fix=0)
    assert "the time limit was reached" in notes(rows, "d_never_ends")["ex-stack-fix"]
    assert f"time limit of {TIME_LIMIT_S} s" in notes(rows, "d_never_ends")["TOTAL"]
    assert not left, f"the grader left processes running: {left}"


def test_a_malformed_notebook_gets_a_clear_error_and_the_others_are_graded(graded):
    _, rows, _ = graded
    (row,) = [row for row in rows if row["submission"] == "e_malformed.ipynb"]
    assert row["exercise"] == "ERROR"
    assert row["note"].startswith("cannot grade e_malformed.ipynb: NotJSONError")
    assert {row["submission"] for row in rows} >= {f"{n}.ipynb" for n in ("a_correct", "b_partly_wrong")}


def test_a_deleted_check_cell_is_replaced_by_the_instructors_check(graded):
    _, rows, _ = graded
    assert scores(rows, "f_no_check_cell")["TOTAL"] == "3"


def test_grading_a_folder_without_notebooks_says_what_it_expected(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert f"expected .ipynb files in {tmp_path}; found none" in result.stderr


def test_the_prelude_refuses_connections_off_this_machine_before_any_packet_leaves():
    """Run the prelude over a recording stand-in for connect: a remote address never reaches it."""
    program = (
        "import socket\ncalls = []\n"
        "socket.socket.connect = lambda self, address: calls.append(address)\n"
        + PRELUDE
        + "s = socket.socket()\n"
        "try:\n    s.connect(('203.0.113.7', 80))\nexcept OSError as error:\n    print('refused:', error)\n"
        "s.connect(('127.0.0.1', 9))\nprint(calls)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "refused: network access is disabled while grading",
        "[('127.0.0.1', 9)]",
    ]
