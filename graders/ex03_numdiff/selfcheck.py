"""Self-checks of ex03_numdiff: derivatives every student knows, no graded answers.

They ship in the student bundle and run with ``dlgrade check`` at home.  The derivatives
of x² and sin are known (2x, cos), so your differences can be held to them: the central
difference within about h², the one-sided ones within about h and on the right side of
it.  numerical_gradient of Σx² and Σsin(x) over arrays of any shape must give 2x and
cos(x) and leave x exactly as it was.  Gradient descent and momentum on f(x) = x²
(df = 2x) follow a closed form.  None of them knows the answer to a graded problem, so
passing them is not full marks: the hidden checks decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, X, compare, cos, describe, expect_unchanged, self_check, sin, total

H = 1e-4


def number(value, what):
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: expected a number, got {describe(value)}") from None


@self_check(title_ko="x²와 sin의 수치 미분: 중심 차분은 h² 정도, 전방·후방 차분은 h 정도의 오차로 2x, cos(x)와 같고 오차의 부호도 맞습니다.")
def differences_of_known_derivatives(student, rng):
    """Differences of x² and sin: central within ~h², forward and backward within ~h of 2x and cos(x), on the right side."""
    xs = np.round(rng.uniform(-2.5, 2.5, size=4), 3)
    cases = [("x²", X * X, lambda x: 2 * x, lambda x: 2.0), ("sin(x)", sin(X), np.cos, lambda x: -np.sin(x))]
    batch, asked = student.batch(), []
    for label, f, _df, _ddf in cases:
        for x in xs:
            for name in ("numerical_diff_front", "numerical_diff_mid", "numerical_diff_back"):
                batch.call(getattr(student, name), f, float(x), H)
                asked.append((label, name, float(x)))
    results = batch.results()
    for label, f, df, ddf in cases:
        for x in xs:
            exact, curve = float(df(x)), float(ddf(x))
            for name, error in (("numerical_diff_front", H / 2 * curve), ("numerical_diff_mid", 0.0),
                                ("numerical_diff_back", -H / 2 * curve)):
                got = number(next(results), f"{name}(f = {label}, x = {x:g}, h = {H:g})")
                # Taylor: front ≈ f' + h/2·f'', back ≈ f' − h/2·f'', mid ≈ f' + h²/6·f'''.
                allowed = 1e-6 + 0.05 * abs(error)
                if abs(got - (exact + error)) > allowed:
                    raise CheckFailed(
                        f"{name}(f = {label}, x = {x:g}, h = {H:g}) = {got!r}; the derivative there is {exact:.10g}, "
                        f"and this difference should be {exact + error:.10g} (within {allowed:.2g}): "
                        + {"numerical_diff_front": "(f(x + h) − f(x)) / h",
                           "numerical_diff_mid": "(f(x + h) − f(x − h)) / (2h)",
                           "numerical_diff_back": "(f(x) − f(x − h)) / h"}[name])


@self_check(title_ko="numerical_gradient: Σx²의 기울기는 2x, Σsin(x)의 기울기는 cos(x) (여러 형상), 끝난 뒤 x는 원래 값 그대로.")
def gradient_of_known_functions(student, rng):
    """numerical_gradient of Σx² is 2x and of Σsin(x) is cos(x) (several shapes); x is exactly as it was afterwards."""
    cases = []
    for shape in ((5,), (3, 4), (2, 3, 2)):
        x = np.round(rng.uniform(-2, 2, size=shape), 3)
        cases += [("sum(x²)", total(X * X), x, 2 * x), ("sum(sin(x))", total(sin(X)), x, np.cos(x))]
    batch = student.batch()
    for _label, f, x, _exact in cases:
        batch.call_seeing_inputs(student.numerical_gradient, f, x)
    results = batch.results()
    for label, _f, x, exact in cases:
        got, after, _ = next(results)
        what = f"numerical_gradient(f = {label}, x of shape {x.shape})"
        failure = compare(got, exact, what=what, rtol=1e-6, hidden=False)
        if failure:
            raise CheckFailed(failure + "\neach element: (f(x + h·e_i) − f(x − h·e_i)) / (2h), with h = 1e-4")
        try:
            expect_unchanged(x, after[1], what=f"{what}: x")
        except CheckFailed as failure:
            raise CheckFailed(failure.message.split(";")[0] + ": after each element, put back its original value "
                              "(x[idx] = tmp_val), not x[idx] += h, which can leave rounding residue",
                              mistake="x_not_restored") from None


def _same_trajectory(got, want, what, hint):
    """``got`` is the list [x0, x1, …, x_steps] the closed form ``want`` gives, else CheckFailed
    saying what differs and ``hint``."""
    if not isinstance(got, (list, tuple, np.ndarray)) or len(got) != len(want):
        raise CheckFailed(f"{what}: expected a list of steps + 1 = {len(want)} values [x0, x1, …], "
                          f"got {describe(got)}")
    failure = compare(np.asarray([number(v, what) for v in got]), np.array(want), what=what, rtol=1e-9, hidden=False)
    if failure:
        raise CheckFailed(failure + "\n" + hint)


@self_check(title_ko="f(x) = x² (df = 2x)에서 gradient_descent와 momentum_descent는 닫힌 식 x_k = (1 − 2·lr)^k·x0 와 그 모멘텀 판을 따릅니다.")
def descent_on_a_square(student, rng):
    """On f(x) = x² (df = 2x), gradient_descent is x_k = (1 − 2·lr)^k·x0, and momentum_descent its momentum form."""
    x0, steps = float(np.round(rng.uniform(1, 3), 3)), 6
    for lr in (0.1, 0.35, 0.6):
        got = student.gradient_descent(2 * X, x0, lr, steps)
        want = [x0 * (1 - 2 * lr) ** k for k in range(steps + 1)]
        _same_trajectory(got, want, f"gradient_descent(df = 2x, x0 = {x0:g}, lr = {lr}, steps = {steps})",
                         "with df = 2x every step multiplies x by (1 − 2·lr): x_k = (1 − 2·lr)^k·x0")
    for lr, beta in ((0.05, 0.9), (0.2, 0.5)):
        got = student.momentum_descent(2 * X, x0, lr, beta, steps)
        # v ← β·v − lr·2x, x ← x + v: (x, v) ← M (x, v), with M = [[1 − 2·lr, β], [−2·lr, β]].
        m = np.array([[1 - 2 * lr, beta], [-2 * lr, beta]])
        want = [(np.linalg.matrix_power(m, k) @ np.array([x0, 0.0]))[0] for k in range(steps + 1)]
        _same_trajectory(got, want,
                         f"momentum_descent(df = 2x, x0 = {x0:g}, lr = {lr}, beta = {beta}, steps = {steps})",
                         "v starts at 0; each step v ← beta·v − lr·df(x), then x ← x + v")
