"""ex03_numdiff: the grader's expected values reproduce the lecture's printed numbers, and the
reference's numerical_gradient agrees with TensorFlow autodiff within the grader's tolerance
(while a forward difference does not)."""

import importlib.util

import numpy as np
import pytest

from conftest import ROOT
from dlgrade.grading import compare


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def grader():
    return _load(ROOT / "graders" / "ex03_numdiff" / "grader.py", "ex03_grader_under_test")


@pytest.fixture(scope="module")
def reference():
    return _load(ROOT / "solutions" / "ex03_numdiff" / "numdiff.py", "ex03_reference_under_test")


def test_differences_reproduce_the_lecture_numbers(grader):
    printed = {"front": 33.00220004, "mid": 33.00000004, "back": 32.99780004}
    for kind, value in printed.items():
        assert abs(grader.difference(kind, grader.F_CUBIC, 2.0, grader.H) - value) <= 5e-9


@pytest.mark.parametrize("df_name, x0, lr, beta, printed", [
    ("DF_SQUARE", 2.0, 0.4, None, [2, 0.4, 0.08, 0.016]),
    ("DF_SQUARE", 2.0, 1.5, None, [2, -4, 8, -16]),
    ("DF_SQUARE", 2.0, 0.001, None, [2, 1.996, 1.992008, 1.988023984]),
    ("DF_QUARTIC", 3.0, 0.02, None, [3, 1.4, 1.75328, 1.94494139]),
    ("DF_QUARTIC", 3.0, 0.045, None, [3, -0.6, -1.18032, -2.46145990]),
    ("DF_QUARTIC", 3.0, 0.02, 0.9, [3, 1.4, 0.31328, -0.43609946, -1.27349953]),
])
def test_trajectories_reproduce_the_lecture_numbers(grader, reference, df_name, x0, lr, beta, printed):
    df = getattr(grader, df_name)
    steps = len(printed) - 1
    xs = (reference.gradient_descent(df, x0, lr, steps) if beta is None
          else reference.momentum_descent(df, x0, lr, beta, steps))
    assert np.max(np.abs(np.array(xs, dtype=float) - printed)) <= 5e-9


def test_quartic_derivative_is_the_derivative(grader):
    x = np.linspace(-4, 4, 41)
    f = (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2
    h = 1e-5
    fd = (((x + h) - 2) ** 2 * ((x + h) + 3) ** 2 - 2 * ((x + h) - 2) ** 2
          - (((x - h) - 2) ** 2 * ((x - h) + 3) ** 2 - 2 * ((x - h) - 2) ** 2)) / (2 * h)
    assert f.shape == fd.shape
    assert np.allclose(grader.DF_QUARTIC(x), fd, rtol=1e-6, atol=1e-6)


def test_reference_gradient_matches_autodiff_and_forward_difference_does_not(grader, reference):
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    rng = np.random.default_rng(99)
    for case in range(400):
        shape = grader.random_shape(rng, case % 3 + 1)
        f = grader.random_array_function(rng, shape, case % 5)
        x = np.round(rng.normal(size=shape), 3)
        exact = grader._tf_gradient(tf, x, f.spec).numpy()
        assert np.allclose(f.tf(tf.constant(x)).numpy(), f(x), rtol=1e-13, atol=1e-13)
        assert compare(reference.numerical_gradient(f, x.copy()), exact, tolerance=grader.GRADIENT_TOLERANCE,
                       hidden=False) is None
        assert compare(grader._one_sided(f, x, grader.H), exact, tolerance=grader.GRADIENT_TOLERANCE,
                       hidden=False) is not None


def test_reference_differences_have_the_grader_s_error_orders(grader, reference):
    from dlgrade.grading.oracle import Oracle

    rng = np.random.default_rng(5)
    oracle = Oracle(use_cache=False)
    for kind in range(6):
        f, x, exact = grader.order_case(rng, reference, oracle, kind)
        for name, order in grader.ORDER.items():
            values = [getattr(reference, grader.NAMES[name])(f, x, h) for h in grader.ORDER_STEPS]
            assert abs(grader.error_order(values, exact)[0] - order) < 0.05
