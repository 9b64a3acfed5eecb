"""ex03_numdiff: the grader's expected values reproduce the lecture's printed numbers; its exact
derivatives (exact_gradient, forward mode in NumPy) are TensorFlow's GradientTape's on the cases
the hidden checks draw, so that no TensorFlow runs at grading time; and the reference's
numerical_gradient agrees with them within the grader's tolerance (while a forward difference
does not)."""


import numpy as np
import pytest

from conftest import ROOT, load_copy
from dlgrade.grading import Function, X, compare
from dlgrade.grading.grade_submission import check_rng


@pytest.fixture(scope="module")
def grader():
    return load_copy(ROOT / "graders" / "ex03_numdiff" / "grader.py", "ex03_grader_under_test")


@pytest.fixture(scope="module")
def reference():
    return load_copy(ROOT / "solutions" / "ex03_numdiff" / "numdiff.py", "ex03_reference_under_test")


@pytest.fixture(scope="module")
def tf():
    from dlgrade.grading.oracle import tensorflow

    return tensorflow()


@pytest.fixture(scope="module")
def tape_gradient(tf):
    """∂(Σ f(x))/∂x by GradientTape through f.tf(x), in float64; for an element-wise f of a
    vector of points, f'(x) at every point."""
    def gradient(f, x):
        xv = tf.Variable(np.asarray(x, dtype=np.float64))
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(f.tf(xv))
        return tape.gradient(value, xv).numpy()

    return gradient


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


def gradient_check_cases(grader, seed):
    """The (f, x) that numerical_gradient_matches_autodiff draws for ``seed``."""
    rng = check_rng(seed, "numerical_gradient_matches_autodiff")
    cases = []
    for case in range(6):
        shape = grader.random_shape(rng, case % 3 + 1)
        f = grader.random_array_function(rng, shape, case % 5)
        cases.append((f, np.round(rng.normal(size=shape), 3)))
    return cases


def random_gradient_cases(grader, count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for case in range(count):
        shape = grader.random_shape(rng, case % 3 + 1)
        f = grader.random_array_function(rng, shape, case % 5)
        cases.append((f, np.round(rng.normal(size=shape), 3)))
    return cases


def test_exact_gradient_is_gradient_tape_s(grader, tf, tape_gradient):
    """numerical_gradient_matches_autodiff's expected values, on its own cases for 100 seeds and
    on 400 more: GradientTape's to 1e-13 of max(max|g|, 1), a millionth of the tolerance they
    are compared at (and f.tf evaluates the same function as the NumPy f students receive)."""
    cases = [c for seed in range(100) for c in gradient_check_cases(grader, seed)]
    cases += random_gradient_cases(grader, 400, 99)
    for f, x in cases:
        exact, tape = grader.exact_gradient(f, x), tape_gradient(f, x)
        assert exact.shape == tape.shape == x.shape and exact.dtype == np.float64
        assert np.abs(exact - tape).max() <= 1e-13 * max(np.abs(tape).max(), 1.0)
        assert np.allclose(f.tf(tf.constant(x)).numpy(), f(x), rtol=1e-13, atol=1e-13)


def test_exact_gradient_of_every_operation_is_gradient_tape_s(grader, tape_gradient):
    """Each operation a Function may use, alone and composed, on arrays and on points."""
    sin, cos, exp, tanh, total, dot = grader.sin, grader.cos, grader.exp, grader.tanh, grader.total, grader.dot
    unary = {op: (lambda a, op=op: grader._op(op, a)) for op in ("log", "sqrt", "square", "abs")}
    one, two = Function.lift(1.0), Function.lift(2.0)
    elementwise = [
        sin(X), cos(X), exp(X), tanh(X), unary["square"](X), unary["abs"](X - 0.1), unary["log"](X * X + 1),
        unary["sqrt"](X * X + 0.5), one / (X * X + 2), (X + 3) / (X * X + 1), (X * X + 1) ** 1.5, two ** X,
        (X * X + 1) ** (X / 3), grader.poly([1.5, -2, 0.5, 3], X), -X ** 3 + 2 * X, 3 - X,
    ]
    A = grader.const_array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]])
    of_arrays = [total(sin(A * X)) * dot(A, X) + total(X ** 2) / (1 + dot(X, X)),
                 dot(X, A) ** 2 - total(exp(-X * A)), total(unary["square"](X - A)) * total(tanh(X))]
    rng = np.random.default_rng(3)
    cases = [(f, np.round(rng.uniform(-1.5, 1.5, size=8), 3)) for f in elementwise]
    cases += [(f, np.round(rng.normal(size=(2, 3)), 3)) for f in elementwise + of_arrays]
    for f, x in cases:
        exact, tape = grader.exact_gradient(f, x), tape_gradient(f, x)
        assert np.abs(exact - tape).max() <= 1e-13 * max(np.abs(tape).max(), 1.0), f


def test_reference_gradient_matches_exact_and_forward_difference_does_not(grader, reference):
    """The GRADIENT_TOLERANCE bounds: the reference's central differences pass, a forward
    difference fails, on the check's own cases and 400 more."""
    cases = [c for seed in range(100) for c in gradient_check_cases(grader, seed)]
    cases += random_gradient_cases(grader, 400, 123)
    for f, x in cases:
        exact = grader.exact_gradient(f, x)
        assert compare(reference.numerical_gradient(f, x.copy()), exact, tolerance=grader.GRADIENT_TOLERANCE,
                       hidden=False) is None
        assert compare(grader._one_sided(f, x, grader.H), exact, tolerance=grader.GRADIENT_TOLERANCE,
                       hidden=False) is not None


def test_order_cases_are_the_same_with_gradient_tape(grader, reference, tape_gradient):
    """error_shrinks_with_h picks its functions and points by the exact derivative: with
    GradientTape's instead it draws the very same cases, for 60 seeds (and every function kind)."""
    draws = [(check_rng(seed, "error_shrinks_with_h"), check_rng(seed, "error_shrinks_with_h"), range(1, 5))
             for seed in range(60)]
    draws.append((np.random.default_rng(5), np.random.default_rng(5), range(6)))
    for mine, theirs, kinds in draws:
        for kind in kinds:
            f, x, exact = grader.order_case(mine, reference, kind)
            f_tf, x_tf, exact_tf = grader.order_case(theirs, reference, kind, derivative=tape_gradient)
            assert (f.spec, x) == (f_tf.spec, x_tf)
            assert abs(exact - exact_tf) <= 1e-13 * max(abs(exact_tf), 1.0)
        assert mine.integers(1 << 60) == theirs.integers(1 << 60)  # the same draws were made


def test_reference_differences_have_the_grader_s_error_orders(grader, reference):
    rng = np.random.default_rng(5)
    for kind in range(6):
        f, x, exact = grader.order_case(rng, reference, kind)
        for name, order in grader.ORDER.items():
            values = [getattr(reference, grader.NAMES[name])(f, x, h) for h in grader.ORDER_STEPS]
            assert abs(grader.error_order(values, exact)[0] - order) < 0.05
