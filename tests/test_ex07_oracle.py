"""The ex07 reference solution agrees with TensorFlow: GradientTape through the
recurrence and tf.keras.layers.SimpleRNN (the grader's own oracle functions,
uncached), in float64 and float32, stateful blocks included."""

import numpy as np
import pytest

from dlgrade.grading.oracle import Oracle
from dlgrade.grading.runner import load_grader, load_reference


@pytest.fixture(scope="module")
def ex07(course):
    exercise = course.resolve("ex07")
    return load_grader(exercise), load_reference(exercise), Oracle(use_cache=False)


def _run(reference, xs, Wx, Wh, b, dhs, h0=None):
    layer = reference.TimeRNN(Wx.copy(), Wh.copy(), b.copy(), stateful=h0 is not None)
    if h0 is not None:
        layer.set_state(h0)
    hs = layer.forward(xs)
    dxs = layer.backward(dhs)
    return dict(zip(("hs", "dxs", "dWx", "dWh", "db", "dh"), (hs, dxs, *layer.grads, layer.dh)))


def test_time_rnn_agrees_with_gradient_tape_and_simple_rnn(ex07):
    grader, reference, oracle = ex07
    rng = np.random.default_rng(7)
    for _ in range(25):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(1, 8))
        h0 = rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1])) if rng.integers(0, 2) else None
        tape = grader.tape_oracle(oracle, xs, Wx, Wh, b, dhs, h0)
        ours = _run(reference, xs, Wx, Wh, b, dhs, h0)
        for name in grader.NAMES:
            np.testing.assert_allclose(ours[name], tape[name], rtol=1e-10, atol=1e-12, err_msg=name)
        if h0 is None:
            np.testing.assert_allclose(ours["hs"], grader.keras_oracle(oracle, xs, Wx, Wh, b), rtol=1e-10, atol=1e-12)


def test_float32_reference_is_within_the_graders_tolerance(ex07):
    grader, reference, oracle = ex07
    rng = np.random.default_rng(8)
    for t in (6, 16, 32):
        xs, Wx, Wh, b, dhs = (a.astype(np.float32) for a in grader._case(rng, t=(t, t)))
        Wh = (Wh / 2).astype(np.float32)
        tape = grader.tape_oracle(oracle, xs, Wx, Wh, b, dhs)
        ours = _run(reference, xs, Wx, Wh, b, dhs)
        for name in grader.NAMES:
            assert ours[name].dtype == np.float32
            assert grader.compare(ours[name], tape[name], tolerance=grader.float32_tolerance(t)) is None, name


def test_stateful_blocks_agree_with_one_tape_and_a_cut_backward(ex07):
    grader, reference, oracle = ex07
    rng = np.random.default_rng(9)
    for _ in range(10):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(2, 8))
        split = int(rng.integers(1, xs.shape[1]))
        whole = grader.tape_oracle(oracle, xs, Wx, Wh, b, dhs)
        layer = reference.TimeRNN(Wx, Wh, b, stateful=True)
        first = layer.forward(xs[:, :split])
        second = layer.forward(xs[:, split:])
        np.testing.assert_allclose(np.concatenate([first, second], 1), whole["hs"], rtol=1e-12, atol=1e-12)
        layer.backward(dhs[:, split:])
        cut = grader.tape_oracle(oracle, xs[:, split:], Wx, Wh, b, dhs[:, split:], whole["hs"][:, split - 1])
        for got, name in zip((*layer.grads, layer.dh), ("dWx", "dWh", "db", "dh")):
            np.testing.assert_allclose(got, cut[name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_mistake_models_differ_from_the_tape(ex07):
    """The grader's diagnosis models really are wrong (so a match names a mistake)."""
    grader, _reference, oracle = ex07
    rng = np.random.default_rng(10)
    xs, Wx, Wh, b, dhs = grader._case(rng, t=(4, 4), h=(3, 3))
    tape = grader.tape_oracle(oracle, xs, Wx, Wh, b, dhs)
    right = grader.bptt(xs, Wx, Wh, b, dhs)
    np.testing.assert_allclose(right["dxs"], tape["dxs"], rtol=1e-10, atol=1e-12)
    for options in ({"tanh_derivative": False}, {"carry": False}):
        assert not grader._matches(grader.bptt(xs, Wx, Wh, b, dhs, **options)["dxs"], tape["dxs"])


def test_compiled_tape_and_simple_rnn_are_the_direct_ones(ex07):
    """The grader's oracles are compiled once for every shape (tf.scan under the tape, a
    Keras layer reloaded with new weights): on varied shapes, one after another, they
    give what the tape over an eagerly unrolled loop and a freshly built layer give."""
    grader, _reference, _oracle = ex07
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    rng = np.random.default_rng(11)
    for _ in range(8):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(1, 9))
        h0 = rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1]))
        compiled = grader._tape(tf, xs, Wx, Wh, b, dhs, h0)
        direct = grader.tape_unrolled(tf, xs, Wx, Wh, b, dhs, h0)
        for name, got, want in zip(grader.NAMES, compiled, direct):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13, atol=1e-15, err_msg=name)
        fresh = tf.keras.layers.SimpleRNN(Wx.shape[1], return_sequences=True, dtype="float64")
        fresh.build((None, xs.shape[1], xs.shape[2]))
        fresh.set_weights([Wx, Wh, b])
        np.testing.assert_allclose(grader._simple_rnn(tf, xs, Wx, Wh, b).numpy(), fresh(tf.constant(xs)).numpy(),
                                   rtol=1e-13, atol=1e-15)
