"""Grader for ex01_perceptron: perceptron gates and the perceptron learning rule.

Public checks: the four truth tables, the lecture's sign-perceptrons, the
boundary rule (a sum of exactly 0 gives 0) and the training run on the AND
data.  Hidden checks: random real perceptrons against the reference, XOR
really built from the three gates (the file is loaded afresh with other truth
tables written into the gates' definitions, and XOR must follow them, which a
lookup table cannot do; a file whose text alone decides that, XOR_gate written as
AND(NAND(x1, x2), OR(x1, x2)) and nothing run at load time, is judged from its
text: xor_composed_as_written), training on
random linearly separable data and on XOR data.  Expected values are the
reference solution's and the truth tables'; no TensorFlow.  A check's calls go
to the sandbox in one round trip where they can (``student.batch()``), their
values judged in the order of the calls, as if each had been made alone.
"""

import itertools

import numpy as np

from dlgrade.grading import CheckFailed, check, expect_close, expect_equal, expect_unchanged, with_definitions
from dlgrade.grading.compare import describe
from dlgrade.messages import say

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


def bit(value):
    """The 0 or 1 a perceptron or gate answered, whatever numeric type carried it (1, 1.0, True,
    numpy.int64, numpy.bool_), or None.  The exercise's type policy: the value checks judge
    values alone; that the value is an int is returns_int's business, so a right value of
    the wrong type is reported there once, not as wrong truth tables everywhere."""
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)) and float(value) in (0.0, 1.0):
        return int(float(value))
    return None


def expect_bit(got, want, *, what, mistake=None):
    """A perceptron's answer equal to ``want`` (0 or 1) in value; its type is not judged here."""
    value = bit(got)
    expect_equal(got if value is None else value, want, what=what, mistake=mistake)


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


NOT_ONE_PERCEPTRON = ((0, 1, 1, 0), (1, 0, 0, 1))  #: the two tables of two inputs no line separates


def expect_table(student, gate, mistake=None):
    got = truth_table(student, gate)
    bits = tuple(bit(v) for v in got)
    if mistake is None and gate != "XOR_gate" and None not in bits and bits not in NOT_ONE_PERCEPTRON:
        # Answers of 0 and 1, the wrong ones, that some one perceptron gives: the gate's
        # weights or bias.  XOR's and XNOR's tables come from no weights at all.
        mistake = "wrong_gate_weights"
    for (x1, x2), value, want in zip(INPUTS, got, TABLES[gate]):
        expect_bit(value, want, what=f"{gate}({x1}, {x2})", mistake=mistake)


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
        expect_bit(got, want, what=f"{label}: perceptron(x=[{x1}, {x2}], w=[3, 3], b={bias:g})")


@check(points=1, title_ko="w·x + b가 정확히 0이면 perceptron은 0을, 0보다 조금이라도 크면 1을 돌려줍니다 (강의의 규칙: ≤ 0 → 0).")
def boundary_gives_zero(student):
    """perceptron gives 0 when w·x + b is exactly 0 and 1 just above it (the lecture's rule: ≤ 0 → 0)."""
    # The sums just above 0 make the check count only with a real perceptron: one that
    # always answers 0 has the boundary right and nothing else.
    cases = ((np.array([1.0, 1.0]), np.array([0.5, 0.5]), -1.0, 0), (np.array([2.0, -1.0]), np.array([0.0, 0.0]), 0.0, 0),
             (np.array([1.0, 1.0]), np.array([0.5, 0.5]), -0.75, 1), (np.array([2.0, -1.0]), np.array([0.25, 0.0]), 0.0, 1))
    batch = student.batch()  # the calls in one round trip, judged in order
    for x, w, b, _want in cases:
        batch.call(student.perceptron, x, w, b)
    for (x, w, b, want), got in zip(cases, batch.results()):
        if want == 0 and bit(got) == 1:
            raise CheckFailed(f"perceptron(x={x.tolist()}, w={w.tolist()}, b={b:g}): w·x + b = 0 must give 0, got 1 "
                              "(use > 0, not >= 0)", mistake="ge_instead_of_gt")
        expect_bit(got, want, what=f"perceptron(x={x.tolist()}, w={w.tolist()}, b={b:g})")


@check(points=1, hidden=True, title_ko="perceptron과 게이트는 int(1 또는 0)를 돌려줍니다: 값이 맞아도 1.0, True, numpy.bool_이면 여기서 한 번만 알려 줍니다.")
def returns_int(student, rng, reference):
    """perceptron and the gates return an int (1 or 0): a right value of another type (1.0, True, numpy.bool_) is reported here, once."""
    calls = []
    for _ in range(4):
        n = int(rng.integers(1, 6))
        x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        calls.append(("perceptron", (x, w, b), reference.perceptron(x, w, b)))
    calls += [(gate, inputs, want) for gate in ("AND_gate", "NAND_gate", "OR_gate", "XOR_gate")
              for inputs, want in zip(INPUTS, TABLES[gate])]
    functions = student.functions_until_missing([name for name, _args, _want in calls])
    batch = student.batch()
    for function, (_name, args, _want) in zip(functions, calls):
        batch.call(function, *args)
    results = batch.results()
    for i, (name, args, want) in enumerate(calls):
        got = next(results) if i < len(functions) else getattr(student, name)(*args)
        what = f"{name}(x, w, b) with {len(args[0])} inputs" if name == "perceptron" else f"{name}{args}"
        expect_bit(got, want, what=what)  # the type counts only with the right value
        if not isinstance(got, (int, np.integer)) or isinstance(got, (bool, np.bool_)):
            raise CheckFailed(f"{what}: " + say("feedback.wrong_type", "en", kind="an int", want=want,
                                                 got=f"{describe(got)} {got!r}"), mistake="wrong_return_type")


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


@check(points=1, hidden=True, title_ko="길이가 제각각인 무작위 실수 입력으로 perceptron (가중합이 정확히 0인 경우 포함), x와 w는 그대로.")
def random_perceptron(student, rng, reference):
    """perceptron on random real inputs of random length, including sums that are exactly 0; x and w left unchanged."""
    cases, batch = [], student.batch()  # all twenty calls in one round trip
    for case in range(20):
        n = int(rng.integers(1, 8))
        if case % 4 == 3:  # small integers make w·x + b = 0 likely
            x, w = rng.integers(-2, 3, n).astype(float), rng.integers(-2, 3, n).astype(float)
            b = float(-np.dot(w, x)) if case % 8 == 3 else float(rng.integers(-2, 3))
        else:
            x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        cases.append((x, w, b))
        batch.call_seeing_inputs(student.perceptron, x, w, b)
    for case, ((x, w, b), (got, after, _)) in enumerate(zip(cases, batch.results())):
        what = f"case {case + 1}: perceptron(x, w, b) with {len(x)} inputs"
        expect_bit(got, reference.perceptron(x, w, b), what=what)
        expect_unchanged(x, after[0], what=f"{what}: x")
        expect_unchanged(w, after[1], what=f"{what}: w")


GATES = ("AND_gate", "NAND_gate", "OR_gate")


def composed(tables):
    """XOR_gate's truth table when it is AND(NAND(x1, x2), OR(x1, x2)) of gates with these tables."""
    AND, NAND, OR = (tables[g] for g in GATES)
    return tuple(AND[2 * NAND[i] + OR[i]] for i in range(4))


def gate_variants(rng, count=1):
    """``count`` sets of truth tables for the three gates, every table unlike the real gate's:
    under each, XOR built from the gates gives a table that is neither constant nor XOR's own;
    and for every gate some set gives a different XOR if that gate alone kept its real table
    (so an XOR that bypasses any one gate is caught).  One set does all that (each costs a
    fresh child), and one is found in well under a millisecond."""
    while True:
        variants = []
        for _ in range(count):
            tables = {g: tuple(int(v) for v in rng.integers(0, 2, 4)) for g in GATES}
            if any(tables[g] == TABLES[g] for g in GATES):
                break
            table = composed(tables)
            if len(set(table)) == 1 or table == TABLES["XOR_gate"]:
                break
            variants.append(tables)
        if len(variants) < count:
            continue
        bypassed = [composed({**v, g: TABLES[g]}) for v in variants for g in GATES]
        if all(any(composed({**v, g: TABLES[g]}) != composed(v) for v in variants) for g in GATES) \
                and TABLES["XOR_gate"] not in bypassed:
            # ... and no bypass gives XOR's own table, so a lookup table and a bypassed gate
            # never answer alike: the mistake named is the one whose answer the student's is.
            return variants


def with_gate_tables(source, tables):
    """The student's source with every top-level definition of the three gates replaced by a
    lookup of ``tables`` — the rest exactly as written, line numbers kept — or None when the
    source does not parse (its failure is reported by the other checks)."""
    return with_definitions(source, {name: gate_lookup(name, table) for name, table in tables.items()})


#: XOR over the gates as the lecture builds it: AND of NAND and OR of the inputs, in this order.
COMPOSITION = ("AND_gate", ("NAND_gate", 0, 1), ("OR_gate", 0, 1))


def xor_composed_as_written(source):
    """Whether the file, loaded with any truth tables for the three gates (with_gate_tables),
    is bound to give XOR_gate(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)) of those tables, as
    its text alone shows: XOR_gate's body is straight-line code composing the gates exactly
    so (``return AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2))``, or through local names as
    the textbook writes it), and nothing in the file runs at load time or rebinds a gate or
    XOR_gate (only a docstring, NumPy imports, literal constants that call nothing — not even
    ``set()`` — and undecorated functions, none named __…__, whose defaults are such literals
    and whose annotations literals or names), and compiling it warns
    of nothing.  Then loading the variant runs no code of the file but XOR_gate's own lines
    and prints nothing, and a fresh child would only confirm it; anything else (False) is
    loaded and judged in a fresh child."""
    import ast

    import warnings

    if source.startswith("# dlgrade-source:"):  # a notebook's cells run one by one: loaded
        return False
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        try:
            tree = compile(source, "<submission>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            compile(tree, "<submission>", "exec", dont_inherit=True)
        except Exception:  # noqa: BLE001  (whatever stops compiling it: loaded, the child says what)
            return False
    if raised:  # a fresh child compiling it would print the warnings again
        return False
    names = set(GATES) | {"XOR_gate"}
    defined = {}
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.Import) and all(a.name == "numpy" or a.name.startswith("numpy.") for a in node.names):
            if any((a.asname or a.name.split(".")[0]) in names or (a.asname or "").startswith("__")
                   for a in node.names):
                return False
            continue
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id not in names
                                                and not t.id.startswith("__") for t in node.targets):
            if not _inert_literal(node.value):
                return False
            continue
        if isinstance(node, ast.FunctionDef) and not node.decorator_list and _inert_signature(node) \
                and not node.name.startswith("__"):
            if node.name in defined:
                return False
            defined[node.name] = node
            continue
        return False
    if not names <= set(defined):
        return False
    for node in ast.walk(tree):  # nothing anywhere rebinds the four names
        if isinstance(node, ast.Name) and node.id in names and not isinstance(node.ctx, ast.Load):
            return False
        if isinstance(node, (ast.Global, ast.Nonlocal)) and names & set(node.names):
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names \
                and defined.get(node.name) is not node:
            return False
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) in names:
            return False
        if isinstance(node, ast.arg) and node.arg in names:
            return False
    return _straight_composition(defined["XOR_gate"]) == COMPOSITION


def _inert_signature(node):
    """A def whose evaluation runs nothing: defaults literals that call nothing (_inert_literal),
    annotations absent, literal or names."""
    import ast

    args = node.args
    if not all(_inert_literal(d) for d in args.defaults + [d for d in args.kw_defaults if d is not None]):
        return False
    annotations = [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs] + [node.returns]
    annotations += [a.annotation for a in (args.vararg, args.kwarg) if a is not None]
    return all(a is None or isinstance(a, (ast.Constant, ast.Name)) for a in annotations)


def _inert_literal(node):
    """A literal whose evaluation calls nothing: constants, containers of them, signed and
    complex numbers.  ast.literal_eval alone also reads ``set()``, which, run, calls whatever
    ``set`` names in the module — a def of the file's own, say."""
    import ast

    try:
        ast.literal_eval(node)
    except Exception:  # noqa: BLE001  (not a literal, or not one it can read)
        return False
    return not any(isinstance(n, (ast.Call, ast.Name, ast.Attribute)) for n in ast.walk(node))


def _straight_composition(node):
    """XOR_gate's result as a term over its two parameters (0 and 1) and gate calls —
    (gate, term, term) — when its body is only local assignments of gate calls and a return;
    else None."""
    import ast

    args = node.args
    if args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or args.defaults or len(args.args) != 2:
        return None
    terms = {args.args[0].arg: 0, args.args[1].arg: 1}

    def term(expr):
        if isinstance(expr, ast.Name):
            return terms.get(expr.id)
        if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in GATES
                and not expr.keywords and len(expr.args) == 2):
            inner = [term(a) for a in expr.args]
            return None if None in inner else (expr.func.id, *inner)
        return None

    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    for statement in body[:-1]:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id not in terms):
            return None
        value = term(statement.value)
        if value is None:
            return None
        terms[statement.targets[0].id] = value
    return term(body[-1].value)


def gate_lookup(name, table):
    return (f"def {name}(x1, x2, *args, **kwargs): "
            f"return {table!r}[(1 if x1 > 0.5 else 0) * 2 + (1 if x2 > 0.5 else 0)]")


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


def xor_data(rng):
    """XOR's four points, each moved a little and visited in a random order (still no line
    separates them), with a pass count after which the rule's (w, b) is not (0, 0): the
    textbook's XOR data in its textbook order comes back to w = 0, b = 0 after every pass,
    which code that never trains returns too."""
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    labels = np.array([-1, 1, 1, -1], dtype=float)
    while True:
        order = rng.permutation(4)
        X = np.round(corners[order] + rng.uniform(-0.2, 0.2, size=(4, 2)), 2)
        y = labels[order]
        max_epochs = int(rng.integers(20, 60))
        w, b = train_variant(X, y, max_epochs)
        if np.any(w != 0) or b != 0:
            return X, y, max_epochs


@check(points=2, hidden=True, title_ko="XOR 데이터(선형 분리 불가능)에서 train_perceptron은 max_epochs 뒤 converged=False와 학습 규칙대로의 (w, b)로 멈춥니다.")
def xor_data_does_not_converge(student, rng, reference):
    """On XOR data (not linearly separable) train_perceptron stops after max_epochs with converged=False and the rule's (w, b)."""
    X, y, max_epochs = xor_data(rng)
    what = f"train_perceptron(XOR data, max_epochs={max_epochs})"
    w, b, converged = expect_training_result(student.train_perceptron(X, y, max_epochs=max_epochs), 2, what)
    if converged:
        raise CheckFailed(f"{what}: converged is True, but no line separates XOR's points")
    # Not converging counts only with the (w, b) that max_epochs passes of the rule leave:
    # code that returns (0, 0, False) without training does not converge either.
    expect_learning_rule(w, b, None, X, y, max_epochs, reference, what)


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


# Last: it loads the file afresh with other gate tables (a fresh child, unless the file's
# text decides), and the checks after it would need the student's own file loaded again.
@check(points=2, hidden=True, title_ko="XOR_gate = AND(NAND(x1, x2), OR(x1, x2)): 진리표가 맞고, 게이트의 진리표가 다르면 그 게이트를 따라 바뀝니다.")
def xor_built_from_gates(student, rng):
    """XOR_gate is AND(NAND(x1, x2), OR(x1, x2)): its truth table is right, and follows the gates when theirs change."""
    expect_table(student, "XOR_gate")  # the property counts only with the right table
    as_written = xor_composed_as_written(student.source)
    for tables in gate_variants(rng):
        if as_written:  # loaded with these tables, the file can only give composed(tables)
            continue
        # The file loaded afresh with other truth tables for the three gates, nothing patched
        # into a running module: an XOR over the gates now gives AND(NAND, OR) of these tables.
        variant = with_gate_tables(student.source, tables)
        if variant is None:
            raise CheckFailed("XOR_gate cannot be judged: the file does not parse")
        with student.loaded_from(variant):
            got = truth_table(student, "XOR_gate")
        if got == composed(tables):
            continue
        if got == TABLES["XOR_gate"]:
            raise CheckFailed("XOR_gate does not follow the gates: when AND_gate, NAND_gate and OR_gate are given "
                              "other truth tables, XOR_gate still gives its own answers — build XOR from the gates "
                              "(AND(NAND(x1, x2), OR(x1, x2))) instead of a lookup table", mistake="xor_lookup_table")
        for gate in GATES:  # named only when XOR with that gate alone kept real gives exactly this table
            if got == composed({**tables, gate: TABLES[gate]}):
                raise CheckFailed(f"XOR_gate does not call {gate}: when the gates are given other truth tables, "
                                  f"XOR_gate follows the others but computes {gate[:-5]} its own way — call "
                                  f"{gate} itself", mistake="xor_bypasses_gate")
        raise CheckFailed("XOR_gate is not AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2)): when the three gates are "
                          "given other truth tables, XOR_gate does not give AND of NAND and OR of them")
