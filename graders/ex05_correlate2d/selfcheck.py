"""Self-checks of ex05_correlate2d: your functions against each other, no expected values.

They ship in the student bundle and run with ``dlgrade check`` at home.  Each compares
one of your functions with another of yours on random inputs (convolve with correlate
and the kernel flipped, a strided result with the stride-1 one, conv2d with correlate2d
channel by channel), or checks a property every correct answer has (output lengths,
inputs left alone).  None of them knows a right answer, so passing them is not full
marks: the hidden checks decide that at grading time.
"""

import numpy as np

from dlgrade.grading import CheckFailed, compare, describe, expect_unchanged, self_check
from dlgrade.sandbox import StudentException

MODES = ("valid", "same", "full")


def own_array(value, what):
    """One of your results, used as the other side of a comparison: it must be a numeric array."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
        raise CheckFailed(f"{what}: expected a numpy.ndarray of numbers, got {describe(value)}")
    return value.astype(np.float64)


def agree(got, mine, what):
    failure = compare(got, mine, what=what, hidden=False)
    if failure:
        raise CheckFailed(failure)


@self_check(title_ko="convolve(x, w, mode)는 필터를 뒤집은 여러분의 correlate(x, w[::-1], mode)와 같습니다 (모든 mode, 홀수·짝수 필터).")
def convolve_is_correlate_with_the_kernel_flipped(student, rng):
    """convolve(x, w, mode) equals your correlate(x, w[::-1], mode) (every mode, odd and even kernels)."""
    cases = []
    for case in range(9):
        f = 1 + case % 5
        n = int(rng.integers(f + 1, f + 9))
        cases.append((np.round(rng.normal(size=n), 3), np.round(rng.normal(size=f), 3), MODES[case % 3]))
    batch = student.batch()
    for x, w, mode in cases:
        batch.call(student.convolve, x, w, mode=mode)
        batch.call(student.correlate, x, w[::-1].copy(), mode=mode)
    results = batch.results()
    for x, w, mode in cases:
        got = next(results)
        mine = own_array(next(results), f"correlate(x, w[::-1], mode={mode!r})")
        agree(got, mine, f"convolve(x of shape {x.shape}, w of shape {w.shape}, mode={mode!r}) against your "
                         f"correlate(x, w[::-1], mode={mode!r})")


@self_check(title_ko="출력 길이: valid N−F+1, same N, full N+F−1 (1차원과 2차원의 각 축).")
def output_sizes_follow_the_modes(student, rng):
    """Output sizes: valid N−F+1, same N, full N+F−1 (1-D, and each axis in 2-D)."""
    sizes = {"valid": lambda n, f: n - f + 1, "same": lambda n, f: n, "full": lambda n, f: n + f - 1}
    batch, asked = student.batch(), []
    for mode in MODES:
        for f in (2, 3, 4):
            n = int(rng.integers(f + 2, f + 8))
            batch.call(student.correlate, rng.normal(size=n), rng.normal(size=f), mode=mode)
            asked.append((f"correlate(x of shape ({n},), w of shape ({f},), mode={mode!r})", (sizes[mode](n, f),)))
        kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        h, w_ = int(rng.integers(kh + 1, 9)), int(rng.integers(kw + 1, 9))
        batch.call(student.correlate2d, rng.normal(size=(h, w_)), rng.normal(size=(kh, kw)), mode=mode)
        asked.append((f"correlate2d(x of shape {(h, w_)}, w of shape {(kh, kw)}, mode={mode!r})",
                      (sizes[mode](h, kh), sizes[mode](w_, kw))))
    for (what, shape), got in zip(asked, batch.results()):
        if not isinstance(got, np.ndarray) or got.shape != shape:
            raise CheckFailed(f"{what}: the result must have shape {shape}, got "
                              f"{got.shape if isinstance(got, np.ndarray) else describe(got)}",
                              mistake="wrong_full_size" if "'full'" in what else None)


@self_check(title_ko="correlate2d(..., stride=S)는 여러분의 스트라이드 1 결과를 첫 원소부터 S칸마다 취한 것과 같습니다.")
def correlate2d_stride_keeps_every_sth_value(student, rng):
    """correlate2d(..., stride=S) is your stride-1 result's every S-th value from the first, per axis."""
    cases = []
    for case in range(6):
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x = np.round(rng.normal(size=(int(rng.integers(kh + 2, 12)), int(rng.integers(kw + 2, 12)))), 3)
        cases.append((x, np.round(rng.normal(size=(kh, kw)), 3), MODES[case % 3], 2 + case % 2))
    batch = student.batch()
    for x, w, mode, stride in cases:
        batch.call(student.correlate2d, x, w, mode=mode, stride=stride)
        batch.call(student.correlate2d, x, w, mode=mode)
    results = batch.results()
    for x, w, mode, stride in cases:
        got = next(results)
        mine = own_array(next(results), f"correlate2d(x, w, mode={mode!r})")
        failure = compare(got, mine[::stride, ::stride], what=f"correlate2d(x of shape {x.shape}, w of shape "
                          f"{w.shape}, mode={mode!r}, stride={stride}) against your stride-1 result[::{stride}, "
                          f"::{stride}]", hidden=False)
        if failure:
            shifted = mine[stride - 1::stride, stride - 1::stride]
            if compare(got, shifted, hidden=False, report=False) is None:
                raise CheckFailed(failure + "\nlikely mistake: the strided result must start at the first element "
                                            "of the stride-1 result", mistake="stride_offset")
            raise CheckFailed(failure)


def conv_case(rng, n, c, f, kh, kw, h, w_):
    x = np.round(rng.normal(size=(n, h, w_, c)), 3)
    w = np.round(rng.normal(size=(kh, kw, c, f)), 3)
    return x, w, np.round(rng.normal(size=f), 3)


@self_check(title_ko="conv2d(stride 1, VALID·SAME)는 채널마다 여러분의 correlate2d('valid'·'same')를 더하고 편향을 더한 것과 같습니다 (비대칭 필터).")
def conv2d_is_your_correlate2d_per_channel(student, rng):
    """conv2d at stride 1 (VALID, SAME) sums your correlate2d ('valid', 'same') over the channels, plus b (asymmetric kernels)."""
    cases = [conv_case(rng, 2, 2, 3, 2, 3, 6, 7), conv_case(rng, 1, 3, 2, 4, 1, 7, 5),
             conv_case(rng, 1, 1, 2, 3, 2, 5, 6)]
    for x, w, b in cases:
        for padding, mode in (("VALID", "valid"), ("SAME", "same")):
            batch = student.batch()
            conv = batch.call(student.conv2d, x, w, b, stride=1, padding=padding)
            parts = {(i, c, k): batch.call(student.correlate2d, x[i, :, :, c].copy(), w[:, :, c, k].copy(), mode=mode)
                     for i in range(x.shape[0]) for c in range(x.shape[3]) for k in range(w.shape[3])}
            values = batch.in_order()
            got = values[conv]
            maps = {key: own_array(values[item], f"correlate2d(x[{key[0]}, :, :, {key[1]}], w[:, :, {key[1]}, "
                                                 f"{key[2]}], mode={mode!r})") for key, item in parts.items()}
            first = maps[(0, 0, 0)]
            mine = np.zeros((x.shape[0], *first.shape, w.shape[3]))
            for (i, _c, k), m in maps.items():
                if m.shape != first.shape:
                    raise CheckFailed(f"correlate2d(..., mode={mode!r}) gave maps of different shapes "
                                      f"{first.shape} and {m.shape} for inputs of one shape")
                mine[i, :, :, k] += m
            mine += b
            agree(got, mine, f"conv2d(x of shape {x.shape}, w of shape {w.shape}, b, stride=1, padding={padding!r}) "
                             f"against the sum over channels of your correlate2d(..., mode={mode!r}) plus b")


def every_sth_window(one, shape, stride):
    """The (row, column) offsets at which the stride-1 result's every stride-th window gives
    an output of ``shape``, with those windows."""
    for r in range(stride):
        for c in range(stride):
            kept = one[:, r::stride, c::stride, :][:, :shape[1], :shape[2], :]
            if kept.shape == shape:
                yield (r, c), kept


@self_check(title_ko="conv2d의 스트라이드: VALID는 여러분의 스트라이드 1 결과의 [:, ::S, ::S], SAME은 출력 크기 ceil(H/S)이고 스트라이드 1 SAME 결과의 S칸마다의 창입니다.")
def conv2d_stride_agrees_with_stride_one(student, rng):
    """conv2d with stride S: VALID is your stride-1 result [:, ::S, ::S]; SAME has ceil(H/S) rows and keeps every S-th window of your stride-1 SAME result."""
    for kh, kw, h, w_, stride in ((2, 3, 7, 8, 2), (3, 1, 8, 6, 3), (1, 2, 5, 7, 2), (4, 4, 9, 9, 3)):
        x, w, b = conv_case(rng, 1, 2, 2, kh, kw, h, w_)
        batch = student.batch()
        items = (batch.call(student.conv2d, x, w, b, stride=stride, padding="VALID"),
                 batch.call(student.conv2d, x, w, b, stride=1, padding="VALID"),
                 batch.call(student.conv2d, x, w, b, stride=stride, padding="SAME"),
                 batch.call(student.conv2d, x, w, b, stride=1, padding="SAME"))
        values = batch.in_order()
        got, one = values[items[0]], own_array(values[items[1]], "conv2d(x, w, b, stride=1, padding='VALID')")
        failure = compare(got, one[:, ::stride, ::stride, :], hidden=False,
                          what=f"conv2d(x of shape {x.shape}, w of shape {w.shape}, b, stride={stride}, "
                               f"padding='VALID') against your stride-1 result[:, ::{stride}, ::{stride}]")
        if failure:
            key = "stride_offset" if compare(got, one[:, stride - 1::stride, stride - 1::stride, :], hidden=False,
                                             report=False) is None else None
            raise CheckFailed(failure + ("\nlikely mistake: the strided result must start at the first window "
                                         "(top-left)" if key else ""), mistake=key)
        same, one = values[items[2]], own_array(values[items[3]], "conv2d(x, w, b, stride=1, padding='SAME')")
        shape = (1, -(-h // stride), -(-w_ // stride), w.shape[3])
        what = f"conv2d(x of shape {x.shape}, w of shape {w.shape}, b, stride={stride}, padding='SAME')"
        if not isinstance(same, np.ndarray) or same.shape != shape:
            raise CheckFailed(f"{what}: SAME gives ceil(H/S) × ceil(W/S) outputs, shape {shape}; got "
                              f"{same.shape if isinstance(same, np.ndarray) else describe(same)}")
        if not any(compare(same, kept, hidden=False, report=False) is None
                   for _offset, kept in every_sth_window(one, shape, stride)):
            raise CheckFailed(f"{what}: its values are not every {stride}-th window of your stride-1 SAME result "
                              f"(at any starting row and column): a strided SAME convolution computes some of the "
                              f"same windows as the stride-1 one, only fewer of them")


@self_check(title_ko="conv2d의 스트라이드 쌍 (세로, 가로): stride=(SH, SW)는 여러분의 스트라이드 1 VALID 결과에서 행은 SH칸마다, 열은 SW칸마다 취한 것입니다.")
def conv2d_stride_pair_is_vertical_then_horizontal(student, rng):
    """conv2d's stride pair (vertical, horizontal): stride=(SH, SW) keeps every SH-th row and every SW-th column of your stride-1 VALID result."""
    cases = []
    for sh, sw in ((1, 2), (3, 1), (2, 3)):
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        h, w_ = int(rng.integers(kh + 3, 11)), int(rng.integers(kw + 3, 11))
        cases.append(((sh, sw), *conv_case(rng, 1, 2, 2, kh, kw, h, w_)))
    batch = student.batch()
    for stride, x, w, b in cases:
        batch.call(student.conv2d, x, w, b, stride=stride, padding="VALID")
        batch.call(student.conv2d, x, w, b, stride=1, padding="VALID")
    results = batch.results()
    for (sh, sw), x, w, _b in cases:
        got = next(results)
        one = own_array(next(results), "conv2d(x, w, b, stride=1, padding='VALID')")
        failure = compare(got, one[:, ::sh, ::sw, :], hidden=False,
                          what=f"conv2d(x of shape {x.shape}, w of shape {w.shape}, b, stride=({sh}, {sw}), "
                               f"padding='VALID') against your stride-1 result[:, ::{sh}, ::{sw}, :]")
        if failure:
            if compare(got, one[:, ::sw, ::sh, :], hidden=False, report=False) is None:
                raise CheckFailed(failure + "\nlikely mistake: a stride pair is (vertical, horizontal): the first "
                                            "value steps down the rows (height), the second across the columns "
                                            "(width)", mistake="stride_pair_order")
            raise CheckFailed(failure)


@self_check(title_ko="정수 입력과 실수 필터: 결과는 실수이고, 같은 값을 실수로 넣은 여러분의 결과와 같습니다 (정수로 자르지 않음).")
def integer_inputs_with_float_filters_give_floats(student, rng):
    """Integer inputs with a float filter give floats, equal to your result for the same values as floats (nothing cut to integers)."""
    ints = lambda *shape: rng.integers(-9, 10, size=shape)  # noqa: E731
    floats = lambda *shape: np.round(rng.normal(size=shape), 3)  # noqa: E731
    n = int(rng.integers(5, 10))
    h, w_ = int(rng.integers(4, 8)), int(rng.integers(4, 8))
    cases = [("correlate", ints(n), floats(3), {"mode": "same"}), ("convolve", ints(n), floats(2), {"mode": "full"}),
             ("correlate2d", ints(h, w_), floats(2, 3), {"mode": "valid"}),
             ("conv2d", ints(1, h, w_, 2), floats(2, 2, 2, 3), {"padding": "SAME"})]
    batch = student.batch()
    for name, x, w, kwargs in cases:
        batch.call(getattr(student, name), x, w, **kwargs)
        batch.call(getattr(student, name), x.astype(np.float64), w, **kwargs)
    results = batch.results()
    for name, x, w, kwargs in cases:
        got = next(results)
        shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        mine = own_array(next(results), f"{name}(x as floats, w, {shown})")
        what = f"{name}(x of integers of shape {x.shape}, w of floats of shape {w.shape}, {shown})"
        if isinstance(got, np.ndarray) and got.dtype.kind in "iub":
            raise CheckFailed(f"{what}: returned integers ({got.dtype}); with a float filter the result is float, as "
                              "scipy's is — a result cut to integers is wrong", mistake="integer_result")
        agree(got, mine, f"{what} against your result for the same x as floats")


@self_check(title_ko="'valid'는 여러분의 'full' 결과에서 0 채우기가 필요 없는 가운데 부분입니다: 필터가 입력보다 클 때도 (1차원, 2차원), 크기가 엇갈리면 2차원 'valid'는 ValueError.")
def valid_is_the_middle_of_your_full_result(student, rng):
    """'valid' is the part of your 'full' result that needs no zero padding, also when the kernel is the larger (1-D, 2-D); mixed sizes in 2-D 'valid' raise ValueError."""
    one_d, two_d = [], []
    for _ in range(3):
        n = int(rng.integers(1, 5))
        one_d.append((np.round(rng.normal(size=n), 3), np.round(rng.normal(size=n + int(rng.integers(1, 5))), 3)))
    for kernel_larger in (True, True, False):
        small = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        large = tuple(s + int(rng.integers(1 if kernel_larger else 0, 4)) for s in small)
        x, w = (small, large) if kernel_larger else (large, small)
        two_d.append((np.round(rng.normal(size=x), 3), np.round(rng.normal(size=w), 3)))
    a, b = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    mixed = (rng.normal(size=(a + 2, b)), rng.normal(size=(a, b + 2)))
    batch = student.batch()
    for name in ("correlate", "convolve"):
        for x, w in one_d:
            batch.call(getattr(student, name), x, w, mode="valid")
            batch.call(getattr(student, name), x, w, mode="full")
    for x, w in two_d:
        batch.call(student.correlate2d, x, w, mode="valid")
        batch.call(student.correlate2d, x, w, mode="full")
    batch.call(student.correlate2d, *mixed, mode="valid")
    outcomes = batch.outcomes()

    def value(outcome):
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    for name in ("correlate", "convolve"):
        for x, w in one_d:
            got, full = value(next(outcomes)), own_array(value(next(outcomes)), f"{name}(x, w, mode='full')")
            middle = full[min(x.size, w.size) - 1:max(x.size, w.size)]
            failure = compare(got, middle, hidden=False, what=f"{name}(x of shape {x.shape}, w of shape {w.shape}, "
                              f"mode='valid'), the kernel larger than x, against the part of your 'full' result "
                              f"that needs no zero padding, full[{x.size - 1}:{w.size}]")
            if failure:
                raise CheckFailed(failure, mistake="kernel_larger_not_reversed"
                                  if compare(got, middle[::-1], hidden=False, report=False) is None else None)
    for x, w in two_d:
        got, full = value(next(outcomes)), own_array(value(next(outcomes)), "correlate2d(x, w, mode='full')")
        rows = slice(min(x.shape[0], w.shape[0]) - 1, max(x.shape[0], w.shape[0]))
        cols = slice(min(x.shape[1], w.shape[1]) - 1, max(x.shape[1], w.shape[1]))
        middle = full[rows, cols]
        failure = compare(got, middle, hidden=False, what=f"correlate2d(x of shape {x.shape}, w of shape {w.shape}, "
                          f"mode='valid') against the part of your 'full' result that needs no zero padding, "
                          f"full[{rows.start}:{rows.stop}, {cols.start}:{cols.stop}]")
        if failure:
            raise CheckFailed(failure, mistake="kernel_larger_not_reversed"
                              if compare(got, middle[::-1, ::-1], hidden=False, report=False) is None else None)
    outcome = next(outcomes)
    what = f"correlate2d(x of shape {mixed[0].shape}, w of shape {mixed[1].shape}, mode='valid')"
    if isinstance(outcome, StudentException):
        if outcome.message.startswith("ValueError"):
            return
        raise CheckFailed(f"{what}: expected ValueError, got {outcome.message.splitlines()[0]}")
    value(outcome)
    raise CheckFailed(f"{what}: returned {describe(outcome)} instead of raising ValueError: in 'valid' mode one of x "
                      "and w must be at least as large as the other on every axis", mistake="mixed_sizes_no_error")


@self_check(title_ko="어떤 함수도 인자로 받은 배열을 바꾸지 않습니다.")
def inputs_left_alone(student, rng):
    """No function changes the arrays it is given."""
    x1, w1 = rng.normal(size=9), rng.normal(size=4)
    x2, w2 = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    x4, w4, b4 = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(2, 3, 2, 3)), rng.normal(size=3)
    for name, args, kwargs in (("correlate", (x1, w1), {"mode": "same"}), ("convolve", (x1, w1), {"mode": "full"}),
                               ("convolve", (x1, w1), {"mode": "valid"}),
                               ("correlate2d", (x2, w2), {"mode": "same"}),
                               ("correlate2d", (x2, w2), {"mode": "full", "stride": 2}),
                               ("conv2d", (x4, w4, b4), {"padding": "SAME", "stride": 2})):
        _value, after, _ = getattr(student, name).call(args, kwargs, inputs_after=True)
        for label, before, now in zip(("x", "w", "b"), args, after):
            expect_unchanged(before, now, what=f"{name}: argument {label}")
