"""Fixtures of the browser tests: the built book served on 127.0.0.1, one headless Chromium for the session,
and each page of the book opened once (offline) and read, then once more on a phone's screen and measured; the
tests then check what was read.

Run them with `make browser` (or `make test`, after the book build). They need the built book (`make book`)
and Debian's Chromium at /usr/bin/chromium; without it they fail, saying how to install it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bookpages import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, PHONE, offline_context, read_layout, serve, visit

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def book_pages() -> list[str]:
    """Every HTML page of the built book, as paths relative to _build/html (assets and sources excluded)."""
    if not (HTML / "index.html").exists():
        return []
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not skip.intersection(p.relative_to(HTML).parts)
    )


PAGES = book_pages()


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        # With no built book, one failing case says so (instead of collecting nothing and passing).
        metafunc.parametrize("page_path", PAGES or ["<no built book>"])


@pytest.fixture(scope="session")
def site():
    if not PAGES:
        pytest.fail(f"No built book at {HTML}: run `make book` first (or `make browser`, which builds it).")
    with serve(HTML) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def context(browser):
    context = offline_context(browser, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="session")
def visits(site, context):
    """Each page is opened and read once, axe-core included; the per-page tests look up their page here."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    cache = {}

    def get(page_path):
        if page_path not in cache:
            record, page = visit(context, site + page_path, keep_open=True)
            record.axe_violations = axe.run(page).response["violations"]
            page.close()
            cache[page_path] = record
        return cache[page_path]

    return get


@pytest.fixture(scope="session")
def phone_context(browser):
    """A phone's screen (bookpages.PHONE: 390 x 844, touch, the meta viewport honoured), offline as well."""
    context = offline_context(browser, **PHONE)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_layouts(site, phone_context):
    """Each page is opened once on the phone and measured (no axe-core, no second reading of the text)."""
    cache = {}

    def get(page_path):
        if page_path not in cache:
            cache[page_path] = read_layout(phone_context, site + page_path)
        return cache[page_path]

    return get
