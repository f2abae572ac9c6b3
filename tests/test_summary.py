"""describe(model) prints a deterministic plain-text table, free of auto-numbered layer names."""

from __future__ import annotations

import re
import subprocess
import sys

import keras
import numpy as np
import pytest

from lstm_course import describe

SEQUENTIAL_TABLE = """\
#  Layer  Output shape    Params
-  -----  --------------  ------
   Input  (None, 10, 8)        0
1  LSTM   (None, 10, 32)   5,248
2  LSTM   (None, 16)       3,136
3  Dense  (None, 1)           17
Total params: 8,401"""


def stacked_sequential():
    return keras.Sequential(
        [
            keras.Input(shape=(10, 8)),
            keras.layers.LSTM(32, return_sequences=True),
            keras.layers.LSTM(16),
            keras.layers.Dense(1),
        ]
    )


def bidirectional_functional():
    inputs = keras.Input(shape=(12, 3))
    sequence, forward_h, _, _, _ = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True)
    )(inputs)
    per_step = keras.layers.TimeDistributed(keras.layers.Dense(2))(sequence)
    return keras.Model(inputs, [per_step, forward_h])


def test_describe_prints_exact_table_for_a_stacked_sequential():
    assert describe(stacked_sequential()) == SEQUENTIAL_TABLE


def test_describe_is_identical_for_a_model_built_twice_despite_keras_renumbering():
    first, second = stacked_sequential(), stacked_sequential()
    assert [layer.name for layer in first.layers] != [layer.name for layer in second.layers]
    assert describe(first) == describe(second)


def test_describe_shows_no_auto_generated_layer_names():
    model = bidirectional_functional()
    text = describe(model)
    for layer in model.layers:
        assert layer.name not in text
    assert not re.search(r"\b(lstm|dense|bidirectional|input_layer)(_\d+)?\b", text)


def test_describe_shows_wrappers_and_every_output_of_a_functional_model():
    text = describe(bidirectional_functional())
    lines = text.splitlines()
    assert lines[2].split() == ["Input", "(None,", "12,", "3)", "0"]
    assert lines[3].startswith("1  Bidirectional(LSTM)")
    assert "[(None, 12, 8), (None, 4), (None, 4), (None, 4), (None, 4)]" in lines[3]
    assert lines[3].endswith(" 256")
    assert lines[4].startswith("2  TimeDistributed(Dense)")
    assert lines[4].endswith(" 18")
    assert lines[-1] == "Total params: 274"


def test_describe_total_equals_count_params_and_lines_have_no_trailing_spaces():
    model = bidirectional_functional()
    text = describe(model)
    assert text.splitlines()[-1] == f"Total params: {model.count_params():,}"
    assert all(line == line.rstrip() for line in text.splitlines())


def test_describe_works_on_a_sequential_built_with_build():
    model = keras.Sequential([keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.build((None, 5, 3))
    assert describe(model).splitlines()[2:] == [
        "   Input  (None, 5, 3)       0",
        "1  LSTM   (None, 4)        128",
        "2  Dense  (None, 1)          5",
        "Total params: 133",
    ]


def test_describe_marks_output_unknown_for_a_subclassed_model():
    class Forecaster(keras.Model):
        def __init__(self):
            super().__init__()
            self.lstm = keras.layers.LSTM(3)
            self.head = keras.layers.Dense(1)

        def call(self, inputs):
            return self.head(self.lstm(inputs))

    model = Forecaster()
    model(np.zeros((1, 4, 2), dtype=np.float32))
    assert describe(model).splitlines()[2:] == [
        "1  LSTM   unknown           72",
        "2  Dense  unknown            4",
        "Total params: 76",
    ]


def test_describe_rejects_a_sequential_that_is_not_built():
    model = keras.Sequential([keras.layers.LSTM(4)])
    with pytest.raises(
        TypeError, match=r"describe needs a built Keras model; this Sequential is not built yet"
    ):
        describe(model)


@pytest.mark.parametrize(
    ("value", "name"),
    [(42, "int"), (keras.layers.LSTM(3), "LSTM"), ("model", "str")],
)
def test_describe_rejects_what_is_not_a_keras_model(value, name):
    with pytest.raises(
        TypeError, match=rf"describe needs a built Keras model \(with \.layers\); got {name}$"
    ):
        describe(value)


def test_importing_lstm_course_imports_neither_keras_tensorflow_nor_matplotlib():
    code = (
        "import sys, lstm_course; "
        "print(sorted(m for m in ('keras', 'tensorflow', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
