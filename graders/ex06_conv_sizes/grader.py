"""Grader for ex06_conv_sizes: output sizes and parameter counts.

Public checks are the lectures' numbers (7×7 input and 3×3 filter, AlexNet's
CONV1/POOL1, the Keras CNN table).  Hidden checks draw random configurations
from the run's seed and compare with Keras itself: every expected size and
parameter count comes from Keras layers built in the trusted process (Conv2D,
MaxPooling2D, ZeroPadding2D, Flatten, Dense), each on the previous layer's output
shape as ``keras.Sequential`` chains them, through the oracle's disk cache, so
TensorFlow is imported only when a result is missing.
Configurations Keras rejects must raise ValueError.
"""

import json

import numpy as np

from dlgrade.grading import CheckFailed, check, expect_equal
from dlgrade.grading.oracle import memo
from dlgrade.sandbox import StudentException

#: The lecture's Keras CNN on 28×28×1 and its table (EXERCISES.md, ex06).
KERAS_CNN = [
    {"type": "conv", "filters": 10, "kernel": 3, "padding": "same"},
    {"type": "pool", "size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 100},
    {"type": "dense", "units": 10},
]
KERAS_CNN_TABLE = [((28, 28, 10), 100), ((14, 14, 10), 0), ((1960,), 0), ((100,), 196100), ((10,), 1010)]


# ----------------------------------------------------------------------------- oracle
def _keras_layer(keras, spec):
    kind = spec["type"]
    if kind == "conv":
        return keras.layers.Conv2D(spec["filters"], spec["kernel"], strides=spec.get("stride", 1),
                                   padding=spec.get("padding", "valid").lower(),
                                   use_bias=bool(spec.get("use_bias", True)))
    if kind == "pool":
        return keras.layers.MaxPooling2D(spec["size"], strides=spec.get("stride"),
                                         padding=spec.get("padding", "valid").lower())
    if kind == "zeropad":  # the lecture's explicit padding P (oracle-only layer)
        return keras.layers.ZeroPadding2D(spec["pad"])
    if kind == "flatten":
        return keras.layers.Flatten()
    if kind == "dense":
        return keras.layers.Dense(spec["units"], use_bias=bool(spec.get("use_bias", True)))
    raise ValueError(f"unknown layer {kind!r}")


def _keras_layer_shape(tf, shape, spec):
    """(output shape, count_params) of one Keras layer on an input of ``shape`` (batch
    excluded), or None when Keras rejects it or an output size is below 1.  Keras is
    asked once per process for each layer configuration (the output shape, of every
    input) and each configuration and input depth (the weights, which do not depend
    on the other sizes): a class of students asks the same ones again and again."""
    key = json.dumps(spec, sort_keys=True)
    layer = memo(("keras layer", key), lambda: _keras_layer(tf.keras, spec))
    try:
        out = tuple(layer.compute_output_shape((None, *shape)))[1:]
    except ValueError:
        return None
    if any(d is None or d < 1 for d in out):
        return None
    # Strides and padding shape the output, not the weights (the test against
    # keras.Sequential holds this to Keras): one build serves every stride and padding.
    weights = json.dumps({k: v for k, v in spec.items() if k not in ("stride", "padding")}, sort_keys=True)
    params = memo(("keras layer params", weights, len(shape), shape[-1]),
                  lambda: _count_params(tf, spec, len(shape), shape[-1]))
    return tuple(int(d) for d in out), params


def _count_params(tf, spec, rank, depth):
    """count_params of the layer built on inputs of any size with this rank and depth.
    Built for its weights' shapes only: in a stateless scope that never initialises them,
    no values are allocated (eagerly initialised ones cost time, and memory the process
    does not give back)."""
    with tf.keras.StatelessScope(initialize_variables=False):
        layer = _keras_layer(tf.keras, spec)
        layer.build((None, *[None] * (rank - 1), depth))
        return int(layer.count_params())


def _keras_models(tf, cases):
    """For each case {"input": shape, "layers": specs}: a flat int array
    [ndim, *shape, params] per layer, or [-1] when Keras rejects the model — each layer
    built by Keras on the previous one's output shape, as keras.Sequential chains them
    (tests/test_ex06_oracle.py holds this to keras.Sequential itself)."""
    results = []
    for case in cases:
        shape, flat = tuple(case["input"]), []
        for spec in case["layers"]:
            layer = _keras_layer_shape(tf, shape, spec)
            if layer is None:
                flat = [-1]
                break
            shape, params = layer
            flat += [len(shape), *shape, params]
        results.append(np.array(flat, dtype=np.int64))
    return tuple(results)


def keras_sequential(tf, case):
    """The same flat array from a whole keras.Sequential model (the slower, direct way)."""
    keras = tf.keras
    try:
        model = keras.Sequential([keras.Input(tuple(case["input"])),
                                  *[_keras_layer(keras, spec) for spec in case["layers"]]])
        flat = []
        for layer in model.layers:
            shape = tuple(layer.output.shape)[1:]
            if any(d is None or d < 1 for d in shape):
                raise ValueError(f"size below 1: {shape}")
            flat += [len(shape), *shape, layer.count_params()]
    except ValueError:
        flat = [-1]
    return np.array(flat, dtype=np.int64)


def keras_models(oracle, cases):
    """Per case: [(shape, params), ...] for every layer as Keras computes it, or None if
    Keras rejects the configuration (an output size below 1)."""
    flats = oracle.tf("keras.Sequential layer shapes and count_params", _keras_models, cases=cases)
    decoded = []
    for flat in flats:
        flat = [int(v) for v in flat]
        if flat == [-1]:
            decoded.append(None)
            continue
        layers, i = [], 0
        while i < len(flat):
            ndim = flat[i]
            layers.append((tuple(flat[i + 1:i + 1 + ndim]), flat[i + 1 + ndim]))
            i += ndim + 2
        decoded.append(layers)
    return decoded


# ----------------------------------------------------------------------------- helpers
def expect_int(got, expected, what, mistake=None):
    """An int result, with a pointed message for the float that np.ceil or / give."""
    if isinstance(got, (float, np.floating)) and float(got) == expected:
        raise CheckFailed(f"{what}: returned the float {float(got)!r}; return an int "
                          "(use // or int(...), np.ceil returns a float)")
    expect_equal(got, expected, what=what, mistake=mistake)


def expect_value_error(call, what, mistake="no_value_error"):
    """``call()`` must raise ValueError; returning a value fails, so does another exception."""
    try:
        got = call()
    except StudentException as exc:
        if exc.message.startswith("ValueError"):
            return
        raise CheckFailed(f"{what}: expected ValueError, got {exc.message.splitlines()[0]}") from None
    raise CheckFailed(f"{what}: returned {got!r} instead of raising ValueError "
                      "(an impossible configuration must not be rounded or answered with 0)", mistake=mistake)


def _ceil_div(a, s):
    return -(-a // s)


def size_mistake(got, n, f, s, padding):
    """The classic mistake behind a wrong Keras-style size, if it is one."""
    positions = n - f + 1 if padding.lower() == "valid" else n
    if got == positions // s != _ceil_div(positions, s):
        return "floor_instead_of_ceil"
    return None


def _rand(rng, low, high):
    return int(rng.integers(low, high + 1))


# ----------------------------------------------------------------------------- public checks
@check(points=1, title_ko="conv_output_size: 7×7 입력, 3×3 필터, 스트라이드 1 → 5, 스트라이드 2 → 3.")
def lecture_7x7_stride_1_and_2(student):
    """conv_output_size: 7×7 input, 3×3 filter, stride 1 → 5 and stride 2 → 3."""
    expect_int(student.conv_output_size(7, 3, stride=1), 5, "conv_output_size(7, 3, stride=1)")
    expect_int(student.conv_output_size(7, 3, stride=2), 3, "conv_output_size(7, 3, stride=2)")


@check(points=1, title_ko="conv_output_size(7, 3, stride=3)는 ValueError: (7 − 3)/3 + 1 = 2.33.")
def lecture_7x7_stride_3_raises(student):
    """conv_output_size(7, 3, stride=3) raises ValueError: (7 − 3)/3 + 1 = 2.33."""
    expect_value_error(lambda: student.conv_output_size(7, 3, stride=3), "conv_output_size(7, 3, stride=3)")


@check(points=1, title_ko="same_pad: F = 3 → 1, F = 5 → 2, 패딩 1이면 7×7이 그대로 7, 짝수 F는 ValueError.")
def lecture_same_pad(student):
    """same_pad: F = 3 → 1, F = 5 → 2, 7×7 with pad 1 stays 7, even F raises ValueError."""
    expect_int(student.same_pad(3), 1, "same_pad(3)")
    expect_int(student.same_pad(5), 2, "same_pad(5)")
    got = student.conv_output_size(7, 3, stride=1, pad=1)
    expect_int(got, 7, "conv_output_size(7, 3, stride=1, pad=1)",
               mistake="pad_not_doubled" if got == 6 else None)
    expect_value_error(lambda: student.same_pad(4), "same_pad(4)")


@check(points=1, title_ko="AlexNet CONV1: 227×227 입력, 11×11 필터, 스트라이드 4 → 55.")
def lecture_alexnet_conv1(student):
    """AlexNet CONV1: 227×227 input, 11×11 filters, stride 4 → 55."""
    expect_int(student.conv_output_size(227, 11, stride=4), 55, "conv_output_size(227, 11, stride=4)")


@check(points=1, title_ko="AlexNet POOL1: 55에 3×3 풀링, 스트라이드 2 → 27.")
def lecture_alexnet_pool1(student):
    """AlexNet POOL1: 55 with 3×3 pooling, stride 2 → 27."""
    got = student.pool_output_size(55, 3, 2)
    expect_int(got, 27, "pool_output_size(55, 3, 2)", mistake=size_mistake(got, 55, 3, 2, "valid"))


@check(points=1, title_ko="AlexNet CONV1의 가중치 수: conv_param_count(11, 3, 96, use_bias=False) = 34,848 (편향 포함 34,944).")
def lecture_alexnet_weights(student):
    """AlexNet CONV1's weights: conv_param_count(11, 3, 96, use_bias=False) = 34,848 (34,944 with biases)."""
    expect_int(student.conv_param_count(11, 3, 96, use_bias=False), 34848,
               "conv_param_count(11, 3, 96, use_bias=False)")
    got = student.conv_param_count(11, 3, 96)
    expect_int(got, 34944, "conv_param_count(11, 3, 96)", mistake="bias_not_counted" if got == 34848 else None)


@check(points=1,
       title_ko="tf_output_size는 올림: 227, 11, 스트라이드 4 'valid' → 55; 7, 3, 스트라이드 2 'same' → 4; 28, 3 'same' → 28.")
def lecture_tf_output_size(student):
    """tf_output_size rounds up: 227, 11, stride 4 'valid' → 55; 7, 3, stride 2 'same' → 4; 28, 3 'same' → 28."""
    for args, want in (((227, 11, 4, "valid"), 55), ((7, 3, 2, "same"), 4), ((28, 3, 1, "same"), 28),
                       ((28, 3, 2, "valid"), 13), ((28, 3, 2, "SAME"), 14)):
        got = student.tf_output_size(*args[:3], padding=args[3])
        expect_int(got, want, f"tf_output_size({args[0]}, {args[1]}, stride={args[2]}, padding={args[3]!r})",
                   mistake=size_mistake(got, *args))


@check(points=1, title_ko="pool_output_size(28, 2) → 14: 케라스처럼 stride의 기본값은 풀 크기.")
def lecture_pool_output_size(student):
    """pool_output_size(28, 2) → 14: the stride defaults to the pool size, as in Keras."""
    got = student.pool_output_size(28, 2)
    expect_int(got, 14, "pool_output_size(28, 2)", mistake="pool_stride_default" if got == 27 else None)


@check(points=1, title_ko="강의의 케라스 CNN 파라미터 수: Conv2D 3·3·1·10 + 10 = 100, Dense 196,100과 1,010.")
def lecture_param_counts(student):
    """The Keras CNN's parameters: Conv2D 3·3·1·10 + 10 = 100, Dense 196,100 and 1,010."""
    for name, args, want, without in (("conv_param_count", (3, 1, 10), 100, 90),
                                      ("dense_param_count", (1960, 100), 196100, 196000),
                                      ("dense_param_count", (100, 10), 1010, 1000)):
        got = getattr(student, name)(*args)
        expect_int(got, want, f"{name}{args}", mistake="bias_not_counted" if got == without else None)


@check(points=2, title_ko="강의의 케라스 CNN(28×28×1)에 output_shapes: 모든 출력 형상과 파라미터 수, 합계 197,210.")
def lecture_keras_cnn_table(student):
    """output_shapes on the lecture's Keras CNN (28×28×1): every shape and count, total 197,210."""
    got = student.output_shapes((28, 28, 1), KERAS_CNN)
    expect_layers(got, KERAS_CNN_TABLE, KERAS_CNN, "output_shapes((28, 28, 1), lecture CNN)")
    total = sum(p for _, p in got)
    if total != 197210:
        raise CheckFailed(f"total parameters: expected 197210, got {total}")


# ----------------------------------------------------------------------------- layer lists
def _describe_spec(spec):
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in spec.items()) + "}"


def expect_layers(got, expected, specs, what, hidden=False):
    """Layer by layer: the first layer whose shape or count is wrong, and why."""
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(f"{what}: expected a list of (shape, parameter count) pairs, got {type(got).__name__}")
    if len(got) != len(expected):
        raise CheckFailed(f"{what}: expected {len(expected)} entries (one per layer), got {len(got)}")
    for index, (item, (shape, params), spec) in enumerate(zip(got, expected, specs)):
        label = f"{what}, layer {index} {_describe_spec(spec)}"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise CheckFailed(f"{label}: expected a (shape, parameter count) pair, got {item!r}")
        got_shape, got_params = item
        if not isinstance(got_shape, (list, tuple)) or tuple(got_shape) != shape:
            if hidden:
                raise CheckFailed(f"{label}: wrong output shape (got {got_shape!r})")
            raise CheckFailed(f"{label}: output shape: expected {shape}, got {got_shape!r}")
        if isinstance(got_params, bool) or not isinstance(got_params, (int, np.integer)) or got_params != params:
            mistake = None
            if spec["type"] in ("conv", "dense") and spec.get("use_bias", True):
                units = spec.get("filters", spec.get("units"))
                mistake = "bias_not_counted" if got_params == params - units else None
            if hidden:
                raise CheckFailed(f"{label}: wrong parameter count (got {got_params!r})", mistake=mistake)
            raise CheckFailed(f"{label}: parameter count: expected {params}, got {got_params!r}", mistake=mistake)


# ----------------------------------------------------------------------------- hidden checks
@check(points=2, hidden=True, title_ko="무작위 입력 크기, 필터, 스트라이드, 패딩으로 tf_output_size를 케라스 Conv2D와 비교.")
def random_tf_output_size(student, rng, oracle):
    """tf_output_size on random sizes, filters, strides and paddings, against keras Conv2D."""
    configs = []
    for case in range(12):
        f, s = _rand(rng, 1, 7), _rand(rng, 1, 4)
        n = _rand(rng, f, 40)
        configs.append((n, f, s, ("valid", "same", "VALID", "Same")[case % 4]))
    cases = [{"input": [n, 1, 1], "layers": [{"type": "conv", "filters": 1, "kernel": [f, 1], "stride": [s, 1],
                                              "padding": p}]} for n, f, s, p in configs]
    batch = student.batch()  # all the calls in one round trip
    for n, f, s, p in configs:
        batch.call(student.tf_output_size, n, f, s, padding=p)
    for case, ((n, f, s, p), layers, got) in enumerate(zip(configs, keras_models(oracle, cases), batch.results())):
        expect_int(got, layers[0][0][0], f"case {case + 1}: tf_output_size({n}, {f}, {s}, padding={p!r})",
                   mistake=size_mistake(got, n, f, s, p))


@check(points=2, hidden=True, title_ko="stride 지정·생략, 'valid'·'same'에서 pool_output_size를 케라스 MaxPooling2D와 비교.")
def random_pool_output_size(student, rng, oracle):
    """pool_output_size with and without a stride, 'valid' and 'same', against keras MaxPooling2D."""
    configs = []
    for case in range(12):
        size = _rand(rng, 2, 5)
        stride = None if case % 2 == 0 else _rand(rng, 1, 4)
        n = _rand(rng, size, 40)
        configs.append((n, size, stride, ("valid", "same")[(case // 2) % 2]))
    cases = [{"input": [n, 1, 1], "layers": [{"type": "pool", "size": [size, 1], "stride": None if st is None else
                                              [st, 1], "padding": p}]} for n, size, st, p in configs]
    batch = student.batch()  # all the calls in one round trip
    for n, size, stride, p in configs:
        if stride is None:
            batch.call(student.pool_output_size, n, size, padding=p)
        else:
            batch.call(student.pool_output_size, n, size, stride, padding=p)
    for case, ((n, size, stride, p), layers, got) in enumerate(zip(configs, keras_models(oracle, cases),
                                                                    batch.results())):
        want = layers[0][0][0]
        if stride is None:
            call = f"pool_output_size({n}, {size}, padding={p!r})"
            mistake = size_mistake(got, n, size, size, p)
            if got != want and got == _ceil_div((n - size + 1) if p == "valid" else n, 1):
                mistake = "pool_stride_default"
        else:
            call = f"pool_output_size({n}, {size}, {stride}, padding={p!r})"
            mistake = size_mistake(got, n, size, stride, p)
        expect_int(got, want, f"case {case + 1}: {call}", mistake=mistake)


@check(points=2, hidden=True, title_ko="나누어떨어지는 크기에서 패딩이 있는 conv_output_size를 케라스 ZeroPadding2D + Conv2D와 비교.")
def random_conv_output_size(student, rng, oracle):
    """conv_output_size with padding on sizes that divide evenly, against keras ZeroPadding2D + Conv2D."""
    configs = []
    while len(configs) < 10:
        f, s, p = _rand(rng, 1, 7), _rand(rng, 1, 4), _rand(rng, 0, 3)
        n = _rand(rng, max(1, f - 2 * p), 40)
        n -= (n + 2 * p - f) % s  # (N − F + 2P) a multiple of S: the lecture's formula is exact
        if n >= 1 and n + 2 * p >= f:
            configs.append((n, f, s, p))
    cases = [{"input": [n, n, 1], "layers": [{"type": "zeropad", "pad": p},
                                             {"type": "conv", "filters": 1, "kernel": f, "stride": s}]}
             for n, f, s, p in configs]
    batch = student.batch()  # all the calls in one round trip
    for n, f, s, p in configs:
        batch.call(student.conv_output_size, n, f, stride=s, pad=p)
    for case, ((n, f, s, p), layers, got) in enumerate(zip(configs, keras_models(oracle, cases), batch.results())):
        want = layers[1][0][0]
        single = n - f + p
        mistake = "pad_not_doubled" if p and single % s == 0 and got == single // s + 1 else None
        expect_int(got, want, f"case {case + 1}: conv_output_size({n}, {f}, stride={s}, pad={p})", mistake=mistake)


@check(points=2, hidden=True, title_ko="편향 포함·제외 conv_param_count와 dense_param_count를 케라스 count_params와 비교.")
def random_param_counts(student, rng, oracle):
    """conv_param_count and dense_param_count, with and without biases, against keras count_params."""
    convs, denses = [], []
    for case in range(8):
        convs.append((_rand(rng, 1, 7), _rand(rng, 1, 16), _rand(rng, 1, 64), case % 3 != 2))
        denses.append((_rand(rng, 1, 500), _rand(rng, 1, 200), case % 3 != 2))
    cases = ([{"input": [f, f, c], "layers": [{"type": "conv", "filters": k, "kernel": f, "use_bias": bias}]}
              for f, c, k, bias in convs]
             + [{"input": [i], "layers": [{"type": "dense", "units": u, "use_bias": bias}]} for i, u, bias in denses])
    wants = [layers[0][1] for layers in keras_models(oracle, cases)]
    batch = student.batch()  # all the calls in one round trip
    for f, c, k, bias in convs:
        batch.call(student.conv_param_count, f, c, k, use_bias=bool(bias))
    for i, u, bias in denses:
        batch.call(student.dense_param_count, i, u, use_bias=bool(bias))
    results = batch.results()
    for case, ((f, c, k, bias), got) in enumerate(zip(convs, results)):
        expect_int(got, wants[case], f"case {case + 1}: conv_param_count({f}, {c}, {k}, use_bias={bias})",
                   mistake="bias_not_counted" if bias and got == wants[case] - k else None)
    for case, ((i, u, bias), got) in enumerate(zip(denses, results)):
        want = wants[len(convs) + case]
        expect_int(got, want, f"case {case + 1}: dense_param_count({i}, {u}, use_bias={bias})",
                   mistake="bias_not_counted" if bias and got == want - u else None)


@check(points=2, hidden=True, title_ko="불가능한 설정은 ValueError: 나누어떨어지지 않는 스트라이드, 짝수 F의 same_pad, 케라스가 허용하지 않는 큰 필터.")
def random_value_errors(student, rng, oracle):
    """Impossible configurations raise ValueError: uneven strides, even same_pad, filters larger than Keras allows."""
    for case in range(4):
        f, s = _rand(rng, 1, 5), _rand(rng, 2, 4)
        n = _rand(rng, f + 1, 30)
        n += 1 if (n - f) % s == 0 else 0  # (N − F) not a multiple of S
        expect_value_error(lambda: student.conv_output_size(n, f, stride=s),
                           f"case {case + 1}: conv_output_size({n}, {f}, stride={s})")
    for f in sorted({2 * _rand(rng, 1, 5) for _ in range(2)}):
        expect_value_error(lambda: student.same_pad(f), f"same_pad({f})")
    # Sizes below 1 in Keras' 'valid' mode: the oracle confirms that Keras rejects each one.
    configs = [(_rand(rng, 1, 5), _rand(rng, 1, 3)) for _ in range(3)]
    configs = [(n, n + _rand(rng, 1, 4), s) for n, s in configs]
    cases = [{"input": [n, n, 1], "layers": [{"type": "conv", "filters": 1, "kernel": f, "stride": s}]}
             for n, f, s in configs]
    for case, ((n, f, s), layers) in enumerate(zip(configs, keras_models(oracle, cases))):
        assert layers is None, "Keras accepted a configuration the grader expects it to reject"
        expect_value_error(lambda: student.tf_output_size(n, f, s, padding="valid"),
                           f"case {case + 1}: tf_output_size({n}, {f}, {s}, padding='valid')")


def _random_stack(rng):
    side = _rand(rng, 8, 48)
    shape = [side, _rand(rng, 8, 48), _rand(rng, 1, 4)]
    specs = []
    for _ in range(_rand(rng, 1, 4)):
        if rng.integers(0, 2):
            spec = {"type": "conv", "filters": _rand(rng, 1, 16), "kernel": _rand(rng, 1, 5),
                    "stride": _rand(rng, 1, 3), "padding": ("valid", "same")[int(rng.integers(0, 2))]}
            if rng.integers(0, 4) == 0:
                spec["use_bias"] = False
            specs.append(spec)
        else:
            spec = {"type": "pool", "size": _rand(rng, 2, 3), "padding": ("valid", "same")[int(rng.integers(0, 2))]}
            if rng.integers(0, 2):
                spec["stride"] = _rand(rng, 1, 3)
            specs.append(spec)
    specs.append({"type": "flatten"})
    for _ in range(_rand(rng, 1, 2)):
        specs.append({"type": "dense", "units": _rand(rng, 1, 64)})
    return shape, specs


@check(points=3, hidden=True, title_ko="무작위 conv/pool/flatten/dense 층 목록의 output_shapes를 케라스 Sequential 모델과 비교.")
def random_output_shapes(student, rng, oracle):
    """output_shapes on random conv/pool/flatten/dense stacks, against a keras Sequential model."""
    stacks = [_random_stack(rng) for _ in range(6)]
    expected = keras_models(oracle, [{"input": shape, "layers": specs} for shape, specs in stacks])
    for case, ((shape, specs), layers) in enumerate(zip(stacks, expected)):
        what = f"case {case + 1}: output_shapes({tuple(shape)}, {len(specs)} layers)"
        if layers is None:  # a size dropped below 1 somewhere: Keras rejects the model
            expect_value_error(lambda: student.output_shapes(tuple(shape), specs), what)
            continue
        expect_layers(student.output_shapes(tuple(shape), specs), layers, specs, what, hidden=True)
