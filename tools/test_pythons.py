"""`make test-pythons`: run nbval over the notebooks on every supported Python (3.11, 3.12 and 3.13).

requirements.txt is locked once for Python 3.11-3.13, so every supported Python should install the same
versions and pass the same nbval run. This script checks that: for each interpreter, in sequence, it creates
(or updates) a venv of its own in _build/pythons/<X.Y>/venv with the Makefile's own rule (`make venv`), runs
the Makefile's nbval target in it, and prints a table of the install time, the nbval time, nbval's summary
line, the installed versions of python, tensorflow-cpu (or tensorflow), keras, numpy and matplotlib, and
PASS/FAIL.

The interpreters are the ones named with --python (or in the environment variable PYTHONS, space-separated);
otherwise the newest patch of each supported minor version that pyenv has (`pyenv root`, then
versions/<X.Y.Z>/bin/python3), and, for the minors pyenv lacks or without pyenv, python3.11, python3.12 and
python3.13 on PATH.

Each Python's output (the install, then nbval) goes to _build/pythons/<X.Y>/nbval.log; stdout gets one
progress line per step. Every Python is tested even after a failure. The project's .venv is never used.

Run it with any Python 3 (standard library only), from anywhere:

    python3 tools/test_pythons.py
    python3 tools/test_pythons.py --python /usr/bin/python3.11 --python "$(pyenv prefix 3.13.0)/bin/python3"
    PYTHONS="/opt/py312/bin/python3" python3 tools/test_pythons.py --notebooks chapters/03_*.ipynb

Exit status: 0 when every interpreter passed (and at least one was tested), 1 otherwise, 2 for a bad argument
(an interpreter that does not run or is not Python 3.11-3.13, a notebook that does not exist).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "pythons"
SUPPORTED = ("3.11", "3.12", "3.13")
SUPPORTED_TEXT = ", ".join(SUPPORTED[:-1]) + " and " + SUPPORTED[-1]
PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib")
PROBE_TIMEOUT = 60

# What an interpreter says about itself: its real path (a pyenv shim resolves to it) and its version.
PROBE = "import json, sys; print(json.dumps([sys.executable, '%d.%d.%d' % sys.version_info[:3]]))"
# Asked of a venv's python, once: the versions of the packages in the table (None when one is missing).
VERSIONS = """
import importlib.metadata as md, json, platform
def version(name):
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None
tf = "tensorflow-cpu" if version("tensorflow-cpu") else "tensorflow"
print(json.dumps({"python": platform.python_version(), "tensorflow": version(tf), "tensorflow_dist": tf,
                  "keras": version("keras"), "numpy": version("numpy"), "matplotlib": version("matplotlib")}))
"""
# pytest's last line, e.g. "===== 2 failed, 255 passed, 1 warning in 40.12s (0:00:40) =====".
SUMMARY = re.compile(
    r"^=+ (?P<text>.*\b(?:passed|failed|errors?|skipped|no tests ran)\b.*\bin [\d.]+s.*?) =+$"
)
# A failure's section in pytest's report: "______ chapters/08_stateful.ipynb::Cell 30 ______", its reason
# ("Cell 30: Cell outputs differ"), then nbval's "Traceback:" (an output diff, or the kernel's traceback).
SECTION = re.compile(r"^_{3,} (?P<test>\S.*?) _{3,}$")
REASON = re.compile(r"^Cell \d+: ")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# In an output diff, pytest's shortened "'a...' == 'b...'", ndiff's "?" guides add nothing to the -/+ lines.
NOISE = re.compile(r"^(?:'.*' == '.*'|\?.*)$")
SHOWN_FAILURES = 10  # failures explained in the report (the log has them all)
SHOWN_LINES = 5  # lines of each failure's explanation


class UsageError(Exception):
    """A bad argument: the script stops with exit status 2."""


@dataclass
class Interpreter:
    minor: str  # "3.12"
    version: str  # "3.12.1"
    path: str  # the real executable
    origin: str  # "--python", "pyenv", "PATH"


@dataclass
class Result:
    python: Interpreter
    install_seconds: float | None = None
    install_note: str = ""
    nbval_seconds: float | None = None
    summary: str = ""
    versions: dict[str, str | None] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)  # test -> the first lines explaining it
    passed: bool = False

    @property
    def log(self) -> Path:
        return log_path(self.python.minor)


def venv_dir(minor: str) -> Path:
    return OUT / minor / "venv"


def log_path(minor: str) -> Path:
    return OUT / minor / "nbval.log"


def relative(path: Path) -> str:
    """`path` relative to the repository root when it is inside it (shorter messages and make arguments)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- Finding the interpreters ------------------------------------------------------------------------------


def probe(command: str) -> tuple[str, str] | None:
    """(real executable, "X.Y.Z") of `command` (a path, or a name on PATH); None when it does not run."""
    executable = shutil.which(command) if os.sep not in command else command
    if executable is None:
        return None
    try:
        done = subprocess.run(
            [executable, "-c", PROBE], capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        path, version = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return path, version


def hint(command: str) -> str:
    """A hint for a pyenv shim that does not run (it runs only the versions pyenv has selected)."""
    executable = shutil.which(command) if os.sep not in command else command
    if executable is None or Path(executable).parent.name != "shims":
        return ""
    return (
        f" {executable} is a pyenv shim: name the interpreter itself, e.g. "
        f"--python $(PYENV_VERSION=X.Y.Z pyenv which python3)."
    )


def minor_of(version: str) -> str:
    return ".".join(version.split(".")[:2])


def from_arguments(commands: list[str]) -> list[Interpreter]:
    """The interpreters named on the command line, checked: each must run and be a supported version."""
    found: dict[str, Interpreter] = {}
    for command in commands:
        probed = probe(command)
        if probed is None:
            raise UsageError(
                f"'{command}' does not run as a Python interpreter (not found, or it failed).{hint(command)}"
            )
        path, version = probed
        minor = minor_of(version)
        if minor not in SUPPORTED:
            raise UsageError(
                f"'{command}' is Python {version}; the course supports Python {SUPPORTED_TEXT} only."
            )
        other = found.get(minor)
        if other is not None and Path(other.path).resolve() != Path(path).resolve():
            raise UsageError(
                f"'{command}' and '{other.path}' are both Python {minor}: each minor version gets one venv "
                f"(_build/pythons/{minor}/venv), so name one interpreter per minor version."
            )
        found[minor] = Interpreter(minor, version, path, "--python")
    return [found[minor] for minor in sorted(found, key=lambda m: tuple(map(int, m.split("."))))]


def pyenv_root() -> Path | None:
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        root = os.environ.get("PYENV_ROOT")
        return Path(root) if root and Path(root, "versions").is_dir() else None
    done = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def from_pyenv(root: Path) -> dict[str, Path]:
    """The newest patch of each supported minor version installed under pyenv (plain CPython X.Y.Z only)."""
    newest: dict[str, tuple[int, Path]] = {}
    for folder in (root / "versions").glob("3.*"):
        match = re.fullmatch(r"(3\.\d+)\.(\d+)", folder.name)
        python = folder / "bin" / "python3"
        if match is None or match[1] not in SUPPORTED or not os.access(python, os.X_OK):
            continue
        patch = int(match[2])
        if match[1] not in newest or patch > newest[match[1]][0]:
            newest[match[1]] = (patch, python)
    return {minor: python for minor, (_, python) in newest.items()}


def discover() -> list[Interpreter]:
    """Every supported minor version this machine has: pyenv's newest patch first, else python3.X on PATH."""
    root = pyenv_root()
    candidates = from_pyenv(root) if root else {}
    print(
        f"Looking for Python {SUPPORTED_TEXT}"
        + (f" (pyenv root {root}, then PATH):" if root else " on PATH:")
    )
    found = []
    for minor in SUPPORTED:
        attempts = [(str(candidates[minor]), "pyenv")] if minor in candidates else []
        attempts.append((f"python{minor}", "PATH"))
        for command, origin in attempts:
            probed = probe(command)
            if probed is not None and minor_of(probed[1]) == minor:
                found.append(Interpreter(minor, probed[1], probed[0], origin))
                print(f"  {minor}: {probed[0]} (Python {probed[1]}, from {origin})")
                break
        else:
            print(f"  {minor}: not found (no pyenv version {minor}.x, no working python{minor} on PATH)")
    return found


# --- Testing one interpreter -------------------------------------------------------------------------------


def make_command(python: Interpreter, target: str, notebooks: list[str]) -> list[str]:
    command = [
        "make",
        "--no-print-directory",
        f"VENV={relative(venv_dir(python.minor))}",
        f"PYTHON={python.path}",
    ]
    if notebooks:
        command.append(f"NOTEBOOKS={' '.join(notebooks)}")
    return [*command, target]


def run_logged(command: list[str], log: Path, title: str) -> tuple[int, float]:
    """Run `command` in the repository root, its output appended to `log`; (exit status, seconds)."""
    with log.open("a", encoding="utf-8") as stream:
        stream.write(f"\n===== {title}: {' '.join(command)}\n")
        stream.flush()
        start = time.monotonic()
        status = subprocess.run(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT, check=False
        ).returncode
        seconds = time.monotonic() - start
        stream.write(f"===== {title}: exit status {status} after {seconds:.1f} s\n")
    return status, seconds


def check_venv(python: Interpreter) -> None:
    """Remove this minor's venv when it was made by another patch release (or its python no longer runs)."""
    venv_python = venv_dir(python.minor) / "bin" / "python"
    if not venv_python.exists() and not venv_python.is_symlink():
        return
    probed = probe(str(venv_python))
    if probed is not None and probed[1] == python.version:
        return
    was = f"Python {probed[1]}" if probed else "a python that no longer runs"
    print(f"[{python.minor}] {relative(venv_dir(python.minor))} has {was}: removing it to make it anew")
    shutil.rmtree(venv_dir(python.minor))


def installed_versions(minor: str) -> dict[str, str | None]:
    """The versions of the table's packages in the venv of `minor` (empty when its python does not answer)."""
    venv_python = venv_dir(minor) / "bin" / "python"
    try:
        done = subprocess.run(
            [str(venv_python), "-c", VERSIONS],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return {}


def log_lines(log: Path, offset: int = 0) -> list[str]:
    """The log's lines from byte `offset` on, without terminal colours."""
    with log.open("rb") as stream:
        stream.seek(offset)
        return ANSI.sub("", stream.read().decode("utf-8", errors="replace")).splitlines()


def explain(section: list[str]) -> list[str]:
    """The first lines explaining one failure: its reason, then the start (and the end) of its traceback."""
    reason = [line for line in section if REASON.match(line)][:1]
    start = next((i + 1 for i, line in enumerate(section) if line.startswith("Traceback:")), len(section))
    traceback = [line.strip() for line in section[start:] if line.strip() and not NOISE.match(line.strip())]
    shown = traceback[:SHOWN_LINES]
    if len(traceback) > SHOWN_LINES:  # a kernel traceback ends with the exception: keep its last line
        shown += ["...", traceback[-1]]
    return reason + shown


def read_log(lines: list[str]) -> tuple[str, dict[str, list[str]]]:
    """nbval's summary line (the last in `lines`) and each failing test with the first lines explaining it."""
    summary, failures, section = "", {}, None
    for line in lines:
        header = SECTION.match(line)
        if header:
            section = failures.setdefault(header["test"], [])
            continue
        if line.startswith("=" * 5):  # the end of the failures (pytest's next heading, or its summary)
            section = None
            match = SUMMARY.match(line.strip())
            summary = match["text"] if match else summary
        elif section is not None:
            section.append(line)
    return summary, {test: explain(section) for test, section in failures.items()}


def test_one(python: Interpreter, notebooks: list[str]) -> Result:
    result = Result(python)
    log = result.log
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"Python {python.version} ({python.path}), venv {relative(venv_dir(python.minor))}\n")
    check_venv(python)
    stamp = venv_dir(python.minor) / ".installed"
    before = stamp.stat().st_mtime if stamp.exists() else None

    print(f"[{python.minor}] make venv: installing requirements.txt (log: {relative(log)})", flush=True)
    status, result.install_seconds = run_logged(make_command(python, "venv", notebooks), log, "make venv")
    if status != 0:
        result.summary = f"install failed (make venv exit status {status})"
        result.failures = {
            "make venv": [line for line in log_lines(log) if line.strip()][-SHOWN_LINES - 1 : -1]
        }
        result.versions = installed_versions(python.minor)
        print(f"[{python.minor}] {result.summary} after {result.install_seconds:.0f} s", flush=True)
        return result
    if before is not None and stamp.stat().st_mtime == before:
        result.install_note = "up to date"
    print(
        f"[{python.minor}] venv ready in {result.install_seconds:.0f} s"
        + (f" ({result.install_note})" if result.install_note else ""),
        flush=True,
    )
    result.versions = installed_versions(python.minor)

    print(f"[{python.minor}] make nbval", flush=True)
    offset = log.stat().st_size
    status, result.nbval_seconds = run_logged(make_command(python, "nbval", notebooks), log, "make nbval")
    result.summary, result.failures = read_log(log_lines(log, offset))
    if not result.summary:
        result.summary = f"no nbval summary (make nbval exit status {status})"
    result.passed = status == 0
    print(
        f"[{python.minor}] nbval {'PASS' if result.passed else 'FAIL'} in {result.nbval_seconds:.0f} s: "
        f"{result.summary}",
        flush=True,
    )
    return result


# --- The report ---------------------------------------------------------------------------------------------


def seconds(value: float | None, note: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" + (f" ({note})" if note else "")


def table(results: list[Result]) -> str:
    header = ["Python", "install s", "nbval s", "nbval summary", "python", "tensorflow", "keras", "numpy"]
    header += ["matplotlib", "result"]
    rows = [header]
    for result in results:
        versions = result.versions
        tensorflow = versions.get("tensorflow")
        if tensorflow and versions.get("tensorflow_dist") == "tensorflow-cpu":
            tensorflow += " (cpu)"
        rows.append(
            [
                result.python.version,
                seconds(result.install_seconds, result.install_note),
                seconds(result.nbval_seconds),
                result.summary,
                versions.get("python") or "-",
                tensorflow or "-",
                versions.get("keras") or "-",
                versions.get("numpy") or "-",
                versions.get("matplotlib") or "-",
                "PASS" if result.passed else "FAIL",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def same_versions(results: list[Result]) -> str:
    """One line: are the packages' versions the same in every venv, and if not which differ."""
    differing = []
    for package in PACKAGES:
        seen = {r.versions.get(package) for r in results if r.versions}
        if len(seen) > 1:
            by_python = ", ".join(
                f"{r.python.minor}: {r.versions.get(package)}" for r in results if r.versions
            )
            differing.append(f"{package} differs ({by_python})")
    if differing:
        return "Versions: " + "; ".join(differing)
    return f"Versions: {', '.join(PACKAGES)} are the same in every venv."


def report(results: list[Result]) -> None:
    print()
    print(table(results))
    if len(results) > 1:
        print(same_versions(results))
    for result in results:
        if result.passed:
            continue
        print(f"\nPython {result.python.version} FAILED: {result.summary} (log: {relative(result.log)})")
        for test, lines in list(result.failures.items())[:SHOWN_FAILURES]:
            print(f"  {test}")
            for line in lines:
                print(f"      {line}")
        if len(result.failures) > SHOWN_FAILURES:
            print(f"  ... and {len(result.failures) - SHOWN_FAILURES} more failures in the log")


# --- The command line -------------------------------------------------------------------------------------


def notebook_arguments(paths: list[str]) -> list[str]:
    """The --notebooks paths (relative to the current folder or to the repository root), as make gets them."""
    found = []
    for path in paths:
        candidates = [Path(path).resolve(), (ROOT / path).resolve()]
        existing = next((candidate for candidate in candidates if candidate.is_file()), None)
        if existing is None:
            places = sorted({str(Path.cwd()), str(ROOT)})
            raise UsageError(f"No notebook '{path}' (looked in {' and in '.join(places)}).")
        found.append(relative(existing))
    return found


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=f"Run the Makefile's nbval target on every supported Python ({SUPPORTED_TEXT}), each in "
        "a venv of its own under _build/pythons/, and print a table of times, nbval results and versions.",
        epilog="Without --python: the interpreters in $PYTHONS (space-separated), else the newest pyenv "
        "patch of each supported minor version, else python3.X on PATH.",
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="PATH",
        help=f"an interpreter to test (repeatable; Python {SUPPORTED_TEXT}); a path or a name on PATH",
    )
    parser.add_argument(
        "--notebooks",
        nargs="+",
        metavar="NOTEBOOK",
        default=[],
        help="test only these notebooks (forwarded as make's NOTEBOOKS=...); default: every notebook",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        notebooks = notebook_arguments(arguments.notebooks)
        commands = arguments.python or os.environ.get("PYTHONS", "").split()
        if commands:
            interpreters = from_arguments(commands)
            print(
                f"Python {SUPPORTED_TEXT}, as named"
                + (" with --python:" if arguments.python else " in $PYTHONS:")
            )
            named = {python.minor: python for python in interpreters}
            for minor in SUPPORTED:
                python = named.get(minor)
                print(
                    f"  {minor}: {python.path} (Python {python.version})"
                    if python
                    else f"  {minor}: not named"
                )
        else:
            interpreters = discover()
    except UsageError as error:
        print(f"test_pythons: {error}", file=sys.stderr)
        return 2
    if not interpreters:
        print(
            f"test_pythons: no Python {SUPPORTED_TEXT} found. Install one (e.g. pyenv install 3.12), "
            "or name one: --python PATH.",
            file=sys.stderr,
        )
        return 1

    results: list[Result] = []
    try:
        for python in interpreters:
            results.append(test_one(python, notebooks))
    except KeyboardInterrupt:
        print("\nInterrupted: the table below has the Pythons tested so far.", file=sys.stderr)
        report(results)
        return 130
    report(results)
    return 0 if results and all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
