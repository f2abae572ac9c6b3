"""The hand-out, ``_build/student/lstm-course-student.zip``: what a student needs to work alone, no more.

It is built once per module, from student notebooks built as ``make student`` builds them (the answer
keys are cached in ``_build/keys``; the book is not needed for the zip). The tests unpack it and check:
the notebooks are the student edition's, byte for byte, and no solution is anywhere in it (the wheel
included); the wheel holds ``lstm_course`` alone and installs and works in a fresh venv; the
requirements are the course's own pins; the README names the two commands; the zip is reproducible.

Installing the wheel stays offline: the fresh venv gets the wheel with ``pip install --no-index
--no-deps``, and its dependencies (NumPy, matplotlib) from the course's ``.venv`` through a ``.pth``
line naming that folder. A folder added that way has its ``.pth`` files ignored, so the editable
install of the checkout (a ``.pth`` file of ``.venv``) never runs there: the ``lstm_course`` that
imports is the wheel's. ``LSTM_COURSE_HANDOUT_ONLINE=1`` adds the student's real path: the README's
command, which downloads every pinned package (about 2 GB installed), then a chapter run by that
environment's own Jupyter.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from notebooks import ROOT, notebook_paths, read
from packaging.requirements import Requirement

from coursework import handout, student
from coursework.execute import KERNEL_ENV, overlay_venv
from coursework.keys import chapter_key
from coursework.leaks import distinctive_fragments, find_leaks
from coursework.solutions import CHECK_TAG, STUB_TAG

# What builds, tests and lints the course, and that a student never needs.
INSTRUCTOR_TOOLS = ["jupyter-book", "sphinx", "nbval", "pytest", "pytest-xdist", "hypothesis", "ruff"]
INSTRUCTOR_TOOLS += ["playwright", "axe-playwright-python", "sphinx-exercise", "myst-nb"]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """A student edition's notebooks and its hand-out (the book left out: the zip does not hold it)."""
    output = tmp_path_factory.mktemp("student")
    student.build_notebooks(output)
    handout.build_handout(output)
    return output


@pytest.fixture(scope="module")
def unpacked(edition, tmp_path_factory):
    """The hand-out's folder, unzipped as a student would."""
    return handout.unpack(edition / handout.ZIP_NAME, tmp_path_factory.mktemp("unzipped")) / handout.NAME


@pytest.fixture(scope="module")
def fragments():
    return distinctive_fragments()


def the_wheel(folder: Path) -> Path:
    (wheel,) = folder.glob("*.whl")
    return wheel


def requirement_lines(folder: Path) -> list[str]:
    text = (folder / "requirements.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_zip_holds_the_student_notebooks_the_wheel_the_requirements_and_a_readme(edition, unpacked):
    with zipfile.ZipFile(edition / handout.ZIP_NAME) as archive:
        names = archive.namelist()
    notebooks = {
        path.relative_to(edition).as_posix(): path.read_bytes()
        for path in (edition / "notebooks").rglob("*")
        if path.is_file()
    }
    wheel = the_wheel(unpacked)
    licences = [path.relative_to(ROOT).as_posix() for path in handout.licence_files()]
    expected = {"README.md", "requirements.txt", wheel.name, *notebooks, *licences}
    assert names == sorted(names), "the entries are sorted"
    assert sorted(names) == sorted(f"{handout.NAME}/{name}" for name in expected)
    for name, data in notebooks.items():  # the leak-checked student notebooks, byte for byte
        assert (unpacked / name).read_bytes() == data, name
    for name in licences:
        assert (unpacked / name).read_bytes() == (ROOT / name).read_bytes()
    chapters = sorted(path.name for path in (unpacked / "notebooks").glob("*.ipynb"))
    assert chapters == [path.name for path in notebook_paths()]
    images = sorted(path.name for path in (unpacked / "notebooks" / "images").iterdir())
    assert images == sorted(path.name for path in (ROOT / "chapters" / "images").iterdir())
    for name in chapters:  # student notebooks: stubs in place of the solutions
        cells = read(unpacked / "notebooks" / name).cells
        if not name.startswith("00_"):
            assert any(STUB_TAG in cell.metadata.get("tags", []) for cell in cells), name


def test_nothing_in_the_handout_is_a_solution(edition, unpacked, fragments):
    assert len(fragments) >= 80
    assert not find_leaks(unpacked, fragments)
    assert not handout.handout_leaks(edition / handout.ZIP_NAME, fragments)  # the wheel's files too
    assert not student.edition_leaks(edition, fragments)  # what `make student` checks


def _with_extra_file(
    archive: Path, target: Path, name: str, data: bytes, in_wheel: bool, scratch: Path
) -> Path:
    """A copy of the hand-out with one more file: in the zip, or inside the wheel in it."""
    files = {}
    with zipfile.ZipFile(archive) as opened:
        for entry in opened.namelist():
            content = opened.read(entry)
            if in_wheel and entry.endswith(".whl"):
                wheel = scratch / "wheel.whl"
                wheel.write_bytes(content)
                with zipfile.ZipFile(wheel, "a") as appended:
                    appended.writestr(f"lstm_course/{name}", data)
                content = wheel.read_bytes()
            files[entry] = content
    if not in_wheel:
        files[f"{handout.NAME}/{name}"] = data
    return handout.write_zip(target, files)


@pytest.mark.parametrize("in_wheel", [False, True], ids=["in-the-zip", "in-the-wheel"])
def test_the_leak_check_of_make_student_reads_inside_the_zip_and_its_wheel(
    edition, fragments, tmp_path, in_wheel
):
    chapter = notebook_paths()[1]
    output = tmp_path / "edition"
    archive, data = edition / handout.ZIP_NAME, chapter.read_bytes()
    _with_extra_file(archive, output / handout.ZIP_NAME, chapter.name, data, in_wheel, tmp_path)
    assert not find_leaks(output, fragments), "a zip is not read as text: the check must open it"
    leaks = student.edition_leaks(output, fragments)
    assert leaks and all(line.startswith(f"{chapter.name}: ") for line in leaks)
    assert all(line.endswith(f"(in {handout.ZIP_NAME})") for line in leaks)


def test_make_student_builds_the_handout_and_refuses_one_that_leaks(edition, monkeypatch, tmp_path, capsys):
    """student.main, as `make student` runs it (the book build stubbed out: the zip does not need it)."""

    def notebooks_of_the_edition(output: Path, root: Path = ROOT) -> Path:
        shutil.copytree(edition / "notebooks", output / "notebooks")
        return output / "notebooks"

    def no_book(source: Path, target: Path) -> Path:
        (target / "_build" / "html").mkdir(parents=True)
        return target / "_build" / "html"

    monkeypatch.setattr(student, "build_notebooks", notebooks_of_the_edition)
    monkeypatch.setattr(student, "write_book_source", lambda source, root=ROOT: None)
    monkeypatch.setattr(student, "build_html", no_book)
    assert student.main([str(tmp_path / "clean")]) == 0
    assert "Student hand-out:" in capsys.readouterr().out
    built = (tmp_path / "clean" / handout.ZIP_NAME).read_bytes()
    assert built == (edition / handout.ZIP_NAME).read_bytes()

    chapter = notebook_paths()[1]
    build_handout = handout.build_handout

    def leaking_handout(output: Path, root: Path = ROOT) -> Path:
        archive = build_handout(output, root)
        with zipfile.ZipFile(archive, "a") as appended:
            appended.write(chapter, f"{handout.NAME}/notebooks/solutions.ipynb")
        return archive

    monkeypatch.setattr(handout, "build_handout", leaking_handout)
    assert student.main([str(tmp_path / "leaking")]) == 1
    assert f"LEAK {chapter.name}: " in capsys.readouterr().out


def test_the_zip_is_the_same_bytes_when_built_again(edition, tmp_path):
    shutil.copytree(edition / "notebooks", tmp_path / "notebooks")
    again = handout.build_handout(tmp_path)
    assert again.read_bytes() == (edition / handout.ZIP_NAME).read_bytes()
    when = time.gmtime(handout.source_date_epoch())[:6]
    with zipfile.ZipFile(again) as archive:
        assert {(info.date_time, info.external_attr >> 16) for info in archive.infolist()} == {
            (when, 0o100644)
        }


def test_the_wheel_holds_lstm_course_alone(unpacked):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wheel = the_wheel(unpacked)
    assert wheel.name == f"lstm_course-{project['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"lstm_course-{project['version']}.dist-info"
        meta = Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
    modules = sorted(name for name in names if not name.startswith(f"{info}/"))
    assert modules == sorted(f"lstm_course/{path.name}" for path in (ROOT / "lstm_course").glob("*.py"))
    assert not any(name.startswith("coursework") for name in names)
    assert (meta["Name"], meta["Version"]) == (project["name"], project["version"])
    assert meta.get_all("Requires-Dist") == project["dependencies"]
    assert meta.get_all("Provides-Extra") is None, "the instructor extra belongs to coursework, not here"
    licences = sorted(name.rsplit("/licenses/", 1)[1] for name in names if "/licenses/" in name)
    assert licences == sorted(path.relative_to(ROOT).as_posix() for path in handout.licence_files())


def test_the_wheel_installs_in_a_fresh_venv_and_its_own_copy_imports_and_checks(unpacked, tmp_path):
    start = time.monotonic()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    (line,) = [line for line in requirement_lines(unpacked) if line.endswith(".whl")]
    install = [python, "-m", "pip", "install", "--no-index", "--no-deps", "--disable-pip-version-check", line]
    subprocess.run([*install, "--quiet"], cwd=unpacked, check=True)  # the requirement, read in the folder
    overlay_venv(venv)  # NumPy and matplotlib from .venv, after the wheel is in (pip would see .venv's copy)

    # A student check of the hand-out, given the right answer (from the chapter's answer key).
    chapter = notebook_paths()[2]
    check = next(
        cell
        for cell in read(unpacked / "notebooks" / chapter.name).cells
        if CHECK_TAG in cell.metadata.get("tags", [])
    )
    call = ast.parse(check.source).body[-1].value
    key = call.args[1].value
    answer = chapter_key(chapter)[check.metadata["exercise"]]["answer"]
    program = """if True:
        import json, sys
        from importlib import metadata
        import lstm_course
        from lstm_course.answers import check_answer, from_data
        given = json.loads(sys.stdin.read())
        print(json.dumps({
            "module": lstm_course.__file__,
            "distribution": str(metadata.distribution("lstm-course").locate_file("")),
            "editable": sorted(name for name in sys.modules if "editable" in name),
            "passed": bool(check_answer(from_data(given["answer"]), given["key"]).passed),
            "missed": bool(check_answer(None, given["key"]).passed),
        }))
    """
    done = subprocess.run(
        [python, "-c", program],
        input=json.dumps({"answer": answer, "key": key}),
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: a script's folder comes first on sys.path
        env={name: value for name, value in os.environ.items() if name != "PYTHONPATH"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    print(f"fresh venv, wheel installed and checked in {time.monotonic() - start:.1f} s")
    assert Path(seen["module"]).is_relative_to(venv), f"{seen['module']} is not the wheel's copy"
    assert Path(seen["distribution"]).is_relative_to(venv)
    assert seen["editable"] == [], "the checkout's editable install ran in the fresh venv"
    assert seen["passed"] and not seen["missed"]


def test_the_requirements_are_the_course_pins_of_what_the_notebooks_need(unpacked):
    lines = requirement_lines(unpacked)
    assert lines[0] == f"./{the_wheel(unpacked).name}" and (unpacked / lines[0]).is_file()
    pins = lines[1:]
    lock = {line.strip() for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()}
    assert [pin for pin in pins if pin not in lock] == [], "every pin is a line of the root requirements.txt"
    names = [handout.canonical_name(Requirement(pin).name) for pin in pins]
    assert len(names) == len(set(names)), "one version of each package"
    for name in handout.STUDENT_PACKAGES:
        (line,) = [line for line in lock if handout.canonical_name(line.split("==")[0]) == name]
        assert line in pins, f"{name}: the root requirements.txt pins {line!r}"
    assert not [name for name in INSTRUCTOR_TOOLS if name in names]
    assert "lstm-course" not in names and not any(pin.startswith("-e") for pin in pins)
    versions = {
        handout.canonical_name(Requirement(pin).name): pin.split("==")[1].split(";")[0].strip()
        for pin in pins
    }
    wheel = the_wheel(unpacked)
    with zipfile.ZipFile(wheel) as archive:
        requires = Parser().parsestr(
            archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
        )
    for text in requires.get_all("Requires-Dist"):  # the wheel's own dependencies, at pinned versions
        requirement = Requirement(text)
        assert versions[handout.canonical_name(requirement.name)] in requirement.specifier, text


def _needed_here(names: list[str]) -> set[str]:
    """Every distribution that names need in this environment (markers evaluated here, extras followed)."""
    needed: set[str] = set()
    queue = [(name, frozenset()) for name in names]
    seen = set()
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # tensorflow here, where tensorflow-cpu stands for it
        needed.add(handout.canonical_name(name))
        for text in dist.requires or []:
            requirement = Requirement(text)
            wanted = requirement.marker is None or any(
                requirement.marker.evaluate({"extra": extra}) for extra in ["", *extras]
            )
            if wanted:
                queue.append((handout.canonical_name(requirement.name), frozenset(requirement.extras)))
    return needed


def test_the_pins_hold_everything_the_student_packages_need_here(unpacked):
    """Nothing a student installs is left unpinned: every dependency, followed in this .venv, is pinned."""
    pinned = {handout.canonical_name(Requirement(pin).name) for pin in requirement_lines(unpacked)[1:]}
    needed = _needed_here(list(handout.STUDENT_PACKAGES))
    assert needed >= {"tensorflow-cpu", "keras", "jupyterlab", "jupyter-server", "ipykernel", "pillow"}
    assert sorted(needed - pinned) == []


def test_the_readme_names_the_two_commands(unpacked):
    readme = (unpacked / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    assert block.splitlines() == [handout.CREATE, handout.OPEN]
    assert handout.CREATE == "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
    assert handout.OPEN == ".venv/bin/jupyter lab notebooks/"
    assert f"`{handout.CREATE_WINDOWS}`" in readme and f"`{handout.OPEN_WINDOWS}`" in readme
    assert f"cd {handout.NAME}" in readme and "Python 3.11, 3.12 or 3.13" in readme
    assert the_wheel(unpacked).name in readme and "00_introduction.ipynb" in readme


def test_the_handout_of_make_student_holds_its_student_notebooks(fragments):
    """`make student`'s own output, when it has been built: the zip and the notebooks beside it agree."""
    output = ROOT / "_build" / "student"
    archive = output / handout.ZIP_NAME
    if not archive.is_file():
        pytest.skip("no _build/student/lstm-course-student.zip: run `make student`")
    with zipfile.ZipFile(archive) as opened:
        inside = {
            name.removeprefix(f"{handout.NAME}/"): opened.read(name)
            for name in opened.namelist()
            if name.startswith(f"{handout.NAME}/notebooks/")
        }
    beside = {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in (output / "notebooks").rglob("*")
        if path.is_file()
    }
    assert inside == beside
    assert not handout.handout_leaks(archive, fragments)


@pytest.mark.skipif(
    os.environ.get("LSTM_COURSE_HANDOUT_ONLINE") != "1",
    reason="downloads every pinned package (set LSTM_COURSE_HANDOUT_ONLINE=1)",
)
def test_the_readme_commands_make_an_environment_that_runs_a_chapter(unpacked, tmp_path):
    """The student's path: the README's first command, then a chapter run by that environment's Jupyter."""
    folder = shutil.copytree(unpacked, tmp_path / handout.NAME)
    env = {
        name: value for name, value in os.environ.items() if name not in KERNEL_ENV and name != "PYTHONPATH"
    }
    env.pop("VIRTUAL_ENV", None)
    start = time.monotonic()
    subprocess.run(["bash", "-c", handout.CREATE], cwd=folder, env=env, check=True)
    print(f"{handout.CREATE}: {time.monotonic() - start:.0f} s")
    bin_ = folder / ".venv" / "bin"
    subprocess.run([bin_ / "pip", "check"], cwd=folder, env=env, check=True)
    program = "import lstm_course, keras, tensorflow; from lstm_course.environment import differences"
    program += "; print(lstm_course.__file__, differences())"
    shown = subprocess.run(
        [bin_ / "python", "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    module, differences = shown.stdout.strip().split(" ", 1)
    assert Path(module).is_relative_to(folder / ".venv") and differences == "{}"
    subprocess.run([bin_ / "jupyter", "lab", "--version"], cwd=folder, env=env, check=True)
    chapter = notebook_paths()[2].name
    subprocess.run(
        [bin_ / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
         "--output-dir", tmp_path / "ran", f"notebooks/{chapter}"],
        cwd=folder, env=env, check=True,
    )  # fmt: skip
    for cell in read(tmp_path / "ran" / chapter).cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        errors = [output.ename for output in cell.outputs if output.output_type == "error"]
        if STUB_TAG in tags:
            assert errors == ["NotImplementedError"], cell.source
        elif "raises-exception" not in tags:
            assert not errors, cell.source
        text = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
        assert not text.startswith("Note: this notebook's stored outputs"), text
