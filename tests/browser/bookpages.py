"""Serve a folder on 127.0.0.1, open its pages in Chromium with every non-local request blocked, and read back
what a reader would see: console errors, failed and blocked requests, untypeset math, images, code outputs.

The browser tests (test_*.py beside this file) use these helpers on the built book, and the self-tests use
them on tiny pages that are broken on purpose, to prove each check can fail.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Debian's Chromium; BOOK_CHROMIUM names another binary (the self-test uses it to play a machine without one).
CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = (
    f"Chromium is missing: the browser tests drive Debian's Chromium at {CHROMIUM} (Playwright never "
    "downloads a browser here). Install it with `apt-get install -y chromium` (as root; with sudo "
    "otherwise), then run `make browser` again."
)
# Root in CI and no outside network: no sandbox, no GPU, and none of Chromium's own background traffic. The
# resolver rule makes any name but localhost unresolvable, so nothing can leave the machine even unrouted.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

# What untypeset TeX looks like in a page's visible text (code blocks and outputs excepted).
RAW_MATH = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\end\{|\\frac\{|\\mathbf\{")


def raw_math(text: str) -> list[str]:
    """The TeX delimiters and commands left as plain text in `text` (empty when all math was typeset)."""
    return [m.group(0) for m in RAW_MATH.finditer(text)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` over HTTP on 127.0.0.1 on a free port; yields the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Visit:
    """What happened while one page loaded, and what it shows."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    text: str = ""  # visible prose: no code, no outputs, no typeset math
    math: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    outputs: dict = field(default_factory=dict)
    axe_violations: list = field(default_factory=list)


def offline_context(browser, **kwargs):
    """A browser context that lets through only requests to this machine; the others are aborted and recorded
    in `context.remote_requests`."""
    context = browser.new_context(**kwargs)
    context.remote_requests = []

    def route(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            context.remote_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return context


# Everything is read in the page: MathJax has finished, images are scrolled to and decoded.
_READ_PAGE = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (document.fonts) { await document.fonts.ready; }
  const skip = 'pre, code, script, style, noscript, textarea, template, mjx-container, .cell_output, '
    + '.highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && !el.closest(skip) && el.getClientRects().length) { parts.push(n.textContent); }
  }
  const maths = [...document.querySelectorAll('.math')];
  const math = {
    elements: maths.length,
    untypeset: maths.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
    rendered: document.querySelectorAll('mjx-container').length,
    errors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80)),
    mathjax_loaded: !!(window.MathJax && MathJax.version),
    mathjax_version: window.MathJax && MathJax.version || null,
  };
  const images = [];
  for (const img of document.images) {
    img.loading = 'eager';
    img.scrollIntoView();
    try { await img.decode(); } catch (e) { /* reported below as naturalWidth 0 */ }
    images.push({src: img.getAttribute('src'), alt: img.getAttribute('alt'), naturalWidth: img.naturalWidth,
                 shown: img.getClientRects().length > 0});
  }
  window.scrollTo(0, 0);
  // A code output may be hidden on purpose (a hide-output tag, a closed dropdown); any other must be visible.
  const byDesign = 'details:not([open]), .toggle-hidden, .tag_hide-output, .tag_remove-output, .dropdown';
  const outs = [...document.querySelectorAll('.cell_output')];
  const outputs = {
    total: outs.length,
    visible: outs.filter(e => e.checkVisibility() && e.getBoundingClientRect().height > 0).length,
    hidden_by_design: outs.filter(e => !e.checkVisibility() && e.closest(byDesign)).length,
    hidden: outs.filter(e => !e.checkVisibility() && !e.closest(byDesign))
      .map(e => e.textContent.trim().slice(0, 80)),
    empty: outs.filter(e => e.checkVisibility() && !e.textContent.trim() && !e.querySelector('img, svg'))
      .map(e => e.outerHTML.slice(0, 80)),
  };
  return {text: parts.join(' '), math, images, outputs};
}
"""


def visit(context, url: str, *, keep_open: bool = False):
    """Open `url` in a new page of `context` and read it. Returns the Visit, and the page when `keep_open`."""
    page = context.new_page()
    record = Visit(url=url)
    blocked_before = len(getattr(context, "remote_requests", []))
    reading = [True]  # what happens after the page was read (axe-core's own probes, say) is not the page's

    def note(where, what):
        if reading[0]:
            where.append(what)

    page.on("console", lambda m: m.type == "error" and note(record.console_errors, m.text))
    page.on("pageerror", lambda e: note(record.console_errors, f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: (
            urlsplit(r.url).hostname in LOCAL_HOSTS and note(record.failed_requests, f"{r.url} ({r.failure})")
        ),
    )
    page.on(
        "response", lambda r: r.status >= 400 and note(record.failed_requests, f"{r.url} (HTTP {r.status})")
    )
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    seen = page.evaluate(_READ_PAGE)  # it waits for MathJax, the fonts and every image itself
    reading[0] = False
    record.text, record.math, record.images, record.outputs = (
        seen["text"],
        seen["math"],
        seen["images"],
        seen["outputs"],
    )
    record.remote_requests = list(getattr(context, "remote_requests", [])[blocked_before:])
    if keep_open:
        return record, page
    page.close()
    return record


def looks_like_a_file_name(alt: str | None, src: str | None) -> bool:
    """True when an image's alt text is only its own path (myst-nb's alt for a plot that has none)."""
    if not alt:
        return False
    return alt == src or bool(re.fullmatch(r"[\w./-]*\.(png|jpe?g|svg|gif|webp)", alt))
