"""ex04_adam: the grader's expected values are float64 NumPy (the reference solution and
its transcription of Keras' update rules, keras_trajectory); TensorFlow's Keras
optimizers are the independent oracle here, on the grader's own problems: the hidden
checks' generator (quadratic(rng, SHAPES), with the rng each check gets for a seed),
four parameters of different shapes, 50 updates, float64 variables, hyper-parameters
that float32 represents exactly.

Proven: the transcription gives TensorFlow's trajectories to float64 rounding, for every
optimizer; the reference agrees with them within the tolerance the grader uses
(KERAS_TOLERANCE); Keras' Adagrad/RMSprop (ε inside √) differ from the reference by more
than float64 precision (the grader's epsilon_inside_sqrt diagnosis relies on it); the m̂/v̂
form of Adam stays within ADAM_TOLERANCE; the grader's one-vector (flat) trajectories
are the key-by-key arithmetic exactly."""

import json

import numpy as np
import pytest

from conftest import ROOT, load_copy
from dlgrade.grading import compare, tolerance_for
from dlgrade.grading.grade_submission import check_rng

SEEDS = range(20)
OPTIMIZERS = ["SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"]


@pytest.fixture(scope="module")
def grader():
    return load_copy(ROOT / "graders/ex04_adam/grader.py", "ex04_grader_under_test")


@pytest.fixture(scope="module")
def reference():
    return load_copy(ROOT / "solutions/ex04_adam/optimizers.py", "ex04_reference_under_test")


def hidden_problem(grader, name, seed):
    """The problem random_quadratic_<name> draws for this seed."""
    return grader.quadratic(check_rng(seed, f"random_quadratic_{name.lower()}"), grader.SHAPES)


# ----------------------------------------------------------------------------- TensorFlow's Keras
def keras_optimizer(tf, grader, name, hyper):
    keras_optimizers, lr = tf.keras.optimizers, hyper["lr"]
    if name == "SGD":
        return keras_optimizers.SGD(learning_rate=lr)
    if name == "Momentum":
        return keras_optimizers.SGD(learning_rate=lr, momentum=hyper["momentum"])
    if name == "AdaGrad":
        return keras_optimizers.Adagrad(learning_rate=lr, initial_accumulator_value=0.0, epsilon=grader.EPSILON)
    if name == "RMSprop":
        return keras_optimizers.RMSprop(learning_rate=lr, rho=hyper["decay_rate"], epsilon=grader.EPSILON)
    return keras_optimizers.Adam(learning_rate=lr, beta_1=hyper["beta1"], beta_2=hyper["beta2"],
                                 epsilon=grader.EPSILON)


def compiled_trajectory(tf, grader, name, hyper, shapes, steps):
    """A tf.function running `steps` Keras updates of float64 variables of these shapes
    from a fresh optimizer state: traced once, then ~3 ms a trajectory instead of ~100 ms
    of eager Keras steps."""
    opt = keras_optimizer(tf, grader, name, hyper)
    variables = [tf.Variable(tf.zeros(shape, tf.float64)) for shape in shapes]
    opt.build(variables)
    fresh = [(slot, slot.numpy()) for slot in opt.variables]  # iteration 0, empty moments

    @tf.function
    def run(a, c, p0):
        for v, p in zip(variables, p0):
            v.assign(p)
        for slot, value in fresh:
            slot.assign(value)
        paths = [tf.TensorArray(tf.float64, size=steps) for _ in variables]
        for i in tf.range(steps):
            opt.apply_gradients([(ai * (v - ci), v) for ai, ci, v in zip(a, c, variables)])
            paths = [p.write(i, v.read_value()) for p, v in zip(paths, variables)]
        return [p.stack() for p in paths]

    return run


def keras(grader, name, a, c, p0):
    """TensorFlow's Keras trajectory: {key: array (STEPS, *shape)}."""
    from dlgrade.grading.oracle import memo, tensorflow

    tf, hyper, keys = tensorflow(), grader.HIDDEN[name], list(p0)
    shapes = tuple(np.shape(p0[k]) for k in keys)
    run = memo(("test ex04 keras trajectory", name, json.dumps(hyper, sort_keys=True), shapes, grader.STEPS),
               lambda: compiled_trajectory(tf, grader, name, hyper, shapes, grader.STEPS))
    a, c, p0 = ([tf.constant(np.asarray(x[k], dtype=np.float64), tf.float64) for k in keys] for x in (a, c, p0))
    return {k: path.numpy() for k, path in zip(keys, run(a, c, p0))}


def relative_gap(mine, theirs):
    """max |Δ| / max(|p|, 1) over every key."""
    return max(float(np.max(np.abs(mine[k] - theirs[k])) / max(np.max(np.abs(theirs[k])), 1.0)) for k in theirs)


# ----------------------------------------------------------------------------- the proofs
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_the_keras_transcription_is_tensorflows_keras(name, grader):
    """What the hidden checks compare against "Keras" is TensorFlow's Keras trajectory, to
    float64 rounding (measured: SGD, Momentum, Adam bit for bit; Adagrad, RMSprop ≤ 9e-16,
    TensorFlow's graph computing x/√y as x·rsqrt(y)): ~10⁹ below KERAS_TOLERANCE."""
    for seed in SEEDS:
        a, c, p0 = hidden_problem(grader, name, seed)
        mine = grader.keras_trajectory(name, grader.HIDDEN[name], a, c, p0, grader.STEPS)
        theirs = keras(grader, name, a, c, p0)
        for k in theirs:
            assert mine[k].shape == theirs[k].shape == (grader.STEPS,) + np.shape(p0[k])
        assert relative_gap(mine, theirs) < 1e-14, (name, seed)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_reference_agrees_with_keras(name, grader, reference):
    worst = 0.0
    for seed in SEEDS:
        a, c, p0 = hidden_problem(grader, name, seed)
        mine = grader.reference_trajectory(lambda: getattr(reference, name)(**grader.HIDDEN[name]), a, c, p0,
                                           grader.STEPS)
        theirs = keras(grader, name, a, c, p0)
        for k in mine:
            assert theirs[k].shape == mine[k].shape
            assert compare(mine[k], theirs[k], tolerance=grader.KERAS_TOLERANCE, hidden=True) is None, (name, k)
        worst = max(worst, relative_gap(mine, theirs))
    if name in ("AdaGrad", "RMSprop"):
        # Keras divides by √(h + ε): visible beyond float64 precision (the grader names
        # epsilon_inside_sqrt from it), yet 10× inside the tolerance.
        assert 1e-8 < worst < grader.KERAS_TOLERANCE.rtol / 10, worst
    else:
        assert worst < 1e-14  # the same formulas: only rounding


def test_adam_forms_agree_within_the_adam_tolerance(grader, reference):
    class AdamHat:  # Kingma & Ba's m̂, v̂ form
        def __init__(self, lr, beta1, beta2):
            self.lr, self.b1, self.b2, self.m, self.v, self.t = lr, beta1, beta2, {}, {}, 0

        def update(self, params, grads):
            self.t += 1
            for k in params:
                g = grads[k]
                self.m[k] = self.b1 * self.m.get(k, 0.0) + (1 - self.b1) * g
                self.v[k] = self.b2 * self.v.get(k, 0.0) + (1 - self.b2) * g * g
                m_hat, v_hat = self.m[k] / (1 - self.b1 ** self.t), self.v[k] / (1 - self.b2 ** self.t)
                params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + grader.EPSILON)

    hyper = grader.HIDDEN["Adam"]
    for seed in SEEDS:
        a, c, p0 = hidden_problem(grader, "Adam", seed)
        folded = grader.reference_trajectory(lambda: reference.Adam(**hyper), a, c, p0, grader.STEPS)
        hat = grader.reference_trajectory(lambda: AdamHat(**hyper), a, c, p0, grader.STEPS)
        for k in folded:
            assert compare(hat[k], folded[k], tolerance=grader.ADAM_TOLERANCE, hidden=True) is None
        # …and the forms really differ: float64 precision alone would reject one of them.
        assert any(compare(hat[k], folded[k], tolerance=tolerance_for(np.float64), hidden=True) is not None
                   for k in folded)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("scale", [1.0, 1e-5, 1e-7])
def test_one_vector_trajectories_are_the_key_by_key_arithmetic(name, scale, grader, reference):
    """The grader runs an optimizer on all keys laid end to end in one vector: element by
    element the very operations of a dict of four keys, so bit for bit the same values."""
    hyper = grader.HIDDEN[name]
    for seed in range(5):
        a, c, p0 = hidden_problem(grader, name, seed)
        opt = getattr(reference, name)(**hyper)
        params = {k: np.array(v, dtype=np.float64) for k, v in p0.items()}
        path = {k: [] for k in params}
        for _ in range(grader.STEPS):
            opt.update(params, {k: scale * a[k] * (params[k] - c[k]) for k in params})
            for k in params:
                path[k].append(params[k].copy())
        flat = grader.reference_trajectory(lambda: getattr(reference, name)(**hyper), a, c, p0, grader.STEPS, scale)
        for k in p0:
            np.testing.assert_array_equal(flat[k], np.array(path[k]), err_msg=f"{name} {k}")
        # Driven by the gradients at these points (as the student's optimizer is): the same.
        opt, at = getattr(reference, name)(**hyper), p0
        params = {k: np.array(v, dtype=np.float64) for k, v in p0.items()}
        path = {k: [] for k in params}
        for step in range(grader.STEPS):
            opt.update(params, {k: scale * a[k] * (at[k] - c[k]) for k in params})
            at = {k: flat[k][step] for k in p0}
            for k in params:
                path[k].append(params[k].copy())
        driven = grader.driven_trajectory(lambda: getattr(reference, name)(**hyper), a, c, p0, flat, scale)
        for k in p0:
            np.testing.assert_array_equal(driven[k], np.array(path[k]), err_msg=f"{name} {k} driven")


@pytest.mark.parametrize("name", ["Momentum", "RMSprop", "Adam"])
def test_compiled_keras_trajectory_is_eager_keras(name, grader):
    """The oracle above runs the Keras updates in one compiled tf.function reused across
    calls, resetting the optimizer's state each time: a second call on new inputs gives
    what a fresh optimizer stepped eagerly, one apply_gradients at a time, gives."""
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    rng = np.random.default_rng(40)
    keras(grader, name, *grader.quadratic(rng, grader.SHAPES))  # leaves state behind in the compiled optimizer
    a, c, p0 = grader.quadratic(rng, grader.SHAPES)
    compiled = keras(grader, name, a, c, p0)
    opt = keras_optimizer(tf, grader, name, grader.HIDDEN[name])
    variables = {k: tf.Variable(np.asarray(p0[k], dtype=np.float64)) for k in p0}
    for step in range(grader.STEPS):
        opt.apply_gradients([(tf.constant(a[k], tf.float64) * (v - tf.constant(c[k], tf.float64)), v)
                             for k, v in variables.items()])
        for k, v in variables.items():
            np.testing.assert_allclose(compiled[k][step], v.numpy(), rtol=1e-13, atol=1e-15,
                                       err_msg=f"{name} {k} step {step + 1}")
