"""Serve a folder on 127.0.0.1, open its pages in Chromium with every non-local request blocked, and read back
what a reader would see: console errors, failed and blocked requests, untypeset math, images, code outputs;
and what does not fit a phone's screen.

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


# A phone: 390 x 844 CSS pixels, three device pixels to one, touch, and the page's meta viewport honoured (an
# iPhone 12 to 15). Every page of the book is loaded once more in a context like this, and measured.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TOLERANCE_PX = 1  # sub-pixel layout: an edge within a pixel of its bound fits

# What does not fit the screen, measured once the page has settled (MathJax done, fonts and images in).
#
# The screen's width is the layout viewport's, document.documentElement.clientWidth: on the phone the meta
# viewport makes it 390, and it stays 390 when content overflows (window.innerWidth grows with the content
# instead, and the phone zooms out). The page fails when document.documentElement.scrollWidth exceeds it (it
# scrolls sideways), and when any node (element or run of text) reaches past the bound that holds it, one walk
# over the rendered tree carrying that bound down:
# - the viewport, for content in normal flow: past its right edge the page scrolls sideways, past its left
#   edge (or past the right one when the root hides overflow) the content cannot be seen; a position: fixed
#   subtree is held to the layout viewport (window.innerWidth), as it does not scroll;
# - the padding box of the nearest ancestor with overflow-x hidden or clip (one that makes a box: not display
#   inline or contents): past it, the node is cut off;
# - nothing, inside the nearest ancestor with overflow-x auto or scroll (a code block, the theme's table
#   wrapper, display math): the reader scrolls that box, which is itself held to the bound outside it.
# Besides, reading blocks (headings, paragraphs, list items, dt and dd, quotations, admonitions, figures and
# their captions, images, SVG, video) that are not inside a table, code or math, and every node of their text,
# must fit the viewport even inside a container that scrolls: a heading one scrolls sideways to read is the
# bug whichever box holds the scrollbar. A scroll container inside such a block (a code block in a list item)
# lifts this for what it holds.
# Not measured: display none, visibility hidden, content a closed <details> hides, boxes of no size, visually
# hidden text (clip or clip-path: text for screen readers, MathJax's assistive MathML), and the inside of an
# <svg> or of MathJax's output (the mjx-container and its mjx-math stand for it). A node past its bound is
# reported and not entered; the nodes of one reading block are reported as one, spanning them all.
_READ_LAYOUT = """
async ([tolerance]) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (document.fonts) { await document.fonts.ready; }
  await Promise.all([...document.images].map(img => {
    img.loading = 'eager';
    return img.decode().catch(() => null);  // a broken image is another test's to report
  }));
  window.scrollTo(0, 0);
  const root = document.documentElement;
  const viewport = {left: 0, right: root.clientWidth, name: 'the viewport'};
  const reading = 'h1, h2, h3, h4, h5, h6, p, li, dt, dd, blockquote, figure, figcaption, caption, img, svg, '
    + 'video, canvas, iframe, .admonition, .sidebar, .topic';
  const wide = 'table, pre, mjx-container';  // what they hold is their content, not prose: it may scroll
  const name = (el) => {
    const classes = [...el.classList].slice(0, 3);
    return el.localName + (el.id ? '#' + el.id : '') + (classes.length ? '.' + classes.join('.') : '');
  };
  const snippet = (el) => {  // its text, or an image's alt text or address
    const text = el.textContent.trim() ? el.textContent : el.getAttribute('alt') || el.getAttribute('src');
    return (text || '').replace(/\\s+/g, ' ').trim().slice(0, 80);
  };
  const outside = (r, box) => r.right > box.right + tolerance || r.left < box.left - tolerance;
  const found = [];
  const byBlock = new Map();
  const report = (what, el, r, box, block) => {
    if (!el.checkVisibility({visibilityProperty: true})) { return false; }  // e.g. in a closed <details>
    const seen = block && byBlock.get(block);
    if (seen) {
      seen.left = Math.min(seen.left, Math.round(r.left));
      seen.right = Math.max(seen.right, Math.round(r.right));
      return true;
    }
    const entry = {node: what, block: block ? name(block) : null, text: snippet(block || el),
                   left: Math.round(r.left), right: Math.round(r.right), bound: box.name,
                   bound_left: Math.round(box.left), bound_right: Math.round(box.right)};
    found.push(entry);
    if (block) { byBlock.set(block, entry); }
    return true;
  };
  // A node's rectangle against the bound that holds it, and against the viewport if it is in a reading block.
  const check = (what, el, r, ctx) => {
    if (r.width === 0 && r.height === 0) { return false; }
    if (ctx.box && outside(r, ctx.box)) { return report(what, el, r, ctx.box, ctx.block); }
    if (ctx.block && outside(r, ctx.view)) {
      const view = {...ctx.view, name: ctx.view.name + ' (inside a box that scrolls)'};
      return report(what, el, r, view, ctx.block);
    }
    return false;
  };
  const range = document.createRange();
  const walk = (el, ctx) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.clip !== 'auto' || style.clipPath !== 'none') { return; }
    const here = {...ctx};
    if (style.position === 'fixed') {
      here.view = {left: 0, right: window.innerWidth, name: 'the viewport'};
      here.box = here.view;
    }
    if (!ctx.wide && el.matches(reading)) { here.block = el; }
    const shown = style.visibility !== 'hidden';
    if (shown && el !== document.body && check(name(el), el, el.getBoundingClientRect(), here)) { return; }
    if (el.localName === 'svg') { return; }
    // The bound of what it holds.
    const inner = {...here, wide: ctx.wide || el.matches(wide)};
    const makesBox = el !== document.body && !['inline', 'contents'].includes(style.display);
    if (makesBox && ['auto', 'scroll'].includes(style.overflowX)) {
      inner.box = null;
      inner.block = null;
    } else if (makesBox && ['hidden', 'clip'].includes(style.overflowX)) {
      const left = el.getBoundingClientRect().left + el.clientLeft;
      inner.box = {left, right: left + el.clientWidth, name: 'the box that clips it, ' + name(el)};
    }
    if (el.localName === 'mjx-container') {
      for (const math of el.children) {
        if (math.localName === 'mjx-math') { check(name(math), math, math.getBoundingClientRect(), inner); }
      }
      return;
    }
    for (const child of el.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        walk(child, inner);
      } else if (shown && child.nodeType === Node.TEXT_NODE && (inner.box || inner.block)
                 && child.data.trim()) {
        range.selectNodeContents(child);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (rects.length) {
          const left = Math.min(...rects.map(r => r.left));
          const right = Math.max(...rects.map(r => r.right));
          check('text of ' + name(el), el, {left, right, width: right - left, height: 1}, inner);
        }
      }
    }
  };
  walk(document.body, {view: viewport, box: viewport, block: null, wide: false});
  return {width: root.clientWidth, scroll_width: root.scrollWidth, overflows: found};
}
"""


@dataclass
class Layout:
    """How one page lays out at one width: the viewport's width, the page's, and what does not fit."""

    url: str
    width: int = 0
    scroll_width: int = 0
    overflows: list[dict] = field(default_factory=list)


def read_layout(context, url: str) -> Layout:
    """Open `url` in a new page of `context` (closed after), let it settle and measure what does not fit its
    viewport (see _READ_LAYOUT). A page that redirects (the book's index.html) is read where it leads."""
    from playwright.sync_api import Error

    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        try:
            redirects = page.evaluate("() => !!document.querySelector('meta[http-equiv=refresh i]')")
        except Error:  # the redirect has replaced the page already
            redirects = True
        if redirects:
            page.wait_for_url(lambda now: now != url)
            page.wait_for_load_state("load")
        seen = page.evaluate(_READ_LAYOUT, [TOLERANCE_PX])
    finally:
        page.close()
    return Layout(
        url=url, width=seen["width"], scroll_width=seen["scroll_width"], overflows=seen["overflows"]
    )


def layout_problems(layout: Layout) -> list[str]:
    """What a reader of the page would have to scroll sideways for, or could not see: one line each (none when
    everything fits)."""
    problems = []
    if layout.scroll_width > layout.width + TOLERANCE_PX:
        problems.append(
            f"the page is {layout.scroll_width} px wide on a {layout.width} px screen: it scrolls sideways"
        )
    for o in layout.overflows:
        where = o["node"] if o["block"] in (None, o["node"]) else f"{o['node']} in {o['block']}"
        problems.append(
            f"{where} spans {o['left']}..{o['right']} px, past {o['bound']} "
            f"({o['bound_left']}..{o['bound_right']} px): {o['text']!r}"
        )
    return problems


def looks_like_a_file_name(alt: str | None, src: str | None) -> bool:
    """True when an image's alt text is only its own path (myst-nb's alt for a plot that has none)."""
    if not alt:
        return False
    return alt == src or bool(re.fullmatch(r"[\w./-]*\.(png|jpe?g|svg|gif|webp)", alt))
