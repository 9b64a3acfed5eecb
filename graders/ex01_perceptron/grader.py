"""Grader for ex01_perceptron: perceptron gates and the perceptron learning rule.

Public checks: the four truth tables, the lecture's sign-perceptrons, the
boundary rule (a sum of exactly 0 gives 0) and the training run on the AND
data.  Hidden checks: random real perceptrons against the reference, XOR
really built from the three gates (the grader swaps a gate inside the sandbox
and watches XOR change with it, which a lookup table cannot do), training on
random linearly separable data and on XOR data.  Expected values are the
reference solution's and the truth tables'; no TensorFlow.  A check's calls go
to the sandbox in one round trip where they can (``student.batch()``), their
values judged in the order of the calls, as if each had been made alone.
"""

import itertools

import numpy as np

from dlgrade.grading import CheckFailed, Function, check, expect_close, expect_equal, expect_unchanged
from dlgrade.grading.compare import describe

# The student bundle (dlgrade release) replays these helpers' recorded answers instead of
# shipping their bodies: each is a working implementation of part of the exercise.
RELEASE_SEALED = ("train_variant",)

INPUTS = list(itertools.product((0, 1), repeat=2))
TABLES = {
    "AND_gate": (0, 0, 0, 1),
    "NAND_gate": (1, 1, 1, 0),
    "OR_gate": (0, 1, 1, 1),
    "XOR_gate": (0, 1, 1, 0),
}


def truth_tables(student, *gates):
    """The gates' truth tables, every call in one round trip: all of them are made before
    any value is judged, as they were one call at a time.  A gate the module lacks is
    reported once the calls queued before it are made (the last call in the message)."""
    batch, queued = student.batch(), []
    for gate in gates:
        try:
            function = getattr(student, gate)
        except Exception:
            batch.run()
            raise
        queued.append([batch.call(function, x1, x2) for x1, x2 in INPUTS])
    values = batch.run()
    return [tuple(values[item] for item in items) for items in queued]


def truth_table(student, gate):
    return truth_tables(student, gate)[0]


def expect_table(student, gate, mistake=None):
    got = truth_table(student, gate)
    if mistake is None and gate != "XOR_gate" and all(v in (0, 1) for v in got):
        mistake = "wrong_gate_weights"  # answers of 0 and 1, the wrong ones: the gate's weights or bias
    for (x1, x2), value, want in zip(INPUTS, got, TABLES[gate]):
        expect_equal(value, want, what=f"{gate}({x1}, {x2})", mistake=mistake)


@check(points=1, title_ko="AND_gate: 진리표 (0, 0, 0, 1).")
def and_truth_table(student):
    """AND_gate: the truth table (0, 0, 0, 1)."""
    expect_table(student, "AND_gate")


@check(points=1, title_ko="NAND_gate: 진리표 (1, 1, 1, 0).")
def nand_truth_table(student):
    """NAND_gate: the truth table (1, 1, 1, 0)."""
    expect_table(student, "NAND_gate")


@check(points=1, title_ko="OR_gate: 진리표 (0, 1, 1, 1).")
def or_truth_table(student):
    """OR_gate: the truth table (0, 1, 1, 1)."""
    expect_table(student, "OR_gate")


@check(points=1, title_ko="XOR_gate: 진리표 (0, 1, 1, 0).")
def xor_truth_table(student):
    """XOR_gate: the truth table (0, 1, 1, 0)."""
    expect_table(student, "XOR_gate")


@check(points=1, title_ko="perceptron: 강의의 OR (w0, w1, w2) = (−2, 3, 3)와 AND (−4, 3, 3).")
def lecture_sign_perceptrons(student):
    """perceptron with the lecture's OR (w0, w1, w2) = (−2, 3, 3) and AND (−4, 3, 3)."""
    cases = [(label, bias, x1, x2, want)
             for label, bias, table in (("OR", -2.0, TABLES["OR_gate"]), ("AND", -4.0, TABLES["AND_gate"]))
             for (x1, x2), want in zip(INPUTS, table)]
    batch = student.batch()  # the eight calls in one round trip, judged one by one in order
    for label, bias, x1, x2, _want in cases:
        batch.call(student.perceptron, np.array([x1, x2], dtype=float), np.array([3.0, 3.0]), bias)
    for (label, bias, x1, x2, want), got in zip(cases, batch.results()):
        expect_equal(got, want, what=f"{label}: perceptron(x=[{x1}, {x2}], w=[3, 3], b={bias:g})")


@check(points=1, title_ko="w·x + b가 정확히 0이면 perceptron은 0을 돌려줍니다 (강의의 규칙: ≤ 0 → 0).")
def boundary_gives_zero(student):
    """perceptron gives 0 when w·x + b is exactly 0 (the lecture's rule: ≤ 0 → 0)."""
    cases = ((np.array([1.0, 1.0]), np.array([0.5, 0.5]), -1.0), (np.array([2.0, -1.0]), np.array([0.0, 0.0]), 0.0))
    batch = student.batch()  # both calls in one round trip, judged in order
    for x, w, b in cases:
        batch.call(student.perceptron, x, w, b)
    for (x, w, b), got in zip(cases, batch.results()):
        if got != 0 and got == 1:
            raise CheckFailed(f"perceptron(x={x.tolist()}, w={w.tolist()}, b={b:g}): w·x + b = 0 must give 0, got 1 "
                              "(use > 0, not >= 0)", mistake="ge_instead_of_gt")
        expect_equal(got, 0, what=f"perceptron(x={x.tolist()}, w={w.tolist()}, b={b:g})")


AND_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND_Y = np.array([-1, -1, -1, 1], dtype=float)


# The learning rule's classic mistakes, as variants of the rule: the one whose (w, b)
# the student's training returned is the mistake named.
TRAINING_MISTAKES = (
    ("no_bias_update", {"bias": False}),
    ("wrong_update_sign", {"sign": -1.0}),
    ("boundary_not_misclassified", {"strict": True}),
    ("wrong_start_weights", {"start": 1.0}),
)


def train_variant(X, y, max_epochs, *, start=0.0, sign=1.0, bias=True, strict=False):
    """The perceptron rule, or one of its classic mistakes; returns (w, b)."""
    w, b = np.full(X.shape[1], start), 0.0
    for _ in range(max_epochs):
        updated = False
        for x_k, y_k in zip(X, y):
            margin = y_k * (np.dot(w, x_k) + b)
            if margin < 0 or (margin == 0 and not strict):
                w = w + sign * y_k * x_k
                b = b + sign * y_k if bias else b
                updated = True
        if not updated:
            break
    return w, b


def training_mistake(X, y, max_epochs, w, b):
    """The key of the one classic mistake that gives exactly (w, b); None when none does, or
    when several do (on the AND data, two mistakes both leave w = 0, b = 0)."""
    if not (isinstance(w, np.ndarray) and w.shape == (X.shape[1],) and np.all(np.isfinite(w))):
        return None
    found = []
    for key, variant in TRAINING_MISTAKES:
        w_m, b_m = train_variant(X, y, max_epochs, **variant)
        if np.allclose(w, w_m, rtol=1e-9, atol=1e-9) and np.isclose(b, b_m, rtol=1e-9, atol=1e-9):
            found.append(key)
    return found[0] if len(found) == 1 else None


def expect_learning_rule(w, b, converged, X, y, max_epochs, reference, what):
    """(w, b) and, if given, converged as the rule gives them, naming the mistake behind a difference."""
    w_ref, b_ref, converged_ref = reference.train_perceptron(X, y, max_epochs=max_epochs)
    same = np.allclose(w, w_ref) and np.isclose(b, b_ref)
    mistake = None if same else training_mistake(X, y, max_epochs, w, b)
    if same and converged is not None and converged_ref and not converged:
        mistake = "never_converges"
    if converged is not None:
        expect_equal(converged, converged_ref, what=f"{what}: converged", mistake=mistake)
    expect_close(w, w_ref, what=f"{what}: w (start from w = 0, b = 0; in each pass update on every misclassified "
                                "point, in order)", mistake=mistake)
    expect_close(b, b_ref, what=f"{what}: b", mistake=mistake)


def expect_training_result(result, n_features, what):
    if not isinstance(result, tuple) or len(result) != 3:
        raise CheckFailed(f"{what}: expected a tuple (w, b, converged), got {describe(result)}")
    w, b, converged = result
    if not isinstance(w, np.ndarray) or w.shape != (n_features,):
        raise CheckFailed(f"{what}: w must be a numpy.ndarray of shape ({n_features},), got {describe(w)}")
    if not isinstance(b, (int, float, np.integer, np.floating)) or isinstance(b, bool):
        raise CheckFailed(f"{what}: b must be a number, got {describe(b)}")
    if not isinstance(converged, (bool, np.bool_)):
        raise CheckFailed(f"{what}: converged must be True or False, got {describe(converged)}")
    return w, float(b), bool(converged)


@check(points=1, title_ko="AND 데이터(라벨 ±1)로 train_perceptron: w = 0, b = 0에서 시작, 패스마다 점을 차례로 봅니다.")
def lecture_training_on_and(student, reference):
    """train_perceptron on the AND data (labels ±1) from w = 0, b = 0, points visited in order each pass."""
    w, b, converged = expect_training_result(student.train_perceptron(AND_X, AND_Y), 2, "train_perceptron(X, y)")
    expect_learning_rule(w, b, converged, AND_X, AND_Y, 100, reference, "train_perceptron(X, y)")


@check(points=2, hidden=True, title_ko="길이가 제각각인 무작위 실수 입력으로 perceptron (가중합이 정확히 0인 경우 포함).")
def random_perceptron(student, rng, reference):
    """perceptron on random real inputs of random length, including sums that are exactly 0."""
    cases, batch = [], student.batch()  # all twenty calls in one round trip
    for case in range(20):
        n = int(rng.integers(1, 8))
        if case % 4 == 3:  # small integers make w·x + b = 0 likely
            x, w = rng.integers(-2, 3, n).astype(float), rng.integers(-2, 3, n).astype(float)
            b = float(-np.dot(w, x)) if case % 8 == 3 else float(rng.integers(-2, 3))
        else:
            x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        cases.append((x, w, b))
        batch.call(student.perceptron, x, w, b)
    for case, ((x, w, b), got) in enumerate(zip(cases, batch.results())):
        expect_equal(got, reference.perceptron(x, w, b),
                     what=f"case {case + 1}: perceptron(x, w, b) with {len(x)} inputs")


ONE = Function(["const", 1.0])


@check(points=2, hidden=True, title_ko="XOR_gate = AND(NAND(x1, x2), OR(x1, x2)): 바탕이 되는 게이트를 바꾸면 결과도 바뀝니다.")
def xor_built_from_gates(student):
    """XOR_gate is AND(NAND(x1, x2), OR(x1, x2)): it changes when the gates it is built from change."""
    nand, or_ = truth_tables(student, "NAND_gate", "OR_gate")
    with student.patched("OR_gate", ONE):
        # With OR forced to 1, AND(NAND, OR) is NAND itself.
        if truth_table(student, "XOR_gate") != nand:
            raise CheckFailed("XOR_gate does not follow OR_gate: when OR_gate is replaced, XOR_gate still gives "
                              "its own answers — build XOR from the gates (AND(NAND(x1, x2), OR(x1, x2))) "
                              "instead of a lookup table", mistake="xor_lookup_table")
    with student.patched("NAND_gate", ONE):
        if truth_table(student, "XOR_gate") != or_:
            raise CheckFailed("XOR_gate does not follow NAND_gate: build XOR as AND(NAND(x1, x2), OR(x1, x2))",
                              mistake="xor_lookup_table")


def separable_data(rng, d, n):
    """Points with a margin around a random hyperplane that does not pass through the origin."""
    w_true = rng.normal(size=d)
    w_true /= np.linalg.norm(w_true)
    b_true = float(rng.uniform(1.0, 2.0) * rng.choice([-1, 1]))
    points = []
    while len(points) < n:
        x = rng.uniform(-4, 4, size=d)
        if abs(np.dot(w_true, x) + b_true) > 0.4:
            points.append(x)
    X = np.round(np.array(points), 3)
    y = np.where(X @ w_true + b_true > 0, 1.0, -1.0)
    return X, y


@check(points=3, hidden=True, title_ko="2~6차원의 선형 분리 가능한 무작위 데이터에서 train_perceptron이 모든 점을 올바르게 분류합니다.")
def trains_on_separable_data(student, rng):
    """train_perceptron on random linearly separable data in 2–6 dimensions separates every point."""
    cases, batch = [], student.batch()  # the five runs in one round trip, each with X and y as they are after it
    for case in range(5):
        d = int(rng.integers(2, 7))
        X, y = separable_data(rng, d, int(rng.integers(10, 30)))
        cases.append((d, X, y))
        batch.call_seeing_inputs(student.train_perceptron, X, y, max_epochs=1000)
    for case, ((d, X, y), (value, after, _)) in enumerate(zip(cases, batch.results())):
        call = f"case {case + 1}: train_perceptron(X of shape {X.shape}, y, max_epochs=1000)"
        w, b, converged = expect_training_result(value, d, call)
        margins = y * (X @ w + b)
        wrong = int(np.sum(margins <= 0))
        if wrong:
            raise CheckFailed(f"{call}: the returned (w, b) misclassifies {wrong} of {len(y)} points "
                              f"(y·(w·x + b) ≤ 0)")
        if not converged:
            raise CheckFailed(f"{call}: the data is separable and (w, b) separates it, but converged is False",
                              mistake="never_converges")
        expect_unchanged(X, after[0], what="X")
        expect_unchanged(y, after[1], what="y")


@check(points=2, hidden=True, title_ko="XOR 데이터(선형 분리 불가능)에서 train_perceptron은 max_epochs 뒤 converged=False로 멈춥니다.")
def xor_data_does_not_converge(student):
    """On XOR data (not linearly separable) train_perceptron stops after max_epochs with converged=False."""
    X = AND_X
    y = np.array([-1, 1, 1, -1], dtype=float)
    w, b, converged = expect_training_result(student.train_perceptron(X, y, max_epochs=50), 2,
                                             "train_perceptron(XOR data, max_epochs=50)")
    if converged:
        raise CheckFailed("train_perceptron(XOR data): converged is True, but no line separates XOR's points")


@check(points=1, hidden=True, title_ko="train_perceptron이 학습 규칙대로의 (w, b)를 정확히 돌려줍니다: 0에서 시작, 점을 차례로 훑는 패스.")
def follows_the_learning_rule(student, rng, reference):
    """train_perceptron gives exactly the rule's (w, b): start at 0, passes over the points in order."""
    cases, batch = [], student.batch()  # the three runs in one round trip, judged in order
    for case in range(3):
        d = int(rng.integers(2, 5))
        X, y = separable_data(rng, d, int(rng.integers(8, 20)))
        cases.append((d, X, y))
        batch.call(student.train_perceptron, X, y, max_epochs=1000)
    for case, ((d, X, y), result) in enumerate(zip(cases, batch.results())):
        what = f"case {case + 1}: train_perceptron(X of shape {X.shape}, y)"
        w, b, _converged = expect_training_result(result, d, what)
        expect_learning_rule(w, b, None, X, y, 1000, reference, what)
