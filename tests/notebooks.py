"""Reading the course's notebooks and table of contents, for the hygiene and nbval tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from coursework.execute import CHAPTERS as CHAPTERS  # re-exported for the tests
from coursework.execute import ROOT, chapter_paths

SEED = ROOT.parent / "shared" / "seed" / "what-is-the-output-of-a-keras-lstm.md"


def notebook_paths() -> list[Path]:
    """Every notebook under chapters/, in reading order (coursework.execute owns the list)."""
    return chapter_paths()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every `file:` entry of a Jupyter Book 1.x `_toc.yml` (the root included), as written there."""
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


def stream_text(cell: nbformat.NotebookNode, name: str = "stdout") -> str:
    """All text a code cell printed on one stream, joined as nbval joins it."""
    return "".join(
        out.get("text", "")
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == name
    )
