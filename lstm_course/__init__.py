"""Helpers for the course "What does a Keras LSTM output?".

- ``reference``: an LSTM in plain NumPy that reproduces ``keras.layers.LSTM`` from its weights.
- ``shapes``: output shapes and parameter counts of recurrent layers, predicted without Keras.
- ``summary``: ``describe(model)``, a deterministic plain-text model summary.
- ``plots``: figures of gates, states, hidden-state heatmaps and paths, input sequences and
  training curves.
- ``exercises``: ``check_*`` functions that explain a wrong answer, returning a ``CheckResult``.
- ``mistakes``: the catalogue of likely wrong answers behind those checks, and canonical answers.
- ``kinds``: the one table of layer kinds (LSTM, GRU, SimpleRNN, Dense) that shapes and checks share.
- ``datasets``: two small seeded sequence tasks, a classification and a per-step labelling.
- ``tables``: ``shape_table_html(rows)``, a table of shapes as deterministic HTML.
- ``weights``: ``seed_weights(layer, seed)``, weights that are the same on every Keras backend.
- ``torch_reference``: PyTorch's ``nn.LSTM`` and ``nn.GRU`` in NumPy, and their weights carried to and from
  Keras.
- ``environment``: the versions the stored outputs were made with (``note_versions``).

Importing the package does not import Keras, TensorFlow or matplotlib.
"""

from lstm_course import environment as environment
from lstm_course.datasets import SPIKE_HEIGHT, make_classification_data, make_labelling_data
from lstm_course.exercises import (
    CheckResult,
    check_close,
    check_output_shape,
    check_param_count,
    check_shape,
    check_value,
)
from lstm_course.plots import (
    plot_gates,
    plot_hidden_heatmap,
    plot_hidden_trajectory,
    plot_history,
    plot_sequences,
    plot_states,
)
from lstm_course.reference import Gates, Trace, lstm_cell_step, lstm_forward, lstm_trace
from lstm_course.shapes import (
    MERGE_MODES,
    LayerSpec,
    gru_param_count,
    lstm_output_shape,
    lstm_param_count,
    rnn_output_shape,
    simple_rnn_param_count,
    stack_output_shapes,
)
from lstm_course.summary import describe
from lstm_course.tables import shape_table_html
from lstm_course.torch_reference import (
    keras_weights_from_torch,
    torch_gru,
    torch_lstm,
    torch_weight_shapes,
    torch_weights_from_keras,
)
from lstm_course.weights import seed_weights

__version__ = "0.1.0"

__all__ = [
    "MERGE_MODES",
    "SPIKE_HEIGHT",
    "CheckResult",
    "Gates",
    "LayerSpec",
    "Trace",
    "check_close",
    "check_output_shape",
    "check_param_count",
    "check_shape",
    "check_value",
    "describe",
    "gru_param_count",
    "keras_weights_from_torch",
    "lstm_cell_step",
    "lstm_forward",
    "lstm_output_shape",
    "lstm_param_count",
    "lstm_trace",
    "make_classification_data",
    "make_labelling_data",
    "plot_gates",
    "plot_hidden_heatmap",
    "plot_hidden_trajectory",
    "plot_history",
    "plot_sequences",
    "plot_states",
    "rnn_output_shape",
    "seed_weights",
    "shape_table_html",
    "simple_rnn_param_count",
    "stack_output_shapes",
    "torch_gru",
    "torch_lstm",
    "torch_weight_shapes",
    "torch_weights_from_keras",
]
