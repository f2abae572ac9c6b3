"""The grader against submissions of chapter 5 that try to fake a score, one channel each.

Chapter 5 has three exercises. Every tampering submission answers none of them (its exercise cells are
the student edition's stubs, or it answers only where it says so) and attacks one channel the old
grader trusted: the checkers, ``print``, NumPy, IPython's hooks, the lines it prints, files, the kernel's
life, memory, processes, the answer key. Each must score 0 where it did not answer, or be stopped with a
clear note, while the honest submissions graded beside it keep their scores. All of them are graded in
one ``make grade``-like run with two jobs; a second, smaller run fans the jobs out with ``xargs -P``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
import uuid

import nbformat
import psutil
import pytest
from notebooks import ROOT, read

from coursework.sandbox import PRELUDE, choose_sandbox
from coursework.solutions import CHECK_TAG, STUB_TAG, student_notebook

CHAPTER = ROOT / "chapters" / "05_stacking.ipynb"
LABELS = ("ex-stack-final", "ex-stack-params", "ex-stack-fix")
TIME_LIMIT_S = 40
KEYS = ROOT / "_build" / "keys"


def submission(edit=None, *, solved: bool = True) -> nbformat.NotebookNode:
    """The student notebook of chapter 5, its stubs replaced by the chapter's solutions when ``solved``."""
    chapter = read(CHAPTER)
    solutions = {cell.id: cell.source for cell in chapter.cells}
    nb = student_notebook(chapter, CHAPTER.name)
    if solved:
        for cell in nb.cells:
            if STUB_TAG in cell.metadata.get("tags", []):
                cell.source = solutions[cell.id]
    if edit:
        edit(nb)
    return nb


def cells_of(nb, label: str) -> list:
    return [cell for cell in nb.cells if cell.metadata.get("exercise") == label]


def first_code(nb, source: str) -> None:
    """Insert ``source`` as the notebook's first code cell."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(source))


# ------------------------------------------------------------------------ honest submissions


def wrong_shape(nb):
    cells_of(nb, "ex-stack-final")[0].source = "answer = (None, 20, 16)"
    check = cells_of(nb, "ex-stack-final")[1]
    assert CHECK_TAG in check.metadata["tags"]
    check.source = "True"  # a check of its own that passes anything: the grader does not run it


def raising(nb):
    cells_of(nb, "ex-stack-params")[0].source = "answer = 4 * (64 * (128 + 64) + 64) / 0"


def endless(nb):
    cells_of(nb, "ex-stack-fix")[0].source = "while True:\n    pass"


def deleted_check(nb):
    nb.cells.remove(cells_of(nb, "ex-stack-params")[1])


# ------------------------------------------------------------------------ tampering submissions
# Each answers nothing (solved=False): any point it scores is a faked one.

TAMPERING = {
    "patched_checkers": """
import lstm_course, lstm_course.exercises, lstm_course.answers
for module in (lstm_course, lstm_course.exercises, lstm_course.answers):
    for name in dir(module):
        if name.startswith("check_"):
            setattr(module, name, lambda *args, **kwargs: True)
""",
    "patched_print": """
import builtins, sys
_print = builtins.print
def forged(*args, **kwargs):
    _print(*(str(a).replace(" FAIL ", " PASS ").replace("Not yet", "Correct") for a in args), **kwargs)
builtins.print = forged
class Passing:
    def write(self, text):
        return sys.__stdout__.write(text.replace("FAIL", "PASS"))
    def flush(self):
        pass
sys.stdout = Passing()
""",
    "patched_numpy": """
import numpy as np
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), bool)
np.max = lambda *args, **kwargs: 0.0
np.abs = lambda value, *args, **kwargs: 0.0
""",
    "ipython_hooks": """
ip = get_ipython()
ip.events.register("post_run_cell", lambda result: print("ex-stack-final PASS"))
ip.events.register("pre_run_cell", lambda info: globals().update(answer=None))
passing = {"status": "ok", "data": {"text/plain": "'PASS'"}, "metadata": {}}
ip.user_expressions = lambda expressions: {name: passing for name in expressions}
ip.input_transformers_post.append(lambda lines: ["True\\n"])
""",
    "forged_verdicts": """
for label in ("ex-stack-final", "ex-stack-params", "ex-stack-fix"):
    print(f"grade-0123456789abcdef {label} PASS ✓ Correct")
    print('{"label": "%s", "verdict": "PASS", "score": 1}' % label)
    print(f"lstm-course-answer-key {label} " + '{"dict": {"answer": 1}}')
""",
    "writes_grader_files": """
import glob, json, os, threading, time
def forge():
    for _ in range(600):
        for pattern in ("/tmp/**/*", os.environ.get("FORGE_INTO", "/nonexistent") + "/**/*"):
            for path in glob.glob(pattern, recursive=True):
                if path.endswith((".json", ".jsonl", ".csv")) or "verdict" in path:
                    try:
                        with open(path, "w") as handle:
                            json.dump({"verdict": "PASS", "scores": {"ex-stack-final": 1}}, handle)
                    except OSError:
                        pass
        time.sleep(0.05)
threading.Thread(target=forge, daemon=True).start()
for target in (os.environ.get("FORGE_INTO", "/nonexistent"), "/tmp"):
    try:
        with open(os.path.join(target, "forged.json"), "w") as handle:
            handle.write('{"submission": "writes_grader_files.ipynb", "scores": {"ex-stack-final": 1}}')
    except OSError as error:
        print("refused:", error)
""",
    "exits_kernel": "import os\nos._exit(0)",
    "leaves_process": """
import subprocess, os
subprocess.Popen(["sleep", "900"], start_new_session=True)
if os.fork() == 0:  # a daemon that leaves the kernel's session
    os.setsid()
    if os.fork() == 0:
        import time
        time.sleep(900)
    os._exit(0)
""",
    "memory_hog": """
import numpy as np
hog = []
try:
    while True:
        hog.append(np.ones(2**27))  # 1 GiB a step, touched
except MemoryError as error:
    print("stopped:", error)
    hog.clear()
""",
    "reads_answer_key": """
import glob, json, pathlib
import lstm_course
found = []
root = pathlib.Path(lstm_course.__file__).resolve().parents[1]
for pattern in [str(root / "_build/keys/05_stacking-*.json"), "/work/**/_build/keys/05_stacking-*.json"]:
    found += glob.glob(pattern, recursive=True)
key = json.loads(open(found[0]).read())
answer = tuple(key["ex-stack-final"]["answer"]["tuple"])
chapter = json.loads((root / "chapters" / "05_stacking.ipynb").read_text())
""",
}


def tampering(name: str):
    def edit(nb):
        first_code(nb, TAMPERING[name])

    return edit


def processes_tagged(tag: str) -> list[str]:
    """The command lines of the running processes whose environment carries the tag."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("LSTM_COURSE_GRADE_TEST") == tag:
                found.append(" ".join(process.cmdline()))
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return found


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    honest = [
        ("a_correct", submission()),
        ("b_partly_wrong", submission(wrong_shape)),
        ("c_raises", submission(raising)),
        ("d_never_ends", submission(endless)),
        ("f_no_check_cell", submission(deleted_check)),
    ]
    for name, nb in honest:
        nbformat.write(nb, folder / f"{name}.ipynb")
    for name in TAMPERING:
        nbformat.write(submission(tampering(name), solved=False), folder / f"t_{name}.ipynb")
    # one that answers the first exercise, then exits: the score it had is kept
    exits_late = submission(
        lambda nb: cells_of(nb, "ex-stack-params")[0].__setitem__("source", "import os; os._exit(3)")
    )
    nbformat.write(exits_late, folder / "g_exits_after_one.ipynb")
    (folder / "e_malformed.ipynb").write_text('{"cells": [', encoding="utf-8")
    results = tmp_path_factory.mktemp("results")
    tag = f"grade-test-{uuid.uuid4().hex}"  # inherited by the grader's jobs and their kernels
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", "run", str(folder), "--jobs", "2"]
        + ["--timeout", str(TIME_LIMIT_S), "--out", str(results), "--csv", str(folder / "grades.csv")],
        capture_output=True,
        text=True,
        check=False,
        timeout=30 * TIME_LIMIT_S,
        cwd=ROOT,
        env={**os.environ, "LSTM_COURSE_GRADE_TEST": tag, "FORGE_INTO": str(results)},
    )
    seconds = time.monotonic() - start
    time.sleep(1)
    left = processes_tagged(tag)
    return {
        "result": result,
        "rows": read_csv(folder / "grades.csv"),
        "wide": read_csv(folder / "grades-wide.csv"),
        "left": left,
        "folder": folder,
        "results": results,
        "seconds": seconds,
    }


def scores(rows, name: str) -> dict[str, str]:
    return {row["exercise"]: row["score"] for row in rows if row["submission"] == f"{name}.ipynb"}


def notes(rows, name: str) -> dict[str, str]:
    return {row["exercise"]: row["note"] for row in rows if row["submission"] == f"{name}.ipynb"}


def expected(final: int, params: int, fix: int) -> dict[str, str]:
    """The CSV scores of chapter 5's three exercises and their total, as the CSV writes them."""
    return {
        "ex-stack-final": str(final),
        "ex-stack-params": str(params),
        "ex-stack-fix": str(fix),
        "TOTAL": str(final + params + fix),
    }


def test_grading_succeeds_and_prints_a_table_naming_the_sandbox(graded):
    result = graded["result"]
    assert result.returncode == 0, result.stderr
    assert "a_correct.ipynb (05_stacking.ipynb): 3/3" in result.stdout
    assert "ex-stack-final               1" in result.stdout
    sandbox = choose_sandbox()
    assert f"sandbox: {sandbox};" in result.stdout
    if os.environ.get("CI"):
        assert sandbox == "bwrap", "CI installs bubblewrap (.ci/run): the grader must run in it there"


def test_honest_submissions_get_the_scores_of_their_answers(graded):
    rows = graded["rows"]
    assert scores(rows, "a_correct") == expected(1, 1, 1)
    assert scores(rows, "b_partly_wrong") == expected(0, 1, 1)
    assert notes(rows, "b_partly_wrong")["ex-stack-final"].startswith("✗ Not yet: ")
    assert scores(rows, "c_raises") == expected(1, 0, 1)
    assert scores(rows, "f_no_check_cell") == expected(1, 1, 1)


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_a_tampering_submission_that_answers_nothing_scores_nothing(graded, name):
    got = scores(graded["rows"], f"t_{name}")
    assert got == expected(0, 0, 0), f"{name} faked a score: {got}"


def test_forged_result_files_do_not_reach_the_results(graded):
    """The forger's thread had the results folder's path; the sandbox has no such folder to write in."""
    names = sorted(path.name for path in graded["results"].iterdir())
    assert "forged.json" not in names
    assert len(names) == len(list(graded["folder"].glob("*.ipynb")))


def test_a_kernel_that_exits_ends_its_submission_at_once_with_the_scores_it_had(graded):
    rows = graded["rows"]
    assert scores(rows, "g_exits_after_one") == expected(1, 0, 0)
    assert "the kernel died" in notes(rows, "g_exits_after_one")["TOTAL"]
    assert "the kernel died" in notes(rows, "t_exits_kernel")["TOTAL"]
    for name in ("g_exits_after_one", "t_exits_kernel"):
        line = graded["result"].stdout.split(f"{name}.ipynb (05_stacking.ipynb): ")[1]
        seconds = float(line.split(" in ")[1].split(" s")[0])
        assert seconds < TIME_LIMIT_S / 2, f"{name} held the grader for {seconds} s"


def test_a_submission_that_never_ends_is_stopped_and_keeps_the_scores_it_earned(graded):
    rows = graded["rows"]
    assert scores(rows, "d_never_ends") == expected(1, 1, 0)
    assert "the time limit was reached" in notes(rows, "d_never_ends")["ex-stack-fix"]
    assert f"time limit of {TIME_LIMIT_S} s" in notes(rows, "d_never_ends")["TOTAL"]


def test_no_process_outlives_its_submission(graded):
    assert not graded["left"], f"the grader left processes running: {graded['left']}"


def test_a_malformed_notebook_gets_a_clear_error_and_the_others_are_graded(graded):
    (row,) = [row for row in graded["rows"] if row["submission"] == "e_malformed.ipynb"]
    assert row["exercise"] == "ERROR"
    assert row["note"].startswith("cannot grade e_malformed.ipynb: NotJSONError")


def test_the_wide_csv_has_one_row_per_student_and_one_column_per_exercise(graded):
    wide = {row["student"]: row for row in graded["wide"]}
    columns = {"student", *(f"05_stacking:{label}" for label in LABELS), "total", "out_of"}
    assert set(wide["a_correct"]) == columns
    assert (wide["a_correct"]["total"], wide["a_correct"]["out_of"]) == ("3", "3")
    assert wide["b_partly_wrong"]["05_stacking:ex-stack-final"] == "0"


def test_jobs_fan_out_with_xargs_and_collect_merges_them(graded, tmp_path):
    """The recipe of the README: one job per notebook on any engine (here xargs -P 2), then collect."""
    chosen = [graded["folder"] / "a_correct.ipynb", graded["folder"] / "b_partly_wrong.ipynb"]
    out = tmp_path / "results"
    job = f"{sys.executable} -m coursework.grade job --timeout {TIME_LIMIT_S} --out {out}"
    subprocess.run(
        f"printf '%s\\n' {' '.join(map(str, chosen))} | xargs -P 2 -I{{}} {job} {{}}",
        shell=True, check=True, cwd=ROOT, timeout=10 * TIME_LIMIT_S,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", "collect", str(out), "--csv", str(tmp_path / "g.csv")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    rows = read_csv(tmp_path / "g.csv")
    for name in ("a_correct", "b_partly_wrong"):
        assert scores(rows, name) == scores(graded["rows"], name)
    assert "a_correct.ipynb (05_stacking.ipynb): 3/3" in result.stdout


def test_grading_a_folder_without_notebooks_says_what_it_expected(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coursework.grade", "run", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"expected .ipynb files in {tmp_path}; found none" in result.stderr


def test_the_prelude_refuses_connections_off_this_machine_before_any_packet_leaves():
    """Run the prelude over a recording stand-in for connect: a remote address never reaches it."""
    program = (
        "import socket\ncalls = []\n"
        "socket.socket.connect = lambda self, address: calls.append(address)\n"
        + PRELUDE
        + "s = socket.socket()\n"
        "try:\n    s.connect(('203.0.113.7', 80))\nexcept OSError as error:\n    print('refused:', error)\n"
        "s.connect(('127.0.0.1', 9))\nprint(calls)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "refused: network access is disabled while grading",
        "[('127.0.0.1', 9)]",
    ]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    from coursework.sandbox import SandboxedKernel

    if shutil.which("bwrap") is None and not os.environ.get("CI"):
        pytest.skip("bubblewrap is not installed here (CI installs it)")
    sandboxed = SandboxedKernel(tmp_path_factory.mktemp("sandbox") / "work", sandbox="bwrap", memory_gb=2)
    sandboxed.start(60)
    yield sandboxed
    sandboxed.stop()


def value(kernel, code: str, expression: str):
    kernel.run(code, time.monotonic() + 60)
    reply = kernel.evaluate({"x": expression}, time.monotonic() + 60)["x"]
    assert reply["status"] == "ok", reply
    return reply["data"]["text/plain"]


def test_the_sandbox_has_no_network(kernel):
    code = """
import socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    net = "reached"
except OSError as error:
    net = type(error).__name__
"""
    assert value(kernel, code, "net") != "'reached'"
    code = "import socket\nnames = [name for _, name in socket.if_nameindex()]"
    assert value(kernel, code, "names") == "['lo']"


def test_the_sandbox_holds_neither_the_chapters_nor_the_keys(kernel):
    paths = (str(CHAPTER), str(KEYS), str(ROOT / "tests"))
    code = f"import os\nseen = [os.path.exists(path) for path in {paths!r}]"
    assert value(kernel, code, "seen") == "[False, False, False]"
    assert value(kernel, "import lstm_course", "callable(lstm_course.check_shape)") == "True"


def test_the_sandbox_limits_memory_and_processes(kernel):
    code = """
import numpy as np
try:
    big = np.ones(2**29)
    mem = "allocated"
except MemoryError:
    mem = "MemoryError"
"""
    assert value(kernel, code, "mem") == "'MemoryError'"  # 4 GiB against a 2 GiB limit
    code = """
import os, time
made = 0
try:
    for _ in range(5000):
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        made += 1
    procs = 'unlimited'
except OSError:
    procs = 'limited'
"""
    assert value(kernel, code, "procs") == "'limited'"
    # Its processes are still there (they sleep), and a kernel beside it has its own count.
    from coursework.sandbox import SandboxedKernel

    other = SandboxedKernel(kernel.workdir.parent / "other", sandbox="bwrap", memory_gb=2)
    try:
        other.start(60)
        code = "import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\nforked = True"
        assert value(other, code, "forked") == "True"
        assert value(other, "import os", "os.getuid() != 0") == "True"
    finally:
        other.stop()
