"""Grader for ex02_backprop: backpropagation on the 2-2-2 worked example.

Public checks are the lecture's worked example (h, o, E, dW2, dW1, the updated
weights and E after the step) and a few sigmoid values; expected values come
from the reference solution in float64 (tests/test_ex02_oracle.py pins them to
the lecture's printed digits).  Hidden checks draw random sizes (1–6 inputs,
hidden units and outputs) and values from the run's seed and compare:
forward, loss and the gradients with the reference solution in float64
(TensorFlow is not used at grading time: tests/test_ex02_oracle.py proves, on
the cases random_case draws, that the reference's gradients are GradientTape's
through the same computation); the gradients also with central differences of
the student's own loss(forward(...)); train_step with W − lr·dW; and that no
function modifies its arguments.  Calls whose arguments are known in advance,
or are earlier calls' values (train_step's weights into forward, its o into
loss), go to the sandbox in one round trip (student.batch()) and are judged
one by one, in order.
"""

import numpy as np

from dlgrade.grading import CheckFailed, check, compare, describe, expect_close, expect_unchanged, matches
from dlgrade.sandbox import StudentCodeError

# The student bundle (dlgrade release) replays these helpers' recorded answers instead of
# shipping their bodies: each is a working implementation of part of the exercise.
RELEASE_SEALED = ("sigmoid", "_backprop")

# The lecture's example.
X = np.array([0.1, 0.2])
T = np.array([0.4, 0.6])
W1 = np.array([[0.3, 0.25], [0.4, 0.35]])
W2 = np.array([[0.45, 0.4], [0.7, 0.6]])
LR = 0.5
SIGMOID_Z = np.array([-30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0])


# ----------------------------------------------------------------------------- helpers
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def random_case(rng):
    """x, t, W1, W2 of random sizes; t inside (0, 1), where a sigmoid output can reach it."""
    n_in, n_hidden, n_out = (int(n) for n in rng.integers(1, 7, size=3))
    x = rng.normal(size=n_in)
    t = rng.uniform(0.05, 0.95, size=n_out)
    return x, t, rng.normal(size=(n_hidden, n_in)), rng.normal(size=(n_out, n_hidden))


def shapes(x, t, W1, W2):
    return f"x {x.shape}, t {t.shape}, W1 {W1.shape}, W2 {W2.shape}"


def calls_seeing_inputs(student, calls):
    """(value, the arguments after the call, the keyword arguments after it) of each of ``calls``
    ([(student function name, args, kwargs)], arguments known in advance), taken one by one from
    one round trip; from a name that cannot be queued on (Student.functions_until_missing), one
    call per round trip, as each call alone would go."""
    functions = student.functions_until_missing([name for name, _args, _kwargs in calls])
    batch = student.batch()
    for function, (_name, args, kwargs) in zip(functions, calls):
        batch.call_seeing_inputs(function, *args, **kwargs)
    yield from batch.results()
    for name, args, kwargs in calls[len(functions):]:
        yield getattr(student, name).call(args, kwargs, inputs_after=True)


FAILED = object()  #: what ``taken`` gives for a batched call that raised


def taken(results, references=0):
    """The next call's value from ``results`` (Batch.results()), after the values of ``references``
    items that reach into an earlier value (``step[0]``); FAILED if one of them raised."""
    try:
        for _ in range(references):
            next(results)
        return next(results)
    except StudentCodeError:
        return FAILED


def is_pair(value):
    return isinstance(value, (tuple, list)) and len(value) == 2


def unpack_pair(value, what, names):
    """A returned pair (tuple or list of two), or a clear failure."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what}: expected a tuple {names}, got {describe(value)}")
    return value


def close(got, expected):
    return matches(got, expected)


def where_largest(got, expected):
    """Max-norm relative error and the index of the largest absolute difference (shapes equal)."""
    diff = np.abs(np.asarray(got, dtype=float) - expected)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
    return float(diff.max()) / max(float(np.abs(expected).max()), 1e-300), index


def _backprop(x, t, W1, W2, hidden_act=None, output_act=None, hidden_slope=True, output_slope=True):
    """The lecture's backward pass with pieces swapped out, to recognise what a wrong answer computed."""
    h = (hidden_act or sigmoid)(W1 @ x)
    o = (output_act or sigmoid)(W2 @ h)
    d_out = (o - t) * (o * (1 - o) if output_slope else 1.0)
    d_hidden = (W2.T @ d_out) * (h * (1 - h) if hidden_slope else 1.0)
    return np.outer(d_hidden, x), np.outer(d_out, h)


MISSING_SLOPE = ("missing_sigmoid_derivative",
                 "the gradient lacks a sigmoid derivative: o·(1 − o) at the output, h·(1 − h) in the hidden layer")


def gradient_alternatives(x, t, W1, W2):
    """What classic mistakes give for dW1 and dW2: name → [(value, mistake key, explanation)]."""
    dW1, dW2 = _backprop(x, t, W1, W2)
    wrong = {"dW1": [], "dW2": []}
    for kwargs, key, text in (
            ({"hidden_slope": False}, *MISSING_SLOPE), ({"output_slope": False}, *MISSING_SLOPE),
            ({"hidden_slope": False, "output_slope": False}, *MISSING_SLOPE),
            ({"output_act": lambda z: z}, "missing_output_activation",
             "your o = W2 @ h has no sigmoid, and backward used that o: the output is o = sigmoid(W2 @ h)"),
            ({"hidden_act": lambda z: sigmoid(-z), "output_act": lambda z: sigmoid(-z)}, "sigmoid_sign",
             "your sigmoid computes 1 / (1 + exp(z)): sigmoid(z) = 1 / (1 + exp(−z))")):
        alt1, alt2 = _backprop(x, t, W1, W2, **kwargs)
        for name, alt, right in (("dW1", alt1, dW1), ("dW2", alt2, dW2)):
            if not close(alt, right):  # e.g. the hidden σ' does not enter dW2
                wrong[name].append((alt, key, text))
    for name, grad, inputs in (("dW1", dW1, "np.outer(δ_hidden, x)"), ("dW2", dW2, "np.outer(δ_out, h)")):
        wrong[name] += [
            (grad.T, "transposed_gradient", f"{name} is transposed: it is {inputs}, shaped like the weights"),
            (2 * grad, "wrong_loss_factor", f"{name} is twice the gradient of E = ½ Σ (t − o)²: the ½ cancels the 2"),
            (-grad, None, f"{name} has the wrong sign: ∂E/∂o = o − t, not t − o")]
    return wrong


def alternatives_of(x, t, W1, W2, name):
    """gradient_alternatives(...)[name] as a callable, computed only when a wrong value needs it."""
    return lambda: gradient_alternatives(x, t, W1, W2)[name]


def recognise(got, alternatives):
    """(mistake key, explanation) of the first alternative that ``got`` equals, else (None, None);
    ``alternatives`` is a list or a callable returning one."""
    for alt, key, text in (alternatives() if callable(alternatives) else alternatives):
        if isinstance(got, np.ndarray) and got.shape == alt.shape and close(got, alt):
            return key, text
    return None, None


def expect_gradient(got, expected, name, what, alternatives=()):
    """Compare one gradient; the failure names the parameter, the relative error and where it is largest."""
    failure = compare(got, expected, what=what)
    if failure is None:
        return
    key, text = recognise(got, alternatives)
    if key is None and text is None and isinstance(got, np.ndarray) and got.ndim == 2 \
            and got.shape == expected.shape[::-1] and got.shape != expected.shape:
        key, text = "transposed_gradient", f"{name} has the shape of W's transpose: it must be shaped like the weights"
    summary = f"{name} is wrong"
    if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind in "biuf":
        rel, index = where_largest(got, expected)
        summary += f": relative error {rel:.3g} (max |difference| / max |{name}|), largest at index {index}"
    raise CheckFailed(summary + "\n" + failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def diagnose_output(got_h, got_o, x, W1, W2):
    """The mistake behind a wrong forward pass, if it is a classic one."""
    z1 = W1 @ x
    if isinstance(got_h, np.ndarray) and got_h.shape == z1.shape and close(got_h, sigmoid(-z1)):
        return "sigmoid_sign", ("h is sigmoid(−z): sigmoid(z) = 1 / (1 + exp(−z)), so sigmoid(0) = 0.5 and → 1 "
                                "for large z")
    h = sigmoid(z1)
    if isinstance(got_o, np.ndarray) and got_o.shape == (W2.shape[0],) and close(got_o, W2 @ h):
        return "missing_output_activation", "o = W2 @ h without the sigmoid: the output layer is o = sigmoid(W2 @ h)"
    return None, None


def expect_forward(value, x, W1, W2, reference, what):
    h_ref, o_ref = reference.forward(x, W1, W2)
    h, o = unpack_pair(value, what, "(h, o)")
    for got, expected, label in ((h, h_ref, "h"), (o, o_ref, "o")):
        failure = compare(got, expected, what=f"{what}: {label}")
        if failure:
            key, text = diagnose_output(h, o, x, W1, W2)
            raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def diagnose_loss(got, expected, n_out):
    try:
        ratio = float(got) / expected
    except (TypeError, ValueError, ZeroDivisionError):
        return None, None
    if abs(ratio - 2) < 1e-6:
        return "wrong_loss_factor", "the loss is Σ (t − o)² without the ½: E = ½ Σ (t − o)²"
    if n_out != 2 and abs(ratio - 2 / n_out) < 1e-6:
        return "wrong_loss_factor", "the loss is the mean of (t − o)², not ½ times the sum"
    if n_out != 1 and abs(ratio - 1 / n_out) < 1e-6:
        return "wrong_loss_factor", "the loss is ½ times the mean of (t − o)², not ½ times the sum"
    return None, None


def expect_loss(got, expected, n_out, what):
    failure = compare(got, expected, what=what)
    if failure:
        key, text = diagnose_loss(got, expected, n_out)
        raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def expect_step(got, expected, weights, lr, name, what, alternatives):
    """Compare W_new with W − lr·dW; a wrong step is diagnosed from the gradient it implies."""
    failure = compare(got, expected, what=what)
    if failure:
        key, text = None, None
        if isinstance(got, np.ndarray) and got.shape == weights.shape and got.dtype.kind == "f":
            key, text = recognise((weights - got) / lr, alternatives)
        raise CheckFailed(failure + (f"\nlikely mistake (the step's {name} = (W − W_new)/lr): {text}" if text else ""),
                          mistake=key)


def expect_weights_unchanged(before, after, names, what):
    for label, b, a in zip(names, before, after):
        try:
            expect_unchanged(b, a, what=f"{what}: argument {label}")
        except CheckFailed as failure:
            if label in ("W1", "W2"):
                raise CheckFailed(failure.message.replace("(work on a copy", "(return W - lr * dW, a new array; "
                                                          "not W -= ...; or work on a copy"),
                                  mistake="mutates_weights") from None
            raise


# ----------------------------------------------------------------------------- public checks
@check(points=1, title_ko="sigmoid(z) = 1 / (1 + exp(−z)): sigmoid(0) = 0.5, 배열에는 원소별로 적용.")
def sigmoid_values(student):
    """sigmoid(z) = 1 / (1 + exp(−z)): sigmoid(0) = 0.5, element-wise on an array."""
    results = student.in_one_round_trip([(student.sigmoid, (0.0,)), (student.sigmoid, (SIGMOID_Z,))])
    expect_close(next(results), 0.5, what="sigmoid(0.0)")
    got = next(results)
    failure = compare(got, sigmoid(SIGMOID_Z), what=f"sigmoid({SIGMOID_Z.tolist()})")
    if failure:
        flipped = isinstance(got, np.ndarray) and got.shape == SIGMOID_Z.shape and close(got, sigmoid(-SIGMOID_Z))
        raise CheckFailed(failure + ("\nlikely mistake: this is sigmoid(−z): use 1 / (1 + exp(−z))" if flipped else ""),
                          mistake="sigmoid_sign" if flipped else None)


@check(points=1, title_ko="forward(x, W1, W2): 강의의 h = (0.51998934, 0.52747230), o = (0.60944600, 0.66384491).")
def lecture_forward(student, reference):
    """forward(x, W1, W2): the lecture's h = (0.51998934, 0.52747230), o = (0.60944600, 0.66384491)."""
    expect_forward(student.forward(X, W1, W2), X, W1, W2, reference, "forward(x, W1, W2)")


@check(points=1, title_ko="loss(o, t): 강의의 E = ½ Σ (t − o)² = 0.02397190.")
def lecture_loss(student, reference):
    """loss(o, t): the lecture's E = ½ Σ (t − o)² = 0.02397190."""
    _h, o = reference.forward(X, W1, W2)
    expect_loss(student.loss(o, T), reference.loss(o, T), 2, "loss(o, t) with the lecture's o")


@check(points=2, title_ko="backward(x, t, W1, W2): 강의의 dW2 = [[0.02592286, …]], dW1 = [[0.00080888, …]].")
def lecture_backward(student, reference):
    """backward(x, t, W1, W2): the lecture's dW2 = [[0.02592286, …]] and dW1 = [[0.00080888, …]]."""
    dW1_ref, dW2_ref = reference.backward(X, T, W1, W2)
    dW1, dW2 = unpack_pair(student.backward(X, T, W1, W2), "backward(x, t, W1, W2)", "(dW1, dW2)")
    alternatives = gradient_alternatives(X, T, W1, W2)
    expect_gradient(dW2, dW2_ref, "dW2", "backward(x, t, W1, W2): dW2", alternatives["dW2"])
    expect_gradient(dW1, dW1_ref, "dW1", "backward(x, t, W1, W2): dW1", alternatives["dW1"])


@check(points=2, title_ko="train_step(x, t, W1, W2, lr=0.5): 강의의 W2_new와 W1_new, W1과 W2는 그대로.")
def lecture_train_step(student, reference):
    """train_step(x, t, W1, W2, lr=0.5): the lecture's W2_new and W1_new; W1 and W2 stay unchanged."""
    W1_new_ref, W2_new_ref = reference.train_step(X, T, W1, W2, lr=LR)
    value, after, _ = student.train_step.call((X, T, W1, W2), {"lr": LR}, inputs_after=True)
    W1_new, W2_new = unpack_pair(value, "train_step(x, t, W1, W2, lr=0.5)", "(W1_new, W2_new)")
    alternatives = gradient_alternatives(X, T, W1, W2)
    expect_step(W2_new, W2_new_ref, W2, LR, "dW2", "train_step(x, t, W1, W2, lr=0.5): W2_new", alternatives["dW2"])
    expect_step(W1_new, W1_new_ref, W1, LR, "dW1", "train_step(x, t, W1, W2, lr=0.5): W1_new", alternatives["dW1"])
    expect_weights_unchanged((X, T, W1, W2), after, ("x", "t", "W1", "W2"), "train_step")


@check(points=1, title_ko="여러분의 train_step 가중치로 loss(forward(x, W1_new, W2_new)[1], t): 강의의 E = 0.02323634.")
def lecture_loss_after_step(student, reference):
    """loss(forward(x, W1_new, W2_new)[1], t) with your train_step's weights: the lecture's E = 0.02323634."""
    W1_new_ref, W2_new_ref = reference.train_step(X, T, W1, W2, lr=LR)
    expected = reference.loss(reference.forward(X, W1_new_ref, W2_new_ref)[1], T)
    what = "E after the step: loss(forward(x, W1_new, W2_new)[1], t)"
    # One round trip: train_step, forward on the weights it returned and loss on the o that
    # gave, chained in the sandbox, the values judged in order.  A forward or loss that raised
    # or gave a wrong value is called once more on its own with the values it was passed, so
    # that feedback's "last call" shows them (the weights, o) as when each call went alone.
    functions = student.functions_until_missing(("train_step", "forward", "loss"))
    results = None
    if len(functions) == 3:
        train_step, forward, loss = functions
        batch = student.batch()
        step = batch.call(train_step, X.copy(), T.copy(), W1.copy(), W2.copy(), lr=LR)
        out = batch.call(forward, X, step[0], step[1])
        batch.call(loss, out[1], T)
        results = batch.results()
        value = next(results)
    else:
        value = student.train_step(X.copy(), T.copy(), W1.copy(), W2.copy(), lr=LR)
    W1_new, W2_new = unpack_pair(value, "train_step(x, t, W1, W2, lr=0.5)", "(W1_new, W2_new)")
    value = FAILED if results is None else taken(results, references=2)
    if value is FAILED or not is_pair(value):
        results, value = None, student.forward(X, W1_new, W2_new)
    _h, o = unpack_pair(value, "forward(x, W1_new, W2_new)", "(h, o)")
    got = FAILED if results is None else taken(results, references=1)
    if got is FAILED or compare(got, expected, what=what) is not None:
        got = student.loss(o, T)
    failure = compare(got, expected, what=what)
    if failure:
        key, text = diagnose_loss(got, expected, 2)
        if text is None and not (close(W1_new, W1_new_ref) and close(W2_new, W2_new_ref)):
            text = "the weights your train_step returned are not the lecture's W1_new, W2_new (see lecture_train_step)"
        raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


# ----------------------------------------------------------------------------- hidden checks
@check(points=2, hidden=True, title_ko="무작위 크기(입력, 은닉 뉴런, 출력 각 1~6개)와 값으로 forward를 참고 답안과 비교.")
def random_forward(student, rng, reference):
    """forward on random sizes (1–6 inputs, hidden units, outputs) and values, against the reference."""
    cases = [random_case(rng) for _ in range(6)]
    results = student.in_one_round_trip([(student.forward, (x, w1, w2)) for x, _t, w1, w2 in cases])
    for case, (x, _t, w1, w2) in enumerate(cases):
        expect_forward(next(results), x, w1, w2, reference,
                       f"case {case + 1}: forward(x, W1, W2) with {shapes(x, _t, w1, w2)}")


@check(points=1, hidden=True, title_ko="원소 1~6개인 무작위 출력과 목표값으로 loss(o, t) = ½ Σ (t − o)².")
def random_loss(student, rng, reference):
    """loss(o, t) = ½ Σ (t − o)² on random outputs and targets of 1–6 elements."""
    cases = []
    for _ in range(6):
        n = int(rng.integers(1, 7))
        cases.append((rng.uniform(size=n), rng.uniform(size=n)))
    results = student.in_one_round_trip([(student.loss, (o, t)) for o, t in cases])
    for case, (o, t) in enumerate(cases):
        expect_loss(next(results), reference.loss(o, t), t.size, f"case {case + 1}: loss(o, t) with {t.size} outputs")


# The expected gradients are the reference's backward in float64: tests/test_ex02_oracle.py
# proves them equal to TensorFlow's GradientTape on this check's own cases (max |difference|
# ≤ 1e-12·max|dW|, a thousandth of the float64 tolerance), and that the reference computed
# in float32 passes at the float32 tolerance, so no TensorFlow runs at grading time.
@check(points=3, hidden=True, title_ko="무작위 크기와 값으로 backward를 TensorFlow GradientTape 자동 미분(float64)과 비교.")
def gradients_match_autodiff(student, rng, reference):
    """backward on random sizes and values against TensorFlow's GradientTape (float64)."""
    cases = [random_case(rng) for _ in range(6)]
    results = student.in_one_round_trip([(student.backward, case) for case in cases])
    for case, (x, t, w1, w2) in enumerate(cases):
        dW1_ref, dW2_ref = reference.backward(x, t, w1, w2)
        what = f"case {case + 1}: backward(x, t, W1, W2) with {shapes(x, t, w1, w2)}"
        dW1, dW2 = unpack_pair(next(results), what, "(dW1, dW2)")
        expect_gradient(dW2, dW2_ref, "dW2", f"{what}: dW2", alternatives_of(x, t, w1, w2, "dW2"))
        expect_gradient(dW1, dW1_ref, "dW1", f"{what}: dW1", alternatives_of(x, t, w1, w2, "dW1"))


# Central differences of the student's own loss(forward(...)).  Each entry costs four
# sandbox calls (forward and loss at W ± ε), so matrices of more than FD_ENTRIES
# entries are probed at FD_ENTRIES random entries.  An entry passes when
#     |dW − fd| ≤ FD_RTOL·max|fd| + FD_FLOOR·max(E, 1)/ε,
# the second term bounding the roundoff of a difference quotient of E.  Step and
# tolerance follow the dtype of the student's o.  Measured with the reference solution
# over 2000 random cases of random_case, every entry probed: float64 with ε = 1e-5,
# |dW − fd|·ε/max(E, 1) ≤ 2.4e-16 (roundoff; the truncation ε²·E‴/6 is below it), so
# FD_FLOOR = 1e-14 leaves a 40× margin and no case needs any FD_RTOL (1e-6 is kept for
# larger E‴); float32 (o computed in float32) with ε = 1e-2: ≤ 2.2e-7, FD_FLOOR = 1e-6.
# The mistakes this check exists for (a factor 2, a missing σ', a transposed or
# sign-flipped gradient, backward disagreeing with forward) are off by a sizeable
# fraction of the gradient, typically 1e-3 to 1e-1 in absolute terms.
FD_ENTRIES = 6
FD_STEP = {"float64": 1e-5, "float32": 1e-2}
FD_RTOL = {"float64": 1e-6, "float32": 1e-2}
FD_FLOOR = {"float64": 1e-14, "float32": 1e-6}


def loss_value(e, what):
    """The number loss(o, t) returned, or a clear failure."""
    if not isinstance(e, (float, int, np.floating, np.integer)) and not (isinstance(e, np.ndarray) and e.size == 1):
        raise CheckFailed(f"{what}: loss(o, t) must return a number, got {describe(e)}")
    return float(np.asarray(e))


def probed_entries(rng, shape):
    """The entries of a weight matrix that central differences probe: all, or FD_ENTRIES random ones."""
    indices = list(np.ndindex(shape))
    if len(indices) > FD_ENTRIES:
        indices = [indices[i] for i in rng.choice(len(indices), FD_ENTRIES, replace=False)]
    return indices


def queue_backward_and_forward(batch, student, x, t, w1, w2):
    batch.call(student.backward, x, t, w1, w2)
    batch.call(student.forward, x, w1, w2)


def queue_shifted_losses(batch, student, x, t, w1, w2, name, indices, eps):
    """Queue loss(forward(x, ...)[1], t) with W1 (name "dW1") or W2 shifted by +ε, then −ε, at
    each probed entry: three items per loss (forward, its [1], loss)."""
    weights = w1 if name == "dW1" else w2
    for idx in indices:
        for sign in (1, -1):
            w = weights.copy()
            w[idx] += sign * eps
            args = (w, w2) if name == "dW1" else (w1, w)
            batch.call(student.loss, batch.call(student.forward, x, *args)[1], t)


@check(points=2, hidden=True, title_ko="backward가 여러분의 loss(forward(x, W1, W2)[1], t)를 중심 차분한 값과 일치합니다.")
def gradients_match_own_finite_differences(student, rng, reference):
    """backward agrees with central differences of your own loss(forward(x, W1, W2)[1], t)."""
    cases = []
    for _ in range(3):
        x, t, w1, w2 = random_case(rng)
        cases.append(((x, t, w1, w2), {"dW2": probed_entries(rng, w2.shape), "dW1": probed_entries(rng, w1.shape)}))
    # Round trips: case 1's backward and forward; then, once forward's o has told the dtype
    # (hence ε), each case's loss(o, t) and shifted losses together with the next case's
    # backward and forward.  Values are taken in the order of the calls, each judged before
    # the next is taken: the first wrong one fails and is named as if each call went alone.
    batch = student.batch()
    queue_backward_and_forward(batch, student, *cases[0][0])
    results = batch.results()
    for case, ((x, t, w1, w2), probes) in enumerate(cases):
        what = f"case {case + 1}: backward(x, t, W1, W2) with {shapes(x, t, w1, w2)}"
        dW1, dW2 = unpack_pair(next(results), what, "(dW1, dW2)")
        at_weights = f"case {case + 1}: loss(forward(x, W1, W2)[1], t)"
        _h, o = unpack_pair(next(results), at_weights, "(h, o)")
        # Agreeing with one's own forward counts only for a forward that computes the network:
        # a forward and backward that return zeros agree perfectly.
        expect_forward((_h, o), x, w1, w2, reference, f"case {case + 1}: forward(x, W1, W2)")
        kind = "float32" if np.asarray(o).dtype == np.float32 else "float64"
        eps, rtol, floor = FD_STEP[kind], FD_RTOL[kind], FD_FLOOR[kind]
        batch = student.batch()
        batch.call(student.loss, o, t)
        for name in ("dW2", "dW1"):
            queue_shifted_losses(batch, student, x, t, w1, w2, name, probes[name], eps)
        if case + 1 < len(cases):
            queue_backward_and_forward(batch, student, *cases[case + 1][0])
        results = batch.results()
        e0 = loss_value(next(results), at_weights)
        for name, got, weights in (("dW2", dW2, w2), ("dW1", dW1, w1)):
            if not isinstance(got, np.ndarray) or got.shape != weights.shape:
                raise CheckFailed(f"{what}: {name} must be an array shaped like the weights, {weights.shape}, "
                                  f"got {describe(got)}",
                                  mistake="transposed_gradient" if isinstance(got, np.ndarray)
                                  and got.shape == weights.shape[::-1] else None)
            indices = probes[name]
            items = [next(results) for _ in range(6 * len(indices))]  # all of them, then judged
            at = f"{what}: loss(forward(...)) at {name[1:]} ± ε"
            values = [loss_value(loss, at) for loss in items[2::3]]
            fd = (np.array(values[0::2]) - np.array(values[1::2])) / (2 * eps)
            mine = np.array([float(got[idx]) for idx in indices])
            diff = np.abs(mine - fd)
            allowed = rtol * np.abs(fd).max() + floor * max(abs(e0), 1.0) / eps
            if np.all(diff <= allowed):
                continue
            worst = int(np.argmax(diff))
            rel = float(diff.max()) / max(float(np.abs(fd).max()), 1e-300)
            message = (f"{what}: {name} disagrees with central differences of your own loss(forward(x, W1, W2)[1], t) "
                       f"(ε = {eps:g}, {len(indices)} entries probed): relative error {rel:.3g} "
                       f"(max |difference| / max |difference quotient|, allowed {rtol:g}), largest at index "
                       f"{indices[worst]}")
            key, text = recognise(got, gradient_alternatives(x, t, w1, w2)[name])
            if text:
                message += f"\nlikely mistake: {text}"
            scale = np.abs(mine).max()
            if key is None and scale > 0:
                # A loss off by a constant factor makes every difference quotient that factor × dW.
                big = np.abs(mine) > 1e-3 * scale
                ratio = float(np.median(fd[big] / mine[big]))
                if np.allclose(fd[big], ratio * mine[big], rtol=1e-4, atol=allowed) and \
                        any(abs(ratio - r) < 1e-3 * r for r in (2.0, 0.5, 2.0 / t.size, 1.0 / t.size) if r != 1):
                    message += (f"\nlikely mistake: the difference quotients of your loss are {ratio:.6g} × your "
                                "gradient everywhere: loss and backward disagree by a constant factor "
                                "(E = ½ Σ (t − o)², whose gradient has ∂E/∂o = o − t)")
                    key = "wrong_loss_factor"
            raise CheckFailed(message, mistake=key)


@check(points=2, hidden=True, title_ko="무작위 크기와 학습률에서 train_step이 W − lr·dW를 돌려주고 W1, W2는 바꾸지 않습니다.")
def train_step_random(student, rng, reference):
    """train_step returns W − lr·dW on random sizes and learning rates, and leaves W1, W2 unchanged."""
    cases = []
    for _ in range(5):
        x, t, w1, w2 = random_case(rng)
        cases.append((x, t, w1, w2, float(np.round(rng.uniform(0.05, 2.0), 3))))
    results = calls_seeing_inputs(student, [("train_step", (x, t, w1, w2), {"lr": lr}) for x, t, w1, w2, lr in cases])
    for case, (x, t, w1, w2, lr) in enumerate(cases):
        dW1, dW2 = reference.backward(x, t, w1, w2)
        what = f"case {case + 1}: train_step(x, t, W1, W2, lr) with {shapes(x, t, w1, w2)}"
        value, after, _ = next(results)
        expect_weights_unchanged((x, t, w1, w2), after, ("x", "t", "W1", "W2"), what)
        W1_new, W2_new = unpack_pair(value, what, "(W1_new, W2_new)")
        expect_step(W2_new, w2 - lr * dW2, w2, lr, "dW2", f"{what}: W2_new (W2 − lr·dW2)",
                    alternatives_of(x, t, w1, w2, "dW2"))
        expect_step(W1_new, w1 - lr * dW1, w1, lr, "dW1", f"{what}: W1_new (W1 − lr·dW1)",
                    alternatives_of(x, t, w1, w2, "dW1"))


@check(points=1, hidden=True, title_ko="forward, loss, backward가 맞는 값을 돌려주고 x, t, W1, W2를 바꾸지 않습니다.")
def inputs_not_modified(student, rng, reference):
    """forward, loss and backward return the right values and leave x, t, W1 and W2 unchanged."""
    x, t, w1, w2 = random_case(rng)
    o = rng.uniform(size=t.shape)
    calls = (("forward", (x, w1, w2), ("x", "W1", "W2")), ("loss", (o, t), ("o", "t")),
             ("backward", (x, t, w1, w2), ("x", "t", "W1", "W2")))
    results = calls_seeing_inputs(student, [(name, args, {}) for name, args, _labels in calls])
    values = []
    for name, args, labels in calls:
        value, after, _ = next(results)
        for label, before, now in zip(labels, args, after):
            expect_unchanged(before, now, what=f"{name}: argument {label}")
        values.append(value)
    # Leaving the inputs alone counts only with the values: code that does nothing leaves them too.
    forward, loss, backward = values
    expect_forward(forward, x, w1, w2, reference, "forward(x, W1, W2)")
    expect_loss(loss, reference.loss(o, t), t.size, "loss(o, t)")
    dW1_ref, dW2_ref = reference.backward(x, t, w1, w2)
    dW1, dW2 = unpack_pair(backward, "backward(x, t, W1, W2)", "(dW1, dW2)")
    expect_gradient(dW2, dW2_ref, "dW2", "backward(x, t, W1, W2): dW2", alternatives_of(x, t, w1, w2, "dW2"))
    expect_gradient(dW1, dW1_ref, "dW1", "backward(x, t, W1, W2): dW1", alternatives_of(x, t, w1, w2, "dW1"))


#: The lecture's worked example as printed (8 decimals).  The public checks compare
#: with the reference solution in float64; tests/test_worked_examples.py proves the
#: reference reproduces every value here, and `dlgrade dev check` that each is listed.
LECTURE_VALUES = {
    "z_hidden": [0.08, 0.11],
    "h": [0.51998934, 0.52747230],
    "z_out": [0.44498412, 0.68047592],
    "o": [0.60944600, 0.66384491],
    "E": 0.02397190,
    "dE_do1": 0.20944600,
    "do1_dz3": 0.23802157,
    "dW2": [[0.02592286, 0.02629590], [0.00740844, 0.00751506]],
    "W2_new": [[0.43703857, 0.38685205], [0.69629578, 0.59624247]],
    "dW1": [[0.00080888, 0.00161775], [0.00071009, 0.00142017]],
    "W1_new": [[0.29959556, 0.24919112], [0.39964496, 0.34928991]],
    "E_after": 0.02323634,
}


def lecture_values_from(reference):
    """The same quantities computed by a solution module (for the worked-example test)."""
    h, o = reference.forward(X, W1, W2)
    dW1, dW2 = reference.backward(X, T, W1, W2)
    W1_new, W2_new = reference.train_step(X, T, W1, W2, lr=LR)
    return {"z_hidden": W1 @ X, "h": h, "z_out": W2 @ h, "o": o, "E": reference.loss(o, T),
            "dE_do1": o[0] - T[0], "do1_dz3": o[0] * (1 - o[0]), "dW2": dW2, "W2_new": W2_new, "dW1": dW1,
            "W1_new": W1_new, "E_after": reference.loss(reference.forward(X, W1_new, W2_new)[1], T)}
