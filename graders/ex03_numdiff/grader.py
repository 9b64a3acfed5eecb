"""Grader for ex03_numdiff: numerical differentiation and gradient descent.

Public checks are the lecture's worked examples: the three differences of
f(x) = 4x³ − 2x² − 7x + 1 at x = 2, and every gradient-descent and momentum
trajectory of the statement; expected values are the formulas evaluated here in
float64 on the very Function the student receives (tests/test_ex03_oracle.py
pins them to the lecture's printed digits).  Hidden checks use random smooth
functions (polynomials, exp, sin, cos, tanh, products) built as Functions:
the three differences against their formulas; the order of their error over
several h (the central difference's error shrinks like h², the one-sided ones
like h) against the exact derivative; numerical_gradient of random functions
of 1-D, 2-D and 3-D arrays against the exact gradient of the same Function,
with x left unchanged; and both descent methods on random quadratics against
the reference trajectories.

Functions cross the sandbox as descriptions (dlgrade.sandbox.functions): the
student receives an ordinary callable f(x); the grader evaluates the same
description with NumPy (f(x)) and differentiates it exactly (exact_gradient:
forward mode in float64).  No TensorFlow runs at grading time:
tests/test_ex03_oracle.py proves exact_gradient equal to GradientTape of
f.tf(x) on the cases the checks draw.  Calls whose arguments are known in
advance go to the sandbox in one round trip (student.batch()) and are judged
one by one, in order.
"""

import math

import numpy as np

from dlgrade.grading import CheckFailed, Function, Tolerance, X, check, compare, describe, expect_unchanged

# The student bundle (dlgrade release) replays these helpers' recorded answers instead of
# shipping their bodies: each is a working implementation of part of the exercise.
RELEASE_SEALED = ("difference", "momentum_variants")

H = 1e-4  # the contract's default step

# The lecture's functions.
F_CUBIC = 4 * X**3 - 2 * X**2 - 7 * X + 1
DF_SQUARE = 2 * X
# f(x) = (x − 2)²(x + 3)² − 2(x − 2)²  ⇒  f'(x) = 2(x − 2)(x + 3)(2x + 1) − 4(x − 2)
DF_QUARTIC = 2 * (X - 2) * (X + 3) * (2 * X + 1) - 4 * (X - 2)


def _op(name, *args):
    return Function([name, *(Function.lift(a).spec for a in args)])


def sin(a):
    return _op("sin", a)


def cos(a):
    return _op("cos", a)


def exp(a):
    return _op("exp", a)


def tanh(a):
    return _op("tanh", a)


def total(a):
    return _op("sum", a)


def dot(a, b):
    return _op("dot", a, b)


def const_array(values):
    return Function(["array", np.asarray(values, dtype=float).tolist()])


def poly(coefficients, a):
    """Σ c_k a^(n−k), highest degree first (np.polyval)."""
    return Function(["poly", [float(c) for c in coefficients], Function.lift(a).spec])


# ----------------------------------------------------------------------------- exact derivatives
#: d op(a)/da from a and op(a), for the operations a Function may use.
_UNARY_SLOPES = {
    "exp": lambda a, v: v, "sin": lambda a, v: np.cos(a), "cos": lambda a, v: -np.sin(a),
    "tanh": lambda a, v: 1.0 - v * v, "log": lambda a, v: 1.0 / a, "sqrt": lambda a, v: 0.5 / v,
    "square": lambda a, v: 2.0 * a, "abs": lambda a, v: np.sign(a),
}


def exact_gradient(f, x):
    """∂(Σ f(x))/∂x exactly, in float64: forward-mode differentiation of f's description, the
    derivative of every operation carried along with its value (as a tangent with one trailing
    axis per element of x).  For an element-wise f of a vector of points it is f'(x) at every
    point.  The same quantity as GradientTape of tf.reduce_sum(f.tf(x)), to rounding:
    tests/test_ex03_oracle.py holds it to TensorFlow on the cases the checks draw."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size

    def full(tangent, shape):
        return np.broadcast_to(tangent, tuple(shape) + (n,))

    def flat(tangent, shape):  # one row per element of the value
        return None if tangent is None else full(tangent, shape).reshape(-1, n)

    def times(tangent, factor):  # tangent (shape + (n,)) times a value broadcast over the last axis
        return None if tangent is None else tangent * np.asarray(factor)[..., None]

    def plus(*tangents):
        present = [t for t in tangents if t is not None]
        return sum(present[1:], present[0]) if present else None

    def ev(node):  # (value, tangent or None where it is zero)
        op = node[0]
        if op == "x":
            return x, np.eye(n).reshape(x.shape + (n,))
        if op in ("const", "array"):
            return np.asarray(node[1], dtype=np.float64), None
        if op in _UNARY_SLOPES:
            a, da = ev(node[1])
            value = getattr(np, op)(a)
            return value, times(da, _UNARY_SLOPES[op](a, value))
        if op in ("add", "subtract", "multiply", "divide", "power"):
            (a, da), (b, db) = ev(node[1]), ev(node[2])
            value = getattr(np, op)(a, b)
            if op == "add":
                tangent = plus(da, db)
            elif op == "subtract":
                tangent = plus(da, None if db is None else -db)
            elif op == "multiply":
                tangent = plus(times(da, b), times(db, a))
            elif op == "divide":
                tangent = plus(times(da, 1.0 / b), times(db, -a / (b * b)))
            else:  # as TensorFlow: ∂/∂b takes log a where a > 0, else 0
                tangent = plus(None if da is None else times(da, b * a ** (b - 1)),
                               None if db is None else times(db, value * np.log(np.where(a > 0, a, 1.0))))
            return value, None if tangent is None else full(tangent, np.shape(value))
        if op == "sum":
            a, da = ev(node[1])
            return np.sum(a), None if da is None else flat(da, np.shape(a)).sum(axis=0)
        if op == "dot":
            (a, da), (b, db) = ev(node[1]), ev(node[2])
            rows_a, rows_b = flat(da, np.shape(a)), flat(db, np.shape(b))
            a, b = np.ravel(a), np.ravel(b)
            return np.dot(a, b), plus(None if rows_a is None else (rows_a * b[:, None]).sum(axis=0),
                                      None if rows_b is None else (rows_b * a[:, None]).sum(axis=0))
        if op == "poly":  # Horner, highest degree first
            a, da = ev(node[2])
            value, tangent = np.zeros_like(a), None
            for c in node[1]:
                tangent = plus(times(tangent, a), times(da, value))
                value = value * a + c
            return value, tangent
        raise ValueError(f"operation {op!r} is not allowed")

    value, tangent = ev(f.spec)
    if tangent is None:
        return np.zeros_like(x)
    return flat(tangent, np.shape(value)).sum(axis=0).reshape(x.shape)


# ----------------------------------------------------------------------------- differences
def difference(kind, f, x, h):
    """The contract's formulas, evaluated here in float64 on the same Function."""
    if kind == "front":
        return (f(x + h) - f(x)) / h
    if kind == "mid":
        return (f(x + h) - f(x - h)) / (2 * h)
    return (f(x) - f(x - h)) / h


def difference_tolerance(f, x, h, expected):
    """Algebraically equal ways of writing a difference quotient differ by a few ulps of f in
    the numerator, i.e. ~ε·|f|/h in the result: allow 64·ε·max|f|/h (and float64's own 1e-9)."""
    f_max = max(abs(f(x - h)), abs(f(x)), abs(f(x + h)), 1.0)
    atol = max(64 * np.finfo(float).eps * f_max / h, 1e-9 * max(abs(expected), 1.0))
    return Tolerance(rtol=1e-9, scale=atol / max(abs(expected), 1.0))


NAMES = {"front": "numerical_diff_front", "mid": "numerical_diff_mid", "back": "numerical_diff_back"}
FORMULAS = {"front": "(f(x + h) − f(x)) / h", "mid": "(f(x + h) − f(x − h)) / (2h)", "back": "(f(x) − f(x − h)) / h"}


def diagnose_difference(got, kind, f, x, h):
    """The mistake behind a wrong difference, if it is a classic one."""
    try:
        got = float(got)
    except (TypeError, ValueError):
        return None, None
    right = difference(kind, f, x, h)
    candidates = []
    if kind == "mid":
        candidates += [(difference("front", f, x, h), "forward_for_central",
                        "this is the forward difference (f(x + h) − f(x)) / h; the central one uses f(x + h) and "
                        "f(x − h)"),
                       (difference("back", f, x, h), "forward_for_central",
                        "this is the backward difference; the central one uses f(x + h) and f(x − h)"),
                       (2 * right, "wrong_h_scaling",
                        "twice the central difference: (x + h) − (x − h) = 2h, so divide by 2 * h")]
    else:
        candidates += [(right / 2, "wrong_h_scaling", f"half the {kind} difference: the points are h apart, divide "
                                                      "by h"),
                       (difference("mid", f, x, h), None,
                        f"this is the central difference; {NAMES[kind]} is {FORMULAS[kind]}")]
    candidates.append((-right, "wrong_difference_sign",
                       f"the sign is reversed: {FORMULAS[kind]} (right point's value minus the left one's)"))
    for value, key, text in candidates:
        if compare(got, value, tolerance=difference_tolerance(f, x, h, value), hidden=False) is None:
            return key, text
    return None, None


def expect_difference(student, kind, f, x, what, h=None):
    kwargs = {} if h is None else {"h": h}
    return judge_difference(getattr(student, NAMES[kind])(f, x, **kwargs), kind, f, x, what, h)


def judge_difference(got, kind, f, x, what, h=None):
    """``got`` from NAMES[kind](f, x) (with ``h`` if given) against the formula."""
    step = H if h is None else h
    expected = difference(kind, f, x, step)
    failure = compare(got, expected, what=what, tolerance=difference_tolerance(f, x, step, expected))
    if failure:
        key, text = diagnose_difference(got, kind, f, x, step)
        raise CheckFailed(failure + f"\n{NAMES[kind]} must compute {FORMULAS[kind]}"
                          + (f"\nlikely mistake: {text}" if text else ""), mistake=key)
    return got


# ----------------------------------------------------------------------------- trajectories
def as_trajectory(got, steps, what):
    """The returned list as a float array, or a clear failure."""
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(f"{what}: expected a list [x0, x1, …, x_{steps}], got {describe(got)}")
    values = []
    for i, item in enumerate(got):
        try:
            values.append(float(np.asarray(item).reshape(())))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: item {i} of the list must be a number, got {describe(item)}") from None
    return np.array(values)


def expect_trajectory(got, expected, steps, what, variants=()):
    """``expected`` has steps + 1 points starting with x0; ``variants`` are what classic mistakes give."""
    values = as_trajectory(got, steps, what)
    if values.shape == expected.shape:
        failure = compare(values, expected, what=what)
    else:
        failure = (f"{what}: expected a list of steps + 1 = {steps + 1} values [x0, x1, …, x_{steps}], "
                   f"got {len(values)} values")
    if failure is None:
        return
    key, text = None, None
    if len(values) == steps and compare(values, expected[1:], hidden=False) is None:
        key, text = "missing_start_point", "the list lacks x0: return [x0, x1, …, x_steps], steps + 1 values"
    for variant, variant_key, variant_text in variants:
        if key is None and values.shape == variant.shape and compare(values, variant, hidden=False) is None:
            key, text = variant_key, variant_text
    raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def momentum_variants(df, x0, lr, beta, steps):
    """Trajectories of the classic sign mistakes of the momentum method."""
    def run(sign_gradient, sign_velocity):
        xs, x, v = [x0], x0, 0.0
        for _ in range(steps):
            v = beta * v + sign_gradient * lr * df(x)
            x = x + sign_velocity * v
            xs.append(x)
        return np.array(xs, dtype=float)

    text = "v ← beta·v − lr·df(x) (subtract the gradient), then x ← x + v (add the velocity)"
    return [(run(+1, +1), "momentum_sign", text), (run(-1, -1), "momentum_sign", text)]


# ----------------------------------------------------------------------------- public checks
@check(points=1, title_ko="전방 차분 numerical_diff_front(f, 2.0), f(x) = 4x³ − 2x² − 7x + 1: 33.00220004.")
def lecture_front_difference(student):
    """numerical_diff_front(f, 2.0) for f(x) = 4x³ − 2x² − 7x + 1: 33.00220004."""
    expect_difference(student, "front", F_CUBIC, 2.0, "numerical_diff_front(f, 2.0)")


@check(points=1, title_ko="중심 차분 numerical_diff_mid(f, 2.0), f(x) = 4x³ − 2x² − 7x + 1: 33.00000004.")
def lecture_mid_difference(student):
    """numerical_diff_mid(f, 2.0) for f(x) = 4x³ − 2x² − 7x + 1: 33.00000004."""
    expect_difference(student, "mid", F_CUBIC, 2.0, "numerical_diff_mid(f, 2.0)")


@check(points=1, title_ko="후방 차분 numerical_diff_back(f, 2.0), f(x) = 4x³ − 2x² − 7x + 1: 32.99780004.")
def lecture_back_difference(student):
    """numerical_diff_back(f, 2.0) for f(x) = 4x³ − 2x² − 7x + 1: 32.99780004."""
    expect_difference(student, "back", F_CUBIC, 2.0, "numerical_diff_back(f, 2.0)")


@check(points=1, title_ko="gradient_descent(df = 2x, x0 = 2, lr, 3): lr 0.4, 1.5 (발산), 0.001 (너무 느림).")
def lecture_descent_on_square(student, reference):
    """gradient_descent(df = 2x, x0 = 2, lr, 3) for lr 0.4, 1.5 (diverges) and 0.001 (too slow)."""
    rates = (0.4, 1.5, 0.001)
    results = student.in_one_round_trip([(student.gradient_descent, (DF_SQUARE, 2.0, lr, 3)) for lr in rates])
    for lr in rates:
        expected = np.array(reference.gradient_descent(DF_SQUARE, 2.0, lr, 3), dtype=float)
        expect_trajectory(next(results), expected, 3, f"gradient_descent(df = 2x, x0 = 2, lr = {lr}, steps = 3)")


@check(points=1, title_ko="f = (x−2)²(x+3)² − 2(x−2)², x0 = 3에서 gradient_descent: lr 0.02 → 2, lr 0.045 → 극댓값을 넘어감.")
def lecture_descent_on_quartic(student, reference):
    """gradient_descent on f = (x−2)²(x+3)² − 2(x−2)² from x0 = 3: lr 0.02 → 2, lr 0.045 → past the maximum."""
    rates = (0.02, 0.045)
    results = student.in_one_round_trip([(student.gradient_descent, (DF_QUARTIC, 3.0, lr, 3)) for lr in rates])
    for lr in rates:
        expected = np.array(reference.gradient_descent(DF_QUARTIC, 3.0, lr, 3), dtype=float)
        expect_trajectory(next(results), expected, 3,
                          f"gradient_descent(df = {DF_QUARTIC!r}, x0 = 3, lr = {lr}, steps = 3)")


@check(points=1,
       title_ko="같은 f, x0 = 3, lr 0.02, beta 0.9로 momentum_descent: 3, 1.4, 0.31328, −0.43609946, −1.27349953.")
def lecture_momentum_on_quartic(student, reference):
    """momentum_descent on the same f, x0 = 3, lr 0.02, beta 0.9: 3, 1.4, 0.31328, −0.43609946, −1.27349953."""
    expected = np.array(reference.momentum_descent(DF_QUARTIC, 3.0, 0.02, 0.9, 4), dtype=float)
    expect_trajectory(student.momentum_descent(DF_QUARTIC, 3.0, 0.02, 0.9, 4), expected, 4,
                      f"momentum_descent(df = {DF_QUARTIC!r}, x0 = 3, lr = 0.02, beta = 0.9, steps = 4)",
                      momentum_variants(DF_QUARTIC, 3.0, 0.02, 0.9, 4))


# ----------------------------------------------------------------------------- hidden checks
def _coefficient(rng, low=0.5, high=2.0):
    return float(np.round(rng.uniform(low, high) * rng.choice([-1, 1]), 2))


def random_scalar_function(rng, kind):
    """A smooth function of one variable whose values stay moderate on [−1.5, 1.5]."""
    a, b, c = _coefficient(rng), _coefficient(rng), _coefficient(rng)
    if kind == 0:
        return poly(np.round(rng.uniform(-2, 2, size=int(rng.integers(4, 7))), 2), X)
    if kind == 1:
        return a * sin(b * X) + c * X**2
    if kind == 2:
        return exp(0.5 * a * X) * cos(b * X)
    if kind == 3:
        return (a * X**2 + b) * sin(c * X)
    if kind == 4:
        return exp(-abs(a) * X**2) * (b * X + c)
    return tanh(a * X) * X**3 + b * X


@check(points=2, hidden=True, title_ko="세 차분: 무작위 매끄러운 함수(다항식, exp, sin, 곱)에서 기본 h로 확인.")
def random_differences(student, rng):
    """The three differences on random smooth functions (polynomials, exp, sin, products) with the default h."""
    cases = []
    for case in range(6):
        f = random_scalar_function(rng, case)
        cases.append((f, float(np.round(rng.uniform(-1.5, 1.5), 3))))
    results = student.in_one_round_trip([(getattr(student, NAMES[kind]), (f, x)) for f, x in cases
                                          for kind in ("front", "mid", "back")])
    for case, (f, x) in enumerate(cases):
        for kind in ("front", "mid", "back"):
            judge_difference(next(results), kind, f, x, f"case {case + 1}: {NAMES[kind]}(f, x) for a random f")


ORDER = {"front": 1, "mid": 2, "back": 1}
ORDER_STEPS = (1e-2, 1e-3)


def error_order(values, exact):
    """log10 of err(h)/err(h/10): 1 for an error ∝ h, 2 for ∝ h²."""
    errors = [abs(v - exact) for v in values]
    if errors[1] == 0:
        return math.inf, errors
    if errors[0] == 0:
        return -math.inf, errors
    return math.log10(errors[0] / errors[1]), errors


def order_case(rng, reference, kind, derivative=exact_gradient):
    """A random function and point where the reference's observed orders are within 0.05 of 1 and 2
    (away from zeros of f'' and f''', where a difference's leading error term vanishes); f' at the
    points is ``derivative(f, points)`` (tests/test_ex03_oracle.py passes GradientTape's and gets
    the same cases)."""
    for _attempt in range(50):
        f = random_scalar_function(rng, kind)
        points = np.round(rng.uniform(-1.5, 1.5, size=8), 3)
        exact = derivative(f, points)
        for x, d in zip(points, exact):
            x = float(x)
            orders = [error_order([getattr(reference, NAMES[k])(f, x, h) for h in ORDER_STEPS], float(d))[0]
                      for k in ("front", "mid", "back")]
            if all(abs(p - ORDER[k]) < 0.05 for p, k in zip(orders, ("front", "mid", "back"))):
                return f, x, float(d)
    raise RuntimeError(f"no point with clean error orders found for function kind {kind}")


# Observed order p = log10(err(1e-2)/err(1e-3)) must be within ORDER_SLACK of 1 (front,
# back) or 2 (mid).  Cases are chosen where the reference's p is within 0.05 of it; the
# mistakes give p ≈ 1 for a "central" that is one-sided, p ≈ 0 for a missing 2 or a
# reversed sign (error ≈ |f'|, independent of h), so a slack of 0.3 separates them.
ORDER_SLACK = 0.3


@check(points=2, hidden=True, title_ko="h = 1e-2, 1e-3에서 중심 차분의 오차는 h²처럼, 전방·후방 차분의 오차는 h처럼 줄어듭니다.")
def error_shrinks_with_h(student, rng, reference):
    """Over h = 1e-2 and 1e-3 the central difference's error shrinks like h², the one-sided ones like h."""
    cases = [order_case(rng, reference, case + 1) for case in range(4)]
    batch = student.batch()  # every difference at every step, in one round trip
    for f, x, _exact in cases:
        for kind in ("front", "mid", "back"):
            for h in ORDER_STEPS:
                batch.call(getattr(student, NAMES[kind]), f, x, h=h)
    results = batch.results()
    for case, (f, x, exact) in enumerate(cases):
        for kind in ("front", "mid", "back"):
            values = []
            for h in ORDER_STEPS:
                got = next(results)
                try:
                    values.append(float(np.asarray(got).reshape(())))
                except (TypeError, ValueError):
                    raise CheckFailed(f"case {case + 1}: {NAMES[kind]}(f, x, h={h:g}) must return a number, "
                                      f"got {describe(got)}") from None
            p, errors = error_order(values, exact)
            if abs(p - ORDER[kind]) <= ORDER_SLACK:
                continue
            message = (f"case {case + 1}: {NAMES[kind]}(f, x, h) for a random f: the error |D(h) − f'(x)| is "
                       f"{errors[0]:.3g} at h = 1e-2 and {errors[1]:.3g} at h = 1e-3, so it shrinks "
                       f"{10 ** p if math.isfinite(p) else math.inf:.3g}× when h shrinks 10× (order {p:.2f}); "
                       f"{'a central' if kind == 'mid' else 'a one-sided'} difference's error shrinks like "
                       f"h{'²' if ORDER[kind] == 2 else ''} ({10 ** ORDER[kind]}×)")
            key, text = None, None
            for h, value in zip(ORDER_STEPS, values):
                key, text = diagnose_difference(value, kind, f, x, h)
                if key or text:
                    break
            if key is None and kind == "mid" and abs(p - 1) <= ORDER_SLACK:
                key, text = "forward_for_central", "an error ∝ h is a one-sided difference: use f(x + h) − f(x − h)"
            raise CheckFailed(message + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def random_array_function(rng, shape, kind):
    """A smooth scalar function of an array of ``shape``, coupling its elements."""
    A = const_array(np.round(rng.normal(size=shape), 3))
    B = const_array(np.round(rng.normal(size=shape), 3))
    c = _coefficient(rng)
    if kind == 0:
        return total(sin(A * X)) + c * total(X * X * X)
    if kind == 1:
        return dot(A, X) ** 2 + total(cos(B * X))
    if kind == 2:
        return total(exp(0.3 * A * X)) * dot(B, X)
    if kind == 3:
        return total(tanh(A * X + B)) + c * dot(A, X) * dot(B, X)
    return total(X**3 * A) + sin(dot(B, X))


def random_shape(rng, ndim):
    if ndim == 1:
        return (int(rng.integers(2, 7)),)
    if ndim == 2:
        return tuple(int(n) for n in rng.integers(2, 5, size=2))
    return tuple(int(n) for n in rng.integers(2, 4, size=3))


# numerical_gradient is compared with the exact gradient, so the tolerance is
# the central difference's own error: truncation h²/6·|∂³f/∂x_i³| plus roundoff
# ε·|f|/h.  Measured over 3000 random cases of random_array_function (seed 123):
# the reference's max |g − g_exact| / max(max|g_exact|, 1) = 3.3e-08, so GRADIENT_TOLERANCE
# allows 1e-7 (rtol and scale: per element ≥ 1e-7·max(max|g_exact|, 1)); a forward
# difference is off by h/2·|∂²f/∂x_i²|, at least 8.7e-07 on that scale in every one of
# the 3000 cases, so each case alone catches it (dividing by h is off by 100 %).
# tests/test_ex03_oracle.py re-checks both bounds on fresh cases, and that the exact
# gradient (exact_gradient: forward mode, float64) is TensorFlow's GradientTape's.
GRADIENT_TOLERANCE = Tolerance(rtol=1e-7, scale=1e-7)


@check(points=3, hidden=True, title_ko="1·2·3차원 배열을 받는 무작위 함수의 numerical_gradient(f, x)를 TensorFlow 자동 미분과 비교.")
def numerical_gradient_matches_autodiff(student, rng):
    """numerical_gradient(f, x) of random functions of 1-D, 2-D and 3-D arrays against TensorFlow autodiff."""
    cases = []
    for case in range(6):
        shape = random_shape(rng, case % 3 + 1)
        f = random_array_function(rng, shape, case % 5)
        cases.append((f, np.round(rng.normal(size=shape), 3)))
    results = student.in_one_round_trip([(student.numerical_gradient, case) for case in cases])
    for case, (f, x) in enumerate(cases):
        shape = x.shape
        exact = exact_gradient(f, x)
        what = f"case {case + 1}: numerical_gradient(f, x) with x of shape {shape}"
        value = next(results)
        failure = compare(value, exact, what=what, tolerance=GRADIENT_TOLERANCE)
        if failure is None:
            continue
        key, text = None, None
        if isinstance(value, np.ndarray) and value.shape == x.shape:
            grad_fd = _central(f, x, H)
            if compare(value, 2 * grad_fd, tolerance=GRADIENT_TOLERANCE, hidden=False) is None:
                key, text = "wrong_h_scaling", "twice the gradient: the two points are 2h apart, divide by 2 * h"
            elif compare(value, _one_sided(f, x, H), tolerance=GRADIENT_TOLERANCE, hidden=False) is None:
                key, text = "forward_for_central", ("this is the forward difference (f(x + h) − f(x)) / h; "
                                                    "use f(x + h) and f(x − h)")
        if key is None:
            # Was x left changed?  The same call once more, now returning x as the call left it:
            # a round trip and a second run of numerical_gradient, but only for a wrong gradient
            # no other mistake explains; bringing x back from every call in the batch
            # (call_seeing_inputs) would cost more CPU on every submission whose gradients are right.
            _value, after, _ = student.numerical_gradient.call((f, x), {}, inputs_after=True)
            if len(after) > 1 and isinstance(after[1], np.ndarray) and not np.array_equal(after[1], x, equal_nan=True):
                key, text = "x_not_restored", ("x is not restored after each element: the later partial "
                                               "derivatives were taken at a moved point")
        raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def _central(f, x, h):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


def _one_sided(f, x, h):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xp[idx] += h
        grad[idx] = (f(xp) - f(x)) / h
    return grad


def residue_prone(rng, shape, h=H):
    """A random x every element of which is left changed by the usual way of restoring it with
    arithmetic instead of the saved value: x + h − 2h + h (x[idx] += h, then -= 2h, then += h)
    differs from x in the last bits for about 38 % of values, these ones, so only putting the
    original value back restores x bit-for-bit.  (The other orders, x + h − h and
    x + h − h − h + h, leave residue in under 0.2 % of values: there they are as good as exact.)"""
    need = int(np.prod(shape, dtype=int))
    found = np.zeros(0)
    while found.size < need:
        v = rng.normal(size=64) * 10.0 ** rng.integers(-1, 2, size=64)
        keep = ((v + h) - 2 * h) + h != v
        found = np.concatenate([found, v[keep]])
    return found[:need].reshape(shape)


@check(points=1, hidden=True, title_ko="numerical_gradient(f, x)가 맞는 기울기를 돌려주고, 끝난 뒤 x는 비트 하나까지 원래 값 그대로입니다 (1·2·3차원 x).")
def numerical_gradient_restores_x(student, rng):
    """numerical_gradient(f, x) returns the right gradient and leaves x bit-for-bit as it was (1-D, 2-D, 3-D x)."""
    cases = []
    for case in range(3):
        shape = random_shape(rng, case + 1)
        f = random_array_function(rng, shape, case)
        cases.append((shape, f, residue_prone(rng, shape)))
    batch = student.batch()
    for _shape, f, x in cases:
        batch.call_seeing_inputs(student.numerical_gradient, f, x)
    results = batch.results()
    for case, (shape, f, x) in enumerate(cases):
        value, after, _ = next(results)
        try:
            expect_unchanged(x, after[1], what=f"case {case + 1}: x of shape {shape}")
        except CheckFailed as failure:
            raise CheckFailed(failure.message.split(";")[0] + ": after each element, put back its original "
                              "value (x[idx] = tmp_val), not x[idx] += h, which can leave rounding residue",
                              mistake="x_not_restored") from None
        # Restoring x counts only with the gradient it was restored for: a function that
        # never touches x has the property and nothing else.
        failure = compare(value, exact_gradient(f, x), tolerance=GRADIENT_TOLERANCE,
                          what=f"case {case + 1}: numerical_gradient(f, x) with x of shape {shape}")
        if failure:
            raise CheckFailed(failure)


def random_quadratic(rng):
    """df of f(x) = a(x − c)², with a learning rate for which descent converges (lr·2a < 2)."""
    a = float(np.round(rng.uniform(0.5, 3.0), 2))
    c = float(np.round(rng.uniform(-2, 2), 2))
    x0 = float(np.round(rng.uniform(-3, 3), 3))
    lr = float(np.round(rng.uniform(0.05, 1.8) / (2 * a), 4))
    return 2 * a * (X - c), x0, lr


@check(points=1, hidden=True, title_ko="무작위 이차 함수, 학습률, 단계 수로 gradient_descent를 참고 답안과 비교.")
def gradient_descent_random(student, rng, reference):
    """gradient_descent on random quadratics, learning rates and step counts, against the reference."""
    cases = []
    for _ in range(4):
        df, x0, lr = random_quadratic(rng)
        cases.append((df, x0, lr, int(rng.integers(3, 13))))
    results = student.in_one_round_trip([(student.gradient_descent, case) for case in cases])
    for case, (df, x0, lr, steps) in enumerate(cases):
        expected = np.array(reference.gradient_descent(df, x0, lr, steps), dtype=float)
        expect_trajectory(next(results), expected, steps,
                          f"case {case + 1}: gradient_descent(df, x0, lr, steps={steps}) on a random quadratic")


@check(points=1, hidden=True, title_ko="무작위 이차 함수, 학습률, beta, 단계 수로 momentum_descent를 참고 답안과 비교.")
def momentum_descent_random(student, rng, reference):
    """momentum_descent on random quadratics, learning rates, betas and step counts, against the reference."""
    cases = []
    for _ in range(4):
        df, x0, lr = random_quadratic(rng)
        beta = float(np.round(rng.uniform(0.5, 0.95), 2))
        cases.append((df, x0, lr, beta, int(rng.integers(3, 13))))
    results = student.in_one_round_trip([(student.momentum_descent, case) for case in cases])
    for case, (df, x0, lr, beta, steps) in enumerate(cases):
        expected = np.array(reference.momentum_descent(df, x0, lr, beta, steps), dtype=float)
        expect_trajectory(next(results), expected, steps,
                          f"case {case + 1}: momentum_descent(df, x0, lr, beta, steps={steps}) on a random quadratic",
                          momentum_variants(df, x0, lr, beta, steps))


#: The lecture's worked example as printed.  The public checks compare with the
#: reference solution in float64; tests/test_worked_examples.py proves the reference
#: reproduces every value here to the printed digits.
LECTURE_VALUES = {
    "differences_at_2": [33.00220004, 33.00000004, 32.99780004],
    "square_lr_0.4": [2, 0.4, 0.08, 0.016],
    "square_lr_1.5": [2, -4, 8, -16],
    "square_lr_0.001": [2, 1.996, 1.992008, 1.988023984],
    "quartic_lr_0.02": [3, 1.4, 1.75328, 1.94494139],
    "quartic_lr_0.045": [3, -0.6, -1.18032, -2.46145990],
    "quartic_momentum": [3, 1.4, 0.31328, -0.43609946, -1.27349953],
    "quartic_critical_points": [-3.35078, -0.14922, 2.0],
}


def lecture_values_from(reference):
    """The same quantities computed by a solution module (for the worked-example test)."""
    def descent(df, x0, lr):
        return [float(v) for v in reference.gradient_descent(df, x0, lr, 3)]

    return {
        "differences_at_2": [reference.numerical_diff_front(F_CUBIC, 2.0), reference.numerical_diff_mid(F_CUBIC, 2.0),
                             reference.numerical_diff_back(F_CUBIC, 2.0)],
        "square_lr_0.4": descent(DF_SQUARE, 2.0, 0.4),
        "square_lr_1.5": descent(DF_SQUARE, 2.0, 1.5),
        "square_lr_0.001": descent(DF_SQUARE, 2.0, 0.001),
        "quartic_lr_0.02": descent(DF_QUARTIC, 3.0, 0.02),
        "quartic_lr_0.045": descent(DF_QUARTIC, 3.0, 0.045),
        "quartic_momentum": [float(v) for v in reference.momentum_descent(DF_QUARTIC, 3.0, 0.02, 0.9, 4)],
        # where f' = 0: the lecture's critical points (rounded to 5 decimals)
        "quartic_critical_points": [float(c) for c in _critical_points()],
    }


def _critical_points():
    # f'(x) = 2(x−2)(x+3)(2x+1) − 4(x−2) = (x−2)·(4x² + 14x + 2): roots of the quadratic, and 2
    return sorted(np.roots([4.0, 14.0, 2.0]).real.tolist() + [2.0])
