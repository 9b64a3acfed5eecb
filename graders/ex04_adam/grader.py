"""Grader for ex04_adam: from SGD to Adam.

Public checks: the lecture's f(x, y) = x²/20 + y² from (−7, 2), three updates of
SGD, Momentum, AdaGrad and Adam, against the reference solution (the values the
statement's table shows).  Hidden checks: 50 updates of four parameters of
different shapes on a random quadratic, against the reference and against Keras'
optimizers; in-place updates seen through an alias of the arrays; state per key;
grads left alone; ε outside the square root (tiny gradients).

Every expected value is float64 NumPy computed here: the reference solution, and
Keras' update rules (Keras 3, float64 variables) transcribed in keras_trajectory.
Grading runs no TensorFlow: tests/test_ex04_oracle.py proves, on this grader's
problems, that the transcription reproduces TensorFlow's Keras trajectories (to
float64 rounding) and that the reference agrees with them within KERAS_TOLERANCE.

The student's optimizer and parameter dict live in the sandbox.  The optimizer is
driven with the gradients at the expected trajectory's points, all known in advance,
so placing the dict there, the construction, the updates and the parameters as the
updates leave them go to the sandbox in one round trip; a trajectory that matches the
expected one within tolerance was driven by its own gradients within tolerance.  The
values are still judged one by one, in order (``Batch.in_order``): the first wrong one fails the
check and names its call.  The two checks that read back what no update sends back
(the arrays behind params; the dict the last update was not given) place their dicts
and arrays in the sandbox one round trip ahead, every optimizer's at once, then send
one batch per optimizer, as the others do.
"""

import numpy as np

from dlgrade.grading import CheckFailed, Tolerance, check, compare, describe, expect_close, expect_unchanged

EPSILON = 1e-7

# Both Adam forms must pass: the reference folds the bias correction into lr_t (ε next
# to √v), the m̂/v̂ form puts ε next to √v̂ = √v/√(1 − β2ᵗ).  Measured: over 200 hidden
# problems (50 updates) the forms differ by at most 5.0e-7 (max |Δ| / max(|p|, 1)); in
# the lecture's table by at most 3.0e-6 absolute, 4.9e-7 relative (x3 −6.1015490 vs
# −6.1015460).  2e-6 leaves a 4× margin; every Adam mistake the grader names is ≥ 1e-2
# off, except ε inside √ (~1e-8 here), which the tiny-gradient check catches.
ADAM_TOLERANCE = Tolerance(rtol=2e-6, scale=2e-6)

# Keras 3 (tf.keras in TF 2.16+) against the lecture's formulas:
# - SGD, SGD(momentum=β) (v ← βv − lr·g, p += v: the lecture's Momentum) and Adam (lr_t
#   folded in, ε added to √v: the textbook's form exactly) compute the same formulas;
# - Adagrad and RMSprop divide by √(h + ε), the lecture/textbook by √h + ε;
# - learning_rate is a float32 variable and β/ρ/momentum go through float32 too: 0.9,
#   0.99, 0.999 as float32 shift RMSprop(ρ=0.99) by 1.5e-6 and Adam(β2=0.999) by 6e-6
#   even on float64 variables, so the hidden checks use hyper-parameters that float32
#   represents exactly (0.875, 0.9921875, 2⁻⁴ …) and float64 variables.
# Measured over 10 random problems of this grader's distribution (max |Δ| / max(|p|, 1),
# 50 updates, reference vs Keras): SGD 0, Momentum 0, Adam 3e-16, Adagrad 2.8e-8 and
# RMSprop 8.7e-8 (the ε placement: √(h+ε) − (√h + ε) ≈ −ε for h ≫ ε).  A correct m̂/v̂
# Adam is up to 5.0e-7 from Keras' (folded) Adam, as from the reference.  So the Keras
# comparison uses ADAM_TOLERANCE's 2e-6 for every optimizer: 4× the largest legitimate
# difference, 20× the ε-placement one; tests/test_ex04_oracle.py proves the reference
# within it (and the ε-placement difference above float64 precision, which the
# AdaGrad/RMSprop diagnosis relies on).
KERAS_TOLERANCE = ADAM_TOLERANCE

# The lecture's example: f(x, y) = x²/20 + y², ∇f = (x/10, 2y), start (−7, 2).
LECTURE = (("SGD", {"lr": 0.95}), ("Momentum", {"lr": 0.1}), ("AdaGrad", {"lr": 1.5}), ("Adam", {"lr": 0.3}))

# Hidden problems: hyper-parameters exactly representable in float32 (see above), not
# the defaults, so that a constructor that ignores its arguments fails.
HIDDEN = {
    "SGD": {"lr": 0.0625},
    "Momentum": {"lr": 0.03125, "momentum": 0.875},
    "AdaGrad": {"lr": 0.25},
    "RMSprop": {"lr": 0.03125, "decay_rate": 0.875},
    "Adam": {"lr": 0.0625, "beta1": 0.875, "beta2": 0.9921875},
}
SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "s": ()}
STEPS = 50


def tolerance(name):
    return ADAM_TOLERANCE if name == "Adam" else None  # None: float64 precision


# ----------------------------------------------------------------------------- problems
def quadratic(rng, shapes):
    """f(p) = ½ Σ a·(p − c)² per key; the start is 1–3 away from the optimum in every
    element, so 50 updates never reach the noisy regime around the minimum."""
    a = {k: rng.uniform(0.5, 2.0, size=s) for k, s in shapes.items()}
    c = {k: rng.uniform(-2.0, 2.0, size=s) for k, s in shapes.items()}
    p0 = {k: c[k] + rng.choice([-1.0, 1.0], size=s) * rng.uniform(1.0, 3.0, size=s) for k, s in shapes.items()}
    return a, c, p0


def flat(values, keys):
    """The keys' arrays (or numbers) laid end to end in one float64 vector."""
    return np.concatenate([np.ravel(np.asarray(values[k], dtype=np.float64)) for k in keys])


def unflat(rows, like):
    """{key: array (len(rows), *shape)} from rows of like's keys laid end to end (flat)."""
    out, start = {}, 0
    for k, v in like.items():
        shape = np.shape(v)
        size = int(np.prod(shape, dtype=int))
        out[k] = rows[:, start:start + size].reshape((len(rows),) + shape)
        start += size
    return out


def flat_trajectory(make, p0, steps, gradient):
    """{key: array (steps, *shape)}: the parameters after each of ``steps`` updates by
    ``make()``, given ``gradient(step, p)`` for the update from p.  Every rule here is
    element-wise, so the keys run as one vector (flat): element by element the same
    arithmetic as key by key (tests/test_ex04_oracle.py pins it), in a quarter of the
    NumPy calls."""
    keys = list(p0)
    opt, params = make(), {"p": flat(p0, keys)}
    rows = np.empty((steps, params["p"].size))
    for step in range(steps):
        opt.update(params, {"p": gradient(step, params["p"])})
        rows[step] = params["p"]
    return unflat(rows, p0)


def reference_trajectory(make, a, c, p0, steps, scale=1.0):
    """{key: array (steps, *shape)}: the parameters after each update, each driven by the
    gradient scale·a·(p − c) at its own point."""
    keys = list(p0)
    slope, centre = scale * flat(a, keys), flat(c, keys)
    return flat_trajectory(make, p0, steps, lambda _step, p: slope * (p - centre))


def gradients_along(a, c, p0, expected, scale=1.0):
    """{key: (steps, *shape)}: the gradient at p0, then at each expected iterate but the last
    (the gradients that drive the student's optimizer)."""
    return {k: scale * a[k] * (np.concatenate([np.asarray(p0[k])[None], expected[k][:-1]]) - c[k]) for k in p0}


def checked_params(params, p0, what):
    """A params dict read back (fetched, or sent back by the update it was given), checked
    to still hold arrays of the right shapes."""
    if not isinstance(params, dict) or set(params) != set(p0):
        raise CheckFailed(f"{what}: params must stay a dict with keys {sorted(p0)}, got {describe(params)}")
    for k, v in params.items():
        shape = np.shape(p0[k])
        if shape == () and (isinstance(v, (float, np.floating)) or (isinstance(v, np.ndarray) and v.shape == (1,))):
            # A 0-d parameter comes back as shape (1,) (np.ascontiguousarray in the child's
            # codec, dlgrade/sandbox/zygote.py) and, replaced by `params[key] = params[key] − …`,
            # as a NumPy scalar or as shape (1,) depending on the sandbox backend; the values
            # are judged here, in-place updating by updates_in_place.
            params[k] = v = np.asarray(v, dtype=np.float64).reshape(())
        if not isinstance(v, np.ndarray) or v.shape != shape:
            raise CheckFailed(f"{what}: params[{k!r}] must stay a numpy.ndarray of shape {shape}, "
                              f"got {describe(v)}")
    return params


# ----------------------------------------------------------------------------- the sandbox
def keep_for_batch(batch, value, name="params"):
    """Queue placing ``value`` in the sandbox for the later calls of the same batch
    (Batch.keep).  Feedback shows a queued value among a call's arguments as <its label>,
    and showed a value kept in a round trip of its own (Student.keep) as <type name>: so
    the label is "dict params", and "last call" reads as it did."""
    return batch.keep(value, name=f"{type(value).__name__} {name}")


def sent_back(value):
    """The first argument of a call queued with Batch.call_seeing_inputs, as the call left it."""
    _result, args_after, _kwargs_after = value
    return args_after[0]


def queue_optimizer(batch, student, name, hyper):
    """Queue ``name(**hyper)`` and reading its ``update``: the method, for later items."""
    return batch.attr(batch.call(getattr(student, name), **hyper), "update")


def queue_updates(batch, update, params, grads):
    """Queue ``update(params, g)`` for each g."""
    for g in grads:
        batch.call(update, params, g)


# Updates after which the student's parameters are fetched.
FETCH_AT = (1, 2, 3, 5, 10, 20, 30, 40, 50)


def fetched_steps(steps):
    return [s for s in range(1, steps + 1) if s in FETCH_AT or s == steps]


class StudentTrajectory:
    """The student's optimizer queued on a batch: its params dict placed in the sandbox,
    the optimizer constructed, driven with the gradients at the expected trajectory's
    points (the gradient at p0, then at each expected iterate), its parameters read
    (fetched) right after the updates in FETCH_AT and the last.  Only params comes back:
    the gradients the grader sent are not sent back."""

    def __init__(self, batch, student, name, hyper, a, c, p0, expected, scale=1.0):
        self.p0 = p0
        ref = keep_for_batch(batch, {k: np.array(v, dtype=np.float64) for k, v in p0.items()})
        update = queue_optimizer(batch, student, name, hyper)
        grads = gradients_along(a, c, p0, expected, scale)
        steps = len(next(iter(expected.values())))
        fetch, self.fetched = set(fetched_steps(steps)), []
        for step in range(1, steps + 1):
            g = {k: grads[k][step - 1] for k in p0}
            batch.call(update, ref, g)
            if step in fetch:
                self.fetched.append((step, batch.fetch(ref)))

    def values(self, taken):
        """{key: array (len(fetched), *shape)}, once every update has run (as a batch run
        whole: a failing update fails the check before any value is judged)."""
        taken[self.fetched[-1][1]]  # takes every item up to the fetch after the last update
        path = {k: [] for k in self.p0}
        for step, pending in self.fetched:
            params = checked_params(taken[pending], self.p0, f"after update {step}")
            for k in self.p0:
                path[k].append(params[k])
        return {k: np.array(v) for k, v in path.items()}


def student_trajectory(student, name, hyper, a, c, p0, expected, scale=1.0):
    """The student's trajectory (StudentTrajectory) in one round trip of its own.
    {key: array (len(FETCH_AT ≤ steps), *shape)}."""
    batch = student.batch()
    trajectory = StudentTrajectory(batch, student, name, hyper, a, c, p0, expected, scale)
    return trajectory.values(batch.in_order())


def driven_trajectory(make, a, c, p0, expected, scale=1.0):
    """A model optimizer driven exactly as StudentTrajectory drives the student's."""
    keys = list(p0)
    grads = gradients_along(a, c, p0, expected, scale)
    rows = np.concatenate([grads[k].reshape(len(grads[k]), -1) for k in keys], axis=1)
    return flat_trajectory(make, p0, len(rows), lambda step, _p: rows[step])


def at_fetches(trajectory):
    """The rows of a full trajectory at the updates StudentTrajectory fetches."""
    rows = [s - 1 for s in fetched_steps(len(next(iter(trajectory.values()))))]
    return {k: v[rows] for k, v in trajectory.items()}


def call_text(name, hyper):
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in hyper.items())})"


# ----------------------------------------------------------------------------- mistakes
class _AdamWithoutBiasCorrection:
    """Adam with lr in place of lr_t: what forgetting the bias correction gives."""

    def __init__(self, lr, beta1, beta2):
        self.lr, self.beta1, self.beta2, self.m, self.v = lr, beta1, beta2, {}, {}

    def update(self, params, grads):
        for k in params:
            g = grads[k]
            self.m[k] = self.beta1 * self.m.get(k, 0.0) + (1 - self.beta1) * g
            self.v[k] = self.beta2 * self.v.get(k, 0.0) + (1 - self.beta2) * g * g
            params[k] -= self.lr * self.m[k] / (np.sqrt(self.v[k]) + EPSILON)


def mistaken(reference, name, hyper):
    """(mistake key, explanation, optimizer factory) for the classic mistakes of `name`;
    two of them are the reference with a changed hyper-parameter."""
    if name == "Momentum":
        return [("momentum_wrong_sign", "the velocity must get − lr × g (v ← momentum × v − lr × g, then W += v)",
                 lambda: reference.Momentum(lr=-hyper["lr"], momentum=hyper["momentum"]))]
    if name == "RMSprop":
        return [("wrong_decay", "decay_rate multiplies the old h and (1 − decay_rate) the new g ⊙ g",
                 lambda: reference.RMSprop(lr=hyper["lr"], decay_rate=1 - hyper["decay_rate"]))]
    if name == "Adam":
        return [("missing_bias_correction", "m and v start at 0: correct them with 1 − β1ᵗ and 1 − β2ᵗ "
                 "(or step with lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ))",
                 lambda: _AdamWithoutBiasCorrection(hyper["lr"], hyper["beta1"], hyper["beta2"]))]
    return []


def expect_trajectory(got, expected, what, tol, diagnoses=()):
    """Compare per key at the fetched updates; on a mismatch, name a classic mistake
    whose trajectory the student's is."""
    fetched = fetched_steps(len(next(iter(expected.values()))))
    expected = at_fetches(expected)
    for k in expected:
        failure = compare(got[k], expected[k], tolerance=tol,
                          what=f"{what}: params[{k!r}] after updates {fetched} (axis 0)")
        if failure:
            for key, text, trajectory in diagnoses:
                model = at_fetches(trajectory())
                if all(compare(got[j], model[j], tolerance=KERAS_TOLERANCE, hidden=True) is None for j in model):
                    raise CheckFailed(f"{failure}\nlikely mistake: {text}", mistake=key)
            raise CheckFailed(failure)


# ----------------------------------------------------------------------------- Keras' rules
def keras_trajectory(name, hyper, a, c, p0, steps):
    """Keras 3's optimizer ``name`` on float64 variables p0, each update driven by the
    gradient a·(p − c) at its own point: {key: array (steps, *shape)}.

    Transcribed from keras/src/optimizers/{sgd,adagrad,rmsprop,adam}.py update_step, as
    the grader configures them (Keras' SGD(momentum=…) for Momentum, Adagrad with
    initial_accumulator_value=0, ε = 1e-7; learning_rate is a float32 variable, here
    exact): the same operations in the same order, element-wise, so the keys run as one
    vector.  tests/test_ex04_oracle.py proves it TensorFlow's trajectory to float64
    rounding, on this grader's problems, for every optimizer."""
    keys = list(p0)
    slope, centre, p = flat(a, keys), flat(c, keys), flat(p0, keys)
    lr = float(np.float32(hyper["lr"]))
    first, second = np.zeros_like(p), np.zeros_like(p)  # momentum / accumulator / m; v
    rows = np.empty((steps, p.size))
    for step in range(steps):
        g = slope * (p - centre)
        if name == "SGD":
            p = p - g * lr
        elif name == "Momentum":  # SGD(momentum=…): m ← m·momentum − g·lr, p ← p + m
            first = first * hyper["momentum"] - g * lr
            p = p + first
        elif name == "AdaGrad":  # Adagrad: ε inside the square root
            first = first + np.square(g)
            p = p - (lr * g) / np.sqrt(first + EPSILON)
        elif name == "RMSprop":  # ρ = decay_rate, ε inside the square root
            rho = hyper["decay_rate"]
            first = rho * first + (1 - rho) * np.square(g)
            p = p - (lr * g) / np.sqrt(first + EPSILON)
        else:  # Adam: α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ), m += (g − m)(1 − β1), v += (g² − v)(1 − β2)
            beta1, beta2, t = hyper["beta1"], hyper["beta2"], float(step + 1)
            alpha = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
            first = first + (g - first) * (1 - beta1)
            second = second + (np.square(g) - second) * (1 - beta2)
            p = p - (first * alpha) / (np.sqrt(second) + EPSILON)
        rows[step] = p
    return unflat(rows, p0)


# ----------------------------------------------------------------------------- public checks
def lecture_check(student, reference, name, hyper):
    start = {"x": np.array([-7.0]), "y": np.array([2.0])}
    expected = reference_trajectory(lambda: getattr(reference, name)(**hyper),
                                    {"x": np.array([0.1]), "y": np.array([2.0])}, {"x": 0.0, "y": 0.0}, start, 3)
    # ∇f at the start, then at the table's iterates: params placed in the sandbox and the
    # three updates, each followed by reading params as it leaves them, go in one round
    # trip, and are judged one update at a time.
    batch, fetched, current = student.batch(), [], start
    params = keep_for_batch(batch, {k: v.copy() for k, v in start.items()})
    update = queue_optimizer(batch, student, name, hyper)
    for step in range(3):
        batch.call(update, params, {"x": current["x"] / 10, "y": 2 * current["y"]})
        fetched.append(batch.fetch(params))
        current = {k: expected[k][step] for k in start}
    values = batch.in_order()
    for step, pending in enumerate(fetched):
        current = checked_params(values[pending], start,
                                 f"{call_text(name, hyper)}, after update {step + 1}")
        for k in ("x", "y"):
            expect_close(current[k], expected[k][step], tolerance=tolerance(name),
                         what=f"{call_text(name, hyper)}: {k}{step + 1} (after update {step + 1})")


@check(points=1, title_ko="f(x, y) = x²/20 + y², 시작점 (−7, 2)에서 SGD(lr=0.95): 처음 세 번의 갱신 결과.")
def lecture_sgd(student, reference):
    """SGD(lr=0.95) on f(x, y) = x²/20 + y² from (−7, 2): the first three iterates."""
    lecture_check(student, reference, *LECTURE[0])


@check(points=1, title_ko="f(x, y) = x²/20 + y², 시작점 (−7, 2)에서 Momentum(lr=0.1): 처음 세 번의 갱신 결과.")
def lecture_momentum(student, reference):
    """Momentum(lr=0.1) on f(x, y) = x²/20 + y² from (−7, 2): the first three iterates."""
    lecture_check(student, reference, *LECTURE[1])


@check(points=1, title_ko="f(x, y) = x²/20 + y², 시작점 (−7, 2)에서 AdaGrad(lr=1.5): 처음 세 번의 갱신 결과.")
def lecture_adagrad(student, reference):
    """AdaGrad(lr=1.5) on f(x, y) = x²/20 + y² from (−7, 2): the first three iterates."""
    lecture_check(student, reference, *LECTURE[2])


@check(points=1, title_ko="f(x, y) = x²/20 + y², 시작점 (−7, 2)에서 Adam(lr=0.3): 처음 세 번의 갱신 결과 (두 형태 모두 정답).")
def lecture_adam(student, reference):
    """Adam(lr=0.3) on f(x, y) = x²/20 + y² from (−7, 2): the first three iterates (either Adam form)."""
    lecture_check(student, reference, *LECTURE[3])


# ----------------------------------------------------------------------------- hidden checks
def random_quadratic_check(name, student, rng, reference):
    hyper = HIDDEN[name]
    a, c, p0 = quadratic(rng, SHAPES)
    expected = reference_trajectory(lambda: getattr(reference, name)(**hyper), a, c, p0, STEPS)
    keras = keras_trajectory(name, hyper, a, c, p0, STEPS)
    got = student_trajectory(student, name, hyper, a, c, p0, expected)
    what = f"{call_text(name, hyper)}, {STEPS} updates of params with shapes {SHAPES}"
    diagnoses = [(key, text, lambda f=factory: driven_trajectory(f, a, c, p0, expected))
                 for key, text, factory in mistaken(reference, name, hyper)]
    expect_trajectory(got, keras, f"{what}, against Keras", KERAS_TOLERANCE, diagnoses)
    if name in ("AdaGrad", "RMSprop"):
        # Keras divides by √(h + ε): matching Keras but not the reference is that mistake.
        diagnoses.append(("epsilon_inside_sqrt", "ε belongs outside the square root: √h + ε, with ε = 1e-7",
                          lambda: keras))
    expect_trajectory(got, expected, what, tolerance(name), diagnoses)


@check(points=2, hidden=True, title_ko="SGD: 모양이 서로 다른 매개변수 4개를 50번 갱신해 참고 답안, Keras SGD와 비교.")
def random_quadratic_sgd(student, rng, reference):
    """SGD: 50 updates of 4 parameters of different shapes, against the reference and Keras' SGD."""
    random_quadratic_check("SGD", student, rng, reference)


@check(points=2, hidden=True, title_ko="Momentum: 매개변수 4개를 50번 갱신해 참고 답안, Keras SGD(momentum=…)와 비교.")
def random_quadratic_momentum(student, rng, reference):
    """Momentum: 50 updates of 4 parameters, against the reference and Keras' SGD(momentum=…)."""
    random_quadratic_check("Momentum", student, rng, reference)


@check(points=2, hidden=True, title_ko="AdaGrad: 매개변수 4개를 50번 갱신해 참고 답안, Keras Adagrad와 비교.")
def random_quadratic_adagrad(student, rng, reference):
    """AdaGrad: 50 updates of 4 parameters, against the reference and Keras' Adagrad."""
    random_quadratic_check("AdaGrad", student, rng, reference)


@check(points=2, hidden=True, title_ko="RMSprop: 매개변수 4개를 50번 갱신해 참고 답안, Keras RMSprop과 비교.")
def random_quadratic_rmsprop(student, rng, reference):
    """RMSprop: 50 updates of 4 parameters, against the reference and Keras' RMSprop."""
    random_quadratic_check("RMSprop", student, rng, reference)


@check(points=2, hidden=True, title_ko="Adam: 매개변수 4개를 50번 갱신해 참고 답안, Keras Adam과 비교.")
def random_quadratic_adam(student, rng, reference):
    """Adam: 50 updates of 4 parameters, against the reference and Keras' Adam."""
    random_quadratic_check("Adam", student, rng, reference)


# The property checks below judge the student's code against itself, not against the
# reference, so that each fails for its own mistake only (a wrong formula is the
# random_quadratic checks' business).  Their keys share one shape: one state shared by
# all keys then runs without a broadcasting error and is judged by state_per_key alone.
SAME_SHAPE = {"first": (2, 3), "second": (2, 3)}


def random_gradients(rng, shapes, steps):
    """Gradients that do not depend on the parameters: the property checks below know
    every argument in advance, so their updates and fetches go in one round trip."""
    return [{k: rng.normal(size=s) for k, s in shapes.items()} for _ in range(steps)]


# The property checks' values: random gradients of order 1–5, not the trajectory's, so the
# m̂/v̂ Adam strays further from the folded form than on the quadratics (ε meets √v̂ of
# random size).  These values only have to rule out an optimizer that does not optimise —
# every update moves a parameter by about lr ≥ 0.03 — so 1e-4 is ample and still 300×
# below the smallest step; the exact rules are the random_quadratic checks' business.
PROPERTY_VALUES_TOLERANCE = Tolerance(rtol=1e-4, scale=1e-4)


def fixed_gradient_run(reference, name, hyper, p0, sequence):
    """{key: array}: the reference optimizer's parameters after updates by the gradients of
    ``sequence`` (a list of dicts), which do not depend on the parameters."""
    keys = list(p0)
    rows = [flat(g, keys) for g in sequence]
    run = flat_trajectory(lambda: getattr(reference, name)(**hyper), p0, len(rows), lambda step, _p: rows[step])
    return {k: v[-1] for k, v in run.items()}


def expect_reference_values(got, reference, name, hyper, p0, sequence, what):
    """The property checks count only with the right values: params after the updates of
    ``sequence`` as the reference optimizer leaves them (an optimizer that does nothing, or
    writes anything into the arrays, has every property and none of the values)."""
    expected = fixed_gradient_run(reference, name, hyper, p0, sequence)
    for k in p0:
        expect_close(got[k], expected[k], tolerance=PROPERTY_VALUES_TOLERANCE, what=f"{what}: params[{k!r}]")


@check(points=2, hidden=True, title_ko="update는 params의 배열을 제자리에서 갱신합니다: 같은 배열을 가진 다른 쪽에서도 갱신이 보입니다.")
def updates_in_place(student, rng, reference):
    """update changes the arrays of params in place: another holder of the same arrays sees the update."""
    # Every optimizer's arrays and gradients, drawn in the order one optimizer after the
    # other always drew them.
    problems = []
    for name, hyper in HIDDEN.items():
        p0 = {k: rng.normal(size=s) for k, s in SAME_SHAPE.items()}
        problems.append((name, hyper, p0, random_gradients(rng, SAME_SHAPE, 3)))

    # Each array is kept on its own and then put in the dict: the dict and the handles
    # hold the same array objects, as a network layer and its params dict do.  Every
    # optimizer's, in one round trip ahead of the optimizers' own: those fetch them, and
    # a batch fetches only what an earlier round trip placed.
    batch, kept = student.batch(), []
    for _name, _hyper, p0, _grads in problems:
        arrays = {k: batch.keep(v.copy(), name=k) for k, v in p0.items()}
        kept.append((arrays, batch.keep(arrays, name="params")))
    placed = batch.run()
    for (name, hyper, p0, grads), (arrays, params) in zip(problems, kept):
        arrays, params = {k: placed[v] for k, v in arrays.items()}, placed[params]
        batch = student.batch()  # the optimizer, its updates and the fetches in one round trip
        queue_updates(batch, queue_optimizer(batch, student, name, hyper), params, grads)
        fetched = [batch.fetch(params)] + [batch.fetch(arrays[k]) for k in p0]
        values = batch.run()
        current = checked_params(values[fetched[0]], p0, f"{call_text(name, hyper)}, after 3 updates")
        # The values first: a NaN or an infinity is reported as what it is (NaN ≠ NaN would
        # otherwise read as "a new array"), and in place counts only with the right values.
        expect_reference_values(current, reference, name, hyper, p0, grads, f"{call_text(name, hyper)}, after 3 updates")
        for k, index in zip(p0, fetched[1:]):
            held = values[index]
            if not (isinstance(held, np.ndarray) and np.array_equal(held, current[k], equal_nan=True)):
                raise CheckFailed(f"{call_text(name, hyper)}: after 3 updates params[{k!r}] is a new array and the "
                                  "original array holds something else, so a layer holding it would not learn. "
                                  "Update in place: params[key] -= …, params[key] += …", mistake="not_in_place")


class _RoutedState:
    """The reference optimizer with the keys' state kept elsewhere than per key: all of it
    under one key (one state shared by every key), or under the key's position in the dict."""

    def __init__(self, optimizer, route):
        self.optimizer, self.route = optimizer, route

    def update(self, params, grads):
        for position, key in enumerate(params):
            slot = self.route(position, key)
            self.optimizer.update({slot: params[key]}, {slot: grads[key]})


def shares_state(together, reference, name, hyper, p0, sequence):
    """Whether ``together`` (state_per_key's run: ``sequence``'s updates on a dict whose key
    order alternates) is what one state shared by the keys, or state kept by position, gives:
    the mistake is named only when its output is the student's."""
    for route in (lambda _position, _key: "shared", lambda position, _key: position):
        optimizer = _RoutedState(getattr(reference, name)(**hyper), route)
        arrays = {k: np.array(v, dtype=np.float64) for k, v in p0.items()}
        orders = [{k: arrays[k] for k in keys} for keys in (list(p0), list(p0)[::-1])]
        for step, grads in enumerate(sequence):
            optimizer.update(orders[step % 2], grads)
        if all(compare(together[k], arrays[k], tolerance=PROPERTY_VALUES_TOLERANCE, hidden=True) is None for k in p0):
            return True
    return False


@check(points=2, hidden=True, title_ko="상태는 매개변수마다 따로: 번갈아 갱신한 두 키가 각각 혼자 갱신한 것과 같습니다.")
def state_per_key(student, rng, reference):
    """Each parameter has its own state: two keys, visited in alternating order, evolve as each alone."""
    problems = []  # every optimizer's, drawn in the order one after the other always drew them
    for name, hyper in HIDDEN.items():
        if name == "SGD":  # no state to share
            continue
        p0 = {k: rng.normal(size=s) for k, s in SAME_SHAPE.items()}
        # Different scales per key, so that shared statistics show.
        sequence = [{k: g * (1.0 if k == "first" else 5.0) for k, g in grads.items()}
                    for grads in random_gradients(rng, SAME_SHAPE, 8)]
        problems.append((name, hyper, p0, sequence))

    # The dicts, every optimizer's, placed in the sandbox in one round trip ahead of the
    # optimizers' own: those fetch them, and a batch fetches only what an earlier round
    # trip placed.  Alone: a dict of one key per key.  Together: the same two arrays in
    # two dicts with opposite key orders.
    batch, kept = student.batch(), []
    for _name, _hyper, p0, _sequence in problems:
        solos = {k: batch.keep({k: p0[k].copy()}, name="params") for k in p0}
        arrays = {k: batch.keep(v.copy(), name=k) for k, v in p0.items()}
        orders = [batch.keep({k: arrays[k] for k in keys}, name="params") for keys in (p0, list(p0)[::-1])]
        kept.append((solos, orders))
    placed = batch.run()
    for (name, hyper, p0, sequence), (solos, orders) in zip(problems, kept):
        solos, orders = {k: placed[v] for k, v in solos.items()}, [placed[v] for v in orders]
        batch = student.batch()  # this optimizer's three runs in one round trip, judged in order
        # Alone: one optimizer per key, the student's own, on a dict of one key.
        alone = {}
        for k in p0:
            queue_updates(batch, queue_optimizer(batch, student, name, hyper), solos[k],
                          [{k: g[k]} for g in sequence])
            alone[k] = batch.fetch(solos[k])
        # Together, used in turn: one state for all keys, or state kept by position, mixes
        # the histories.
        update = queue_optimizer(batch, student, name, hyper)
        for step, grads in enumerate(sequence):
            batch.call(update, orders[step % 2], grads)
        together = batch.fetch(orders[0])
        values = batch.in_order()
        alone = {k: checked_params(values[pending], {k: p0[k]}, f"{call_text(name, hyper)} on {{{k!r}}} alone")[k]
                 for k, pending in alone.items()}
        together = checked_params(values[together], p0, f"{call_text(name, hyper)}, after {len(sequence)} updates")
        for k in p0:
            # Bit-for-bit the same arithmetic; 1e-12 only spares an exotic implementation.
            failure = compare(together[k], alone[k], tolerance=Tolerance(rtol=1e-12, scale=1e-12), hidden=True,
                              what=f"{call_text(name, hyper)}: params[{k!r}] after {len(sequence)} updates of "
                                   "{'first', 'second'} (in alternating key order) against the same updates of "
                                   f"{{{k!r}}} alone")
            if failure:
                if not shares_state(together, reference, name, hyper, p0, sequence):
                    raise CheckFailed(f"{failure}\nthe keys' updates depend on each other: keep one velocity / h / "
                                      "m, v (and Adam's t) per key, in a dict")
                raise CheckFailed(f"{failure}\nlikely mistake: the keys share state; keep one velocity / h / m, v "
                                  "(and Adam's t) per key, in a dict", mistake="shared_state_across_keys")
        expect_reference_values(together, reference, name, hyper, p0, sequence,
                                f"{call_text(name, hyper)}, after {len(sequence)} updates")


@check(points=1, hidden=True, title_ko="update는 grads의 배열을 바꾸지 않습니다.")
def grads_not_modified(student, rng, reference):
    """update leaves the arrays of grads unchanged."""
    for name, hyper in HIDDEN.items():
        # params placed in the sandbox, the constructor, the method and the updates in one
        # round trip; each update brings its arguments back as it left them, judged in order.
        batch = student.batch()
        p0 = {k: rng.normal(size=s) for k, s in SAME_SHAPE.items()}
        params = keep_for_batch(batch, {k: v.copy() for k, v in p0.items()})
        update = queue_optimizer(batch, student, name, hyper)
        sequence = random_gradients(rng, SAME_SHAPE, 3)
        updates = [batch.call_seeing_inputs(update, params, grads) for grads in sequence]
        taken = batch.in_order()
        for step, (grads, pending) in enumerate(zip(sequence, updates)):
            _value, after, _ = taken[pending]
            try:
                expect_unchanged(grads, after[1], what=f"{call_text(name, hyper)}, update {step + 1}: grads")
            except CheckFailed as failure:
                raise CheckFailed(failure.message + "\nbuild new arrays (g * g, g / …) instead of changing grads",
                                  mistake="grads_modified") from None
        last = checked_params(sent_back(taken[updates[-1]]), p0, f"{call_text(name, hyper)}, after 3 updates")
        expect_reference_values(last, reference, name, hyper, p0, sequence, f"{call_text(name, hyper)}, after 3 updates")


# AdaGrad/RMSprop with gradients of order 1e-7: √h ≈ |g| ≈ ε, so √h + ε and √(h + ε)
# (≈ 3e-4) give steps ~1000× apart; float64 precision separates them.  Adam with
# gradients of order 1e-5: √v̂ ≈ 1e-5, so ε is 1 % of the denominator in the m̂/v̂ form
# and up to 30 % in the folded form (√v = √(1 − β2ᵗ)·√v̂).  Measured over 200 problems,
# the m̂/v̂ form's displacement from the start is 1.006–1.195× the reference's, ε inside
# √ gives ≤ 0.053×.  rtol 0.5 on the displacement accepts 0.5–1.5×: 25 % above the one
# form, 10× above the mistake.
TINY = {"AdaGrad": (1e-7, None), "RMSprop": (1e-7, None), "Adam": (1e-5, Tolerance(rtol=0.5, scale=0.0))}


@check(points=2, hidden=True, title_ko="아주 작은 기울기로 AdaGrad, RMSprop, Adam: ε = 1e-7은 제곱근 바깥에 있어야 합니다.")
def epsilon_outside_sqrt(student, rng, reference):
    """AdaGrad, RMSprop, Adam with tiny gradients, where ε = 1e-7 must sit outside the square root."""
    for name, (scale, tol) in TINY.items():
        hyper = HIDDEN[name]
        # One key: this check is about ε alone, not about state per key.
        a, c, p0 = quadratic(rng, {"W": (3, 4)})
        make = lambda: getattr(reference, name)(**hyper)  # noqa: E731
        # First ordinary gradients (ε placement shows only ~1e-7 there, within the Keras
        # tolerance): a rule that is wrong there is not an ε mistake.
        ordinary = reference_trajectory(make, a, c, p0, 5)
        expected = reference_trajectory(make, a, c, p0, 20, scale=scale)
        batch = student.batch()  # both trajectories in one round trip, judged in order
        first = StudentTrajectory(batch, student, name, hyper, a, c, p0, ordinary)
        second = StudentTrajectory(batch, student, name, hyper, a, c, p0, expected, scale)
        values = batch.in_order()
        expect_trajectory(first.values(values), ordinary,
                          f"{call_text(name, hyper)}, ordinary gradients (before the tiny ones)", KERAS_TOLERANCE)
        got, expected = second.values(values), at_fetches(expected)
        for k in p0:
            failure = compare(got[k] - p0[k], expected[k] - p0[k], tolerance=tol,
                              what=f"{call_text(name, hyper)}, gradients of order {scale:g}: params[{k!r}] − its "
                                   "start, after updates 1, 2, 3, 5, 10, 20 (axis 0)")
            if failure:
                raise CheckFailed(failure + "\nlikely mistake: ε belongs outside the square root, √h + ε with "
                                  "ε = 1e-7", mistake="epsilon_inside_sqrt")
