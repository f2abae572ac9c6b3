"""One environment, one way to run a notebook, one set of versions: every machine and Python runs the same.

- ``coursework/kernel.env`` is the only place the kernels' environment is written, and the Makefile
  exports exactly it;
- nothing else writes the nbval command, the kernel environment or the chapter list;
- ``requirements.txt`` pins one version of each package for every supported Python.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from notebooks import load_tool

from coursework.execute import KERNEL_ENV, KERNEL_ENV_FILE, ROOT, nbval_command, read_kernel_env

SUPPORTED = ("3.11", "3.12", "3.13")
MODEL_STACK = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib")


def test_the_kernel_environment_turns_onednn_off_and_tensorflow_logs_down():
    assert KERNEL_ENV["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert KERNEL_ENV["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert KERNEL_ENV["CUDA_VISIBLE_DEVICES"] == "-1"


def test_a_malformed_kernel_env_line_is_named(tmp_path):
    bad = tmp_path / "kernel.env"
    bad.write_text("# fine\nTF_CPP_MIN_LOG_LEVEL=3\nexport ONEDNN = 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"kernel.env:3: expected NAME=value .* got 'export ONEDNN = 0'"):
        read_kernel_env(bad)


def test_the_makefile_exports_exactly_the_kernel_environment(tmp_path):
    probe = tmp_path / "probe.mk"
    probe.write_text("show-env:\n\t@env\n", encoding="utf-8")
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", str(probe), "show-env"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    exported = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert {name: exported.get(name) for name in KERNEL_ENV} == KERNEL_ENV


TOOLS = [
    ROOT / "Makefile",
    *sorted((ROOT / "bench").glob("*.py")),
    *sorted((ROOT / "coursework").glob("*.py")),
    *sorted((ROOT / "tools").glob("*.py")),
    *sorted((ROOT / "tests").glob("*.py")),
]
OWNER = ROOT / "coursework" / "execute.py"
# What only coursework/execute.py (and kernel.env) may write: the nbval options, the kernel's environment
# variables, the chapter list. (This file and the robustness tests name them in their own checks.)
ONE_PLACE = [
    r"--nbval-current-env",
    r"--nbval-sanitize-with",
    *(re.escape(name) + r"""["']?\s*[:=,]""" for name in KERNEL_ENV),  # a value given to a name
    r'\(\w+ / "chapters"\)\.glob',
]
EXEMPT = {OWNER, Path(__file__), ROOT / "tests" / "test_robustness.py", ROOT / "tests" / "test_chapters.py"}


@pytest.mark.parametrize("path", TOOLS, ids=[str(p.relative_to(ROOT)) for p in TOOLS])
def test_only_coursework_execute_defines_how_a_notebook_runs(path):
    if path in EXEMPT:
        return
    text = path.read_text(encoding="utf-8")
    found = [pattern for pattern in ONE_PLACE if re.search(pattern, text)]
    assert not found, f"{path.relative_to(ROOT)} writes {found}: use coursework.execute (or kernel.env)"


def test_kernel_env_is_a_file_make_can_include():
    text = KERNEL_ENV_FILE.read_text(encoding="utf-8")
    assert all(re.fullmatch(r"(#.*)?|[A-Z_][A-Z0-9_]*=\S*", line) for line in text.splitlines()), (
        "kernel.env: comments and NAME=value lines only"
    )


def test_nbval_runs_in_full_mode_with_this_interpreter():
    command = nbval_command(["chapters/x.ipynb"], workers=2)
    assert "--nbval" in command and "--nbval-current-env" in command
    assert "--nbval-lax" not in command
    assert command[-1] == "chapters/x.ipynb"
    assert command[command.index("-n") + 1] == "2" and "loadscope" in command
    for wrong in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="workers must be a positive integer"):
            nbval_command(workers=wrong)


def pinned_versions(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            found.setdefault(match[1].lower(), set()).add(match[2])
    return found


def test_requirements_pin_one_version_of_every_package():
    versions = pinned_versions((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert all(versions.get(name) for name in ("keras", "numpy", "matplotlib", "tensorflow-cpu"))
    twice = {name: sorted(found) for name, found in versions.items() if len(found) > 1}
    assert not twice, f"requirements.txt pins several versions of {twice}: run `make lock`"


def test_the_version_check_sees_a_package_pinned_twice():
    text = "numpy==2.4.6 ; python_full_version < '3.12'\nnumpy==2.5.5 ; python_full_version >= '3.12'\n"
    assert pinned_versions(text) == {"numpy": {"2.4.6", "2.5.5"}}


def test_the_lock_the_makefile_and_pyproject_agree_on_the_oldest_python():
    oldest = SUPPORTED[0]
    header = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()[1]
    assert f"--python-version {oldest} --fork-strategy fewest" in header
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"--python-version {oldest} --fork-strategy fewest" in makefile
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={oldest}"
    assert "|".join(SUPPORTED) + ")" in makefile  # the version check of make's set-up step
    assert load_tool("test_pythons").SUPPORTED == SUPPORTED  # the Pythons `make test-pythons` looks for


def test_make_refuses_an_unsupported_python_in_plain_words(tmp_path):
    fake = tmp_path / "python3.10"
    fake.write_text("#!/bin/sh\necho 3.10\n", encoding="utf-8")
    fake.chmod(0o755)
    done = subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}", "venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "This course needs Python 3.11, 3.12 or 3.13" in done.stdout and "is Python 3.10" in done.stdout
    assert not (tmp_path / "venv").exists()
