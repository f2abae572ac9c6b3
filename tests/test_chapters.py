"""Every teaching chapter has the same anatomy: objectives, exercises with solutions, a summary.

The introduction (00) is the book's landing page and is exempt. Sphinx checks that the directives are
well formed (the book builds with -W); these tests check that they are there.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from notebooks import ROOT, code_cells, notebook_paths, read

from coursework.course import PACKAGE_SOURCE, SETUP_INSTALL, exercise_labels
from coursework.solutions import CHECK_TAG, solution_cells
from lstm_course.environment import TESTED_WITH, differences

CHAPTERS = [path for path in notebook_paths() if not path.name.startswith("00_")]
IDS = [path.name for path in CHAPTERS]


def markdown(path) -> str:
    return "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "markdown")


def solution_targets(text: str) -> list[str]:
    return re.findall(r"```\{solution(?:-start)?\} ([\w-]+)", text)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_opens_with_learning_objectives(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "a chapter starts with its title"
    assert "What you will learn" in first.source, f"{path.name}: no learning objectives in the first cell"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_ends_with_a_summary(path):
    assert re.search(r"^## Summary$", read(path).cells[-1].source, flags=re.M), (
        f"{path.name}: the last cell should be the '## Summary'"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_has_two_or_more_exercises_each_with_a_dropdown_solution(path):
    text = markdown(path)
    labels = exercise_labels(read(path))
    assert len(labels) >= 2, f"{path.name}: {len(labels)} exercise(s); a chapter needs at least 2"
    assert sorted(solution_targets(text)) == sorted(labels), f"{path.name}: exercises and solutions differ"
    solutions = re.findall(r"```\{solution(?:-start)?\} [\w-]+\n(:[^\n]*\n)*", text)
    assert all(":class: dropdown" in block for block in solutions), f"{path.name}: a solution is not folded"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_gated_solutions_hold_executed_code_and_a_check_that_passes(path):
    """Solution code sits between solution-start and solution-end, so nbval runs and compares it.

    Each solution's check cell (tagged exercise-check) stored a passing verdict: the chapter's own
    solution is right by the very check that students and the grader run.
    """
    checks = {}
    for inside, cell, _ in solution_cells(read(path), path.name):  # the course's own markup parser
        if inside and cell.cell_type == "code":
            assert cell.execution_count is not None, f"{path.name}: a solution cell of {inside} was never run"
            if CHECK_TAG in cell.metadata.get("tags", []):
                shown = [out.get("data", {}).get("text/plain", "") for out in cell.outputs]
                checks.setdefault(inside, []).append("".join(shown))
    labels = exercise_labels(read(path))
    assert sorted(checks) == sorted(labels), f"{path.name}: every exercise needs a check cell"
    for label, verdicts in checks.items():
        assert len(verdicts) == 1, f"{path.name}: {label} has {len(verdicts)} check cells; it needs one"
        assert verdicts[0].startswith("✓ Correct: "), (
            f"{path.name}: the solution of {label} fails: {verdicts[0]}"
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_links_the_glossary(path):
    assert "{term}`" in markdown(path), f"{path.name}: no {{term}} link to the glossary"


@pytest.mark.parametrize("path", notebook_paths(), ids=[p.name for p in notebook_paths()])
def test_every_figure_has_alt_text(path):
    for block in re.findall(r"```\{figure\}[^\n]*\n((?::[^\n]*\n)*)", markdown(path)):
        assert re.search(r"^:alt: \S.{20,}$", block, flags=re.M), f"{path.name}: a figure has no alt text"


@pytest.mark.parametrize("path", notebook_paths(), ids=[p.name for p in notebook_paths()])
def test_tensorflow_logs_are_silenced_before_any_import(path):
    """The first code cell sets TensorFlow's environment before anything imports TensorFlow or Keras."""
    cells = code_cells(read(path))
    sources = "\n".join(cell.source for cell in cells)
    if not re.search(r"^\s*(import|from) (tensorflow|keras)\b", sources, flags=re.M):
        return
    first = cells[0].source
    assert 'os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"' in first, f"{path.name}: first cell must silence TF"
    # oneDNN off for a reader's kernel too (same float kernels on every CPU, no oneDNN notice), with
    # setdefault so that the robustness run can turn it on from the environment.
    onednn = 'os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")'
    assert onednn in first, f"{path.name}: first cell must turn oneDNN off with {onednn}"
    setting = max(first.index("TF_CPP_MIN_LOG_LEVEL"), first.index("TF_ENABLE_ONEDNN_OPTS"))
    imports = [m.start() for m in re.finditer(r"^(import|from) (tensorflow|keras)\b", first, flags=re.M)]
    assert all(setting < position for position in imports)


@pytest.mark.parametrize("path", notebook_paths(), ids=[p.name for p in notebook_paths()])
def test_every_chapter_installs_the_package_where_it_is_missing(path):
    """The set-up cell holds the one install fallback, before anything imports lstm_course."""
    first = code_cells(read(path))[0].source
    assert SETUP_INSTALL in first, f"{path.name}: the set-up cell lacks coursework.course.SETUP_INSTALL"
    later = "\n".join(cell.source for cell in code_cells(read(path))[1:])
    assert "pip install" not in later


def test_the_install_fallback_names_this_version_of_the_published_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert PACKAGE_SOURCE == f"lstm-course @ git+{config['repository']['url']}@v{version}"


def test_the_versions_the_outputs_assume_are_the_pinned_ones():
    pins = dict(re.findall(r"^([a-z][\w-]*)==([\w.]+)", (ROOT / "requirements.txt").read_text(), flags=re.M))
    pins["tensorflow"] = pins.get("tensorflow-cpu", pins.get("tensorflow"))
    assert {name: pins[name] for name in TESTED_WITH} == TESTED_WITH
    assert differences() == {}, "this environment is not the pinned one"
