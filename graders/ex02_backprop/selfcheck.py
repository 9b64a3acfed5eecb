"""Self-checks of ex02_backprop: your backward against your own forward and loss.

They ship in the student bundle and run with ``dlgrade check`` at home: backward's dW1,
dW2 against central differences of your own loss(forward(x, W1, W2)[1], t) on a network
of other sizes than the lecture's (three outputs), train_step against one step of your
own backward, and no function changing its inputs.  None of them knows a right answer,
so passing them is not full marks: the hidden checks decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, compare, describe, expect_unchanged, self_check

STEP = 1e-6


def case(rng, n_in=3, n_hidden=2, n_out=3):
    return (rng.uniform(-1, 1, n_in), rng.uniform(0.05, 0.95, n_out), rng.normal(0, 0.8, (n_hidden, n_in)),
            rng.normal(0, 0.8, (n_out, n_hidden)))


def pair(value, what, names):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise CheckFailed(f"{what}: expected a pair {names}, got {describe(value)}")
    return value


def number(value, what):
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: expected a number, got {describe(value)}") from None


@self_check(title_ko="backward의 dW1, dW2가 여러분의 loss(forward(x, W1, W2)[1], t)를 중심 차분한 값과 같습니다 (출력 3개).")
def backward_matches_your_loss(student, rng):
    """backward's dW1, dW2 agree with central differences of your own loss(forward(x, W1, W2)[1], t) (three outputs)."""
    for _ in range(2):
        x, t, w1, w2 = case(rng)
        dW1, dW2 = pair(student.backward(x, t, w1, w2), "backward(x, t, W1, W2)", "(dW1, dW2)")
        _h, o = pair(student.forward(x, w1, w2), "forward(x, W1, W2)", "(h, o)")
        # A float32 forward is good to ~1e-7 only: a larger step, a looser comparison.
        step, rtol = (1e-3, 1e-2) if getattr(o, "dtype", None) == np.float32 else (STEP, 1e-5)
        shifted = []
        batch = student.batch()
        for k, w in ((0, w1), (1, w2)):
            for index in np.ndindex(w.shape):
                for sign in (1, -1):
                    ws = [w1.copy(), w2.copy()]
                    ws[k][index] += sign * step
                    shifted.append(batch.call(student.forward, x, *ws))
        outputs = batch.run()
        batch, losses = student.batch(), []
        for item in shifted:
            _h, o = pair(outputs[item], "forward(x, W1, W2)", "(h, o)")
            losses.append(batch.call(student.loss, o, t))
        values = batch.run()
        differences = iter([number(values[item], "loss(o, t)") for item in losses])
        for name, got, w in (("dW1", dW1, w1), ("dW2", dW2, w2)):
            numeric = np.zeros(w.shape)
            for index in np.ndindex(w.shape):
                numeric[index] = (next(differences) - next(differences)) / (2 * step)
            if isinstance(got, np.ndarray) and got.shape == w.shape[::-1] and got.shape != w.shape:
                raise CheckFailed(f"backward: {name} has shape {got.shape}, the transpose of the weights' "
                                  f"{w.shape}", mistake="transposed_gradient")
            failure = compare(got, numeric, rtol=rtol, hidden=False,
                              what=f"backward(x, t, W1, W2): {name} against central differences (ε = {step:g}) of "
                                   f"your own loss(forward(x, W1, W2)[1], t), with {w1.shape[1]} inputs, "
                                   f"{w1.shape[0]} hidden and {w2.shape[0]} outputs")
            if failure:
                raise CheckFailed(failure + "\nbackward and loss(forward(...)) disagree: either the gradient is "
                                            "wrong or the loss is not E = ½ Σ (t − o)²")


@self_check(title_ko="train_step은 여러분의 backward로 한 번 내려간 W − lr·dW를 돌려주고, 받은 W1, W2는 바꾸지 않습니다.")
def train_step_is_one_step_of_your_backward(student, rng):
    """train_step returns W − lr·dW with your own backward's gradients and leaves the given W1, W2 alone."""
    x, t, w1, w2 = case(rng, n_in=2, n_hidden=3, n_out=2)
    lr = 0.7
    dW1, dW2 = pair(student.backward(x, t, w1, w2), "backward(x, t, W1, W2)", "(dW1, dW2)")
    value, after, _ = student.train_step.call((x, t, w1, w2, lr), inputs_after=True)
    new1, new2 = pair(value, f"train_step(x, t, W1, W2, lr={lr})", "(W1_new, W2_new)")
    for label, before, now in zip(("x", "t", "W1", "W2"), (x, t, w1, w2), after):
        expect_unchanged(before, now, what=f"train_step: argument {label}",
                         mistake="mutates_weights" if label.startswith("W") else "input_modified")
    for name, got, w, dw in (("W1_new", new1, w1, dW1), ("W2_new", new2, w2, dW2)):
        if not isinstance(dw, np.ndarray) or dw.shape != w.shape:
            raise CheckFailed(f"backward: the gradients must be arrays shaped like the weights {w.shape}, "
                              f"got {describe(dw)}")
        failure = compare(got, w - lr * dw, rtol=1e-9, hidden=False,
                          what=f"train_step(x, t, W1, W2, lr={lr}): {name} against W − lr·dW with your backward's dW")
        if failure:
            raise CheckFailed(failure)


@self_check(title_ko="sigmoid, forward, loss, backward는 인자로 받은 배열을 바꾸지 않습니다.")
def inputs_left_alone(student, rng):
    """sigmoid, forward, loss and backward leave the arrays they are given unchanged."""
    x, t, w1, w2 = case(rng)
    o = rng.uniform(0.05, 0.95, t.shape)
    for name, args, labels in (("sigmoid", (rng.normal(size=4),), ("z",)), ("forward", (x, w1, w2), ("x", "W1", "W2")),
                               ("loss", (o, t), ("o", "t")), ("backward", (x, t, w1, w2), ("x", "t", "W1", "W2"))):
        _value, after, _ = getattr(student, name).call(args, {}, inputs_after=True)
        for label, before, now in zip(labels, args, after):
            expect_unchanged(before, now, what=f"{name}: argument {label}")
