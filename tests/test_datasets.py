"""The synthetic tasks in lstm_course.datasets have the documented shapes, labels and seeding."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course import SPIKE_HEIGHT, make_classification_data, make_labelling_data

MAKERS = [make_classification_data, make_labelling_data]
IDS = ["classification", "labelling"]


def test_classification_data_has_one_label_per_sequence_as_float32():
    x, y = make_classification_data(40, 12, seed=0)
    assert x.shape == (40, 12, 1) and y.shape == (40, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32


def test_labelling_data_has_one_label_per_step_as_float32():
    x, y = make_labelling_data(40, 12, seed=0)
    assert x.shape == (40, 12, 1) and y.shape == (40, 12, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_the_same_seed_gives_the_same_arrays_and_another_seed_other_arrays(make):
    first, second, other = make(30, 8, seed=5), make(30, 8, seed=5), make(30, 8, seed=6)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_labels_are_zeros_and_ones(make):
    _, y = make(50, 10, seed=1)
    assert set(np.unique(y)) <= {0.0, 1.0}


@pytest.mark.parametrize("n_sequences", [1, 2, 7, 100, 101])
def test_exactly_half_the_classification_sequences_have_a_spike(n_sequences):
    _, y = make_classification_data(n_sequences, 6, seed=2)
    assert int(y.sum()) == n_sequences // 2


def test_a_sequence_has_a_spike_exactly_when_its_label_is_one():
    x, y = make_classification_data(200, 15, seed=3)
    spikes = (x[:, :, 0] == SPIKE_HEIGHT).sum(axis=1)
    np.testing.assert_array_equal(spikes, y[:, 0])
    # Apart from the spike, every step lies in [-1, 1).
    noise = x[x != SPIKE_HEIGHT]
    assert noise.min() >= -1.0 and noise.max() < 1.0


def test_spikes_fall_at_every_position_including_the_first_and_the_last():
    x, y = make_classification_data(2000, 10, seed=4)
    positions = np.argmax(x[y[:, 0] == 1, :, 0], axis=1)
    assert set(positions) == set(range(10))


def test_labelling_labels_are_the_sign_of_the_running_sum():
    x, y = make_labelling_data(100, 25, seed=5)
    np.testing.assert_array_equal(y, (np.cumsum(x, axis=1) > 0).astype(np.float32))
    assert x.min() >= -1.0 and x.max() < 1.0


def test_labelling_labels_are_roughly_balanced_and_need_more_than_the_current_step():
    x, y = make_labelling_data(2000, 20, seed=6)
    assert 0.45 < y.mean() < 0.55
    # At the first step the running sum is the step itself; later it is not.
    current_step_rule = x > 0
    np.testing.assert_array_equal(current_step_rule[:, 0], y[:, 0] == 1)
    assert (current_step_rule == (y == 1)).mean() < 0.75


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_a_single_sequence_of_a_single_step_works(make):
    x, y = make(1, 1, seed=0)
    assert x.shape == (1, 1, 1)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((0, 10), {"seed": 0}, ValueError, r"n_sequences must be a positive integer; got 0"),
        ((10, -2), {"seed": 0}, ValueError, r"timesteps must be a positive integer; got -2"),
        ((10.0, 10), {"seed": 0}, TypeError, r"n_sequences must be a positive integer; got 10\.0"),
        ((10, True), {"seed": 0}, TypeError, r"timesteps must be a positive integer; got True"),
        ((10, 10), {"seed": -1}, ValueError, r"seed must be a non-negative integer; got -1"),
        ((10, 10), {"seed": "0"}, TypeError, r"seed must be a non-negative integer; got '0'"),
        ((10, 10), {"seed": None}, TypeError, r"seed must be a non-negative integer; got None"),
    ],
)
def test_bad_arguments_are_rejected_naming_expected_and_received(make, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(*args, **kwargs)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_the_seed_must_be_given_by_keyword(make):
    with pytest.raises(TypeError):
        make(10, 10, 0)
    with pytest.raises(TypeError):
        make(10, 10)


def test_numpy_integers_are_accepted():
    x, y = make_labelling_data(np.int64(3), np.int32(4), seed=np.int64(1))
    assert x.shape == (3, 4, 1)
