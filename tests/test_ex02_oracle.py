"""ex02_backprop: the reference solution agrees with TensorFlow's GradientTape and with the
lecture's printed numbers, within the tolerances the grader uses.

The hidden checks take their expected gradients from the reference (no TensorFlow at
grading time); here GradientTape is the independent oracle, on the very cases the checks
draw (grader.random_case, with the checks' own per-seed generators)."""


import numpy as np
import pytest

from conftest import ROOT, load_copy
from dlgrade.grading import compare
from dlgrade.grading.grade_submission import check_rng


@pytest.fixture(scope="module")
def grader():
    return load_copy(ROOT / "graders" / "ex02_backprop" / "grader.py", "ex02_grader_under_test")


@pytest.fixture(scope="module")
def reference():
    return load_copy(ROOT / "solutions" / "ex02_backprop" / "backprop.py", "ex02_reference_under_test")


@pytest.fixture(scope="module")
def tape_gradients():
    """∂E/∂W1, ∂E/∂W2 by GradientTape (float64): the lecture's column convention z = W @ x
    (tf.linalg.matvec), not Keras Dense's x @ W."""
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()

    def gradients(x, t, W1, W2):
        w1, w2 = tf.Variable(W1), tf.Variable(W2)
        with tf.GradientTape() as tape:
            h = tf.sigmoid(tf.linalg.matvec(w1, tf.constant(x)))
            o = tf.sigmoid(tf.linalg.matvec(w2, h))
            e = 0.5 * tf.reduce_sum(tf.square(tf.constant(t) - o))
        return tuple(g.numpy() for g in tape.gradient(e, [w1, w2]))

    return gradients


LECTURE = {  # EXERCISES.md, to the 8 decimals printed there
    "h": [0.51998934, 0.52747230],
    "o": [0.60944600, 0.66384491],
    "E": 0.02397190,
    "dW2": [[0.02592286, 0.02629590], [0.00740844, 0.00751506]],
    "dW1": [[0.00080888, 0.00161775], [0.00071009, 0.00142017]],
    "W2_new": [[0.43703857, 0.38685205], [0.69629578, 0.59624247]],
    "W1_new": [[0.29959556, 0.24919112], [0.39964496, 0.34928991]],
    "E_after": 0.02323634,
}


def test_reference_reproduces_the_lecture_numbers(grader, reference):
    g = grader
    h, o = reference.forward(g.X, g.W1, g.W2)
    dW1, dW2 = reference.backward(g.X, g.T, g.W1, g.W2)
    W1_new, W2_new = reference.train_step(g.X, g.T, g.W1, g.W2, lr=g.LR)
    got = {"h": h, "o": o, "E": reference.loss(o, g.T), "dW2": dW2, "dW1": dW1, "W2_new": W2_new, "W1_new": W1_new,
           "E_after": reference.loss(reference.forward(g.X, W1_new, W2_new)[1], g.T)}
    for name, printed in LECTURE.items():
        assert np.max(np.abs(np.asarray(got[name]) - printed)) <= 5e-9 + 1e-15, name


def autodiff_check_cases(grader, seed):
    """The cases gradients_match_autodiff draws for ``seed``."""
    rng = check_rng(seed, "gradients_match_autodiff")
    return [grader.random_case(rng) for _ in range(6)]


def test_reference_gradients_are_gradient_tape_s(grader, reference, tape_gradients):
    """The expected values of gradients_match_autodiff (and of train_step_random, W − lr·dW)
    are the reference's gradients: they equal GradientTape's to 1e-12 of the largest entry,
    a thousandth of the float64 tolerance they are compared at, on the check's own cases for
    150 seeds and on 300 more draws of random_case."""
    rng = np.random.default_rng(2024)
    cases = [c for seed in range(150) for c in autodiff_check_cases(grader, seed)]
    cases += [grader.random_case(rng) for _ in range(300)]
    for x, t, W1, W2 in cases:
        for mine, tape in zip(reference.backward(x, t, W1, W2), tape_gradients(x, t, W1, W2)):
            assert mine.shape == tape.shape and mine.dtype == np.float64
            assert np.abs(mine - tape).max() <= 1e-12 * np.abs(tape).max()
            assert compare(mine, tape, hidden=False) is None  # the check's float64 tolerance


def test_float32_reference_passes_against_gradient_tape(grader, reference, tape_gradients):
    """A student computing in float32 (the textbook's habit) is compared at the float32
    tolerance with the float64 expectation: the reference in float32 passes, with room."""
    for seed in range(150):
        for case in autodiff_check_cases(grader, seed):
            for mine, tape in zip(reference.backward(*(a.astype(np.float32) for a in case)), tape_gradients(*case)):
                assert mine.dtype == np.float32
                assert compare(mine, tape, hidden=False) is None
                assert np.abs(mine - tape).max() <= 2e-6 * max(np.abs(tape).max(), 1.0)  # a tenth of atol


def test_reference_passes_the_finite_difference_criterion(grader, reference):
    """Every entry, float64 and float32 forward passes: the bound FD_RTOL·max|fd| + FD_FLOOR·max(E, 1)/ε."""
    rng = np.random.default_rng(7)
    for kind, dtype in (("float64", np.float64), ("float32", np.float32)):
        eps, rtol, floor = grader.FD_STEP[kind], grader.FD_RTOL[kind], grader.FD_FLOOR[kind]
        for _ in range(300):
            x, t, W1, W2 = grader.random_case(rng)

            def E(a, b):
                return reference.loss(reference.forward(x.astype(dtype), a.astype(dtype), b.astype(dtype))[1],
                                      t.astype(dtype))

            dW1, dW2 = reference.backward(x, t, W1, W2)
            for which, W, dW in ((0, W1, dW1), (1, W2, dW2)):
                fd = np.zeros_like(W)
                for idx in np.ndindex(W.shape):
                    plus, minus = W.copy(), W.copy()
                    plus[idx] += eps
                    minus[idx] -= eps
                    fd[idx] = ((E(plus, W2) - E(minus, W2)) if which == 0 else (E(W1, plus) - E(W1, minus))) / (2 * eps)
                allowed = rtol * np.abs(fd).max() + floor * max(E(W1, W2), 1.0) / eps
                assert np.all(np.abs(dW - fd) <= allowed)
