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
