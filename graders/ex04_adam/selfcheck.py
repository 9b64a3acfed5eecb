"""Self-checks of ex04_adam: invariants of the update rules, no expected values.

They ship in the student bundle and run with ``dlgrade check`` at home.  With the same
gradient g at every step, each optimizer's steps have a closed form that follows from its
definition alone (SGD −lr·g; Momentum −lr·g·(1 + m + … + m^(t−1)); AdaGrad −lr·g/(√t·|g| + ε);
RMSprop −lr·g/(√(1 − ρ^t)·|g| + ε); Adam about −lr·sign(g) from the first step, bias
correction included), shown here on gradients from 1e-4 to 2 so that where ε goes shows.
Then: each key keeps its own state, params change in place, grads do not change.  None
of them knows the answer to a graded problem, so passing them is not full marks: the
hidden checks decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, compare, describe, expect_unchanged, self_check

EPSILON = 1e-7
HYPER = {
    "SGD": {"lr": 0.0625},
    "Momentum": {"lr": 0.03125, "momentum": 0.875},
    "AdaGrad": {"lr": 0.25},
    "RMSprop": {"lr": 0.03125, "decay_rate": 0.875},
    "Adam": {"lr": 0.0625, "beta1": 0.875, "beta2": 0.9921875},
}
SHAPES = {"W": (2, 3), "b": (3,)}
STEPS = 4


def call_text(name, hyper):
    return f"{name}({', '.join(f'{k}={v}' for k, v in hyper.items())})"


def gradient(rng, shape):
    """Magnitudes from 1e-4 to 2, random signs: ε's place matters for the small ones."""
    return rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(-4, 0.3, size=shape)


def constant_gradient_steps(name, hyper, g, t):
    """The t-th step (t = 1, 2, …) of ``name`` when every gradient is g, from its definition:
    a list of the forms accepted (Adam: the bias correction folded into lr_t, or with m̂, v̂)."""
    lr = hyper["lr"]
    if name == "SGD":
        return [-lr * g]
    if name == "Momentum":
        m = hyper["momentum"]
        return [-lr * g * sum(m ** i for i in range(t))]
    if name == "AdaGrad":
        return [-lr * g / (np.sqrt(t) * np.abs(g) + EPSILON)]
    if name == "RMSprop":
        return [-lr * g / (np.sqrt(1 - hyper["decay_rate"] ** t) * np.abs(g) + EPSILON)]
    b2 = 1 - hyper["beta2"] ** t  # with constant g: m = (1 − β1ᵗ)·g, v = (1 − β2ᵗ)·g²
    return [-lr * np.sqrt(b2) * g / (np.sqrt(b2) * np.abs(g) + EPSILON), -lr * g / (np.abs(g) + EPSILON)]


def params_of(value, p0, what):
    if not isinstance(value, dict) or set(value) != set(p0):
        raise CheckFailed(f"{what}: params must stay a dict with keys {sorted(p0)}, got {describe(value)}")
    out = {}
    for k, v in value.items():
        if not isinstance(v, np.ndarray) or v.shape != np.shape(p0[k]):
            raise CheckFailed(f"{what}: params[{k!r}] must stay an array of shape {np.shape(p0[k])}, "
                              f"got {describe(v)}")
        out[k] = v.astype(np.float64)
    return out


def run_updates(student, name, hyper, p0, sequence, *, alias=False):
    """The student's optimizer ``name(**hyper)`` updating p0 (placed in the sandbox) with each
    grads of ``sequence``; the params after every update (and, with ``alias``, the arrays
    placed first, fetched at the end: an update in place changes them)."""
    batch = student.batch()
    arrays = {k: batch.keep(v.copy(), name=k) for k, v in p0.items()}
    params = batch.keep(arrays if alias else {k: v.copy() for k, v in p0.items()}, name="params")
    placed = batch.run()
    params, arrays = placed[params], {k: placed[v] for k, v in arrays.items()}
    batch = student.batch()
    update = batch.attr(batch.call(getattr(student, name), **hyper), "update")
    after = []
    for grads in sequence:
        batch.call(update, params, grads)
        after.append(batch.fetch(params))
    held = {k: batch.fetch(v) for k, v in arrays.items()} if alias else {}
    take = batch.in_order()
    what = call_text(name, hyper)
    trajectory = [params_of(take(item), p0, f"{what}, after update {i + 1}") for i, item in enumerate(after)]
    return trajectory, {k: take(v) for k, v in held.items()}


@self_check(title_ko="같은 기울기를 반복하면 각 옵티마이저의 이동량은 정의에서 나오는 닫힌 식과 같습니다 (기울기 1e-4~2, ε의 위치 포함).")
def steps_with_a_constant_gradient(student, rng):
    """With the same gradient every time, each optimizer's steps follow from its definition (gradients 1e-4 to 2, ε included)."""
    for name, hyper in HYPER.items():
        p0 = {k: rng.normal(size=s) for k, s in SHAPES.items()}
        g = {k: gradient(rng, s) for k, s in SHAPES.items()}
        trajectory, _ = run_updates(student, name, hyper, p0, [g] * STEPS)
        previous = p0
        for t, now in enumerate(trajectory, 1):
            for k in p0:
                step = now[k] - previous[k]
                forms = constant_gradient_steps(name, hyper, g[k], t)
                if any(np.allclose(step, form, rtol=1e-6, atol=1e-12) for form in forms):
                    continue
                failure = compare(step, forms[-1], rtol=1e-6, hidden=False,
                                  what=f"{call_text(name, hyper)}: step {t} of params[{k!r}] (params after − before) "
                                       f"with the same grads every time, against the closed form of the update rule")
                raise CheckFailed((failure or "the step differs from the closed form of the update rule")
                                  + f"\n{RULES[name]}")
            previous = now


RULES = {
    "SGD": "SGD: p ← p − lr·g, so every step is −lr·g.",
    "Momentum": "Momentum: v ← momentum·v − lr·g (v = 0 at first), p ← p + v: with a constant g the t-th step is "
                "−lr·g·(1 + m + … + m^(t−1)).",
    "AdaGrad": "AdaGrad: h ← h + g·g, p ← p − lr·g / (√h + ε) with ε = 1e-7 outside the square root: with a "
               "constant g, h = t·g².",
    "RMSprop": "RMSprop: h ← ρ·h + (1 − ρ)·g·g (h = 0 at first), p ← p − lr·g / (√h + ε), ε outside the square "
               "root: with a constant g, h = (1 − ρᵗ)·g².",
    "Adam": "Adam: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², then the bias correction (m̂ = m/(1 − β1ᵗ), "
            "v̂ = v/(1 − β2ᵗ), or lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ)) and ε outside the square root: with a constant "
            "g every step is about −lr·sign(g), from the first.",
}


@self_check(title_ko="상태는 매개변수(키)마다 따로: 두 키를 함께 갱신해도 각 키는 혼자 갱신한 것과 같습니다.")
def state_is_kept_per_key(student, rng):
    """Each key has its own state: updated together, each key moves as it does alone."""
    for name, hyper in HYPER.items():
        p0 = {k: rng.normal(size=s) for k, s in SHAPES.items()}
        sequence = [{k: gradient(rng, s) * (1.0 if k == "W" else 7.0) for k, s in SHAPES.items()}
                    for _ in range(STEPS)]
        together, _ = run_updates(student, name, hyper, p0, sequence)
        for k in p0:
            alone, _ = run_updates(student, name, hyper, {k: p0[k]}, [{k: g[k]} for g in sequence])
            failure = compare(together[-1][k], alone[-1][k], rtol=1e-12, hidden=False,
                              what=f"{call_text(name, hyper)}: params[{k!r}] after {STEPS} updates of both keys, "
                                   f"against the same updates of {{{k!r}}} alone")
            if failure:
                raise CheckFailed(failure + "\nlikely mistake: the keys share state; keep one velocity / h / m, v "
                                            "per key, in a dict", mistake="shared_state_across_keys")


@self_check(title_ko="update는 params의 배열을 제자리에서 바꾸고 (같은 배열을 가진 쪽도 봅니다) grads는 바꾸지 않습니다.")
def params_in_place_grads_untouched(student, rng):
    """update changes the arrays of params in place (whoever holds them sees it) and leaves grads alone."""
    for name, hyper in HYPER.items():
        p0 = {k: rng.normal(size=s) for k, s in SHAPES.items()}
        sequence = [{k: gradient(rng, s) for k, s in SHAPES.items()} for _ in range(2)]
        trajectory, held = run_updates(student, name, hyper, p0, sequence, alias=True)
        for k in p0:
            if not (isinstance(held[k], np.ndarray) and np.array_equal(held[k], trajectory[-1][k])):
                raise CheckFailed(f"{call_text(name, hyper)}: after 2 updates params[{k!r}] is a new array and the "
                                  "original array holds something else, so a layer holding it would not learn. "
                                  "Update in place: params[key] -= …, params[key] += …", mistake="not_in_place")
        params = {k: v.copy() for k, v in p0.items()}
        optimizer = getattr(student, name)(**hyper)
        for step, grads in enumerate(sequence, 1):
            _value, after, _ = optimizer.update.call((params, grads), inputs_after=True)
            params = after[0] if isinstance(after[0], dict) else params
            try:
                expect_unchanged(grads, after[1], what=f"{call_text(name, hyper)}, update {step}: grads")
            except CheckFailed as failure:
                raise CheckFailed(failure.message + "\nbuild new arrays (g * g, g / …) instead of changing grads",
                                  mistake="grads_modified") from None
