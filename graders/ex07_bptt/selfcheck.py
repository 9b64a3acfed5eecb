"""Self-checks of ex07_bptt: your backward against your own forward, no expected values.

They ship in the student bundle and run with ``dlgrade check`` at home: central
differences of your own forward against your backward (RNN and TimeRNN, every gradient),
TimeRNN against your RNN steps, stateful blocks against one long forward of yours, the
second block's backward against a new layer of yours started where the block starts, and
.grads written in place.  None of them knows a right answer, so passing them is not full
marks: the hidden checks decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, compare, describe, self_check


def own_array(value, what, shape=None):
    """One of your results used as the other side of a comparison: a float array (of ``shape``)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf" or (shape and value.shape != shape):
        raise CheckFailed(f"{what}: expected a numpy.ndarray of numbers{f' of shape {shape}' if shape else ''}, "
                          f"got {value.shape if isinstance(value, np.ndarray) else describe(value)}")
    return value.astype(np.float64)


def rtol_for(*values, steps=1):
    """Your results against each other: float64 rounding, or float32's when any of them (your
    forward's hs, as the textbook stores them) is float32."""
    low = any(getattr(v, "dtype", None) == np.float32 for v in values)
    return 1e-4 * steps if low else 1e-9


def agree(got, mine, what, steps=1, rtol=None):
    failure = compare(got, mine, what=what, rtol=rtol or rtol_for(got, mine, steps=steps), hidden=False)
    if failure:
        raise CheckFailed(failure)


def weights(rng, d, h):
    return rng.normal(0, 0.6, (d, h)), rng.normal(0, 0.6, (h, h)), rng.normal(0, 0.3, h)


def step_and_limit(value):
    """Central-difference step and allowed relative error: a float32 forward is good to ~1e-7
    only, so its step is larger (as in the graded gradient check)."""
    return (1e-3, 1e-3) if getattr(value, "dtype", None) == np.float32 else (1e-5, 1e-6)


def expect_gradient(name, analytic, numeric, step, limit, whose):
    analytic = own_array(analytic, f"{whose} {name}", numeric.shape)
    error = np.abs(analytic - numeric)
    relative = float(error.max() / max(np.abs(analytic).max(), np.abs(numeric).max(), 1.0))
    if not relative <= limit:
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
        raise CheckFailed(f"gradient check of {name}: your backward's {name} differs from central differences of "
                          f"your own forward (step {step:g}) by a relative error of {relative:.3g} (allowed "
                          f"{limit:g}); largest at index {worst}")


def numeric_gradients(student, build, inputs, loss_of, step):
    """Central differences of ``loss_of(forward output)`` with respect to every entry of every
    array of ``inputs`` (a dict), each forward made by ``build(batch, perturbed inputs)``,
    all of them in one round trip."""
    batch, outs = student.batch(), []
    for name, array in inputs.items():
        for index in np.ndindex(array.shape):
            for sign in (1, -1):
                changed = {k: v.copy() for k, v in inputs.items()}
                changed[name][index] += sign * step
                outs.append(build(batch, changed))
    values = batch.run()
    losses = iter(loss_of(values[out]) for out in outs)
    grads = {}
    for name, array in inputs.items():
        g = np.zeros(array.shape)
        for index in np.ndindex(array.shape):
            g[index] = (next(losses) - next(losses)) / (2 * step)
        grads[name] = g
    return grads


@self_check(title_ko="RNN: backward의 dx, dh_prev, grads가 여러분의 forward를 중심 차분한 값과 같습니다.")
def rnn_backward_matches_your_forward(student, rng):
    """RNN: backward's dx, dh_prev and grads agree with central differences of your own forward."""
    n, d, h = 2, 3, 2
    Wx, Wh, b = weights(rng, d, h)
    x, h_prev, dh = rng.normal(size=(n, d)), rng.normal(0, 0.5, (n, h)), rng.normal(size=(n, h))
    batch = student.batch()
    layer = batch.call(student.RNN, Wx, Wh, b)
    items = (batch.call(batch.attr(layer, "forward"), x, h_prev), batch.call(batch.attr(layer, "backward"), dh),
             batch.attr(layer, "grads"))
    take = batch.in_order()
    h_next = take(items[0])
    own_array(h_next, "RNN.forward(x, h_prev)", (n, h))
    back = take(items[1])
    if not isinstance(back, tuple) or len(back) != 2:
        raise CheckFailed(f"RNN.backward(dh_next) must return (dx, dh_prev), got {describe(back)}")
    grads = take(items[2])
    if not isinstance(grads, list) or len(grads) != 3:
        raise CheckFailed(f"RNN.grads must be a list [dWx, dWh, db], got {describe(grads)}")
    step, limit = step_and_limit(h_next)
    numeric = numeric_gradients(
        student, lambda bt, v: bt.call(bt.attr(bt.call(student.RNN, v["Wx"], v["Wh"], v["b"]), "forward"),
                                       v["x"], v["h_prev"]),
        {"Wx": Wx, "Wh": Wh, "b": b, "x": x, "h_prev": h_prev},
        lambda out: float(np.sum(own_array(out, "RNN.forward(x, h_prev)") * dh)), step)
    for name, got in (("dx", back[0]), ("dh_prev", back[1]), ("dWx", grads[0]), ("dWh", grads[1]), ("db", grads[2])):
        source = {"dx": "x", "dh_prev": "h_prev"}.get(name, name[1:])
        expect_gradient(name, got, numeric[source], step, limit, "RNN.backward:")


@self_check(title_ko="TimeRNN: backward의 dxs, grads(시간에 걸친 합), .dh가 여러분의 forward를 중심 차분한 값과 같습니다.")
def time_rnn_backward_matches_your_forward(student, rng):
    """TimeRNN: backward's dxs, grads (summed over time) and .dh agree with central differences of your own forward."""
    n, t, d, h = 2, 3, 2, 2
    Wx, Wh, b = weights(rng, d, h)
    xs, h0, dhs = rng.normal(size=(n, t, d)), rng.normal(0, 0.5, (n, h)), rng.normal(size=(n, t, h))
    batch = student.batch()
    layer = batch.call(student.TimeRNN, Wx, Wh, b, stateful=True)
    batch.call(batch.attr(layer, "set_state"), h0)
    items = (batch.call(batch.attr(layer, "forward"), xs), batch.call(batch.attr(layer, "backward"), dhs),
             batch.attr(layer, "grads"), batch.attr(layer, "dh"))
    take = batch.in_order()
    hs = take(items[0])
    own_array(hs, "TimeRNN.forward(xs)", (n, t, h))
    dxs, grads, dh = take(items[1]), take(items[2]), take(items[3])
    if not isinstance(grads, list) or len(grads) != 3:
        raise CheckFailed(f"TimeRNN.grads must be a list [dWx, dWh, db], got {describe(grads)}")
    step, limit = step_and_limit(hs)

    def build(bt, v):
        fresh = bt.call(student.TimeRNN, v["Wx"], v["Wh"], v["b"], stateful=True)
        bt.call(bt.attr(fresh, "set_state"), v["h0"])
        return bt.call(bt.attr(fresh, "forward"), v["xs"])

    numeric = numeric_gradients(student, build, {"Wx": Wx, "Wh": Wh, "b": b, "xs": xs, "h0": h0},
                                lambda out: float(np.sum(own_array(out, "TimeRNN.forward(xs)") * dhs)), step)
    for name, got, source in (("dWx", grads[0], "Wx"), ("dWh", grads[1], "Wh"), ("db", grads[2], "b"),
                              ("dxs", dxs, "xs"), ("dh (the gradient w.r.t. the state set by set_state)", dh, "h0")):
        expect_gradient(name, got, numeric[source], step, limit, "TimeRNN.backward:")


@self_check(title_ko="TimeRNN.forward는 h = 0에서 시작해 여러분의 RNN.forward를 시각마다 이어 붙인 것과 같습니다.")
def time_rnn_chains_your_rnn_steps(student, rng):
    """TimeRNN.forward equals your RNN.forward applied step after step from h = 0."""
    n, t, d, h = 2, 4, 3, 2
    Wx, Wh, b = weights(rng, d, h)
    xs = rng.normal(size=(n, t, d))
    hs = student.TimeRNN(Wx, Wh, b).forward(xs)
    own_array(hs, "TimeRNN.forward(xs)", (n, t, h))
    h_prev = np.zeros((n, h), dtype=hs.dtype)
    for step in range(t):
        h_prev = student.RNN(Wx, Wh, b).forward(xs[:, step], h_prev)
        agree(hs[:, step], own_array(h_prev, f"RNN.forward(xs[:, {step}], h)", (n, h)),
              f"TimeRNN.forward(xs)[:, {step}] against your RNN.forward step by step from h = 0", t, rtol_for(hs, steps=t))


@self_check(title_ko="stateful=True: 두 블록의 forward를 이어 붙이면 여러분의 긴 forward 한 번과 같고, stateful=False는 매번 0에서 시작합니다.")
def stateful_blocks_continue_and_stateless_restarts(student, rng):
    """stateful=True: two forward blocks equal your one long forward; stateful=False restarts from h = 0 each time."""
    n, t, d, h = 2, 6, 2, 3
    Wx, Wh, b = weights(rng, d, h)
    xs = rng.normal(size=(n, t, d))
    split = int(rng.integers(2, t - 1))
    batch = student.batch()
    whole = batch.call(batch.attr(batch.call(student.TimeRNN, Wx, Wh, b), "forward"), xs)
    forward = batch.attr(batch.call(student.TimeRNN, Wx, Wh, b, stateful=True), "forward")
    blocks = batch.call(forward, xs[:, :split]), batch.call(forward, xs[:, split:])
    plain = batch.attr(batch.call(student.TimeRNN, Wx, Wh, b), "forward")
    batch.call(plain, xs[:, :split])
    again = batch.call(plain, xs[:, split:])
    fresh = batch.call(batch.attr(batch.call(student.TimeRNN, Wx, Wh, b), "forward"), xs[:, split:])
    take = batch.in_order()
    long = take(whole)
    mine = own_array(long, "TimeRNN.forward(xs)", (n, t, h))
    first, second = take(blocks[0]), take(blocks[1])
    rtol = rtol_for(long, first, second, steps=t)
    agree(first, mine[:, :split], "stateful=True, first block forward(xs[:, :k]) against your forward(xs)[:, :k]",
          rtol=rtol)
    failure = compare(second, mine[:, split:], hidden=False, rtol=rtol,
                      what="stateful=True, second block forward(xs[:, k:]) against your forward(xs)[:, k:]: it "
                           "must go on from the first block's last h")
    restarted = own_array(take(fresh), "a new layer's forward(xs[:, k:])")
    if failure:
        started_over = compare(second, restarted, hidden=False, report=False) is None
        raise CheckFailed(failure + ("\nlikely mistake: the second block started again from h = 0; with "
                                     "stateful=True it starts from self.h" if started_over else ""),
                          mistake="stateful_ignored" if started_over else None)
    failure = compare(take(again), restarted, hidden=False, rtol=rtol, what="stateful=False, the second forward against a new "
                      "layer's forward of the same xs: every forward starts from h = 0")
    if failure:
        raise CheckFailed(failure + "\nlikely mistake: the state was carried over although stateful=False",
                          mistake="stateful_ignored")


@self_check(title_ko="Truncated BPTT: 두 번째 블록의 backward는 그 블록의 시작에서 시작한 새 층(set_state)의 backward와 같습니다.")
def second_block_backward_stops_at_its_start(student, rng):
    """Truncated BPTT: the second block's backward equals that of a new layer of yours started (set_state) where the block starts."""
    n, t, d, h = 2, 5, 2, 3
    Wx, Wh, b = weights(rng, d, h)
    xs, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, t - 2, h))
    batch = student.batch()
    layer = batch.call(student.TimeRNN, Wx, Wh, b, stateful=True)
    first = batch.call(batch.attr(layer, "forward"), xs[:, :2])
    batch.call(batch.attr(layer, "forward"), xs[:, 2:])
    items = (batch.call(batch.attr(layer, "backward"), dhs), batch.attr(layer, "grads"), batch.attr(layer, "dh"))
    take = batch.in_order()
    hs_first = take(first)
    h_start = own_array(hs_first, "stateful forward(xs[:, :2])", (n, 2, h))[:, -1].astype(hs_first.dtype)
    got = [take(item) for item in items]
    batch = student.batch()
    fresh = batch.call(student.TimeRNN, Wx, Wh, b, stateful=True)
    batch.call(batch.attr(fresh, "set_state"), h_start)
    batch.call(batch.attr(fresh, "forward"), xs[:, 2:])
    items = (batch.call(batch.attr(fresh, "backward"), dhs), batch.attr(fresh, "grads"), batch.attr(fresh, "dh"))
    take = batch.in_order()
    mine = [take(item) for item in items]
    rtol = rtol_for(hs_first, steps=t)
    for label, g, m in (("dxs", got[0], mine[0]), ("dh", got[2], mine[2])):
        agree(g, own_array(m, f"the new layer's {label}"), f"second block: {label} against a new layer's {label}",
              rtol=rtol)
    if not isinstance(got[1], list) or not isinstance(mine[1], list) or len(got[1]) != 3 or len(mine[1]) != 3:
        raise CheckFailed(f"TimeRNN.grads must be a list [dWx, dWh, db], got {describe(got[1])}")
    for name, g, m in zip(("dWx", "dWh", "db"), got[1], mine[1]):
        failure = compare(g, own_array(m, f"the new layer's {name}"), hidden=False, rtol=rtol,
                          what=f"second stateful block: {name} against a new layer started with set_state(h) at the "
                               "block's first step")
        if failure:
            raise CheckFailed(failure + "\nlikely mistake: the second block's backward went on into the first "
                                        "block's steps; keep only this forward's layers (truncated BPTT)",
                              mistake="backward_crosses_blocks")


@self_check(title_ko="backward는 .grads의 배열에 제자리로 씁니다 (grads[i][...] = …): 미리 잡아 둔 배열이 새 값을 봅니다.")
def backward_fills_grads_in_place(student, rng):
    """backward writes into the arrays of .grads (grads[i][...] = …): arrays held before see the new values."""
    n, t, d, h = 2, 3, 2, 3
    Wx, Wh, b = weights(rng, d, h)
    xs, dhs = rng.normal(size=(n, t, d)), rng.normal(size=(n, t, h))
    for cls, forward_args, grad_in in (("RNN", (xs[:, 0], np.zeros((n, h))), dhs[:, 0]), ("TimeRNN", (xs,), dhs)):
        layer = getattr(student, cls)(Wx, Wh, b)
        held = [layer.ref("grads", i) for i in range(3)]
        layer.forward(*forward_args)
        layer.backward(grad_in)
        now = layer.grads
        for i, name in enumerate(("dWx", "dWh", "db")):
            before = held[i].fetch()
            if not (isinstance(before, np.ndarray) and isinstance(now, list) and len(now) == 3
                    and isinstance(now[i], np.ndarray) and before.shape == now[i].shape
                    and np.array_equal(before, now[i])):
                raise CheckFailed(f"{cls}.backward replaced grads[{i}] ({name}) with a new array instead of writing "
                                  f"into it: use self.grads[{i}][...] = {name}, so that code holding the grads list "
                                  "(an optimizer) sees the new values", mistake="grads_not_in_place")
