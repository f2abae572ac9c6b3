"""Reading the course's notebooks and table of contents, for the hygiene and nbval tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import nbformat

from coursework.course import toc_files as toc_files  # re-exported: the course model owns the toc
from coursework.execute import CHAPTERS as CHAPTERS  # re-exported for the tests
from coursework.execute import ROOT, chapter_paths

SEED = ROOT.parent / "shared" / "seed" / "what-is-the-output-of-a-keras-lstm.md"


def load_tool(name: str) -> ModuleType:
    """A maintainer script of tools/ (not an installed package), imported as a module for its tests."""
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def notebook_paths() -> list[Path]:
    """Every notebook under chapters/, in reading order (coursework.execute owns the list)."""
    return chapter_paths()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def stream_text(cell: nbformat.NotebookNode, name: str = "stdout") -> str:
    """All text a code cell printed on one stream, joined as nbval joins it."""
    return "".join(
        out.get("text", "")
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == name
    )
