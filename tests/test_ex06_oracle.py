"""ex06_conv_sizes: the reference solution — the hidden checks' expected values, so that no
TensorFlow runs at grading time — agrees with Keras on the configurations each hidden check
draws (its own generator, with its per-seed generator, for many seeds), on random layers and
stacks, and rejects (ValueError) exactly what Keras rejects.  Keras here is asked layer by
layer, as keras.Sequential chains the layers, which the last test holds to a whole
keras.Sequential model."""

import json

import numpy as np
import pytest

from dlgrade.grading.oracle import memo, tensorflow
from dlgrade.grading.grade_submission import check_rng, load_grader, load_reference

SEEDS = range(100)


@pytest.fixture(scope="module")
def ex06(course):
    exercise = course.resolve("ex06")
    return load_grader(exercise), load_reference(exercise), tensorflow()


# ----------------------------------------------------------------------------- Keras, the oracle
def _keras_layer(keras, spec):
    kind = spec["type"]
    if kind == "conv":
        return keras.layers.Conv2D(spec["filters"], spec["kernel"], strides=spec.get("stride", 1),
                                   padding=spec.get("padding", "valid").lower(),
                                   use_bias=bool(spec.get("use_bias", True)))
    if kind == "pool":
        return keras.layers.MaxPooling2D(spec["size"], strides=spec.get("stride"),
                                         padding=spec.get("padding", "valid").lower())
    if kind == "zeropad":  # the lecture's explicit padding P
        return keras.layers.ZeroPadding2D(spec["pad"])
    if kind == "flatten":
        return keras.layers.Flatten()
    if kind == "dense":
        return keras.layers.Dense(spec["units"], use_bias=bool(spec.get("use_bias", True)))
    raise ValueError(f"unknown layer {kind!r}")


def _keras_layer_shape(tf, shape, spec):
    """(output shape, count_params) of one Keras layer on an input of ``shape`` (batch
    excluded), or None when Keras rejects it or an output size is below 1.  Each layer
    configuration is built once (its output shape, of every input), and its weights once
    per input depth (they do not depend on the other sizes)."""
    key = json.dumps(spec, sort_keys=True)
    layer = memo(("test keras layer", key), lambda: _keras_layer(tf.keras, spec))
    try:
        out = tuple(layer.compute_output_shape((None, *shape)))[1:]
    except ValueError:
        return None
    if any(d is None or d < 1 for d in out):
        return None
    # Strides and padding shape the output, not the weights (test_layer_by_layer_keras_is_keras_sequential
    # holds this to Keras): one build serves every stride and padding.
    weights = json.dumps({k: v for k, v in spec.items() if k not in ("stride", "padding")}, sort_keys=True)
    params = memo(("test keras layer params", weights, len(shape), shape[-1]),
                  lambda: _count_params(tf, spec, len(shape), shape[-1]))
    return tuple(int(d) for d in out), params


def _count_params(tf, spec, rank, depth):
    """count_params of the layer built on inputs of any size with this rank and depth, in a
    stateless scope that never initialises (allocates) the weights."""
    with tf.keras.StatelessScope(initialize_variables=False):
        layer = _keras_layer(tf.keras, spec)
        layer.build((None, *[None] * (rank - 1), depth))
        return int(layer.count_params())


def keras_layers(tf, input_shape, specs):
    """[(output shape, parameter count)] of every layer, each built by Keras on the previous
    one's output shape as keras.Sequential chains them, or None if Keras rejects the model."""
    shape, layers = tuple(input_shape), []
    for spec in specs:
        layer = _keras_layer_shape(tf, shape, spec)
        if layer is None:
            return None
        shape = layer[0]
        layers.append(layer)
    return layers


def keras_sequential(tf, input_shape, specs):
    """The same from a whole keras.Sequential model (the slower, direct way)."""
    keras = tf.keras
    try:
        model = keras.Sequential([keras.Input(tuple(input_shape)), *[_keras_layer(keras, s) for s in specs]])
        layers = []
        for layer in model.layers:
            shape = tuple(layer.output.shape)[1:]
            if any(d is None or d < 1 for d in shape):
                raise ValueError(f"size below 1: {shape}")
            layers.append((tuple(int(d) for d in shape), int(layer.count_params())))
    except ValueError:
        return None
    return layers


def output_size(tf, input_shape, specs):
    """The first spatial size of the last layer's output, or None if Keras rejects the model."""
    layers = keras_layers(tf, input_shape, specs)
    return None if layers is None else layers[-1][0][0]


# ----------------------------------------------------------------------------- the hidden checks' cases
def test_random_tf_output_size_expects_keras_conv2d_s(ex06):
    grader, reference, tf = ex06
    for seed in SEEDS:
        for n, f, s, p in grader.tf_output_size_configs(check_rng(seed, "random_tf_output_size")):
            keras = output_size(tf, (n, 1, 1), [{"type": "conv", "filters": 1, "kernel": [f, 1], "stride": [s, 1],
                                                 "padding": p}])
            assert reference.tf_output_size(n, f, s, padding=p) == keras, (n, f, s, p)


def test_random_pool_output_size_expects_keras_max_pooling2d_s(ex06):
    grader, reference, tf = ex06
    for seed in SEEDS:
        for n, size, stride, p in grader.pool_output_size_configs(check_rng(seed, "random_pool_output_size")):
            keras = output_size(tf, (n, 1, 1), [{"type": "pool", "size": [size, 1],
                                                 "stride": None if stride is None else [stride, 1], "padding": p}])
            assert reference.pool_output_size(n, size, stride, padding=p) == keras, (n, size, stride, p)


def test_random_conv_output_size_expects_keras_zero_padding_and_conv2d_s(ex06):
    grader, reference, tf = ex06
    for seed in SEEDS:
        for n, f, s, p in grader.conv_output_size_configs(check_rng(seed, "random_conv_output_size")):
            keras = output_size(tf, (n, n, 1), [{"type": "zeropad", "pad": p},
                                                {"type": "conv", "filters": 1, "kernel": f, "stride": s}])
            assert reference.conv_output_size(n, f, s, p) == keras, (n, f, s, p)


def test_random_param_counts_expects_keras_count_params(ex06):
    grader, reference, tf = ex06
    for seed in SEEDS:
        convs, denses = grader.param_count_configs(check_rng(seed, "random_param_counts"))
        for f, c, k, bias in convs:
            (_, params), = keras_layers(tf, (f, f, c), [{"type": "conv", "filters": k, "kernel": f, "use_bias": bias}])
            assert reference.conv_param_count(f, c, k, use_bias=bias) == params, (f, c, k, bias)
        for i, u, bias in denses:
            (_, params), = keras_layers(tf, (i,), [{"type": "dense", "units": u, "use_bias": bias}])
            assert reference.dense_param_count(i, u, use_bias=bias) == params, (i, u, bias)


def test_random_value_errors_are_configurations_keras_rejects(ex06):
    """conv_output_size's uneven strides are the lecture's error (Keras would round), same_pad's
    filters are even, and Keras rejects every too-big filter, as the reference does."""
    grader, reference, tf = ex06
    for seed in SEEDS:
        uneven, even, too_big = grader.value_error_configs(check_rng(seed, "random_value_errors"))
        for n, f, s in uneven:
            assert (n - f) % s != 0
            with pytest.raises(ValueError):
                reference.conv_output_size(n, f, stride=s)
        for f in even:
            with pytest.raises(ValueError):
                reference.same_pad(f)
        for n, f, s in too_big:
            assert keras_layers(tf, (n, n, 1), [{"type": "conv", "filters": 1, "kernel": f, "stride": s}]) is None
            with pytest.raises(ValueError):
                reference.tf_output_size(n, f, s, padding="valid")


def test_random_value_errors_neighbours_expect_keras_s(ex06):
    """The possible configurations next to the impossible ones, whose values the check wants
    right in the same check: Keras' sizes (the lecture's formula for conv_output_size, with
    ZeroPadding2D; same_pad's odd F is (F − 1)/2, a ZeroPadding2D that keeps the size)."""
    grader, reference, tf = ex06
    for seed in SEEDS:
        uneven, even, too_big = grader.value_error_configs(check_rng(seed, "random_value_errors"))
        for name, args, kwargs in grader.possible_neighbours(uneven, even, too_big):
            want = getattr(reference, name)(*args, **kwargs)
            if name == "conv_output_size":
                (n, f), s = args, kwargs["stride"]
                keras = output_size(tf, (n, n, 1), [{"type": "conv", "filters": 1, "kernel": f, "stride": s}])
            elif name == "same_pad":
                (f,) = args
                keras = output_size(tf, (9, 9, 1), [{"type": "zeropad", "pad": want},
                                                    {"type": "conv", "filters": 1, "kernel": f}])
                assert keras == 9 and f % 2 == 1, f
                continue
            else:
                (n, f, s), padding = args, kwargs["padding"]
                keras = output_size(tf, (n, 1, 1), [{"type": "conv", "filters": 1, "kernel": [f, 1],
                                                     "stride": [s, 1], "padding": padding.lower()}])
            assert want == keras, (name, args, kwargs)


def test_conv_output_size_below_one_expects_what_keras_rejects(ex06):
    """Every configuration conv_output_size_below_one wants refused is one where Keras'
    ZeroPadding2D(P) + Conv2D has no output, and the filter that just fits gives 1."""
    grader, reference, tf = ex06
    whole = 0
    for seed in SEEDS:
        too_small, fitting = grader.below_one_configs(check_rng(seed, "conv_output_size_below_one"))
        for n, f, s, p in too_small:
            assert n >= 1 and n - f + 2 * p < 0
            whole += (n - f + 2 * p) % s == 0
            assert keras_layers(tf, (n, n, 1), [{"type": "zeropad", "pad": p},
                                                {"type": "conv", "filters": 1, "kernel": f, "stride": s}]) is None
            with pytest.raises(ValueError):
                reference.conv_output_size(n, f, s, p)
        for n, f, s, p in fitting:
            assert reference.conv_output_size(n, f, s, p) == 1 == output_size(
                tf, (n, n, 1), [{"type": "zeropad", "pad": p}, {"type": "conv", "filters": 1, "kernel": f, "stride": s}])
    # Half the cases have a whole-number formula (0 or less): only the size check refuses them.
    assert whole >= len(SEEDS) * 3


def test_random_output_shapes_expects_keras_s(ex06):
    """expected_layers (the reference's output_shapes, None where it raises) on the stacks the
    check draws is Keras' layer by layer, rejections included."""
    grader, reference, tf = ex06
    rejected = checked = 0
    for seed in SEEDS:
        rng = check_rng(seed, "random_output_shapes")
        for shape, specs in [grader._random_stack(rng) for _ in range(6)]:
            keras = keras_layers(tf, shape, specs)
            assert grader.expected_layers(reference, shape, specs) == keras, (shape, specs)
            rejected += keras is None
            checked += 1
    assert 0 < rejected < checked // 2


# ----------------------------------------------------------------------------- more random layers
def _random_layer(rng):
    k, s = int(rng.integers(1, 8)), int(rng.integers(1, 5))
    padding = str(rng.choice(["valid", "same", "VALID", "Same"]))
    if rng.integers(0, 2):
        return {"type": "conv", "filters": int(rng.integers(1, 17)), "kernel": k, "stride": s, "padding": padding,
                "use_bias": bool(rng.integers(0, 2))}
    spec = {"type": "pool", "size": k, "padding": padding}
    if rng.integers(0, 3):
        spec["stride"] = s
    return spec


def test_single_layers_agree_with_keras(ex06):
    grader, reference, tf = ex06
    rng = np.random.default_rng(6)
    rejected = 0
    for _ in range(150):
        shape = (int(rng.integers(1, 40)), int(rng.integers(1, 40)), int(rng.integers(1, 8)))
        spec = _random_layer(rng)
        keras = keras_layers(tf, shape, [spec])
        if keras is None:
            rejected += 1
            with pytest.raises(ValueError):
                reference.output_shapes(shape, [spec])
            continue
        assert reference.output_shapes(shape, [spec]) == keras, (shape, spec)
        (out_shape, params), = keras
        h, w, c = shape
        if spec["type"] == "conv":
            sizes = [reference.tf_output_size(n, spec["kernel"], spec["stride"], spec["padding"]) for n in (h, w)]
            assert reference.conv_param_count(spec["kernel"], c, spec["filters"], spec["use_bias"]) == params
        else:
            sizes = [reference.pool_output_size(n, spec["size"], spec.get("stride"), spec["padding"]) for n in (h, w)]
        assert tuple(sizes) == out_shape[:2]
    assert 0 < rejected < 75


def test_lecture_formula_agrees_with_keras_zero_padding(ex06):
    grader, reference, tf = ex06
    rng = np.random.default_rng(7)
    configs = []
    while len(configs) < 60:
        n, f, s, p = (int(rng.integers(lo, hi)) for lo, hi in ((1, 40), (1, 8), (1, 5), (0, 4)))
        if n + 2 * p >= f and (n + 2 * p - f) % s == 0:
            configs.append((n, f, s, p))
    for n, f, s, p in configs:
        keras = output_size(tf, (n, n, 1), [{"type": "zeropad", "pad": p},
                                            {"type": "conv", "filters": 1, "kernel": f, "stride": s}])
        assert reference.conv_output_size(n, f, s, p) == keras
        if f % 2 and s == 1:
            assert reference.conv_output_size(n, f, 1, reference.same_pad(f)) == n


def test_dense_param_counts_agree_with_keras(ex06):
    grader, reference, tf = ex06
    rng = np.random.default_rng(8)
    for _ in range(30):
        i, u, bias = int(rng.integers(1, 600)), int(rng.integers(1, 300)), bool(rng.integers(0, 2))
        assert keras_layers(tf, (i,), [{"type": "dense", "units": u, "use_bias": bias}]) == \
            [((u,), reference.dense_param_count(i, u, bias))]


def test_stacks_agree_with_keras(ex06):
    grader, reference, tf = ex06
    rng = np.random.default_rng(9)
    stacks = [grader._random_stack(rng) for _ in range(60)]
    checked = 0
    for shape, specs in stacks:
        keras = keras_layers(tf, shape, specs)
        if keras is None:
            with pytest.raises(ValueError):
                reference.output_shapes(tuple(shape), specs)
            continue
        assert reference.output_shapes(tuple(shape), specs) == keras, (shape, specs)
        checked += 1
    assert checked > 40
    keras = keras_layers(tf, (28, 28, 1), grader.KERAS_CNN)
    assert keras == grader.KERAS_CNN_TABLE and sum(p for _, p in keras) == 197210


def test_layer_by_layer_keras_is_keras_sequential(ex06):
    """The tests ask Keras layer by layer (memoised); a whole keras.Sequential model gives the
    same shapes, counts and rejections, on single layers, on stacks and on padding + conv."""
    grader, _, tf = ex06
    rng = np.random.default_rng(10)
    cases = [((int(rng.integers(1, 30)), int(rng.integers(1, 30)), int(rng.integers(1, 5))), [_random_layer(rng)])
             for _ in range(40)]
    cases += [grader._random_stack(rng) for _ in range(30)]
    cases.append(((9, 9, 1), [{"type": "zeropad", "pad": 1}, {"type": "conv", "filters": 2, "kernel": 3, "stride": 2}]))
    cases.append(((13, 1, 1), [{"type": "conv", "filters": 1, "kernel": [4, 1], "stride": [3, 1], "padding": "Same"}]))
    cases.append(((13, 1, 1), [{"type": "pool", "size": [4, 1], "stride": None, "padding": "valid"}]))
    rejected = 0
    for shape, specs in cases:
        layered = keras_layers(tf, shape, specs)
        assert layered == keras_sequential(tf, shape, specs), (shape, specs)
        rejected += layered is None
    assert 0 < rejected < len(cases) // 2
