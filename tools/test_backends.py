"""`make test-backends`: nbval over the chapters with Keras on JAX and on PyTorch, against the stored outputs.

The stored outputs were made with the TensorFlow backend. Keras 3 runs the same code on JAX and PyTorch,
and the course claims that what it teaches holds on all three, so every chapter must print the same
outputs there. This script makes (once) a venv in _build/backends/venv that sees the course's .venv through
a .pth line and adds the packages of requirements-backends.txt (JAX and the CPU build of PyTorch), then
runs nbval, full mode, over the chapters (or --notebooks) with KERAS_BACKEND=jax and then torch, and
prints each backend's summary line and time. Nothing is skipped or ignored per backend:
tests/nbval_sanitize.cfg is the same file as always.

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
    command = nbval_command(notebooks, workers=workers, extra=["-q"], python=python())
    start = time.monotonic()
    done = subprocess.run(
        command, cwd=ROOT, env=kernel_environment(KERAS_BACKEND=backend), capture_output=True, text=True
    )
    log = VENV.parent / f"nbval-{backend}.log"
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line), "no summary")
    return done.returncode, summary.strip("= "), time.monotonic() - start


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
        verdict = "PASS" if code == 0 else "FAIL"
        print(
            f"{backend:6} {verdict}  {summary}  ({seconds:.0f} s; log: _build/backends/nbval-{backend}.log)"
        )
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
