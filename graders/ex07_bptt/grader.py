"""Grader for ex07_bptt: backpropagation through time.

Public checks are the statement's worked example (expected values recomputed
here with the reference solution in float64, not read from rounded literals)
and the clip_grads examples.  Hidden checks draw random N, T, D, H from the
run's seed; their expected values are computed here, in the trusted process,
in float64 NumPy from the same inputs (``float64_results``: the recurrence and
its backward pass, float32 inputs converted to float64 first), without
TensorFlow.  TensorFlow is the independent oracle in the test suite:
tests/test_ex07_oracle.py proves, over many seeds of these checks' own case
generators, that these values equal a GradientTape through the same recurrence
(float64) and tf.keras.layers.SimpleRNN with the same weights, stateful
blocks and the cut backward pass included.  A central-difference check
differentiates the student's own forward.  Stateful checks follow truncated
BPTT: the forward pass carries the state from block to block, the backward
pass stops at each block's first step.

Classic mistakes are recognised by comparing a wrong result with what the
mistake gives (``bptt`` below can leave out the tanh derivative or the carried
gradient, and keeps every step's own gradients).

The student's code is called in batches (``student.batch()``: one round trip
for a check's calls, and one before it where a check places arrays in the
sandbox for the calls to share or change in place, ``Batch.keep``) whose values
are judged one by one in the order the calls were made (``Batch.in_order``), so that
the first wrong value fails the check and is named as the last call, as if
each call had been its own round trip.
"""
import numpy as np

from dlgrade.grading import (
    CheckFailed, StudentCodeError, Tolerance, check, compare, describe, expect_close, expect_unchanged, matches,
    tolerance_for,
)

# The student bundle (dlgrade release) replays these helpers' recorded answers instead of
# shipping their bodies: each is a working implementation of part of the exercise.
RELEASE_SEALED = ("recurrence", "bptt")

NAMES = ("hs", "dxs", "dWx", "dWh", "db", "dh")

# The statement's worked example (N=2, T=3, D=2, H=3, stateful=False, dhs = ones).
EX_WX = np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]])
EX_WH = np.array([[0.2, -0.1, 0.0], [0.3, 0.1, -0.2], [-0.4, 0.2, 0.5]])
EX_B = np.array([0.1, 0.0, -0.1])
EX_XS = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[0.5, -0.5], [-1.0, 2.0], [0.0, 0.0]]])
EX_X_STEP = np.array([[1.0, 0.0], [0.5, -0.5]])
EX_H_PREV = np.array([[0.1, -0.2, 0.3], [0.0, 0.5, -0.5]])
CLIP_CASES = (([[3.0, 4.0]], 1.0, [[0.6, 0.8]]),
              ([[3.0], [[4.0]]], 1.0, [[0.6], [[0.8]]]),
              ([[0.3, 0.4]], 1.0, [[0.3, 0.4]]))


# ----------------------------------------------------------------------------- tolerances
def float32_tolerance(steps):
    """float32 results over ``steps`` time steps.

    Rounding error accumulates along the recurrence.  Measured for the textbook's
    float32 code and the reference run in float32, against the reference in float64 on
    the same float32 inputs, c = max |d| / (max(max|e|, 1) + |e|) over all six results,
    3000 random cases each of float32_inputs' distribution: T = 6 max 5.3e-7, T = 16
    max 1.1e-6 (p99.9 9.3e-7), T = 32 max 4.9e-6 (p99.9 1.2e-6, 9000 cases); T ≤ 8 with
    the float64 checks' distribution max 2.3e-6.  Allowed: 1e-6·T, never less than the
    standard float32 tolerance 2e-5 (3.2e-5 at T = 32).  The mistakes give c ≥ 0.1."""
    s = max(2e-5, 1e-6 * steps)
    return Tolerance(rtol=s, scale=s)


def result_tolerance(got, steps):
    dtype = got.dtype if isinstance(got, (np.ndarray, np.generic)) else np.float64
    return float32_tolerance(steps) if np.dtype(dtype) == np.float32 else None


def clip_tolerance(got):
    """The textbook's clip_grads divides by norm + 1e-6, so its result is smaller by a
    factor 1e-6 / (norm + 1e-6) < 1e-6 / max_norm (it only clips when norm ≥ max_norm):
    0.59999988 for 0.6 at max_norm 1.  Every case here has max_norm ≥ 1, so 1.5e-6 of
    relative error is allowed on top of the dtype's tolerance."""
    dtype = got.dtype if isinstance(got, np.ndarray) else np.float64
    base = tolerance_for(dtype)
    return Tolerance(rtol=base.rtol + 1.5e-6, scale=base.scale)


# ----------------------------------------------------------------------------- mistake models
def recurrence(xs, Wx, Wh, b, h0=None):
    """The forward pass: (every step's h, every step's previous h), lists over time."""
    n, T, _ = xs.shape
    h = np.zeros((n, Wx.shape[1])) if h0 is None else h0
    hs, prevs = [], []
    for t in range(T):
        prevs.append(h)
        h = np.tanh(h @ Wh + xs[:, t] @ Wx + b)
        hs.append(h)
    return hs, prevs


def bptt(xs, Wx, Wh, b, dhs, h0=None, *, tanh_derivative=True, carry=True):
    """The recurrence and its backward pass in float64, optionally with a classic
    mistake; also every step's own weight gradients (``steps``)."""
    T = xs.shape[1]
    hs, prevs = recurrence(xs, Wx, Wh, b, h0)
    h = hs[-1] if hs else (np.zeros((xs.shape[0], Wx.shape[1])) if h0 is None else h0)
    dh, dxs, steps = np.zeros_like(h), [None] * T, [None] * T
    for t in reversed(range(T)):
        dt = (dhs[:, t] + (dh if carry else 0)) * ((1 - hs[t] ** 2) if tanh_derivative else 1)
        steps[t] = (xs[:, t].T @ dt, prevs[t].T @ dt, dt.sum(axis=0))
        dxs[t], dh = dt @ Wx.T, dt @ Wh.T
    sums = [sum(s[i] for s in steps) for i in range(3)]
    return {"hs": np.stack(hs, 1), "dxs": np.stack(dxs, 1), "dWx": sums[0], "dWh": sums[1], "db": sums[2],
            "dh": dh, "steps": steps}


def _matches(got, expected):
    """Close enough to name a mistake (float32 results included)."""
    return matches(got, expected, tolerance=Tolerance(1e-4, 1e-4))


def diagnose(got, xs, Wx, Wh, b, dhs, h0=None):
    """(mistake key, explanation) for a wrong backward pass, or (None, None)."""
    for key, options, text in (
            ("missing_tanh_derivative", {"tanh_derivative": False},
             "your gradients are what they would be without tanh's derivative: dt = dh_next * (1 - h_next**2)"),
            ("dh_not_carried", {"carry": False},
             "your gradients are what they would be if dh from step t+1 were not added to dhs[:, t]")):
        if _matches(got.get("dxs"), bptt(xs, Wx, Wh, b, dhs, h0, **options)["dxs"]):
            return key, text
    right = bptt(xs, Wx, Wh, b, dhs, h0)
    if _matches(got.get("dxs"), right["dxs"]) and xs.shape[1] > 1:
        for t in (0, xs.shape[1] - 1):
            if _matches(got.get("dWx"), right["steps"][t][0]):
                return "grads_not_summed", (f"your dWx is the gradient of time step {t} alone: the weights are "
                                            "shared by every step, so their gradients must be summed")
    return None, None


# ----------------------------------------------------------------------------- expected values
def float64_results(xs, Wx, Wh, b, dhs, h0=None):
    """hs, dxs, dWx, dWh, db and dh (w.r.t. h0, zeros if None) as a dict, in float64 from
    the same inputs (float32 ones converted first): ``bptt`` without a mistake.  The test
    suite proves these equal GradientTape's and SimpleRNN's on every hidden generator."""
    f64 = [np.asarray(a, dtype=np.float64) for a in (xs, Wx, Wh, b, dhs)]
    right = bptt(*f64, None if h0 is None else np.asarray(h0, dtype=np.float64))
    return {name: right[name] for name in NAMES}


def float64_hs(xs, Wx, Wh, b, h0=None):
    """float64_results' hs alone (the same forward pass, no backward pass): for checks that
    judge only the forward."""
    f64 = [np.asarray(a, dtype=np.float64) for a in (xs, Wx, Wh, b)]
    return np.stack(recurrence(*f64, None if h0 is None else np.asarray(h0, dtype=np.float64))[0], 1)


def cut_backward_results(xs, Wx, Wh, b, split, second_dhs):
    """The second stateful block's results: it starts from h after the first block
    (xs[:, :split]), a constant for its backward pass, which stops at the block's start."""
    carried = float64_hs(xs[:, :split], Wx, Wh, b)[:, -1]
    return float64_results(xs[:, split:], Wx, Wh, b, second_dhs, carried)


# ----------------------------------------------------------------------------- running student code
def _checked_grads(grads, what):
    if not isinstance(grads, (list, tuple)) or len(grads) != 3:
        raise CheckFailed(f"{what}.grads: expected a list [dWx, dWh, db], got {type(grads).__name__}"
                          + (f" of length {len(grads)}" if isinstance(grads, (list, tuple)) else ""))
    return grads


def queue_rnn_step(batch, layer, x, h_prev, dh_next):
    """Queue forward(x, h_prev), backward(dh_next) and reading .grads of an RNN (a proxy
    or a Pending of the same batch)."""
    return (batch.call(batch.attr(layer, "forward"), x, h_prev), batch.call(batch.attr(layer, "backward"), dh_next),
            batch.attr(layer, "grads"))


def take_rnn_step(take, items):
    """queue_rnn_step's values as a dict: h_next, dx, dh_prev, dWx, dWh, db."""
    h_next, pair, grads = items
    got = {"h_next": take(h_next)}
    pair = take(pair)
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise CheckFailed(f"RNN.backward(dh_next): expected a pair (dx, dh_prev), got {type(pair).__name__}")
    got["dx"], got["dh_prev"] = pair
    got["dWx"], got["dWh"], got["db"] = _checked_grads(take(grads), "RNN")
    return got


def queue_forward_backward(batch, layer, xs, dhs):
    """Queue forward(xs), backward(dhs), then reading .grads and .dh of a TimeRNN (a proxy
    or a Pending of the same batch)."""
    return (batch.call(batch.attr(layer, "forward"), xs), batch.call(batch.attr(layer, "backward"), dhs),
            batch.attr(layer, "grads"), batch.attr(layer, "dh"))


def take_forward_backward(take, items, what="TimeRNN"):
    """queue_forward_backward's values as a dict: hs, dxs, dWx, dWh, db, dh."""
    hs, dxs, grads, dh = (take(item) for item in items)
    dWx, dWh, db = _checked_grads(grads, what)
    return {"hs": hs, "dxs": dxs, "dWx": dWx, "dWh": dWh, "db": db, "dh": dh}


def judge_time_rnn_cases(student, cases, what):
    """TimeRNN(Wx, Wh, b), forward(xs) and backward(dhs) on each case, all in one round trip,
    judged case by case against float64 BPTT (a float32 case: in float32's tolerance)."""
    batch = student.batch()
    queued = [queue_forward_backward(batch, batch.call(student.TimeRNN, Wx, Wh, b), xs, dhs)
              for xs, Wx, Wh, b, dhs in cases]
    take = batch.in_order()
    for case, ((xs, Wx, Wh, b, dhs), items) in enumerate(zip(cases, queued)):
        got = take_forward_backward(take, items)
        expect_results(got, float64_results(xs, Wx, Wh, b, dhs), f"case {case + 1}: {what}{xs.shape}",
                       steps=xs.shape[1],
                       diagnosis=lambda: diagnose(got, *(a.astype(np.float64) for a in (xs, Wx, Wh, b, dhs))))


def expect_results(got, expected, what, *, steps, names=NAMES, diagnosis=None):
    """Compare every named result; on the first failure name the likely mistake."""
    for name in names:
        failure = compare(got[name], expected[name], what=f"{what}: {name}",
                          tolerance=result_tolerance(got[name], steps))
        if failure:
            key, text = diagnosis() if diagnosis else (None, None)
            raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


def _case(rng, n=(1, 4), t=(1, 8), d=(1, 4), h=(1, 5), dtype=np.float64):
    N, T, D, H = (int(rng.integers(lo, hi + 1)) for lo, hi in (n, t, d, h))
    Wx, Wh, b = rng.normal(0, 0.6, (D, H)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.3, H)
    xs, dhs = rng.normal(0, 1, (N, T, D)), rng.normal(0, 1, (N, T, H))
    return tuple(a.astype(dtype) for a in (xs, Wx, Wh, b, dhs))


def _case_with_state(rng, t):
    """_case, then a state h0 (N, H) to start from."""
    xs, Wx, Wh, b, dhs = _case(rng, t=t)
    return xs, Wx, Wh, b, dhs, rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1]))


def gradient_check_case(rng):
    """gradient_check_own_forward's case: N = 2, T of 3 or 4, D = 2, H = 3."""
    return _case(rng, n=(2, 2), t=(3, 4), d=(2, 2), h=(3, 3))


def inputs_case(rng):
    """inputs_not_modified's case: _case with T of 2 to 5, and an h_prev for one RNN step."""
    xs, Wx, Wh, b, dhs = _case(rng, t=(2, 5))
    return xs, Wx, Wh, b, dhs, rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1]))


def in_place_case(rng):
    """grads_written_in_place's case: N = 2, T = 3, D = 2, H = 3."""
    n, t, d, h = 2, 3, 2, 3
    Wx, Wh, b = rng.normal(size=(d, h)) * 0.5, rng.normal(size=(h, h)) * 0.5, rng.normal(size=h) * 0.1
    return rng.normal(size=(n, t, d)), Wx, Wh, b, rng.normal(size=(n, t, h))


def _split_case(rng):
    """_case with T of 4 to 8, then where to cut it in two blocks (1 ≤ split < T)."""
    xs, Wx, Wh, b, dhs = _case(rng, t=(4, 8))
    return xs, Wx, Wh, b, dhs, int(rng.integers(1, xs.shape[1]))


def _float32_case(rng, t):
    """float32 inputs with T = t.  Well-conditioned on purpose: bounded recurrent weights
    (spectral radius below 1) and small inputs keep tanh out of saturation, where 1 − h²
    loses its digits in float32 and float32 and float64 runs of the same correct code
    drift apart by far more than rounding (measured: up to 2e-4 at T = 32 with
    Wh ~ N(0, 0.6))."""
    N, D, H = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 6))
    xs, Wx = rng.normal(0, 0.5, (N, t, D)), rng.normal(0, 0.5 / np.sqrt(D), (D, H))
    Wh, b = rng.uniform(-0.9, 0.9, (H, H)) / np.sqrt(H), rng.normal(0, 0.2, H)
    return tuple(a.astype(np.float32) for a in (xs, Wx, Wh, b, rng.normal(0, 1, (N, t, H))))


# ----------------------------------------------------------------------------- public checks
@check(points=2, title_ko="RNN: 공개 예제로 한 시각의 순전파와 역전파 (h_next, dx, dh_prev, grads).")
def lecture_rnn_step(student, reference):
    """RNN: one step forward and backward on the statement's example (h_next, dx, dh_prev, grads)."""
    dh_next = np.ones((2, 3))
    ref = reference.RNN(EX_WX.copy(), EX_WH.copy(), EX_B.copy())
    h_next = ref.forward(EX_X_STEP, EX_H_PREV)
    dx, dh_prev = ref.backward(dh_next)
    expected = {"h_next": h_next, "dx": dx, "dh_prev": dh_prev, "dWx": ref.grads[0], "dWh": ref.grads[1],
                "db": ref.grads[2]}
    batch = student.batch()  # the constructor, forward, backward and .grads in one round trip
    items = queue_rnn_step(batch, batch.call(student.RNN, EX_WX, EX_WH, EX_B), EX_X_STEP, EX_H_PREV, dh_next)
    got = take_rnn_step(batch.in_order(), items)

    def diagnosis():
        no_tanh = bptt(EX_X_STEP[:, None], EX_WX, EX_WH, EX_B, dh_next[:, None], EX_H_PREV, tanh_derivative=False)
        if _matches(got["dx"], no_tanh["dxs"][:, 0]):
            return "missing_tanh_derivative", "backward must go through tanh first: dt = dh_next * (1 - h_next**2)"
        return None, None

    expect_results(got, expected, "RNN", steps=1, names=tuple(expected), diagnosis=diagnosis)


@check(points=3, title_ko="TimeRNN 공개 예제: hs, dxs, 모든 시각에 걸쳐 더한 grads, dh.")
def lecture_time_rnn(student, reference):
    """TimeRNN on the statement's example: hs, dxs, grads summed over time, dh."""
    dhs = np.ones((2, 3, 3))
    ref = reference.TimeRNN(EX_WX.copy(), EX_WH.copy(), EX_B.copy())
    expected = {"hs": ref.forward(EX_XS), "dxs": ref.backward(dhs), "dWx": ref.grads[0], "dWh": ref.grads[1],
                "db": ref.grads[2], "dh": ref.dh}
    batch = student.batch()
    items = queue_forward_backward(batch, batch.call(student.TimeRNN, EX_WX, EX_WH, EX_B), EX_XS, dhs)
    got = take_forward_backward(batch.in_order(), items)
    expect_results(got, expected, "TimeRNN (statement example)", steps=3,
                   diagnosis=lambda: diagnose(got, EX_XS, EX_WX, EX_WH, EX_B, dhs))


def _keep_grads(student, cases):
    """Each case's arrays placed in the sandbox, all in one round trip (``Batch.keep``), for
    clip_grads to change in place: RemoteObjects that a later batch passes and fetches."""
    batch = student.batch()
    queued = [[batch.keep(np.array(g, dtype=g.dtype if isinstance(g, np.ndarray) else np.float64)) for g in grads]
              for grads in cases]
    values = batch.run()
    return [[values[item] for item in items] for items in queued]


def _queue_clip(batch, student, kept, max_norm):
    """Queue clip_grads(kept, max_norm), then reading each kept array."""
    return batch.call(student.clip_grads, kept, max_norm), [batch.fetch(k) for k in kept]


def _take_clip(take, items):
    """_queue_clip's values: the arrays' values after the call, and what it returned."""
    returned, fetched = items
    returned = take(returned)
    return [take(f) for f in fetched], returned


def _clip_failure(failure, grads, max_norm, after, returned):
    """A clip_grads failure, with the mistake named when it is recognisable."""
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    if all(isinstance(a, np.ndarray) and a.shape == g.shape and np.array_equal(a, g) for a, g in zip(after, grads)):
        more = " (it returned new arrays, which the caller never sees)" if returned is not None else ""
        return CheckFailed(failure + f"\nlikely mistake: the arrays were not changed in place{more}; "
                                     "scale them with g *= rate", mistake="clip_not_in_place")
    per_tensor = [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]
    if all(_matches(a, p) for a, p in zip(after, per_tensor)):
        return CheckFailed(failure + "\nlikely mistake: each array was clipped by its own norm; use one norm "
                                     "over all the arrays together", mistake="clip_per_tensor_norm")
    return CheckFailed(failure)


@check(points=1,
       title_ko="clip_grads 제자리 갱신: max_norm 1에서 [3, 4] → [0.6, 0.8]; [3], [[4]] → [0.6], [[0.8]]; [0.3, 0.4]는 그대로.")
def lecture_clip_grads(student):
    """clip_grads in place: [3, 4] at max_norm 1 → [0.6, 0.8]; [3], [[4]] → [0.6], [[0.8]]; [0.3, 0.4] unchanged."""
    kept = _keep_grads(student, [grads for grads, _max_norm, _want in CLIP_CASES])
    batch = student.batch()  # the three calls and the arrays after each, judged case by case
    queued = [_queue_clip(batch, student, k, max_norm) for k, (_grads, max_norm, _want) in zip(kept, CLIP_CASES)]
    take = batch.in_order()
    for items, (grads, max_norm, want) in zip(queued, CLIP_CASES):
        after, returned = _take_clip(take, items)
        shown = ", ".join(str(g) for g in grads)
        for i, (got, expected) in enumerate(zip(after, want)):
            failure = compare(got, np.array(expected), what=f"clip_grads([{shown}], {max_norm}): grads[{i}] after",
                              tolerance=clip_tolerance(got))
            if failure:
                raise _clip_failure(failure, grads, max_norm, after, returned)


# ----------------------------------------------------------------------------- hidden checks
@check(points=2, hidden=True, title_ko="RNN: 무작위 형상에서 한 시각의 순전파와 역전파를 GradientTape와 비교.")
def random_rnn_step(student, rng):
    """RNN: one step forward and backward on random shapes, against GradientTape."""
    cases = [_case_with_state(rng, t=(1, 1)) for _ in range(4)]
    batch = student.batch()  # the four cases in one round trip
    queued = [queue_rnn_step(batch, batch.call(student.RNN, Wx, Wh, b), xs[:, 0], h_prev, dhs[:, 0])
              for xs, Wx, Wh, b, dhs, h_prev in cases]
    take = batch.in_order()
    for case, ((xs, Wx, Wh, b, dhs, h_prev), items) in enumerate(zip(cases, queued)):
        ref = float64_results(xs, Wx, Wh, b, dhs, h_prev)
        got = take_rnn_step(take, items)
        expected = {"h_next": ref["hs"][:, 0], "dx": ref["dxs"][:, 0], "dh_prev": ref["dh"], "dWx": ref["dWx"],
                    "dWh": ref["dWh"], "db": ref["db"]}

        def diagnosis():
            wrong = bptt(xs, Wx, Wh, b, dhs, h_prev, tanh_derivative=False)
            if _matches(got["dx"], wrong["dxs"][:, 0]):
                return "missing_tanh_derivative", "backward must go through tanh: dt = dh_next * (1 - h_next**2)"
            return None, None

        expect_results(got, expected, f"case {case + 1}: RNN", steps=1, names=tuple(expected), diagnosis=diagnosis)


@check(points=3, hidden=True, title_ko="무작위 N, T, D, H의 TimeRNN: hs, dxs, grads, dh를 순환 전체를 미분한 GradientTape와 비교.")
def random_time_rnn(student, rng):
    """TimeRNN on random N, T, D, H: hs, dxs, grads and dh against GradientTape through the recurrence."""
    judge_time_rnn_cases(student, [_case(rng, t=(2, 8)) for _ in range(5)], "TimeRNN")


@check(points=1, hidden=True,
       title_ko="TimeRNN.forward가 같은 가중치의 tf.keras.layers.SimpleRNN(return_sequences=True)과 같습니다.")
def random_time_rnn_vs_keras(student, rng):
    """TimeRNN.forward equals tf.keras.layers.SimpleRNN(return_sequences=True) with the same weights."""
    cases = [_case(rng, t=(2, 8)) for _ in range(3)]
    batch = student.batch()
    queued = [batch.call(batch.attr(batch.call(student.TimeRNN, Wx, Wh, b), "forward"), xs)
              for xs, Wx, Wh, b, _ in cases]
    take = batch.in_order()
    for case, ((xs, Wx, Wh, b, dhs), item) in enumerate(zip(cases, queued)):
        hs = take(item)
        expect_close(hs, float64_hs(xs, Wx, Wh, b), what=f"case {case + 1}: TimeRNN.forward(xs)",
                     tolerance=result_tolerance(hs, xs.shape[1]))


@check(points=2, hidden=True, title_ko="forward가 맞고, 여러분의 forward로 sum(hs * dhs)를 중심 차분한 값이 backward의 grads와 일치합니다.")
def gradient_check_own_forward(student, rng):
    """Your forward is right, and central differences of it, sum(hs * dhs), agree with your backward's grads."""
    xs, Wx, Wh, b, dhs = gradient_check_case(rng)
    params = [Wx, Wh, b]
    batch = student.batch()  # the layer, forward, backward and .grads in one round trip
    layer = batch.call(student.TimeRNN, Wx, Wh, b)
    items = (batch.call(batch.attr(layer, "forward"), xs), batch.call(batch.attr(layer, "backward"), dhs),
             batch.attr(layer, "grads"))
    take = batch.in_order()
    hs, _dxs, analytic = (take(item) for item in items)
    analytic = _checked_grads(analytic, "TimeRNN")
    if not isinstance(hs, np.ndarray) or hs.shape != dhs.shape:
        raise CheckFailed(f"TimeRNN.forward(xs): expected an array of shape {dhs.shape}, got "
                          f"{hs.shape if isinstance(hs, np.ndarray) else type(hs).__name__}")
    # Agreeing with one's own forward is worth something only if that forward is right: a
    # forward and backward that give zeros agree perfectly.
    expect_close(hs, float64_hs(xs, Wx, Wh, b), what="TimeRNN.forward(xs)",
                 tolerance=result_tolerance(hs, xs.shape[1]))
    # A float32 forward (the textbook's hs = np.empty(..., 'f')) is only good to ~1e-7, so
    # the step must be larger: measured over 150 random cases, the worst relative error of
    # a correct float32 forward is 1.3e-4 at h = 1e-3 (1e-2 at h = 1e-5); a correct float64
    # one 1.2e-9 at h = 1e-5.  The classic mistakes give errors of 0.1 and more.
    step, limit = (1e-3, 1e-3) if hs.dtype == np.float32 else (1e-5, 1e-6)

    # Every perturbed forward (a new TimeRNN at each point, then its forward) in one round trip.
    batch, outs = student.batch(), []
    for k in range(len(params)):
        for index in np.ndindex(params[k].shape):
            for sign in (1, -1):
                p = [q.copy() for q in params]
                p[k][index] += sign * step
                outs.append(batch.call(batch.call(student.TimeRNN, *p).forward, xs))
    results = batch.run()
    losses = iter([float(np.sum(np.asarray(results[out], dtype=np.float64) * dhs)) for out in outs])

    for k, name in enumerate(("dWx", "dWh", "db")):
        numeric = np.zeros_like(params[k])
        for index in np.ndindex(params[k].shape):
            numeric[index] = (next(losses) - next(losses)) / (2 * step)
        got = analytic[k]
        if not isinstance(got, np.ndarray) or got.shape != numeric.shape:
            raise CheckFailed(f"TimeRNN.grads ({name}): expected an array of shape {numeric.shape}, got "
                              f"{got.shape if isinstance(got, np.ndarray) else type(got).__name__}")
        error = np.abs(got.astype(np.float64) - numeric)
        relative = float(error.max() / max(np.abs(got).max(), np.abs(numeric).max(), 1.0))
        if not relative <= limit:
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
            raise CheckFailed(f"gradient check of {name}: your backward's {name} differs from central differences "
                              f"of your own forward (step {step:g}) by a relative error of {relative:.3g} "
                              f"(allowed {limit:g}); largest at index {worst}")


@check(points=2, hidden=True, title_ko="stateful=True: 두 블록의 forward를 이어 붙이면 긴 forward 한 번과 같습니다.")
def stateful_two_blocks(student, rng):
    """stateful=True: two forward blocks, concatenated, equal one long forward."""
    xs, Wx, Wh, b, dhs, split = _split_case(rng)
    whole = float64_hs(xs, Wx, Wh, b)
    batch = student.batch()
    forward = batch.attr(batch.call(student.TimeRNN, Wx, Wh, b, stateful=True), "forward")
    items = batch.call(forward, xs[:, :split]), batch.call(forward, xs[:, split:])
    take = batch.in_order()
    first = take(items[0])
    expect_close(first, whole[:, :split], what="first block: forward(xs[:, :k])",
                 tolerance=result_tolerance(first, split))
    second = take(items[1])
    failure = compare(second, whole[:, split:], what="second block: forward(xs[:, k:]) must continue from the "
                      "first block's last h", tolerance=result_tolerance(second, xs.shape[1]))
    if failure:
        restarted = _matches(second, bptt(xs[:, split:], Wx, Wh, b, dhs[:, split:])["hs"])
        raise CheckFailed(failure + ("\nlikely mistake: the second block started again from h = 0; with "
                                     "stateful=True it starts from self.h" if restarted else ""),
                          mistake="stateful_ignored" if restarted else None)


@check(points=2, hidden=True, title_ko="Truncated BPTT: 두 번째 블록의 backward는 블록 시작에서 멈추고, .dh는 이어받은 h에 대한 기울기입니다.")
def stateful_backward_stops_at_block(student, rng):
    """Truncated BPTT: the second block's backward stops at its start; .dh is the gradient w.r.t. the carried h."""
    xs, Wx, Wh, b, _, split = _split_case(rng)
    second_dhs = rng.normal(0, 1, (xs.shape[0], xs.shape[1] - split, Wx.shape[1]))
    batch = student.batch()
    layer = batch.call(student.TimeRNN, Wx, Wh, b, stateful=True)
    batch.call(batch.attr(layer, "forward"), xs[:, :split])
    items = queue_forward_backward(batch, layer, xs[:, split:], second_dhs)
    got = take_forward_backward(batch.in_order(), items, "TimeRNN")
    expected = cut_backward_results(xs, Wx, Wh, b, split, second_dhs)

    def diagnosis():
        crossed = bptt(xs, Wx, Wh, b, np.concatenate([np.zeros((xs.shape[0], split, Wx.shape[1])), second_dhs], 1))
        if _matches(got["dWx"], crossed["dWx"]) or _matches(got["dh"], crossed["dh"]):
            return "backward_crosses_blocks", ("the second block's backward went on into the first block's steps: "
                                               "keep only this forward's layers")
        return None, None

    expect_results(got, expected, "second stateful block", steps=xs.shape[1] - split, diagnosis=diagnosis)


@check(points=1, hidden=True,
       title_ko="set_state(h) 뒤 stateful forward는 h에서 시작하고 (.dh는 그 기울기), reset_state() 뒤에는 0에서 시작합니다.")
def set_state_and_reset_state(student, rng):
    """set_state(h) makes the next stateful forward start from h (.dh is its gradient); reset_state() from zeros."""
    xs, Wx, Wh, b, dhs, h0 = _case_with_state(rng, t=(2, 5))
    batch = student.batch()
    layer = batch.call(student.TimeRNN, Wx, Wh, b, stateful=True)
    batch.call(batch.attr(layer, "set_state"), h0)
    items = queue_forward_backward(batch, layer, xs, dhs)
    batch.call(batch.attr(layer, "reset_state"))
    restarted = batch.call(batch.attr(layer, "forward"), xs)
    take = batch.in_order()
    got = take_forward_backward(take, items)
    expect_results(got, float64_results(xs, Wx, Wh, b, dhs, h0), "after set_state(h)", steps=xs.shape[1])
    hs = take(restarted)
    expect_close(hs, float64_hs(xs, Wx, Wh, b), what="after reset_state(): forward(xs)",
                 tolerance=result_tolerance(hs, xs.shape[1]))


@check(points=1, hidden=True, title_ko="stateful=False: 앞에서 무엇을 했든 forward는 매번 h = 0에서 시작합니다.")
def not_stateful_restarts(student, rng):
    """stateful=False: every forward starts from h = 0, whatever came before."""
    xs, Wx, Wh, b, dhs, split = _split_case(rng)
    batch = student.batch()
    forward = batch.attr(batch.call(student.TimeRNN, Wx, Wh, b), "forward")
    batch.call(forward, xs[:, :split])
    second = batch.call(forward, xs[:, split:])
    hs = batch.in_order()(second)
    failure = compare(hs, float64_hs(xs[:, split:], Wx, Wh, b),
                      what="second forward of a stateful=False layer", tolerance=result_tolerance(hs, xs.shape[1]))
    if failure:
        carried = _matches(hs, bptt(xs, Wx, Wh, b, dhs)["hs"][:, split:])
        raise CheckFailed(failure + ("\nlikely mistake: the state was carried over although stateful=False"
                                     if carried else ""), mistake="stateful_ignored" if carried else None)


@check(points=2, hidden=True, title_ko="float32 입력, T는 32까지: float64 GradientTape와 float32 반올림 오차(T에 따라 커짐) 안에서 일치.")
def float32_inputs(student, rng):
    """float32 inputs, T up to 32: results within float32 rounding (growing with T) of float64 GradientTape."""
    judge_time_rnn_cases(student, [_float32_case(rng, t) for t in (6, 16, 32)], "float32 TimeRNN")


def _clip_case(rng, dtype=np.float64):
    d, h = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    # Different scales per array, so that one norm per array and one global norm differ.
    return [(rng.normal(0, s, shape)).astype(dtype) for s, shape in ((3.0, (d, h)), (1.0, (h, h)), (0.3, (h,)))]


@check(points=2, hidden=True, title_ko="clip_grads는 모든 배열에 제자리에서 max_norm / (하나의 전체 L2 노름)을 곱합니다 (float64, float32).")
def clip_grads_global_norm(student, rng):
    """clip_grads scales every array in place by max_norm / (one global L2 norm), float64 and float32."""
    cases = []
    for dtype in (np.float64, np.float64, np.float32):
        grads = _clip_case(rng, dtype)
        norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
        if norm < 2.0:  # rare: keep max_norm ≥ 1 (clip_tolerance) and clearly below the norm
            grads = [(g * (2.0 / norm)).astype(dtype) for g in grads]
            norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
        cases.append((dtype, grads, norm, float(np.round(rng.uniform(1.0, 0.8 * norm), 3))))
    kept = _keep_grads(student, [grads for _dtype, grads, _norm, _max_norm in cases])
    batch = student.batch()  # the three calls and the arrays after each, judged case by case
    queued = [_queue_clip(batch, student, k, case[3]) for k, case in zip(kept, cases)]
    take = batch.in_order()
    for case, ((dtype, grads, norm, max_norm), items) in enumerate(zip(cases, queued)):
        after, returned = _take_clip(take, items)
        what = f"case {case + 1}: clip_grads(3 {np.dtype(dtype).name} arrays, max_norm)"
        for i, (got, g) in enumerate(zip(after, grads)):
            failure = compare(got, g.astype(np.float64) * (max_norm / norm), tolerance=clip_tolerance(got),
                              what=f"{what}: grads[{i}]")
            if failure:
                raise _clip_failure(failure, grads, max_norm, after, returned)


@check(points=1, hidden=True,
       title_ko="전체 노름이 max_norm보다 작으면 clip_grads는 배열을 그대로 두고, 같은 배열에 더 작은 max_norm을 주면 줄입니다.")
def clip_grads_below_threshold(student, rng):
    """clip_grads leaves the arrays unchanged when the global norm is below max_norm, and scales them for a smaller one."""
    grads = _clip_case(rng)
    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    max_norm = float(np.round(norm * rng.uniform(1.5, 3.0), 3))
    # Leaving arrays alone is what code that does nothing does: the same arrays, then given a
    # max_norm below their norm, must be scaled in the same check.
    smaller = float(np.round(rng.uniform(0.3, 0.8) * norm, 3))
    kept = _keep_grads(student, [grads])[0]
    batch = student.batch()
    items = _queue_clip(batch, student, kept, max_norm)
    clipped = _queue_clip(batch, student, kept, smaller)
    take = batch.in_order()
    after, _ = _take_clip(take, items)
    for i, (got, g) in enumerate(zip(after, grads)):
        expect_close(got, g, what=f"clip_grads(grads, max_norm above their norm): grads[{i}]")
    after, returned = _take_clip(take, clipped)
    for i, (got, g) in enumerate(zip(after, grads)):
        failure = compare(got, g * (smaller / norm), tolerance=clip_tolerance(got),
                          what=f"then clip_grads(the same grads, max_norm below their norm): grads[{i}]")
        if failure:
            raise _clip_failure(failure, grads, smaller, after, returned)


@check(points=1, hidden=True, title_ko="forward와 backward는 맞는 값을 돌려주고 xs, dhs, x, h_prev, dh_next와 가중치를 바꾸지 않습니다.")
def inputs_not_modified(student, rng):
    """forward and backward give right results and leave xs, dhs, x, h_prev, dh_next and the weights unchanged."""
    xs, Wx, Wh, b, dhs, h_prev = inputs_case(rng)
    batch = student.batch()  # the weights placed in the sandbox, shared by both layers
    kept = [batch.keep(w.copy(), name) for w, name in zip((Wx, Wh, b), ("Wx", "Wh", "b"))]
    values = batch.run()
    weights = [values[item] for item in kept]
    # One round trip: each layer, then forward and backward, each call sending back its
    # arguments as they are afterwards (call_seeing_inputs), then the weights read back;
    # judged in the order of the calls.  A method the layer lacks fails when it is reached.
    batch = student.batch()
    layer = batch.call(student.TimeRNN, *weights)
    time_calls = (batch.call_seeing_inputs(batch.attr(layer, "forward"), xs),
                  batch.call_seeing_inputs(batch.attr(layer, "backward"), dhs))
    try:
        rnn_class = student.RNN
    except StudentCodeError as missing:  # raised once the TimeRNN calls before it are judged
        rnn_class, step_calls, fetched = missing, (), ()
    else:
        step = batch.call(rnn_class, *weights)
        step_calls = (batch.call_seeing_inputs(batch.attr(step, "forward"), xs[:, 0], h_prev),
                      batch.call_seeing_inputs(batch.attr(step, "backward"), dhs[:, 0]))
        fetched = [batch.fetch(w) for w in weights]
    take = batch.in_order()
    # Leaving inputs alone is what code that does nothing does: each result must be right too.
    whole = float64_results(xs, Wx, Wh, b, dhs)
    step_ref = float64_results(xs[:, :1], Wx, Wh, b, dhs[:, :1], h_prev)
    steps = xs.shape[1]
    hs, after, _ = take(time_calls[0])
    expect_close(hs, whole["hs"], what="TimeRNN.forward(xs)", tolerance=result_tolerance(hs, steps))
    expect_unchanged(xs, after[0], what="TimeRNN.forward: argument xs")
    dxs, after, _ = take(time_calls[1])
    expect_close(dxs, whole["dxs"], what="TimeRNN.backward(dhs)", tolerance=result_tolerance(dxs, steps))
    expect_unchanged(dhs, after[0], what="TimeRNN.backward: argument dhs")
    if isinstance(rnn_class, Exception):
        raise rnn_class
    h_next, after, _ = take(step_calls[0])
    expect_close(h_next, step_ref["hs"][:, 0], what="RNN.forward(x, h_prev)", tolerance=result_tolerance(h_next, 1))
    expect_unchanged(xs[:, 0], after[0], what="RNN.forward: argument x")
    expect_unchanged(h_prev, after[1], what="RNN.forward: argument h_prev")
    pair, after, _ = take(step_calls[1])
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise CheckFailed(f"RNN.backward(dh_next): expected a pair (dx, dh_prev), got {describe(pair)}")
    for got, want, name in zip(pair, (step_ref["dxs"][:, 0], step_ref["dh"]), ("dx", "dh_prev")):
        expect_close(got, want, what=f"RNN.backward(dh_next): {name}", tolerance=result_tolerance(got, 1))
    expect_unchanged(dhs[:, 0], after[0], what="RNN.backward: argument dh_next")
    for w, item, name in zip((Wx, Wh, b), fetched, ("Wx", "Wh", "b")):
        expect_unchanged(w, take(item), what=f"the weight {name} (after forward and backward)")


@check(points=1, hidden=True, title_ko="옵티마이저가 같은 배열을 보도록 backward는 맞는 기울기를 .grads의 배열에 제자리로 씁니다 (grads[i][...] = …).")
def grads_written_in_place(student, rng):
    """backward writes the right gradients into the arrays of .grads (grads[i][...] = …), as the optimizers expect."""
    xs, Wx, Wh, b, dhs = in_place_case(rng)
    (n, t, _d), h = xs.shape, Wx.shape[1]
    # One round trip per class: the layer, its .grads arrays held (references, not
    # copies), forward, backward and .grads read again; the held arrays are read back at
    # the start of the next round trip, before the next class's calls.
    held = None
    for cls, forward_args, grad_in in (("RNN", (xs[:, 0], np.zeros((n, h))), dhs[:, 0]), ("TimeRNN", (xs,), dhs)):
        batch = student.batch()
        before = [batch.fetch(ref) for ref in held[1]] if held else []
        layer = batch.call(getattr(student, cls), Wx, Wh, b)
        grads = layer.grads
        refs = [grads[i] for i in range(3)]
        batch.call(batch.attr(layer, "forward"), *forward_args)
        batch.call(batch.attr(layer, "backward"), grad_in)
        now = batch.attr(layer, "grads")
        take = batch.in_order()
        if held:
            _expect_written_in_place(held[0], [take(item) for item in before], held[2])
        held = (cls, [take(ref) for ref in refs], take(now))
        # Arrays that backward never touches are "written in place" too: the grads must be right.
        ref = (float64_results(xs[:, :1], Wx, Wh, b, dhs[:, :1], np.zeros((n, h))) if cls == "RNN"
               else float64_results(xs, Wx, Wh, b, dhs))
        grads = _checked_grads(held[2], cls)
        for got, name in zip(grads, ("dWx", "dWh", "db")):
            expect_close(got, ref[name], what=f"{cls}.grads ({name}) after backward",
                         tolerance=result_tolerance(got, 1 if cls == "RNN" else t))
    batch = student.batch()
    before = [batch.fetch(ref) for ref in held[1]]
    take = batch.in_order()
    _expect_written_in_place(held[0], [take(item) for item in before], held[2])


def _expect_written_in_place(cls, before, now):
    """grads_written_in_place: each array of .grads held before backward has .grads' value after it."""
    for i, name in enumerate(("dWx", "dWh", "db")):
        if not (isinstance(before[i], np.ndarray) and isinstance(now[i], np.ndarray)
                and before[i].shape == now[i].shape and np.array_equal(before[i], now[i], equal_nan=True)):
            raise CheckFailed(f"{cls}.backward replaced grads[{i}] ({name}) with a new array instead of writing "
                              f"into it: use self.grads[{i}][...] = {name}, so that code holding the "
                              "grads list (an optimizer) sees the new values", mistake="grads_not_in_place")
