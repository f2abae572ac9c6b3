"""The chapters' sentences that hold on one Keras backend and not another, each asserted on its backend.

The chapters print the same on TensorFlow, JAX and PyTorch, so a fact that differs between backends cannot be
a printed output: the prose states it, and this module proves it. ``make test`` runs it on TensorFlow;
``make test-backends`` runs it again with ``KERAS_BACKEND=jax`` and ``torch`` (tools/test_backends.py). Each
test reads the behaviour expected on the backend it runs on from one table, ``FACTS``, as the chapters say it:

- 11 (dropout, "What runs there instead"): on a CPU, an unmasked ``LSTM``/``GRU`` runs Keras' generic loop
  with TensorFlow; with PyTorch both run a loop of PyTorch's own, with JAX the GRU does; a mask, or
  ``use_cudnn=False``, sends every layer to the generic loop on every backend (06 relies on the mask half).
- 08 and 15 (stateful): ``fit`` on a stateful ``LSTM``/``GRU`` fails on PyTorch unless ``use_cudnn=False``;
  ``fit``, ``predict`` and ``train_on_batch`` carry the state from batch to batch on TensorFlow and PyTorch,
  and write nothing back on JAX, whose compiled step keeps the state it was compiled with, past a
  ``reset_state()``; a partial last batch raises on JAX and PyTorch and is silently broadcast on TensorFlow.
- 16 (export): ``model.export`` writes a SavedModel of an LSTM model on TensorFlow and on JAX, and fails on
  PyTorch (which would need ``torch_xla``); so the chapter exports in a TensorFlow process.

When a Keras release changes one of these, the test names the chapter whose sentence to change.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras.src import backend as keras_backend  # noqa: E402  (the module RNN.inner_loop calls)

BACKEND = keras.backend.backend()

FACTS = {
    # layer kind -> does an unmasked layer with use_cudnn="auto" take the backend's own loop on a CPU? (11)
    "own_loop": {
        "tensorflow": {"LSTM": False, "GRU": False},
        "jax": {"LSTM": False, "GRU": True},
        "torch": {"LSTM": True, "GRU": True},
    },
    # does fit on a stateful layer with use_cudnn="auto" fail with autograd's in-place error? (08, 15)
    "stateful_fit_fails": {"tensorflow": False, "jax": False, "torch": True},
    # does predict, batch after batch, carry a stateful layer's state and write it back? (08)
    "predict_carries_state": {"tensorflow": True, "jax": False, "torch": True},
    # does fit leave the state of its last batch in the layer's state variables? (08)
    "fit_writes_state": {"tensorflow": True, "jax": False, "torch": True},
    # and train_on_batch and evaluate? (08, 15)
    "train_and_evaluate_write_state": {"tensorflow": True, "jax": False, "torch": True},
    # does predict start from zeros after reset_state(), once it has been compiled with another state? (15)
    "reset_reaches_compiled_predict": {"tensorflow": True, "jax": False, "torch": True},
    # what predict does with 5 samples and batch_size=2 on a stateful model of batch size 2 (15)
    "partial_batch": {"tensorflow": "one row too many", "jax": "ValueError", "torch": "ValueError"},
    # does model.export(path) write a SavedModel of an LSTM model? (16)
    "export_works": {"tensorflow": True, "jax": True, "torch": False},
}
KINDS = ("LSTM", "GRU")


def generic_loop_calls(layer, x, monkeypatch, **call) -> int:
    """How many times calling ``layer`` on ``x`` ran Keras' generic loop (``keras.src.backend.rnn``)."""
    calls = []
    generic = keras_backend.rnn

    def counted(*args, **kwargs):
        calls.append(1)
        return generic(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(keras_backend, "rnn", counted)
        layer(x, **call)
    return len(calls)


@pytest.mark.parametrize("kind", KINDS)
def test_an_unmasked_layer_takes_the_loop_chapter_11_names_for_this_backend(kind, monkeypatch):
    x = np.random.default_rng(0).random((2, 5, 3)).astype("float32")
    auto = getattr(keras.layers, kind)(4)
    assert generic_loop_calls(auto, x, monkeypatch) == (0 if FACTS["own_loop"][BACKEND][kind] else 1), (
        f"11_output_table: on {BACKEND}, an unmasked {kind} no longer runs the loop the chapter names"
    )
    generic = getattr(keras.layers, kind)(4, use_cudnn=False)
    assert generic_loop_calls(generic, x, monkeypatch) == 1, "use_cudnn=False should run the generic loop"


@pytest.mark.parametrize("kind", KINDS)
def test_a_masked_layer_runs_the_generic_loop_on_every_backend(kind, monkeypatch):
    x = np.random.default_rng(1).random((2, 5, 3)).astype("float32")
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    layer = getattr(keras.layers, kind)(4)
    assert generic_loop_calls(layer, x, monkeypatch, mask=mask) == 1, (
        f"06_masking: on {BACKEND}, a masked {kind} no longer runs the generic kernel"
    )


def stateful_model(kind: str, **options) -> keras.Model:
    inputs = keras.Input(batch_size=2, shape=(5, 3))
    model = keras.Model(
        inputs, keras.layers.Dense(1)(getattr(keras.layers, kind)(4, stateful=True, **options)(inputs))
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def states_written(layer) -> bool:
    return not all(np.all(keras.ops.convert_to_numpy(v) == 0) for v in layer.states)


@pytest.mark.parametrize("kind", KINDS)
def test_fit_on_a_stateful_layer_fails_only_where_chapters_08_and_15_say(kind):
    rng = np.random.default_rng(2)
    x, y = rng.random((4, 5, 3)), rng.random((4, 1))
    fit = {"batch_size": 2, "shuffle": False, "epochs": 1, "verbose": 0}
    if FACTS["stateful_fit_fails"][BACKEND]:
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            stateful_model(kind).fit(x, y, **fit)
    else:
        stateful_model(kind).fit(x, y, **fit)
    model = stateful_model(kind, use_cudnn=False)
    history = model.fit(x, y, **fit)  # the fix works everywhere
    assert np.isfinite(history.history["loss"][-1])
    assert states_written(model.layers[1]) == FACTS["fit_writes_state"][BACKEND], (
        f"08_stateful: fit on {BACKEND} changed"
    )


def test_predict_carries_a_stateful_layers_state_only_where_chapter_08_says():
    model = stateful_model("LSTM")
    layer = model.layers[1]
    x = np.random.default_rng(3).random((4, 5, 3))
    model.predict(x, batch_size=2, verbose=0)
    written = states_written(layer)
    layer.reset_state()
    second_alone = keras.ops.convert_to_numpy(model(x[2:]))
    layer.reset_state()
    together = model.predict(x, batch_size=2, verbose=0)
    carried = not np.allclose(together[2:], second_alone, atol=1e-6)
    expected = FACTS["predict_carries_state"][BACKEND]
    assert (written, carried) == (expected, expected), f"08_stateful: predict on {BACKEND} changed"


@pytest.mark.parametrize("method", ["train_on_batch", "evaluate"])
def test_train_on_batch_and_evaluate_write_the_state_only_where_chapters_08_and_15_say(method):
    model = stateful_model("LSTM", use_cudnn=False)
    rng = np.random.default_rng(4)
    x, y = rng.random((2, 5, 3)), rng.random((2, 1))
    if method == "evaluate":
        model.evaluate(x, y, batch_size=2, verbose=0)
    else:
        model.train_on_batch(x, y)
    assert states_written(model.layers[1]) == FACTS["train_and_evaluate_write_state"][BACKEND], (
        f"15_training: {method} on {BACKEND} changed"
    )


def test_reset_state_reaches_a_compiled_predict_only_where_chapter_15_says():
    model = stateful_model("LSTM")
    layer = model.layers[1]
    rng = np.random.default_rng(5)
    first, second = rng.random((2, 5, 3)), rng.random((2, 5, 3))
    model(first)  # a direct call writes the state on every backend (08)
    assert states_written(layer)
    model.predict(second, batch_size=2, verbose=0)  # compiled here, with that state in the variables
    layer.reset_state()
    again = model.predict(second, batch_size=2, verbose=0)
    plain = keras.layers.LSTM(4)
    plain.build((None, 5, 3))
    plain.set_weights(layer.get_weights())
    from_zeros = keras.ops.convert_to_numpy(model.layers[2](plain(second)))
    assert np.allclose(again, from_zeros, atol=1e-5) == FACTS["reset_reaches_compiled_predict"][BACKEND], (
        f"15_training: reset_state and a compiled predict on {BACKEND} changed"
    )


def test_a_partial_last_batch_does_what_chapter_15_says():
    model = stateful_model("LSTM")
    try:
        rows = len(model.predict(np.random.default_rng(6).random((5, 5, 3)), batch_size=2, verbose=0))
        outcome = "one row too many" if rows == 6 else f"{rows} rows"
    except ValueError:
        outcome = "ValueError"
    assert outcome == FACTS["partial_batch"][BACKEND], f"15_training: a partial batch on {BACKEND} changed"


def test_model_export_works_only_where_chapter_16_says(tmp_path):
    inputs = keras.Input(shape=(None, 3))
    model = keras.Model(inputs, keras.layers.LSTM(4, return_state=True)(inputs))
    try:
        model.export(str(tmp_path / "saved_model"), verbose=False)
        works = (tmp_path / "saved_model" / "saved_model.pb").is_file()
    except Exception:  # PyTorch: an error of torch.export's, or the ImportError for torch_xla
        works = False
    assert works == FACTS["export_works"][BACKEND], f"16_saving: model.export on {BACKEND} changed"
