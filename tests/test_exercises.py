"""The exercise checkers return a CheckResult: truthy when right, shown as one line naming the mistake.

A wrong answer's line names the kind of mistake and never the expected answer, unless an instructor
turns hints on. The likely mistakes come from ``lstm_course.mistakes``, whose catalogue, canonical
answers and expected answers are tested here too.
"""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest

from lstm_course import (
    CheckResult,
    check_close,
    check_output_shape,
    check_param_count,
    check_shape,
    check_value,
    lstm_output_shape,
    lstm_param_count,
)
from lstm_course._validate import describe_value
from lstm_course.exercises import HINTS_VARIABLE, hints_enabled, set_hints
from lstm_course.mistakes import (
    CHECKERS,
    canonical,
    count_mistakes,
    expected_for,
    mistakes_for,
    output_shape_mistakes,
    shape_mistakes,
    shape_text,
)


@pytest.fixture(autouse=True)
def hints_off(monkeypatch):
    """Every test starts with hints off, whatever the environment says, and leaves them so."""
    monkeypatch.delenv(HINTS_VARIABLE, raising=False)
    set_hints(None)
    yield
    set_hints(None)


def assert_verdict(result, passed: bool, message: str) -> None:
    """``result`` is a CheckResult with this verdict, shown (str and repr alike) as its one line."""
    assert isinstance(result, CheckResult)
    assert result.passed is passed
    assert result.message == message
    assert str(result) == repr(result) == result.message
    assert "\n" not in result.message


def as_answer(value):
    """A canonical shape, or list of shapes, written as a student would: tuples."""
    if value and isinstance(value[0], list):
        return [tuple(shape) for shape in value]
    return tuple(value)


def json_key(value) -> str:
    return json.dumps(value, sort_keys=True)


# ------------------------------------------------------------------------------------ check_shape


def test_check_shape_accepts_the_right_shape_and_says_so():
    result = check_shape((None, 10, 32), (None, 10, 32))
    assert result.passed is True
    assert result.message == "✓ Correct: the shape is (None, 10, 32)."
    assert str(result) == repr(result) == result.message


def test_check_shape_accepts_a_list_or_an_array_for_the_answer():
    assert_verdict(check_shape([None, 32], (None, 32)), True, "✓ Correct: the shape is (None, 32).")
    assert_verdict(check_shape(np.zeros((4, 32)), (4, 32)), True, "✓ Correct: the shape is (4, 32).")
    assert_verdict(
        check_shape([np.zeros((2, 8)), np.zeros((2, 8))], [(2, 8), (2, 8)]),
        True,
        "✓ Correct: the shape is [(2, 8), (2, 8)].",
    )


ORDER = "The axes are (batch, timesteps, width) for a sequence and (batch, width) for one step."
STATES = "with return_state=True the layer returns its output, then each direction's final states (h and c for an LSTM, h for a GRU or a SimpleRNN)."  # noqa: E501


@pytest.mark.parametrize(
    ("answer", "expected", "line"),
    [
        (
            (None, 32),
            (None, 10, 32),
            "(None, 32) has no timesteps axis. Looks like you forgot return_sequences=True, which keeps "
            "one output per timestep.",
        ),
        (
            (None, 10, 32),
            (None, 32),
            "(None, 10, 32) has a timesteps axis the layer does not return. Without return_sequences=True "
            "an LSTM returns only its last step.",
        ),
        ((None, 32, 10), (None, 10, 32), f"(None, 32, 10) has the right sizes in the wrong order. {ORDER}"),
        (
            (None, 10, 32, 1, 1, 1, 1),
            (None, 32, 10, 1, 1, 1, 1),
            f"(None, 10, 32, 1, 1, 1, 1) has the right sizes in the wrong order. {ORDER}",
        ),
        (
            (None, 64),
            (None, 32),
            "(None, 64) is twice as wide as it should be (its last axis). In a layer's output only "
            "Bidirectional with merge_mode='concat' doubles the width, to 2 * units.",
        ),
        (
            (None, 10, 32),
            (None, 10, 64),
            "(None, 10, 32) is half as wide as it should be (its last axis). Bidirectional with "
            "merge_mode='concat' joins its two directions side by side, so its output is 2 * units wide.",
        ),
        (
            (32, 10, 8),
            (None, 10, 8),
            "(32, 10, 8) fixes the batch size, but the model accepts any batch size: its batch axis is None.",
        ),
        (
            (None, 10, 8),
            (32, 10, 8),
            "(None, 10, 8) leaves the batch size open (None), but here it is fixed: the input gives it.",
        ),
        ((16, 10, 8), (32, 10, 8), "(16, 10, 8) has the wrong batch size: here the input fixes it."),
        ((None,), (None, 10, 8), "expected a 3-D shape; got a 1-D shape (None,)."),
        ((7, 7, 7), (None, 16), "expected a 2-D shape; got a 3-D shape (7, 7, 7)."),
        (
            (None, 7),
            (None, 32),
            "(None, 7) has the wrong size on its last axis: in a layer's output that is the width, units "
            "(2 * units for Bidirectional with merge_mode='concat').",
        ),
        (
            (None, 9, 32),
            (None, 10, 32),
            "(None, 9, 32) differs on its middle axis only: in a sequence output that is the timesteps, "
            "and return_sequences=True keeps every step of the input.",
        ),
        (
            (None, 9, 31),
            (None, 10, 32),
            "(None, 9, 31) is not the shape: check the size of each axis in turn.",
        ),
        (
            (None, 32),
            [(None, 32), (None, 32), (None, 32)],
            "(None, 32) is one array, but here the layer returns a list of arrays: with return_state=True "
            "its output, then its final states; with merge_mode=None one output per direction.",
        ),
        (
            [(None, 32), (None, 32), (None, 32)],
            (None, 32),
            "you gave a list of 3 shapes, but here the layer returns one array: without return_state=True, "
            "and unless merge_mode=None, the output comes alone.",
        ),
        (
            [(None, 32)],
            (None, 32),
            "you put the shape in a list, but here the layer returns one array: without return_state=True, "
            "and unless merge_mode=None, the output comes alone.",
        ),
        (
            [(None, 64), (None, 32), (None, 32)],
            [(None, 64), (None, 32), (None, 32), (None, 32), (None, 32)],
            "that list holds the states of one direction only. Bidirectional with return_state=True "
            "returns the output, then h and c of the forward layer, then h and c of the backward layer.",
        ),
        ([(None, 32), (None, 32)], [(None, 32)] * 3, f"your list has 2 arrays, too few: {STATES}"),
        ([(None, 7)], [(None, 32)] * 2, f"your list has one array, too few: {STATES}"),
        (
            [(None, 10, 32), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            f"your list has 2 arrays, too few: {STATES}",
        ),
        (
            [(None, 32), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "that list leaves out the output: with return_state=True the output comes first, then the "
            "states.",
        ),
        (
            [(None, 32), (None, 10, 32), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "that list holds the right shapes in the wrong order: the output(s) come first, then the final "
            "states (h before c, the forward direction before the backward one).",
        ),
        (
            [(None, 32)] * 4,
            [(None, 32)] * 3,
            "your list has 4 arrays, too many: the layer returns its output(s), then, with "
            "return_state=True, each direction's final states (h and c for an LSTM, h otherwise).",
        ),
        (
            [(None, 10, 32), (None, 10, 32), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "item 1 of the list: (None, 10, 32) has a timesteps axis the layer does not return. Without "
            "return_sequences=True an LSTM returns only its last step.",
        ),
        (
            [(None, 32), (None, 10, 31), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "item 0 of the list: (None, 32) has no timesteps axis. Looks like you forgot "
            "return_sequences=True, which keeps one output per timestep.",
        ),
        (
            [(None, 10, 32), (None, 9), (None, 8)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "item 1 of the list: (None, 9) has the wrong size on its last axis: in a layer's output that "
            "is the width, units (2 * units for Bidirectional with merge_mode='concat').",
        ),
        (
            "(None, 32)",
            (None, 32),
            "write a shape as a tuple of whole numbers or None, one per axis, or a list of such tuples; "
            "got '(None, 32)'.",
        ),
        (
            (None, 32.0),
            (None, 32),
            "write a shape as a tuple of whole numbers or None, one per axis, or a list of such tuples; "
            "got (None, 32.0).",
        ),
    ],
)
def test_check_shape_names_the_kind_of_mistake_in_one_line(answer, expected, line):
    assert_verdict(check_shape(answer, expected), False, "✗ Not yet: " + line)


@pytest.mark.parametrize(
    ("expected", "error", "message"),
    [
        (32, TypeError, r"expected must be a tuple of integers or None; got 32"),
        ((None, 0), ValueError, r"expected must hold positive sizes or None; got \(None, 0\)"),
        (
            [(None, 3), (None, "3")],
            TypeError,
            r"expected\[1\] must be a tuple of integers or None; got \(None, '3'\)",
        ),
    ],
)
def test_check_shape_rejects_a_malformed_expected_shape(expected, error, message):
    with pytest.raises(error, match=message):
        check_shape((None, 3), expected)
    with pytest.raises(error, match=message):
        mistakes_for("check_shape", expected)
    with pytest.raises(error, match=message):
        expected_for("check_shape", expected)


# ---------------------------------------------------------------------------- check_output_shape


def test_check_output_shape_accepts_the_right_answer_and_restates_the_layer():
    result = check_output_shape((None, 10, 64), (None, 10, 8), 32, return_sequences=True, bidirectional=True)
    assert_verdict(
        result,
        True,
        "✓ Correct: LSTM(32), return_sequences=True, bidirectional=True on (None, 10, 8) returns "
        "(None, 10, 64).",
    )


def test_check_output_shape_says_you_forgot_return_sequences():
    assert_verdict(
        check_output_shape((None, 32), (None, 10, 8), 32, return_sequences=True),
        False,
        "✗ Not yet: that is only the last step. Looks like you forgot return_sequences=True, which "
        "keeps every step.",
    )


@pytest.mark.parametrize(
    ("answer", "flags", "line"),
    [
        (
            (None, 10, 32),
            {},
            "that is the shape with return_sequences=True. Without it the LSTM returns only its last step.",
        ),
        (
            (None, 32),
            {"bidirectional": True},
            "that is a single LSTM. Bidirectional runs two, one each way; with merge_mode='concat', concat "
            "joins the two directions side by side (width 2 * units).",
        ),
        (
            (None, 64),
            {},
            "that is the shape of Bidirectional(LSTM(32)). A single LSTM's width is units.",
        ),
        (
            (None, 64),
            {"bidirectional": True, "merge_mode": "sum"},
            "that is the shape for merge_mode='concat'. With merge_mode='sum': sum adds the two "
            "directions element by element (width units).",
        ),
        (
            (None, 64),
            {"bidirectional": True, "merge_mode": None},
            "that is the shape for merge_mode='concat'. With merge_mode=None: None returns the two "
            "directions separately, as two arrays.",
        ),
        (
            (None, 32),
            {"return_state": True},
            "with return_state=True the layer returns a list: its output, then its final states.",
        ),
        (
            [(None, 32), (None, 32), (None, 32)],
            {},
            "without return_state=True the layer returns no states, only its output.",
        ),
        (
            (None, 8),
            {},
            "the width of an LSTM's output is units (32), not the number of input features (8).",
        ),
        (
            (None, 10),
            {},
            "the width of an LSTM's output is units (32); 10 is the number of timesteps.",
        ),
        (
            (None, 10, 16),
            {"return_sequences": True},
            "(None, 10, 16) is half as wide as it should be (its last axis). Bidirectional with "
            "merge_mode='concat' joins its two directions side by side, so its output is 2 * units wide.",
        ),
        (
            (None, 10, 7),
            {"return_sequences": True},
            "(None, 10, 7) has the wrong size on its last axis: in a layer's output that is the width, "
            "units (2 * units for Bidirectional with merge_mode='concat').",
        ),
        (
            [(None, 32), (None, 32), (None, 32)],
            {"bidirectional": True, "return_state": True},
            "that is a single LSTM. Bidirectional runs two, one each way; with merge_mode='concat', concat "
            "joins the two directions side by side (width 2 * units).",
        ),
        (
            [(None, 64), (None, 32), (None, 32)],
            {"bidirectional": True, "return_state": True},
            "that list holds the states of one direction only. Bidirectional with return_state=True "
            "returns the output, then h and c of the forward layer, then h and c of the backward layer.",
        ),
        (
            [(None, 64), (None, 32), (None, 32), (None, 32)],
            {"bidirectional": True, "return_state": True},
            f"your list has 4 arrays, too few: {STATES}",
        ),
    ],
)
def test_check_output_shape_names_the_flag_behind_a_wrong_answer(answer, flags, line):
    assert_verdict(check_output_shape(answer, (None, 10, 8), 32, **flags), False, "✗ Not yet: " + line)


def test_check_output_shape_agrees_with_lstm_output_shape_for_every_flag():
    for sequences in (False, True):
        for state in (False, True):
            for mode in ("concat", "sum", "mul", "ave", None):
                flags = {
                    "return_sequences": sequences,
                    "return_state": state,
                    "bidirectional": True,
                    "merge_mode": mode,
                }
                right = lstm_output_shape((4, 6, 3), 5, **flags)
                result = check_output_shape(right, (4, 6, 3), 5, **flags)
                assert result.passed is True, result.message
                assert result.message.startswith("✓ Correct: LSTM(5), return_sequences=")


def test_check_output_shape_rejects_an_unknown_flag():
    message = (
        r"check_output_shape got unknown flag\(s\) return_sequence; expected some of "
        r"return_sequences, return_state, bidirectional, merge_mode"
    )
    with pytest.raises(TypeError, match=message):
        check_output_shape((None, 4), (None, 3, 2), 4, return_sequence=True)
    with pytest.raises(TypeError, match=message):
        mistakes_for("check_output_shape", (None, 3, 2), 4, return_sequence=True)
    with pytest.raises(TypeError, match=message):
        expected_for("check_output_shape", (None, 3, 2), 4, return_sequence=True)


def test_check_output_shape_passes_bad_layer_arguments_on_as_errors():
    with pytest.raises(ValueError, match=r"input_shape must be 3-D .*; got 2-D \(None, 8\)"):
        check_output_shape((None, 4), (None, 8), 4)
    with pytest.raises(ValueError, match=r"merge_mode must be one of .*; got 'max'"):
        check_output_shape((None, 4), (None, 3, 8), 4, bidirectional=True, merge_mode="max")


# ----------------------------------------------------------------------------- check_param_count


def test_check_param_count_accepts_the_right_count():
    assert_verdict(
        check_param_count(17_152, input_dim=2, units=64),
        True,
        "✓ Correct: LSTM(64) on 2 features has 17,152 parameters.",
    )
    assert_verdict(
        check_param_count(38_400.0, 10, 64, bidirectional=True),
        True,
        "✓ Correct: Bidirectional(LSTM(64)) on 10 features has 38,400 parameters.",
    )


LSTM_2_64_MISTAKES = [
    (4 * 64 * 66, "you left out the biases: each of the 4 gates also has a bias vector of 64."),
    (
        4 * 64 * 66 + 64,
        "you counted one bias vector of 64, but an LSTM has 4 of them, one per gate.",
    ),
    (
        64 * 66 + 64,
        "that is one gate's worth: an LSTM has 4 gates (i, f, c, o), each with its own weights and biases.",
    ),
    (
        4 * (64 * 2 + 64),
        "you left out the recurrent weights: the layer also reads the previous h through a "
        "(64, 64) matrix per gate.",
    ),
    (
        4 * (64 * 64 + 64),
        "you left out the input weights: the layer reads the input through a (2, 64) matrix per gate.",
    ),
    (
        4 * (2 * 66 + 2),
        "input_dim and units look swapped: the input weights are (input_dim, units) = (2, 64) per "
        "gate and the recurrent weights (units, units) = (64, 64).",
    ),
    (3 * (64 * 66 + 64), "that has 3 gates; an LSTM has 4 (i, f, c, o), each with its weights."),
    (3 * (64 * 66 + 128), "that is a GRU's count; an LSTM has 4 gates (i, f, c, o)."),
    (
        2 * 17_152,
        "that counts two directions; a plain LSTM has one (only Bidirectional doubles the count).",
    ),
    (
        123,
        "that is not the count of LSTM(64) on 2 features; count "
        "4 * (units * (input_dim + units) + units) parameters.",
    ),
    ("many", "a parameter count is a whole number; got 'many'."),
    (17_152.5, "a parameter count is a whole number; got 17152.5."),
    (True, "a parameter count is a whole number; got True."),
]


@pytest.mark.parametrize(("answer", "diagnosis"), LSTM_2_64_MISTAKES)
def test_check_param_count_diagnoses_lstm_mistakes(answer, diagnosis):
    assert_verdict(check_param_count(answer, input_dim=2, units=64), False, "✗ Not yet: " + diagnosis)


@pytest.mark.parametrize(
    ("answer", "kind", "options", "diagnosis"),
    [
        (
            3 * (256 * 320 + 256),
            "gru",
            {},
            "that is the count for reset_after=False; Keras 3's GRU defaults to reset_after=True, "
            "which has two bias vectors per gate.",
        ),
        (
            3 * (256 * 320 + 512),
            "gru",
            {"reset_after": False},
            "that is the count for reset_after=True; with reset_after=False each gate has one bias vector.",
        ),
        (
            3 * 256 * 320 + 256,
            "gru",
            {},
            "you counted one bias vector of 256, but a GRU has 6 of them, two per gate.",
        ),
        (
            4 * (256 * 320 + 256),
            "gru",
            {},
            "that is an LSTM's count; a GRU has 3 gates (z, r, h).",
        ),
        (
            256 * 320 + 256,
            "gru",
            {},
            "that is a SimpleRNN's count; a GRU has 3 gates (z, r, h).",
        ),
        (
            128 * 384,
            "simple_rnn",
            {},
            "you left out the biases: the layer also has a bias vector of 128.",
        ),
        (
            4 * (128 * 384 + 128),
            "simple_rnn",
            {},
            "that is an LSTM's count; a SimpleRNN has no gates, a single set of weights.",
        ),
        (
            lstm_param_count(10, 64),
            "lstm",
            {"bidirectional": True},
            "that is one direction; Bidirectional holds two LSTM layers, a forward and a backward "
            "one, so twice as many.",
        ),
        (
            lstm_param_count(10, 64),
            "lstm",
            {"bidirectional": True, "reset_after": False},
            "that is one direction; Bidirectional holds two LSTM layers, a forward and a backward "
            "one, so twice as many.",
        ),
        (
            7,
            "simple_rnn",
            {"bidirectional": True},
            "that is not the count of Bidirectional(SimpleRNN(128)) on 256 features; count "
            "2 * (units * (input_dim + units) + units) parameters.",
        ),
        (
            7,
            "gru",
            {"reset_after": False},
            "that is not the count of GRU(256) on 64 features; count "
            "3 * (units * (input_dim + units) + units) parameters.",
        ),
    ],
)
def test_check_param_count_diagnoses_gru_simple_rnn_and_bidirectional_mistakes(
    answer, kind, options, diagnosis
):
    input_dim, units = {"gru": (64, 256), "simple_rnn": (256, 128), "lstm": (10, 64)}[kind]
    result = check_param_count(answer, input_dim, units, kind, **options)
    assert_verdict(result, False, "✗ Not yet: " + diagnosis)


@pytest.mark.parametrize(
    ("arguments", "options", "error", "message"),
    [
        ((100, 0, 4), {}, ValueError, r"input_dim must be a positive integer; got 0"),
        ((100, 3, None), {}, TypeError, r"units must be a positive integer; got None"),
        (
            (100, 3, 4, "transformer"),
            {},
            ValueError,
            r"kind must be one of 'lstm', 'gru', 'simple_rnn'; got 'transformer'",
        ),
        (
            (100, 3, 4, "gru"),
            {"reset_after": 1},
            TypeError,
            r"reset_after must be True or False; got 1",
        ),
        (
            (100, 3, 4),
            {"bidirectional": "no"},
            TypeError,
            r"bidirectional must be True or False; got 'no'",
        ),
    ],
)
def test_check_param_count_rejects_bad_exercise_arguments(arguments, options, error, message):
    with pytest.raises(error, match=message):
        check_param_count(*arguments, **options)
    for dispatcher in (mistakes_for, expected_for):
        with pytest.raises(error, match=message):
            dispatcher("check_param_count", *arguments[1:], **options)


# ----------------------------------------------------------------------------------- CheckResult

RIGHT = CheckResult(True, "✓ Correct: the shape is (None, 32).")
WRONG = CheckResult(
    False,
    "✗ Not yet: (None, 7) has the wrong size on its last axis: in a layer's output that is the width, "
    "units (2 * units for Bidirectional with merge_mode='concat').",
)

EVERY_CHECKER = [
    pytest.param(lambda: check_shape((None, 32), (None, 32)), True, id="check_shape-right"),
    pytest.param(lambda: check_shape((None, 7), (None, 32)), False, id="check_shape-wrong"),
    pytest.param(lambda: check_shape("?", (None, 32)), False, id="check_shape-unreadable"),
    pytest.param(
        lambda: check_output_shape((None, 32), (None, 10, 8), 32), True, id="check_output_shape-right"
    ),
    pytest.param(
        lambda: check_output_shape((None, 8), (None, 10, 8), 32), False, id="check_output_shape-wrong"
    ),
    pytest.param(lambda: check_param_count(17_152, 2, 64), True, id="check_param_count-right"),
    pytest.param(lambda: check_param_count(123, 2, 64), False, id="check_param_count-wrong"),
    pytest.param(lambda: check_param_count("many", 2, 64), False, id="check_param_count-unreadable"),
]


@pytest.mark.parametrize(("call", "passed"), EVERY_CHECKER)
def test_the_checkers_print_nothing_and_return_a_check_result(capsys, call, passed):
    result = call()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert type(result) is CheckResult
    assert result.passed is passed
    assert result.message.startswith("✓ Correct: " if passed else "✗ Not yet: ")


@pytest.mark.parametrize(("call", "passed"), EVERY_CHECKER)
def test_a_check_result_is_truthy_exactly_when_the_answer_is_right(call, passed):
    result = call()
    assert bool(result) is passed
    assert (not result) is (not passed)
    if passed:
        assert result
    else:
        assert not result


@pytest.mark.parametrize(("call", "passed"), EVERY_CHECKER)
def test_a_check_result_equals_the_bool_passed(call, passed):
    result = call()
    assert result == passed
    assert passed == result
    assert result != (not passed)
    assert (not passed) != result
    assert (result == True) is passed  # noqa: E712
    assert (result == False) is (not passed)  # noqa: E712


@pytest.mark.parametrize(("call", "passed"), EVERY_CHECKER)
def test_a_check_result_displays_as_its_one_line(call, passed):
    # IPython shows the last expression of a cell as its text/plain repr (for an object with no
    # _repr_pretty_ or rich representations, that is repr()): the single line and nothing else.
    result = call()
    assert repr(result) == result.message
    assert str(result) == result.message
    assert f"{result}" == result.message
    assert len(repr(result).splitlines()) == 1
    assert repr(result).startswith("✓ Correct: " if passed else "✗ Not yet: ")
    assert not hasattr(result, "_repr_html_")
    assert not hasattr(result, "_repr_pretty_")


def test_check_results_compare_by_both_fields_and_not_with_other_types():
    assert CheckResult(True, RIGHT.message) == RIGHT
    assert RIGHT != CheckResult(True, "✓ Correct: something else.")
    assert RIGHT != CheckResult(False, RIGHT.message)
    assert RIGHT != WRONG
    assert RIGHT != RIGHT.message
    assert RIGHT != 1
    assert WRONG != 0
    assert RIGHT != None  # noqa: E711
    assert check_shape((None, 7), (None, 32)) == WRONG


def test_check_results_hash_consistently_with_equality():
    assert hash(RIGHT) == hash(CheckResult(True, RIGHT.message)) == hash(True)
    assert hash(WRONG) == hash(False)
    assert {RIGHT, CheckResult(True, RIGHT.message)} == {RIGHT}
    assert len({RIGHT, WRONG, CheckResult(True, "✓ Correct: something else.")}) == 3


def test_a_check_result_is_immutable():
    with pytest.raises(AttributeError):
        RIGHT.passed = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        RIGHT.message = "✓ Correct: changed."  # type: ignore[misc]
    assert RIGHT.passed is True


# ------------------------------------------------------------------------------------ check_close


def test_check_close_accepts_values_within_tolerance_and_shows_the_bound_not_the_noise():
    """The verdict line is stored in the chapters: it must read the same whatever the float noise."""
    for noise in (0.0, 1.5e-8, 1.9e-8, 2e-6):
        assert_verdict(
            check_close(np.full((2, 3), 0.5 + noise), np.full((2, 3), 0.5)),
            True,
            "✓ Correct: the values match (every difference is below 1e-05).",
        )


def test_check_close_shows_a_near_miss_as_the_bound_and_a_real_miss_as_its_size():
    expected = np.zeros(3)
    for near in (1.1e-5, 2.7e-4):
        assert_verdict(
            check_close(np.full(3, near), expected),
            False,
            "✗ Not yet: the values differ from the expected ones by more than 1e-05.",
        )
    assert_verdict(
        check_close(np.full(3, 0.25), expected),
        False,
        "✗ Not yet: the values differ from the expected ones by up to 0.25.",
    )


def test_check_close_compares_lists_item_by_item_and_names_the_wrong_item():
    right = [np.zeros((1, 2)), np.ones((1, 2))]
    assert check_close([np.zeros((1, 2)), np.ones((1, 2))], right)
    assert_verdict(
        check_close([np.zeros((1, 2)), np.zeros((1, 2))], right),
        False,
        "✗ Not yet: item 1 of the list: the values differ from the expected ones by up to 1.",
    )
    assert_verdict(
        check_close([np.zeros((1, 2))], right),
        False,
        "✗ Not yet: expected a list of 2 results; got [array([[0., 0.]])].",
    )


def test_check_close_broadcasts_a_number_over_the_answer():
    assert check_close(np.ones((3, 4)), 1.0)
    assert not check_close(np.full((3, 4), 0.9), 1.0)


def test_check_close_explains_a_missing_answer_a_wrong_shape_and_non_numbers():
    expected = np.zeros((2, 4))
    assert_verdict(
        check_close(None, expected),
        False,
        "✗ Not yet: there is no answer yet (it is None): compute it, then run the check again.",
    )
    assert_verdict(
        check_close(np.zeros((4, 2)), expected),
        False,
        "✗ Not yet: expected an array of shape (2, 4); got an array of shape (4, 2).",
    )
    assert_verdict(
        check_close(0.0, expected), False, "✗ Not yet: expected an array of shape (2, 4); got the number 0."
    )
    assert_verdict(check_close("zeros", expected), False, "✗ Not yet: expected numbers; got 'zeros'.")
    assert_verdict(
        check_close(np.full((2, 4), np.nan), expected),
        False,
        "✗ Not yet: the answer holds NaN or infinite values.",
    )


def test_check_close_rejects_bad_arguments_from_the_author():
    with pytest.raises(TypeError, match=r"expected must be numbers .*; got 'x'"):
        check_close(1.0, "x")
    with pytest.raises(TypeError, match=r"expected\[1\] must be numbers"):
        check_close([np.zeros(2), np.zeros(2)], [np.zeros(2), None])
    with pytest.raises(TypeError, match="atol must be a number; got '1'"):
        check_close(1.0, 1.0, atol="1")
    with pytest.raises(ValueError, match="atol must be a finite number >= 0; got -1"):
        check_close(1.0, 1.0, atol=-1)


# ------------------------------------------------------------------------------------ check_value


def test_check_value_accepts_equal_values_of_numpy_and_python_types():
    assert_verdict(check_value(np.int64(18), 18), True, "✓ Correct: 18.")
    assert_verdict(check_value((4, 5, 6, 7), [4, 5, 6, 7]), True, "✓ Correct: [4, 5, 6, 7].")
    assert_verdict(check_value(np.bool_(True), True), True, "✓ Correct: True.")


def test_check_value_explains_without_revealing_the_expected_value():
    assert_verdict(check_value(17, 18), False, "✗ Not yet: 17 is not the answer; look again at the question.")
    assert_verdict(check_value(18.5, 18), False, "✗ Not yet: expected a whole number; got 18.5.")
    assert_verdict(check_value("yes", True), False, "✗ Not yet: expected True or False; got 'yes'.")
    assert_verdict(check_value([4, 5], [4, 5, 6]), False, "✗ Not yet: expected a list of 3 items; got 2.")
    assert_verdict(check_value(4, [4]), False, "✗ Not yet: expected a list of 1 items; got 4.")
    assert_verdict(
        check_value(None, 3),
        False,
        "✗ Not yet: there is no answer yet (it is None): write it, then run the check again.",
    )
    for result in (check_value(17, 18), check_value([4, 5], [4, 5, 6])):
        assert "18" not in result.message and "6" not in result.message


def test_check_value_tells_a_flag_from_a_number_inside_a_list_too():
    assert_verdict(check_value(18.0, 18), False, "✗ Not yet: expected a whole number; got 18.0.")
    assert_verdict(check_value(1, True), False, "✗ Not yet: expected True or False; got 1.")
    assert_verdict(
        check_value([1], [True]), False, "✗ Not yet: [1] is not the answer; look again at the question."
    )
    assert_verdict(
        check_value([4.0, 5], [4, 5]),
        False,
        "✗ Not yet: [4.0, 5] is not the answer; look again at the question.",
    )


def test_check_value_rejects_an_expected_value_it_cannot_compare_exactly():
    with pytest.raises(TypeError, match=r"expected must be an int, bool, str, or a list of them; got 0.5"):
        check_value(0.5, 0.5)
    with pytest.raises(TypeError, match=r"expected must be an int, bool, str, or a list of them; got 0.5"):
        mistakes_for("check_value", 0.5)


# ------------------------------------------------------------- wrong answers never show the answer
#
# For every checker, many wrong answers of the right type (every mistake in the catalogue, the
# answer's structural neighbours, random ones): with hints off, the line never holds the expected
# answer's text; with hints on, it is the same line followed by the hint, which holds it.

SHAPE_QUESTIONS = [
    (None, 32),
    (None, 10, 32),
    (8, 10, 32),
    (4, 16),
    (16, 20, 1),
    (100, 50, 1),
    (8, 32),
    (5,),
    (None, 10, 28, 20, 8),
    [(None, 32)] * 3,
    [(None, 64)] + [(None, 32)] * 4,
    [(4, 9, 16), (4, 16), (4, 16)],
    [(None, 10, 16)] * 2 + [(None, 16)] * 4,
    [(16, 8), (16, 8)],
    [(64, 64), (64, 32), (64, 32)],
    [(None, 10, 28, 20, 8), (None, 28, 20, 8), (None, 28, 20, 8)],
]

INPUTS = [((None, 10, 8), 32), ((4, 7, 3), 16), ((None, None, 5), 5), ((2, 6, 6), 6), ((8, 20, 16), 32)]
FLAG_SETS = [
    {"return_sequences": sequences, "return_state": state, "bidirectional": bidirectional, "merge_mode": mode}
    for sequences, state in itertools.product([False, True], repeat=2)
    for bidirectional, mode in [
        (False, "concat"),
        *((True, mode) for mode in ("concat", "sum", "mul", "ave", None)),
    ]
]
OUTPUT_QUESTIONS = [
    (input_shape, units, flags)
    for (input_shape, units), flags in itertools.product(INPUTS, FLAG_SETS)
    if not (input_shape[0] is None and flags["bidirectional"] and flags["merge_mode"] in ("mul", "ave"))
]

COUNT_QUESTIONS = [
    (input_dim, units, kind, {"bidirectional": bidirectional, "reset_after": reset_after})
    for input_dim, units in [(1, 1), (2, 64), (10, 32), (64, 256), (3, 5), (128, 64)]
    for kind in ("lstm", "gru", "simple_rnn")
    for bidirectional in (False, True)
    for reset_after in ((True, False) if kind == "gru" else (True,))
]


def shape_id(expected) -> str:
    return shape_text(expected_for("check_shape", expected)).replace(" ", "")


def random_shape(rng: random.Random, sizes: list) -> tuple:
    return tuple(rng.choice(sizes) for _ in range(rng.randint(0, 5)))


def wrong_shapes(want: list, catalogue: list, seed: int) -> list:
    """Wrong answers to a question whose canonical answer is ``want``: the catalogue's, and others."""
    rng = random.Random(seed)
    shapes = want if want and isinstance(want[0], list) else [want]
    sizes = sorted({size for shape in shapes for size in shape if size is not None} | {1, 2, 3, 7, 64})
    sizes = [None, *sizes]
    answers = [as_answer(value) for value, _ in catalogue]
    for position, shape in enumerate(shapes):  # one size changed, one axis added or removed
        neighbours = [
            (*shape[:axis], size, *shape[axis + 1 :]) for axis in range(len(shape)) for size in sizes
        ]
        neighbours += [tuple(shape[:axis] + shape[axis + 1 :]) for axis in range(len(shape))]
        neighbours += [
            (*shape[:axis], size, *shape[axis:]) for axis in range(len(shape) + 1) for size in sizes
        ]
        for neighbour in rng.sample(neighbours, min(12, len(neighbours))):
            if len(shapes) == 1:
                answers.append(neighbour)
            else:
                answers.append(
                    [*map(tuple, shapes[:position]), neighbour, *map(tuple, shapes[position + 1 :])]
                )
    answers += [[*map(tuple, shapes), tuple(shapes[-1])], [tuple(shapes[0])] * (len(shapes) + 1)]
    for _ in range(40):
        if rng.random() < 0.5:
            answers.append(random_shape(rng, sizes))
        else:
            answers.append([random_shape(rng, sizes) for _ in range(rng.randint(1, 6))])
    return [answer for answer in answers if json_key(canonical("check_shape", answer)) != json_key(want)]


def assert_hidden_then_hinted(check, answers, secrets, hint, own=lambda answer: ()) -> None:
    """Each answer is wrong, its line shows no secret outside the answer's own text, a hint adds it."""
    plain = []
    for answer in answers:
        result = check(answer)
        assert result.passed is False, answer
        assert "\n" not in result.message
        assert "hint" not in result.message
        shown = result.message
        for text in own(answer):
            shown = shown.replace(text, "")
        for secret in secrets:
            assert secret not in shown, (answer, result.message)
        plain.append(result.message)
    set_hints(True)
    try:
        for answer, message in zip(answers, plain, strict=True):
            assert check(answer).message == f"{message} (hint: expected {hint})"
    finally:
        set_hints(None)


@pytest.mark.parametrize("expected", SHAPE_QUESTIONS, ids=shape_id)
def test_check_shape_never_shows_the_expected_shape_unless_hints_are_on(expected):
    want = expected_for("check_shape", expected)
    answers = wrong_shapes(want, shape_mistakes(expected), seed=len(json_key(want)))
    assert len(answers) > 40
    assert_hidden_then_hinted(
        lambda answer: check_shape(answer, expected), answers, [shape_text(want)], shape_text(want)
    )


@pytest.mark.parametrize(("input_shape", "units", "flags"), OUTPUT_QUESTIONS)
def test_check_output_shape_never_shows_the_expected_shape_unless_hints_are_on(input_shape, units, flags):
    want = expected_for("check_output_shape", input_shape, units, **flags)
    answers = wrong_shapes(want, output_shape_mistakes(input_shape, units, **flags), seed=units)[:80]
    assert_hidden_then_hinted(
        lambda answer: check_output_shape(answer, input_shape, units, **flags),
        answers,
        [shape_text(want)],
        shape_text(want),
    )


def count_texts(count: int) -> list[str]:
    return [str(count), f"{count:,}"]


@pytest.mark.parametrize(("input_dim", "units", "kind", "options"), COUNT_QUESTIONS)
def test_check_param_count_never_shows_the_expected_count_unless_hints_are_on(
    input_dim, units, kind, options
):
    correct = expected_for("check_param_count", input_dim, units, kind, **options)
    rng = random.Random(correct)
    catalogue = [value for value, _ in count_mistakes(input_dim, units, kind, **options)]
    answers = catalogue + [float(value) for value in catalogue] + [np.int64(value) for value in catalogue]
    answers += [correct + 1, correct - 1, 10 * correct, correct // 10, 0, -correct, 10**9]
    answers += [rng.randint(0, 3 * correct + 10) for _ in range(40)]
    answers = [answer for answer in answers if answer != correct]
    assert_hidden_then_hinted(
        lambda answer: check_param_count(answer, input_dim, units, kind, **options),
        answers,
        count_texts(correct),
        f"{correct:,}",
    )


VALUE_QUESTIONS = [
    (18, [17, 19, 0, 180, 81, -18, 118]),
    (0, [1, -1, 10]),
    (True, [False]),
    (False, [True]),
    ("tanh", ["sigmoid", "tanhs", "Tanh", ""]),
    ([4, 5, 6], [[4, 5], [4, 5, 6, 7], [6, 5, 4], [4, 5, 7], [], (4, 5, 60)]),
    ([4], [[5], [], [4, 4], [44]]),
    ((1, 2), [[2, 1], [1], (1, 2, 3)]),
    ([True, False], [[False, True], [True], [1, 0]]),
]


@pytest.mark.parametrize(("expected", "answers"), VALUE_QUESTIONS, ids=lambda value: json_key(value))
def test_check_value_never_shows_the_expected_value_unless_hints_are_on(expected, answers):
    want = expected_for("check_value", expected)
    assert_hidden_then_hinted(
        lambda answer: check_value(answer, expected),
        answers,
        [describe_value(want)],
        describe_value(want),
        own=lambda answer: [describe_value(answer)],
    )


def test_check_close_never_shows_the_expected_values_unless_hints_are_on():
    rng = np.random.default_rng(7)
    expected = rng.normal(size=(3, 4)).round(4)
    numbers = [f"{value:.4g}" for value in expected.ravel()]
    answers = [
        expected + 0.5,
        expected - 2.0,
        expected * 3,
        expected.T,
        expected[:2],
        expected.ravel(),
        np.zeros((4, 3)),
        0.25,
        "zeros",
        None,
        np.full((3, 4), np.nan),
    ]
    hint = np.array2string(expected, precision=4, separator=", ", threshold=24)
    assert_hidden_then_hinted(
        lambda answer: check_close(answer, expected), answers, [*numbers, hint], " ".join(hint.split())
    )
    pair = [expected, expected[0]]
    for answer in ([expected, expected[1]], [expected + 1, expected[0]], [expected]):
        result = check_close(answer, pair)
        assert result.passed is False
        assert not any(number in result.message for number in numbers), result.message


# ------------------------------------------------------------------------------- the catalogue


def assert_valueless_catalogue(catalogue, want, secrets, check) -> None:
    """Each mistake is JSON, unique, not the answer, says no secret, and is what the check says."""
    assert catalogue, "the catalogue is empty"
    keys = [json_key(value) for value, _ in catalogue]
    assert len(set(keys)) == len(keys), "a wrong answer is listed twice"
    assert json_key(want) not in keys
    for value, text in catalogue:
        assert json.loads(json_key(value)) == value
        assert isinstance(text, str) and text.endswith(".") and "\n" not in text
        for secret in secrets:
            assert secret not in text, (value, text)
        assert_verdict(check(value), False, "✗ Not yet: " + text)


@pytest.mark.parametrize("expected", SHAPE_QUESTIONS, ids=shape_id)
def test_every_shape_mistake_is_valueless_and_is_what_check_shape_says(expected):
    want = expected_for("check_shape", expected)
    catalogue = mistakes_for("check_shape", expected)
    assert catalogue == shape_mistakes(expected)
    assert_valueless_catalogue(
        catalogue, want, [shape_text(want)], lambda value: check_shape(as_answer(value), expected)
    )


@pytest.mark.parametrize(("input_shape", "units", "flags"), OUTPUT_QUESTIONS)
def test_every_output_shape_mistake_is_valueless_and_is_what_check_output_shape_says(
    input_shape, units, flags
):
    want = expected_for("check_output_shape", input_shape, units, **flags)
    catalogue = mistakes_for("check_output_shape", input_shape, units, **flags)
    assert catalogue == output_shape_mistakes(input_shape, units, **flags)
    assert_valueless_catalogue(
        catalogue,
        want,
        [shape_text(want)],
        lambda value: check_output_shape(as_answer(value), input_shape, units, **flags),
    )


@pytest.mark.parametrize(("input_dim", "units", "kind", "options"), COUNT_QUESTIONS)
def test_every_count_mistake_is_valueless_and_is_what_check_param_count_says(input_dim, units, kind, options):
    correct = expected_for("check_param_count", input_dim, units, kind, **options)
    catalogue = mistakes_for("check_param_count", input_dim, units, kind, **options)
    assert catalogue == count_mistakes(input_dim, units, kind, **options)
    assert all(type(value) is int for value, _ in catalogue)
    assert_valueless_catalogue(
        catalogue,
        correct,
        count_texts(correct),
        lambda value: check_param_count(value, input_dim, units, kind, **options),
    )


def test_the_catalogue_lists_the_mistakes_the_issue_names():
    texts = " ".join(text for _, text in shape_mistakes((None, 10, 32)))
    for kind in ("no timesteps axis", "wrong order", "twice as wide", "half as wide"):
        assert kind in texts
    assert "batch size open" in " ".join(text for _, text in shape_mistakes((8, 10, 32)))
    listed = dict((json_key(value), text) for value, text in shape_mistakes([(None, 64)] + [(None, 32)] * 4))
    assert "one array" in listed[json_key([None, 64])]
    assert "one direction only" in listed[json_key([[None, 64], [None, 32], [None, 32]])]
    counts = " ".join(text for _, text in count_mistakes(2, 64, "lstm", bidirectional=True))
    for kind in ("left out the biases", "one bias vector", "one gate's worth", "one direction", "swapped"):
        assert kind in counts


# ------------------------------------------------------------------ canonical forms and expected answers


@pytest.mark.parametrize(
    ("checker", "args", "kwargs", "answers"),
    [
        ("check_shape", ((4, 32),), {}, [(4, 32), [4, 32], np.zeros((4, 32)), (np.int64(4), np.int32(32))]),
        ("check_shape", ((),), {}, [(), [], np.float64(1.5)]),
        (
            "check_shape",
            ([(None, 8), (2, 8)],),
            {},
            [[(None, 8), (2, 8)], ((None, 8), (2, 8)), [[None, 8], np.zeros((2, 8))]],
        ),
        (
            "check_output_shape",
            ((None, 5, 3), 12),
            {"return_sequences": True},
            [(None, 5, 12), [None, 5, 12]],
        ),
        (
            "check_output_shape",
            ((2, 5, 3), 4),
            {"return_state": True},
            [[(2, 4)] * 3, [np.zeros((2, 4))] * 3, ([2, 4], (2, 4), np.zeros((2, 4)))],
        ),
        ("check_param_count", (3, 5), {"kind": "gru"}, [150, np.int64(150), 150.0, np.float32(150)]),
        ("check_param_count", (3, 5, "simple_rnn"), {"bidirectional": True}, [90, 90.0]),
        ("check_value", ([4, 5],), {}, [[4, 5], (4, 5), [np.int64(4), np.int8(5)]]),
        ("check_value", (True,), {}, [True, np.bool_(True)]),
        ("check_value", ("tanh",), {}, ["tanh", np.str_("tanh")]),
        ("check_value", (np.int64(7),), {}, [7, np.int16(7)]),
    ],
)
def test_canonical_reads_every_form_of_the_right_answer_as_the_expected_one(checker, args, kwargs, answers):
    from lstm_course import exercises

    want = expected_for(checker, *args, **kwargs)
    assert json.loads(json.dumps(want, sort_keys=True)) == want
    for answer in answers:
        form = canonical(checker, answer)
        assert json_key(form) == json_key(want), answer
        assert getattr(exercises, checker)(answer, *args, **kwargs).passed is True


@pytest.mark.parametrize(
    ("checker", "answer"),
    [
        ("check_shape", "(None, 32)"),
        ("check_shape", (None, 32.0)),
        ("check_shape", (None, True)),
        ("check_shape", None),
        ("check_shape", 5),
        ("check_output_shape", [(None, 32), "c"]),
        ("check_param_count", "320"),
        ("check_param_count", 320.5),
        ("check_param_count", True),
        ("check_param_count", None),
        ("check_param_count", float("nan")),
        ("check_param_count", float("inf")),
        ("check_value", None),
        ("check_value", np.array([4])),
        ("check_value", {"a": 1}),
        ("check_value", [1, None]),
        ("check_value", float("nan")),
        ("check_close", np.zeros(3)),
        ("check_close", 1.0),
    ],
)
def test_canonical_is_none_for_an_answer_the_checker_cannot_read(checker, answer):
    assert canonical(checker, answer) is None


def test_two_answers_are_the_same_exactly_when_their_canonical_forms_are():
    """The check passes exactly when the answer's canonical form is the expected one, as JSON."""
    cases = [
        ("check_value", (18,), {}, [18, 18.0, "18", True, np.int64(18), [18], 17]),
        ("check_value", ([1, 0],), {}, [[1, 0], [True, False], [1.0, 0], (1, 0), [0, 1]]),
        ("check_value", (True,), {}, [True, 1, np.bool_(True), "True"]),
        ("check_param_count", (2, 64), {}, [17152, 17152.0, 17152.5, "17152", 17153, np.int64(17152)]),
        ("check_shape", ((None, 32),), {}, [(None, 32), [None, 32], (32, None), (None, 32, 1), [(None, 32)]]),
        ("check_shape", ([(None, 32)],), {}, [[(None, 32)], (None, 32), [[None, 32]], [(None, 32)] * 2]),
    ]
    from lstm_course import exercises

    for checker, args, kwargs, answers in cases:
        want = json_key(expected_for(checker, *args, **kwargs))
        for answer in answers:
            form = canonical(checker, answer)
            passed = getattr(exercises, checker)(answer, *args, **kwargs).passed
            assert passed is (form is not None and json_key(form) == want), (checker, answer)


def test_expected_for_gives_each_checkers_answer_in_canonical_form():
    assert expected_for("check_shape", (None, 16)) == [None, 16]
    assert expected_for("check_shape", expected=[(4, 8), [4, 8]]) == [[4, 8], [4, 8]]
    assert expected_for("check_output_shape", (None, 6, 3), 8, return_state=True) == [[None, 8]] * 3
    assert expected_for("check_output_shape", input_shape=(None, 6, 3), units=8) == [None, 8]
    assert expected_for("check_param_count", 2, 64) == lstm_param_count(2, 64) == 17152
    assert expected_for("check_param_count", input_dim=2, units=64, bidirectional=True) == 34304
    assert expected_for("check_value", (np.int64(4), np.bool_(True), "x")) == [4, True, "x"]
    assert expected_for("check_close", np.ones(2), atol=1e-3) is None
    assert mistakes_for("check_close", np.ones(2), atol=1e-3) == []
    assert mistakes_for("check_value", [4, 5, 6]) == []


def test_the_dispatchers_know_the_five_checkers_and_reject_others():
    from lstm_course import exercises

    assert CHECKERS == (
        "check_shape",
        "check_output_shape",
        "check_param_count",
        "check_value",
        "check_close",
    )
    assert all(name in exercises.__all__ for name in CHECKERS)
    for dispatcher in (mistakes_for, expected_for):
        with pytest.raises(ValueError, match=r"checker must be one of 'check_shape', .*; got 'check_shapes'"):
            dispatcher("check_shapes", (None, 3))
    with pytest.raises(ValueError, match=r"checker must be one of .*; got 'shape'"):
        canonical("shape", (None, 3))


# ------------------------------------------------------------------------------------------ hints


def test_hints_are_off_by_default_and_follow_the_environment_variable(monkeypatch):
    wrong = "✗ Not yet: expected a 2-D shape; got a 3-D shape (7, 7, 7)."
    assert hints_enabled() is False
    assert check_shape((7, 7, 7), (None, 16)).message == wrong
    monkeypatch.setenv(HINTS_VARIABLE, "1")
    assert hints_enabled() is True
    assert check_shape((7, 7, 7), (None, 16)).message == wrong + " (hint: expected (None, 16))"
    monkeypatch.setenv(HINTS_VARIABLE, "0")
    assert check_shape((7, 7, 7), (None, 16)).message == wrong
    monkeypatch.setenv(HINTS_VARIABLE, "1")
    set_hints(False)
    assert hints_enabled() is False
    assert check_shape((7, 7, 7), (None, 16)).message == wrong
    set_hints(None)
    assert hints_enabled() is True
    monkeypatch.delenv(HINTS_VARIABLE)
    set_hints(True)
    assert check_shape((7, 7, 7), (None, 16)).message == wrong + " (hint: expected (None, 16))"


def test_set_hints_takes_a_bool_or_none():
    with pytest.raises(TypeError, match=r"on must be True or False; got 'yes'"):
        set_hints("yes")  # type: ignore[arg-type]
    assert hints_enabled() is False


def test_hints_name_the_expected_answer_of_every_checker_and_leave_right_answers_alone():
    set_hints(True)
    hinted = [
        (check_shape("?", (None, 16)), "(None, 16)"),
        (check_shape((None, 16), [(None, 16)] * 2), "[(None, 16), (None, 16)]"),
        (check_output_shape((None, 8), (None, 10, 8), 32), "(None, 32)"),
        (check_param_count(1, 2, 64), "17,152"),
        (check_param_count("many", 2, 64), "17,152"),
        (check_value(17, 18), "18"),
        (check_value(None, [4, 5, 6]), "[4, 5, 6]"),
        (check_value("no", "tanh"), "'tanh'"),
        (check_close(np.zeros(3), np.arange(3.0)), "[0., 1., 2.]"),
        (check_close(0.5, 0.25), "0.25"),
        (check_close([np.zeros(2), np.ones(2)], [np.ones(2), np.array(2.5)]), "[[1., 1.], 2.5]"),
    ]
    for result, expected in hinted:
        assert result.passed is False
        assert result.message.endswith(f" (hint: expected {expected})"), result.message
    assert check_shape((None, 16), (None, 16)).message == "✓ Correct: the shape is (None, 16)."
    assert (
        check_param_count(17_152, 2, 64).message == "✓ Correct: LSTM(64) on 2 features has 17,152 parameters."
    )
    assert check_value(18, 18).message == "✓ Correct: 18."
    assert check_close(1.0, 1.0).message == "✓ Correct: the values match (every difference is below 1e-05)."
