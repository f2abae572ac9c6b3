"""The student edition: it leaks no solution, its notebooks run, and its checks give nothing away.

The edition is built once per test module (``make student`` does the same), into a temporary folder.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from notebooks import ROOT, notebook_paths, read

from coursework import student
from coursework.course import exercises_of
from coursework.execute import execute_in_kernel_env, notebook_client
from coursework.keys import chapter_key
from coursework.leaks import distinctive_fragments, find_leaks
from coursework.solutions import CHECK_TAG, STUB_TAG, SolutionMarkupError, find_solutions
from lstm_course.answers import KEY_PREFIX, check_answer, from_data

CHAPTERS = [path for path in notebook_paths() if not path.name.startswith("00_")]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    output = tmp_path_factory.mktemp("student")
    student.build(output)
    return output


@pytest.fixture(scope="module")
def fragments():
    return distinctive_fragments()


@pytest.fixture(scope="module")
def instructor_html(tmp_path_factory):
    """The ordinary book, with its solutions: reused from `make book` when it is newer than the chapters."""
    built = ROOT / "_build" / "html"
    sources = [*notebook_paths(), ROOT / "_config.yml", ROOT / "_toc.yml"]
    if (built / "index.html").is_file() and all(
        (built / "index.html").stat().st_mtime > path.stat().st_mtime for path in sources
    ):
        return built
    return student.build_html(ROOT, tmp_path_factory.mktemp("instructor"))


def test_no_solution_fragment_appears_anywhere_in_the_student_edition(edition, fragments):
    leaks = find_leaks(edition, fragments)
    print(f"checked {len(fragments)} distinctive solution fragments against {edition}")
    assert len(fragments) >= 80
    assert not leaks, "\n".join(leaks)


def test_the_leak_check_finds_every_fragment_in_the_instructor_book(instructor_html, fragments):
    """The same search over the ordinary book finds every fragment: the leak check can fail."""
    found = find_leaks(instructor_html, fragments)
    assert len(found) == len(fragments), "fragments the search cannot find in HTML prove nothing"


def test_the_edition_publishes_the_student_notebooks_in_every_form(edition):
    names = [path.name for path in notebook_paths()]
    assert sorted(p.name for p in (edition / "notebooks").glob("*.ipynb")) == names
    figures = sorted(p.name for p in (ROOT / "chapters" / "images").iterdir())
    assert sorted(p.name for p in (edition / "notebooks" / "images").iterdir()) == figures
    assert (edition / "html" / "index.html").is_file()
    downloads = sorted(p.name for p in (edition / "html" / "_sources" / "chapters").glob("*.ipynb"))
    assert downloads == names
    for name in names:  # the download is the student notebook, stubs and all
        published = read(edition / "html" / "_sources" / "chapters" / name)
        assert [c.source for c in published.cells] == [
            c.source for c in read(edition / "notebooks" / name).cells
        ]
    assert not (edition / "html" / "instructors.html").exists()
    introduction = (edition / "html" / "chapters" / "00_introduction.html").read_text("utf-8")
    assert "Teaching with this book?" not in introduction and "instructors.html" not in introduction
    assert "(student edition)" in (edition / "html" / "chapters" / "00_introduction.html").read_text("utf-8")


def test_every_stub_raises_and_every_check_is_a_student_check(edition):
    for path in CHAPTERS:
        exercises = {exercise.label: exercise for exercise in exercises_of(read(path), path.name)}
        cells = read(edition / "notebooks" / path.name).cells
        stubs = [cell for cell in cells if STUB_TAG in cell.metadata.get("tags", [])]
        checks = [cell for cell in cells if CHECK_TAG in cell.metadata.get("tags", [])]
        assert stubs and all(cell.source.endswith("raise NotImplementedError") for cell in stubs)
        assert all(cell.source.startswith("# Exercise ex-") for cell in stubs)
        assert sorted(cell.metadata["exercise"] for cell in checks) == sorted(exercises)
        assert not any(cell.get("outputs") for cell in stubs + checks)


def student_check_parts(source: str) -> tuple[str, str]:
    """(the answer expression, the key) of a student check cell; AssertionError if it holds anything else."""
    tree = ast.parse(source)
    assert len(tree.body) == 2, f"a student check holds an import and one call; got:\n{source}"
    imported, last = tree.body
    assert isinstance(imported, ast.ImportFrom) and imported.module == "lstm_course.answers"
    assert [alias.name for alias in imported.names] == ["check_answer"]
    call = last.value
    assert isinstance(last, ast.Expr) and isinstance(call, ast.Call) and call.func.id == "check_answer"
    assert len(call.args) == 2 and not call.keywords
    answer, key = call.args
    assert isinstance(key, ast.Constant) and key.value.startswith(KEY_PREFIX)
    return ast.get_source_segment(source, answer), key.value


def test_no_student_check_computes_what_it_expects(edition):
    """A student check is the instructor's answer expression and a key of fingerprints, nothing else."""
    checked = 0
    for path in CHAPTERS:
        exercises = {exercise.label: exercise for exercise in exercises_of(read(path), path.name)}
        for cell in read(edition / "notebooks" / path.name).cells:
            if CHECK_TAG in cell.metadata.get("tags", []):
                answer, _ = student_check_parts(cell.source)
                assert answer == exercises[cell.metadata["exercise"]].answer
                checked += 1
    assert checked == sum(len(exercises_of(read(path), path.name)) for path in CHAPTERS)


def test_the_student_check_parser_rejects_a_check_that_computes(edition):
    with pytest.raises(AssertionError):
        student_check_parts(
            "from lstm_course.answers import check_answer\nx = probe()\ncheck_answer(answer, 'k')"
        )
    with pytest.raises(AssertionError):
        student_check_parts("from lstm_course import check_shape\ncheck_shape(answer, expected=(None, 16))")


def _wrong_answers(checker: str, right):
    """Wrong answers of the right type: each size, count or value moved, axes added, dropped or swapped."""
    if checker in ("check_shape", "check_output_shape"):
        shapes = right if right and isinstance(right[0], list) else [right]
        for index, shape in enumerate(shapes):
            variants = [shape[:-1], [*shape, 7], shape[::-1]]
            variants += [
                [*shape[:axis], (size or 3) + 1, *shape[axis + 1 :]] for axis, size in enumerate(shape)
            ]
            variants += [
                [*shape[:axis], None if size else 5, *shape[axis + 1 :]] for axis, size in enumerate(shape)
            ]
            for variant in variants:
                if variant != shape:
                    changed = [*shapes[:index], variant, *shapes[index + 1 :]]
                    yield tuple(variant) if len(shapes) == 1 else [tuple(item) for item in changed]
        if len(shapes) > 1:
            yield [tuple(item) for item in shapes[:-1]]
            yield tuple(shapes[0])
    elif checker == "check_param_count":
        yield from (right + 1, right - 1, 2 * right, right // 2, right + 32)
    elif checker == "check_value":
        if isinstance(right, bool):
            yield not right
        elif isinstance(right, int):
            yield from (right + 1, right - 1, 0 if right else 1)
        elif isinstance(right, list):
            yield from (
                right[:-1],
                [*right, 0],
                [item + 1 if isinstance(item, int) else item for item in right],
            )
    elif checker == "check_close":
        yield from (np.asarray(piece) + 0.25 for piece in [right] if not isinstance(right, list))
        if isinstance(right, list):
            yield [np.asarray(piece) + 0.25 for piece in right]
            yield [np.zeros_like(np.asarray(piece)) for piece in right]


def _texts(checker: str, right) -> list[str]:
    """How the right answer would read in a message (shapes as tuples, counts with and without commas)."""
    if checker in ("check_shape", "check_output_shape"):
        shapes = right if right and isinstance(right[0], list) else [right]
        return [str(tuple(shape)) for shape in shapes if len(shape) > 1]
    if checker == "check_param_count":
        return [f"{right:,}", str(right)]
    return []


def test_every_student_check_passes_the_right_answer_and_never_shows_it_to_a_wrong_one(edition):
    from lstm_course import mistakes

    tried = 0
    for path in CHAPTERS:
        key = chapter_key(path)
        for cell in read(edition / "notebooks" / path.name).cells:
            if CHECK_TAG not in cell.metadata.get("tags", []):
                continue
            label = cell.metadata["exercise"]
            _, key_text = student_check_parts(cell.source)
            entry = key[label]
            answer = from_data(entry["answer"])
            assert check_answer(answer, key_text).passed, f"{path.name}, {label}: the right answer fails"
            checker = entry["checker"]
            if checker == "check_close":
                right = answer
                nudged = (
                    [np.asarray(p) + 1e-7 for p in right]
                    if isinstance(right, list)
                    else np.asarray(right) + 1e-7
                )
                assert check_answer(nudged, key_text).passed, f"{label}: float noise fails the check"
            else:
                right = mistakes.canonical(checker, answer)
            for wrong in _wrong_answers(checker, right):
                result = check_answer(wrong, key_text)
                assert not result.passed, f"{path.name}, {label}: the wrong answer {wrong!r} passes"
                message = result.message
                for own in (
                    _texts(checker, mistakes.canonical(checker, wrong)) if checker != "check_close" else []
                ):
                    message = message.replace(own, "")  # a message may quote the student's own answer
                for text in _texts(checker, right):
                    assert text not in message, f"{label}: {wrong!r} is told the answer: {result.message}"
                tried += 1
    assert tried >= 200


def _literal_answer(code: str):
    """The value assigned to `answer` by a solution cell when it is a constant expression, else None."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["answer"]:
            constant = all(
                isinstance(
                    n, (ast.Constant, ast.Tuple, ast.List, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)
                )
                or isinstance(n, ast.expr_context)
                for n in ast.walk(node.value)
            )
            if constant:
                return eval(compile(ast.Expression(node.value), "answer", "eval"), {"__builtins__": {}})
    return None


def _literals(source: str) -> list:
    found = []
    for node in ast.walk(ast.parse(source)):
        try:
            found.append(ast.literal_eval(node))
        except (ValueError, TypeError, SyntaxError, RecursionError):
            continue
    return found


def _canonical(value):
    """Lists and tuples alike, at every depth: [(4, 16)] and ((4, 16),) are the same answer."""
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    return (type(value) is bool, value)  # True is not the 1 of `tags[:, -1]`


def test_no_check_writes_out_the_answer_it_checks():
    """A kept check computes what it expects; a literal answer in it would hand students the solution."""
    checked = 0
    for path in CHAPTERS:
        for solution in find_solutions(read(path), path.name):
            answers = [_literal_answer(code) for code in solution.code]
            for answer in [a for a in answers if a is not None]:
                checked += 1
                for literal in _literals(solution.checks[0]):
                    assert _canonical(literal) != _canonical(answer), (
                        f"{path.name}, {solution.label}: the check contains the answer {literal!r}"
                    )
    assert checked >= 15  # the exercises whose answer is a literal (shapes, counts): most of the drills


def test_the_literal_answer_detector_flags_a_check_that_gives_the_answer_away():
    assert _literal_answer("answer = 4 * (8 + 1)") == 36
    literals = _literals("check_shape(answer, expected=[(None, 16)])")
    assert _canonical(_literal_answer("answer = ((None, 4 * 4),)")) in map(_canonical, literals)


def test_a_solution_without_exactly_one_check_cell_is_rejected():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("```{solution-start} ex-a\n:class: dropdown\n```"),
            nbformat.v4.new_code_cell("answer = 1"),
            nbformat.v4.new_markdown_cell("```{solution-end}\n```"),
        ]
    )
    with pytest.raises(
        SolutionMarkupError, match="'ex-a' needs exactly one code cell tagged 'exercise-check'"
    ):
        find_solutions(nb, "toy.ipynb")
    nb.cells[1].metadata["tags"] = [CHECK_TAG]
    with pytest.raises(SolutionMarkupError, match="last statement must be a call to a check_... function"):
        find_solutions(nb, "toy.ipynb")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_student_notebook_runs_and_only_its_stubs_fail(path, tmp_path, edition):
    nb = read(edition / "notebooks" / path.name)
    shutil.copytree(ROOT / "chapters" / "images", tmp_path / "images")
    client = notebook_client(nb, tmp_path, timeout=300, allow_errors=True)
    execute_in_kernel_env(client)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        errors = [out for out in cell.outputs if out.output_type == "error"]
        if STUB_TAG in tags:
            assert [e.ename for e in errors] == ["NotImplementedError"], cell.source
        elif "raises-exception" not in tags:
            assert not errors, f"{path.name}: a cell that is not a stub failed:\n{cell.source}\n{errors}"
        if CHECK_TAG in tags:  # with no answer yet, each check runs and says so
            shown = "".join(out.get("data", {}).get("text/plain", "") for out in cell.outputs)
            assert shown.startswith("✗ Not yet: "), f"{path.name}: {cell.source}\n{shown}"


def test_make_student_refuses_an_edition_that_leaks(edition, fragments, tmp_path):
    """The check that `make student` runs on its output fails on a folder holding a chapter."""
    shutil.copy(CHAPTERS[0], tmp_path / CHAPTERS[0].name)
    result = subprocess.run(
        [sys.executable, "-m", "coursework.leaks", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "LEAK 01_cell_state.ipynb" in result.stdout
    clean = subprocess.run(
        [sys.executable, "-m", "coursework.leaks", str(edition)], capture_output=True, text=True, check=False
    )
    assert clean.returncode == 0, clean.stdout


def test_the_instructor_page_covers_every_chapter_and_exercise_and_is_linked_from_the_introduction():
    page = (ROOT / "instructors.md").read_text(encoding="utf-8")
    for path in CHAPTERS:
        assert f"{{doc}}`chapters/{path.stem}`" in page, f"instructors.md does not list {path.name}"
        for solution in find_solutions(read(path), path.name):
            assert f"{{ref}}`{solution.label}`" in page, f"instructors.md does not list {solution.label}"
    introduction = "\n".join(cell.source for cell in read(ROOT / "chapters" / "00_introduction.ipynb").cells)
    assert "{doc}`../instructors`" in introduction
