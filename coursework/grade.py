"""Grade submitted student notebooks: a score comes only from the answers a submission hands in.

Usage (``make grade SUBMISSIONS=dir JOBS=N`` runs ``run``)::

    python -m coursework.grade run DIR [--jobs N] [--timeout S] [--out RESULTS] [--csv FILE]
    python -m coursework.grade keys                       # compute every chapter's answer key first
    python -m coursework.grade job NOTEBOOK --out RESULTS  # grade one submission: RESULTS/<name>.json
    python -m coursework.grade collect RESULTS [--csv FILE] [--wide FILE]

How a submission is graded (one job; jobs are independent, so they can run anywhere):

1. Its chapter is found from the exercise labels its cells carry (the student edition writes them).
2. Its code cells run, in order, in a fresh kernel in a sandbox (``coursework.sandbox``): no network,
   no access to the course's chapters, the answer keys or the grader's records, a memory and a process
   limit. Its check cells are not run.
3. Where each exercise's check was (or after the exercise's last cell, if the check cell was deleted),
   the grader asks the kernel for the exercise's answer **as data**: the value of the answer expression
   of the instructor's check, e.g. ``answer`` or ``fixed_output``, through ``user_expressions`` of the
   Jupyter protocol, serialised by ``lstm_course.answers.dumps``. Nothing the submission prints is read.
4. The grader compares that answer, in its own process, with the key: what the instructor's check
   expects, computed by running the instructor's chapter in a kernel of its own (``coursework.keys``).
   The comparison is the chapter's own checker (``lstm_course.exercises``), imported here.

So a submission can change what its kernel says its answer is, and nothing else: patched checkers,
``print``, NumPy, IPython hooks and forged lines do not reach the grader's comparison. The score is 1 for
an exercise whose answer passes, 0 otherwise, with the reason. A kernel that dies ends the submission at
once with the scores it had; the time limit does the same for one that never finishes.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from coursework.course import Exercise, course_exercises
from coursework.execute import ROOT, chapter_paths
from coursework.keys import KEYS, chapter_key, question
from coursework.sandbox import (
    DEFAULT_MEMORY_GB,
    DEFAULT_PROCESSES,
    KernelDied,
    SandboxedKernel,
    TimeLimit,
    choose_sandbox,
)
from coursework.solutions import CHECK_TAG, tags

DEFAULT_TIMEOUT_S = 180
START_TIMEOUT_S = 60


@dataclass
class Grade:
    """The result for one submitted notebook: a score and a note per exercise, or an error."""

    submission: str
    student: str = ""
    chapter: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    error: str = ""
    stopped: str = ""
    sandbox: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def _label(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("exercise")


def match_chapter(nb: nbformat.NotebookNode, exercises: dict[str, list[Exercise]]) -> str:
    """The chapter whose exercises the notebook's cells carry most of."""
    labels = {_label(cell) for cell in nb.cells} - {None}
    best = max(exercises, key=lambda name: len(labels & {e.label for e in exercises[name]}), default="")
    if not best or not labels & {e.label for e in exercises[best]}:
        raise ValueError(
            "no exercise of the course was found in it: its cells carry no exercise labels "
            "(was it made from a student notebook of `make student`?)"
        )
    return best


def plan(nb: nbformat.NotebookNode, labels: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """What to do, in order: ("run", source) for a code cell, ("read", label) where a check was.

    Returns the steps and the labels of the exercises that have no cell at all in the submission.
    """
    steps: list[tuple[str, str]] = []
    placed: set[str] = set()
    last_cell_of = {_label(cell): index for index, cell in enumerate(nb.cells) if _label(cell)}
    for index, cell in enumerate(nb.cells):
        label = _label(cell)
        is_check = label in labels and CHECK_TAG in tags(cell)
        if cell.cell_type == "code" and not is_check:
            steps.append(("run", cell.source))
        if label in labels and label not in placed and (is_check or last_cell_of[label] == index):
            steps.append(("read", label))
            placed.add(label)
    return steps, [label for label in labels if label not in placed]


def _reader(exercise: Exercise) -> str:
    return f"__import__('lstm_course.answers', fromlist=['_']).dumps({exercise.answer})"


def judge(exercise: Exercise, key: dict[str, Any], reply: dict[str, Any] | None) -> tuple[int, str]:
    """The score and note of one exercise, from the kernel's reply for its answer and the key."""
    from lstm_course import answers, exercises

    if reply is None:
        return 0, "the exercise's answer was not read (the submission stopped before it)"
    if reply.get("status") != "ok":
        error = f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"
        return 0, "no answer: reading it raised " + " ".join(error.split())[:200]
    try:
        text = ast.literal_eval(reply["data"]["text/plain"])
    except (KeyError, TypeError, ValueError, SyntaxError, MemoryError, RecursionError):
        text = None
    answer = answers.loads(text)
    args, kwargs = question(key)
    checker = getattr(exercises, exercise.checker)
    try:
        result = checker(answer, *args, **kwargs)
    except Exception as error:  # noqa: BLE001 - a checker's own error costs the exercise, with the reason
        return 0, f"the check raised {type(error).__name__}: {error}"
    return int(bool(result.passed)), "" if result.passed else result.message


def grade_submission(
    path: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    sandbox: str = "auto",
    keys: Path = KEYS,
    memory_gb: float = DEFAULT_MEMORY_GB,
    processes: int = DEFAULT_PROCESSES,
    student: str = "",
) -> Grade:
    """Grade one submission (see the module's docstring)."""
    grade = Grade(submission=path.name, student=student or path.stem)
    start = time.monotonic()
    exercises = course_exercises()
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        grade.chapter = match_chapter(nb, exercises)
    except Exception as error:  # noqa: BLE001 - any unreadable file is reported, never fatal
        grade.error = f"cannot grade {path.name}: {type(error).__name__}: {error}".replace("\n", " ")
        return grade
    chapter = {e.label: e for e in exercises[grade.chapter]}
    key = chapter_key(ROOT / "chapters" / grade.chapter, keys)
    steps, missing = plan(nb, list(chapter))
    for label in chapter:
        grade.scores[label] = 0
    for label in missing:
        grade.notes[label] = "the exercise's cells are missing from the submission"
    grade.sandbox = choose_sandbox(sandbox)
    read: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="lstm-course-job-") as folder:
        kernel = SandboxedKernel(
            Path(folder) / "work", sandbox=grade.sandbox, memory_gb=memory_gb, processes=processes
        )
        deadline = start + timeout
        try:
            kernel.start(min(START_TIMEOUT_S, timeout))
            for number, (kind, value) in enumerate(steps, start=1):  # noqa: B007 - named in the note
                if kind == "run":
                    kernel.run(value, deadline)
                    continue
                reply = kernel.evaluate({"answer": _reader(chapter[value])}, deadline).get("answer")
                grade.scores[value], note = judge(chapter[value], key[value], reply)
                read.add(value)
                if note:
                    grade.notes[value] = note
        except TimeLimit:
            grade.stopped = (
                f"stopped after the time limit of {timeout:g} s; the cells after that were not run"
            )
        except KernelDied as error:
            grade.stopped = (
                f"the kernel died at step {number} of {len(steps)} ({error}); the scores before it are kept"
            )
        except RuntimeError as error:  # the kernel did not start
            grade.stopped = f"the kernel did not start: {error}"
        finally:
            kernel.stop()
    for label in chapter:
        if label not in read and label not in missing:
            reason = "the submission stopped"
            if "time limit" in grade.stopped:
                reason = "the time limit was reached"
            grade.notes[label] = f"the answer was not read: {reason} before it"
    grade.seconds = time.monotonic() - start
    return grade


# ------------------------------------------------------------------------------ results, jobs, tables


def write_result(grade: Grade, folder: Path) -> Path:
    """One job's result file, ``folder/<submission>.json`` (written whole, then moved into place)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = (grade.student + "__" if grade.student != Path(grade.submission).stem else "") + grade.submission
    target = folder / (name.replace("/", "_") + ".json")
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(grade), indent=1), encoding="utf-8")
    partial.replace(target)
    return target


def read_results(folder: Path) -> list[Grade]:
    """Every result file in ``folder``, in name order."""
    grades = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        grades.append(Grade(**data))
    return grades


def table(grades: list[Grade]) -> str:
    """The scores as text: one block per submission, one line per exercise with the reason for a 0."""
    lines = []
    for grade in grades:
        if grade.error:
            lines.append(f"{grade.submission}: ERROR {grade.error}")
            continue
        score = f"{grade.total}/{len(grade.scores)}"
        lines.append(
            f"{grade.submission} ({grade.chapter}): {score} in {grade.seconds:.0f} s, sandbox {grade.sandbox}"
        )
        for label, value in grade.scores.items():
            note = f"  {grade.notes[label]}" if label in grade.notes else ""
            lines.append(f"  {label:28} {value}{note}")
        if grade.stopped:
            lines.append(f"  {grade.stopped}")
    return "\n".join(lines)


def write_csv(grades: list[Grade], target: Path) -> None:
    """Long form: one row per exercise and a TOTAL row per submission; an unreadable file, one ERROR row."""
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "submission", "chapter", "exercise", "score", "out_of", "note"])
        for grade in grades:
            who = [grade.student, grade.submission]
            if grade.error:
                writer.writerow([*who, "", "ERROR", "", "", grade.error])
                continue
            for label, score in grade.scores.items():
                writer.writerow([*who, grade.chapter, label, score, 1, grade.notes.get(label, "")])
            writer.writerow([*who, grade.chapter, "TOTAL", grade.total, len(grade.scores), grade.stopped])


def write_wide_csv(grades: list[Grade], target: Path) -> None:
    """Wide form, for gradebooks: one row per student, one column per exercise of the chapters handed in."""
    columns: list[str] = []
    rows: dict[str, dict[str, int]] = {}
    for grade in grades:
        row = rows.setdefault(grade.student, {})
        for label, score in grade.scores.items():
            column = f"{Path(grade.chapter).stem}:{label}"
            if column not in columns:
                columns.append(column)
            row[column] = max(score, row.get(column, 0))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *columns, "total", "out_of"])
        for student in sorted(rows):
            row = rows[student]
            cells = [row.get(column, 0) for column in columns]
            writer.writerow([student, *cells, sum(cells), len(columns)])


def student_of(path: Path, folder: Path) -> str:
    """Who handed ``path`` in: its folder under ``folder`` (``alice/05.ipynb``), else its file name."""
    relative = path.relative_to(folder)
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


def submissions_in(folder: Path) -> list[Path]:
    """The notebooks handed in: ``folder/*.ipynb`` and ``folder/<student>/*.ipynb`` (checkpoints aside)."""
    found = [*folder.glob("*.ipynb"), *folder.glob("*/*.ipynb")]
    return sorted(path for path in found if ".ipynb_checkpoints" not in path.parts)


def run_jobs(paths: list[Path], folder: Path, out: Path, jobs: int, options: dict[str, Any]) -> None:
    """Grade every path as an independent job, ``jobs`` at a time, each writing its own result file.

    The jobs are threads of this process (each waits on its own sandboxed kernel), which spares every
    submission a Python start and the grader's imports; ``python -m coursework.grade job`` runs the same
    job as a process of its own, for engines that start one per submission.
    """

    def one(path: Path) -> None:
        print(f"grading {path.relative_to(folder)} ...", flush=True)
        try:
            grade = grade_submission(path, student=student_of(path, folder), **options)
        except Exception as error:  # noqa: BLE001 - one job's failure is its own result, not the run's
            grade = Grade(
                submission=path.name, student=student_of(path, folder), error=f"the grader failed: {error}"
            )
        write_result(grade, out)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, paths))


def _chapter_or_none(path: Path, exercises: dict[str, list[Exercise]]) -> str | None:
    try:
        return match_chapter(nbformat.read(path, as_version=4), exercises)
    except Exception:  # noqa: BLE001 - the job reports an unreadable file
        return None


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {text}")
    return value


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of jobs >= 1; got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursework.grade", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    limits = argparse.ArgumentParser(add_help=False)
    limits.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT_S, help="seconds per submission")
    limits.add_argument("--sandbox", choices=["auto", "bwrap", "none"], default="auto")
    limits.add_argument("--memory-gb", type=_positive, default=DEFAULT_MEMORY_GB, help="per kernel process")
    limits.add_argument("--processes", type=_jobs, default=DEFAULT_PROCESSES, help="tasks (threads count)")
    limits.add_argument("--keys", type=Path, default=KEYS, help="folder of answer keys (default _build/keys)")
    run = commands.add_parser("run", parents=[limits], help="grade a folder of submissions")
    run.add_argument("submissions", type=Path)
    run.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1)
    run.add_argument("--out", type=Path, help="folder for the result files (default SUBMISSIONS/results)")
    run.add_argument(
        "--csv", type=Path, help="default SUBMISSIONS/grades.csv (and grades-wide.csv beside it)"
    )
    job = commands.add_parser("job", parents=[limits], help="grade one submission into --out")
    job.add_argument("notebook", type=Path)
    job.add_argument("--out", type=Path, required=True)
    job.add_argument("--student", default="")
    collect = commands.add_parser("collect", help="merge result files into a table and CSVs")
    collect.add_argument("results", type=Path)
    collect.add_argument("--csv", type=Path)
    collect.add_argument("--wide", type=Path)
    keys = commands.add_parser("keys", help="compute every chapter's answer key (cached in --keys)")
    keys.add_argument("--keys", type=Path, default=KEYS)
    args = parser.parse_args(argv)

    if args.command == "keys":
        for path in chapter_paths():
            chapter_key(path, args.keys)
            print(f"key of {path.name}: ok", flush=True)
        return 0
    if args.command == "collect":
        return _collect(parser, args.results, args.csv, args.wide)
    options = {
        "timeout": args.timeout,
        "sandbox": args.sandbox,
        "keys": args.keys,
        "memory_gb": args.memory_gb,
        "processes": args.processes,
    }
    if args.command == "job":
        if not args.notebook.is_file():
            parser.error(f"expected a submitted notebook; got {args.notebook}, which is not a file")
        write_result(grade_submission(args.notebook, student=args.student, **options), args.out)
        return 0
    if not args.submissions.is_dir():
        parser.error(
            f"expected a folder of submitted notebooks; got {args.submissions}, which is not a folder"
        )
    paths = submissions_in(args.submissions)
    if not paths:
        parser.error(f"expected .ipynb files in {args.submissions}; found none")
    out = args.out or args.submissions / "results"
    if out.exists():
        shutil.rmtree(out)
    sandbox = choose_sandbox(args.sandbox)
    print(f"sandbox: {sandbox}; {len(paths)} submission(s), {args.jobs} at a time", flush=True)
    exercises = course_exercises()
    for chapter in sorted({_chapter_or_none(path, exercises) for path in paths} - {None}):
        chapter_key(ROOT / "chapters" / chapter, args.keys)  # once, before the jobs, which only read it
    run_jobs(paths, args.submissions, out, args.jobs, options)
    wide = (args.csv or args.submissions / "grades.csv").with_name("grades-wide.csv")
    return _collect(parser, out, args.csv or args.submissions / "grades.csv", wide)


def _collect(parser: argparse.ArgumentParser, results: Path, long: Path | None, wide: Path | None) -> int:
    if not results.is_dir():
        parser.error(f"expected a folder of result files; got {results}, which is not a folder")
    grades = read_results(results)
    if not grades:
        parser.error(f"expected result files (*.json) in {results}; found none")
    print(table(grades))
    if long:
        write_csv(grades, long)
        print(f"scores written to {long}")
    if wide:
        write_wide_csv(grades, wide)
        print(f"one row per student: {wide}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
