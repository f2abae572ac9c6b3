"""Re-execute notebooks in place so that their stored outputs come from execution only.

Run through ``make refresh`` (which exports the same environment as ``make test``). The kernel is
started exactly as nbval starts it with ``--nbval-current-env``: nbval's own kernelspec manager,
the interpreter of this virtual environment, and the notebook's folder as working directory. So the
outputs written here are the outputs nbval will compare against.

Usage: python tests/refresh_notebooks.py chapters/02_hidden_state.ipynb [...]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import nbformat

from coursework.execute import notebook_client

CELL_TIMEOUT_S = 600


def refresh(path: Path) -> float:
    """Execute the notebook at ``path`` top to bottom in a fresh kernel and save it; return seconds."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path.parent, timeout=CELL_TIMEOUT_S, allow_error_names=[])
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # as nbval does: kernel process logs are not cell output
    elapsed = time.perf_counter() - start
    # Keep the kernelspec the notebooks are committed with, not the one the client saw.
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv]
    if not paths:
        print("usage: refresh_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"refreshing {path} ...", flush=True)
        print(f"  done in {refresh(path):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
