"""ex05_correlate2d: the conv2d checks' expected values come from the reference
solution's conv2d (float64 NumPy); TensorFlow's tf.nn.conv2d is the independent oracle
here, on the very cases the hidden checks draw (conv_cases, with the rng each check
gets for a seed): random batch, channels, filters, kernel sizes (odd and even), strides
1–3, 'VALID' with a bias and 'SAME'.  Also: a float32 result computed from the same
inputs passes the check's comparison (held to float32 tolerances)."""


import numpy as np
import pytest

from conftest import ROOT, load_copy
from dlgrade.grading import compare
from dlgrade.grading.grade_submission import check_rng

SEEDS = range(60)


@pytest.fixture(scope="module")
def grader():
    return load_copy(ROOT / "graders/ex05_correlate2d/grader.py", "ex05_grader_under_test")


@pytest.fixture(scope="module")
def reference():
    return load_copy(ROOT / "solutions/ex05_correlate2d/conv.py", "ex05_reference_under_test")


def hidden_cases(grader, padding):
    """Every (x, w, b, stride) random_conv2d_<padding> draws for the seeds above."""
    for seed in SEEDS:
        yield from grader.conv_cases(check_rng(seed, f"random_conv2d_{padding.lower()}"), padding)


def tf_conv2d(x, w, b, stride, padding):
    from dlgrade.grading.oracle import tensorflow

    tf = tensorflow()
    out = tf.nn.conv2d(tf.constant(x, tf.float64), tf.constant(w, tf.float64), strides=stride, padding=padding)
    return out.numpy() + (0.0 if b is None else b)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_reference_conv2d_is_tf_nn_conv2d(padding, grader, reference):
    strides, even_kernels, worst = set(), 0, 0.0
    for x, w, b, stride in hidden_cases(grader, padding):
        mine = reference.conv2d(x, w, b, stride=stride, padding=padding)
        theirs = tf_conv2d(x, w, b, stride, padding)
        assert mine.dtype == np.float64 and mine.shape == theirs.shape, (x.shape, w.shape, stride)
        assert compare(mine, theirs, hidden=True) is None, (x.shape, w.shape, stride)
        worst = max(worst, float(np.max(np.abs(mine - theirs), initial=0.0)))
        strides.add(stride)
        even_kernels += any(k % 2 == 0 for k in w.shape[:2])
    # Only the order of the sums differs: measured ≤ 7.2e-15 (values up to 25), 10⁶ below
    # the check's float64 tolerance.
    assert worst < 1e-13, worst
    # The cases cover what the check is about: every stride, even (asymmetric SAME) kernels.
    assert strides == {1, 2, 3} and even_kernels > 50


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_a_float32_result_passes_the_check(padding, grader, reference):
    """A student computing in float32 from the same inputs is compared at float32
    tolerances, against the float64 expectation: the reference in float32 passes."""
    for x, w, b, stride in hidden_cases(grader, padding):
        as32 = [None if a is None else a.astype(np.float32) for a in (x, w, b)]
        got = reference.conv2d(*as32, stride=stride, padding=padding)
        assert got.dtype == np.float32
        expected = reference.conv2d(x, w, b, stride=stride, padding=padding)
        assert compare(got, expected, hidden=True) is None, (x.shape, w.shape, stride)


def test_stride_pairs_are_tf_nn_conv2d(grader, reference):
    """random_conv2d_stride_pairs' cases: (vertical, horizontal) strides of two different
    values, 'VALID' and 'SAME', some with a bias: the reference is tf.nn.conv2d with
    strides=[SH, SW]."""
    pairs, paddings = set(), set()
    for seed in SEEDS:
        for x, w, b, stride, padding in grader.stride_pair_cases(check_rng(seed, "random_conv2d_stride_pairs")):
            assert stride[0] != stride[1]
            mine = reference.conv2d(x, w, b, stride=stride, padding=padding)
            theirs = tf_conv2d(x, w, b, list(stride), padding)
            assert mine.shape == theirs.shape and compare(mine, theirs, hidden=True) is None, (x.shape, w.shape, stride)
            pairs.add(stride)
            paddings.add(padding)
    assert len(pairs) == 6 and paddings == {"VALID", "SAME"}


def test_integer_inputs_with_float_filters_are_tf_nn_conv2d(grader, reference):
    """integer_inputs_float_filters' conv2d case: integer x, float w; the expected value
    (the reference's, float64) is tf.nn.conv2d's on x as float64."""
    for seed in SEEDS:
        cases = grader.integer_input_cases(check_rng(seed, "integer_inputs_float_filters"))
        (x, w, kwargs), = [(x, w, kwargs) for name, x, w, kwargs in cases if name == "conv2d"]
        assert x.dtype.kind == "i" and w.dtype == np.float64
        mine = reference.conv2d(x, w, **kwargs)
        theirs = tf_conv2d(x.astype(np.float64), w, None, 1, kwargs["padding"])
        assert mine.dtype == np.float64 and compare(mine, theirs, hidden=True) is None
