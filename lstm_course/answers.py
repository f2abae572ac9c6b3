"""Answers as data, and the student edition's check.

The grader never asks a student's kernel whether an answer is right: a kernel runs the student's code, so
anything it says about itself can be forged. The grader asks for the answer itself, as data (``dumps``
in the kernel, ``loads`` in the grader), and compares it in its own process with what the instructor's
chapter computes (``coursework.grade``). ``to_data`` turns what a learner may hand in (numbers, strings,
tuples and lists of them, NumPy arrays, tensors, Keras' symbolic tensors) into JSON-able data, and
``from_data`` turns it back. Anything else arrives as an ``Unreadable`` that says what it was, and the
checks explain that it is the wrong kind of answer.

The student edition's check cells call ``check_answer(answer, key)``. The key is made by
``make_key`` from the instructor's answer when the student edition is built; it holds a fingerprint of
the right answer and of each likely mistake, never the answer, so that a check cell holds no readable
computation of the value it expects. Exact answers (shapes, counts, values) are fingerprinted with
SHA-256; computed numbers (``check_close``) by a few random projections, each rounded to a cell of the
number line centred on the right value. The student's check is therefore weaker than the grader's (an
answer a little outside the tolerance may pass it); the grade is always the grader's comparison.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_course import mistakes
from lstm_course._validate import describe_value, to_numpy
from lstm_course.exercises import _RIGHT, _WRONG, CheckResult, _as_numbers, _pieces

__all__ = ["Shaped", "Unreadable", "check_answer", "dumps", "from_data", "loads", "make_key", "to_data"]

# More numbers than any exercise asks for: an answer larger than this is not read (it is reported).
MAX_NUMBERS = 200_000
MAX_DEPTH = 8
MAX_ITEMS = 1_000
MAX_TEXT = 10_000
KEY_PREFIX = "lstm-course-key-1:"
PROJECTIONS = 3


@dataclass(frozen=True)
class Shaped:
    """A tensor that has a shape but no values (a Keras symbolic tensor), as it left the kernel."""

    shape: tuple[int | None, ...]

    def __repr__(self) -> str:
        return f"a symbolic tensor of shape {self.shape}"


@dataclass(frozen=True)
class Unreadable:
    """An answer that is not data the checks read (a function, a model, ...), described."""

    description: str

    def __repr__(self) -> str:
        return self.description


def _shape_of(value: Any) -> tuple[int | None, ...] | None:
    try:
        sizes = tuple(value)
    except TypeError:
        return None

    def is_size(size: Any) -> bool:
        return size is None or (isinstance(size, numbers.Integral) and not isinstance(size, bool))

    if all(is_size(size) for size in sizes):
        return tuple(None if size is None else int(size) for size in sizes)
    return None


def _array_data(array: np.ndarray) -> Any:
    if array.dtype == object or array.dtype.kind not in "biuf":
        return {"unreadable": f"an array of dtype {array.dtype}"}
    if array.size > MAX_NUMBERS:
        return {"unreadable": f"an array of {array.size:,} numbers (an answer holds {MAX_NUMBERS:,} at most)"}
    return {"array": array.tolist(), "dtype": str(array.dtype), "shape": list(array.shape)}


def to_data(value: Any, _depth: int = 0) -> Any:
    """``value`` as JSON-able data that ``from_data`` turns back into an equal answer.

    Examples
    --------
    >>> import numpy as np
    >>> to_data((None, 5, 64))
    {'tuple': [None, 5, 64]}
    >>> to_data([np.int64(3), True])
    [3, True]
    >>> to_data(np.zeros((1, 2), "float32"))
    {'array': [[0.0, 0.0]], 'dtype': 'float32', 'shape': [1, 2]}
    >>> to_data(print)
    {'unreadable': '<built-in function print>'}
    """
    if _depth > MAX_DEPTH:
        return {"unreadable": "an answer nested more deeply than any exercise asks for"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else {"unreadable": f"a string of {len(value):,} characters"}
    if isinstance(value, (tuple, list)):
        if len(value) > MAX_ITEMS:
            return {"unreadable": f"a {type(value).__name__} of {len(value):,} items"}
        items = [to_data(item, _depth + 1) for item in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(key, str) for key in value):
            return {"unreadable": describe_value(value)}
        return {"dict": {key: to_data(item, _depth + 1) for key, item in value.items()}}
    if isinstance(value, np.ndarray):
        return _array_data(value)
    if hasattr(value, "__array__") or hasattr(value, "detach"):
        try:
            return _array_data(to_numpy(value))
        except Exception:  # noqa: BLE001 - a tensor that will not convert is described by its shape
            pass
    if hasattr(value, "shape"):
        shape = _shape_of(value.shape)
        if shape is not None:
            return {"shaped": list(shape)}
    shape = _shape_of(value) if type(value).__name__ == "TensorShape" else None
    if shape is not None:
        return {"tuple": list(shape)}
    return {"unreadable": describe_value(value)}


def _from(data: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [_from(item, depth + 1) for item in data]
    if isinstance(data, dict) and len(data) == 1 and "tuple" in data and isinstance(data["tuple"], list):
        return tuple(_from(item, depth + 1) for item in data["tuple"])
    if isinstance(data, dict) and len(data) == 1 and "dict" in data and isinstance(data["dict"], dict):
        return {str(key): _from(item, depth + 1) for key, item in data["dict"].items()}
    if isinstance(data, dict) and set(data) == {"array", "dtype", "shape"}:
        dtype = np.dtype(str(data["dtype"]))
        if dtype.kind not in "biuf":
            raise ValueError(f"dtype {dtype}")
        array = np.asarray(data["array"], dtype=dtype)
        return array.reshape([int(size) for size in data["shape"]])
    if isinstance(data, dict) and set(data) == {"shaped"}:
        shape = _shape_of(data["shaped"])
        if shape is None:
            raise ValueError("a shape that is not sizes")
        return Shaped(shape)
    if isinstance(data, dict) and set(data) == {"unreadable"}:
        return Unreadable(str(data["unreadable"])[:200])
    raise ValueError(f"not answer data: {str(data)[:60]}")


def from_data(data: Any) -> Any:
    """The answer that ``to_data`` made ``data`` from; an ``Unreadable`` if ``data`` is not such data."""
    try:
        return _from(data, 0)
    except (ValueError, TypeError, OverflowError):
        return Unreadable("an answer the grader could not read")


def dumps(value: Any) -> str:
    """``to_data(value)`` as JSON text (what the grader reads out of a kernel)."""
    return json.dumps(to_data(value), allow_nan=True)


def loads(text: Any) -> Any:
    """The answer in JSON text from ``dumps``; an ``Unreadable`` if the text is anything else."""
    if not isinstance(text, str) or len(text) > 50 * MAX_NUMBERS:
        return Unreadable("an answer the grader could not read")
    try:
        return from_data(json.loads(text))
    except (ValueError, RecursionError):
        return Unreadable("an answer the grader could not read")


# ------------------------------------------------------------------ the student edition's check


def _digest(label: str, canonical: Any) -> str:
    text = label + "\n" + json.dumps(canonical, sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _projection(label: str, index: int, size: int) -> np.ndarray:
    seed = int(hashlib.sha256(f"{label}/{index}".encode()).hexdigest()[:12], 16)
    vectors = np.random.default_rng(seed).standard_normal((PROJECTIONS, max(size, 1)))
    return vectors[:, :size] / math.sqrt(max(size, 1))


def _cells(label: str, index: int, values: np.ndarray, offsets: list[float], widths: list[float]) -> list:
    projected = _projection(label, index, values.size) @ values.reshape(-1)
    return [math.floor((p + o) / w) for p, o, w in zip(projected.tolist(), offsets, widths, strict=True)]


def _close_key(label: str, expected: Any, atol: float) -> dict[str, Any]:
    pieces = [np.asarray(item, dtype=np.float64) for item in _pieces(expected)]
    shapes, offsets, widths, digests = [], [], [], []
    for index, values in enumerate(pieces):
        vectors = _projection(label, index, values.size)
        # A right answer is off by at most atol per entry, so each projection by at most this much:
        # the cell is 20 times wider, centred on the right value.
        reach = float(np.abs(vectors).sum(axis=1).max()) * atol
        width = max(20 * reach, 1e-9)
        projected = vectors @ values.reshape(-1)
        offset = [float((width / 2 - p) % width) for p in projected.tolist()]
        shapes.append(list(values.shape))
        offsets.append(offset)
        widths.append([width] * PROJECTIONS)
        digests.append(_digest(label, _cells(label, index, values, offset, [width] * PROJECTIONS)))
    return {"shapes": shapes, "offsets": offsets, "widths": widths, "digests": digests}


def make_key(label: str, checker: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """The key of a student check: fingerprints of the right answer and of each likely mistake.

    ``checker``, ``args`` and ``kwargs`` are the instructor's check call, answer left out, with its
    arguments evaluated (``check_shape(answer, expected=(None, 16))`` gives ``"check_shape", [],
    {"expected": (None, 16)}``).
    """
    key: dict[str, Any] = {"label": label, "checker": checker}
    if checker == "check_close":
        expected = args[0] if args else kwargs["expected"]
        atol = float(kwargs.get("atol", args[1] if len(args) > 1 else 1e-5))
        key["close"] = _close_key(label, expected, atol)
    else:
        expected = mistakes.expected_for(checker, *args, **kwargs)
        key["digest"] = _digest(label, expected)
        key["form"] = _form(expected)
        key["open"] = _open_axes(expected)
        key["mistakes"] = [
            [_digest(label, value), text]
            for value, text in mistakes.mistakes_for(checker, *args, **kwargs)
            if value != expected
        ]
    blob = json.dumps(key, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return KEY_PREFIX + base64.b64encode(blob).decode("ascii")


def _form(canonical: Any) -> Any:
    """What a canonical answer looks like, without its values: the kind, a list's length, a shape's rank."""
    if isinstance(canonical, bool):
        return "bool"
    if isinstance(canonical, int):
        return "int"
    if isinstance(canonical, str):
        return "str"
    if isinstance(canonical, list):
        if any(isinstance(item, list) for item in canonical):
            return [_form(item) for item in canonical]
        return len(canonical)
    return "other"


def _open_axes(canonical: Any) -> Any:
    """Where a shape, or each shape of a list, has None (a size left open); None for other answers."""
    if not isinstance(canonical, list) or not canonical:
        return None
    if all(isinstance(item, list) for item in canonical):
        return [[i for i, size in enumerate(item) if size is None] for item in canonical]
    return [i for i, size in enumerate(canonical) if size is None]


_KINDS = {"bool": "True or False", "int": "a whole number", "str": "a string"}


def _say(ok: bool, message: str) -> CheckResult:
    """A result line as the checkers write it; a student check has no expected value to hint at."""
    return CheckResult(ok, (_RIGHT if ok else _WRONG) + message)


def _read_key(key: Any) -> dict[str, Any]:
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        raise ValueError(
            f"key must be the string a student check cell was made with, starting {KEY_PREFIX!r}; "
            f"got {describe_value(key)}"
        )
    try:
        return json.loads(base64.b64decode(key[len(KEY_PREFIX) :], validate=True))
    except ValueError:
        raise ValueError("key is damaged: rebuild the student edition (make student)") from None


def _shape_text(canonical: Any) -> str:
    if canonical and isinstance(canonical[0], list):
        return "[" + ", ".join(str(tuple(item)) for item in canonical) + "]"
    return str(tuple(canonical))


def _rank_problem(want: int, got: int, where: str = "") -> str:
    if got == want + 1:
        return (
            f"{where}a {got}-D shape has one axis too many: is it a sequence (batch, timesteps, ...) "
            "where the layer returns only its last step?"
        )
    if got == want - 1:
        return (
            f"{where}a {got}-D shape has one axis too few: is an axis missing, the batch axis or the "
            "timesteps axis that return_sequences=True keeps?"
        )
    return f"{where}the answer needs a {want}-D shape; got a {got}-D one."


def _form_problem(checker: str, form: Any, canonical: Any) -> str | None:
    """What is wrong with the answer's form (kind, list length, rank), or None if the form is right."""
    got = _form(canonical)
    if got == form:
        return None
    if isinstance(form, str):
        return f"expected {_KINDS.get(form, 'another kind of answer')}; got {describe_value(canonical)}."
    shapes = checker in ("check_shape", "check_output_shape")
    if not shapes:
        if isinstance(form, int) and isinstance(got, int):
            return f"expected a list of {form} items; got {got}."
        return f"expected another kind of answer; got {describe_value(canonical)}."
    if isinstance(form, list) and not isinstance(got, list):
        return f"expected a list of {len(form)} shapes, one per tensor returned; got one shape."
    if isinstance(got, list) and not isinstance(form, list):
        return f"expected one shape; got a list of {len(got)}."
    if isinstance(form, list):
        if len(form) != len(got):
            return f"expected a list of {len(form)} shapes, one per tensor returned; got {len(got)}."
        for position, (want, have) in enumerate(zip(form, got, strict=True)):
            if want != have:
                return _rank_problem(want, have, f"item {position} of the list: ")
        return None
    return _rank_problem(form, got)


def check_answer(answer: Any, key: str) -> CheckResult:
    """The student edition's check: is ``answer`` right, and if not, what kind of mistake is it?

    It never says what the right answer is: ``key`` holds only fingerprints (see ``make_key``). The
    grade comes from the grader's own comparison, not from this check.
    """
    spec = _read_key(key)
    label, checker = spec["label"], spec["checker"]
    if checker == "check_close":
        return _check_close_key(answer, label, spec["close"])
    canonical = mistakes.canonical(checker, answer)
    if canonical is None:
        if answer is None:
            return _say(False, "there is no answer yet (it is None): write it, then run the check again.")
        return _say(False, f"not the kind of answer the question asks for; got {describe_value(answer)}.")
    shapes = checker in ("check_shape", "check_output_shape")
    shown = _shape_text(canonical) if shapes else repr(canonical)
    digest = _digest(label, canonical)
    if digest == spec["digest"]:
        return _say(True, f"{shown} matches the answer key.")
    for wrong, text in spec["mistakes"]:
        if digest == wrong:
            return _say(False, text if text.endswith(".") else text + ".")
    problem = _form_problem(checker, spec["form"], canonical)
    if problem is not None:
        return _say(False, problem)
    if shapes and spec.get("open") is not None and _open_axes(canonical) != spec["open"]:
        return _say(
            False,
            f"{shown}: a size the question leaves open is None, and a size it fixes is a number; one of "
            "your axes is the other way round (is the batch size known here?).",
        )
    if shapes:
        return _say(
            False,
            f"{shown} has the right number of axes, but not the right sizes: check each axis in turn "
            "(batch, then timesteps, then width) against the question.",
        )
    return _say(False, f"{shown} is not the answer; look again at the question.")


def _check_close_key(answer: Any, label: str, spec: dict[str, Any]) -> CheckResult:
    shapes = [tuple(shape) for shape in spec["shapes"]]
    if answer is None:
        return _say(False, "there is no answer yet (it is None): compute it, then run the check again.")
    given = _pieces(answer) if len(shapes) > 1 else [answer]
    if len(given) != len(shapes):
        return _say(False, f"expected a list of {len(shapes)} results; got {describe_value(answer)}.")
    for index, (item, shape) in enumerate(zip(given, shapes, strict=True)):
        where = f"item {index} of the list: " if len(shapes) > 1 else ""
        values = _as_numbers(item)
        if values is None:
            return _say(False, f"{where}expected numbers; got {describe_value(item)}.")
        if values.shape != shape:
            return _say(False, f"{where}expected an array of shape {shape}; got one of shape {values.shape}.")
        if not np.all(np.isfinite(values)):
            return _say(False, f"{where}the answer holds NaN or infinite values.")
        cells = _cells(label, index, values, spec["offsets"][index], spec["widths"][index])
        if _digest(label, cells) != spec["digests"][index]:
            return _say(False, f"{where}the values are not the expected ones.")
    return _say(True, "the values match the answer key (the grader compares them within the tolerance).")
