"""Find the exercise solutions in a chapter notebook, and build its student version.

A chapter marks each solution with sphinx-exercise's gated directives, in markdown cells::

    ```{solution-start} ex-label
    :class: dropdown
    ```
    ... prose and code cells ...
    ```{solution-end}
    ```

One markdown cell may close a solution and open the next one, so markdown is cut at the directive
fences, not at cell boundaries. In the student version every solution's prose is removed and every
solution code cell becomes a stub (``# YOUR CODE HERE`` and ``raise NotImplementedError``). When the
last statement of a solution cell is a call to an ``lstm_course`` checker (``check_...(...)``), that
statement is kept in a cell of its own after the stub, so the student can check an answer; the stub
assigns None to the names the check needs, so that the check runs (and says "not yet") before the
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
CHECK_TAG = "exercise-check"


class SolutionMarkupError(ValueError):
    """The solution directives of a notebook do not pair up."""


@dataclass
class Solution:
    """One exercise's solution: its label, its prose, and its code cells (sources)."""

    label: str
    prose: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)


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


def find_solutions(nb: nbformat.NotebookNode, where: str = "notebook") -> list[Solution]:
    """Every solution in the notebook, in order, with its prose and code."""
    solutions: dict[str, Solution] = {}
    inside = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            _, prose, inside = _split_markdown(cell.source, inside, f"{where}, cell {index}")
            for label, text in prose:
                solutions.setdefault(label, Solution(label)).prose.append(text)
            for match in START.finditer(cell.source):
                solutions.setdefault(match.group("label"), Solution(match.group("label")))
        elif inside is not None and cell.cell_type == "code":
            solutions[inside].code.append(cell.source)
    if inside is not None:
        raise SolutionMarkupError(f"{where}: solution '{inside}' has no solution-end")
    return list(solutions.values())


def split_check(source: str) -> tuple[str, str | None]:
    """Split a solution cell into (solution code, checker call); the call is None if there is none.

    The checker call is the cell's last statement when it calls a ``check_...`` function; the
    cell's import statements go with it, since the check needs them and they give nothing away.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, None
    if not tree.body:
        return source, None
    last = tree.body[-1]
    if not (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id.startswith("check_")
    ):
        return source, None
    lines = source.splitlines()

    def text(node: ast.stmt) -> str:
        return "\n".join(lines[node.lineno - 1 : node.end_lineno])

    imports = [node for node in tree.body[:-1] if isinstance(node, (ast.Import, ast.ImportFrom))]
    rest = [node for node in tree.body[:-1] if node not in imports]
    solution = "\n".join(text(node) for node in rest)
    check = "\n".join([*(text(node) for node in imports), text(last)])
    return solution, check


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


def student_notebook(nb: nbformat.NotebookNode, where: str = "notebook") -> nbformat.NotebookNode:
    """A copy of the notebook with every solution removed: prose dropped, code cells stubbed."""
    find_solutions(nb, where)  # validates the markup before anything is built
    out = copy.deepcopy(nb)
    cells = []
    inside = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            kept, _, inside_after = _split_markdown(cell.source, inside, f"{where}, cell {index}")
            inside = inside_after
            kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
            if kept:
                new = copy.deepcopy(cell)
                new.source = kept
                cells.append(new)
        elif inside is not None and cell.cell_type == "code":
            solution, check = split_check(cell.source)
            needs = []
            if check is not None:
                needs = sorted(_used_names(check) & _assigned_names(solution or "pass"))
            stub = _code_cell(stub_source(inside, needs), STUB_TAG, inside)
            stub.id = cell.get("id", stub.id)
            cells.append(stub)
            if check is not None:
                check_cell = _code_cell(check, CHECK_TAG, inside)
                check_cell.id = f"{stub.id}-check"
                cells.append(check_cell)
        else:
            cells.append(copy.deepcopy(cell))
    out.cells = cells
    return out


def solution_lines(nb: nbformat.NotebookNode, where: str = "notebook") -> list[str]:
    """The distinctive lines of every solution: lines that the student version must not contain.

    A line counts when it is long enough to be specific (12+ characters once stripped) and does not
    also appear outside the solutions (an import repeated from elsewhere gives nothing away), nor in
    a kept checker call.
    """
    student = student_notebook(nb, where)
    visible = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    lines: list[str] = []
    for solution in find_solutions(nb, where):
        for text in solution.prose + solution.code:
            for line in text.splitlines():
                line = line.strip()
                if len(line) >= 12 and line not in visible and line not in lines:
                    lines.append(line)
    return lines
