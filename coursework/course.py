"""The course as data, for the tools and the tests alike: one model, read one way.

- where the course is and its chapters, in reading order (``ROOT``, ``chapter_paths``, from
  ``coursework.execute``), and the book's table of contents (``toc_files``);
- each chapter's exercise statements (``exercise_labels``) and solutions (``coursework.solutions``, the
  one parser of the solution markup);
- each exercise's check taken apart (``Exercise``): the check cell of a solution ends with
  ``check_x(<answer>, <question>...)``, whose first argument is the learner's result and whose other
  arguments compute what is expected, so that the grader can evaluate the answer in the student's kernel
  and the rest in the instructor's, and compare the two in its own process.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import yaml

from coursework.execute import ROOT as ROOT  # re-exported: the model is the one import
from coursework.execute import chapter_paths
from coursework.solutions import SolutionMarkupError, find_solutions

CHECKERS = ("check_shape", "check_output_shape", "check_param_count", "check_value", "check_close")
# An exercise's statement: sphinx-exercise's directive (or its gated form) with its label.
EXERCISE = re.compile(r"```\{exercise(?:-start)?\}\n:label: ([\w-]+)")


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every `file:` entry of the book's Jupyter Book 1.x `_toc.yml` (the root included), as written there."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    return found


def exercise_labels(nb: nbformat.NotebookNode) -> list[str]:
    """The labels of the exercise statements in a notebook's markdown, in order."""
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    return EXERCISE.findall(text)


@dataclass(frozen=True)
class Exercise:
    """One exercise: its label, its chapter, and its check call taken apart."""

    label: str
    chapter: str
    check: str  # the whole check cell
    checker: str  # e.g. "check_shape"
    answer: str  # the source of the first argument: what the learner hands in
    args: tuple[str, ...]  # the sources of the other positional arguments
    kwargs: tuple[tuple[str, str], ...]  # (name, source) of the keyword arguments

    @property
    def question(self) -> str:
        """An expression for the check's other arguments: ``[[args...], {kwargs...}]``."""
        args = ", ".join(self.args)
        kwargs = ", ".join(f"{name!r}: {source}" for name, source in self.kwargs)
        return f"[[{args}], {{{kwargs}}}]"

    def student_check(self, key: str) -> str:
        """The student edition's check cell: the same answer, checked against fingerprints only."""
        return f"from lstm_course.answers import check_answer\n\ncheck_answer({self.answer}, {key!r})"


def split_check(label: str, chapter: str, check: str) -> Exercise:
    """The ``Exercise`` of a check cell; SolutionMarkupError when the call is not of the form above."""
    where = f"{chapter}, the check of '{label}'"
    call = ast.parse(check).body[-1].value  # find_solutions made sure it is a call to check_...
    name = call.func.id
    if name not in CHECKERS:
        raise SolutionMarkupError(f"{where}: {name} is not one of the checkers {', '.join(CHECKERS)}")
    if not call.args or any(isinstance(arg, ast.Starred) for arg in call.args):
        raise SolutionMarkupError(f"{where}: the answer must be the first argument, with no *args")
    if any(keyword.arg is None for keyword in call.keywords):
        raise SolutionMarkupError(f"{where}: no **kwargs in a check call")

    def source(node: ast.AST) -> str:
        return ast.get_source_segment(check, node) or ast.unparse(node)

    return Exercise(
        label=label,
        chapter=chapter,
        check=check,
        checker=name,
        answer=source(call.args[0]),
        args=tuple(source(arg) for arg in call.args[1:]),
        kwargs=tuple((keyword.arg, source(keyword.value)) for keyword in call.keywords),
    )


def exercises_of(nb: nbformat.NotebookNode, chapter: str) -> list[Exercise]:
    """The exercises of one chapter notebook, in order."""
    return [split_check(s.label, chapter, s.checks[0]) for s in find_solutions(nb, chapter)]


@cache
def _exercises(path: Path, mtime: float) -> tuple[Exercise, ...]:
    return tuple(exercises_of(nbformat.read(path, as_version=4), path.name))


def course_exercises(root: Path = ROOT) -> dict[str, list[Exercise]]:
    """{chapter file name: its exercises}, for every chapter of the table of contents."""
    return {path.name: list(_exercises(path, path.stat().st_mtime)) for path in chapter_paths(root)}


# The part of every chapter's hidden set-up cell that makes it run where lstm_course is not installed
# (Colab, Binder, a student's own Python): it installs this version of the package, once, from the
# published repository at this version's tag, or from LSTM_COURSE_SOURCE (a wheel, a fork, a folder).
# Here, where the package is installed, it is a no-op. tests/test_chapters.py keeps every chapter's
# copy equal to this text, and the URL equal to _config.yml's repository at v<version>.
PACKAGE_SOURCE = "lstm-course @ git+https://github.com/lstm-course/what-does-a-keras-lstm-output@v0.1.0"
SETUP_INSTALL = f'''\
try:
    import lstm_course
except ModuleNotFoundError:  # not in this course's environment: install this version of the package
    import importlib
    import subprocess
    import sys

    default = "{PACKAGE_SOURCE}"
    source = os.environ.get("LSTM_COURSE_SOURCE", default)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source]
    installed = subprocess.run(pip, capture_output=True, text=True)
    if installed.returncode != 0:
        message = f"could not install lstm_course from {{source}}:\\n{{installed.stderr[-2000:]}}"
        raise RuntimeError(message) from None
    importlib.invalidate_caches()  # the running interpreter looks again for what pip installed
    import lstm_course
lstm_course.environment.note_versions()  # one line, only where the versions differ from the course's
'''
