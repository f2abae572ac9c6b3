"""Answer keys: what each exercise's check expects, computed by running the instructor's chapter.

The chapter runs top to bottom in a kernel of its own (a trusted one: the course's own code), and right
after each check cell the key records, as data (``lstm_course.answers``), the instructor's answer and
the check's other arguments, evaluated in that kernel. The grader compares a student's answer with
them in its own process; the student edition fingerprints them.

Keys are cached in ``_build/keys/`` under a hash of the chapter's code and of ``lstm_course``, so a
chapter runs again only when either changes. The grader reads them from there, or from any folder
``--keys`` names (copy it to the machines that grade, so that they need not run the chapters).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import nbformat

from coursework.course import Exercise, exercises_of
from coursework.execute import ROOT, execute_in_kernel_env, notebook_client
from coursework.solutions import CHECK_TAG, solution_cells, tags

KEYS = ROOT / "_build" / "keys"
MARK = "lstm-course-answer-key "


def _fingerprint(nb: nbformat.NotebookNode) -> str:
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode("utf-8") + b"\0")
    for path in sorted((ROOT / "lstm_course").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _recorder(exercise: Exercise) -> str:
    value = f"{{'answer': {exercise.answer}, 'question': {exercise.question}}}"
    dumps = "__import__('lstm_course.answers', fromlist=['_']).dumps"
    return f"print({MARK + exercise.label + ' '!r} + {dumps}({value}))"


def compute_key(path: Path) -> dict[str, Any]:
    """Run the chapter at ``path`` and return its key: {label: {checker, answer, args, kwargs}} as data."""
    nb = nbformat.read(path, as_version=4)
    exercises = {exercise.label: exercise for exercise in exercises_of(nb, path.name)}
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    for inside, cell, _ in solution_cells(nb, path.name):  # each cell, with the solution it sits in
        if cell.cell_type != "code":
            continue
        run.cells.append(nbformat.v4.new_code_cell(cell.source, metadata={"tags": tags(cell)}))
        if inside is not None and CHECK_TAG in tags(cell):
            run.cells.append(nbformat.v4.new_code_cell(_recorder(exercises[inside])))
    execute_in_kernel_env(notebook_client(run, path.parent, timeout=600))
    key: dict[str, Any] = {}
    for cell in run.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(MARK):
                    label, data = line[len(MARK) :].split(" ", 1)
                    record = json.loads(data)["dict"]
                    args, kwargs = record["question"]
                    key[label] = {
                        "checker": exercises[label].checker,
                        "answer": record["answer"],
                        "args": args,
                        "kwargs": kwargs["dict"],
                    }
    missing = sorted(set(exercises) - set(key))
    if missing:
        raise RuntimeError(f"{path.name}: the chapter ran, but no key was recorded for {', '.join(missing)}")
    return key


def question(entry: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The (args, kwargs) of a key entry's check, after the answer, as values again (not data)."""
    from lstm_course.answers import from_data

    return [from_data(item) for item in entry["args"]], {
        name: from_data(item) for name, item in entry["kwargs"].items()
    }


def chapter_key(path: Path, folder: Path = KEYS) -> dict[str, Any]:
    """The key of the chapter at ``path``: from ``folder`` if it holds the current one, else computed."""
    nb = nbformat.read(path, as_version=4)
    cached = folder / f"{path.stem}-{_fingerprint(nb)}.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    key = compute_key(path)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{path.stem}-*.json"):
        old.unlink()
    partial = cached.with_suffix(".partial")
    partial.write_text(json.dumps(key), encoding="utf-8")
    partial.replace(cached)
    return key
