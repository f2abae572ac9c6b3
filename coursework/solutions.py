"""Find the exercise solutions in a chapter notebook, and build its student version.

A chapter marks each solution with sphinx-exercise's gated directives, in markdown cells::

    ```{solution-start} ex-label
    :class: dropdown
    ```
    ... prose and code cells ...
    ```{solution-end}
    ```

One markdown cell may close a solution and open the next one, so markdown is cut at the directive
fences, not at cell boundaries.

Every solution holds exactly one *check cell*: a code cell tagged ``exercise-check`` whose last
statement calls an ``lstm_course`` checker (``check_...(...)``). The check computes what it expects
from the question (``check_output_shape(answer, (4, 9, 3), 16, ...)``, ``check_close(first_three,
every_step[:, 2, :])``) and never writes the answer out; its first argument is the learner's answer
(``coursework.course`` takes the call apart for the grader).

In the student version every solution's prose is removed and every other solution code cell becomes
a stub (``# YOUR CODE HERE`` and ``raise NotImplementedError``); the check cell becomes a student check
(``lstm_course.answers.check_answer``) that compares the answer with fingerprints and computes nothing,
so the student can check an answer without being able to read it. The grader does not run it. A stub
assigns None to the names its check reads, so that the check runs (and says "not yet") before the
exercise is done.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

import nbformat

START = re.compile(
    r"^```\{solution-start\}[ \t]+(?P<label>[\w-]+)[ \t]*\n(?::[^\n]*\n)*```[ \t]*(?:\n|$)", re.M
)
END = re.compile(r"^```\{solution-end\}[ \t]*\n```[ \t]*(?:\n|$)", re.M)
STUB_TAG = "exercise-stub"
# Cells for instructors only (a pointer to the instructor page): left out of the student version.
INSTRUCTOR_TAG = "instructor-only"
CHECK_TAG = "exercise-check"


class SolutionMarkupError(ValueError):
    """The solution directives of a notebook do not pair up."""


@dataclass
class Solution:
    """One exercise's solution: its label, its prose, its code cells and its check cells (sources)."""

    label: str
    prose: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def _fences(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, label) of every solution fence in text, in order; label None for an end fence."""
    found = [(m.start(), m.end(), m.group("label")) for m in START.finditer(text)]
    found += [(m.start(), m.end(), None) for m in END.finditer(text)]
    return sorted(found)


def _split_markdown(
    text: str, inside: str | None, where: str
) -> tuple[str, list[tuple[str, str]], str | None]:
    """Cut a markdown cell at the fences.

    Returns the text that stays (outside solutions), the (label, text) pieces that are solution prose,
    and the label of the solution still open at the end of the cell (None when none is open).
    """
    kept, prose, position = [], [], 0
    for start, end, label in _fences(text):
        piece = text[position:start]
        if inside is None:
            kept.append(piece)
        else:
            prose.append((inside, piece))
        if label is not None:
            if inside is not None:
                raise SolutionMarkupError(f"{where}: solution '{label}' starts inside solution '{inside}'")
            inside = label
        else:
            if inside is None:
                raise SolutionMarkupError(f"{where}: a solution-end has no solution-start")
            inside = None
        position = end
    rest = text[position:]
    if inside is None:
        kept.append(rest)
    else:
        prose.append((inside, rest))
    return "".join(kept), prose, inside


def solution_cells(
    nb: nbformat.NotebookNode, where: str = "notebook"
) -> list[tuple[str | None, nbformat.NotebookNode, list[tuple[str, str]]]]:
    """Every cell with the label of the solution it sits in (None outside), and its solution prose.

    The prose is the (label, text) pieces of a markdown cell that lie inside solutions.
    """
    found = []
    inside = None
    for index, cell in enumerate(nb.cells):
        prose: list[tuple[str, str]] = []
        if cell.cell_type == "markdown":
            before = inside
            _, prose, inside = _split_markdown(cell.source, inside, f"{where}, cell {index}")
            found.append((before, cell, prose))
        else:
            found.append((inside, cell, prose))
    if inside is not None:
        raise SolutionMarkupError(f"{where}: solution '{inside}' has no solution-end")
    return found


def find_solutions(nb: nbformat.NotebookNode, where: str = "notebook") -> list[Solution]:
    """Every solution in the notebook, in order, with its prose and code."""
    solutions: dict[str, Solution] = {}
    for inside, cell, prose in solution_cells(nb, where):
        if cell.cell_type == "markdown":
            for label, text in prose:
                solutions.setdefault(label, Solution(label)).prose.append(text)
            for match in START.finditer(cell.source):
                solutions.setdefault(match.group("label"), Solution(match.group("label")))
        elif inside is not None and cell.cell_type == "code":
            target = solutions[inside].checks if CHECK_TAG in tags(cell) else solutions[inside].code
            target.append(cell.source)
    for solution in solutions.values():
        if len(solution.checks) != 1:
            raise SolutionMarkupError(
                f"{where}: solution '{solution.label}' needs exactly one code cell tagged "
                f"'{CHECK_TAG}'; found {len(solution.checks)}"
            )
        checker_call(solution.checks[0], f"{where}, the check of '{solution.label}'")
    return list(solutions.values())


def tags(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return cell.get("metadata", {}).get("tags", [])


def checker_call(source: str, where: str) -> str:
    """The name of the ``check_...`` function that the check cell's last statement calls.

    Raises SolutionMarkupError when the cell does not end with such a call: a check that displays
    nothing can be neither read by a student nor recorded by the grader.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise SolutionMarkupError(f"{where}: the check is not valid Python ({error.msg})") from None
    last = tree.body[-1] if tree.body else None
    if not (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id.startswith("check_")
    ):
        raise SolutionMarkupError(f"{where}: the last statement must be a call to a check_... function")
    return last.value.func.id


def _assigned_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _used_names(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def stub_source(label: str, needs: list[str]) -> str:
    lines = [f"# Exercise {label}: YOUR CODE HERE"]
    lines += [f"{name} = None  # replace None with your answer" for name in needs]
    lines.append("raise NotImplementedError")
    return "\n".join(lines)


def _code_cell(source: str, tag: str, label: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [tag]
    cell.metadata["exercise"] = label
    return cell


def student_notebook(
    nb: nbformat.NotebookNode, where: str = "notebook", student_checks: dict[str, str] | None = None
) -> nbformat.NotebookNode:
    """A copy of the notebook with every solution removed: prose dropped, code stubbed.

    Each check cell becomes ``student_checks[label]`` (the student edition passes the checks made by
    ``coursework.student``, which compare with fingerprints and compute nothing); without
    ``student_checks`` the instructor's check is kept. Cells tagged ``instructor-only`` are left out too.
    """
    checks = {solution.label: solution.checks[0] for solution in find_solutions(nb, where)}
    out = copy.deepcopy(nb)
    cells = []
    inside = None
    for index, cell in enumerate(nb.cells):
        if INSTRUCTOR_TAG in tags(cell):
            continue
        if cell.cell_type == "markdown":
            kept, _, inside_after = _split_markdown(cell.source, inside, f"{where}, cell {index}")
            inside = inside_after
            kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
            if kept:
                new = copy.deepcopy(cell)
                new.source = kept
                cells.append(new)
        elif inside is not None and cell.cell_type == "code":
            if CHECK_TAG in tags(cell):
                source = cell.source if student_checks is None else student_checks[inside]
                new = _code_cell(source, CHECK_TAG, inside)
            else:
                needs = sorted(_used_names(checks[inside]) & _assigned_names(cell.source))
                new = _code_cell(stub_source(inside, needs), STUB_TAG, inside)
            new.id = cell.get("id", new.id)
            cells.append(new)
        else:
            cells.append(copy.deepcopy(cell))
    out.cells = cells
    return out


def normalise(text: str) -> str:
    """Text as the leak check compares it: lower-case words and numbers, one space apart.

    Markup differs between a notebook and the pages made from it (backticks, tags, entities, JSON
    escapes, syntax highlighting, MathJax delimiters); the words and numbers do not.
    """
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# MyST roles and links render as other words ({cite}`olah2015` becomes "Olah, 2015"): cut lines there.
_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MIN_WORDS, MIN_CHARS = 4, 20


def solution_fragments(nb: nbformat.NotebookNode, where: str = "notebook") -> list[str]:
    """Every solution's prose and code (check cells aside), as normalised fragments of lines.

    A fragment is a line, or the part of a line between two MyST roles, with at least
    ``MIN_WORDS`` words and ``MIN_CHARS`` characters once normalised: long enough to be specific.
    Whether a fragment is *distinctive* depends on what else is published; see ``coursework.leaks``.
    """
    fragments: list[str] = []
    for solution in find_solutions(nb, where):
        for text in solution.prose + solution.code:
            for line in text.splitlines():
                for piece in _ROLE.split(_LINK.sub(r"\1", line)):
                    fragment = normalise(piece)
                    if len(fragment.split()) >= MIN_WORDS and len(fragment) >= MIN_CHARS:
                        if fragment not in fragments:
                            fragments.append(fragment)
    return fragments
