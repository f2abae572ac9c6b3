"""The built book as a reader sees it, in headless Chromium with no network: every page loads cleanly, its
math is typeset by the MathJax the book serves itself, its images load, its code outputs show, and axe-core
finds no serious or critical accessibility problem. Then the interactive parts: a solution dropdown, and the
search page.
"""

from __future__ import annotations

import pytest
from bookpages import looks_like_a_file_name, raw_math
from conftest import HTML, PAGES, SCREENSHOTS

CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]


def test_the_book_has_its_pages():
    assert "index.html" in PAGES and "search.html" in PAGES
    assert len(CHAPTERS) >= 10, CHAPTERS


def test_page_loads_cleanly(visits, page_path):
    seen = visits(page_path)
    assert seen.console_errors == [], f"console errors on {page_path}"
    assert seen.failed_requests == [], f"failed requests on {page_path}"


def test_page_needs_no_network(visits, page_path):
    """Every request leaving 127.0.0.1 was blocked and recorded: a page that tried none reads offline."""
    seen = visits(page_path)
    assert seen.remote_requests == [], f"{page_path} tried to reach the network"


def test_math_is_typeset_by_the_books_own_mathjax(visits, page_path):
    seen = visits(page_path)
    assert raw_math(seen.text) == [], f"untypeset TeX in the visible text of {page_path}"
    math = seen.math
    assert math["untypeset"] == [], f"math elements MathJax left alone on {page_path}"
    assert math["errors"] == [], f"TeX errors on {page_path}"
    if math["elements"]:
        assert math["mathjax_loaded"] and math["mathjax_version"].startswith("3."), math
        assert math["rendered"] >= math["elements"], math


def test_chapters_with_equations_render_them():
    """The per-page math test has something to check: the chapters that teach the equations have math."""
    with_math = [p for p in CHAPTERS if 'class="math' in (HTML / p).read_text(encoding="utf-8")]
    assert "chapters/01_cell_state.html" in with_math
    assert len(with_math) >= 5, with_math


def test_images_load_and_have_alt_text(visits, page_path):
    seen = visits(page_path)
    broken = [i["src"] for i in seen.images if i["naturalWidth"] == 0]
    assert broken == [], f"images that did not load on {page_path}"
    no_alt = [i["src"] for i in seen.images if not (i["alt"] or "").strip()]
    assert no_alt == [], f"images without alt text on {page_path}"


# Plots that notebooks draw get, from myst-nb, their own file path as alt text unless the cell says otherwise:
# present (so axe passes) but useless to a screen reader. Every plotting cell of chapters/*.ipynb therefore
# carries `mystnb: image: alt:` metadata, and this test keeps it so.
def test_figures_have_real_alt_text(visits, page_path):
    seen = visits(page_path)
    path_only = [i["src"] for i in seen.images if looks_like_a_file_name(i["alt"], i["src"])]
    assert path_only == [], f"images whose alt text is only a file name on {page_path}"


def test_code_outputs_are_visible(visits, page_path):
    seen = visits(page_path)
    outputs = seen.outputs
    assert outputs["hidden"] == [], f"code outputs hidden on {page_path}"
    assert outputs["empty"] == [], f"visible but empty code outputs on {page_path}"
    assert outputs["visible"] + outputs["hidden_by_design"] == outputs["total"]
    if page_path in CHAPTERS:
        assert outputs["visible"] >= 1, f"{page_path} shows no code output"


def test_no_serious_accessibility_violations(visits, page_path):
    seen = visits(page_path)
    bad = [
        f"{v['impact']} {v['id']}: {v['help']} -- {[n['target'] for n in v['nodes'][:3]]}"
        for v in seen.axe_violations
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"axe-core on {page_path}:\n" + "\n".join(bad)


def test_a_solution_dropdown_opens_on_click(site, context):
    page = context.new_page()
    try:
        page.goto(site + "chapters/03_return_sequences.html", wait_until="load")
        solution = page.locator("div.solution.dropdown").first
        body = solution.locator("section, .solution-content, p").last
        assert solution.count() == 1
        assert not body.is_visible(), "the solution shows before it is opened"
        solution.locator("button.toggle-button").first.click()
        body.wait_for(state="visible", timeout=5000)
        assert body.is_visible()
    finally:
        page.close()


def test_search_finds_the_chapters_on_return_sequences(site, context):
    page = context.new_page()
    try:
        page.goto(site + "search.html?q=return_sequences", wait_until="load")
        page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary') || {}).textContent"
            " && document.querySelector('#search-results .search-summary').textContent.includes('found')",
            timeout=20000,
        )
        hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
        found = {h.split("?")[0].split("#")[0].removeprefix(site) for h in hrefs}
        assert "chapters/03_return_sequences.html" in found, found
        assert "chapters/05_stacking.html" in found, found
    finally:
        page.close()


@pytest.mark.parametrize("shot", ["index.html", "chapters/01_cell_state.html"])
def test_screenshot(site, context, shot):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    try:
        page.goto(site + shot, wait_until="networkidle")
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        target = SCREENSHOTS / (shot.replace("/", "_").removesuffix(".html") + ".png")
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000  # a blank page is a few kilobytes
    finally:
        page.close()
