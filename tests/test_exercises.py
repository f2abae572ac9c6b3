"""The exercise checkers return a CheckResult: truthy when right, shown as one line naming the mistake."""

from __future__ import annotations

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


def assert_verdict(result, passed: bool, message: str) -> None:
    """``result`` is a CheckResult with this verdict, shown (str and repr alike) as its one line."""
    assert isinstance(result, CheckResult)
    assert result.passed is passed
    assert result.message == message
    assert str(result) == repr(result) == result.message
    assert "\n" not in result.message


# ------------------------------------------------------------------------------------ check_shape


def test_check_shape_accepts_the_right_shape_and_says_so():
    result = check_shape((None, 10, 32), (None, 10, 32))
    assert result.passed is True
    assert result.message == "✓ Correct: the shape is (None, 10, 32)."
    assert str(result) == repr(result) == result.message


def test_check_shape_accepts_a_list_or_an_array_for_the_answer():
    assert_verdict(check_shape([None, 32], (None, 32)), True, "✓ Correct: the shape is (None, 32).")
    assert_verdict(check_shape(np.zeros((4, 32)), (4, 32)), True, "✓ Correct: the shape is (4, 32).")


@pytest.mark.parametrize(
    ("answer", "expected", "line"),
    [
        (
            (None, 32),
            (None, 10, 32),
            "✗ Not yet: (None, 32) has no timesteps axis; expected (None, 10, 32). Looks like you "
            "forgot return_sequences=True, which keeps one output per timestep.",
        ),
        (
            (None, 10, 32),
            (None, 32),
            "✗ Not yet: (None, 10, 32) has a timesteps axis the layer does not return; expected "
            "(None, 32). Without return_sequences=True an LSTM returns only its last step.",
        ),
        (
            (None, 32, 10),
            (None, 10, 32),
            "✗ Not yet: the right sizes in the wrong order: expected (None, 10, 32), got "
            "(None, 32, 10). The axes are (batch, timesteps, width) for a sequence and "
            "(batch, width) for one step.",
        ),
        (
            (None, 64),
            (None, 32),
            "✗ Not yet: (None, 64) is twice as wide as (None, 32). Only Bidirectional with "
            "merge_mode='concat' doubles the width; a plain LSTM's width is units.",
        ),
        (
            (None, 10, 32),
            (None, 10, 64),
            "✗ Not yet: (None, 10, 32) is half as wide as (None, 10, 64). Bidirectional with "
            "merge_mode='concat' joins the two directions, so the width is 2 * units.",
        ),
        (
            (32, 10, 8),
            (None, 10, 8),
            "✗ Not yet: expected (None, 10, 8): the batch axis is None because the model accepts "
            "any batch size; got (32, 10, 8).",
        ),
        (
            (None,),
            (None, 10, 8),
            "✗ Not yet: expected a 3-D shape (None, 10, 8); got a 1-D shape (None,).",
        ),
        (
            (None, 7),
            (None, 32),
            "✗ Not yet: expected (None, 32); got (None, 7).",
        ),
        (
            (None, 32),
            [(None, 32), (None, 32), (None, 32)],
            "✗ Not yet: (None, 32) is the output alone; with return_state=True the layer returns "
            "a list of 3 arrays: [(None, 32), (None, 32), (None, 32)].",
        ),
        (
            [(None, 32), (None, 32), (None, 32)],
            (None, 32),
            "✗ Not yet: expected one shape (None, 32); got a list of 3. Without return_state=True "
            "the layer returns the output alone.",
        ),
        (
            [(None, 64), (None, 32), (None, 32)],
            [(None, 64), (None, 32), (None, 32), (None, 32), (None, 32)],
            "✗ Not yet: expected 5 shapes [(None, 64), (None, 32), (None, 32), (None, 32), "
            "(None, 32)]; got 3. Bidirectional with return_state=True returns the output, then h "
            "and c of the forward layer, then h and c of the backward layer.",
        ),
        (
            [(None, 10, 32), (None, 10, 32), (None, 32)],
            [(None, 10, 32), (None, 32), (None, 32)],
            "✗ Not yet: item 1 of the list: (None, 10, 32) has a timesteps axis the layer does not "
            "return; expected (None, 32). Without return_sequences=True an LSTM returns only its "
            "last step.",
        ),
        (
            "(None, 32)",
            (None, 32),
            "✗ Not yet: write a shape as a tuple of sizes, like (None, 10, 32), or a list of such "
            "tuples; got '(None, 32)'.",
        ),
        (
            (None, 32.0),
            (None, 32),
            "✗ Not yet: write a shape as a tuple of sizes, like (None, 10, 32), or a list of such "
            "tuples; got (None, 32.0).",
        ),
    ],
)
def test_check_shape_names_the_mistake_in_one_line(answer, expected, line):
    result = check_shape(answer, expected)
    assert result.passed is False
    assert result.message == line
    assert str(result) == repr(result) == result.message


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
        "✗ Not yet: that is only the last step. Looks like you forgot return_sequences=True, "
        "which keeps every step: (None, 10, 32).",
    )


@pytest.mark.parametrize(
    ("answer", "flags", "line"),
    [
        (
            (None, 10, 32),
            {},
            "✗ Not yet: that is the shape with return_sequences=True. Without it the LSTM returns "
            "only its last step: (None, 32).",
        ),
        (
            (None, 32),
            {"bidirectional": True},
            "✗ Not yet: that is a single LSTM. Bidirectional with merge_mode='concat' gives "
            "(None, 64): concat joins both directions, so the width is 2 * units.",
        ),
        (
            (None, 64),
            {"bidirectional": True, "merge_mode": "sum"},
            "✗ Not yet: that is the shape for merge_mode='concat'. With merge_mode='sum': sum adds "
            "the two directions element by element (width units), so (None, 32).",
        ),
        (
            (None, 64),
            {"bidirectional": True, "merge_mode": None},
            "✗ Not yet: that is the shape for merge_mode='concat'. With merge_mode=None: None "
            "returns the two directions separately, as two arrays, so [(None, 32), (None, 32)].",
        ),
        (
            (None, 32),
            {"return_state": True},
            "✗ Not yet: with return_state=True the layer returns a list: the output then the final "
            "states, [(None, 32), (None, 32), (None, 32)].",
        ),
        (
            [(None, 32), (None, 32), (None, 32)],
            {},
            "✗ Not yet: without return_state=True the layer returns no states, only (None, 32).",
        ),
        (
            (None, 8),
            {},
            "✗ Not yet: the width of an LSTM's output is units (32), not the number of input "
            "features (8): (None, 32).",
        ),
        (
            (None, 10),
            {},
            "✗ Not yet: the width of an LSTM's output is units (32); 10 is the number of "
            "timesteps: (None, 32).",
        ),
        (
            (None, 10, 16),
            {"return_sequences": True},
            "✗ Not yet: (None, 10, 16) is half as wide as (None, 10, 32). Bidirectional with "
            "merge_mode='concat' joins the two directions, so the width is 2 * units.",
        ),
    ],
)
def test_check_output_shape_names_the_flag_behind_a_wrong_answer(answer, flags, line):
    assert_verdict(check_output_shape(answer, (None, 10, 8), 32, **flags), False, line)


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
    with pytest.raises(
        TypeError,
        match=r"check_output_shape got unknown flag\(s\) return_sequence; expected some of "
        r"return_sequences, return_state, bidirectional, merge_mode",
    ):
        check_output_shape((None, 4), (None, 3, 2), 4, return_sequence=True)


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
        "123 is not the count of LSTM(64) on 2 features; count "
        "4 * (units * (input_dim + units) + units) parameters.",
    ),
    ("many", "a parameter count is a whole number; got 'many'."),
    (17_152.5, "a parameter count is a whole number; got 17152.5."),
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
            128 * 384,
            "simple_rnn",
            {},
            "you left out the biases: the layer also has a bias vector of 128.",
        ),
        (
            lstm_param_count(10, 64),
            "lstm",
            {"bidirectional": True},
            "that is one direction; Bidirectional holds two LSTM layers, a forward and a backward "
            "one, so twice as many.",
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


# ----------------------------------------------------------------------------------- CheckResult

RIGHT = CheckResult(True, "✓ Correct: the shape is (None, 32).")
WRONG = CheckResult(False, "✗ Not yet: expected (None, 32); got (None, 7).")

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


def test_check_value_rejects_an_expected_value_it_cannot_compare_exactly():
    with pytest.raises(TypeError, match=r"expected must be an int, bool, str, or a list of them; got 0.5"):
        check_value(0.5, 0.5)
