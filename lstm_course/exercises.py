"""Checkers for the exercises: one friendly line saying whether an answer is right, and if not, why.

Each ``check_*`` function returns a ``CheckResult`` and prints nothing. The result is truthy when the
answer is right, and it displays as one line, ``✓ Correct: ...`` or ``✗ Not yet: ...``: make the
call the last line of a notebook cell and that line is the cell's result. The line names the likely
mistake (a missing timesteps axis, biases counted once, ...) rather than only the right answer.

The student's ``answer`` is never rejected with an exception: an answer of the wrong kind is itself
a mistake to explain. The other arguments, written by the author of the exercise, are validated
like those of every other function in the package.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_course._validate import choice, describe_value, flag, is_int, positive_int, shape_tuple
from lstm_course.shapes import (
    MERGE_MODES,
    gru_param_count,
    lstm_output_shape,
    lstm_param_count,
    simple_rnn_param_count,
)

__all__ = [
    "CheckResult",
    "check_close",
    "check_output_shape",
    "check_param_count",
    "check_shape",
    "check_value",
]

Shape = tuple[int | None, ...]

_RIGHT = "✓ Correct: "
_WRONG = "✗ Not yet: "


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


def _say(ok: bool, message: str) -> CheckResult:
    return CheckResult(ok, (_RIGHT if ok else _WRONG) + message)


# ---------------------------------------------------------------------------------------- shapes


def _single_shape(value: Any) -> Shape | None:
    """A shape from a tuple/list of sizes or from anything with ``.shape``; None if neither."""
    if not isinstance(value, (tuple, list)) and hasattr(value, "shape"):
        value = value.shape
    try:
        entries = tuple(value)
    except TypeError:
        return None
    if isinstance(value, (str, bytes)):
        return None
    if all(entry is None or is_int(entry) for entry in entries):
        return tuple(None if entry is None else int(entry) for entry in entries)
    return None


def _answer_shapes(answer: Any) -> Shape | list[Shape] | None:
    """Read a student's answer as one shape or a list of shapes; None if it is neither."""
    single = _single_shape(answer)
    if single is not None:
        return single
    if isinstance(answer, (tuple, list)) and answer:
        shapes = [_single_shape(item) for item in answer]
        if all(shape is not None for shape in shapes):
            return shapes  # type: ignore[return-value]
    return None


def _expected_shapes(expected: Any) -> Shape | list[Shape]:
    if isinstance(expected, list) and expected and all(isinstance(item, (tuple, list)) for item in expected):
        return [shape_tuple(item, f"expected[{i}]") for i, item in enumerate(expected)]
    return shape_tuple(expected, "expected")


def _same_sizes(first: Shape, second: Shape) -> bool:
    def key(size: int | None) -> tuple[int, int]:
        return (0, 0) if size is None else (1, size)

    return sorted(first, key=key) == sorted(second, key=key)


def _diagnose_single(answer: Shape, expected: Shape) -> str:
    """Why ``answer`` differs from ``expected`` (both single shapes, known to differ)."""
    if len(expected) == 3 and len(answer) == 2 and answer == (expected[0], expected[2]):
        return (
            f"{answer} has no timesteps axis; expected {expected}. Looks like you forgot "
            "return_sequences=True, which keeps one output per timestep."
        )
    if len(answer) == 3 and len(expected) == 2 and (answer[0], answer[2]) == expected:
        return (
            f"{answer} has a timesteps axis the layer does not return; expected {expected}. "
            "Without return_sequences=True an LSTM returns only its last step."
        )
    if len(answer) != len(expected):
        return f"expected a {len(expected)}-D shape {expected}; got a {len(answer)}-D shape {answer}."
    if _same_sizes(answer, expected):
        return (
            f"the right sizes in the wrong order: expected {expected}, got {answer}. The axes are "
            "(batch, timesteps, width) for a sequence and (batch, width) for one step."
        )
    if answer[:-1] == expected[:-1]:
        got, want = answer[-1], expected[-1]
        if got is not None and want is not None and got == 2 * want:
            return (
                f"{answer} is twice as wide as {expected}. Only Bidirectional with "
                "merge_mode='concat' doubles the width; a plain LSTM's width is units."
            )
        if got is not None and want is not None and 2 * got == want:
            return (
                f"{answer} is half as wide as {expected}. Bidirectional with merge_mode='concat' "
                "joins the two directions, so the width is 2 * units."
            )
    if answer[1:] == expected[1:] and answer[0] != expected[0]:
        if expected[0] is None:
            return (
                f"expected {expected}: the batch axis is None because the model accepts any "
                f"batch size; got {answer}."
            )
        return f"expected {expected}: the batch size is {expected[0]} here; got {answer}."
    return f"expected {expected}; got {answer}."


def _diagnose(answer: Shape | list[Shape], expected: Shape | list[Shape]) -> str | None:
    """None if ``answer`` equals ``expected``, otherwise what is wrong with it."""
    if answer == expected:
        return None
    if isinstance(expected, list) and not isinstance(answer, list):
        if answer == expected[0]:
            return (
                f"{answer} is the output alone; with return_state=True the layer returns a list "
                f"of {len(expected)} arrays: {expected}."
            )
        return f"expected a list of {len(expected)} shapes {expected}; got one shape {answer}."
    if isinstance(answer, list) and not isinstance(expected, list):
        if answer[0] == expected:
            return (
                f"expected one shape {expected}; got a list of {len(answer)}. Without "
                "return_state=True the layer returns the output alone."
            )
        return f"expected one shape {expected}; got a list of {len(answer)} shapes {answer}."
    if isinstance(answer, list) and isinstance(expected, list):
        if len(answer) != len(expected):
            if len(expected) == 5 and len(answer) == 3:
                return (
                    f"expected 5 shapes {expected}; got 3. Bidirectional with return_state=True "
                    "returns the output, then h and c of the forward layer, then h and c of the "
                    "backward layer."
                )
            return f"expected a list of {len(expected)} shapes {expected}; got {len(answer)}."
        for position, (got, want) in enumerate(zip(answer, expected, strict=True)):
            if got != want:
                return f"item {position} of the list: {_diagnose_single(got, want)}"
    return _diagnose_single(answer, expected)  # type: ignore[arg-type]


def _unreadable(answer: Any) -> str:
    return (
        "write a shape as a tuple of sizes, like (None, 10, 32), or a list of such tuples; "
        f"got {describe_value(answer)}."
    )


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
        ``✗ Not yet: ...`` with the likely mistake (missing or extra timesteps axis, axes in the
        wrong order, width off by the Bidirectional factor 2, wrong number of arrays, ...).
        Nothing is printed.

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
    ✗ Not yet: (None, 32) has no timesteps axis; expected (None, 10, 32). Looks like you forgot return_sequences=True, which keeps one output per timestep.
    """  # noqa: E501
    want = _expected_shapes(expected)
    got = _answer_shapes(answer)
    if got is None:
        return _say(False, _unreadable(answer))
    problem = _diagnose(got, want)
    if problem is None:
        return _say(True, f"the shape is {want}.")
    return _say(False, problem)


def _flag_text(name: str, value: Any) -> str:
    return f"{name}={value!r}"


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
        Truthy when ``answer`` is right; it displays as its one line, ``✓ Correct: ...`` or
        ``✗ Not yet: ...`` with the likely mistake. Nothing is printed.

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
    """  # noqa: E501
    allowed = ("return_sequences", "return_state", "bidirectional", "merge_mode")
    unknown = sorted(set(flags) - set(allowed))
    if unknown:
        raise TypeError(
            f"check_output_shape got unknown flag(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(allowed)}"
        )
    expected = lstm_output_shape(input_shape, units, **flags)
    settings = {
        "return_sequences": False,
        "return_state": False,
        "bidirectional": False,
        "merge_mode": "concat",
        **flags,
    }
    described = ", ".join(_flag_text(name, flags[name]) for name in allowed if name in flags)
    layer = f"LSTM({units})" + (f", {described}" if described else "")
    got = _answer_shapes(answer)
    if got is None:
        return _say(False, _unreadable(answer))
    if got == expected:
        return _say(True, f"{layer} on {tuple(input_shape)} returns {expected}.")

    for alternative, explanation in _alternatives(tuple(input_shape), units, settings, expected):
        if got == alternative:
            return _say(False, explanation)
    return _say(False, _diagnose(got, expected) or "")


def _alternatives(
    input_shape: Shape, units: int, settings: dict[str, Any], expected: Any
) -> list[tuple[Any, str]]:
    """Shapes a student might give by mistake, each with what the mistake is."""
    _, timesteps, features = input_shape
    candidates: list[tuple[Callable[[], Any], str]] = []

    def predict(changes: dict[str, Any], width: int = units) -> Callable[[], Any]:
        return lambda: lstm_output_shape(input_shape, width, **{**settings, **changes})

    sequences = settings["return_sequences"]
    if sequences:
        candidates.append(
            (
                predict({"return_sequences": False}),
                f"that is only the last step. Looks like you forgot return_sequences=True, which "
                f"keeps every step: {expected}.",
            )
        )
    else:
        candidates.append(
            (
                predict({"return_sequences": True}),
                f"that is the shape with return_sequences=True. Without it the LSTM returns only "
                f"its last step: {expected}.",
            )
        )
    if settings["bidirectional"]:
        mode = settings["merge_mode"]
        candidates.append(
            (
                predict({"bidirectional": False}),
                f"that is a single LSTM. Bidirectional with merge_mode={mode!r} gives {expected}"
                + (": concat joins both directions, so the width is 2 * units." if mode == "concat" else "."),
            )
        )
        for other in MERGE_MODES:
            if other != mode:
                explanation = {
                    "concat": "concat joins the two directions side by side (width 2 * units)",
                    "sum": "sum adds the two directions element by element (width units)",
                    "mul": "mul multiplies the two directions element by element (width units)",
                    "ave": "ave averages the two directions (width units)",
                    None: "None returns the two directions separately, as two arrays",
                }[mode]
                candidates.append(
                    (
                        predict({"merge_mode": other}),
                        f"that is the shape for merge_mode={other!r}. With merge_mode={mode!r}: "
                        f"{explanation}, so {expected}.",
                    )
                )
    else:
        candidates.append(
            (
                predict({"bidirectional": True}),
                f"that is the shape of Bidirectional(LSTM({units})). A single LSTM's width is "
                f"units: {expected}.",
            )
        )
    if settings["return_state"]:
        count = len(expected) - (2 if settings["bidirectional"] else 1) * 2
        candidates.append(
            (
                predict({"return_state": False}),
                f"with return_state=True the layer returns a list: the output{'s' * (count > 1)} "
                f"then the final states, {expected}.",
            )
        )
    else:
        candidates.append(
            (
                predict({"return_state": True}),
                f"without return_state=True the layer returns no states, only {expected}.",
            )
        )
    if features != units:
        candidates.append(
            (
                predict({}, width=features),  # type: ignore[arg-type]
                f"the width of an LSTM's output is units ({units}), not the number of input "
                f"features ({features}): {expected}.",
            )
        )
    if timesteps is not None and timesteps not in (units, features):
        candidates.append(
            (
                predict({}, width=timesteps),
                f"the width of an LSTM's output is units ({units}); {timesteps} is the number of "
                f"timesteps: {expected}.",
            )
        )
    return [(make(), text) for make, text in candidates]


# ------------------------------------------------------------------------------- parameter counts

_KINDS = ("lstm", "gru", "simple_rnn")
_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}
_GATES = {"lstm": 4, "gru": 3, "simple_rnn": 1}
_FORMULAS = {
    "lstm": "4 * (units * (input_dim + units) + units)",
    "gru": "3 * (units * (input_dim + units) + 2 * units)",
    "gru-reset-before": "3 * (units * (input_dim + units) + units)",
    "simple_rnn": "units * (input_dim + units) + units",
}


def _answer_count(answer: Any) -> int | None:
    if is_int(answer):
        return int(answer)
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        if float(answer).is_integer():
            return int(answer)
    return None


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
    factor forgotten (one gate's worth), the recurrent or the input weights left out,
    ``input_dim`` and ``units`` swapped, the wrong number of gates, the Bidirectional factor 2
    forgotten or added, and, for a GRU, the ``reset_after`` variant.

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
        Truthy when ``answer`` is right; it displays as its one line, ``✓ Correct: ...`` or
        ``✗ Not yet: ...`` with the likely mistake. Nothing is printed.

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
    """  # noqa: E501
    kind = choice(kind, "kind", _KINDS)
    input_dim = positive_int(input_dim, "input_dim")
    units = positive_int(units, "units")
    bidirectional = flag(bidirectional, "bidirectional")
    reset_after = flag(reset_after, "reset_after")

    if kind == "lstm":
        correct = lstm_param_count(input_dim, units, bidirectional=bidirectional)
    elif kind == "gru":
        correct = gru_param_count(input_dim, units, reset_after=reset_after, bidirectional=bidirectional)
    else:
        correct = simple_rnn_param_count(input_dim, units, bidirectional=bidirectional)

    name = _NAMES[kind]
    layer = f"Bidirectional({name}({units}))" if bidirectional else f"{name}({units})"
    got = _answer_count(answer)
    if got is None:
        return _say(False, f"a parameter count is a whole number; got {describe_value(answer)}.")
    if got == correct:
        return _say(True, f"{layer} on {input_dim} features has {correct:,} parameters.")

    for count, explanation in _count_mistakes(kind, input_dim, units, bidirectional, reset_after):
        if count == got and count != correct:
            return _say(False, f"{explanation}.")
    formula = _FORMULAS["gru-reset-before" if kind == "gru" and not reset_after else kind]
    factor = "2 * (" + formula + ")" if bidirectional else formula
    return _say(
        False,
        f"{got:,} is not the count of {layer} on {input_dim} features; count {factor} parameters.",
    )


def _count_mistakes(
    kind: str, n: int, u: int, bidirectional: bool, reset_after: bool
) -> list[tuple[int, str]]:
    """Wrong counts a student might give, each with what the mistake is (the first match wins)."""
    gates = _GATES[kind]
    biases = 2 if kind == "gru" and reset_after else 1
    directions = 2 if bidirectional else 1
    name = _NAMES[kind]
    article = "an" if kind == "lstm" else "a"
    gate_names = {"lstm": " (i, f, c, o)", "gru": " (z, r, h)", "simple_rnn": ""}[kind]

    def count(
        gates: int = gates,
        biases: int = biases,
        n: int = n,
        u: int = u,
        input_weights: int = 1,
        recurrent_weights: int = 1,
        directions: int = directions,
    ) -> int:
        per_gate = u * (n * input_weights + u * recurrent_weights) + biases * u
        return directions * gates * per_gate

    each = f"each of the {gates} gates also has" if gates > 1 else "the layer also has"
    vectors = "two bias vectors" if biases == 2 else "a bias vector"
    per_gate = " per gate" if gates > 1 else ""
    mistakes = [(count(biases=0), f"you left out the biases: {each} {vectors} of {u}")]
    if gates * biases > 1:
        mistakes.append(
            (
                directions * (gates * u * (n + u) + u),
                f"you counted one bias vector of {u}, but {article} {name} has {gates * biases} of them, "
                f"{'two per gate' if biases == 2 else 'one per gate'}",
            )
        )
    if kind == "gru":
        mistakes.append(
            (
                count(biases=1 if reset_after else 2),
                f"that is the count for reset_after={not reset_after}; "
                + (
                    "Keras 3's GRU defaults to reset_after=True, which has two bias vectors per gate"
                    if reset_after
                    else "with reset_after=False each gate has one bias vector"
                ),
            )
        )
    if bidirectional:
        mistakes.append(
            (
                count(directions=1),
                f"that is one direction; Bidirectional holds two {name} layers, a forward and a "
                "backward one, so twice as many",
            )
        )
    else:
        mistakes.append(
            (
                count(directions=2),
                f"that counts two directions; a plain {name} has one (only Bidirectional doubles the count)",
            )
        )
    if gates > 1:
        mistakes.append(
            (
                count(gates=1),
                f"that is one gate's worth: {article} {name} has {gates} gates{gate_names}, each "
                "with its own weights and biases",
            )
        )
    mistakes += [
        (
            count(recurrent_weights=0),
            f"you left out the recurrent weights: the layer also reads the previous h through a "
            f"({u}, {u}) matrix{per_gate}",
        ),
        (
            count(input_weights=0),
            f"you left out the input weights: the layer reads the input through a ({n}, {u}) "
            f"matrix{per_gate}",
        ),
        (
            count(n=u, u=n),
            "input_dim and units look swapped: the input weights are (input_dim, units) = "
            f"({n}, {u}){per_gate} and the recurrent weights (units, units) = ({u}, {u})",
        ),
    ]
    if kind == "lstm":
        mistakes.append(
            (count(gates=3), "that has 3 gates; an LSTM has 4 (i, f, c, o), each with its weights")
        )
        mistakes.append((count(gates=3, biases=2), "that is a GRU's count; an LSTM has 4 gates (i, f, c, o)"))
    if kind == "gru":
        mistakes.append((count(gates=4, biases=1), "that is an LSTM's count; a GRU has 3 gates (z, r, h)"))
    return mistakes


# --------------------------------------------------------------------------------- values and arrays


def _as_numbers(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array (tensors, lists and scalars included); None if it holds no numbers."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
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
    if answer is None:
        return _say(False, "there is no answer yet (it is None): compute it, then run the check again.")
    given = _pieces(answer) if len(targets) > 1 else [answer]
    if len(given) != len(targets):
        return _say(False, f"expected a list of {len(targets)} results; got {describe_value(answer)}.")
    for position, (item, target) in enumerate(zip(given, targets, strict=True)):
        where = f"item {position} of the list: " if len(targets) > 1 else ""
        got = _as_numbers(item)
        if got is None:
            return _say(False, f"{where}expected numbers; got {describe_value(item)}.")
        if target.ndim and got.shape != target.shape:
            return _say(
                False,
                f"{where}expected an array of shape {tuple(target.shape)}; got "
                + (f"an array of shape {tuple(got.shape)}." if got.ndim else f"the number {got.item():g}."),
            )
        if not np.all(np.isfinite(got)):
            return _say(False, f"{where}the answer holds NaN or infinite values.")
        difference = float(np.max(np.abs(got - target))) if got.size else 0.0
        if difference > atol:
            # A difference is shown only where it stands far above float noise; near atol, only the bound.
            size = f"up to {difference:.2g}" if difference >= 100 * atol else f"more than {atol:g}"
            return _say(False, f"{where}the values differ from the expected ones by {size}.")
    if not atol:
        return _say(True, "the values are equal.")
    return _say(True, f"the values match (every difference is below {atol:g}).")


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
        Truthy when ``answer == expected`` (a NumPy integer counts as an int, a tuple as a list);
        otherwise the line says what kind of value was expected and what arrived. The line never
        shows the expected value. Nothing is printed.

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
    plain = (bool, int, str, np.integer, np.bool_)
    items = expected if isinstance(expected, (list, tuple)) else [expected]
    if not all(isinstance(item, plain) for item in items):
        raise TypeError(
            f"expected must be an int, bool, str, or a list of them; got {describe_value(expected)}"
        )

    def normal(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [normal(item) for item in value]
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        return value

    want, got = normal(expected), normal(answer)
    if answer is None:
        return _say(False, "there is no answer yet (it is None): write it, then run the check again.")
    if isinstance(want, list):
        if not isinstance(got, list):
            return _say(False, f"expected a list of {len(want)} items; got {describe_value(answer)}.")
        if len(got) != len(want):
            return _say(False, f"expected a list of {len(want)} items; got {len(got)}.")
    elif type(got) is not type(want):
        kind = {bool: "True or False", int: "a whole number", str: "a string"}[type(want)]
        return _say(False, f"expected {kind}; got {describe_value(answer)}.")
    if got == want:
        return _say(True, f"{describe_value(got)}.")
    return _say(False, f"{describe_value(answer)} is not the answer; look again at the question.")
