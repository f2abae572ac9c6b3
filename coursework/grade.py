"""Grade submitted student notebooks with the course's own exercise checks.

Usage (through ``make grade SUBMISSIONS=dir/``)::

    python -m coursework.grade DIR [--timeout SECONDS] [--csv FILE]

Each ``*.ipynb`` in DIR is matched to its chapter by its exercise cells, then executed top to bottom
in a fresh kernel with a time limit per cell, with Python's sockets refusing any connection that
is not to this machine. The check cell of each exercise is not trusted: the instructor's check, taken
from the chapter itself, runs in its place and records whether the answer passes. An exercise whose
check passes scores 1, anything else (wrong answer, error, time-out, missing cell) scores 0. Exercises
without a check cell are listed as not graded. A notebook that cannot be read gets an error line;
the others are graded all the same.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from coursework.solutions import CHECK_TAG, STUB_TAG, student_notebook

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "__lstm_course_grade__"

# Run first in every graded kernel: the submission gets no network, and the kernel logs stay quiet.
PRELUDE = """\
import os, socket
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
def _refuse(self, address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else ""
    local = host.startswith("127.") or host in ("localhost", "::1")
    if self.family in (socket.AF_INET, socket.AF_INET6) and not local:
        raise OSError("network access is disabled while grading")
    return _connect(self, address, *args, **kwargs)
_connect = socket.socket.connect
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
del _refuse
"""


@dataclass
class Grade:
    """The result for one submitted notebook."""

    submission: str
    chapter: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def instructor_checks(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """{chapter file name: {exercise label: check source}} from the chapters' own solutions."""
    checks: dict[str, dict[str, str]] = {}
    for chapter in sorted((root / "chapters").glob("*.ipynb")):
        student = student_notebook(nbformat.read(chapter, as_version=4), chapter.name)
        labels = {cell.metadata["exercise"] for cell in student.cells if STUB_TAG in _tags(cell)}
        found = {cell.metadata["exercise"]: cell.source for cell in student.cells if CHECK_TAG in _tags(cell)}
        checks[chapter.name] = {label: found.get(label, "") for label in sorted(labels)}
    return checks


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _recording(label: str, check: str) -> str:
    """The instructor's check, rewritten to record whether it passed."""
    tree = ast.parse(check)
    lines = check.splitlines()
    last = tree.body[-1]
    setup = lines[: last.lineno - 1]
    call = "\n".join(lines[last.lineno - 1 : last.end_lineno])
    return "\n".join(
        [
            *setup,
            f"_result = {call}",
            f"print({RESULT_MARK!r}, {label!r}, bool(_result))",
            "_result",
        ]
    )


def match_chapter(nb: nbformat.NotebookNode, checks: dict[str, dict[str, str]]) -> str:
    labels = {cell.get("metadata", {}).get("exercise") for cell in nb.cells} - {None}
    best = max(checks, key=lambda name: len(labels & set(checks[name])), default="")
    if not best or not labels & set(checks[best]):
        raise ValueError("no exercise of the course was found in it (were its exercise cells deleted?)")
    return best


def grade_notebook(path: Path, checks: dict[str, dict[str, str]], timeout: int) -> Grade:
    grade = Grade(submission=path.name)
    start = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        grade.chapter = match_chapter(nb, checks)
    except Exception as error:  # noqa: BLE001 - any unreadable file is reported, never fatal
        grade.error = f"cannot grade {path.name}: {type(error).__name__}: {error}".replace("\n", " ")
        return grade
    expected = checks[grade.chapter]
    cells = [nbformat.v4.new_code_cell(PRELUDE)]
    for cell in nb.cells:
        label = cell.get("metadata", {}).get("exercise")
        if cell.cell_type == "code" and CHECK_TAG in _tags(cell) and expected.get(label):
            cells.append(nbformat.v4.new_code_cell(_recording(label, expected[label])))
        elif cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(cell.source))
    run = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(
        run,
        km=km,
        timeout=timeout,
        allow_errors=True,
        shutdown_kernel="immediate",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    try:
        client.execute(stderr=subprocess.DEVNULL)  # kernel process logs are not the submission's output
    except CellTimeoutError:
        # nbclient stops the kernel: the cells after the one that ran too long are not run.
        grade.notes["time-out"] = f"a cell ran longer than {timeout} s; the cells after it were not run"
    except DeadKernelError:
        grade.notes["time-out"] = "the kernel died; the cells after it were not run"
    passed = {}
    for cell in run.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and RESULT_MARK in output.get("text", ""):
                for line in output["text"].splitlines():
                    if line.startswith(RESULT_MARK):
                        _, label, verdict = line.split()
                        passed[label] = verdict == "True"
    for label, check in expected.items():
        if not check:
            grade.notes[label] = "not graded (no check)"
            continue
        grade.scores[label] = int(passed.get(label, False))
        if label not in passed:
            grade.notes[label] = "check did not run (error or time-out before it)"
    grade.seconds = time.perf_counter() - start
    return grade


def table(grades: list[Grade], checks: dict[str, dict[str, str]]) -> str:
    lines = []
    for grade in grades:
        if grade.error and not grade.scores:
            lines.append(f"{grade.submission}: ERROR {grade.error}")
            continue
        graded = [label for label, check in checks[grade.chapter].items() if check]
        lines.append(f"{grade.submission} ({grade.chapter}): {grade.total}/{len(graded)}")
        for label in graded:
            note = f"  ({grade.notes[label]})" if label in grade.notes else ""
            lines.append(f"  {label:28} {grade.scores.get(label, 0)}{note}")
        if "time-out" in grade.notes:
            lines.append(f"  {'':28} {grade.notes['time-out']}")
    return "\n".join(lines)


def write_csv(grades: list[Grade], target: Path) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "chapter", "exercise", "score", "note"])
        for grade in grades:
            if grade.error and not grade.scores:
                writer.writerow([grade.submission, grade.chapter, "", "", grade.error])
                continue
            for label, score in grade.scores.items():
                writer.writerow([grade.submission, grade.chapter, label, score, grade.notes.get(label, "")])
            writer.writerow([grade.submission, grade.chapter, "TOTAL", grade.total, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursework.grade", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell (default 60)")
    parser.add_argument("--csv", type=Path, help="write the scores to this CSV file")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder of submitted notebooks")
    paths = sorted(args.submissions.glob("*.ipynb"))
    if not paths:
        parser.error(f"no .ipynb file in {args.submissions}")
    checks = instructor_checks()
    grades = [grade_notebook(path, checks, args.timeout) for path in paths]
    print(table(grades, checks))
    if args.csv:
        write_csv(grades, args.csv)
        print(f"scores written to {args.csv}")
    print(json.dumps({g.submission: g.total for g in grades if not g.error or g.scores}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
