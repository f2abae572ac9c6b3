"""A kernel for untrusted code: a submission's, run in a sandbox and driven one cell at a time.

``SandboxedKernel`` starts an IPython kernel whose process, and every process it starts, has

- no network: with bubblewrap (``bwrap``, Debian's package ``bubblewrap``) the kernel runs in network,
  PID, IPC and UTS namespaces of its own, and talks to the grader over Unix sockets in a folder shared
  with it (ZeroMQ's ``ipc`` transport), so it has no network interface but its own loopback;
- a filesystem of its own: the system's ``/usr``, ``/etc`` and the Python installation, the course's
  environment (``.venv``) and the ``lstm_course`` package, all read-only, and one writable working
  folder. The course's chapters, the answer keys and the grader's records are not in it;
- a memory limit (``RLIMIT_AS`` per process, so an allocation beyond it raises ``MemoryError``) and a
  process limit (``RLIMIT_NPROC``; threads count too). Linux counts that limit per user, and never
  applies it to root: when the grader runs as root, each kernel runs as a user id of its own, unused on
  the machine (``sandbox_uid``), so that kernels graded side by side do not share one count;
- an end: when the kernel dies, or is killed, the PID namespace ends and every process left in it is
  killed with it.

Without bubblewrap (``sandbox="none"``, or ``"auto"`` when ``bwrap`` is missing or cannot make
namespaces) the kernel is an ordinary process in a session of its own, with the same memory and process
limits (``prlimit``; the process limit only when not root), the same working folder as its current
directory, and Python's sockets refusing every connection that is not to this machine. That is weaker:
its code can still read any file this user can read by its full path (the chapters among them), and a
process that leaves the kernel's session can outlive it. The grader says which sandbox ran.
"""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import psutil
from jupyter_client import KernelManager

from coursework.execute import ROOT, kernel_environment

DEFAULT_MEMORY_GB = 4.0
DEFAULT_PROCESSES = 512  # tasks: TensorFlow's threads count
# User ids for the kernels of a grader run as root: a block that no account of a Debian system uses.
UID_BASE, UID_SPAN = 3_000_000, 1_000_000
_uids = itertools.count()

# Run first in every kernel: Python's sockets refuse connections off this machine. In bubblewrap there
# is no network to reach anyway; without it, this is the only barrier (and code can undo it).
PRELUDE = """\
import socket
def _refuse(self, address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else ""
    local = host.startswith("127.") or host in ("localhost", "::1")
    if self.family in (socket.AF_INET, socket.AF_INET6) and not local:
        raise OSError("network access is disabled while grading")
    return _connect(self, address, *args, **kwargs)
_connect = socket.socket.connect
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
del _refuse
"""


class KernelDied(RuntimeError):
    """The kernel process ended (it exited, crashed or was killed) while the grader waited on it."""


class TimeLimit(RuntimeError):
    """The time the submission was given ran out."""


@dataclass
class Reply:
    """What one cell did: ``status`` is "ok" or "error"; ``error`` says which, for an error."""

    status: str
    error: str = ""
    user_expressions: dict[str, Any] | None = None


@cache
def bwrap_works() -> bool:
    """Whether bubblewrap is installed and can make the namespaces the sandbox uses here (asked once)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = [bwrap, *_namespaces(), "--ro-bind", "/", "/", "--", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def choose_sandbox(requested: str = "auto") -> str:
    """ "bwrap" or "none": what ``requested`` ("auto", "bwrap" or "none") gives on this machine."""
    if requested not in ("auto", "bwrap", "none"):
        raise ValueError(f"sandbox must be 'auto', 'bwrap' or 'none'; got {requested!r}")
    if requested == "none":
        return "none"
    if bwrap_works():
        return "bwrap"
    if requested == "bwrap":
        raise RuntimeError(
            "bubblewrap was asked for, but `bwrap` is missing or cannot make namespaces here: "
            "install Debian's package bubblewrap (apt-get install bubblewrap), or use --sandbox none"
        )
    return "none"


def _namespaces() -> list[str]:
    # As root, bwrap makes the namespaces itself (no user namespace) and the kernel drops to a user id;
    # otherwise a user namespace is needed for the others.
    spaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return spaces if os.geteuid() == 0 else ["--unshare-user", *spaces]


def sandbox_uid() -> int:
    """A user id for one kernel: different for every kernel of this process, and across processes."""
    return UID_BASE + (os.getpid() * 1024 + next(_uids)) % UID_SPAN


def _limits(memory_bytes: int, processes: int, *, root: bool) -> list[str]:
    command = ["prlimit", f"--as={memory_bytes}"]
    if not root:
        command.append(f"--nproc={processes}")
    return [*command, "--"]


def sandbox_prefix(kind: str, workdir: Path, shared: Path, memory_bytes: int, processes: int) -> list[str]:
    """The command that the kernel's own command is appended to, for sandbox ``kind``."""
    root = os.geteuid() == 0
    if kind == "none":
        return _limits(memory_bytes, processes, root=root)
    python_home = Path(sys.base_prefix).resolve()
    command = [
        "bwrap",
        "--die-with-parent",
        "--new-session",
        *_namespaces(),
        "--ro-bind", "/usr", "/usr",
        "--ro-bind-try", "/bin", "/bin",
        "--ro-bind-try", "/lib", "/lib",
        "--ro-bind-try", "/lib64", "/lib64",
        "--ro-bind", "/etc", "/etc",
        "--proc", "/proc",
        "--dev", "/dev",
        "--perms", "1777", "--tmpfs", "/tmp",
    ]  # fmt: skip
    binds = [(python_home, "--ro-bind"), (Path(sys.prefix), "--ro-bind"), (ROOT / "lstm_course", "--ro-bind")]
    for folder, how in [*binds, (workdir, "--bind"), (shared, "--bind")]:
        for parent in reversed(folder.parents[:-1]):  # traversable by any user, whatever the host's modes
            if parent != Path("/tmp"):
                command += ["--perms", "0755", "--dir", str(parent)]
        command += [how, str(folder), str(folder)]
    command += ["--chdir", str(workdir)]
    # ipykernel ends itself when the process JPY_PARENT_PID names is gone, and in a PID namespace of its
    # own it cannot see that process: the grader ends the kernel itself instead.
    command += ["--unsetenv", "JPY_PARENT_PID"]
    if root:
        uid = sandbox_uid()
        command += [
            "--",
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all",
        ]  # fmt: skip
        # RLIMIT_NPROC counts the tasks of a user: this kernel's alone, under a user id of its own.
        return [*command, "prlimit", f"--as={memory_bytes}", f"--nproc={processes}", "--"]
    return [*command, "--", *_limits(memory_bytes, processes, root=False)]


class _Manager(KernelManager):
    prefix: list[str] = []

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]


class SandboxedKernel:
    """A kernel in a sandbox; ``run`` executes one cell, ``evaluate`` reads expressions' values."""

    def __init__(
        self,
        workdir: Path,
        *,
        sandbox: str = "bwrap",
        memory_gb: float = DEFAULT_MEMORY_GB,
        processes: int = DEFAULT_PROCESSES,
    ) -> None:
        self.workdir = workdir
        self.sandbox = sandbox
        self.shared = workdir.parent / (workdir.name + "-ipc")
        for folder in (workdir, self.shared):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o777)  # the kernel may run as another user (sandbox_uid)
        self.manager = _Manager(transport="ipc", ip=str(self.shared / "kernel"))
        self.manager.connection_file = str(self.shared / "connection.json")
        self.manager.prefix = sandbox_prefix(sandbox, workdir, self.shared, int(memory_gb * 2**30), processes)
        self.client: Any = None

    def start(self, timeout: float) -> None:
        env = kernel_environment(
            HOME=str(self.workdir),
            MPLCONFIGDIR=str(self.workdir / ".matplotlib"),
            KERAS_HOME=str(self.workdir / ".keras"),
            IPYTHONDIR=str(self.workdir / ".ipython"),
            JUPYTER_RUNTIME_DIR=str(self.shared),
        )
        self.manager.write_connection_file()
        os.chmod(self.manager.connection_file, 0o644)  # before the kernel, maybe another user, reads it
        self.log = (self.workdir.parent / (self.workdir.name + ".kernel.log")).open("wb")
        self.manager.start_kernel(
            env=env, cwd=str(self.workdir), start_new_session=True, stdout=self.log, stderr=self.log
        )
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=timeout)
        self.run(PRELUDE, time.monotonic() + timeout)

    def alive(self) -> bool:
        return bool(self.manager.is_alive())

    def run(self, code: str, deadline: float, user_expressions: dict[str, str] | None = None) -> Reply:
        """Execute ``code``; wait for its reply until ``deadline`` (``time.monotonic()``)."""
        if not self.alive():
            raise KernelDied("the kernel had already ended")
        msg_id = self.client.execute(
            code, silent=False, store_history=True, user_expressions=user_expressions or {}, allow_stdin=False
        )
        while True:
            if time.monotonic() > deadline:
                raise TimeLimit()
            try:
                reply = self.client.get_shell_msg(timeout=0.25)
            except queue.Empty:
                if not self.alive():
                    raise KernelDied("the kernel ended while a cell ran") from None
                continue
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            content = reply["content"]
            self._drain()
            error = ""
            if content.get("status") == "error":
                error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"
            status = content.get("status", "error")
            return Reply(status, " ".join(error.split())[:300], content.get("user_expressions"))

    def _drain(self) -> None:
        # Outputs are not read: nothing a submission prints decides a grade. Empty the queue all the same.
        while True:
            try:
                self.client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def evaluate(self, expressions: dict[str, str], deadline: float) -> dict[str, Any]:
        """{name: the kernel's reply for it}: ``{"status": "ok", "data": {...}}``, or an error."""
        reply = self.run("", deadline, user_expressions=expressions)
        return reply.user_expressions or {}

    def processes(self) -> list[psutil.Process]:
        """The kernel's processes (the sandbox's, for bubblewrap)."""
        provisioner = getattr(self.manager, "provisioner", None)
        process = getattr(provisioner, "process", None)
        pid = getattr(process, "pid", None)
        if pid is None:
            return []
        try:
            top = psutil.Process(pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """End the kernel and every process it started."""
        if self.client is not None:
            self.client.stop_channels()
        found = self.processes()
        for process in found:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(found, timeout=5)
        try:
            self.manager.cleanup_resources()
        except Exception:  # noqa: BLE001 - best effort: the folders are removed with the job's anyway
            pass
