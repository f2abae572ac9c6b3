"""The hand-out: one zip file a student can use alone, with no clone of the course and no instructor tools.

``make student`` writes it next to the student edition, as ``_build/student/lstm-course-student.zip``::

    lstm-course-student/
        README.md                           the two commands: create the environment, open JupyterLab
        requirements.txt                    the wheel below, and the course's pins of what the notebooks need
        lstm_course-<version>-py3-none-any.whl
        notebooks/                          the student notebooks, exactly those of the student edition
        notebooks/images/                   the figures they show
        LICENSE...                          the course's licence files, if it has any (also in the wheel)

The wheel holds ``lstm_course`` alone: it is built from a copy of the package with a minimal
``pyproject.toml`` derived from the course's (same name, version and dependencies), so that neither
``coursework`` (the grader, the leak check) nor the ``instructor`` extra reaches a student, and
nothing is written into the checkout (no ``build/``, no ``*.egg-info``). It is built offline, with
the setuptools of the running environment.

``requirements.txt`` pins exactly what the course is tested with, taken line for line (markers
included) from the root ``requirements.txt``: the packages the notebooks use (TensorFlow, Keras,
NumPy, matplotlib) and open them with (JupyterLab, ipykernel), and everything they depend on, found
from the lock's ``# via`` annotations. The book, test and lint tools are left out. Every version a
student installs is then the one the stored outputs were made with, and a chapter's version note
(``lstm_course.environment``) stays silent.

The zip is deterministic: its entries are sorted, and every entry (and every entry of the wheel) is
dated ``SOURCE_DATE_EPOCH`` (1980-01-01 when unset) with the same permissions, so the same sources
give the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from coursework.execute import ROOT
from coursework.leaks import Fragment, find_leaks

NAME = "lstm-course-student"
ZIP_NAME = f"{NAME}.zip"
# What the notebooks import (TensorFlow is tensorflow-cpu on Linux, as in the root requirements.txt),
# and what opens and runs them. Their dependencies come with them (see student_pins).
STUDENT_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib", "jupyterlab", "ipykernel")
# The two commands of the README, run in the unpacked folder; the Windows equivalents below them.
CREATE = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
OPEN = ".venv/bin/jupyter lab notebooks/"
CREATE_WINDOWS = r"py -m venv .venv && .venv\Scripts\pip install -r requirements.txt"
OPEN_WINDOWS = r".venv\Scripts\jupyter lab notebooks"
# The Pythons the course is locked and tested for (the Makefile refuses others).
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
# The licence files setuptools puts in a wheel when pyproject.toml names none (its defaults); the hand-out
# carries them too, at its top.
LICENCE_PATTERNS = ("LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*")
# 1980-01-01 00:00 UTC, the earliest time a zip entry can hold.
EPOCH_1980 = 315532800


@dataclass
class Pin:
    """One ``name==version [; marker]`` line of a uv lock and the packages it is there for (``# via``)."""

    name: str
    line: str
    via: set[str] = field(default_factory=set)


def canonical_name(name: str) -> str:
    """A distribution name as PEP 503 compares them: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, Pin]:
    """{canonical name: Pin} for every pinned line of a requirements file written by `uv pip compile`."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    for line in text.splitlines():
        pinned = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==\S+", line)
        if pinned:
            current = Pin(canonical_name(pinned.group(1)), line.strip())
            pins[current.name] = current
            continue
        via = re.match(r"\s+#\s+(?:via\s+)?(\S.*)$", line)
        if via and current is not None and via.group(1) != "via":
            source = via.group(1).strip()
            current.via.add(source if source.startswith("-r") else canonical_name(source.split()[0]))
        elif not line.startswith((" ", "\t")):
            current = None  # a comment at the margin or an editable line (-e .): not a pin's annotations
    return pins


def student_pins(lock_text: str, packages: tuple[str, ...] = STUDENT_PACKAGES) -> list[str]:
    """The lock's lines for ``packages`` and everything they depend on, in the lock's order."""
    pins = parse_lock(lock_text)
    missing = [name for name in packages if canonical_name(name) not in pins]
    if missing:
        raise ValueError(f"requirements.txt pins none of {missing}")
    wanted = {canonical_name(name) for name in packages}
    while True:
        needed = {name for name, pin in pins.items() if name not in wanted and pin.via & wanted}
        if not needed:
            break
        wanted |= needed
    return [pin.line for name, pin in pins.items() if name in wanted]


def _project(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def _toml_value(value: object) -> str:
    return json.dumps(value)  # a JSON string or list of strings is a TOML basic string or array


def licence_files(root: Path = ROOT) -> list[Path]:
    """The course's licence files: those pyproject.toml names (license-files), else setuptools' defaults."""
    patterns = _project(root)["project"].get("license-files", LICENCE_PATTERNS)
    found = {path for pattern in patterns for path in root.glob(pattern) if path.is_file()}
    return sorted(found)


def minimal_pyproject(root: Path = ROOT) -> str:
    """A pyproject.toml for lstm_course alone: the course's name, version and dependencies, no extras."""
    config = _project(root)
    project = config["project"]
    keys = ["name", "version", "description", "requires-python", "license", "license-files", "dependencies"]
    lines = ["[build-system]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in config["build-system"].items()]
    lines += ["", "[project]"]
    lines += [f"{key} = {_toml_value(project[key])}" for key in keys if key in project]
    lines += ["", "[tool.setuptools]", 'packages = ["lstm_course"]', ""]
    return "\n".join(lines)


def source_date_epoch() -> int:
    """The time every entry of the hand-out is dated: SOURCE_DATE_EPOCH, or 1980-01-01 when it is unset."""
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", EPOCH_1980)), EPOCH_1980)


def build_wheel(target: Path, root: Path = ROOT) -> Path:
    """Build the wheel of lstm_course alone into target (offline, no build isolation); return its path."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lstm-course-wheel-") as tmp:
        stage = Path(tmp) / "lstm_course_only"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        shutil.copytree(root / "lstm_course", stage / "lstm_course", ignore=ignore)
        for path in licence_files(root):
            (stage / path.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, stage / path.relative_to(root))
        (stage / "pyproject.toml").write_text(minimal_pyproject(root), encoding="utf-8")
        built = Path(tmp) / "wheel"
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        command += ["--no-cache-dir", "--disable-pip-version-check", "--quiet", "-w", str(built), str(stage)]
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch())}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"could not build the wheel of lstm_course:\n{result.stdout}{result.stderr}")
        (wheel,) = built.glob("*.whl")
        destination = target / wheel.name
        shutil.copy(wheel, destination)
    return destination


def requirements_text(wheel_name: str, pins: list[str]) -> str:
    return "\n".join(
        [
            "# The environment of the hand-out: `pip install -r requirements.txt`, run in this folder.",
            "# The course's helper package, lstm_course (the notebooks import it):",
            f"./{wheel_name}",
            "# The versions the course is tested with (its own requirements.txt): what the notebooks use",
            "# and open them with, TensorFlow, Keras, NumPy, matplotlib, JupyterLab, ipykernel, and all",
            "# they depend on. TensorFlow is tensorflow-cpu on Linux.",
            *pins,
            "",
        ]
    )


def readme_text(title: str, wheel_name: str, licences: Sequence[Path] = (), root: Path = ROOT) -> str:
    """The hand-out's README: what to run, in which folder, and what is there."""
    python = ", ".join(SUPPORTED_PYTHONS[:-1]) + f" or {SUPPORTED_PYTHONS[-1]}"
    named = ", ".join(f"`{path.relative_to(root).as_posix()}`" for path in licences)
    licence = f"- {named}: the terms under which you may use and share the course.\n" if named else ""
    return f"""\
# {title} (student hand-out)

The notebooks of the course, with their exercises, and what it takes to run them on your own computer.
You need Python {python} (`python3 --version` says which you have), and an internet connection
for the first command.

In this folder (`cd {NAME}` after unzipping), run two commands. The first creates the course's
environment in `.venv/` (a few minutes and about 2 GB the first time: TensorFlow is large); the second
opens the notebooks in JupyterLab, in your browser:

```bash
{CREATE}
{OPEN}
```

On Windows, the same two commands are `{CREATE_WINDOWS}` and `{OPEN_WINDOWS}`
(in cmd; in Windows PowerShell 5, write `;` for `&&`).

Start with `00_introduction.ipynb` and go in order. Each exercise has a cell that raises
`NotImplementedError` until you write your answer in it, and a check cell below that says whether
your answer is right (✓) or, if not, what kind of mistake it is, without giving the answer away.

What is here:

- `notebooks/`: one notebook per chapter, and the figures they show (`notebooks/images/`).
- `{wheel_name}`: the course's helper package, `lstm_course`, which the notebooks import.
- `requirements.txt`: that package, and the exact versions the course is tested with: TensorFlow,
  Keras, NumPy, matplotlib, JupyterLab, ipykernel and what they depend on.
{licence}
To come back to the notebooks later, run the second command again, in this folder.
"""


def _zip_info(name: str, when: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.gmtime(when)[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, wherever it is built, so that the permissions below are read
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def write_zip(path: Path, files: dict[str, bytes], when: int | None = None) -> Path:
    """Write files ({name in the zip: content}) to path: sorted entries, one date, one mode."""
    when = source_date_epoch() if when is None else when
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # never a half-written hand-out under its own name
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            archive.writestr(_zip_info(name, when), files[name])
    partial.replace(path)
    return path


def notebook_files(notebooks: Path) -> dict[str, bytes]:
    """{path under notebooks/: bytes} of a built student notebooks folder (notebooks and images)."""
    skipped = {"__pycache__", ".ipynb_checkpoints"}
    return {
        path.relative_to(notebooks).as_posix(): path.read_bytes()
        for path in sorted(notebooks.rglob("*"))
        if path.is_file() and not skipped & set(path.relative_to(notebooks).parts)
    }


def build_handout(output: Path, root: Path = ROOT) -> Path:
    """Write output/lstm-course-student.zip from the student notebooks in output/notebooks; return it."""
    output = output.resolve()
    notebooks = output / "notebooks"
    if not any(notebooks.glob("*.ipynb")):
        raise FileNotFoundError(f"no student notebooks in {notebooks}: build the student edition first")
    with tempfile.TemporaryDirectory(prefix="lstm-course-handout-") as tmp:
        wheel = build_wheel(Path(tmp), root)
        pins = student_pins((root / "requirements.txt").read_text(encoding="utf-8"))
        title = _course_title(root)
        files = {
            f"{NAME}/README.md": readme_text(title, wheel.name, licence_files(root), root).encode("utf-8"),
            f"{NAME}/requirements.txt": requirements_text(wheel.name, pins).encode("utf-8"),
            f"{NAME}/{wheel.name}": wheel.read_bytes(),
        }
        files |= {f"{NAME}/notebooks/{name}": data for name, data in notebook_files(notebooks).items()}
        files |= {
            f"{NAME}/{path.relative_to(root).as_posix()}": path.read_bytes() for path in licence_files(root)
        }
    return write_zip(output / ZIP_NAME, files)


def _course_title(root: Path) -> str:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["title"]


def unpack(archive: Path, folder: Path, wheels: bool = False) -> Path:
    """Extract archive into folder (refusing names that leave it); with wheels, each wheel into <name>.d/."""
    folder = folder.resolve()
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or not parts:
                raise ValueError(f"{archive.name}: unsafe entry {name!r}")
        opened.extractall(folder)
    if wheels:
        for wheel in sorted(folder.rglob("*.whl")):
            unpack(wheel, wheel.with_name(wheel.name + ".d"))
    return folder


def handout_leaks(archive: Path, fragments: list[Fragment]) -> list[str]:
    """The leak check (coursework.leaks) over everything in the hand-out, the wheel's files included."""
    with tempfile.TemporaryDirectory(prefix="lstm-course-leaks-") as tmp:
        folder = unpack(archive, Path(tmp), wheels=True)
        return [f"{line} (in {archive.name})" for line in find_leaks(folder, fragments)]
