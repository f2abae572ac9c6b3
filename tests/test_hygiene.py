"""Hygiene of the stored notebooks: what nbval cannot see on its own.

nbval compares outputs cell by cell, but it silently skips cells that were never executed, and it
cannot tell a private path or a stray warning from a legitimate output. These tests read the stored
JSON (no kernel), so they run in a second.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest
from notebooks import (
    CHAPTERS,
    ROOT,
    SEED,
    code_cells,
    notebook_paths,
    read,
    stream_text,
    toc_files,
)

from coursework.execute import chapter_paths

NOTEBOOKS = notebook_paths()
IDS = [path.name for path in NOTEBOOKS]
MAX_NOTEBOOK_BYTES = 1_000_000
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")


def resolve_toc_entry(entry: str, root: Path = ROOT) -> Path | None:
    """The file a `_toc.yml` entry names (Jupyter Book lets the suffix be left out), or None."""
    for suffix in ("", ".ipynb", ".md"):
        candidate = root / f"{entry}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def toc_problems(toc_path: Path, root: Path) -> list[str]:
    """What is wrong between a table of contents and the notebooks under root/chapters/."""
    problems = []
    listed = set()
    for entry in toc_files(toc_path):
        path = resolve_toc_entry(entry, root)
        if path is None:
            problems.append(f"_toc.yml lists '{entry}', but no file {entry}(.ipynb|.md) exists")
        else:
            listed.add(path.resolve())
    for notebook in chapter_paths(root):
        if notebook.resolve() not in listed:
            rel = notebook.relative_to(root).with_suffix("")
            problems.append(f"{notebook.relative_to(root)} is not in _toc.yml (add '- file: {rel}')")
    return problems


def test_the_course_has_notebooks():
    assert NOTEBOOKS, f"no notebooks found under {CHAPTERS}"


def test_toc_and_chapters_agree():
    problems = toc_problems(ROOT / "_toc.yml", ROOT)
    assert not problems, "\n".join(problems)


def test_toc_check_names_a_missing_entry_and_an_unlisted_notebook(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01_listed.ipynb").write_text("{}")
    (tmp_path / "chapters" / "02_forgotten.ipynb").write_text("{}")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/01_listed\nchapters:\n  - file: chapters/09_typo\n"
    )
    problems = toc_problems(tmp_path / "_toc.yml", tmp_path)
    assert problems == [
        "_toc.yml lists 'chapters/09_typo', but no file chapters/09_typo(.ipynb|.md) exists",
        "chapters/02_forgotten.ipynb is not in _toc.yml (add '- file: chapters/02_forgotten')",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_executed_in_order(path):
    cells = code_cells(read(path))
    counts = [cell.execution_count for cell in cells]
    never_run = [i for i, count in enumerate(counts) if count is None]
    assert not never_run, (
        f"{path.name}: code cells {never_run} were never executed, and nbval would not compare them; "
        "run `make refresh`"
    )
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts are {counts}, expected 1..{len(cells)} from a top-to-bottom "
        "run; run `make refresh`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stderr_is_stored(path):
    noisy = [i for i, cell in enumerate(code_cells(read(path))) if stream_text(cell, "stderr")]
    assert not noisy, f"{path.name}: code cells {noisy} stored stderr output (a warning or a log)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_error_is_stored_outside_raises_exception_cells(path):
    for i, cell in enumerate(code_cells(read(path))):
        errors = [out for out in cell.outputs if out.output_type == "error"]
        tags = cell.metadata.get("tags", [])
        assert not errors or "raises-exception" in tags, (
            f"{path.name}: code cell {i} stored an error ({errors[0].ename}) but is not tagged "
            "raises-exception"
        )


def private_text(text: str) -> list[str]:
    """Fragments of text that must never be published: absolute paths, user names, memory addresses."""
    patterns = [
        r"(?<![\w.])/(?:home|root|Users|tmp|work|private|var/folders)/[^\s'\"]*",
        r"\b[A-Za-z]:\\\\?[^\s'\"]+",
        r"\b0x[0-9a-fA-F]{6,}\b",
        r"site-packages",
    ]
    user = getpass.getuser()
    if user not in {"root", "runner", "user"}:
        patterns.append(rf"\b{re.escape(user)}\b")
    return [match.group(0) for p in patterns for match in re.finditer(p, text)]


def test_private_text_finds_paths_and_addresses():
    sample = "saved to /home/ada/model.keras via <Layer at 0x7f3a2c1b9d90> in C:\\Users\\ada"
    assert private_text(sample) == [
        "/home/ada/model.keras",
        "C:\\Users\\ada",
        "0x7f3a2c1b9d90",
    ]
    assert private_text("(3, 64)\nTrue\n17152") == []


def output_text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join([output.ename, output.evalue, *output.traceback])
    data = output.get("data", {})
    return "\n".join(str(value) for key, value in data.items() if key.startswith("text/"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_hold_no_paths_user_names_or_addresses(path):
    for i, cell in enumerate(code_cells(read(path))):
        for output in cell.outputs:
            found = private_text(output_text(output))
            assert not found, f"{path.name}: code cell {i} output contains {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_is_python3(path):
    kernelspec = read(path).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"{path.name}: kernelspec is {kernelspec}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_under_1_mb(path):
    size = path.stat().st_size
    assert size < MAX_NOTEBOOK_BYTES, f"{path.name} is {size:,} bytes; the limit is 1,000,000"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ignored_outputs_say_why(path):
    for i, cell in enumerate(code_cells(read(path))):
        ignored = IGNORE_TAGS & set(cell.metadata.get("tags", [])) or any(
            marker in cell.source for marker in IGNORE_MARKERS
        )
        if ignored:
            assert re.search(r"#.*\b(because|varies|variable|differs)\b", cell.source), (
                f"{path.name}: code cell {i} is not compared by nbval; say why in a comment "
                "(for example '# nbval-ignore-output: the timing varies from run to run')"
            )


# The post's three examples, each in the chapter that teaches it, with the shapes it prints.
SEED_EXAMPLES = [
    ("02_hidden_state.ipynb", "lstm_layer = keras.layers.LSTM(64)\n", "(3, 64)\n"),
    (
        "03_return_sequences.ipynb",
        "lstm_layer = keras.layers.LSTM(64, return_sequences=True)\n",
        "(3, 5, 64)\n",
    ),
    ("05_stacking.ipynb", "lstm_layer2 = keras.layers.LSTM(32)\n", "(3, 5, 64)\n(3, 32)\n"),
]


def seed_example_cell(chapter: str, marker: str):
    cells = [cell for cell in code_cells(read(CHAPTERS / chapter)) if marker in cell.source]
    assert len(cells) == 1, f"{chapter}: expected one cell holding the seed example, found {len(cells)}"
    return cells[0]


@pytest.mark.parametrize(("chapter", "marker", "printed"), SEED_EXAMPLES, ids=lambda v: str(v)[:24])
def test_seed_example_prints_the_posts_shapes(chapter, marker, printed):
    cell = seed_example_cell(chapter, marker)
    assert stream_text(cell) == printed
    assert cell.metadata.get("tags", []) == [], "seed examples are compared by nbval, untagged"


def seed_code_blocks() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [block.strip("\n") for block in re.findall(r"```python\n(.*?)```", text, flags=re.S)]


@pytest.mark.skipif(not SEED.is_file(), reason=f"the seed post is not beside the repository ({SEED})")
@pytest.mark.parametrize("index", range(len(SEED_EXAMPLES)))
def test_seed_example_is_verbatim(index):
    chapter, marker, _ = SEED_EXAMPLES[index]
    blocks = seed_code_blocks()
    assert len(blocks) == len(SEED_EXAMPLES)
    assert seed_example_cell(chapter, marker).source.strip("\n") == blocks[index]
