"""ex04_adam: the reference optimizers agree with TensorFlow's Keras optimizers within
the tolerance the grader uses (KERAS_TOLERANCE), on the grader's own kind of problem:
four parameters of different shapes, a random quadratic, 50 updates, float64 variables,
hyper-parameters that float32 represents exactly.  Also pins the two facts the grader's
diagnosis relies on: Keras' Adagrad/RMSprop (ε inside √) differ from the reference by
more than float64 precision, and the m̂/v̂ form of Adam stays within ADAM_TOLERANCE."""

import importlib.util

import numpy as np
import pytest

from conftest import ROOT
from dlgrade.grading import compare, tolerance_for

SEEDS = range(5)


@pytest.fixture(scope="module")
def grader():
    spec = importlib.util.spec_from_file_location("ex04_grader_under_test", ROOT / "graders/ex04_adam/grader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("ex04_reference_under_test", ROOT / "solutions/ex04_adam/optimizers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keras(grader, name, a, c, p0):
    from dlgrade.grading.oracle import tensorflow

    keys = list(p0)
    arrays = [np.asarray(x[k], dtype=np.float64) for k in keys for x in (a, c, p0)]
    result = grader._keras_trajectory(tensorflow(), *arrays, optimizer=name, hyper=grader.HIDDEN[name],
                                      steps=grader.STEPS)
    return dict(zip(keys, result))


@pytest.mark.parametrize("name", ["SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"])
def test_reference_agrees_with_keras(name, grader, reference):
    worst = 0.0
    for seed in SEEDS:
        a, c, p0 = grader.quadratic(np.random.default_rng(seed), grader.SHAPES)
        mine = grader.reference_trajectory(lambda: getattr(reference, name)(**grader.HIDDEN[name]), a, c, p0,
                                           grader.STEPS)
        theirs = keras(grader, name, a, c, p0)
        for k in mine:
            assert theirs[k].shape == mine[k].shape
            assert compare(mine[k], theirs[k], tolerance=grader.KERAS_TOLERANCE, hidden=True) is None, (name, k)
            worst = max(worst, float(np.max(np.abs(mine[k] - theirs[k])) / max(np.max(np.abs(theirs[k])), 1.0)))
    if name in ("AdaGrad", "RMSprop"):
        # Keras divides by √(h + ε): visible beyond float64 precision (the grader names
        # epsilon_inside_sqrt from it), yet 10× inside the tolerance.
        assert 1e-8 < worst < grader.KERAS_TOLERANCE.rtol / 10, worst
    else:
        assert worst < 1e-14  # the same formulas: only rounding


def test_adam_forms_agree_within_the_adam_tolerance(grader, reference):
    class AdamHat:  # Kingma & Ba's m̂, v̂ form
        def __init__(self, lr, beta1, beta2):
            self.lr, self.b1, self.b2, self.m, self.v, self.t = lr, beta1, beta2, {}, {}, 0

        def update(self, params, grads):
            self.t += 1
            for k in params:
                g = grads[k]
                self.m[k] = self.b1 * self.m.get(k, 0.0) + (1 - self.b1) * g
                self.v[k] = self.b2 * self.v.get(k, 0.0) + (1 - self.b2) * g * g
                m_hat, v_hat = self.m[k] / (1 - self.b1 ** self.t), self.v[k] / (1 - self.b2 ** self.t)
                params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + grader.EPSILON)

    hyper = grader.HIDDEN["Adam"]
    for seed in SEEDS:
        a, c, p0 = grader.quadratic(np.random.default_rng(seed), grader.SHAPES)
        folded = grader.reference_trajectory(lambda: reference.Adam(**hyper), a, c, p0, grader.STEPS)
        hat = grader.reference_trajectory(lambda: AdamHat(**hyper), a, c, p0, grader.STEPS)
        for k in folded:
            assert compare(hat[k], folded[k], tolerance=grader.ADAM_TOLERANCE, hidden=True) is None
        # …and the forms really differ: float64 precision alone would reject one of them.
        assert any(compare(hat[k], folded[k], tolerance=tolerance_for(np.float64), hidden=True) is not None
                   for k in folded)


@pytest.mark.parametrize("name", ["Momentum", "RMSprop", "Adam"])
def test_compiled_keras_trajectory_is_eager_keras(name, grader):
    """The grader runs the Keras updates in one compiled tf.function reused across calls,
    resetting the optimizer's state each time: a second call on new inputs gives what a
    fresh optimizer stepped eagerly, one apply_gradients at a time, gives."""
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    rng = np.random.default_rng(40)
    keras(grader, name, *grader.quadratic(rng, grader.SHAPES))  # leaves state behind in the compiled optimizer
    a, c, p0 = grader.quadratic(rng, grader.SHAPES)
    compiled = keras(grader, name, a, c, p0)
    opt = grader._keras_optimizer(tf, name, grader.HIDDEN[name])
    variables = {k: tf.Variable(np.asarray(p0[k], dtype=np.float64)) for k in p0}
    for step in range(grader.STEPS):
        opt.apply_gradients([(tf.constant(a[k], tf.float64) * (v - tf.constant(c[k], tf.float64)), v)
                             for k, v in variables.items()])
        for k, v in variables.items():
            np.testing.assert_allclose(compiled[k][step], v.numpy(), rtol=1e-13, atol=1e-15,
                                       err_msg=f"{name} {k} step {step + 1}")
