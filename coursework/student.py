"""Build the student edition: student notebooks and a student book, with no solution in either.

Usage (through ``make student``)::

    python -m coursework.student [OUTPUT_DIR]      # default: _build/student

writes ``OUTPUT_DIR/notebooks/`` (one student notebook per chapter), ``OUTPUT_DIR/html/`` (the
book, built from the student notebooks rather than from the chapters, so that no page, download,
``_sources/`` file or search index entry is ever made from a solution) and
``OUTPUT_DIR/lstm-course-student.zip``, the hand-out a student can use alone (``coursework.handout``:
the student notebooks, a wheel of ``lstm_course``, pinned requirements and a README). It then
searches everything it wrote for the solutions' text (``coursework.leaks``), inside the zip and its
wheel too, and exits 1 if any is found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import yaml

from coursework import handout
from coursework.course import exercises_of
from coursework.execute import ROOT, chapter_paths
from coursework.keys import chapter_key, question
from coursework.leaks import Fragment, distinctive_fragments, find_leaks
from coursework.solutions import student_notebook

BOOK_FILES = ["glossary.md", "references.md", "references.bib", "api.md"]
# Pages for instructors only: left out of the student book and its table of contents.
INSTRUCTOR_PAGES = {"instructors"}
JB_FLAGS = ["--builder", "html", "--warningiserror", "--nitpick", "--keep-going"]


def student_checks(chapter: Path, nb: nbformat.NotebookNode) -> dict[str, str]:
    """{label: the student check cell} for a chapter, keyed from its answer key (``coursework.keys``)."""
    from lstm_course.answers import make_key

    key = chapter_key(chapter)
    checks = {}
    for exercise in exercises_of(nb, chapter.name):
        args, kwargs = question(key[exercise.label])
        key_text = make_key(exercise.label, exercise.checker, args, kwargs)
        checks[exercise.label] = exercise.student_check(key_text)
    return checks


def write_student_notebooks(target: Path, root: Path = ROOT) -> list[Path]:
    """Write the student version of every chapter into target; return the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    chapters = chapter_paths(root)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the keys run the chapters
        list(pool.map(chapter_key, chapters))
    written = []
    for chapter in chapters:
        nb = nbformat.read(chapter, as_version=4)
        out = target / chapter.name
        nbformat.write(student_notebook(nb, chapter.name, student_checks(chapter, nb)), out)
        written.append(out)
    return written


def write_book_source(source: Path, root: Path = ROOT) -> None:
    """A copy of the book's source tree whose chapters are the student notebooks."""
    if source.exists():
        shutil.rmtree(source)
    (source / "chapters").mkdir(parents=True)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    for name in BOOK_FILES:
        shutil.copy(root / name, source / name)
    for folder in config.get("sphinx", {}).get("local_extensions", {}).values():
        shutil.copytree(root / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    (source / "_toc.yml").write_text(yaml.safe_dump(_without_instructor_pages(toc), sort_keys=False), "utf-8")
    shutil.copytree(root / "chapters" / "images", source / "chapters" / "images")
    write_student_notebooks(source / "chapters", root)


def _without_instructor_pages(node: Any) -> Any:
    """The table of contents without the entries of INSTRUCTOR_PAGES (and parts left empty by that)."""
    if isinstance(node, list):
        kept = [_without_instructor_pages(item) for item in node]
        return [item for item in kept if item is not None]
    if isinstance(node, dict):
        if node.get("file") in INSTRUCTOR_PAGES:
            return None
        kept = {key: _without_instructor_pages(value) for key, value in node.items()}
        if "chapters" in node and not kept["chapters"]:
            return None
        return kept
    return node


def build_html(source: Path, target: Path) -> Path:
    """Build the book in source with make book's flags (warnings are errors); return its HTML folder."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(jupyter_book), "build", str(source), "--path-output", str(target), *JB_FLAGS], check=True
    )
    return target / "_build" / "html"


def build_notebooks(output: Path, root: Path = ROOT) -> Path:
    """Write the student notebooks, and the figures they show, into output/notebooks; return that folder."""
    notebooks = output.resolve() / "notebooks"
    if notebooks.exists():
        shutil.rmtree(notebooks)
    write_student_notebooks(notebooks, root)
    # The figures the notebooks show, so that they display when the notebooks are opened in JupyterLab.
    shutil.copytree(root / "chapters" / "images", notebooks / "images")
    return notebooks


def build(output: Path, root: Path = ROOT) -> Path:
    """Build the student notebooks, the hand-out zip and the book under output; return the HTML folder."""
    output = output.resolve()
    build_notebooks(output, root)
    handout.build_handout(output, root)
    source = output / "source"
    write_book_source(source, root)
    build_html(source, output / "sphinx")
    html = output / "html"
    if html.exists():
        shutil.rmtree(html)
    shutil.move(output / "sphinx" / "_build" / "html", html)
    shutil.rmtree(output / "sphinx")
    return html


def edition_leaks(output: Path, fragments: list[Fragment]) -> list[str]:
    """The leak check of a built edition: every file under output, and everything inside the hand-out."""
    leaks = find_leaks(output, fragments)
    archive = output / handout.ZIP_NAME
    if archive.is_file():
        leaks += handout.handout_leaks(archive, fragments)
    return leaks


def main(argv: list[str]) -> int:
    output = (Path(argv[0]) if argv else ROOT / "_build" / "student").resolve()
    html = build(output)
    fragments = distinctive_fragments(ROOT)
    leaks = edition_leaks(output, fragments)
    for line in leaks:
        print(f"LEAK {line}")
    if leaks:
        print(f"The student edition in {output} contains solutions: do not hand it out.", file=sys.stderr)
        return 1
    archive = output / handout.ZIP_NAME
    print(f"Checked {len(fragments)} distinctive solution fragments: none is in {output} or in its zip.")
    print(f"Student notebooks: {output / 'notebooks'}")
    print(f"Student book:      {html / 'index.html'}")
    print(f"Student hand-out:  {archive} ({archive.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
