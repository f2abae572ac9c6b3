"""``make refresh``: re-execute notebooks and store their outputs, only if nbval can reproduce them.

Each notebook runs twice, each time in a fresh kernel started as nbval starts it (``coursework.execute``):

1. in the kernel environment of ``make test``; these are the outputs that get stored;
2. in the robustness environment (oneDNN on, one thread, every random number scaled by 1 + 1e-7), as
   another machine would run it.

The notebook is written back only when the first run wrote nothing to stderr and both runs printed the same
outputs (what nbval compares: the text of stdout and stderr, with consecutive chunks joined, every text
result, and errors). Otherwise nothing is written and the command fails, naming the cell: an output that
changes from one run to the next, or with the last bits of a float, is one that nbval would reject on the
next machine. Images are not compared (nbval does not compare them either; a plot may move by a fraction of
a pixel under other rounding).

Usage: python tools/refresh.py [NOTEBOOK.ipynb ...]   (default: every chapter)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellExecutionError

from coursework.execute import (
    ROOT,
    chapter_paths,
    execute_in_kernel_env,
    kernel_environment,
    notebook_client,
    robust_environment,
)

CELL_TIMEOUT_S = 600
COMPARED_MIME_TYPES = ("text/plain", "text/html", "text/latex", "text/markdown", "application/json")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class RefreshError(Exception):
    """The notebook's outputs cannot be stored: nbval could not reproduce them."""


@dataclass(frozen=True)
class Ran:
    notebook: nbformat.NotebookNode
    seconds: float


def merge_streams(nb: nbformat.NotebookNode) -> None:
    """Join consecutive outputs of one stream into one, in place.

    The kernel splits a cell's printing into stream messages by timing, so two runs of the same cell may
    store its lines in different chunks. nbval joins them before comparing; joining them before storing
    too makes the stored file the same from one refresh to the next.
    """
    for cell in nb.cells:
        merged: list[Any] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                previous["text"] = previous.get("text", "") + output.get("text", "")
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged


def execute(path: Path, env: dict[str, str]) -> Ran:
    """Run the notebook at ``path`` top to bottom in a fresh kernel with ``env``; the executed copy, its
    streams joined (``merge_streams``)."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path.parent, timeout=CELL_TIMEOUT_S, allow_error_names=[])
    start = time.perf_counter()
    execute_in_kernel_env(client, env)
    seconds = time.perf_counter() - start
    merge_streams(nb)
    return Ran(nb, seconds)


def compared_outputs(cell: Any) -> list[tuple[str, ...]]:
    """What nbval compares of a code cell's outputs (streams joined by ``execute``), as comparable tuples."""
    found: list[tuple[str, ...]] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            found.append(("stream", output.get("name", ""), output.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            for mime in COMPARED_MIME_TYPES:
                if mime in data:
                    value = data[mime]
                    found.append((mime, value if isinstance(value, str) else repr(value)))
        elif kind == "error":
            found.append(("error", output.get("ename", ""), output.get("evalue", "")))
    return found


def stderr_cells(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, first line) of every code cell that wrote to stderr."""
    return [
        (index, next(iter(output.get("text", "").strip().splitlines()), "(blank)"))
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    ]


def differing_cells(first: nbformat.NotebookNode, second: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, a short description) of every code cell whose compared outputs differ."""
    found = []
    for index, (one, two) in enumerate(zip(first.cells, second.cells, strict=True)):
        if one.cell_type != "code":
            continue
        a, b = compared_outputs(one), compared_outputs(two)
        if a != b:
            pairs = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
            x, y = pairs[0] if pairs else (a[len(b) :] or ["nothing"], b[len(a) :] or ["nothing"])
            found.append((index, f"{_short(x)} then {_short(y)}"))
    return found


def differing_images(first: nbformat.NotebookNode, second: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells whose PNG images differ between two runs (nbval does not compare them)."""

    def images(cell: Any) -> list[str]:
        outputs = cell.get("outputs", [])
        return [out["data"]["image/png"] for out in outputs if "image/png" in out.get("data", {})]

    return [
        index
        for index, (one, two) in enumerate(zip(first.cells, second.cells, strict=True))
        if one.cell_type == "code" and images(one) != images(two)
    ]


def _short(output: Any) -> str:
    text = output[-1] if isinstance(output, tuple) else str(output[0])
    lines = [line for line in str(text).splitlines() if line.strip()]
    return repr(lines[0][:100] if lines else text)


def refresh(path: Path) -> float:
    """Execute ``path`` twice and store the first run's outputs if nbval can reproduce them; seconds spent.

    Raises RefreshError, naming the cells, when a cell wrote to stderr or the two runs differ. A figure
    that differs between the runs (a plot of trained values, redrawn with other antialiasing) is reported
    on stdout, not refused: nbval does not compare images, but another CPU's refresh may store it anew.
    """
    stored = execute(path, kernel_environment())
    problems = [f"cell {index} wrote to stderr: {line!r}" for index, line in stderr_cells(stored.notebook)]
    with robust_environment() as env:
        again = execute(path, env)
    problems += [
        f"cell {index} printed something else in a second run (oneDNN on, one thread, random numbers scaled "
        f"by 1 + 1e-7): {change}"
        for index, change in differing_cells(stored.notebook, again.notebook)
    ]
    if problems:
        raise RefreshError(
            f"{path.name}: not stored, because nbval could not reproduce it on another machine:\n  "
            + "\n  ".join(problems)
            + "\nPrint shapes, counts, booleans and values rounded far above float noise; silence or fix "
            "what writes to stderr."
        )
    redrawn = differing_images(stored.notebook, again.notebook)
    if redrawn:
        cells = ", ".join(map(str, redrawn))
        print(f"  note: the figures of cells {cells} differ between the two runs, by pixels (not compared)")
    stored.notebook.metadata["kernelspec"] = dict(KERNELSPEC)  # as committed, not the client's
    nbformat.write(stored.notebook, path)
    return stored.seconds + again.seconds


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or chapter_paths()
    missing = [str(path) for path in paths if not path.is_file() or path.suffix != ".ipynb"]
    if missing:
        print(f"refresh: no such notebook: {', '.join(missing)} (expected .ipynb files)", file=sys.stderr)
        return 2
    failed = []
    for path in paths:
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        print(f"refreshing {shown} ...", flush=True)
        try:
            print(f"  stored, after two runs in {refresh(path):.1f} s", flush=True)
        except RefreshError as error:
            print(f"  {error}", file=sys.stderr, flush=True)
            failed.append(str(shown))
        except CellExecutionError as error:  # a cell raised, and is not tagged raises-exception
            reason = f"{error.ename}: {error.evalue}"
            print(f"  {path.name}: not stored, because a cell raised an error: {reason}", file=sys.stderr)
            failed.append(str(shown))
    if failed:
        print(f"refresh: {len(failed)} notebook(s) not stored: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
