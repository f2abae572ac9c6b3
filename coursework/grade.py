"""Grade submitted student notebooks with the course's own exercise checks.

Usage (through ``make grade SUBMISSIONS=dir/``)::

    python -m coursework.grade DIR [--timeout SECONDS] [--csv FILE]

Each ``*.ipynb`` in DIR is matched to its chapter by the exercise labels its cells carry (the student
edition writes them into the cells' metadata), then executed top to bottom in a fresh kernel, in a
process of its own that is killed with the kernel when the submission runs longer than the time
limit. Python's sockets refuse every connection that is not to this machine. The check cells of a
submission are not trusted: the instructor's check, taken from the chapter itself, runs in place of
each one (or after the exercise's last cell, if the student deleted it) and records its verdict as
soon as it has run, so a submission stopped by the time limit keeps the scores it had earned.

An exercise whose check passes scores 1; a wrong answer, an error, a check that never ran (a
time-out before it) or a missing exercise scores 0, with the reason in the table and the CSV. A
notebook that cannot be read gets an error line, and the others are graded all the same.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from coursework.execute import ROOT, chapter_paths, execute_in_kernel_env, kernel_environment, notebook_client
from coursework.solutions import CHECK_TAG, find_solutions, tags

DEFAULT_TIMEOUT_S = 180

# Run first in every graded kernel: the submission gets no network. (The kernel's environment, with
# TensorFlow's logs off, is the course's one kernel environment: coursework/kernel.env.)
PRELUDE = """\
import socket
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
    """The result for one submitted notebook: a score and a note per exercise, or an error."""

    submission: str
    chapter: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    error: str = ""
    stopped: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def instructor_checks(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """{chapter file name: {exercise label: the check cell's source}}, from the chapters themselves."""
    return {
        path.name: {
            solution.label: solution.checks[0]
            for solution in find_solutions(nbformat.read(path, as_version=4), path.name)
        }
        for path in chapter_paths(root)
    }


def _label(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("exercise")


def match_chapter(nb: nbformat.NotebookNode, checks: dict[str, dict[str, str]]) -> str:
    """The chapter whose exercises the notebook's cells carry most of."""
    labels = {_label(cell) for cell in nb.cells} - {None}
    best = max(checks, key=lambda name: len(labels & set(checks[name])), default="")
    if not best or not labels & set(checks[best]):
        raise ValueError(
            "no exercise of the course was found in it: its cells carry no exercise labels "
            "(was it made from a student notebook of `make student`?)"
        )
    return best


def recording_check(label: str, check: str, token: str) -> str:
    """The instructor's check, rewritten to print a verdict line that only the grader can write.

    The verdict is ``<token> <label> PASS|FAIL|ERROR <message>``; the token is new for every run,
    so a submission cannot print a verdict of its own.
    """
    lines = check.splitlines()
    last = ast.parse(check).body[-1]
    body = "\n".join(
        [*lines[: last.lineno - 1], "_grade_result = " + "\n".join(lines[last.lineno - 1 : last.end_lineno])]
    )
    return "\n".join(
        [
            "try:",
            textwrap.indent(body, "    "),
            "except Exception as _grade_error:",
            "    _grade_error = type(_grade_error).__name__ + ': ' + ' '.join(str(_grade_error).split())",
            f"    print({token + ' ' + label + ' ERROR '!r} + _grade_error)",
            "else:",
            "    _grade_verdict = ' PASS ' if _grade_result else ' FAIL '",
            f"    print({token + ' ' + label!r} + _grade_verdict + str(_grade_result))",
        ]
    )


def graded_notebook(
    nb: nbformat.NotebookNode, expected: dict[str, str], token: str
) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook to run: the prelude, the submission's code, the instructor's checks in place of its own.

    Returns it with the labels of the exercises that have no cell at all in the submission.
    """
    cells = [nbformat.v4.new_code_cell(PRELUDE)]
    placed: set[str] = set()
    last_cell_of = {_label(cell): index for index, cell in enumerate(nb.cells) if _label(cell)}
    for index, cell in enumerate(nb.cells):
        label = _label(cell)
        is_check = label in expected and CHECK_TAG in tags(cell)
        if cell.cell_type == "code" and not is_check:
            cells.append(nbformat.v4.new_code_cell(cell.source))
        if label in expected and label not in placed and (is_check or last_cell_of[label] == index):
            cells.append(nbformat.v4.new_code_cell(recording_check(label, expected[label], token)))
            placed.add(label)
    run = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    return run, sorted(set(expected) - placed)


def run_submission(path: Path, expected: dict[str, str], record: Path, token: str) -> None:
    """Execute one submission (in the worker process), appending each verdict to ``record`` at once."""
    nb = nbformat.read(path, as_version=4)
    run, _ = graded_notebook(nb, expected, token)

    def on_cell_executed(cell: nbformat.NotebookNode, **_: object) -> None:
        # The kernel may send one printed line in several stream messages: join them before reading.
        stdout = "".join(
            out.get("text", "") for out in cell.get("outputs", []) if out.get("name") == "stdout"
        )
        for line in stdout.splitlines():
            if line.startswith(token + " "):
                _, label, verdict, message = (line.split(" ", 3) + [""])[:4]
                with record.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps({"label": label, "verdict": verdict, "message": message}) + "\n")

    client = notebook_client(
        run, path.parent, timeout=None, allow_errors=True, on_cell_executed=on_cell_executed
    )
    execute_in_kernel_env(client)  # kernel process logs are not the submission's output


def _kill_tree(pid: int) -> None:
    """Kill a process and every process it started (the kernel runs in a session of its own)."""
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=10)


def grade_notebook(path: Path, checks: dict[str, dict[str, str]], timeout: float, workdir: Path) -> Grade:
    """Grade one submission in a worker process that is killed, kernel and all, after ``timeout`` s."""
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
    _, missing = graded_notebook(nb, expected, "")
    record = workdir / f"{path.stem}.verdicts.jsonl"
    record.unlink(missing_ok=True)
    token = "grade-" + secrets.token_hex(8)
    worker = subprocess.Popen(
        [sys.executable, "-m", "coursework.grade", "--worker", str(path), grade.chapter, str(record), token],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=kernel_environment(),
        start_new_session=True,
    )
    try:
        _, stderr = worker.communicate(timeout=timeout)
        if worker.returncode != 0:
            grade.stopped = f"the grader's worker failed: {stderr.decode(errors='replace').strip()[-300:]}"
    except subprocess.TimeoutExpired:
        _kill_tree(worker.pid)
        worker.communicate()
        grade.stopped = f"stopped after the time limit of {timeout:g} s; the cells after that were not run"
    verdicts = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            verdicts[item["label"]] = item
    for label in expected:
        item = verdicts.get(label)
        grade.scores[label] = int(item is not None and item["verdict"] == "PASS")
        if label in missing:
            grade.notes[label] = "the exercise's cells are missing from the submission"
        elif item is None:
            grade.notes[label] = "the check did not run (the time limit was reached before it)"
        elif item["verdict"] == "ERROR":
            grade.notes[label] = f"the check raised {item['message']}"
        elif item["verdict"] == "FAIL":
            grade.notes[label] = item["message"]
    grade.seconds = time.perf_counter() - start
    return grade


def table(grades: list[Grade], checks: dict[str, dict[str, str]]) -> str:
    """The scores as text: one block per submission, one line per exercise with the reason for a 0."""
    lines = []
    for grade in grades:
        if grade.error:
            lines.append(f"{grade.submission}: ERROR {grade.error}")
            continue
        score = f"{grade.total}/{len(grade.scores)}"
        lines.append(f"{grade.submission} ({grade.chapter}): {score} in {grade.seconds:.0f} s")
        for label in checks[grade.chapter]:
            note = f"  {grade.notes[label]}" if label in grade.notes else ""
            lines.append(f"  {label:28} {grade.scores[label]}{note}")
        if grade.stopped:
            lines.append(f"  {grade.stopped}")
    return "\n".join(lines)


def write_csv(grades: list[Grade], target: Path) -> None:
    """One row per exercise and a TOTAL row per submission; an unreadable file gets one ERROR row."""
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "chapter", "exercise", "score", "out_of", "note"])
        for grade in grades:
            if grade.error:
                writer.writerow([grade.submission, "", "ERROR", "", "", grade.error])
                continue
            for label, score in grade.scores.items():
                writer.writerow(
                    [grade.submission, grade.chapter, label, score, 1, grade.notes.get(label, "")]
                )
            writer.writerow(
                [grade.submission, grade.chapter, "TOTAL", grade.total, len(grade.scores), grade.stopped]
            )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # one submission, run by grade_notebook in a process of its own
        path, chapter, record, token = argv[1:5]
        run_submission(Path(path), instructor_checks()[chapter], Path(record), token)
        return 0
    parser = argparse.ArgumentParser(prog="python -m coursework.grade", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds one submission may run, kernel start included (default {DEFAULT_TIMEOUT_S})",
    )
    parser.add_argument("--csv", type=Path, help="also write the scores to this CSV file")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(
            f"expected a folder of submitted notebooks; got {args.submissions}, which is not a folder"
        )
    if args.timeout <= 0:
        parser.error(f"--timeout must be a number of seconds > 0; got {args.timeout:g}")
    paths = sorted(args.submissions.glob("*.ipynb"))
    if not paths:
        parser.error(f"expected .ipynb files in {args.submissions}; found none")
    checks = instructor_checks()
    grades = []
    with tempfile.TemporaryDirectory(prefix="lstm-course-grading-") as workdir:  # the verdict records
        for path in paths:
            print(f"grading {path.name} ...", flush=True)
            grades.append(grade_notebook(path, checks, args.timeout, Path(workdir)))
    print(table(grades, checks))
    if args.csv:
        write_csv(grades, args.csv)
        print(f"scores written to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
