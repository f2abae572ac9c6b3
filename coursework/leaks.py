"""Find solution text in a published folder: the check that the student edition leaks nothing.

A solution *leaks* when one of its distinctive fragments (see ``solutions.solution_fragments``) can
be read anywhere in a folder that is handed to students: an HTML page (as text, tags stripped), a
notebook or JSON file (its strings), the search index, a script, a source file, a download. A
fragment is distinctive when the student notebooks themselves, which are meant to be published,
do not contain it: an import or a sentence that also stands outside the solutions gives nothing
away.

``python -m coursework.leaks FOLDER`` checks a folder and exits 1 when anything leaks; ``make
student`` runs the same check on the edition it has just built.
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from coursework.execute import ROOT, chapter_paths
from coursework.solutions import normalise, solution_fragments, student_notebook

# Files that hold no text: images, fonts, archives. Everything else is read as text.
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".otf", ".zip", ".gz"}


@dataclass
class Fragment:
    """A distinctive piece of a solution: its normalised text and where it comes from."""

    text: str
    chapter: str


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def readable_text(path: Path) -> str:
    """What a person or a program can read in the file, normalised: tags, escapes and markup dropped."""
    raw = path.read_bytes().decode("utf-8", errors="ignore")
    parts = [raw]
    if path.suffix in (".html", ".htm", ".xml"):
        parts.append(html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    elif path.suffix in (".ipynb", ".json"):
        try:
            parts.append("\n".join(_strings(json.loads(raw))))
        except json.JSONDecodeError:
            pass
    return "\n".join(normalise(part) for part in parts)


def published_texts(folder: Path) -> dict[Path, str]:
    """{file: readable text} for every non-binary file under folder."""
    return {
        path: readable_text(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix.lower() not in BINARY
    }


def distinctive_fragments(root: Path = ROOT) -> list[Fragment]:
    """The solution fragments of every chapter that no student notebook contains."""
    chapters = chapter_paths(root)
    notebooks = {path.name: nbformat.read(path, as_version=4) for path in chapters}
    # Everything a student notebook shows, outputs included, as one normalised text per notebook.
    visible = " | ".join(
        normalise("\n".join(_strings(student_notebook(nb, name)))) for name, nb in notebooks.items()
    )
    found: list[Fragment] = []
    for name, nb in notebooks.items():
        for text in solution_fragments(nb, name):
            if f" {text} " not in f" {visible} ":
                found.append(Fragment(text, name))
    return found


def find_leaks(folder: Path, fragments: list[Fragment]) -> list[str]:
    """One line per fragment found under folder: the chapter, the file and the fragment."""
    texts = published_texts(folder)
    leaks = []
    for fragment in fragments:
        needle = f" {fragment.text} "
        for path, text in texts.items():
            if needle in f" {text} ":
                leaks.append(f"{fragment.chapter}: '{fragment.text}' in {path.relative_to(folder)}")
                break
    return leaks


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m coursework.leaks FOLDER  (a built student edition)", file=sys.stderr)
        return 2
    fragments = distinctive_fragments()
    leaks = find_leaks(Path(argv[0]), fragments)
    for line in leaks:
        print(f"LEAK {line}")
    print(f"checked {len(fragments)} distinctive solution fragments: {len(leaks)} found in {argv[0]}")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
