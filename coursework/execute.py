"""How a notebook of this course runs: the one definition, used by everything that runs one.

This module owns:

- where the course is (``ROOT``) and which notebooks it has (``chapter_paths``);
- the environment every kernel runs in (``KERNEL_ENV``, read from ``kernel.env`` beside this file, which
  the Makefile includes too);
- how nbval is run (``nbval_command``: full mode, this environment's interpreter, the sanitizer file), for
  ``make nbval``, ``make test``, ``make bench`` and the tests;
- the robustness run (``robust_environment``): nbval again with oneDNN on, one thread, and every random
  number the notebooks draw scaled by 1 + 1e-7, as another CPU's rounding would change them;
- how a notebook is executed outside nbval (``notebook_client``): nbval's own kernelspec manager with the
  kernel of ``--nbval-current-env`` (this environment's interpreter), the notebook's folder as working
  directory, no timing metadata. ``make refresh`` (which stores the outputs nbval compares), the grader and
  the tests start their kernels here, so what they run is what nbval runs.

Command line (the Makefile's ``nbval`` and ``robust`` targets)::

    python -m coursework.execute nbval [--workers N] [--robust] [NOTEBOOK ...]
    python -m coursework.execute env     # print the kernel environment, NAME=value a line
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
KERNEL_ENV_FILE = Path(__file__).with_name("kernel.env")
PERTURB_STARTUP = Path(__file__).with_name("perturb_startup.py")

# What the robustness run changes, besides the start-up file that scales random numbers (perturb_startup.py).
ROBUST_ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "1",  # oneDNN's kernels, as on an Intel CPU with AVX-512
    "OMP_NUM_THREADS": "1",  # one thread: sums are split, and so rounded, differently
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "LSTM_COURSE_PERTURB": "1e-7",
}


def read_kernel_env(path: Path = KERNEL_ENV_FILE) -> dict[str, str]:
    """The ``NAME=value`` lines of ``path`` (blank lines and ``#`` comments skipped), as a dict."""
    found: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z_][A-Z0-9_]*)=(\S*)", text)
        if not match:
            raise ValueError(
                f"{path.name}:{number}: expected NAME=value (capitals, no spaces, as make reads it); "
                f"got {line!r}"
            )
        found[match[1]] = match[2]
    return found


KERNEL_ENV = read_kernel_env()


def chapter_paths(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in reading order (their names start with the chapter number)."""
    return sorted((root / "chapters").glob("*.ipynb"))


def kernel_environment(base: Mapping[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """``base`` (default: this process's environment) with KERNEL_ENV and then ``overrides`` applied."""
    return {**(os.environ if base is None else base), **KERNEL_ENV, **overrides}


@contextmanager
def robust_environment(base: Mapping[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The kernel environment of the robustness run, with a temporary IPYTHONDIR holding its start-up file."""
    with tempfile.TemporaryDirectory(prefix="lstm-course-robust-") as folder:
        startup = Path(folder) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        shutil.copy(PERTURB_STARTUP, startup / "00-perturb.py")
        yield kernel_environment(base, **ROBUST_ENV, IPYTHONDIR=folder)


def nbval_command(
    notebooks: Sequence[Path | str] = (),
    *,
    workers: int = 1,
    extra: Sequence[str] = (),
    python: Path | str = sys.executable,
) -> list[str]:
    """The pytest command that runs nbval, in full mode, over ``notebooks`` (default: every chapter).

    Full mode: every output is compared, stderr included (no ``--nbval-lax``). The kernel is the
    interpreter that runs pytest (``--nbval-current-env``): ``python``, by default this environment's.
    Run the command with ``kernel_environment()``.
    With several workers, ``--dist loadscope`` keeps each notebook's cells on one worker, in order.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer; got {workers!r}")
    paths = [str(path) for path in notebooks] or [str(path) for path in chapter_paths()]
    parallel = (
        ["-p", "xdist", "-n", str(workers), "--dist", "loadscope"] if workers > 1 else ["-p", "no:xdist"]
    )
    return [
        str(python), "-m", "pytest", "--nbval", "--nbval-current-env",
        f"--nbval-sanitize-with={SANITIZE}",  # one argument: pytest would take a bare path for a test path
        "-p", "no:cacheprovider",
        "-p", "no:hypothesispytest",  # hypothesis is for tests/, and it costs 0.7 s a process
        *parallel, *extra, *paths,
    ]  # fmt: skip


def notebook_client(nb: Any, folder: Path, **options: Any) -> Any:
    """A client that executes ``nb`` in a new kernel of this environment, in ``folder``.

    ``options`` go to ``nbclient.NotebookClient`` (``timeout``, ``allow_errors``, hooks, ...). Run it with
    ``execute_in_kernel_env(client)``, or call ``client.execute(stderr=subprocess.DEVNULL,
    env=kernel_environment())`` as that does.
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    return NotebookClient(
        nb,
        km=km,
        record_timing=False,  # no timestamps in cell metadata: stored files change only when outputs do
        resources={"metadata": {"path": str(Path(folder).resolve())}},
        **options,
    )


def execute_in_kernel_env(client: Any, env: Mapping[str, str] | None = None) -> Any:
    """Execute ``client``'s notebook in a kernel started with ``env`` (default: ``kernel_environment()``).

    The kernel process's own stderr goes nowhere, as in nbval: its log lines are not cell output.
    """
    return client.execute(stderr=subprocess.DEVNULL, env=dict(env or kernel_environment()))


def overlay_venv(folder: Path, *paths: Path | str) -> Path:
    """A venv in ``folder`` that sees this environment's packages, and ``paths``, through a ``.pth`` line.

    Made when ``folder`` holds none yet; the ``.pth`` line is (re)written either way. Returns its python.
    Python runs no ``.pth`` file of a folder that a ``.pth`` line adds, so this environment's editable
    install of ``lstm_course`` stays out: the venv imports the package only from where it is installed
    there (a wheel, for the install-fallback and hand-out tests) or from ``paths``.
    """
    python = Path(folder) / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", folder], check=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    lines = [sysconfig.get_paths()["purelib"], *map(str, paths)]
    Path(site, "course-environment.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def run_nbval(notebooks: Sequence[Path | str] = (), *, workers: int = 1, robust: bool = False) -> int:
    """Run nbval over ``notebooks`` from the course's root, in the kernel environment; its exit code."""
    command = nbval_command(notebooks, workers=workers)
    if not robust:
        return subprocess.run(command, cwd=ROOT, env=kernel_environment(), check=False).returncode
    with robust_environment() as env:
        settings = ", ".join(f"{name}={value}" for name, value in ROBUST_ENV.items())
        print(f"robustness run: {settings}, random numbers scaled by 1 + LSTM_COURSE_PERTURB", flush=True)
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursework.execute", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    nbval = commands.add_parser("nbval", help="run nbval (full mode) over the notebooks")
    nbval.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    nbval.add_argument("--workers", type=int, default=1, help="pytest-xdist workers (default 1)")
    nbval.add_argument("--robust", action="store_true", help="under another CPU's rounding (see ROBUST_ENV)")
    commands.add_parser("env", help="print the kernel environment, NAME=value a line")
    args = parser.parse_args(argv)
    if args.command == "env":
        print("\n".join(f"{name}={value}" for name, value in KERNEL_ENV.items()))
        return 0
    missing = [str(path) for path in args.notebooks if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    if args.workers < 1:
        parser.error(f"--workers must be 1 or more; got {args.workers}")
    paths = [path.resolve() for path in args.notebooks]
    shown = [path.relative_to(ROOT) if path.is_relative_to(ROOT) else path for path in paths]
    return run_nbval(shown, workers=args.workers, robust=args.robust)


if __name__ == "__main__":
    sys.exit(main())
