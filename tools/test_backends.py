"""`make test-backends`: nbval over the chapters with Keras on JAX and on PyTorch, against the stored outputs.

The stored outputs were made with the TensorFlow backend. Keras 3 runs the same code on JAX and PyTorch,
and the course claims that what it teaches holds on all three, so every chapter must print the same
outputs there. This script makes (once) a venv in _build/backends/venv that sees the course's .venv through
a .pth line and adds the packages of requirements-backends.txt (JAX and the CPU build of PyTorch), then
runs nbval, full mode, over the chapters (or --notebooks) with KERAS_BACKEND=jax and then torch, and
prints each backend's summary line and time. Nothing is skipped or ignored per backend:
tests/nbval_sanitize.cfg is the same file as always.

After each backend's nbval it runs that backend's tests: tests/test_backend_facts.py (the chapters'
sentences that hold on one backend and not another, asserted on this one) and, with torch,
tests/test_torch_reference.py, which proves lstm_course's NumPy transcription of ``torch.nn.LSTM``/``GRU``
equal to PyTorch itself. In .venv, without PyTorch, that test skips; here LSTM_COURSE_REQUIRE_TORCH=1 turns a
missing PyTorch into a failure, and any skip fails the run too.

    .venv/bin/python tools/test_backends.py [--backend jax|torch ...] [--notebooks chapters/02_*.ipynb ...]

Exit status 0 when every backend passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from coursework.execute import chapter_paths, kernel_environment, nbval_command, overlay_venv  # noqa: E402

VENV = ROOT / "_build" / "backends" / "venv"
REQUIREMENTS = ROOT / "requirements-backends.txt"
BACKENDS = ("jax", "torch")
# pytest files run with each backend, and those run with one backend only.
BACKEND_TESTS = ["tests/test_backend_facts.py"]
ONE_BACKEND_TESTS = {"torch": ["tests/test_torch_reference.py"]}


def python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> float:
    """Create or update the backends' venv; the seconds it took (0 when it was up to date)."""
    stamp = VENV / ".installed"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return 0.0
    start = time.monotonic()
    # .venv's packages (TensorFlow, Keras, nbval, ...) and the course's root (lstm_course, coursework).
    overlay_venv(VENV, ROOT)
    subprocess.run(
        [python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS],
        check=True,
    )
    stamp.write_text(wanted)
    return time.monotonic() - start


def run(backend: str, notebooks: list[str], workers: int) -> tuple[int, str, float]:
    """nbval over ``notebooks`` with Keras on ``backend``: (exit code, summary line, seconds)."""
    command = nbval_command(notebooks, workers=workers, extra=["-q"], python=python())
    return run_logged(command, f"nbval-{backend}.log", KERAS_BACKEND=backend)


def run_logged(command: list, log: str, **environment: str) -> tuple[int, str, float]:
    """Run a pytest ``command`` in the kernel environment plus ``environment``; keep its output in ``log``."""
    start = time.monotonic()
    done = subprocess.run(
        command, cwd=ROOT, env=kernel_environment(**environment), capture_output=True, text=True
    )
    (VENV.parent / log).write_text(done.stdout + done.stderr, encoding="utf-8")
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line), "no summary")
    return done.returncode, summary.strip("= "), time.monotonic() - start


def run_tests(backend: str) -> tuple[int, str, float]:
    """The backend's BACKEND_TESTS and ONE_BACKEND_TESTS, PyTorch required: a skip is a failure."""
    pytest = [python(), "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"]
    command = [*pytest, *BACKEND_TESTS, *ONE_BACKEND_TESTS.get(backend, [])]
    code, summary, seconds = run_logged(
        command, f"pytest-{backend}.log", KERAS_BACKEND=backend, LSTM_COURSE_REQUIRE_TORCH="1"
    )
    return (code or int("skipped" in summary)), summary, seconds


def report(label: str, code: int, summary: str, seconds: float, log: str) -> bool:
    """Print one result line; True when it passed."""
    verdict = "PASS" if code == 0 else "FAIL"
    print(f"{label:11} {verdict}  {summary}  ({seconds:.0f} s; log: _build/backends/{log})", flush=True)
    return code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: both")
    parser.add_argument("--notebooks", nargs="*", default=[], help="default: every chapter")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    missing = [path for path in args.notebooks if not Path(path).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    notebooks = [str(Path(path).resolve().relative_to(ROOT)) for path in args.notebooks] or [
        str(path.relative_to(ROOT)) for path in chapter_paths()
    ]
    installed = ensure_venv()
    if installed:
        print(f"backends' venv made in {installed:.0f} s: {VENV.relative_to(ROOT)}", flush=True)
    failed = 0
    for backend in args.backend or BACKENDS:
        code, summary, seconds = run(backend, notebooks, args.workers)
        failed += not report(backend, code, summary, seconds, f"nbval-{backend}.log")
        code, summary, seconds = run_tests(backend)
        failed += not report(f"{backend} tests", code, summary, seconds, f"pytest-{backend}.log")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
