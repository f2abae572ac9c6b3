"""`make bench`: where the test suite's time goes, measured on this machine.

(a) the floor: `import tensorflow` in a fresh kernel (median of a few kernels), and beside it what else a
    notebook's kernel pays before its first real cell: the kernel's own start, and importing lstm_course and
    matplotlib after TensorFlow;
(b) each notebook's nbval time (one sequential nbval run, per-notebook totals from its JUnit report);
(c) the whole nbval suite as `make nbval` runs it (the Makefile's NBVAL command, WORKERS workers);
(d) the book build, cold (its build folders removed) and warm (run again at once);
(e) grading: chapter 5 submissions graded per minute with 1 job and with WORKERS jobs (goal: >= 20 a minute on
    2 cores), and what a submission whose kernel dies at once costs (goal: <= 5 s);
(f) the nbval suite on the JAX and PyTorch backends (`make test-backends`), when their venv exists.

It prints a table and, as its last line, ratio_to_floor=X.XX with X = (c) / (notebooks x floor / workers): how
far the suite is from the least it could cost if every kernel did nothing but import TensorFlow.
Not a test (pytest does not collect this folder). Run it on a quiet machine: it says when the load was high.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from coursework.execute import ROOT, chapter_paths, kernel_environment, nbval_command

BIN = Path(sys.executable).parent
NOTEBOOKS = chapter_paths()
JB_BUILD = [
    str(BIN / "jupyter-book"),
    "build",
    ".",
    "--path-output",
    ".",
    "--builder",
    "html",
    "--warningiserror",
    "--nitpick",
    "--keep-going",
]
# The kernels' environment, as everywhere else (coursework/kernel.env); the kernels inherit it.
ENV = kernel_environment()


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024**2:.1f} GiB RAM"
    except (OSError, IndexError, ValueError):
        ram = "RAM unknown"
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}, {system}, Python {sys.version.split()[0]}"


def kernel_timings() -> dict[str, float]:
    """One fresh kernel: seconds to start it, to import tensorflow in it, then lstm_course and matplotlib."""
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, start_new_kernel

    # Started as nbval starts it: this environment's interpreter, not the `python3` kernelspec.
    t0 = time.perf_counter()
    km, kc = start_new_kernel(
        kernel_name=CURRENT_ENV_KERNEL_NAME, cwd=str(ROOT / "chapters"), env=ENV, stderr=subprocess.DEVNULL
    )
    started = time.perf_counter() - t0
    try:
        timings = {"kernel start": started}
        for label, code in [
            ("import tensorflow", "import tensorflow"),
            ("import lstm_course, matplotlib", "import lstm_course, matplotlib.pyplot"),
        ]:
            probe = f"import time as _t; _s = _t.perf_counter(); {code}; print(_t.perf_counter() - _s)"
            out = []
            reply = kc.execute_interactive(
                probe,
                timeout=300,
                output_hook=lambda m, out=out: (
                    out.append(m["content"]["text"]) if m["msg_type"] == "stream" else None
                ),
            )
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{code} failed in the kernel: {reply['content']}")
            timings[label] = float("".join(out).split()[-1])
        return timings
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def imports_side_by_side(workers: int) -> tuple[float, float]:
    """Seconds for `python -c "import tensorflow"` alone, and for each of `workers` such processes started at
    once: how well this machine runs the suite's kernels side by side."""
    cmd = [sys.executable, "-c", "import tensorflow"]

    def together(k: int) -> float:
        t0 = time.perf_counter()
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=ENV) for _ in range(k)]
        if any(p.wait() for p in procs):
            sys.exit("import tensorflow failed")
        return time.perf_counter() - t0

    return statistics.median(together(1) for _ in range(2)), statistics.median(
        together(workers) for _ in range(2)
    )


def run(cmd: list[str], label: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{label} failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return took


def per_notebook() -> tuple[dict[str, float], float]:
    """One sequential nbval run; each notebook's setup + cells + teardown from the JUnit report."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "nbval.xml"
        wall = run(
            nbval_command(
                [p.relative_to(ROOT) for p in NOTEBOOKS], workers=1, extra=["-q", f"--junitxml={report}"]
            ),
            "sequential nbval",
        )
        times: dict[str, float] = defaultdict(float)
        for case in ET.parse(report).getroot().iter("testcase"):
            name = (case.get("file") or case.get("classname") or "?").replace("\\", "/")
            times[Path(name.split("::")[0]).stem.replace("chapters.", "")] += float(case.get("time", 0))
    return dict(times), wall


def book_builds() -> tuple[float, float]:
    for folder in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(ROOT / "_build" / folder, ignore_errors=True)
    cold = run(JB_BUILD, "cold book build")
    warm = run(JB_BUILD, "warm book build")
    return cold, warm


def grading(workers: int, count: int = 8) -> tuple[float, float, float, str]:
    """(e): per-minute throughput with 1 and ``workers`` jobs, the seconds of a dead kernel, the sandbox."""
    import nbformat

    from coursework.keys import chapter_key
    from coursework.sandbox import choose_sandbox
    from coursework.solutions import STUB_TAG, student_notebook

    chapter = ROOT / "chapters" / "05_stacking.ipynb"
    chapter_key(chapter)  # the key is computed once per chapter, before any job: not part of the rate
    source = nbformat.read(chapter, as_version=4)
    solutions = {cell.id: cell.source for cell in source.cells}
    answered = student_notebook(source, chapter.name)
    for cell in answered.cells:
        if STUB_TAG in cell.metadata.get("tags", []):
            cell.source = solutions[cell.id]
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        for jobs in (1, workers):
            submissions = Path(folder) / f"jobs{jobs}"
            submissions.mkdir()
            for number in range(count):
                nbformat.write(answered, submissions / f"student{number:02}.ipynb")
            seconds = run(
                [sys.executable, "-m", "coursework.grade", "run", str(submissions), "--jobs", str(jobs)],
                f"grading {count} submissions, {jobs} job(s)",
            )
            rates.append(60 * count / seconds)
        dead = Path(folder) / "dead"
        dead.mkdir()
        exits = student_notebook(source, chapter.name)
        exits.cells.insert(0, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
        nbformat.write(exits, dead / "exits.ipynb")
        dead_seconds = run(
            [sys.executable, "-m", "coursework.grade", "run", str(dead), "--jobs", "1"], "a dead kernel"
        )
    return rates[0], rates[1], dead_seconds, choose_sandbox()


def backends(workers: int) -> list[tuple[str, float, str]]:
    """(f): each other backend's nbval suite, run as `make test-backends` runs it, if its venv exists."""
    spec = importlib.util.spec_from_file_location("test_backends", ROOT / "tools" / "test_backends.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    if not tool.python().exists():
        return []
    notebooks = [str(path.relative_to(ROOT)) for path in NOTEBOOKS]
    rows = []
    for backend in tool.BACKENDS:
        _, summary, seconds = tool.run(backend, notebooks, workers)
        rows.append((f"(f) nbval suite, KERAS_BACKEND={backend}", seconds, summary))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="nbval workers, as the Makefile's WORKERS")
    parser.add_argument("--kernels", type=int, default=3, help="fresh kernels for the floor (median)")
    args = parser.parse_args()

    load_before = os.getloadavg()
    print(f"machine: {machine()}")
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}", flush=True)

    kernels = [kernel_timings() for _ in range(args.kernels)]
    med = {k: statistics.median(t[k] for t in kernels) for k in kernels[0]}
    floor = med["import tensorflow"]
    alone, side_by_side = imports_side_by_side(args.workers)
    print(f"floor measured ({args.kernels} kernels)", flush=True)

    nb_times, sequential_wall = per_notebook()
    print("per-notebook nbval measured", flush=True)
    suite = run(
        nbval_command([p.relative_to(ROOT) for p in NOTEBOOKS], workers=args.workers, extra=["-q"]),
        "nbval suite",
    )
    print("nbval suite measured", flush=True)
    cold, warm = book_builds()
    one_job, many_jobs, dead, sandbox = grading(args.workers)
    print("grading measured", flush=True)
    other_backends = backends(args.workers)
    load_after = os.getloadavg()

    n = len(NOTEBOOKS)
    ideal = n * floor / args.workers
    rows = [
        ("(a) import tensorflow, fresh kernel (floor)", floor, f"median of {args.kernels}"),
        ("    kernel start (to ready)", med["kernel start"], "paid by every notebook"),
        ("    import lstm_course + matplotlib after TF", med["import lstm_course, matplotlib"], ""),
        ("    python -c 'import tensorflow', alone", alone, ""),
        (
            f"    the same, {args.workers} at once",
            side_by_side,
            f"{args.workers * alone / side_by_side:.2f}x throughput",
        ),
    ]
    rows += [(f"(b) nbval {name}", t, f"{t / floor:.1f} x floor") for name, t in sorted(nb_times.items())]
    rows += [
        ("(b) sum of notebooks, one worker", sum(nb_times.values()), f"wall {sequential_wall:.1f} s"),
        (
            f"(c) nbval suite, {args.workers} workers",
            suite,
            f"ideal {n} x floor / {args.workers} = {ideal:.1f} s",
        ),
        # Where (b)'s one-worker total goes, and what running on several workers loses.
        ("    of (b): TF imports, notebooks x floor", n * floor, ""),
        ("    of (b): kernel starts, notebooks x start", n * med["kernel start"], ""),
        (
            "    of (b): everything else (cells, nbval)",
            sum(nb_times.values()) - n * (floor + med["kernel start"]),
            "",
        ),
        (
            f"    of (c): lost to {args.workers} workers sharing",
            suite - sum(nb_times.values()) / args.workers,
            f"(c) - (b) / {args.workers}",
        ),
        ("(d) make book, cold", cold, ""),
        ("(d) make book, warm", warm, "goal < 10 s"),
        ("(e) submissions graded a minute, 1 job", one_job, f"chapter 5, sandbox {sandbox}"),
        (f"(e) submissions graded a minute, {args.workers} jobs", many_jobs, "goal >= 20 on 2 cores"),
        ("(e) a submission whose kernel dies at once", dead, "whole run; goal <= 5 s for the job"),
        *other_backends,
    ]
    print()
    print(f"| {'measure':<46} | {'seconds':>7} | note |")
    print(f"| {'-' * 46} | {'-' * 7} | --- |")
    for label, secs, note in rows:
        print(f"| {label:<46} | {secs:7.2f} | {note} |")
    print()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    if max(load_before[0], load_after[0]) > (os.cpu_count() or 1) + 0.5:
        print("note: the machine was busy with other work; these numbers are contended")
    print(f"ratio_to_floor={suite / ideal:.2f}")


if __name__ == "__main__":
    main()
