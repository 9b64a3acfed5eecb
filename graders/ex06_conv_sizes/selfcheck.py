"""Self-checks of ex06_conv_sizes: your functions against each other and the contract.

They ship in the student bundle and run with ``dlgrade check`` at home: output_shapes
against what your own tf_output_size, pool_output_size, conv_param_count and
dense_param_count give layer by layer; the formula sizes against the Keras ones where
both must agree; and impossible configurations raising ValueError.  None of them knows
the answer to a graded problem, so passing them is not full marks: the hidden checks
decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, describe, self_check
from dlgrade.sandbox import StudentException


def whole(value, what):
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise CheckFailed(f"{what}: expected a whole number (int), got {describe(value)}")
    return int(value)


def expect_value_error(function, args, kwargs, what):
    try:
        got = function(*args, **kwargs)
    except StudentException as exc:
        if exc.message.startswith("ValueError"):
            return
        raise CheckFailed(f"{what}: expected ValueError, got {exc.message.splitlines()[0]}") from None
    raise CheckFailed(f"{what}: returned {got!r} instead of raising ValueError (an impossible configuration must "
                      "not be rounded or answered with 0 or a negative size)", mistake="no_value_error")


@self_check(title_ko="불가능한 설정은 ValueError: 나누어떨어지지 않는 스트라이드, 1보다 작은 크기 (공식, 케라스 valid, 풀링), 짝수 F의 same_pad.")
def impossible_configurations_raise(student, rng):
    """Impossible configurations raise ValueError: uneven strides, sizes below 1 (formula, Keras valid, pooling), even same_pad."""
    n = int(rng.integers(3, 9))
    cases = [("conv_output_size", (n, n + 2), {}), ("conv_output_size", (n, n + 3), {"pad": 1}),
             ("conv_output_size", (2 * n + 1, 2), {"stride": 2}),
             ("same_pad", (2 * int(rng.integers(1, 4)),), {}),
             ("tf_output_size", (n, n + 1), {"stride": 1, "padding": "valid"}),
             ("tf_output_size", (n, n + int(rng.integers(2, 5))), {"stride": 2, "padding": "valid"}),
             ("pool_output_size", (n, n + 1), {"padding": "valid"})]
    for name, args, kwargs in cases:
        shown = ", ".join([*map(str, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        expect_value_error(getattr(student, name), args, kwargs, f"{name}({shown})")


@self_check(title_ko="공식과 케라스의 크기가 같아야 하는 곳에서 같습니다: 나누어떨어지는 valid, 홀수 F의 same (스트라이드 1 → N).")
def formula_and_keras_sizes_agree(student, rng):
    """Where the formula and Keras must agree they do: valid strides that divide evenly, same with odd F (stride 1 gives N)."""
    for _ in range(6):
        f, s = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        n = f + s * int(rng.integers(0, 8))
        mine = whole(student.conv_output_size(n, f, stride=s, pad=0), f"conv_output_size({n}, {f}, stride={s})")
        keras = whole(student.tf_output_size(n, f, stride=s, padding="valid"),
                      f"tf_output_size({n}, {f}, stride={s}, padding='valid')")
        if mine != keras:
            raise CheckFailed(f"conv_output_size({n}, {f}, stride={s}) = {mine} but tf_output_size({n}, {f}, "
                              f"stride={s}, padding='valid') = {keras}: when (N − F) divides by S both are "
                              "(N − F)/S + 1")
        odd = 2 * int(rng.integers(0, 4)) + 1
        n = odd + int(rng.integers(0, 20))
        pad = whole(student.same_pad(odd), f"same_pad({odd})")
        sizes = (whole(student.conv_output_size(n, odd, stride=1, pad=pad), f"conv_output_size({n}, {odd}, pad={pad})"),
                 whole(student.tf_output_size(n, odd, stride=1, padding="same"),
                       f"tf_output_size({n}, {odd}, padding='same')"))
        if sizes != (n, n):
            raise CheckFailed(f"with a {odd}×{odd} filter, stride 1 and 'same' padding the output keeps the input's "
                              f"size {n}: conv_output_size({n}, {odd}, pad=same_pad({odd}) = {pad}) = {sizes[0]}, "
                              f"tf_output_size({n}, {odd}, padding='same') = {sizes[1]}")


def random_stack(rng):
    shape = (int(rng.integers(12, 40)), int(rng.integers(12, 40)), int(rng.integers(1, 4)))
    specs = []
    for _ in range(int(rng.integers(1, 4))):
        if rng.integers(0, 2):
            spec = {"type": "conv", "filters": int(rng.integers(1, 16)), "kernel": int(rng.integers(1, 5)),
                    "stride": int(rng.integers(1, 3)), "padding": ("valid", "same")[int(rng.integers(0, 2))]}
            if rng.integers(0, 3) == 0:
                spec["use_bias"] = False
        else:
            spec = {"type": "pool", "size": int(rng.integers(2, 4)),
                    "padding": ("valid", "same")[int(rng.integers(0, 2))]}
            if rng.integers(0, 2):
                spec["stride"] = int(rng.integers(1, 3))
        specs.append(spec)
    specs.append({"type": "flatten"})
    specs += [{"type": "dense", "units": int(rng.integers(1, 50))} for _ in range(int(rng.integers(1, 3)))]
    return shape, specs


def layer_by_layer(student, shape, specs):
    """Each layer's (shape, parameter count) from your own size and count functions."""
    out = []
    for spec in specs:
        kind = spec["type"]
        if kind == "conv":
            size = [whole(student.tf_output_size(d, spec["kernel"], stride=spec["stride"], padding=spec["padding"]),
                          "tf_output_size") for d in shape[:2]]
            count = whole(student.conv_param_count(spec["kernel"], shape[2], spec["filters"],
                                                   use_bias=spec.get("use_bias", True)), "conv_param_count")
            shape = (*size, spec["filters"])
        elif kind == "pool":
            size = [whole(student.pool_output_size(d, spec["size"], stride=spec.get("stride"),
                                                   padding=spec["padding"]), "pool_output_size") for d in shape[:2]]
            count, shape = 0, (*size, shape[2])
        elif kind == "flatten":
            count, shape = 0, (int(np.prod(shape)),)
        else:
            count = whole(student.dense_param_count(shape[0], spec["units"]), "dense_param_count")
            shape = (spec["units"],)
        out.append((tuple(shape), count))
    return out


@self_check(title_ko="output_shapes의 각 층 (형상, 파라미터 수)가 여러분의 tf_output_size, pool_output_size, conv_param_count, dense_param_count로 층마다 구한 값과 같습니다.")
def output_shapes_agree_with_your_functions(student, rng):
    """output_shapes gives each layer the (shape, parameter count) your own size and count functions give."""
    compared = 0
    for _ in range(20):
        if compared == 4:
            break
        shape, specs = random_stack(rng)
        try:
            mine = layer_by_layer(student, shape, specs)
        except StudentException as exc:
            if exc.message.startswith("ValueError"):
                continue  # a size dropped below 1 in this stack: not a case to compare
            raise
        compared += 1
        got = student.output_shapes(shape, specs)
        what = f"output_shapes({shape}, {specs})"
        if not isinstance(got, (list, tuple)) or len(got) != len(specs):
            raise CheckFailed(f"{what}: expected one (shape, parameter count) per layer ({len(specs)}), "
                              f"got {describe(got)}")
        for i, (item, (want_shape, want_count)) in enumerate(zip(got, mine)):
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise CheckFailed(f"{what}: layer {i + 1} must be (shape, parameter count), got {describe(item)}")
            got_shape = tuple(int(d) for d in item[0]) if isinstance(item[0], (list, tuple)) else item[0]
            if got_shape != want_shape or item[1] != want_count:
                raise CheckFailed(f"{what}: layer {i + 1} ({specs[i]['type']}) is {describe(tuple(item))}, but your "
                                  f"own functions give shape {want_shape} and {want_count} parameters for it")


UNKNOWN_PADDINGS = ("full", "causal", "reflect", "", "none")
UNKNOWN_LAYERS = ("dropout", "batchnorm", "lstm", "embedding", "maxpool")


@self_check(title_ko="모르는 padding과 모르는 층 종류는 ValueError입니다: 'valid'로 여기거나 건너뛰지 않습니다.")
def unknown_padding_and_layer_raise(student, rng):
    """An unknown padding and an unknown layer type raise ValueError: neither is taken for 'valid' nor left out."""
    n, f = int(rng.integers(6, 20)), int(rng.integers(1, 4))
    padding = UNKNOWN_PADDINGS[int(rng.integers(0, len(UNKNOWN_PADDINGS)))]
    for name, args, kwargs in (("tf_output_size", (n, f), {"stride": 1, "padding": padding}),
                               ("pool_output_size", (n, 2), {"padding": padding})):
        shown = ", ".join([*map(str, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        expect_value_error(getattr(student, name), args, kwargs, f"{name}({shown})")
    kind = UNKNOWN_LAYERS[int(rng.integers(0, len(UNKNOWN_LAYERS)))]
    specs = [{"type": "conv", "filters": 4, "kernel": 3, "stride": 1, "padding": "same"}, {"type": kind},
             {"type": "flatten"}, {"type": "dense", "units": 10}]
    expect_value_error(student.output_shapes, ((16, 16, 3), specs), {},
                       f"output_shapes((16, 16, 3), {specs}) with the unknown layer type {kind!r}")


def python_int(value):
    """Why ``value`` is not a Python int (the statement's type policy), or None."""
    if type(value) is int:
        return None
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {value!r}"
    if isinstance(value, np.integer):
        return f"the NumPy integer {value!r} (np.prod and NumPy arithmetic give those: wrap it in int(...))"
    if isinstance(value, (float, np.floating)):
        return f"the float {float(value)!r} (np.ceil and / give floats: use // or int(...))"
    return describe(value)


@self_check(title_ko="자료형: 모든 함수는 파이썬 int를, output_shapes는 int의 튜플인 형상과 int인 파라미터 수를 돌려줍니다 (numpy 정수·실수가 아님).")
def results_are_python_ints(student, rng):
    """Types: every function returns a Python int, output_shapes shapes as tuples of Python ints and counts as Python ints (not NumPy integers or floats)."""
    n, f, s = int(rng.integers(10, 30)), 2 * int(rng.integers(0, 3)) + 1, int(rng.integers(1, 3))
    calls = [("conv_output_size", (n + (f - n) % s, f), {"stride": s, "pad": 0}), ("same_pad", (f,), {}),
             ("tf_output_size", (n, f), {"stride": s, "padding": "same"}),
             ("tf_output_size", (n, f), {"stride": s, "padding": "valid"}),
             ("pool_output_size", (n, 2), {"padding": "valid"}),
             ("conv_param_count", (f, int(rng.integers(1, 4)), int(rng.integers(1, 9))), {}),
             ("dense_param_count", (int(rng.integers(1, 50)), int(rng.integers(1, 20))), {})]
    problems = []
    batch = student.batch()
    for name, args, kwargs in calls:
        batch.call(getattr(student, name), *args, **kwargs)
    for (name, args, kwargs), got in zip(calls, batch.results()):
        if python_int(got):
            shown = ", ".join([*map(str, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            problems.append(f"{name}({shown}) returned {python_int(got)}")
    shape = (int(rng.integers(12, 30)), int(rng.integers(12, 30)), int(rng.integers(1, 4)))
    specs = [{"type": "conv", "filters": int(rng.integers(1, 9)), "kernel": 3, "stride": 1, "padding": "same"},
             {"type": "pool", "size": 2}, {"type": "flatten"}, {"type": "dense", "units": int(rng.integers(1, 20))}]
    got = student.output_shapes(shape, specs)
    if not isinstance(got, (list, tuple)) or len(got) != len(specs):
        raise CheckFailed(f"output_shapes({shape}, {specs}): expected one (shape, parameter count) per layer "
                          f"({len(specs)}), got {describe(got)}")
    for i, item in enumerate(got):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise CheckFailed(f"output_shapes({shape}, …): layer {i + 1} must be (shape, parameter count), got "
                              f"{describe(item)}")
        out_shape, count = item
        if type(out_shape) is not tuple or any(python_int(d) for d in out_shape):
            problems.append(f"output_shapes({shape}, …), layer {i + 1} ({specs[i]['type']}): the shape "
                            f"{out_shape!r} is not a tuple of Python ints")
        elif python_int(count):
            problems.append(f"output_shapes({shape}, …), layer {i + 1} ({specs[i]['type']}): the parameter count is "
                            f"{python_int(count)}")
    if problems:
        raise CheckFailed("the statement's type policy: return Python ints, and shapes as tuples of ints\n  "
                          + "\n  ".join(problems[:8]), mistake="wrong_type")
