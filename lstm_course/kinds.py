"""The one table of layer kinds: what an LSTM, a GRU, a SimpleRNN and a Dense layer are made of.

``shapes`` predicts output shapes and parameter counts from this table, and ``mistakes`` derives
the likely wrong counts and their explanations from it, so that a fact about a layer (an LSTM has
four gates, a GRU with ``reset_after=True`` two bias vectors per gate, ...) is written once.

A recurrent layer of ``units`` on ``input_dim`` features has, per direction and per gate, input
weights ``(input_dim, units)``, recurrent weights ``(units, units)`` and one or two bias vectors
``(units,)``. A Dense layer is the same with one gate and no recurrent weights.

Examples
--------
>>> from lstm_course.kinds import KINDS, RECURRENT_KINDS
>>> RECURRENT_KINDS
('lstm', 'gru', 'simple_rnn')
>>> lstm = KINDS["lstm"]
>>> lstm.class_name, lstm.gates, lstm.gate_names, lstm.states
('LSTM', 4, 'i, f, c, o', 2)
>>> lstm.formula()
'4 * (units * (input_dim + units) + units)'
>>> lstm.param_count(2, 64)
17152
>>> KINDS["gru"].formula(reset_after=False, bidirectional=True)
'2 * (3 * (units * (input_dim + units) + units))'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "RECURRENT_KINDS", "LayerKind", "weight_count"]


def weight_count(
    input_dim: int,
    units: int,
    *,
    gates: int,
    biases: int,
    directions: int = 1,
    input_weights: int = 1,
    recurrent_weights: int = 1,
) -> int:
    """Count the weights of a layer built from ``gates`` identical blocks, per the formula above.

    The keyword arguments are the parts of the formula that a student may get wrong, which is why
    ``mistakes`` varies them: how many gates and bias vectors per gate, how many directions, and
    whether the input (``input_weights=1``) and recurrent (``recurrent_weights=1``) matrices count.
    Nothing is validated: the callers have.

    Examples
    --------
    >>> from lstm_course.kinds import weight_count
    >>> weight_count(2, 64, gates=4, biases=1)
    17152
    >>> weight_count(2, 64, gates=4, biases=0)
    16896
    """
    per_gate = units * (input_dim * input_weights + units * recurrent_weights) + biases * units
    return directions * gates * per_gate


@dataclass(frozen=True)
class LayerKind:
    """One kind of layer, as the course's shapes, counts and checks see it.

    Attributes
    ----------
    key : str
        The name the course's functions take as ``kind``: ``"lstm"``, ``"gru"``, ...
    class_name : str
        The Keras class: ``"LSTM"``, ``"GRU"``, ``"SimpleRNN"`` or ``"Dense"``.
    article : str
        "an" or "a", as the class name is read aloud ("an LSTM", "a GRU").
    gates : int
        The blocks of weights per direction, each with its own matrices and biases (1 for a
        SimpleRNN and a Dense layer).
    gate_names : str
        The gates' letters, as the chapters name them ("" when there is one block).
    states : int
        The final states one direction returns with ``return_state=True`` (h and c for an LSTM).
    recurrent : bool
        Whether the layer reads a sequence through recurrent weights (False for Dense).
    has_reset_after : bool
        Whether the layer takes ``reset_after`` (a GRU), which gives each gate a second bias vector.
    """

    key: str
    class_name: str
    article: str
    gates: int
    gate_names: str
    states: int
    recurrent: bool = True
    has_reset_after: bool = False

    def biases(self, reset_after: bool = True) -> int:
        """The bias vectors per gate: two for a GRU with ``reset_after=True``, otherwise one."""
        return 2 if self.has_reset_after and reset_after else 1

    def param_count(
        self, input_dim: int, units: int, *, reset_after: bool = True, bidirectional: bool = False
    ) -> int:
        """What ``layer.count_params()`` returns (arguments not validated: see ``shapes``)."""
        return weight_count(
            input_dim,
            units,
            gates=self.gates,
            biases=self.biases(reset_after),
            directions=2 if bidirectional else 1,
            recurrent_weights=1 if self.recurrent else 0,
        )

    def formula(self, *, reset_after: bool = True, bidirectional: bool = False) -> str:
        """The parameter count as a formula in ``units`` and ``input_dim``, to show a student."""
        weights = "units * (input_dim + units)" if self.recurrent else "units * input_dim"
        bias = "2 * units" if self.biases(reset_after) == 2 else "units"
        text = f"{weights} + {bias}"
        if self.gates > 1:
            text = f"{self.gates} * ({text})"
        return f"2 * ({text})" if bidirectional else text


#: Every layer kind the course knows, by ``key``, recurrent ones first.
KINDS: dict[str, LayerKind] = {
    kind.key: kind
    for kind in (
        LayerKind("lstm", "LSTM", "an", gates=4, gate_names="i, f, c, o", states=2),
        LayerKind("gru", "GRU", "a", gates=3, gate_names="z, r, h", states=1, has_reset_after=True),
        LayerKind("simple_rnn", "SimpleRNN", "a", gates=1, gate_names="", states=1),
        LayerKind("dense", "Dense", "a", gates=1, gate_names="", states=0, recurrent=False),
    )
}

#: The keys of the recurrent kinds, the ones ``kind=`` of a recurrent layer accepts.
RECURRENT_KINDS: tuple[str, ...] = tuple(key for key, kind in KINDS.items() if kind.recurrent)
