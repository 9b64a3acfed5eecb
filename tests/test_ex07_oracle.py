"""ex07: TensorFlow is the independent oracle, here rather than at grading time.

The hidden checks' expected values come from the grader's float64 NumPy
(``float64_results``, ``float64_hs`` where only the forward is judged,
``cut_backward_results``).  These tests prove, for many
students' seeds, on every hidden check's own case generator drawn exactly as the
check draws it (its ``check_rng``), that those values equal TensorFlow's: a
GradientTape through the same recurrence (float64) and tf.keras.layers.SimpleRNN
with the same weights, stateful blocks and the cut backward pass included.  Also:
the reference solution (the public checks' oracle) agrees with TensorFlow, in float64
and, within the grader's float32 tolerance, in float32 (the textbook's float32 code
too); the TensorFlow helpers below are the direct computations; and grading runs no
TensorFlow at all."""

import inspect

import numpy as np
import pytest

from conftest import SUBMISSIONS, load_copy
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.oracle import Oracle, memo, tensorflow
from dlgrade.grading.grade_submission import check_rng, grade, load_grader, load_reference

SEEDS = range(40)  #: students' seeds per hidden check
TIGHT = {"rtol": 1e-10, "atol": 1e-12}  #: float64 against float64: rounding only


@pytest.fixture(scope="module")
def ex07(course):
    exercise = course.resolve("ex07")
    return load_grader(exercise), load_reference(exercise)


@pytest.fixture(scope="module")
def tf():
    return tensorflow()


# ----------------------------------------------------------------------------- TensorFlow oracles
def tape_unrolled(tf, xs, Wx, Wh, b, dhs, h0):
    """The recurrence unrolled step by step in eager mode under one GradientTape (the
    direct way; _tape compiles the same computation once for all shapes)."""
    xs, Wx, Wh, b, dhs, h0 = (tf.constant(a) for a in (xs, Wx, Wh, b, dhs, h0))
    with tf.GradientTape() as tape:
        tape.watch([xs, Wx, Wh, b, h0])
        h, hs = h0, []
        for t in range(xs.shape[1]):
            h = tf.tanh(h @ Wh + xs[:, t, :] @ Wx + b)
            hs.append(h)
        hs = tf.stack(hs, axis=1)
        loss = tf.reduce_sum(hs * dhs)
    dxs, dWx, dWh, db, dh0 = tape.gradient(loss, [xs, Wx, Wh, b, h0])
    return hs, dxs, dWx, dWh, db, dh0


def _compiled_tape(tf):
    """One tf.function for every shape: the time loop is a tf.scan, differentiated by
    GradientTape through TensorFlow's while loop."""
    any_float64 = tf.TensorSpec(None, tf.float64)

    @tf.function(input_signature=[any_float64] * 6)
    def run(xs, Wx, Wh, b, dhs, h0):
        with tf.GradientTape() as tape:
            tape.watch([xs, Wx, Wh, b, h0])
            steps = tf.scan(lambda h, x: tf.tanh(h @ Wh + x @ Wx + b), tf.transpose(xs, [1, 0, 2]), initializer=h0)
            hs = tf.transpose(steps, [1, 0, 2])
            loss = tf.reduce_sum(hs * dhs)
        return (hs, *tape.gradient(loss, [xs, Wx, Wh, b, h0]))

    return run


def _tape(tf, xs, Wx, Wh, b, dhs, h0):
    return memo("ex07 gradient tape", lambda: _compiled_tape(tf))(xs, Wx, Wh, b, dhs, h0)


def tape(tf, names, xs, Wx, Wh, b, dhs, h0=None):
    """hs, dxs, dWx, dWh, db, dh (w.r.t. h0, zeros if None) by GradientTape, in float64
    from the same inputs, as a dict."""
    f64 = [np.asarray(a, dtype=np.float64) for a in (xs, Wx, Wh, b, dhs)]
    h0 = np.zeros((xs.shape[0], Wx.shape[1])) if h0 is None else np.asarray(h0, dtype=np.float64)
    return {name: value.numpy() for name, value in zip(names, _tape(tf, *f64, h0))}


def _compiled_simple_rnn(tf, units, features):
    """A Keras SimpleRNN layer built once for (units, features), run by a tf.function
    that loads the given weights into it first."""
    layer = tf.keras.layers.SimpleRNN(units, return_sequences=True, dtype="float64")
    layer.build((None, None, features))
    signature = [tf.TensorSpec(shape, tf.float64)
                 for shape in ((None, None, features), (features, units), (units, units), (units,))]

    @tf.function(input_signature=signature)
    def run(xs, Wx, Wh, b):
        for weight, value in zip(layer.weights, (Wx, Wh, b)):
            weight.assign(value)
        return layer(xs)

    return run


def _simple_rnn(tf, xs, Wx, Wh, b):
    run = memo(("ex07 keras SimpleRNN", Wx.shape[1], xs.shape[2]),
               lambda: _compiled_simple_rnn(tf, Wx.shape[1], xs.shape[2]))
    return run(xs, Wx, Wh, b)


def simple_rnn(tf, xs, Wx, Wh, b):
    """tf.keras.layers.SimpleRNN(return_sequences=True)'s hs with these weights, float64."""
    return _simple_rnn(tf, *(np.asarray(a, dtype=np.float64) for a in (xs, Wx, Wh, b))).numpy()


def cut_tape(tf, names, xs, Wx, Wh, b, split, second_dhs):
    """The second stateful block by GradientTape: the first block's last h (by the tape
    too) is where it starts, a constant for its backward pass."""
    first_dhs = np.zeros((xs.shape[0], split, Wx.shape[1]))
    carried = tape(tf, names, xs[:, :split], Wx, Wh, b, first_dhs)["hs"][:, -1]
    return tape(tf, names, xs[:, split:], Wx, Wh, b, second_dhs, carried)


def assert_same(ours, theirs, names, what, **tolerance):
    for name in names:
        assert ours[name].shape == theirs[name].shape, (what, name)
        np.testing.assert_allclose(ours[name], theirs[name], err_msg=f"{what}: {name}", **(tolerance or TIGHT))


# ----------------------------------------------------------------------------- the hidden checks' expectations
def hidden_comparisons(grader, tf, name, rng):
    """(what, the grader's expected values, TensorFlow's, names compared) for every value
    the hidden check ``name`` expects, its inputs drawn from ``rng`` as the check draws them."""
    g, NAMES = grader, grader.NAMES
    if name == "random_rnn_step":
        for case in range(4):
            xs, Wx, Wh, b, dhs, h_prev = g._case_with_state(rng, t=(1, 1))
            yield (f"case {case + 1}", g.float64_results(xs, Wx, Wh, b, dhs, h_prev),
                   tape(tf, NAMES, xs, Wx, Wh, b, dhs, h_prev), NAMES)
    elif name == "random_time_rnn":
        for case in range(5):
            xs, Wx, Wh, b, dhs = g._case(rng, t=(2, 8))
            yield f"case {case + 1}", g.float64_results(xs, Wx, Wh, b, dhs), tape(tf, NAMES, xs, Wx, Wh, b, dhs), NAMES
    elif name == "random_time_rnn_vs_keras":
        for case in range(3):
            xs, Wx, Wh, b, dhs = g._case(rng, t=(2, 8))
            yield (f"case {case + 1}", {"hs": g.float64_hs(xs, Wx, Wh, b)}, {"hs": simple_rnn(tf, xs, Wx, Wh, b)},
                   ("hs",))
    elif name == "stateful_two_blocks":
        xs, Wx, Wh, b, dhs, _split = g._split_case(rng)
        yield "whole sequence", {"hs": g.float64_hs(xs, Wx, Wh, b)}, tape(tf, NAMES, xs, Wx, Wh, b, dhs), ("hs",)
    elif name == "stateful_backward_stops_at_block":
        xs, Wx, Wh, b, _, split = g._split_case(rng)
        second_dhs = rng.normal(0, 1, (xs.shape[0], xs.shape[1] - split, Wx.shape[1]))
        yield ("second block", g.cut_backward_results(xs, Wx, Wh, b, split, second_dhs),
               cut_tape(tf, NAMES, xs, Wx, Wh, b, split, second_dhs), NAMES)
    elif name == "set_state_and_reset_state":
        xs, Wx, Wh, b, dhs, h0 = g._case_with_state(rng, t=(2, 5))
        yield "after set_state", g.float64_results(xs, Wx, Wh, b, dhs, h0), tape(tf, NAMES, xs, Wx, Wh, b, dhs, h0), NAMES
        yield "after reset_state", {"hs": g.float64_hs(xs, Wx, Wh, b)}, tape(tf, NAMES, xs, Wx, Wh, b, dhs), ("hs",)
    elif name == "not_stateful_restarts":
        xs, Wx, Wh, b, dhs, split = g._split_case(rng)
        second = (xs[:, split:], Wx, Wh, b, dhs[:, split:])
        yield "second forward", {"hs": g.float64_hs(*second[:4])}, tape(tf, NAMES, *second), ("hs",)
    elif name == "float32_inputs":
        for case, t in enumerate((6, 16, 32)):
            xs, Wx, Wh, b, dhs = g._float32_case(rng, t)
            assert all(a.dtype == np.float32 for a in (xs, Wx, Wh, b, dhs))
            yield f"case {case + 1}", g.float64_results(xs, Wx, Wh, b, dhs), tape(tf, NAMES, xs, Wx, Wh, b, dhs), NAMES
    elif name == "gradient_check_own_forward":
        xs, Wx, Wh, b, dhs = g.gradient_check_case(rng)
        yield "forward", {"hs": g.float64_hs(xs, Wx, Wh, b)}, tape(tf, NAMES, xs, Wx, Wh, b, dhs), ("hs",)
    elif name == "inputs_not_modified":
        xs, Wx, Wh, b, dhs, h_prev = g.inputs_case(rng)
        yield "TimeRNN", g.float64_results(xs, Wx, Wh, b, dhs), tape(tf, NAMES, xs, Wx, Wh, b, dhs), ("hs", "dxs")
        step = (xs[:, :1], Wx, Wh, b, dhs[:, :1], h_prev)
        yield "RNN step", g.float64_results(*step), tape(tf, NAMES, *step), ("hs", "dxs", "dh")
    elif name == "grads_written_in_place":
        xs, Wx, Wh, b, dhs = g.in_place_case(rng)
        step = (xs[:, :1], Wx, Wh, b, dhs[:, :1], np.zeros((xs.shape[0], Wx.shape[1])))
        yield "RNN step", g.float64_results(*step), tape(tf, NAMES, *step), ("dWx", "dWh", "db")
        yield "TimeRNN", g.float64_results(xs, Wx, Wh, b, dhs), tape(tf, NAMES, xs, Wx, Wh, b, dhs), ("dWx", "dWh", "db")
    else:
        raise AssertionError(f"no comparison for {name}")


WITH_EXPECTED_VALUES = ("random_rnn_step", "random_time_rnn", "random_time_rnn_vs_keras", "stateful_two_blocks",
                        "stateful_backward_stops_at_block", "set_state_and_reset_state", "not_stateful_restarts",
                        "float32_inputs", "gradient_check_own_forward", "inputs_not_modified",
                        "grads_written_in_place")


def test_every_hidden_check_with_expected_values_is_covered(ex07):
    """The hidden checks whose expected values come from the grader's float64 NumPy are
    exactly those compared with TensorFlow below."""
    grader, _reference = ex07
    helpers = ("float64_results", "float64_hs", "cut_backward_results", "judge_time_rnn_cases")
    computing = {spec.name for spec in collect_checks(grader) if spec.hidden and any(
        helper in inspect.getsource(spec.func) for helper in helpers)}
    assert computing == set(WITH_EXPECTED_VALUES)


@pytest.mark.parametrize("name", WITH_EXPECTED_VALUES)
def test_hidden_expected_values_equal_tensorflow(ex07, tf, name):
    grader, _reference = ex07
    compared = 0
    for seed in SEEDS:
        for what, ours, theirs, names in hidden_comparisons(grader, tf, name, check_rng(seed, name)):
            assert all(ours[n].dtype == np.float64 for n in names)
            assert_same(ours, theirs, names, f"seed {seed}, {name}, {what}")
            compared += 1
    assert compared >= len(SEEDS)


def test_the_forward_alone_is_the_full_passes_forward_bit_for_bit(ex07):
    """float64_hs (checks that judge only hs) is float64_results' forward, to the last bit:
    the TensorFlow comparisons of either hold for both."""
    grader, _reference = ex07
    rng = np.random.default_rng(11)
    for case in range(60):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(1, 8)) if case % 3 else grader._float32_case(rng, 1 + case % 17)
        h0 = rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1])) if case % 2 else None
        hs = grader.float64_hs(xs, Wx, Wh, b, h0)
        assert hs.dtype == np.float64
        np.testing.assert_array_equal(hs, grader.float64_results(xs, Wx, Wh, b, dhs, h0)["hs"])


def _run(reference, xs, Wx, Wh, b, dhs, h0=None):
    layer = reference.TimeRNN(Wx.copy(), Wh.copy(), b.copy(), stateful=h0 is not None)
    if h0 is not None:
        layer.set_state(h0)
    hs = layer.forward(xs)
    dxs = layer.backward(dhs)
    return dict(zip(("hs", "dxs", "dWx", "dWh", "db", "dh"), (hs, dxs, *layer.grads, layer.dh)))


def _textbook():
    path = SUBMISSIONS / "ex07_bptt" / "correct" / "textbook.py"
    return load_copy(path, "ex07_textbook_under_test")


def test_float32_code_is_within_the_graders_tolerance_on_float32_inputs(ex07, tf):
    """float32_inputs: the reference and the textbook's code, run in float32 on the check's
    own cases, pass its comparison (float32_tolerance(T)) against the grader's float64
    values, which are GradientTape's (above); a mistake does not."""
    grader, reference = ex07
    textbook = _textbook()
    worst = 0.0
    for seed in SEEDS:
        rng = check_rng(seed, "float32_inputs")
        for t in (6, 16, 32):
            case = grader._float32_case(rng, t)
            expected = grader.float64_results(*case)
            for code in (reference, textbook):
                ours = _run(code, *case)
                for name in grader.NAMES:
                    assert ours[name].dtype == np.float32, name
                    tolerance = grader.result_tolerance(ours[name], t)
                    assert tolerance == grader.float32_tolerance(t)
                    assert grader.compare(ours[name], expected[name], tolerance=tolerance) is None, (seed, t, name)
                    scale = max(float(np.max(np.abs(expected[name]))), 1.0)
                    worst = max(worst, float(np.max(np.abs(ours[name] - expected[name]) / (scale + np.abs(expected[name])))))
            wrong = grader.bptt(*(a.astype(np.float64) for a in case), tanh_derivative=False)
            assert grader.compare(wrong["dxs"].astype(np.float32), expected["dxs"],
                                  tolerance=grader.float32_tolerance(t)) is not None
    assert worst < grader.float32_tolerance(32).rtol / 3, worst  # a margin, not a near miss


def test_reference_agrees_with_gradient_tape_and_simple_rnn(ex07, tf):
    """The public checks' oracle (the reference solution, float64) against TensorFlow."""
    grader, reference = ex07
    rng = np.random.default_rng(7)
    for _ in range(25):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(1, 8))
        h0 = rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1])) if rng.integers(0, 2) else None
        theirs = tape(tf, grader.NAMES, xs, Wx, Wh, b, dhs, h0)
        assert_same(_run(reference, xs, Wx, Wh, b, dhs, h0), theirs, grader.NAMES, "reference")
        if h0 is None:
            np.testing.assert_allclose(_run(reference, xs, Wx, Wh, b, dhs)["hs"], simple_rnn(tf, xs, Wx, Wh, b),
                                       **TIGHT)


def test_float32_reference_is_within_the_graders_tolerance(ex07, tf):
    grader, reference = ex07
    rng = np.random.default_rng(8)
    for t in (6, 16, 32):
        xs, Wx, Wh, b, dhs = (a.astype(np.float32) for a in grader._case(rng, t=(t, t)))
        Wh = (Wh / 2).astype(np.float32)
        theirs = tape(tf, grader.NAMES, xs, Wx, Wh, b, dhs)
        ours = _run(reference, xs, Wx, Wh, b, dhs)
        for name in grader.NAMES:
            assert ours[name].dtype == np.float32
            assert grader.compare(ours[name], theirs[name], tolerance=grader.float32_tolerance(t)) is None, name


def test_stateful_blocks_agree_with_one_tape_and_a_cut_backward(ex07, tf):
    grader, reference = ex07
    rng = np.random.default_rng(9)
    for _ in range(10):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(2, 8))
        split = int(rng.integers(1, xs.shape[1]))
        whole = tape(tf, grader.NAMES, xs, Wx, Wh, b, dhs)
        layer = reference.TimeRNN(Wx, Wh, b, stateful=True)
        first = layer.forward(xs[:, :split])
        second = layer.forward(xs[:, split:])
        np.testing.assert_allclose(np.concatenate([first, second], 1), whole["hs"], rtol=1e-12, atol=1e-12)
        layer.backward(dhs[:, split:])
        cut = tape(tf, grader.NAMES, xs[:, split:], Wx, Wh, b, dhs[:, split:], whole["hs"][:, split - 1])
        for got, name in zip((*layer.grads, layer.dh), ("dWx", "dWh", "db", "dh")):
            np.testing.assert_allclose(got, cut[name], **TIGHT, err_msg=name)


def test_mistake_models_differ_from_the_tape(ex07, tf):
    """The grader's diagnosis models really are wrong (so a match names a mistake)."""
    grader, _reference = ex07
    rng = np.random.default_rng(10)
    xs, Wx, Wh, b, dhs = grader._case(rng, t=(4, 4), h=(3, 3))
    theirs = tape(tf, grader.NAMES, xs, Wx, Wh, b, dhs)
    right = grader.bptt(xs, Wx, Wh, b, dhs)
    np.testing.assert_allclose(right["dxs"], theirs["dxs"], **TIGHT)
    for options in ({"tanh_derivative": False}, {"carry": False}):
        assert not grader._matches(grader.bptt(xs, Wx, Wh, b, dhs, **options)["dxs"], theirs["dxs"])


def test_compiled_tape_and_simple_rnn_are_the_direct_ones(ex07, tf):
    """The TensorFlow oracles above are compiled once for every shape (tf.scan under the
    tape, a Keras layer reloaded with new weights): on varied shapes, one after another,
    they give what the tape over an eagerly unrolled loop and a freshly built layer give."""
    grader, _reference = ex07
    rng = np.random.default_rng(11)
    for _ in range(8):
        xs, Wx, Wh, b, dhs = grader._case(rng, t=(1, 9))
        h0 = rng.normal(0, 0.5, (xs.shape[0], Wx.shape[1]))
        compiled = _tape(tf, xs, Wx, Wh, b, dhs, h0)
        direct = tape_unrolled(tf, xs, Wx, Wh, b, dhs, h0)
        for name, got, want in zip(grader.NAMES, compiled, direct):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13, atol=1e-15, err_msg=name)
        fresh = tf.keras.layers.SimpleRNN(Wx.shape[1], return_sequences=True, dtype="float64")
        fresh.build((None, xs.shape[1], xs.shape[2]))
        fresh.set_weights([Wx, Wh, b])
        np.testing.assert_allclose(_simple_rnn(tf, xs, Wx, Wh, b).numpy(), fresh(tf.constant(xs)).numpy(),
                                   rtol=1e-13, atol=1e-15)


class _NoTensorFlow(Oracle):
    def tf(self, name, fn, /, *args, **params):
        raise AssertionError(f"TensorFlow asked for {name} at grading time")


def test_grading_asks_no_tensorflow(course, grading_context):
    """Grading ex07 never asks the TensorFlow oracle (and a bulk run starts no oracle
    process for it)."""
    from dlgrade.bulk.grade_class import uses_tensorflow

    exercise = course.resolve("ex07")
    assert not uses_tensorflow(exercise)
    source = exercise.grader_path.read_text(encoding="utf-8")
    assert not any(use in source for use in ("oracle.tf(", "tensorflow()", "import tensorflow", "memo("))
    for seed in (0, 1):
        result = grade(exercise, exercise.solution_path.read_text(encoding="utf-8"), seed=seed,
                       context=grading_context, oracle=_NoTensorFlow(use_cache=False))
        assert {c.name: c.message for c in result.checks if not c.passed} == {}
