"""shape_table_html writes rows of shapes as a deterministic, escaped HTML table."""

from __future__ import annotations

import re

import pytest

from lstm_course import shape_table_html

CODE = '<code style="white-space: nowrap">'
ROWS = [
    {"layer": "LSTM", "returns": (2, 4), "tensors": 1, "ok": True},
    {"layer": "GRU", "returns": [(2, 5, 4), (2, 4)], "tensors": 2, "ok": False},
]


def test_table_has_a_header_and_one_row_per_dict_in_order():
    text = shape_table_html(ROWS)
    assert text.startswith(
        '<table class="table">\n<thead><tr><th>layer</th><th>returns</th><th>tensors</th><th>ok</th>'
    )
    assert text.endswith("</tbody>\n</table>")
    body = re.findall(r"<tr><td>.*</td></tr>", text)
    assert body == [
        f"<tr><td>LSTM</td><td>{CODE}(2, 4)</code></td><td>1</td><td>True</td></tr>",
        f"<tr><td>GRU</td><td>{CODE}(2, 5, 4)</code>, {CODE}(2, 4)</code></td><td>2</td><td>False</td></tr>",
    ]


def test_column_names_may_break_after_underscores():
    text = shape_table_html([{"return_sequences": True, "tensors": 1}])
    assert "<thead><tr><th>return_<wbr>sequences</th><th>tensors</th></tr></thead>" in text


def test_the_same_rows_always_give_the_same_text():
    assert shape_table_html(ROWS) == shape_table_html([dict(row) for row in ROWS])


def test_shapes_with_none_one_axis_and_lists_of_shapes_are_written_as_python_would():
    text = shape_table_html([{"a": (None, 3), "b": (7,), "c": ((1, 2), (None, 2))}])
    assert f"<td>{CODE}(None, 3)</code></td><td>{CODE}(7,)</code></td>" in text
    assert f"<td>{CODE}(1, 2)</code>, {CODE}(None, 2)</code></td>" in text


def test_runs_of_equal_shapes_are_written_once_with_their_count_in_order():
    text = shape_table_html([{"out": [(2, 5, 4), (2, 5, 4), (2, 4), (2, 4), (2, 4), (2, 4), (2, 5, 4)]}])
    nowrap = '<span style="white-space: nowrap">'
    assert text.splitlines()[3] == (
        f"<tr><td>{nowrap}{CODE}(2, 5, 4)</code> × 2</span>, {nowrap}{CODE}(2, 4)</code> × 4</span>, "
        f"{CODE}(2, 5, 4)</code></td></tr>"
    )


def test_an_empty_list_is_a_dash_and_an_empty_tuple_a_scalar_shape():
    text = shape_table_html([{"states": [], "scalar": ()}])
    assert f"<td>—</td><td>{CODE}()</code></td>" in text


def test_columns_choose_and_order_the_columns_and_a_caption_is_escaped():
    text = shape_table_html(ROWS, columns=["ok", "layer"], caption="LSTM <4> & co")
    assert "<caption>LSTM &lt;4&gt; &amp; co</caption>" in text
    assert "<thead><tr><th>ok</th><th>layer</th></tr></thead>" in text
    assert "<tr><td>True</td><td>LSTM</td></tr>" in text


def test_text_is_escaped_and_non_shapes_are_written_with_str():
    text = shape_table_html([{"<b>": "merge_mode='sum' & <x>", "n": None, "mixed": (1, "a")}])
    assert "<th>&lt;b&gt;</th>" in text
    assert "<td>merge_mode=&#x27;sum&#x27; &amp; &lt;x&gt;</td>" in text
    assert "<td>None</td>" in text
    assert "<td>(1, &#x27;a&#x27;)</td>" in text


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: shape_table_html([]), ValueError, r"rows must hold at least one row; got an empty list"),
        (lambda: shape_table_html({"a": 1}), TypeError, r"rows must be a list of dicts; got \{'a': 1\}"),
        (
            lambda: shape_table_html([{"a": 1}, 2]),
            TypeError,
            r"rows must be a list of dicts; row 1 is 2",
        ),
        (
            lambda: shape_table_html([{"a": 1}, {"b": 2}]),
            ValueError,
            r"row 1 lacks the column\(s\) 'a'; it has 'b'",
        ),
        (
            lambda: shape_table_html([{"a": 1}], columns="a"),
            TypeError,
            r"columns must be a list of column names; got 'a'",
        ),
    ],
)
def test_bad_rows_are_rejected_naming_expected_and_received(call, error, message):
    with pytest.raises(error, match=message):
        call()
