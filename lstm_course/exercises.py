"""Checkers for the exercises: one friendly line saying whether an answer is right, and if not, why.

Each ``check_*`` function returns a ``CheckResult`` and prints nothing. The result is truthy when the
answer is right, and it displays as one line, ``✓ Correct: ...`` or ``✗ Not yet: ...``: make the
call the last line of a notebook cell and that line is the cell's result.

A wrong answer's line names the kind of mistake (a missing timesteps axis, the width doubled by
Bidirectional, biases counted once, ...) and never the right answer, so that a student who runs the
check still works the answer out. It may describe the student's own answer ("got a 2-D shape
(None, 7)") and repeat the question's numbers (units, features). The likely mistakes and their
explanations are catalogued in ``lstm_course.mistakes``, built, like ``lstm_course.shapes``, on the
table of layer kinds in ``lstm_course.kinds``; an answer not in the catalogue is explained by its
structure (its number of axes, the length of its list, the same sizes in another order, ...).

Hints: an instructor can have a wrong answer's line name the expected answer too, by calling
``lstm_course.exercises.set_hints(True)`` or by setting the environment variable
``LSTM_COURSE_HINTS=1`` (read at every check, so it may be set in a running kernel). The line then
ends with a hint, for example ``(hint: expected (None, 16))``. ``set_hints(None)`` returns to the
environment variable, and ``set_hints(False)`` turns hints off whatever it says. Hints are off by
default, and the book's stored outputs are made with them off.

The student's ``answer`` is never rejected with an exception: an answer of the wrong kind is itself
a mistake to explain. The other arguments, written by the author of the exercise, are validated
like those of every other function in the package.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_course._validate import describe_value, flag, to_numpy
from lstm_course.kinds import KINDS
from lstm_course.mistakes import (
    ONE_NOT_LIST,
    WRONG_ORDER,
    canonical,
    expected_for,
    explain,
    is_shape_list,
    mistakes_for,
    same,
    shape_text,
    too_few,
)

__all__ = [
    "CheckResult",
    "check_close",
    "check_output_shape",
    "check_param_count",
    "check_shape",
    "check_value",
    "hints_enabled",
    "set_hints",
]

_RIGHT = "✓ Correct: "
_WRONG = "✗ Not yet: "
#: The environment variable that turns hints on when it is "1" (or "true", "yes", "on").
HINTS_VARIABLE = "LSTM_COURSE_HINTS"
_hints: dict[str, bool | None] = {"on": None}  # None: as the environment variable says


@dataclass(frozen=True, eq=False, repr=False)
class CheckResult:
    """The verdict of a ``check_*`` function: whether the answer is right, and the line saying why.

    A result is truthy exactly when the answer is right, so ``if check_shape(...):`` and
    ``assert check_shape(...)`` work, and it equals the bool ``passed`` (``result == True``). Its
    ``repr`` and ``str`` are ``message`` alone: at the end of a notebook cell the result displays as
    that one line. Results are immutable; the checkers make them, as ``CheckResult(passed, message)``.

    Attributes
    ----------
    passed : bool
        Whether the answer is right.
    message : str
        The one line shown to the student: ``✓ Correct: ...`` or ``✗ Not yet: ...``.

    Examples
    --------
    >>> from lstm_course import check_shape
    >>> result = check_shape((None, 10, 32), (None, 10, 32))
    >>> result
    ✓ Correct: the shape is (None, 10, 32).
    >>> result.passed, bool(result), result == True
    (True, True, True)
    >>> print(result.message)
    ✓ Correct: the shape is (None, 10, 32).
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def __str__(self) -> str:
        return self.message

    def __eq__(self, other: object) -> bool:
        if isinstance(other, bool):
            return self.passed == other
        if isinstance(other, CheckResult):
            return (self.passed, self.message) == (other.passed, other.message)
        return NotImplemented

    def __hash__(self) -> int:
        # A result equals the bool ``passed``, so it must hash like that bool; equal results share
        # ``passed`` too, so this stays consistent with every comparison ``__eq__`` allows.
        return hash(self.passed)


def set_hints(on: bool | None) -> None:
    """Have every check from now on name the expected answer after a wrong one, or stop.

    Parameters
    ----------
    on : bool or None
        True to show hints, False to hide them whatever ``LSTM_COURSE_HINTS`` says, None to follow
        that environment variable again (the default).

    Raises
    ------
    TypeError
        If ``on`` is neither a bool nor None.

    Examples
    --------
    >>> from lstm_course import check_shape
    >>> from lstm_course.exercises import set_hints
    >>> set_hints(True)
    >>> check_shape((None, 12, 5), (None, 5, 12))
    ✗ Not yet: (None, 12, 5) has the right sizes in the wrong order. The axes are (batch, timesteps, width) for a sequence and (batch, width) for one step. (hint: expected (None, 5, 12))
    >>> set_hints(None)
    """  # noqa: E501
    _hints["on"] = None if on is None else flag(on, "on")


def hints_enabled() -> bool:
    """Whether a wrong answer's line names the expected answer: see ``set_hints``."""
    if _hints["on"] is not None:
        return _hints["on"]
    return os.environ.get(HINTS_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def _right(message: str) -> CheckResult:
    return CheckResult(True, _RIGHT + message)


def _wrong(message: str, expected: str) -> CheckResult:
    """A wrong answer's result; ``expected`` is the right answer's text, shown only as a hint."""
    hint = f" (hint: expected {expected})" if hints_enabled() else ""
    return CheckResult(False, _WRONG + message + hint)


# ---------------------------------------------------------------------------------------- shapes


def _same_sizes(first: list, second: list) -> bool:
    def key(size: int | None) -> tuple[int, int]:
        return (0, 0) if size is None else (1, size)

    return sorted(first, key=key) == sorted(second, key=key)


def _diagnose_one(got: list, want: list) -> str:
    """Why the shape ``got`` is not ``want`` (both single canonical shapes), by its structure alone."""
    text = shape_text(got)
    if len(got) == 3 and len(want) == 2 and [got[0], got[2]] == want:
        return (
            f"{text} has a timesteps axis the layer does not return. Without return_sequences=True an "
            "LSTM returns only its last step."
        )
    if len(got) != len(want):
        return f"expected a {len(want)}-D shape; got a {len(got)}-D shape {text}."
    if _same_sizes(got, want):
        return f"{text} {WRONG_ORDER}"
    if got[1:] == want[1:]:
        if want[0] is None:
            return (
                f"{text} fixes the batch size, but the model accepts any batch size: its batch axis is None."
            )
        return f"{text} has the wrong batch size: here the input fixes it."
    if got[:-1] == want[:-1]:
        return (
            f"{text} has the wrong size on its last axis: in a layer's output that is the width, units "
            "(2 * units for Bidirectional with merge_mode='concat')."
        )
    if len(want) == 3 and (got[0], got[2]) == (want[0], want[2]):
        return (
            f"{text} differs on its middle axis only: in a sequence output that is the timesteps, and "
            "return_sequences=True keeps every step of the input."
        )
    return f"{text} is not the shape: check the size of each axis in turn."


def _diagnose(got: list, want: list) -> str:
    """Why ``got`` is not ``want`` (canonical shapes or lists of shapes, not in the catalogue)."""
    if is_shape_list(want) and not is_shape_list(got):
        return f"{shape_text(got)} {ONE_NOT_LIST}"
    if is_shape_list(got) and not is_shape_list(want):
        given = "put the shape in a list" if len(got) == 1 else f"gave a list of {len(got)} shapes"
        return (
            f"you {given}, but here the layer returns one array: without return_state=True, and unless "
            "merge_mode=None, the output comes alone."
        )
    if not is_shape_list(got):
        return _diagnose_one(got, want)
    if len(got) < len(want):
        return too_few(len(got))
    if len(got) > len(want):
        return (
            f"your list has {len(got)} arrays, too many: the layer returns its output(s), then, with "
            "return_state=True, each direction's final states (h and c for an LSTM, h otherwise)."
        )
    position, item, right = next((i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
    known = explain(mistakes_for("check_shape", right), item)
    return f"item {position} of the list: {known or _diagnose_one(item, right)}"


def _shape_verdict(checker: str, answer: Any, want: list, *question: Any, **flags: Any) -> str | None:
    """None if ``answer`` is the shape(s) ``want``, else why not (the question lists its mistakes)."""
    got = canonical(checker, answer)
    if got is None:
        return (
            "write a shape as a tuple of whole numbers or None, one per axis, or a list of such tuples; "
            f"got {describe_value(answer)}."
        )
    if same(got, want):
        return None
    return explain(mistakes_for(checker, *question, **flags), got) or _diagnose(got, want)


def check_shape(answer: Any, expected: Sequence[int | None] | list[Sequence[int | None]]) -> CheckResult:
    """Check a shape, or list of shapes, and explain a wrong one.

    Parameters
    ----------
    answer : tuple, list of tuples, or anything with a ``.shape``
        The student's answer, e.g. ``(None, 10, 32)`` or ``[(None, 32), (None, 32), (None, 32)]``.
        An array or tensor counts as its shape.
    expected : tuple or list of tuples
        The right shape, or the right list of shapes; sizes are positive integers or None.

    Returns
    -------
    CheckResult
        Truthy when ``answer`` is right; it displays as its one line, ``✓ Correct: ...`` or
        ``✗ Not yet: ...`` with the kind of mistake (missing or extra timesteps axis, axes in the
        wrong order, width off by the Bidirectional factor 2, batch size fixed or open, wrong
        number of arrays, ...) but not the right shape. Nothing is printed.

    Raises
    ------
    TypeError
        If ``expected`` is not a shape or a list of shapes.
    ValueError
        If ``expected`` holds a size that is not positive.

    Examples
    --------
    >>> from lstm_course import check_shape
    >>> check_shape((None, 32), (None, 10, 32))
    ✗ Not yet: (None, 32) has no timesteps axis. Looks like you forgot return_sequences=True, which keeps one output per timestep.
    >>> check_shape((7, 7, 7), (None, 32))
    ✗ Not yet: expected a 2-D shape; got a 3-D shape (7, 7, 7).
    """  # noqa: E501
    want = expected_for("check_shape", expected)
    problem = _shape_verdict("check_shape", answer, want, expected)
    if problem is None:
        return _right(f"the shape is {shape_text(want)}.")
    return _wrong(problem, shape_text(want))


def check_output_shape(
    answer: Any,
    input_shape: Sequence[int | None],
    units: int,
    **flags: Any,
) -> CheckResult:
    """Check a predicted LSTM output shape against ``lstm_output_shape`` and explain a wrong one.

    When the answer is the shape the layer would have with one flag changed, the line says which
    flag (for example that ``return_sequences=True`` keeps the timesteps axis); when it uses the
    number of features or timesteps as the width, it says that the width is ``units``.

    Parameters
    ----------
    answer : tuple, list of tuples, or anything with a ``.shape``
        The student's prediction.
    input_shape : tuple (batch, timesteps, features)
        The layer's input shape; ``batch`` and ``timesteps`` may be None.
    units : int
        The LSTM's ``units``.
    **flags
        Any of ``return_sequences``, ``return_state``, ``bidirectional``, ``merge_mode``, as for
        ``lstm_output_shape``.

    Returns
    -------
    CheckResult
        Truthy when ``answer`` is what ``lstm_output_shape`` predicts. A wrong answer's line names
        the flag, or the width, behind it (see above), never the right shape.

    Raises
    ------
    TypeError
        If a flag name is unknown or a flag has the wrong type, or as ``lstm_output_shape``.
    ValueError
        As ``lstm_output_shape``.

    Examples
    --------
    >>> from lstm_course import check_output_shape
    >>> check_output_shape((None, 10, 64), (None, 10, 8), 32, return_sequences=True,
    ...                    bidirectional=True)
    ✓ Correct: LSTM(32), return_sequences=True, bidirectional=True on (None, 10, 8) returns (None, 10, 64).
    >>> check_output_shape((None, 8), (None, 10, 8), 32)
    ✗ Not yet: the width of an LSTM's output is units (32), not the number of input features (8).
    """  # noqa: E501
    want = expected_for("check_output_shape", input_shape, units, **flags)
    problem = _shape_verdict("check_output_shape", answer, want, input_shape, units, **flags)
    if problem is not None:
        return _wrong(problem, shape_text(want))
    described = ", ".join(
        f"{name}={flags[name]!r}"
        for name in ("return_sequences", "return_state", "bidirectional", "merge_mode")
        if name in flags
    )
    layer = f"LSTM({units})" + (f", {described}" if described else "")
    return _right(f"{layer} on {tuple(input_shape)} returns {shape_text(want)}.")


# ------------------------------------------------------------------------------- parameter counts


def check_param_count(
    answer: Any,
    input_dim: int,
    units: int,
    kind: str = "lstm",
    *,
    bidirectional: bool = False,
    reset_after: bool = True,
) -> CheckResult:
    """Check a count of trainable parameters and explain a wrong one.

    The mistakes recognised: biases left out, one bias vector instead of one per gate, the gate
    factor forgotten (one gate's worth), a gate too few, the recurrent or the input weights left
    out, ``input_dim`` and ``units`` swapped, another layer kind's count, the Bidirectional factor
    2 forgotten or added, and, for a GRU, the ``reset_after`` variant. Another wrong count is told
    the formula to use, not the count.

    Parameters
    ----------
    answer : int
        The student's count.
    input_dim : int
        The number of input features.
    units : int
        The layer's ``units``.
    kind : {"lstm", "gru", "simple_rnn"}, default "lstm"
        The layer class.
    bidirectional : bool, default False
        Whether the layer is wrapped in ``Bidirectional``.
    reset_after : bool, default True
        For a GRU, the Keras argument of that name (the Keras 3 default is True).

    Returns
    -------
    CheckResult
        Truthy when ``answer`` is what Keras' ``layer.count_params()`` returns. A wrong count's line
        names its likely mistake, or else the formula to use, never the right count.

    Raises
    ------
    ValueError
        If ``input_dim`` or ``units`` is not positive or ``kind`` is unknown.
    TypeError
        If ``input_dim`` or ``units`` is not an integer or a flag is not a bool.

    Examples
    --------
    >>> from lstm_course import check_param_count
    >>> check_param_count(17152, input_dim=2, units=64)
    ✓ Correct: LSTM(64) on 2 features has 17,152 parameters.
    >>> check_param_count(16896, input_dim=2, units=64)
    ✗ Not yet: you left out the biases: each of the 4 gates also has a bias vector of 64.
    >>> check_param_count(123, input_dim=2, units=64)
    ✗ Not yet: that is not the count of LSTM(64) on 2 features; count 4 * (units * (input_dim + units) + units) parameters.
    """  # noqa: E501
    question = {"bidirectional": bidirectional, "reset_after": reset_after}
    correct = expected_for("check_param_count", input_dim, units, kind, **question)
    layer, input_dim, units = KINDS[kind], int(input_dim), int(units)  # valid: expected_for checked them
    name = f"{layer.class_name}({units})"
    name = f"Bidirectional({name})" if bidirectional else name
    got = canonical("check_param_count", answer)
    if got == correct:
        return _right(f"{name} on {input_dim} features has {correct:,} parameters.")
    if got is None:
        problem = f"a parameter count is a whole number; got {describe_value(answer)}."
    else:
        formula = layer.formula(reset_after=reset_after, bidirectional=bidirectional)
        problem = explain(mistakes_for("check_param_count", input_dim, units, kind, **question), got) or (
            f"that is not the count of {name} on {input_dim} features; count {formula} parameters."
        )
    return _wrong(problem, f"{correct:,}")


# --------------------------------------------------------------------------------- values and arrays


def _numbers_text(arrays: list[np.ndarray]) -> str:
    """The expected numbers for a hint, rounded, on one line (a long array is summarised)."""
    texts = [
        np.array2string(array, precision=4, separator=", ", threshold=24)
        if array.ndim
        else f"{array.item():.4g}"
        for array in arrays
    ]
    text = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return " ".join(text.split())


def _as_numbers(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array (tensors, lists and scalars included); None if it holds no numbers."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = to_numpy(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _pieces(value: Any) -> list[Any]:
    """A list of arrays stays a list of items; anything else is one item."""
    if isinstance(value, (list, tuple)) and value and all(not np.isscalar(item) for item in value):
        return list(value)
    return [value]


def check_close(answer: Any, expected: Any, *, atol: float = 1e-5) -> CheckResult:
    """Check computed numbers, or a list of arrays, against the expected ones, within ``atol``.

    Use it when the exercise asks for a computation (a step by hand, a state after a split) rather
    than a shape: ``expected`` is computed in the chapter, never written out, so the check gives
    the answer away no more than the question does.

    Parameters
    ----------
    answer : array, tensor, number, or list of them
        The student's result. A list is compared item by item with a list ``expected``.
    expected : array, tensor, number, or list of them
        The right result. A number is compared with every entry of ``answer``.
    atol : float, default 1e-5
        The largest absolute difference that still counts as equal (Keras computes in float32).

    Returns
    -------
    CheckResult
        Truthy when every entry is within ``atol``; the line says so, or what is wrong: no answer
        yet, not numbers, a different shape, or by how much the values differ. The line never
        shows a difference below ``atol`` (float32 noise, which changes from one CPU to another):
        a match reads "every difference is below 1e-05", and a miss by little more than ``atol``
        reads "by more than 1e-05". Nothing is printed.

    Raises
    ------
    TypeError
        If ``expected`` holds no numbers or ``atol`` is not a number.
    ValueError
        If ``atol`` is negative or not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course import check_close
    >>> check_close([0.5, 0.25], np.array([0.5, 0.25]))
    ✓ Correct: the values match (every difference is below 1e-05).
    >>> check_close(np.zeros((2, 3)), np.zeros((3, 2)))
    ✗ Not yet: expected an array of shape (3, 2); got an array of shape (2, 3).
    """
    if isinstance(atol, bool) or not isinstance(atol, numbers.Real):
        raise TypeError(f"atol must be a number; got {describe_value(atol)}")
    if not math.isfinite(atol) or atol < 0:
        raise ValueError(f"atol must be a finite number >= 0; got {atol!r}")
    wanted = _pieces(expected)
    targets = []
    for position, item in enumerate(wanted):
        array = _as_numbers(item)
        if array is None:
            where = f"expected[{position}]" if len(wanted) > 1 else "expected"
            raise TypeError(
                f"{where} must be numbers (an array, a tensor or a number); got {describe_value(item)}"
            )
        targets.append(array)
    hint = _numbers_text(targets)
    if answer is None:
        return _wrong("there is no answer yet (it is None): compute it, then run the check again.", hint)
    given = _pieces(answer) if len(targets) > 1 else [answer]
    if len(given) != len(targets):
        return _wrong(f"expected a list of {len(targets)} results; got {describe_value(answer)}.", hint)
    for position, (item, target) in enumerate(zip(given, targets, strict=True)):
        where = f"item {position} of the list: " if len(targets) > 1 else ""
        got = _as_numbers(item)
        if got is None:
            return _wrong(f"{where}expected numbers; got {describe_value(item)}.", hint)
        if target.ndim and got.shape != target.shape:
            return _wrong(
                f"{where}expected an array of shape {tuple(target.shape)}; got "
                + (f"an array of shape {tuple(got.shape)}." if got.ndim else f"the number {got.item():g}."),
                hint,
            )
        if not np.all(np.isfinite(got)):
            return _wrong(f"{where}the answer holds NaN or infinite values.", hint)
        difference = float(np.max(np.abs(got - target))) if got.size else 0.0
        if difference > atol:
            # A difference is shown only where it stands far above float noise; near atol, only the bound.
            size = f"up to {difference:.2g}" if difference >= 100 * atol else f"more than {atol:g}"
            return _wrong(f"{where}the values differ from the expected ones by {size}.", hint)
    if not atol:
        return _right("the values are equal.")
    return _right(f"the values match (every difference is below {atol:g}).")


def check_value(answer: Any, expected: Any) -> CheckResult:
    """Check an answer that must equal ``expected`` exactly: a count, a list of indices, a flag.

    Parameters
    ----------
    answer : any
        The student's answer.
    expected : int, bool, str, or a list or tuple of them
        The right answer, computed in the chapter rather than written out.

    Returns
    -------
    CheckResult
        Truthy when ``answer`` equals ``expected`` and is of the same kind (a NumPy integer counts
        as an int, a tuple as a list; ``1`` is not ``True``, nor ``18.0`` 18); otherwise the line
        says what kind of value was expected and what arrived. The line never shows the expected
        value. Nothing is printed.

    Raises
    ------
    TypeError
        If ``expected`` is not an int, bool, str, or a list or tuple of them.

    Examples
    --------
    >>> from lstm_course import check_value
    >>> check_value(18, 18)
    ✓ Correct: 18.
    >>> check_value([4, 5], [4, 5, 6])
    ✗ Not yet: expected a list of 3 items; got 2.
    """
    want = expected_for("check_value", expected)
    hint = describe_value(want)
    if answer is None:
        return _wrong("there is no answer yet (it is None): write it, then run the check again.", hint)
    got = canonical("check_value", answer)
    if got is not None and same(got, want):
        return _right(f"{describe_value(got)}.")
    if isinstance(want, list):
        if not isinstance(got, list):
            return _wrong(f"expected a list of {len(want)} items; got {describe_value(answer)}.", hint)
        if len(got) != len(want):
            return _wrong(f"expected a list of {len(want)} items; got {len(got)}.", hint)
    elif type(got) is not type(want):
        kind = {bool: "True or False", int: "a whole number", str: "a string"}[type(want)]
        return _wrong(f"expected {kind}; got {describe_value(answer)}.", hint)
    return _wrong(f"{describe_value(answer)} is not the answer; look again at the question.", hint)
