"""Small fixes to the HTML the theme and its extensions write, found by the browser tests (tests/browser/).

- sphinx-thebe registers its inline configuration script twice under Jupyter Book, so every page declared
  `const THEBE_JS_URL` twice and the browser logged "Identifier 'THEBE_JS_URL' has already been declared".
  Each page now gets each script once.
- The theme's default colour mode is empty, so on a reader's first visit (nothing in localStorage yet) its
  script logged "Got invalid theme mode: . Resetting to auto." The default is now "auto" (follow the system
  setting), as the theme's documentation suggests (`html_context["default_mode"]`).
- The bibliography is a `role="list"` whose entries have `role="doc-biblioentry"`, a role DPUB-ARIA 1.1
  deprecates; axe-core reports it as a critical violation (a list must contain list items). The entries are
  now `role="listitem"`, which DPUB-ARIA names as the replacement.
- On a phone (390 px wide) some pages scrolled sideways or cut text off: a heading holding long inline code
  ran past the screen's edge, API signatures were one unbreakable word up to their first comma, inline math
  wider than its line was clipped, a previous/next link clipped its title, and the general index's two columns
  did not fit. static/reader_fixes.css, added to every page, fixes each; its rules act only where something
  would not fit, or only on narrow screens, so that wide screens render as before.
"""

from __future__ import annotations

import re
from pathlib import Path

_STATIC = Path(__file__).parent / "static"

_BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def _script_key(script):
    filename = getattr(script, "filename", script) or ""  # an inline script's is None or ""
    attributes = getattr(script, "attributes", {}) or {}
    return str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def fix_page(app, pagename, templatename, context, doctree):
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    if "doc-biblioentry" in context.get("body", ""):
        context["body"] = _BIBLIOENTRY.sub(r'\1 role="listitem"', context["body"])
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def add_static_path(app, config):
    # At config-inited, before the environment compares the configuration with the last build's: the path is
    # there every time, so adding it never makes a build look changed.
    config.html_static_path = [*config.html_static_path, str(_STATIC)]


def setup(app):
    app.connect("config-inited", add_static_path)
    app.add_css_file("reader_fixes.css", priority=900)  # after the theme's and the other extensions' CSS
    app.connect("html-page-context", fix_page, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
