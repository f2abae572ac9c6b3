"""The catalogue of likely mistakes behind the exercises' checks, and the canonical answers they use.

Given the question a check asks (the ``check_*`` call's arguments after the answer), the functions
here enumerate likely wrong answers, each as a pair ``(wrong answer, explanation)``. The wrong
answer is in canonical form, the explanation a sentence that names the kind of mistake (timesteps
axis missing, biases forgotten, one direction, ...). An explanation may describe the wrong answer
itself, but it never gives the expected answer: a student who reads it still has to work the answer
out. ``exercises`` looks an answer up here first, and explains it structurally otherwise.

Every catalogue function (``shape_mistakes``, ``output_shape_mistakes``, ``count_mistakes``) takes
its check's arguments after the answer, validates them as the check does (raising the same
``TypeError`` or ``ValueError``), and returns a list of ``(wrong answer, explanation)`` pairs: each
wrong answer canonical, listed once, and never the expected answer. Where two mistakes give the
same wrong answer, the first one listed stays. ``mistakes_for``, ``canonical`` and
``expected_for`` take a checker's name (one of ``CHECKERS``) and its arguments, so that a wrong
answer can be looked up, and answers compared or counted, without calling the check.

Canonical forms are JSON-serialisable, and two answers get the same canonical form exactly when
the check treats them as the same answer (compare ``json.dumps(form, sort_keys=True)``):

- a shape (``check_shape``, ``check_output_shape``): a list of ints and None, ``[None, 10, 32]``;
  a list of shapes: a list of such lists. A tuple, a list and an array of that shape are the same.
- a count (``check_param_count``): an int; ``17152.0`` is ``17152``.
- a value (``check_value``): the plain value, NumPy scalars as Python ones, tuples as lists.
- ``check_close``: not canonicalised (None); its answers are arrays compared within ``atol``.

Examples
--------
>>> from lstm_course.mistakes import canonical, expected_for, mistakes_for
>>> expected_for("check_output_shape", (None, 5, 3), 12, return_sequences=True)
[None, 5, 12]
>>> canonical("check_output_shape", (None, 12))
[None, 12]
>>> for wrong, why in mistakes_for("check_output_shape", (None, 5, 3), 12, return_sequences=True)[:2]:
...     print(wrong, why)
[None, 12] that is only the last step. Looks like you forgot return_sequences=True, which keeps every step.
[None, 5, 24] that is the shape of Bidirectional(LSTM(12)). A single LSTM's width is units.
"""  # noqa: E501

from __future__ import annotations

import itertools
import json
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lstm_course._validate import choice, describe_value, flag, is_int, positive_int, shape_tuple
from lstm_course.kinds import KINDS, RECURRENT_KINDS, LayerKind, weight_count
from lstm_course.shapes import MERGE_MODES, lstm_output_shape

__all__ = [
    "CHECKERS",
    "canonical",
    "count_mistakes",
    "expected_for",
    "explain",
    "is_shape_list",
    "mistakes_for",
    "output_shape_mistakes",
    "same",
    "shape_mistakes",
    "shape_text",
    "too_few",
]

#: The checkers of ``exercises`` that the dispatchers know, by name.
CHECKERS = ("check_shape", "check_output_shape", "check_param_count", "check_value", "check_close")

#: A likely mistake: the wrong answer in canonical form, and the explanation of it.
Mistake = tuple[Any, str]

# Every order of up to this many axes (or list items) is enumerated; of more, only two swapped. The
# checks' structural diagnosis recognises any other order, and the catalogue stays short.
_MAX_PERMUTED = 4

# Explanations the checks' structural diagnosis shares with the catalogue (a shape's text precedes
# each of them).
WRONG_ORDER = (
    "has the right sizes in the wrong order. The axes are (batch, timesteps, width) for a sequence "
    "and (batch, width) for one step."
)
ONE_NOT_LIST = (
    "is one array, but here the layer returns a list of arrays: with return_state=True its output, "
    "then its final states; with merge_mode=None one output per direction."
)
_ONE_DIRECTION = (
    "that list holds the states of one direction only. Bidirectional with return_state=True returns "
    "the output, then h and c of the forward layer, then h and c of the backward layer."
)
_NO_OUTPUT = (
    "that list leaves out the output: with return_state=True the output comes first, then the states."
)
_LIST_ORDER = (
    "that list holds the right shapes in the wrong order: the output(s) come first, then the final "
    "states (h before c, the forward direction before the backward one)."
)
_NO_TIMESTEPS = (
    "has no timesteps axis. Looks like you forgot return_sequences=True, which keeps one output per timestep."
)
_BATCH_OPEN = "leaves the batch size open (None), but here it is fixed: the input gives it."
_TWICE = (
    "is twice as wide as it should be (its last axis). In a layer's output only Bidirectional with "
    "merge_mode='concat' doubles the width, to 2 * units."
)
_HALF = (
    "is half as wide as it should be (its last axis). Bidirectional with merge_mode='concat' joins its "
    "two directions side by side, so its output is 2 * units wide."
)
_MERGES = {
    "concat": "concat joins the two directions side by side (width 2 * units)",
    "sum": "sum adds the two directions element by element (width units)",
    "mul": "mul multiplies the two directions element by element (width units)",
    "ave": "ave averages the two directions (width units)",
    None: "None returns the two directions separately, as two arrays",
}


# ------------------------------------------------------------------------------ canonical forms


def same(first: Any, second: Any) -> bool:
    """Whether two canonical forms are the same answer (``True`` and ``1`` are not)."""
    return _key(first) == _key(second)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def is_shape_list(shapes: Any) -> bool:
    """Whether a canonical shape answer is a list of shapes rather than one shape."""
    return bool(shapes) and isinstance(shapes[0], list)


def shape_text(shapes: Any) -> str:
    """A canonical shape, or list of shapes, written as Keras writes it: ``(None, 32)``, ``[(4, 8)]``."""
    if is_shape_list(shapes):
        return str([tuple(shape) for shape in shapes])
    return str(tuple(shapes))


def _canonical_shapes(shapes: tuple | list[tuple]) -> list:
    """``lstm_output_shape``'s tuple, or list of tuples, in canonical form."""
    if isinstance(shapes, list):
        return [list(shape) for shape in shapes]
    return list(shapes)


def _read_shape(value: Any) -> list | None:
    """One shape from a tuple/list of sizes or from anything with ``.shape``; None if neither."""
    if not isinstance(value, (tuple, list)) and hasattr(value, "shape"):
        value = value.shape
    if isinstance(value, (str, bytes)):
        return None
    try:
        entries = tuple(value)
    except TypeError:
        return None
    if all(entry is None or is_int(entry) for entry in entries):
        return [None if entry is None else int(entry) for entry in entries]
    return None


def _read_shapes(answer: Any) -> list | None:
    """A student's answer as one shape or a list of shapes; None if it is neither."""
    single = _read_shape(answer)
    if single is not None:
        return single
    if isinstance(answer, (tuple, list)) and answer:
        shapes = [_read_shape(item) for item in answer]
        if all(shape is not None for shape in shapes):
            return shapes
    return None


def _read_count(answer: Any) -> int | None:
    """A whole number, given as an int or as a float with nothing after the point; else None."""
    if is_int(answer):
        return int(answer)
    if isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_)):
        if math.isfinite(answer) and float(answer).is_integer():
            return int(answer)
    return None


def _read_value(answer: Any) -> Any:
    """A plain value (bool, int, finite float, str, or a list of them); None if it is anything else."""
    if isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    if is_int(answer):
        return int(answer)
    if isinstance(answer, str):
        return str(answer)
    if isinstance(answer, numbers.Real):
        return float(answer) if math.isfinite(answer) else None
    if isinstance(answer, (list, tuple)):
        items = [_read_value(item) for item in answer]
        return None if any(item is None for item in items) else items
    return None


# ------------------------------------------------------------------------------------ questions


def _shape_expected(expected: Any) -> list:
    """``check_shape``'s expected shape, or list of shapes, validated and in canonical form."""
    if isinstance(expected, list) and expected and all(isinstance(item, (tuple, list)) for item in expected):
        return [list(shape_tuple(item, f"expected[{i}]")) for i, item in enumerate(expected)]
    return list(shape_tuple(expected, "expected"))


_FLAGS = ("return_sequences", "return_state", "bidirectional", "merge_mode")


def _output_settings(flags: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(flags) - set(_FLAGS))
    if unknown:
        raise TypeError(
            f"check_output_shape got unknown flag(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(_FLAGS)}"
        )
    return {
        "return_sequences": False,
        "return_state": False,
        "bidirectional": False,
        "merge_mode": "concat",
    } | flags


def _output_expected(input_shape: Sequence[int | None], units: int, **flags: Any) -> list:
    _output_settings(flags)
    return _canonical_shapes(lstm_output_shape(input_shape, units, **flags))


def _count_question(
    input_dim: int, units: int, kind: str = "lstm", *, bidirectional: bool = False, reset_after: bool = True
) -> tuple[LayerKind, int, int, bool, bool]:
    """``check_param_count``'s question, validated: the layer kind, input_dim, units and the flags."""
    layer = KINDS[choice(kind, "kind", RECURRENT_KINDS)]
    input_dim = positive_int(input_dim, "input_dim")
    units = positive_int(units, "units")
    return layer, input_dim, units, flag(bidirectional, "bidirectional"), flag(reset_after, "reset_after")


def _count_expected(*args: Any, **kwargs: Any) -> int:
    layer, input_dim, units, bidirectional, reset_after = _count_question(*args, **kwargs)
    return layer.param_count(input_dim, units, reset_after=reset_after, bidirectional=bidirectional)


def _value_expected(expected: Any) -> Any:
    plain = (bool, int, str, np.integer, np.bool_)
    items = expected if isinstance(expected, (list, tuple)) else [expected]
    if not all(isinstance(item, plain) for item in items):
        raise TypeError(
            f"expected must be an int, bool, str, or a list of them; got {describe_value(expected)}"
        )
    return _read_value(expected)


def _close_expected(expected: Any, *, atol: float = 1e-5) -> None:
    """``check_close``'s question is not read here: its answers are not canonicalised."""
    return None


# ------------------------------------------------------------------------------------ catalogue


def explain(mistakes: list[Mistake], answer: Any) -> str | None:
    """The explanation of the catalogued mistake whose value is the canonical ``answer``; None if none."""
    key = _key(answer)
    return next((text for value, text in mistakes if _key(value) == key), None)


def _distinct(expected: Any, found: list[Mistake]) -> list[Mistake]:
    """``found`` without the expected answer and without repeats (the first explanation stays)."""
    seen = {_key(expected)}
    distinct = []
    for value, text in found:
        key = _key(value)
        if key not in seen:
            seen.add(key)
            distinct.append((value, text))
    return distinct


def _orders(items: list) -> list[list]:
    """Other orders of ``items``: all of them for a few items, else each with two items swapped."""
    if len(items) <= _MAX_PERMUTED:
        return list({_key(order): list(order) for order in itertools.permutations(items)}.values())
    swapped = []
    for first, second in itertools.combinations(range(len(items)), 2):
        order = list(items)
        order[first], order[second] = order[second], order[first]
        swapped.append(order)
    return swapped


def too_few(count: int) -> str:
    """The explanation of a list of ``count`` arrays that is too short (the structure says so)."""
    arrays = "one array" if count == 1 else f"{count} arrays"
    return (
        f"your list has {arrays}, too few: with return_state=True the layer returns its output, then "
        "each direction's final states (h and c for an LSTM, h for a GRU or a SimpleRNN)."
    )


def _single_mistakes(want: list) -> list[Mistake]:
    """Likely wrong answers for one expected shape (canonical), the expected one among them maybe."""
    found: list[Mistake] = []

    def add(value: list, text: str) -> None:
        found.append((value, f"{shape_text(value)} {text}"))

    if len(want) == 3:
        add([want[0], want[2]], _NO_TIMESTEPS)
    if want and want[0] is not None:
        add([None, *want[1:]], _BATCH_OPEN)
    for order in _orders(want):
        add(order, WRONG_ORDER)
    if want and want[-1] is not None:
        add([*want[:-1], 2 * want[-1]], _TWICE)
        if want[-1] % 2 == 0:
            add([*want[:-1], want[-1] // 2], _HALF)
    return found


def _list_mistakes(want: list[list]) -> list[Mistake]:
    """Likely wrong answers for an expected list of shapes (canonical)."""
    found: list[Mistake] = [(want[0], f"{shape_text(want[0])} {ONE_NOT_LIST}")]
    for count in range(1, len(want)):
        found.append((want[:count], _ONE_DIRECTION if (count, len(want)) == (3, 5) else too_few(count)))
    found.append((want[1:], _NO_OUTPUT))  # after the lists cut short, which it equals if the shapes are alike
    found += [(order, _LIST_ORDER) for order in _orders(want)]
    for position, item in enumerate(want):
        for value, text in _single_mistakes(item):
            found.append(
                ([*want[:position], value, *want[position + 1 :]], f"item {position} of the list: {text}")
            )
    return found


def _shape_catalogue(want: list) -> list[Mistake]:
    return _list_mistakes(want) if is_shape_list(want) else _single_mistakes(want)


def shape_mistakes(expected: Sequence[int | None] | list[Sequence[int | None]]) -> list[Mistake]:
    """Likely wrong answers to ``check_shape(answer, expected)``, derived from the expected shape(s).

    For one shape: the timesteps axis dropped (from a 3-D shape), the batch size left open (None)
    where it is fixed, the same sizes in another order, the width doubled or halved. For a list of
    shapes: the first shape alone, the first few shapes, the list without its first shape, the same
    shapes in another order, and each shape's own mistakes in its place. A batch size that should be
    None is not enumerable (any fixed number would do), nor is an extra timesteps axis: the check
    recognises those by their structure.

    Examples
    --------
    >>> from lstm_course.mistakes import shape_mistakes
    >>> for wrong, why in shape_mistakes((None, 5, 12))[:2]:
    ...     print(wrong, why)
    [None, 12] (None, 12) has no timesteps axis. Looks like you forgot return_sequences=True, which keeps one output per timestep.
    [None, 12, 5] (None, 12, 5) has the right sizes in the wrong order. The axes are (batch, timesteps, width) for a sequence and (batch, width) for one step.
    """  # noqa: E501
    want = _shape_expected(expected)
    return _distinct(want, _shape_catalogue(want))


def output_shape_mistakes(input_shape: Sequence[int | None], units: int, **flags: Any) -> list[Mistake]:
    """Likely wrong answers to ``check_output_shape(answer, input_shape, units, **flags)``.

    First the shapes the layer would have with one flag changed (``return_sequences``,
    ``return_state``, ``bidirectional``, ``merge_mode``) or with the number of features or timesteps
    as its width; then ``shape_mistakes`` of the right shape. The module docstring has an example.
    """
    settings = _output_settings(flags)
    expected = _output_expected(input_shape, units, **flags)
    _, timesteps, features = shape_tuple(input_shape, "input_shape")
    found: list[Mistake] = []

    def alternative(text: str, width: int = units, **changes: Any) -> None:
        found.append((_canonical_shapes(lstm_output_shape(input_shape, width, **(settings | changes))), text))

    if settings["return_sequences"]:
        alternative(
            "that is only the last step. Looks like you forgot return_sequences=True, which keeps "
            "every step.",
            return_sequences=False,
        )
    else:
        alternative(
            "that is the shape with return_sequences=True. Without it the LSTM returns only its last step.",
            return_sequences=True,
        )
    if settings["bidirectional"]:
        mode = settings["merge_mode"]
        alternative(
            f"that is a single LSTM. Bidirectional runs two, one each way; with merge_mode={mode!r}, "
            f"{_MERGES[mode]}.",
            bidirectional=False,
        )
        for other in MERGE_MODES:
            if other != mode:
                alternative(
                    f"that is the shape for merge_mode={other!r}. With merge_mode={mode!r}: {_MERGES[mode]}.",
                    merge_mode=other,
                )
    else:
        alternative(
            f"that is the shape of Bidirectional(LSTM({units})). A single LSTM's width is units.",
            bidirectional=True,
        )
    if settings["return_state"]:
        alternative(
            "with return_state=True the layer returns a list: its output, then its final states.",
            return_state=False,
        )
    else:
        alternative(
            "without return_state=True the layer returns no states, only its output.", return_state=True
        )
    if features != units:
        alternative(
            f"the width of an LSTM's output is units ({units}), not the number of input features "
            f"({features}).",
            width=features,
        )
    if timesteps is not None and timesteps not in (units, features):
        alternative(
            f"the width of an LSTM's output is units ({units}); {timesteps} is the number of timesteps.",
            width=timesteps,
        )
    return _distinct(expected, found + _shape_catalogue(expected))


def count_mistakes(
    input_dim: int, units: int, kind: str = "lstm", *, bidirectional: bool = False, reset_after: bool = True
) -> list[Mistake]:
    """Likely wrong counts for ``check_param_count(answer, input_dim, units, kind, ...)``.

    Biases left out, one bias vector instead of one per gate, the other ``reset_after`` of a GRU,
    the Bidirectional factor 2 forgotten or added, one gate's worth, one gate too few, the recurrent
    or the input weights left out, ``input_dim`` and ``units`` swapped, another kind's count. Each
    count comes from the table of ``kinds`` with one part of the formula changed.

    Examples
    --------
    >>> from lstm_course.mistakes import count_mistakes
    >>> count_mistakes(3, 5, "simple_rnn")[0]
    (40, 'you left out the biases: the layer also has a bias vector of 5.')
    """
    layer, n, u, bidirectional, reset_after = _count_question(
        input_dim, units, kind, bidirectional=bidirectional, reset_after=reset_after
    )
    gates, biases, name = layer.gates, layer.biases(reset_after), layer.class_name
    directions = 2 if bidirectional else 1
    a_name = f"{layer.article} {name}"
    gate_names = f" ({layer.gate_names})" if layer.gate_names else ""
    per_gate = " per gate" if gates > 1 else ""

    def count(input_dim: int = n, units: int = u, **changes: int) -> int:
        parts = {"gates": gates, "biases": biases, "directions": directions} | changes
        return weight_count(input_dim, units, **parts)

    each = f"each of the {gates} gates also has" if gates > 1 else "the layer also has"
    vectors = "two bias vectors" if biases == 2 else "a bias vector"
    found: list[Mistake] = [(count(biases=0), f"you left out the biases: {each} {vectors} of {u}.")]
    if gates * biases > 1:
        found.append(
            (
                count(biases=0) + directions * u,
                f"you counted one bias vector of {u}, but {a_name} has {gates * biases} of them, "
                f"{'two per gate' if biases == 2 else 'one per gate'}.",
            )
        )
    if layer.has_reset_after:
        found.append(
            (
                count(biases=layer.biases(not reset_after)),
                f"that is the count for reset_after={not reset_after}; "
                + (
                    f"Keras 3's {name} defaults to reset_after=True, which has two bias vectors per gate."
                    if reset_after
                    else "with reset_after=False each gate has one bias vector."
                ),
            )
        )
    if bidirectional:
        found.append(
            (
                count(directions=1),
                f"that is one direction; Bidirectional holds two {name} layers, a forward and a "
                "backward one, so twice as many.",
            )
        )
    else:
        found.append(
            (
                count(directions=2),
                f"that counts two directions; a plain {name} has one (only Bidirectional doubles the count).",
            )
        )
    if gates > 1:
        found.append(
            (
                count(gates=1),
                f"that is one gate's worth: {a_name} has {gates} gates{gate_names}, each with its own "
                "weights and biases.",
            )
        )
    found += [
        (
            count(recurrent_weights=0),
            f"you left out the recurrent weights: the layer also reads the previous h through a "
            f"({u}, {u}) matrix{per_gate}.",
        ),
        (
            count(input_weights=0),
            f"you left out the input weights: the layer reads the input through a ({n}, {u}) "
            f"matrix{per_gate}.",
        ),
        (
            count(input_dim=u, units=n),
            "input_dim and units look swapped: the input weights are (input_dim, units) = "
            f"({n}, {u}){per_gate} and the recurrent weights (units, units) = ({u}, {u}).",
        ),
    ]
    if gates > 2:
        found.append(
            (
                count(gates=gates - 1),
                f"that has {gates - 1} gates; {a_name} has {gates}{gate_names}, each with its weights.",
            )
        )
    has = f"has {gates} gates{gate_names}" if gates > 1 else "has no gates, a single set of weights"
    for other in RECURRENT_KINDS:
        if other != layer.key:
            found.append(
                (
                    count(gates=KINDS[other].gates, biases=KINDS[other].biases()),
                    f"that is {KINDS[other].article} {KINDS[other].class_name}'s count; {a_name} {has}.",
                )
            )
    return _distinct(layer.param_count(n, u, reset_after=reset_after, bidirectional=bidirectional), found)


def _no_mistakes(expected: Callable[..., Any]) -> Callable[..., list[Mistake]]:
    """A catalogue with nothing in it, for a checker whose answers are not enumerable."""

    def catalogue(*args: Any, **kwargs: Any) -> list[Mistake]:
        expected(*args, **kwargs)  # the question is still validated
        return []

    return catalogue


# ----------------------------------------------------------------------------------- dispatchers

# checker -> (reads an answer, reads the question's expected answer, lists the likely mistakes).
_DISPATCH: dict[str, tuple[Callable[[Any], Any], Callable[..., Any], Callable[..., list[Mistake]]]] = {
    "check_shape": (_read_shapes, _shape_expected, shape_mistakes),
    "check_output_shape": (_read_shapes, _output_expected, output_shape_mistakes),
    "check_param_count": (_read_count, _count_expected, count_mistakes),
    "check_value": (_read_value, _value_expected, _no_mistakes(_value_expected)),
    "check_close": (lambda answer: None, _close_expected, _no_mistakes(_close_expected)),
}


def _dispatch(checker: str) -> tuple[Callable[[Any], Any], Callable[..., Any], Callable[..., list[Mistake]]]:
    return _DISPATCH[choice(checker, "checker", CHECKERS)]


def mistakes_for(checker: str, *args: Any, **kwargs: Any) -> list[Mistake]:
    """The likely wrong answers to the check named ``checker``, asked with ``*args, **kwargs``.

    The arguments are the check call's after the answer, exactly as the check takes them. Returns
    what the check's catalogue function returns; an empty list for ``check_value`` and
    ``check_close``, whose wrong answers are not enumerable (their arguments are still validated,
    but for ``check_close``'s). Raises ``ValueError`` for an unknown ``checker``, and what the check
    raises for arguments it would reject.

    Examples
    --------
    >>> from lstm_course.mistakes import mistakes_for
    >>> mistakes_for("check_param_count", 3, 5, kind="simple_rnn", bidirectional=True)[1]
    (45, 'that is one direction; Bidirectional holds two SimpleRNN layers, a forward and a backward one, so twice as many.')
    >>> mistakes_for("check_value", [1, 2])
    []
    """  # noqa: E501
    return _dispatch(checker)[2](*args, **kwargs)


def canonical(checker: str, answer: Any) -> Any:
    """A student's ``answer`` in the canonical form the check named ``checker`` compares.

    A shape is a list of ints and None, a list of shapes a list of such lists, a count an int, a
    ``check_value`` answer its plain value with tuples as lists. None when the answer is unreadable
    for that checker (a string for a shape, ``12.5`` for a count, an array for ``check_value``), and
    always for ``check_close``. Raises ``ValueError`` for an unknown ``checker``.

    Examples
    --------
    >>> import numpy as np
    >>> from lstm_course.mistakes import canonical
    >>> canonical("check_shape", np.zeros((4, 3)))
    [4, 3]
    >>> canonical("check_shape", [(None, 8), (None, 8)])
    [[None, 8], [None, 8]]
    >>> canonical("check_param_count", 320.0), canonical("check_param_count", "320")
    (320, None)
    >>> canonical("check_value", (np.int64(4), True))
    [4, True]
    """
    return _dispatch(checker)[0](answer)


def expected_for(checker: str, *args: Any, **kwargs: Any) -> Any:
    """The right answer to the check named ``checker``, asked with ``*args, **kwargs``, in canonical form.

    For ``check_shape`` its ``expected``; for ``check_output_shape`` what ``lstm_output_shape``
    predicts; for ``check_param_count`` the count; for ``check_value`` its ``expected``, normalised;
    for ``check_close`` None (not canonicalised). Raises as ``mistakes_for`` does.

    Examples
    --------
    >>> from lstm_course.mistakes import expected_for
    >>> expected_for("check_shape", [(None, 8), (None, 8)])
    [[None, 8], [None, 8]]
    >>> expected_for("check_param_count", input_dim=3, units=5, kind="gru")
    150
    """
    return _dispatch(checker)[1](*args, **kwargs)
