"""Self-checks of ex01_perceptron: structure and invariants, no graded answers.

They ship in the student bundle and run with ``dlgrade check`` at home: XOR_gate must
follow the gates it is built from when your file is loaded with other truth tables for
them (a lookup table does not; nothing is patched into your running module); perceptron
and the gates answer with an int, as the statement says; whatever
train_perceptron returns must be what the learning rule can produce, w = Σ c_k·y_k·x_k and
b = Σ c_k·y_k with whole counts c_k ≥ 0 of updates (it starts from 0 and only adds
y_k·x_k and y_k), separating the points when it says it converged; a perceptron's
answer does not change when w and b are scaled by the same positive number.  None of
them knows the answer to a graded problem, so passing them is not full marks: the
hidden checks decide that at grading time.
"""

import itertools

import numpy as np

from dlgrade.grading import CheckFailed, describe, self_check, with_definitions

INPUTS = list(itertools.product((0, 1), repeat=2))
GATES = ("AND_gate", "NAND_gate", "OR_gate")


def table(student, gate):
    batch = student.batch()
    function = getattr(student, gate)
    items = [batch.call(function, x1, x2) for x1, x2 in INPUTS]
    values = batch.run()
    return tuple(values[item] for item in items)


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


def is_int(value):
    """The statement's type policy: perceptron and the gates return an int (NumPy's integers
    pass), not a float such as 1.0 nor a bool such as True or numpy.bool_."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


@self_check(title_ko="perceptron과 게이트는 int(1 또는 0)를 돌려줍니다: 1.0 같은 실수나 True 같은 bool이 아닙니다.")
def answers_are_ints(student, rng):
    """perceptron and the gates answer with an int (1 or 0): not a float such as 1.0, nor a bool such as True."""
    batch, asked = student.batch(), []
    for _ in range(4):
        n = int(rng.integers(1, 5))
        x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        asked.append((f"perceptron(x, w, b) with {n} inputs", batch.call(student.perceptron, x, w, b)))
    for gate in (*GATES, "XOR_gate"):
        function = getattr(student, gate)
        asked += [(f"{gate}({x1}, {x2})", batch.call(function, x1, x2)) for x1, x2 in INPUTS]
    values = batch.in_order()
    wrong = [f"{what} returned {describe(values[item])} {values[item]!r}" for what, item in asked
             if not is_int(values[item])]
    if wrong:
        more = f"\n  … and {len(wrong) - 6} more" if len(wrong) > 6 else ""
        raise CheckFailed("perceptron and the gates must return an int, 1 or 0 (return the literals 1 and 0, not "
                          "1.0 or a comparison's True)\n  " + "\n  ".join(wrong[:6]) + more,
                          mistake="wrong_return_type")


def bit(value):
    """The 0 or 1 a gate answered, whatever numeric type carried it, or None (its type is
    answers_are_ints' business)."""
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)) and float(value) in (0.0, 1.0):
        return int(float(value))
    return None


def composed(tables):
    """XOR_gate's truth table when it is AND(NAND(x1, x2), OR(x1, x2)) of gates with these tables."""
    AND, NAND, OR = (tables[g] for g in GATES)
    return tuple(AND[2 * NAND[i] + OR[i]] for i in range(4))


def other_tables(rng, own):
    """Truth tables for the three gates, each unlike your own gate's, under which XOR built
    from them gives a table that is neither constant nor your XOR's own, and differs when
    any one gate keeps its own table (so an XOR that computes one gate its own way shows)."""
    best = None
    for _ in range(500):
        tables = {g: tuple(int(v) for v in rng.integers(0, 2, 4)) for g in GATES}
        if any(tables[g] == own[g] for g in GATES):
            continue
        table = composed(tables)
        if len(set(table)) == 1 or table == own["XOR_gate"]:
            continue
        best = best or tables
        bypassed = [composed({**tables, g: own[g]}) for g in GATES]
        if table not in bypassed and own["XOR_gate"] not in bypassed:
            return tables
    return best


def gate_lookup(name, table):
    return (f"def {name}(x1, x2, *args, **kwargs): "
            f"return {table!r}[(1 if x1 > 0.5 else 0) * 2 + (1 if x2 > 0.5 else 0)]")


@self_check(title_ko="XOR_gate는 여러분의 NAND_gate, OR_gate, AND_gate로 만들어집니다: 세 게이트를 다른 진리표로 바꿔 쓴 파일에서 XOR도 AND(NAND, OR)를 따라 바뀝니다.")
def xor_follows_your_gates(student, rng):
    """XOR_gate is built from your gates: loaded with other truth tables for them, it gives AND(NAND, OR) of those."""
    own = {}
    for gate in (*GATES, "XOR_gate"):
        got = table(student, gate)
        if None in map(bit, got):
            raise CheckFailed(f"{gate} must answer 0 or 1 for the inputs 0 and 1, got {[describe(v) for v in got]}")
        own[gate] = tuple(map(bit, got))
    tables = other_tables(rng, own)
    if tables is None:
        return  # no other tables tell XOR over these gates from a table of its own (gates that are constant)
    variant = with_definitions(student.source, {g: gate_lookup(g, tables[g]) for g in GATES})
    if variant is None:
        raise CheckFailed("XOR_gate cannot be judged: the file does not parse")
    with student.loaded_from(variant):
        got = table(student, "XOR_gate")
    got = tuple(v if bit(v) is None else bit(v) for v in got)
    shown = ", ".join(f"{g} = {tables[g]}" for g in GATES)
    if got == composed(tables):
        return
    if got == own["XOR_gate"]:
        raise CheckFailed(f"XOR_gate does not follow the gates: with your file loaded with other truth tables for the "
                          f"gates ({shown}, answers for (0,0), (0,1), (1,0), (1,1)), XOR_gate still gives its own "
                          f"answers {got} instead of AND(NAND, OR) of them, {composed(tables)} — build XOR as "
                          "AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2)) instead of a lookup table",
                          mistake="xor_lookup_table")
    for gate in GATES:
        if got == composed({**tables, gate: own[gate]}):
            raise CheckFailed(f"XOR_gate does not call {gate}: with your file loaded with other truth tables for the "
                              f"gates ({shown}), XOR_gate follows the others but computes {gate[:-5]} its own way — "
                              f"call {gate} itself", mistake="xor_bypasses_gate")
    raise CheckFailed(f"XOR_gate is not AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2)): with your file loaded with other "
                      f"truth tables for the gates ({shown}), XOR_gate gives {got}, not AND(NAND, OR) of them, "
                      f"{composed(tables)}")
