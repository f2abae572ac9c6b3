"""Run a notebook in a fresh kernel exactly as nbval runs it: the one way this project executes notebooks.

``make refresh`` (which stores the outputs nbval compares), the grader and the student-edition tests
all start their kernels here: nbval's own kernelspec manager with ``--nbval-current-env``'s kernel
(this environment's interpreter), with the notebook's folder as working directory, and no timing
metadata in the cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager


def notebook_client(nb: nbformat.NotebookNode, folder: Path, **options: Any) -> NotebookClient:
    """A client that executes ``nb`` in a new kernel of this environment, in ``folder``.

    ``options`` go to ``nbclient.NotebookClient`` (``timeout``, ``allow_errors``, hooks, ...).
    Call ``client.execute(stderr=subprocess.DEVNULL)``, as nbval does, so that the kernel
    process's own log lines are not taken for cell output.
    """
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    return NotebookClient(
        nb,
        km=km,
        record_timing=False,  # no timestamps in cell metadata: stored files change only when outputs do
        resources={"metadata": {"path": str(Path(folder).resolve())}},
        **options,
    )
