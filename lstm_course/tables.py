"""Tables of shapes as HTML, for notebooks: the same rows always give the same text.

A notebook shows the table with ``IPython.display.HTML(shape_table_html(rows))``; nbval then
compares the HTML itself, so the table in the book is checked like any printed output.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from lstm_course._validate import describe_value, is_int

__all__ = ["shape_table_html"]


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(entry is None or is_int(entry) for entry in value)


def _shape_text(shape: tuple[int | None, ...]) -> str:
    inside = ", ".join("None" if entry is None else str(int(entry)) for entry in shape)
    return f"({inside},)" if len(shape) == 1 else f"({inside})"


def _code(shape: tuple[int | None, ...]) -> str:
    # A shape never breaks across lines: its spaces are non-breaking.
    return f'<code style="white-space: nowrap">{_shape_text(shape)}</code>'


def _cell(value: Any) -> str:
    """The HTML of one table cell's content."""
    if _is_shape(value):
        return _code(value)
    if isinstance(value, list) and not value:
        return "—"
    if isinstance(value, (list, tuple)) and value and all(_is_shape(item) for item in value):
        parts = []
        for shape, run in itertools.groupby(tuple(item) for item in value):
            repeats = len(list(run))
            parts.append(
                _code(shape)
                if repeats == 1
                else f'<span style="white-space: nowrap">{_code(shape)} × {repeats}</span>'
            )
        return ", ".join(parts)
    return html.escape(str(value))


def shape_table_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
) -> str:
    """Render rows of shapes and flags as an HTML table.

    A shape (a tuple of integers or None) is written as code, ``(2, 5, 4)``, that never breaks
    across lines. A list or tuple of shapes is written as those shapes in order, separated by
    commas, with a run of equal shapes written once with its count: ``[(2, 8), (2, 4), (2, 4)]``
    becomes ``(2, 8), (2, 4) × 2``. An empty list is a dash, "—"; anything else is
    ``str(value)``, with HTML special characters escaped. A column name may break across lines
    after an underscore.

    Parameters
    ----------
    rows : list of dict
        One dict per row, column name to value.
    columns : list of str, optional
        The columns to show, in order; by default the keys of the first row.
    caption : str, optional
        A caption above the table.

    Returns
    -------
    str
        The ``<table>`` element, one row per line. Its class ``table`` gives it the book theme's
        table style (padding, borders, alternating row colours).

    Raises
    ------
    TypeError
        If ``rows`` is not a list of dicts, or ``columns`` is not a list of names.
    ValueError
        If ``rows`` is empty or a row lacks one of the columns.

    Examples
    --------
    >>> from lstm_course import shape_table_html
    >>> print(shape_table_html([{"layer": "GRU(4)", "output": (2, 4), "ok": True}]))
    <table class="table">
    <thead><tr><th>layer</th><th>output</th><th>ok</th></tr></thead>
    <tbody>
    <tr><td>GRU(4)</td><td><code style="white-space: nowrap">(2, 4)</code></td><td>True</td></tr>
    </tbody>
    </table>
    """
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of dicts; got {describe_value(rows)}")
    if not rows:
        raise ValueError("rows must hold at least one row; got an empty list")
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"rows must be a list of dicts; row {index} is {describe_value(row)}")
    if columns is None:
        columns = list(rows[0])
    elif isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence):
        raise TypeError(f"columns must be a list of column names; got {describe_value(columns)}")
    for index, row in enumerate(rows):
        missing = [name for name in columns if name not in row]
        if missing:
            raise ValueError(
                f"row {index} lacks the column(s) {', '.join(map(repr, missing))}; "
                f"it has {', '.join(map(repr, row))}"
            )
    lines = ['<table class="table">']
    if caption is not None:
        lines.append(f"<caption>{html.escape(str(caption))}</caption>")
    # A long column name such as return_sequences may break after its underscores (<wbr>), so
    # that the table fits the narrow column of the book.
    header = "".join(f"<th>{html.escape(str(name)).replace('_', '_<wbr>')}</th>" for name in columns)
    lines += [f"<thead><tr>{header}</tr></thead>", "<tbody>"]
    for row in rows:
        lines.append("<tr>" + "".join(f"<td>{_cell(row[name])}</td>" for name in columns) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
