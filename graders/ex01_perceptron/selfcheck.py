"""Self-checks of ex01_perceptron: structure and invariants, no graded answers.

They ship in the student bundle and run with ``dlgrade check`` at home: XOR_gate must
change when the gates it is built from change (a lookup table does not); whatever
train_perceptron returns must be what the learning rule can produce, w = Σ c_k·y_k·x_k and
b = Σ c_k·y_k with whole counts c_k ≥ 0 of updates (it starts from 0 and only adds
y_k·x_k and y_k), separating the points when it says it converged; a perceptron's
answer does not change when w and b are scaled by the same positive number.  None of
them knows the answer to a graded problem, so passing them is not full marks: the
hidden checks decide that at grading time.
"""

import itertools

import numpy as np

from dlgrade.grading import CheckFailed, Function, describe, self_check

INPUTS = list(itertools.product((0, 1), repeat=2))
ONE = Function(["const", 1.0])


def table(student, gate):
    batch = student.batch()
    function = getattr(student, gate)
    items = [batch.call(function, x1, x2) for x1, x2 in INPUTS]
    values = batch.run()
    return tuple(values[item] for item in items)


@self_check(title_ko="XOR_gate는 여러분의 NAND_gate, OR_gate, AND_gate로 만들어집니다: 게이트를 바꾸면 XOR도 따라 바뀝니다.")
def xor_follows_your_gates(student):
    """XOR_gate is built from your gates: when a gate is replaced, XOR changes with it."""
    nand, or_ = table(student, "NAND_gate"), table(student, "OR_gate")
    with student.patched("OR_gate", ONE):
        # With OR forced to 1, AND(NAND, OR) is NAND itself.
        if table(student, "XOR_gate") != nand:
            raise CheckFailed("XOR_gate does not follow OR_gate: with OR_gate replaced by 1, XOR_gate must give "
                              "NAND_gate's answers, and it still gives its own — build XOR as AND(NAND(x1, x2), "
                              "OR(x1, x2)) instead of a lookup table", mistake="xor_lookup_table")
    with student.patched("NAND_gate", ONE):
        if table(student, "XOR_gate") != or_:
            raise CheckFailed("XOR_gate does not follow NAND_gate: build XOR as AND(NAND(x1, x2), OR(x1, x2))",
                              mistake="xor_lookup_table")


def separable(rng, d, n):
    """n points in d dimensions on both sides of a random hyperplane, with a margin."""
    normal = rng.normal(size=d)
    normal /= np.linalg.norm(normal)
    offset = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
    points = []
    while len(points) < n:
        x = np.round(rng.uniform(-3, 3, size=d), 2)
        if abs(normal @ x + offset) > 0.5:
            points.append(x)
    X = np.array(points)
    y = np.where(X @ normal + offset > 0, 1.0, -1.0)
    if len(set(y)) < 2:
        y[0] = -y[0]
        X[0] = X[0] - 2 * (normal @ X[0] + offset) * normal  # mirrored to the other side
    return X, y


@self_check(title_ko="train_perceptron의 (w, b)는 학습 규칙이 만들 수 있는 값입니다: 0에서 시작해 y_k·x_k와 y_k만 더한 w = Σ c_k·y_k·x_k, b = Σ c_k·y_k (c_k는 0 이상의 정수), 수렴했다면 모든 점을 분류합니다.")
def training_adds_up_updates(student, rng):
    """train_perceptron's (w, b) is what the rule can give: w = Σ c_k·y_k·x_k, b = Σ c_k·y_k (whole c_k ≥ 0), separating the points when converged."""
    for d in (2, 3, 4):
        X, y = separable(rng, d, d + 1)  # d + 1 points: the counts c_k are determined by (w, b)
        got = student.train_perceptron(X, y, 1000)
        what = f"train_perceptron(X of shape {X.shape}, y, max_epochs=1000)"
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailed(f"{what}: expected (w, b, converged), got {describe(got)}")
        w, b, converged = got
        try:
            w = np.asarray(w, dtype=np.float64).reshape(d)
            b = float(np.asarray(b, dtype=np.float64).reshape(()))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: w must be {d} numbers and b one number, got {describe(got)}") from None
        columns = (np.hstack([X, np.ones((len(X), 1))]) * y[:, None]).T  # y_k·(x_k, 1)
        counts, *_ = np.linalg.lstsq(columns, np.append(w, b), rcond=None)
        rebuilt = columns @ counts
        whole = np.round(counts)
        if not (np.allclose(rebuilt, np.append(w, b), atol=1e-6) and np.allclose(counts, whole, atol=1e-6)
                and np.all(whole >= 0)):
            raise CheckFailed(
                f"{what} returned w = {np.round(w, 6).tolist()}, b = {b:g}, which no run of the learning rule gives: "
                "starting from w = 0, b = 0 and adding y_k·x_k to w and y_k to b at each misclassified point, "
                "w = Σ c_k·y_k·x_k and b = Σ c_k·y_k where c_k ≥ 0 counts the updates at point k "
                f"(the nearest counts: {np.round(counts, 3).tolist()})")
        if converged is not True and not (isinstance(converged, (bool, np.bool_)) and bool(converged)):
            raise CheckFailed(f"{what}: the points are linearly separable, so training must converge and return "
                              f"converged=True, got {describe(converged)}", mistake="never_converges")
        margins = y * (X @ w + b)
        if not np.all(margins > 0):
            raise CheckFailed(f"{what}: converged=True but y_k·(w·x_k + b) <= 0 at point(s) "
                              f"{np.flatnonzero(margins <= 0).tolist()}: converged means every point is classified")


@self_check(title_ko="perceptron(x, w, b)는 w와 b에 같은 양수를 곱해도 같은 값이고, 0 또는 1입니다.")
def perceptron_ignores_positive_scaling(student, rng):
    """perceptron(x, w, b) is 0 or 1, and the same when w and b are multiplied by one positive number."""
    batch, asked = student.batch(), []
    for _ in range(8):
        n = int(rng.integers(1, 5))
        x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        c = float(rng.uniform(0.1, 10))
        asked.append((n, c, batch.call(student.perceptron, x, w, b), batch.call(student.perceptron, x, c * w, c * b)))
    values = batch.in_order()
    for n, c, plain, scaled in asked:
        first, second = values[plain], values[scaled]
        if first not in (0, 1) or isinstance(first, bool):
            raise CheckFailed(f"perceptron(x, w, b) with {n} inputs must return 0 or 1, got {describe(first)}")
        if second != first:
            raise CheckFailed(f"perceptron(x, w, b) = {first} but perceptron(x, {c:.3g}·w, {c:.3g}·b) = "
                              f"{describe(second)}: scaling w and b by a positive number does not change the sign "
                              "of w·x + b")
