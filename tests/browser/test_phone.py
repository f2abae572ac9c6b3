"""The book on a phone: every page, loaded at 390 x 844 CSS pixels (an iPhone 12 to 15, the page's meta
viewport honoured), neither scrolls sideways nor cuts anything off. What "does not fit" means precisely is
written above bookpages._READ_LAYOUT: the page no wider than the screen; every heading, paragraph, list item,
admonition, figure and image, and their text, within the screen; anything else within the box that holds it,
except inside a box that scrolls sideways itself (a code block, a table's wrapper, display math), which must
itself fit.

The fixes are CSS, in _ext/static/reader_fixes.css; test_checks_can_fail.py shows this check failing on pages
made too wide on purpose (a heading with long inline code among them).
"""

from __future__ import annotations

from bookpages import PHONE, layout_problems


def test_page_fits_a_phone_screen(phone_layouts, page_path):
    layout = phone_layouts(page_path)
    width = PHONE["viewport"]["width"]
    assert layout.width == width, (
        f"{page_path} lays out {layout.width} px wide, not {width}: no meta viewport?"
    )
    problems = layout_problems(layout)
    assert problems == [], f"{page_path} on a {width} px wide phone:\n" + "\n".join(problems)
