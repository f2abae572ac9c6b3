"""The ``>>>`` examples of lstm_course (shown on the book's API page) are collected and can fail.

The Makefile runs them with ``pytest --doctest-modules lstm_course``; these tests only check that the
examples are still there and that this runner would notice a wrong one.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import lstm_course
from coursework.execute import ROOT, kernel_environment

# Counted when the examples were first run: 25 docstrings with 95 examples between them.
MIN_DOCSTRINGS = 25
MIN_EXAMPLES = 95
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "--doctest-modules"]
ENV = kernel_environment()


def run_doctests(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTEST, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)


def package_doctests() -> list[doctest.DocTest]:
    modules = [
        importlib.import_module(f"lstm_course.{info.name}")
        for info in pkgutil.iter_modules(lstm_course.__path__)
    ]
    return [test for module in modules for test in doctest.DocTestFinder().find(module) if test.examples]


def test_no_example_was_deleted_or_skipped():
    tests = package_doctests()
    examples = [example for test in tests for example in test.examples]
    skipped = [test.name for test in tests for example in test.examples if example.options.get(doctest.SKIP)]
    assert len(tests) >= MIN_DOCSTRINGS
    assert len(examples) >= MIN_EXAMPLES
    assert skipped == []


def test_pytest_collects_every_docstring_with_examples():
    result = run_doctests("lstm_course", "--collect-only", "-q", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    collected = {
        line.split("::")[1] for line in result.stdout.splitlines() if line.startswith("lstm_course/")
    }
    assert collected == {test.name for test in package_doctests()}


def test_a_wrong_example_fails(tmp_path):
    module = '''
    """Two examples of a real lstm_course function: the first is right, the second is not."""

    from lstm_course import lstm_param_count


    def right():
        """
        >>> lstm_param_count(64, 128)
        98816
        """


    def wrong():
        """
        >>> lstm_param_count(64, 128, bidirectional=True)
        98816
        """
    '''
    (tmp_path / "corrupted_examples.py").write_text(textwrap.dedent(module))
    result = run_doctests("corrupted_examples.py", cwd=tmp_path)
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "1 failed, 1 passed" in output
    assert "FAILED corrupted_examples.py::corrupted_examples.wrong" in output
    assert "Expected:\n    98816\nGot:\n    197632" in output
