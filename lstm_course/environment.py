"""The versions the course's stored outputs were made with, and a note when a notebook runs with others.

The chapters' outputs are printed by TensorFlow, Keras, NumPy and matplotlib at the versions
``requirements.txt`` pins (a test keeps ``TESTED_WITH`` equal to those pins). Elsewhere, on Colab say,
other versions are installed; most outputs stay the same, but a message, a default or a rounding may
differ. Each chapter's hidden set-up cell calls ``note_versions()``, which prints nothing where the
versions are the course's own, and one line naming the differences otherwise.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["TESTED_WITH", "differences", "note_versions"]

# {distribution: version}; TensorFlow is "tensorflow-cpu" on Linux and "tensorflow" elsewhere.
TESTED_WITH = {"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6", "matplotlib": "3.11.2"}
_ALIASES = {"tensorflow": ("tensorflow-cpu", "tensorflow")}


def _installed(name: str) -> str | None:
    for distribution in _ALIASES.get(name, (name,)):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def differences() -> dict[str, tuple[str, str | None]]:
    """{package: (the course's version, the installed one or None)} for every package that differs."""
    found = {}
    for name, tested in TESTED_WITH.items():
        installed = _installed(name)
        if installed != tested:
            found[name] = (tested, installed)
    return found


def note_versions() -> None:
    """Print one line if this Python's packages differ from the course's; nothing otherwise."""
    changed = differences()
    if changed:
        items = changed.items()
        listed = ", ".join(f"{name} {have or 'missing'} (course: {want})" for name, (want, have) in items)
        print(f"Note: this notebook's stored outputs were made with other versions than yours: {listed}.")
