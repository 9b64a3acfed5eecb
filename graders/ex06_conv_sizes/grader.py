"""Grader for ex06_conv_sizes: output sizes and parameter counts.

Public checks are the lectures' numbers (7×7 input and 3×3 filter, AlexNet's
CONV1/POOL1, the Keras CNN table).  Hidden checks draw random configurations
from the run's seed; every expected size and parameter count is the reference
solution's, which follows Keras' semantics (Conv2D, MaxPooling2D, ZeroPadding2D
with Conv2D for the lecture's padding P, Flatten, Dense).  No TensorFlow runs at
grading time: tests/test_ex06_oracle.py builds the Keras layers for the
configurations these checks draw (for many seeds, with each check's own
generator below) and proves the reference gives Keras' every output shape,
parameter count and rejection.  Configurations Keras rejects must raise
ValueError.  Calls whose arguments are known in advance go to the sandbox in
one round trip (student.batch()) and are judged one by one, in order; where
calls should raise, the sandbox answers every call, raising or not
(Batch.outcomes).

Type policy (the statement's "Grading"): every value check judges the number, so a right
value of another type (28.0, np.int64(28), True) passes it; the type is judged once, by
returns_python_ints, which reports "right value, wrong type" for each function that returns
one.  Checks of a property that code doing nothing has (raising ValueError) count only
together with right values in the same check.
"""

import numpy as np

from dlgrade.grading import CheckFailed, check
from dlgrade.grading.compare import describe, hidden_check
from dlgrade.sandbox import StudentCodeError, StudentException, InvalidValue

#: The lecture's Keras CNN on 28×28×1 and its table (EXERCISES.md, ex06).
KERAS_CNN = [
    {"type": "conv", "filters": 10, "kernel": 3, "padding": "same"},
    {"type": "pool", "size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 100},
    {"type": "dense", "units": 10},
]
KERAS_CNN_TABLE = [((28, 28, 10), 100), ((14, 14, 10), 0), ((1960,), 0), ((100,), 196100), ((10,), 1010)]


# ----------------------------------------------------------------------------- helpers
def _number(got):
    """A returned count as a float to judge its value, or None when it is no number at all."""
    if isinstance(got, (bool, int, float, np.integer, np.floating, np.bool_)):
        return float(got)
    return None


def expect_int(got, expected, what, mistake=None):
    """The value of a count, whatever its numeric type (returns_python_ints judges the type):
    28.0 and np.int64(28) pass where 28 is expected."""
    value = _number(got)
    if value is None:
        shown = got.reason if isinstance(got, InvalidValue) else describe(got)
        raise CheckFailed(f"{what}: no number came back: {shown}", mistake=mistake)
    if value == expected:
        return
    if not np.isfinite(value):
        raise CheckFailed(f"{what}: got {value!r} (NaN or infinity), not a count", mistake=mistake)
    if hidden_check.get():
        raise CheckFailed(f"{what}: wrong value (got {got!r})", mistake=mistake)
    raise CheckFailed(f"{what}: expected {expected!r}, got {got!r}", mistake=mistake)


def wrong_type(got):
    """Why ``got`` (a right value) is not of the type the statement asks for, or None:
    counts are Python ints, shapes tuples of them."""
    if type(got) is int:
        return None
    if isinstance(got, (bool, np.bool_)):
        return f"the bool {got!r}"
    if isinstance(got, (float, np.floating)):
        return f"the float {float(got)!r} (np.ceil and / give floats: use // or int(...))"
    if isinstance(got, np.integer):
        return f"the NumPy integer {got!r} (wrap it in int(...))"
    return describe(got)


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


def outcomes_in_one_round_trip(student, calls):
    """The outcome of each of ``calls`` ([(student function name, args, kwargs)], arguments known
    in advance), for calls some of which should raise: its value, or the StudentCodeError it
    raised (see value_of), in order, from one round trip that answers every call.  The calls
    from a name that is missing or not a function go one per round trip, so that its failure
    comes when a call of it would, after the earlier calls are judged."""
    batch = student.batch()
    functions = student.functions_until_missing([name for name, _args, _kwargs in calls])
    for function, (_name, args, kwargs) in zip(functions, calls):
        batch.call(function, *args, **kwargs)
    queued = len(functions)
    yield from batch.outcomes()
    for name, args, kwargs in calls[queued:]:
        try:
            yield getattr(student, name)(*args, **kwargs)
        except StudentCodeError as error:
            yield error


def value_of(outcome):
    """An outcome's value, or the error it was, raised as the call would have raised it."""
    if isinstance(outcome, StudentCodeError):
        raise outcome
    return outcome


# ----------------------------------------------------------------------------- public checks
@check(points=1, title_ko="conv_output_size: 7×7 입력, 3×3 필터, 스트라이드 1 → 5, 스트라이드 2 → 3.")
def lecture_7x7_stride_1_and_2(student):
    """conv_output_size: 7×7 input, 3×3 filter, stride 1 → 5 and stride 2 → 3."""
    results = student.in_one_round_trip([(student.conv_output_size, (7, 3), {"stride": s}) for s in (1, 2)])
    expect_int(next(results), 5, "conv_output_size(7, 3, stride=1)")
    expect_int(next(results), 3, "conv_output_size(7, 3, stride=2)")


@check(points=1, title_ko="conv_output_size(7, 3, stride=3)는 ValueError ((7 − 3)/3 + 1 = 2.33), 나누어떨어지는 (7, 1, stride=3)은 3.")
def lecture_7x7_stride_3_raises(student):
    """conv_output_size(7, 3, stride=3) raises ValueError ((7 − 3)/3 + 1 = 2.33); (7, 1, stride=3), which divides, gives 3."""
    outcomes = outcomes_in_one_round_trip(student, [("conv_output_size", (7, 1), {"stride": 3}),
                                                    ("conv_output_size", (7, 3), {"stride": 3})])  # the last should raise
    expect_int(value_of(next(outcomes)), 3, "conv_output_size(7, 1, stride=3)")
    outcome = next(outcomes)
    expect_value_error(lambda: value_of(outcome), "conv_output_size(7, 3, stride=3)")


@check(points=1, title_ko="same_pad: F = 3 → 1, F = 5 → 2, 패딩 1이면 7×7이 그대로 7, 짝수 F는 ValueError.")
def lecture_same_pad(student):
    """same_pad: F = 3 → 1, F = 5 → 2, 7×7 with pad 1 stays 7, even F raises ValueError."""
    results = student.in_one_round_trip([(student.same_pad, (3,), {}), (student.same_pad, (5,), {}),
                                          (student.conv_output_size, (7, 3), {"stride": 1, "pad": 1}),
                                          (student.same_pad, (4,), {})])  # the last should raise
    expect_int(next(results), 1, "same_pad(3)")
    expect_int(next(results), 2, "same_pad(5)")
    got = next(results)
    expect_int(got, 7, "conv_output_size(7, 3, stride=1, pad=1)",
               mistake="pad_not_doubled" if got == 6 else None)
    expect_value_error(lambda: next(results), "same_pad(4)")


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
    results = student.in_one_round_trip([(student.conv_param_count, (11, 3, 96), {"use_bias": False}),
                                          (student.conv_param_count, (11, 3, 96), {})])
    expect_int(next(results), 34848, "conv_param_count(11, 3, 96, use_bias=False)")
    got = next(results)
    expect_int(got, 34944, "conv_param_count(11, 3, 96)", mistake="bias_not_counted" if got == 34848 else None)


@check(points=1,
       title_ko="tf_output_size는 올림: 227, 11, 스트라이드 4 'valid' → 55; 7, 3, 스트라이드 2 'same' → 4; 28, 3 'same' → 28.")
def lecture_tf_output_size(student):
    """tf_output_size rounds up: 227, 11, stride 4 'valid' → 55; 7, 3, stride 2 'same' → 4; 28, 3 'same' → 28."""
    table = (((227, 11, 4, "valid"), 55), ((7, 3, 2, "same"), 4), ((28, 3, 1, "same"), 28),
             ((28, 3, 2, "valid"), 13), ((28, 3, 2, "SAME"), 14))
    results = student.in_one_round_trip([(student.tf_output_size, args[:3], {"padding": args[3]})
                                          for args, _want in table])
    for args, want in table:
        got = next(results)
        expect_int(got, want, f"tf_output_size({args[0]}, {args[1]}, stride={args[2]}, padding={args[3]!r})",
                   mistake=size_mistake(got, *args))


@check(points=1, title_ko="pool_output_size(28, 2) → 14: 케라스처럼 stride의 기본값은 풀 크기.")
def lecture_pool_output_size(student):
    """pool_output_size(28, 2) → 14: the stride defaults to the pool size, as in Keras."""
    default, one = student.in_one_round_trip([(student.pool_output_size, (28, 2), {}),
                                               (student.pool_output_size, (28, 2, 1), {})])
    expect_int(default, 14, "pool_output_size(28, 2)", mistake="pool_stride_default" if default == 27 else None)
    # The same pool with an explicit stride of 1 (27): a constant answer cannot pass both.
    expect_int(one, 27, "pool_output_size(28, 2, 1)")


@check(points=1, title_ko="강의의 케라스 CNN 파라미터 수: Conv2D 3·3·1·10 + 10 = 100, Dense 196,100과 1,010.")
def lecture_param_counts(student):
    """The Keras CNN's parameters: Conv2D 3·3·1·10 + 10 = 100, Dense 196,100 and 1,010."""
    table = (("conv_param_count", (3, 1, 10), 100, 90), ("dense_param_count", (1960, 100), 196100, 196000),
             ("dense_param_count", (100, 10), 1010, 1000))
    results = student.in_one_round_trip([(getattr(student, name), args, {}) for name, args, _, _ in table])
    for name, args, want, without in table:
        got = next(results)
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
        if not isinstance(got_shape, (list, tuple)) or [_number(d) for d in got_shape] != [float(d) for d in shape]:
            if hidden:
                raise CheckFailed(f"{label}: wrong output shape (got {got_shape!r})")
            raise CheckFailed(f"{label}: output shape: expected {shape}, got {got_shape!r}")
        if _number(got_params) != params:
            mistake = None
            if spec["type"] in ("conv", "dense") and spec.get("use_bias", True):
                units = spec.get("filters", spec.get("units"))
                mistake = "bias_not_counted" if got_params == params - units else None
            if hidden:
                raise CheckFailed(f"{label}: wrong parameter count (got {got_params!r})", mistake=mistake)
            raise CheckFailed(f"{label}: parameter count: expected {params}, got {got_params!r}", mistake=mistake)


# ----------------------------------------------------------------------------- hidden checks
# Each check's configurations come from a generator of their own, which
# tests/test_ex06_oracle.py runs with the check's per-seed generator to build the same
# layers in Keras: every expected value below (the reference's) is proven to be Keras'.
def tf_output_size_configs(rng):
    """random_tf_output_size's (N, F, S, padding), N ≥ F: Keras' Conv2D with an F×1 kernel and
    an S×1 stride on an N×1 input."""
    configs = []
    for case in range(12):
        f, s = _rand(rng, 1, 7), _rand(rng, 1, 4)
        n = _rand(rng, f, 40)
        configs.append((n, f, s, ("valid", "same", "VALID", "Same")[case % 4]))
    return configs


@check(points=2, hidden=True, title_ko="무작위 입력 크기, 필터, 스트라이드, 패딩으로 tf_output_size를 케라스 Conv2D와 비교.")
def random_tf_output_size(student, rng, reference):
    """tf_output_size on random sizes, filters, strides and paddings, against keras Conv2D."""
    configs = tf_output_size_configs(rng)
    results = student.in_one_round_trip([(student.tf_output_size, (n, f, s), {"padding": p})
                                          for n, f, s, p in configs])
    for case, ((n, f, s, p), got) in enumerate(zip(configs, results)):
        expect_int(got, reference.tf_output_size(n, f, s, padding=p),
                   f"case {case + 1}: tf_output_size({n}, {f}, {s}, padding={p!r})",
                   mistake=size_mistake(got, n, f, s, p))


def pool_output_size_configs(rng):
    """random_pool_output_size's (N, size, stride or None, padding), N ≥ size: Keras'
    MaxPooling2D with a size×1 window and a stride×1 stride (None: the window's) on N×1."""
    configs = []
    for case in range(12):
        size = _rand(rng, 2, 5)
        stride = None if case % 2 == 0 else _rand(rng, 1, 4)
        n = _rand(rng, size, 40)
        configs.append((n, size, stride, ("valid", "same")[(case // 2) % 2]))
    return configs


@check(points=1.5, hidden=True, title_ko="stride 지정·생략, 'valid'·'same'에서 pool_output_size를 케라스 MaxPooling2D와 비교.")
def random_pool_output_size(student, rng, reference):
    """pool_output_size with and without a stride, 'valid' and 'same', against keras MaxPooling2D."""
    configs = pool_output_size_configs(rng)
    results = student.in_one_round_trip([(student.pool_output_size, (n, size) if stride is None else
                                           (n, size, stride), {"padding": p}) for n, size, stride, p in configs])
    for case, ((n, size, stride, p), got) in enumerate(zip(configs, results)):
        want = reference.pool_output_size(n, size, stride, padding=p)
        if stride is None:
            call = f"pool_output_size({n}, {size}, padding={p!r})"
            mistake = size_mistake(got, n, size, size, p)
            if got != want and got == _ceil_div((n - size + 1) if p == "valid" else n, 1):
                mistake = "pool_stride_default"
        else:
            call = f"pool_output_size({n}, {size}, {stride}, padding={p!r})"
            mistake = size_mistake(got, n, size, stride, p)
        expect_int(got, want, f"case {case + 1}: {call}", mistake=mistake)


def conv_output_size_configs(rng):
    """random_conv_output_size's (N, F, S, P), (N − F + 2P) a multiple of S: Keras'
    ZeroPadding2D(P) then Conv2D with an F×F kernel and stride S on N×N."""
    configs = []
    while len(configs) < 10:
        f, s, p = _rand(rng, 1, 7), _rand(rng, 1, 4), _rand(rng, 0, 3)
        n = _rand(rng, max(1, f - 2 * p), 40)
        n -= (n + 2 * p - f) % s  # (N − F + 2P) a multiple of S: the lecture's formula is exact
        if n >= 1 and n + 2 * p >= f:
            configs.append((n, f, s, p))
    return configs


@check(points=2, hidden=True, title_ko="나누어떨어지는 크기에서 패딩이 있는 conv_output_size를 케라스 ZeroPadding2D + Conv2D와 비교.")
def random_conv_output_size(student, rng, reference):
    """conv_output_size with padding on sizes that divide evenly, against keras ZeroPadding2D + Conv2D."""
    configs = conv_output_size_configs(rng)
    results = student.in_one_round_trip([(student.conv_output_size, (n, f), {"stride": s, "pad": p})
                                          for n, f, s, p in configs])
    for case, ((n, f, s, p), got) in enumerate(zip(configs, results)):
        single = n - f + p
        mistake = "pad_not_doubled" if p and single % s == 0 and got == single // s + 1 else None
        expect_int(got, reference.conv_output_size(n, f, s, p),
                   f"case {case + 1}: conv_output_size({n}, {f}, stride={s}, pad={p})", mistake=mistake)


def param_count_configs(rng):
    """random_param_counts' Conv2D (F, C, K, use_bias) on F×F×C inputs and Dense (inputs,
    units, use_bias)."""
    convs, denses = [], []
    for case in range(8):
        convs.append((_rand(rng, 1, 7), _rand(rng, 1, 16), _rand(rng, 1, 64), case % 3 != 2))
        denses.append((_rand(rng, 1, 500), _rand(rng, 1, 200), case % 3 != 2))
    return convs, denses


@check(points=1.5, hidden=True, title_ko="편향 포함·제외 conv_param_count와 dense_param_count를 케라스 count_params와 비교.")
def random_param_counts(student, rng, reference):
    """conv_param_count and dense_param_count, with and without biases, against keras count_params."""
    convs, denses = param_count_configs(rng)
    results = student.in_one_round_trip([(student.conv_param_count, (f, c, k), {"use_bias": bool(bias)})
                                          for f, c, k, bias in convs]
                                + [(student.dense_param_count, (i, u), {"use_bias": bool(bias)})
                                   for i, u, bias in denses])
    for case, ((f, c, k, bias), got) in enumerate(zip(convs, results)):
        want = reference.conv_param_count(f, c, k, use_bias=bias)
        expect_int(got, want, f"case {case + 1}: conv_param_count({f}, {c}, {k}, use_bias={bias})",
                   mistake="bias_not_counted" if bias and got == want - k else None)
    for case, ((i, u, bias), got) in enumerate(zip(denses, results)):
        want = reference.dense_param_count(i, u, use_bias=bias)
        expect_int(got, want, f"case {case + 1}: dense_param_count({i}, {u}, use_bias={bias})",
                   mistake="bias_not_counted" if bias and got == want - u else None)


def value_error_configs(rng):
    """random_value_errors' impossible configurations: (N, F, S) with (N − F) not a multiple of
    S, for conv_output_size; even filter sizes, for same_pad; and (N, F, S) with F > N, for
    tf_output_size in 'valid' mode, where a Keras Conv2D on N×N has no output at all."""
    uneven = []
    for _ in range(4):
        f, s = _rand(rng, 1, 5), _rand(rng, 2, 4)
        n = _rand(rng, f + 1, 30)
        n += 1 if (n - f) % s == 0 else 0  # (N − F) not a multiple of S
        uneven.append((n, f, s))
    even = sorted({2 * _rand(rng, 1, 5) for _ in range(2)})
    too_big = [(_rand(rng, 1, 5), _rand(rng, 1, 3)) for _ in range(3)]
    return uneven, even, [(n, n + _rand(rng, 1, 4), s) for n, s in too_big]


def possible_neighbours(uneven, even, too_big):
    """For random_value_errors' impossible configurations, possible ones next to them, whose
    values must be right in the same check: (N, F, S) with N lowered until (N − F) is a
    multiple of S; the odd F + 1 for each even F; tf_output_size with F = N (one position);
    and tf_output_size with a padding spelled in capitals."""
    return ([("conv_output_size", (n - (n - f) % s, f), {"stride": s}) for n, f, s in uneven]
            + [("same_pad", (f + 1,), {}) for f in even]
            + [("tf_output_size", (n, n, s), {"padding": "valid"}) for n, _f, s in too_big]
            + [("tf_output_size", (f, n, s), {"padding": "SAME"}) for n, f, s in too_big])


def unknown_arguments(too_big):
    """random_value_errors' calls that name something unknown: a padding Keras does not have, a
    layer type output_shapes does not know."""
    n, f, s = too_big[0]
    return [("tf_output_size", (f, n, s), {"padding": "full"}),
            ("pool_output_size", (f, n, s), {"padding": "causal"}),
            ("output_shapes", ((f, f, 1), [{"type": "dropout", "rate": 0.5}]), {})]


@check(points=2, hidden=True, title_ko="불가능한 설정은 ValueError (나누어떨어지지 않는 스트라이드, 짝수 F의 same_pad, 케라스가 허용하지 않는 큰 필터, 모르는 padding과 층), 바로 옆의 가능한 설정은 맞는 값.")
def random_value_errors(student, rng, reference):
    """Impossible configurations raise ValueError (uneven strides, even same_pad, too-big filters, unknown paddings and layers); possible neighbours give right values."""
    uneven, even, too_big = value_error_configs(rng)
    possible = possible_neighbours(uneven, even, too_big)
    calls = ([("conv_output_size", (n, f), {"stride": s}, f"case {case + 1}: conv_output_size({n}, {f}, stride={s})")
              for case, (n, f, s) in enumerate(uneven)]
             + [("same_pad", (f,), {}, f"same_pad({f})") for f in even]
             + [("tf_output_size", (n, f, s), {"padding": "valid"},
                 f"case {case + 1}: tf_output_size({n}, {f}, {s}, padding='valid')")
                for case, (n, f, s) in enumerate(too_big)]
             + [(name, args, kwargs, f"{name}({args[0]!r}, …, padding={kwargs['padding']!r})" if kwargs
                 else "output_shapes with a layer of type 'dropout'") for name, args, kwargs in unknown_arguments(too_big)])
    # One round trip: the impossible configurations, then the possible ones, whose values
    # must be right too (code that always raises has the first half and not the second).
    outcomes = outcomes_in_one_round_trip(student, [(name, args, kwargs) for name, args, kwargs, _what in calls]
                                          + possible)
    for (_name, _args, _kwargs, what), outcome in zip(calls, outcomes):
        expect_value_error(lambda: value_of(outcome), what)
    for name, args, kwargs in possible:
        expect_int(value_of(next(outcomes)), getattr(reference, name)(*args, **kwargs), _shown(name, args, kwargs))


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
        if specs[-1]["units"] % 4 == 0:  # a dense layer without bias, one time in four (no new draw)
            specs[-1]["use_bias"] = False
    return shape, specs


def expected_layers(reference, shape, specs):
    """Each layer's (output shape, parameter count), or None where Keras rejects the model (a
    size drops below 1): the reference's output_shapes, which raises ValueError there."""
    try:
        return reference.output_shapes(tuple(shape), specs)
    except ValueError:
        return None


@check(points=2, hidden=True, title_ko="무작위 conv/pool/flatten/dense 층 목록의 output_shapes를 케라스 Sequential 모델과 비교.")
def random_output_shapes(student, rng, reference):
    """output_shapes on random conv/pool/flatten/dense stacks, against a keras Sequential model."""
    stacks = [_random_stack(rng) for _ in range(6)]
    outcomes = outcomes_in_one_round_trip(student, [("output_shapes", (tuple(shape), specs), {})
                                                    for shape, specs in stacks])
    for case, ((shape, specs), outcome) in enumerate(zip(stacks, outcomes)):
        layers = expected_layers(reference, shape, specs)
        what = f"case {case + 1}: output_shapes({tuple(shape)}, {len(specs)} layers)"
        if layers is None:  # a size dropped below 1 somewhere: Keras rejects the model
            expect_value_error(lambda: value_of(outcome), what)
            continue
        expect_layers(value_of(outcome), layers, specs, what, hidden=True)


def below_one_configs(rng):
    """conv_output_size_below_one's configurations: (N, F, S, P), N ≥ 1, whose N − F + 2P is
    negative, which must raise: in every other case a multiple of S, so that the formula gives
    a whole number (0 or less) and only the size says it is impossible.  And, for each, (N',
    F, S, P) with N' + 2P = F, the smallest input that fits: output 1."""
    too_small = []
    for case in range(6):
        p = _rand(rng, 0, 1)
        f = _rand(rng, 2 * p + 2, 9)
        room = f - 2 * p - 1  # the largest shortfall F − (N + 2P) that leaves N ≥ 1
        if case % 2 == 0:
            s = _rand(rng, 1, min(3, room))
            short = s * _rand(rng, 1, room // s)
        else:
            s, short = _rand(rng, 1, 3), _rand(rng, 1, room)
        too_small.append((f - 2 * p - short, f, s, p))
    fitting = [(f - 2 * p, f, s, p) for _n, f, s, p in too_small]
    return too_small, fitting


@check(points=1, hidden=True, title_ko="N − F + 2P가 음수이면 (출력이 1보다 작으면) conv_output_size는 ValueError, 필터가 딱 맞으면 1.")
def conv_output_size_below_one(student, rng):
    """conv_output_size raises ValueError when N − F + 2P is negative (an output below 1), and gives 1 when the filter just fits."""
    too_small, fitting = below_one_configs(rng)
    # One stride more than just fitting gives 2: with it, a constant 1 (and raising on exactly
    # the impossible sizes) earns nothing.
    one_more = [(n + s, f, s, p) for n, f, s, p in fitting]
    calls = ([("conv_output_size", (n, f), {"stride": s, "pad": p}) for n, f, s, p in fitting + one_more]
             + [("conv_output_size", (n, f), {"stride": s, "pad": p}) for n, f, s, p in too_small])
    outcomes = outcomes_in_one_round_trip(student, calls)
    for n, f, s, p in fitting:
        expect_int(value_of(next(outcomes)), 1, f"conv_output_size({n}, {f}, stride={s}, pad={p}) (the filter just fits)")
    for n, f, s, p in one_more:
        expect_int(value_of(next(outcomes)), 2, f"conv_output_size({n}, {f}, stride={s}, pad={p}) (one stride more)")
    for case, (n, f, s, p) in enumerate(too_small):
        outcome = next(outcomes)
        expect_value_error(lambda: value_of(outcome), f"case {case + 1}: conv_output_size({n}, {f}, stride={s}, "
                                                      f"pad={p}), N − F + 2P = {n - f + 2 * p}")


#: returns_python_ints' fixed calls (the lecture's configurations), with the expected value.
TYPED_CALLS = (("conv_output_size", (7, 3), {"stride": 1}, 5), ("conv_output_size", (7, 3), {"stride": 2}, 3),
               ("conv_output_size", (7, 3), {"stride": 1, "pad": 1}, 7),
               ("conv_output_size", (227, 11), {"stride": 4}, 55), ("same_pad", (3,), {}, 1), ("same_pad", (5,), {}, 2),
               ("tf_output_size", (7, 3), {"stride": 2, "padding": "same"}, 4),
               ("tf_output_size", (227, 11), {"stride": 4, "padding": "valid"}, 55),
               ("pool_output_size", (28, 2), {}, 14), ("pool_output_size", (55, 3, 2), {}, 27),
               ("conv_param_count", (3, 1, 10), {}, 100), ("conv_param_count", (11, 3, 96), {"use_bias": False}, 34848),
               ("dense_param_count", (1960, 100), {}, 196100), ("dense_param_count", (100, 10), {}, 1010))


def typed_calls(rng, reference):
    """returns_python_ints' calls, (name, args, kwargs, expected value): the lecture's, then
    each value check's own kind of random configuration, so that a type that differs only
    for some arguments is met too."""
    calls = list(TYPED_CALLS)
    calls += [("tf_output_size", (n, f, s), {"padding": p}) for n, f, s, p in tf_output_size_configs(rng)[:4]]
    calls += [("pool_output_size", (n, size) if stride is None else (n, size, stride), {"padding": p})
              for n, size, stride, p in pool_output_size_configs(rng)[:4]]
    calls += [("conv_output_size", (n, f), {"stride": s, "pad": p}) for n, f, s, p in conv_output_size_configs(rng)[:4]]
    calls += [("same_pad", (2 * _rand(rng, 0, 4) + 1,), {}) for _ in range(2)]
    convs, denses = param_count_configs(rng)
    calls += [("conv_param_count", (f, c, k), {"use_bias": bool(bias)}) for f, c, k, bias in convs[:3]]
    calls += [("dense_param_count", (i, u), {"use_bias": bool(bias)}) for i, u, bias in denses[:3]]
    return [call if len(call) == 4 else (*call, getattr(reference, call[0])(*call[1], **call[2])) for call in calls]


def _shown(name, args, kwargs):
    return f"{name}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"


@check(points=1, hidden=True, title_ko="타입: 모든 함수가 Python int를 (output_shapes는 int로 된 튜플을) 돌려줍니다. 값이 맞아야 타입을 봅니다.")
def returns_python_ints(student, rng, reference):
    """Types: every function returns a Python int (output_shapes tuples of ints); judged only where the value is right."""
    calls = typed_calls(rng, reference)
    stacks = [(28, 28, 1), KERAS_CNN, KERAS_CNN_TABLE], []
    for _ in range(3):
        shape, specs = _random_stack(rng)
        layers = expected_layers(reference, shape, specs)
        if layers is not None:
            stacks[1].append((tuple(shape), specs, layers))
    stacks = [tuple(stacks[0])] + stacks[1]
    outcomes = outcomes_in_one_round_trip(student, [(name, args, kwargs) for name, args, kwargs, _want in calls]
                                          + [("output_shapes", (shape, specs), {}) for shape, specs, _ in stacks])
    problems = []
    for name, args, kwargs, want in calls:
        got = value_of(next(outcomes))
        expect_int(got, want, _shown(name, args, kwargs))  # a wrong value is that value's failure, not a type's
        if wrong_type(got):
            problems.append(f"{_shown(name, args, kwargs)}: {wrong_type(got)}")
    for shape, specs, layers in stacks:
        got = value_of(next(outcomes))
        expect_layers(got, layers, specs, f"output_shapes({shape}, {len(specs)} layers)", hidden=True)
        for index, (out_shape, params) in enumerate(got):
            if type(out_shape) is not tuple or any(wrong_type(d) for d in out_shape):
                problems.append(f"output_shapes({shape}, …), layer {index}: the shape {out_shape!r} is not a tuple "
                                "of ints")
            elif wrong_type(params):
                problems.append(f"output_shapes({shape}, …), layer {index}: the parameter count is "
                                f"{wrong_type(params)}")
    if problems:
        more = f"\n  … and {len(problems) - 8} more" if len(problems) > 8 else ""
        raise CheckFailed("right value, wrong type: return an int (and shapes as tuples of ints)\n  "
                          + "\n  ".join(problems[:8]) + more, mistake="wrong_type")
