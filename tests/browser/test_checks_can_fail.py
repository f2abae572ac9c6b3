"""The browser checks catch what they are for: a tiny page broken on purpose (raw TeX, a missing image without
alt text, a hidden output, a console error, a script from a CDN) is flagged by each of them, and without
Chromium the tests fail, saying how to install it, rather than skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bookpages import INSTALL_HINT, looks_like_a_file_name, raw_math, serve, visit

BROKEN_PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken on purpose</title>
<script src="https://cdn.example.invalid/mathjax/tex-chtml.js"></script>
</head><body><main>
<h1>Broken on purpose</h1>
<p>The hidden state <span class="math notranslate nohighlight">\(h_t\)</span> is never typeset, nor is</p>
<div class="math notranslate nohighlight">$$c_t = f_t \odot c_{t-1}$$</div>
<img src="missing.png">
<div class="cell_output" style="display: none"><pre>(3, 64)</pre></div>
<script>console.error("broken on purpose");</script>
</main></body></html>
"""


def test_raw_math_detector():
    assert raw_math(r"where \(h_t\) is the hidden state") == [r"\(", r"\)"]
    assert raw_math("$$c_t = f_t c_{t-1}$$") == ["$$", "$$"]
    assert raw_math(r"\begin{align} x \end{align}") == [r"\begin{", r"\end{"]
    assert raw_math("The output has shape (3, 64) and costs $5.") == []


def test_file_name_alt_detector():
    src = "../_images/01d549bc1ede.png"
    assert looks_like_a_file_name(src, src)
    assert looks_like_a_file_name("plot.png", "../_images/plot.png")
    assert not looks_like_a_file_name("The loss falls from 1.2 to 0.1 over 20 epochs.", src)
    assert not looks_like_a_file_name(None, src)


@pytest.fixture(scope="module")
def broken(tmp_path_factory, context):
    folder = tmp_path_factory.mktemp("broken")
    (folder / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    with serve(folder) as base:
        record, page = visit(context, base + "index.html", keep_open=True)
        from axe_playwright_python.sync_playwright import Axe

        record.axe_violations = Axe().run(page).response["violations"]
        page.close()
        yield record


def test_remote_request_is_blocked_and_recorded(broken):
    assert broken.remote_requests == ["https://cdn.example.invalid/mathjax/tex-chtml.js"]


def test_untypeset_math_is_flagged(broken):
    assert r"\(" in raw_math(broken.text) and "$$" in raw_math(broken.text)
    assert len(broken.math["untypeset"]) == 2
    assert not broken.math["mathjax_loaded"]


def test_missing_image_console_error_and_hidden_output_are_flagged(broken):
    assert [i["naturalWidth"] for i in broken.images] == [0]
    assert broken.images[0]["alt"] is None
    assert any("missing.png" in f and "404" in f for f in broken.failed_requests), broken.failed_requests
    assert "broken on purpose" in broken.console_errors
    assert broken.outputs["hidden"] == ["(3, 64)"]


def test_axe_flags_an_image_without_alt(broken):
    serious = {v["id"] for v in broken.axe_violations if v["impact"] in ("serious", "critical")}
    assert "image-alt" in serious, broken.axe_violations


def test_missing_chromium_fails_with_the_install_command(tmp_path):
    """One browser test in a child pytest with Chromium 'missing' fails (not skips) and says what to do."""
    here = Path(__file__).parent
    env = dict(os.environ, BOOK_CHROMIUM=str(tmp_path / "no-chromium"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "-k",
            "test_search_finds",
            str(here),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "apt-get install -y chromium" in done.stdout
    assert "1 error" in done.stdout or "1 failed" in done.stdout
    assert "apt-get install -y chromium" in INSTALL_HINT
