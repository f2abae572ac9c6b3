"""The browser checks catch what they are for: a tiny page broken on purpose (raw TeX, a missing image without
alt text, a hidden output, a console error, a script from a CDN) is flagged by each of them. On the phone's
screen, pages too wide on purpose (a heading with long inline code, text cut off by its box, a heading in a
box that scrolls, a wide image, text past a root that hides overflow) fail the phone check, while a page of
what may be wider than the screen (a code block, a table and display math, each in a box that scrolls; text
for screen readers; a closed solution) passes it. Without Chromium the tests fail, saying how to install it,
rather than skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bookpages import (
    INSTALL_HINT,
    PHONE,
    layout_problems,
    looks_like_a_file_name,
    raw_math,
    read_layout,
    serve,
    visit,
)

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


_PHONE_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>On a phone</title><style>body { margin: 0 16px; font: 16px sans-serif; } code { white-space: nowrap; }
</style></head><body><main>
"""
LONG = "return_sequences_and_return_state_and_stateful_and_go_backwards"  # one word, about 500 px wide

# Each element with an id here is too wide in its own way; the page scrolls sideways.
TOO_WIDE = f"""{_PHONE_HEAD}
<h2 id="wide-heading">Example 2: a single LSTM layer, <code>{LONG}=True</code></h2>
<div style="overflow: hidden; width: 200px"><p id="cut-off">{LONG}</p></div>
<div style="overflow-x: auto"><h3 id="heading-that-scrolls">{LONG}</h3></div>
<img id="wide-image" src="wide.svg" width="600" height="20" alt="A bar 600 px wide">
</main></body></html>
"""
WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="20"><rect width="600" height="20"/></svg>'
)

# The root hides overflow: the page cannot scroll sideways, and the end of the paragraph cannot be seen.
ROOT_HIDES = f"""{_PHONE_HEAD}
<style>html, body {{ overflow-x: hidden; }}</style><p id="past-the-edge">{LONG}</p></main></body></html>
"""

# What may be wider than the screen, as the book has it: none of it fails.
FITS = f"""{_PHONE_HEAD}
<h2>A heading that wraps, with <code>return_sequences=True</code></h2>
<div class="highlight" style="overflow-x: auto"><pre>layer = keras.layers.LSTM(64, {LONG}=True)</pre></div>
<div style="overflow-x: auto"><table><tr><td>{LONG}</td><td>{LONG}</td></tr></table></div>
<div class="math" style="overflow-x: auto"><span style="display: inline-block; width: 800px">x</span></div>
<ul><li>A code block in a list item:<div style="overflow-x: auto"><pre>{LONG} = 1</pre></div></li></ul>
<span style="position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap">{LONG} {LONG}, for screen readers</span>
<p style="display: none">{LONG}</p>
<details><summary>Solution</summary><p>{LONG}</p></details>
<div style="position: fixed; bottom: 0; left: 0; right: 0; height: 8px; background: #ccc"></div>
</main></body></html>
"""


@pytest.fixture(scope="module")
def on_a_phone(tmp_path_factory, phone_context):
    """The layouts of the three pages above on the phone's screen, each page opened once."""
    folder = tmp_path_factory.mktemp("phone")
    pages = {
        "too_wide.html": TOO_WIDE,
        "root_hides.html": ROOT_HIDES,
        "fits.html": FITS,
        "wide.svg": WIDE_SVG,
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    with serve(folder) as base:
        yield {name: read_layout(phone_context, base + name) for name in pages if name.endswith(".html")}


def test_a_too_wide_heading_fails_the_phone_check(on_a_phone):
    layout = on_a_phone["too_wide.html"]
    assert layout.width == PHONE["viewport"]["width"]
    problems = layout_problems(layout)
    assert layout.scroll_width > layout.width and "scrolls sideways" in problems[0], problems
    heading = [p for p in problems if "h2#wide-heading" in p]
    assert len(heading) == 1 and "past the viewport" in heading[0], problems


def test_clipped_text_a_heading_that_scrolls_and_a_wide_image_fail_the_phone_check(on_a_phone):
    problems = layout_problems(on_a_phone["too_wide.html"])
    flagged = {
        "p#cut-off": "past the box that clips it",
        "h3#heading-that-scrolls": "past the viewport (inside a box that scrolls)",
        "img#wide-image": "past the viewport",
    }
    for node, why in flagged.items():
        assert any(node in p and why in p for p in problems), (node, problems)
    assert len(problems) == 1 + 1 + len(flagged), problems  # the page, the heading, and these


def test_text_past_a_root_that_hides_overflow_fails_the_phone_check(on_a_phone):
    problems = layout_problems(on_a_phone["root_hides.html"])
    assert any("p#past-the-edge" in p and "past the viewport" in p for p in problems), problems


def test_what_may_be_wide_passes_the_phone_check(on_a_phone):
    layout = on_a_phone["fits.html"]
    assert layout.width == PHONE["viewport"]["width"]
    assert layout_problems(layout) == []


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
