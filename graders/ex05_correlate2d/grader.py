"""Grader for ex05_correlate2d: convolution versus cross-correlation.

Public checks are the lectures' worked examples.  Hidden checks draw random
shapes, modes, strides and channel counts from the run's seed and compare
against expected values computed here in the trusted process, in float64 NumPy:
scipy.signal.correlate / convolve / correlate2d for the 1-D and 2-D functions, and
the reference solution's conv2d for conv2d.  Grading runs no TensorFlow:
tests/test_ex05_oracle.py proves, on the very cases the conv2d checks draw, that
the reference's conv2d is TensorFlow's tf.nn.conv2d (float64, NHWC/HWIO) to float64
rounding.  Each hidden check sends its calls to the sandbox in one round trip and
judges the results in order, so the first wrong case fails the check and is named.
"""

import numpy as np

from dlgrade.grading import CheckFailed, check, compare, expect_close, expect_unchanged, matches
from dlgrade.grading.compare import describe
from dlgrade.sandbox import StudentCodeError, StudentException

X1 = np.array([2, 8, 3, 7, 1, 2, 0, 4, 5])
W1 = np.array([2, 1, 5, 3])
X2 = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
W2 = np.array([[2, 0], [0, 0]])
MODES = ("valid", "same", "full")


# ----------------------------------------------------------------------------- oracles
def _scipy(name, *arrays, **params):
    """scipy.signal.<name>, computed here (microseconds for these sizes)."""
    import scipy.signal  # imported on first use, not with the grader

    return getattr(scipy.signal, name)(*arrays, **params)


def scipy_oracle(oracle, name, *arrays, **params):
    """_scipy through the oracle: ``dlgrade check`` finds the answers on disk the next time
    (and then does not import scipy at all), a bulk run computes them (every student's inputs
    are new), and in a student bundle the public checks' oracle answers from its recording."""
    return oracle.cached(f"scipy.signal.{name}", lambda *a, **p: _scipy(name, *a, **p), *arrays, **params)


# ----------------------------------------------------------------------------- diagnosis
def diagnose_1d(got, x, w, mode, oracle, name):
    """Name the mistake when a wrong result is what a classic mistake gives."""
    flipped = "convolve" if name == "correlate" else "correlate"
    if compare(got, scipy_oracle(oracle, flipped, x, w, mode=mode), hidden=False) is None:
        if name == "correlate":
            return "convolution_instead_of_correlation", (
                "this is the convolution, not the cross-correlation: your output matches the kernel flipped")
        return "correlation_instead_of_convolution", (
            "this is the cross-correlation, not the convolution: convolution flips the kernel first")
    if mode == "full" and compare(got, trimmed_full(scipy_oracle(oracle, name, x, w, mode="full"), w.shape),
                                  hidden=False) is None:
        return "wrong_full_size", FULL_TOO_SMALL
    if mode == "same" and isinstance(got, np.ndarray):
        full = scipy_oracle(oracle, name, x, w, mode="full")
        f = len(w)
        other = full[f // 2:][:len(x)]  # the 2-D convention's centring
        if f % 2 == 0 and compare(got, other, hidden=False) is None:
            return "same_padding_wrong_side", (
                "for an even kernel, 1-D 'same' takes full[(F-1)//2:][:N] (scipy.signal.correlate): "
                "your result is centred the other way")
    return None, None


FULL_TOO_SMALL = "'full' pads F-1 zeros on each side (the output has N + F - 1 values): yours pads F//2"


def trimmed_full(full, kernel_shape):
    """What 'full' gives with F//2 zeros on each side instead of F-1 (a classic mistake)."""
    index = tuple(slice(f - 1 - f // 2, n - (f - 1 - f // 2)) for n, f in zip(full.shape, kernel_shape))
    return full[index]


def diagnose_2d(got, x, w, mode, oracle):
    if compare(got, scipy_oracle(oracle, "convolve2d", x, w, mode=mode), hidden=False) is None:
        return "convolution_instead_of_correlation", (
            "this is the convolution, not the cross-correlation: your output matches the kernel flipped")
    if mode == "full" and compare(got, trimmed_full(scipy_oracle(oracle, "correlate2d", x, w, mode="full"), w.shape),
                                  hidden=False) is None:
        return "wrong_full_size", FULL_TOO_SMALL
    if mode == "same" and isinstance(got, np.ndarray):
        full = scipy_oracle(oracle, "correlate2d", x, w, mode="full")
        kh, kw = w.shape
        # correct 'same' is full[F//2:][:N] per axis; the other centring starts at (F-1)//2
        other = full[(kh - 1) // 2:][:x.shape[0], (kw - 1) // 2:][:, :x.shape[1]]
        if (kh % 2 == 0 or kw % 2 == 0) and compare(got, other, hidden=False) is None:
            return "same_padding_wrong_side", (
                "for an even kernel, correlate2d's 'same' pads (F-1)//2 before and F//2 after "
                "(the extra zero goes after, as in TensorFlow's SAME): yours pads the other way")
    return None, None


def conv2d_with(x, w, stride, pads, offset=0):
    """Cross-correlation of NHWC x with HWIO w after padding ``pads`` ((top, bottom), (left, right)),
    keeping every stride-th window from window ``offset`` on (0 is right)."""
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw = w.shape[:2]
    oh, ow = (xp.shape[1] - kh) // stride + 1, (xp.shape[2] - kw) // stride + 1
    if oh < 1 or ow < 1:
        return None
    out = np.zeros((x.shape[0], xp.shape[1] - kh + 1, xp.shape[2] - kw + 1, w.shape[3]))
    for r in range(kh):
        for c in range(kw):
            out += xp[:, r:r + out.shape[1], c:c + out.shape[2], :] @ w[r, c]
    return out[:, offset::stride, offset::stride, :][:, :oh, :ow, :]


def same_pads(size, kernel, stride):
    """TensorFlow's SAME padding of one axis: (before, after)."""
    total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def diagnose_conv2d(got, x, w, stride, padding):
    """Name the mistake when a wrong conv2d result is what a classic mistake gives."""
    if not isinstance(got, np.ndarray):
        return None, None
    kh, kw = w.shape[:2]
    right = (same_pads(x.shape[1], kh, stride), same_pads(x.shape[2], kw, stride)) if padding == "SAME" \
        else ((0, 0), (0, 0))
    variants = [("stride_offset", "the strided result must start at the first window (top-left), "
                                  "every stride-th window from there", right, stride - 1)] if stride > 1 else []
    if padding == "SAME" and any(sum(p) % 2 for p in right):
        variants += [
            ("conv2d_same_padding", "SAME pads total//2 before and the rest after: an odd total cannot be split "
                                    "evenly, and yours pads total//2 on both sides",
             tuple((p[0], p[0]) for p in right), 0),
            ("same_padding_wrong_side", "TensorFlow's SAME puts the smaller half of the padding before and the "
                                        "odd zero after (bottom/right): yours puts it before",
             tuple((p[1], p[0]) for p in right), 0)]
    for key, text, pads, offset in variants:
        mistaken = conv2d_with(x, w, stride, pads, offset)
        if mistaken is not None and compare(got, mistaken, hidden=False) is None:
            return key, text
    return None, None


def expect_case(got, expected, what, diagnosis=(None, None)):
    failure = compare(got, expected, what=what)
    if failure:
        key, text = diagnosis() if callable(diagnosis) else diagnosis
        raise CheckFailed(failure + (f"\nlikely mistake: {text}" if text else ""), mistake=key)


# ----------------------------------------------------------------------------- public checks
@check(points=1, title_ko="convolve(x, w): 강의의 1차원 합성곱, mode 'valid'.")
def lecture_convolve_valid(student):
    """convolve(x, w): the lecture's 1-D convolution, mode 'valid'."""
    got = student.convolve(X1, W1, mode="valid")
    expect_case(got, [63, 48, 49, 28, 21, 20], "convolve(x, w, 'valid')",
                lambda: ("correlation_instead_of_convolution",
                         "this is the cross-correlation, not the convolution: convolution flips the kernel first")
                if compare(got, [48, 57, 24, 25, 16, 39], hidden=False) is None else (None, None))


@check(points=1, title_ko="correlate(x, w): 강의의 1차원 교차상관, mode 'valid'.")
def lecture_correlate_valid(student):
    """correlate(x, w): the lecture's 1-D cross-correlation, mode 'valid'."""
    got = student.correlate(X1, W1, mode="valid")
    expect_case(got, [48, 57, 24, 25, 16, 39], "correlate(x, w, 'valid')",
                lambda: ("convolution_instead_of_correlation",
                         "this is the convolution, not the cross-correlation: your output matches the kernel flipped")
                if compare(got, [63, 48, 49, 28, 21, 20], hidden=False) is None else (None, None))


@check(points=1, title_ko="correlate(x, w, 'full'): 필터와 입력이 겹치는 모든 위치.")
def lecture_correlate_full(student, oracle):
    """correlate(x, w, 'full'): every overlap of kernel and signal."""
    got = student.correlate(X1, W1, mode="full")
    expect_case(got, [6, 34, 51, 48, 57, 24, 25, 16, 39, 29, 13, 10], "correlate(x, w, 'full')",
                lambda: diagnose_1d(got, X1, W1, "full", oracle, "correlate"))


@check(points=1, title_ko="짝수 크기 필터로 correlate(x, w, 'same') (F = 4: 패딩 앞 2개, 뒤 1개).")
def lecture_correlate_same(student, oracle):
    """correlate(x, w, 'same') with an even kernel (F = 4: 2 zeros before, 1 after)."""
    got = student.correlate(X1, W1, mode="same")
    expect_case(got, [34, 51, 48, 57, 24, 25, 16, 39, 29], "correlate(x, w, 'same')",
                lambda: ("same_padding_wrong_side",
                         "1-D 'same' keeps full[(F-1)//2:][:N]: for F = 4 that is 2 zeros before and 1 after")
                if compare(got, [51, 48, 57, 24, 25, 16, 39, 29, 13], hidden=False) is None
                else diagnose_1d(got, X1, W1, "same", oracle, "correlate"))


@check(points=1, title_ko="correlate2d(x, w): 강의의 3×3 이미지와 2×2 필터, 'valid'.")
def lecture_correlate2d_valid(student):
    """correlate2d(x, w): the lecture's 3×3 image and 2×2 kernel, 'valid'."""
    got = student.correlate2d(X2, W2, mode="valid")
    expect_case(got, [[2, 4], [8, 10]], "correlate2d(x, w, 'valid')",
                lambda: ("convolution_instead_of_correlation",
                         "this is the convolution, not the cross-correlation: your output matches the kernel flipped")
                if compare(got, [[10, 12], [16, 18]], hidden=False) is None else (None, None))


@check(points=1, title_ko="2×2 필터로 correlate2d(x, w, 'same'): 패딩 앞 0개, 뒤 1개.")
def lecture_correlate2d_same(student, oracle):
    """correlate2d(x, w, 'same') with a 2×2 kernel: 0 zeros before, 1 after."""
    got = student.correlate2d(X2, W2, mode="same")
    # A mistake is named only when the result is what it gives: the other centring is
    # [[0, 0, 0], [0, 2, 4], [0, 8, 10]] here (diagnose_2d computes it).
    expect_case(got, [[2, 4, 6], [8, 10, 12], [14, 16, 18]], "correlate2d(x, w, 'same')",
                lambda: diagnose_2d(got, X2, W2, "same", oracle))


@check(points=1, title_ko="3×3 이미지와 가중치가 모두 1인 2×2 필터로 conv2d, padding 'SAME'.")
def lecture_conv2d_same(student):
    """conv2d of the 3×3 image with a 2×2 kernel of ones, padding 'SAME'."""
    x = X2.reshape(1, 3, 3, 1).astype(float)
    w = np.ones((2, 2, 1, 1))
    got = student.conv2d(x, w, padding="SAME")
    expect_case(got, np.array([[12, 16, 9], [24, 28, 15], [15, 17, 9]], dtype=float).reshape(1, 3, 3, 1),
                "conv2d(x, ones(2, 2, 1, 1), padding='SAME')", lambda: diagnose_conv2d(got, x, w, 1, "SAME"))


@check(points=1, title_ko="가중치가 1, 10, −1인 필터 3개로 conv2d: 같은 특성 맵의 ×1, ×10, ×−1.")
def lecture_conv2d_three_filters(student):
    """conv2d with 3 filters of weights 1, 10 and −1: the same map ×1, ×10, ×−1."""
    x = X2.reshape(1, 3, 3, 1).astype(float)
    w = np.ones((2, 2, 1, 3)) * np.array([1.0, 10.0, -1.0])
    base = np.array([[12, 16, 9], [24, 28, 15], [15, 17, 9]], dtype=float)
    expect_close(student.conv2d(x, w, padding="SAME"), np.stack([base, 10 * base, -base], axis=-1)[None],
                 what="conv2d(x, w with 3 filters, padding='SAME')")


# ----------------------------------------------------------------------------- hidden checks
def _vector(rng, n):
    return np.round(rng.normal(size=n), 3)


def random_1d(student, rng, oracle, name):
    """12 random cases of correlate or convolve, odd and even kernels, every mode, against scipy."""
    cases, batch = [], student.batch()  # the twelve calls in one round trip
    for case in range(12):
        f = int(rng.integers(1, 7))
        n = int(rng.integers(f, 16))
        cases.append((n, f, _vector(rng, n), _vector(rng, f), MODES[case % 3]))
        batch.call(getattr(student, name), cases[-1][2], cases[-1][3], mode=cases[-1][4])
    for case, ((n, f, x, w, mode), got) in enumerate(zip(cases, batch.results())):
        expect_case(got, scipy_oracle(oracle, name, x, w, mode=mode),
                    f"case {case + 1}: {name}(x of shape ({n},), w of shape ({f},), mode={mode!r})",
                    lambda: diagnose_1d(got, x, w, mode, oracle, name))


@check(points=2, hidden=True, title_ko="무작위 입력, 홀수·짝수 크기 필터, 모든 mode로 correlate를 scipy.signal.correlate와 비교.")
def random_correlate(student, rng, oracle):
    """correlate on random signals, odd and even kernels, all modes, against scipy.signal.correlate."""
    random_1d(student, rng, oracle, "correlate")


@check(points=1.5, hidden=True, title_ko="무작위 입력, 홀수·짝수 크기 필터, 모든 mode로 convolve를 scipy.signal.convolve와 비교.")
def random_convolve(student, rng, oracle):
    """convolve on random signals, odd and even kernels, all modes, against scipy.signal.convolve."""
    random_1d(student, rng, oracle, "convolve")


@check(points=2, hidden=True, title_ko="무작위 이미지와 필터(홀수, 짝수, 정사각형이 아닌 것), 모든 mode로 correlate2d를 scipy와 비교.")
def random_correlate2d(student, rng, oracle):
    """correlate2d on random images and kernels (odd, even, non-square), all modes, against scipy."""
    cases, batch = [], student.batch()  # the twelve calls in one round trip
    for case in range(12):
        kh, kw = (int(k) for k in rng.integers(1, 6, size=2))
        h, w_ = int(rng.integers(kh, 12)), int(rng.integers(kw, 12))
        cases.append((np.round(rng.normal(size=(h, w_)), 3), np.round(rng.normal(size=(kh, kw)), 3), MODES[case % 3]))
        batch.call(student.correlate2d, cases[-1][0], cases[-1][1], mode=cases[-1][2])
    for case, ((x, w, mode), got) in enumerate(zip(cases, batch.results())):
        expect_case(got, scipy_oracle(oracle, "correlate2d", x, w, mode=mode),
                    f"case {case + 1}: correlate2d(x of shape {x.shape}, w of shape {w.shape}, mode={mode!r})",
                    lambda: diagnose_2d(got, x, w, mode, oracle))


@check(points=1.5, hidden=True, title_ko="스트라이드 2, 3의 correlate2d: 스트라이드 1 결과에서 첫 원소부터 S칸마다 하나씩.")
def random_correlate2d_stride(student, rng, oracle):
    """correlate2d with stride 2 and 3: every S-th element of the stride-1 result, from the first."""
    cases, batch = [], student.batch()  # the eight calls in one round trip
    for case in range(8):
        k = int(rng.integers(1, 6))
        stride = int(rng.integers(2, 4))
        h, w_ = int(rng.integers(k, 14)), int(rng.integers(k, 14))
        x, w = np.round(rng.normal(size=(h, w_)), 3), np.round(rng.normal(size=(k, k)), 3)
        cases.append((x, w, ("valid", "valid", "same", "full")[case % 4], stride))
        batch.call(student.correlate2d, x, w, mode=cases[-1][2], stride=stride)
    for case, ((x, w, mode, stride), got) in enumerate(zip(cases, batch.results())):
        full = scipy_oracle(oracle, "correlate2d", x, w, mode=mode)

        def diagnosis():
            if compare(got, full[stride - 1::stride, stride - 1::stride], hidden=False) is None:
                return "stride_offset", "the strided result must start at the first element of the stride-1 result"
            return None, None

        expect_case(got, full[::stride, ::stride], f"case {case + 1}: correlate2d(x of shape {x.shape}, w of shape "
                                                   f"{w.shape}, mode={mode!r}, stride={stride})", diagnosis)


def _conv_case(rng, padding):
    n, c, f = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    h, w_ = int(rng.integers(kh, 10)), int(rng.integers(kw, 10))
    stride = int(rng.integers(1, 4))
    x = np.round(rng.normal(size=(n, h, w_, c)), 3)
    w = np.round(rng.normal(size=(kh, kw, c, f)), 3)
    return x, w, stride


def conv_cases(rng, padding):
    """The (x, w, b, stride) cases random_conv2d_<padding> draws: six with a bias for
    'VALID', eight without (b None) for 'SAME'."""
    cases = []
    for _ in range(6 if padding == "VALID" else 8):
        x, w, stride = _conv_case(rng, padding)
        b = np.round(rng.normal(size=w.shape[-1]), 3) if padding == "VALID" else None
        cases.append((x, w, b, stride))
    return cases


def random_conv2d(student, rng, reference, padding):
    """conv2d on conv_cases(rng, padding), against the reference's conv2d: the calls in
    one round trip, the results judged in order."""
    cases, batch = conv_cases(rng, padding), student.batch()
    for x, w, b, stride in cases:
        batch.call(student.conv2d, x, w, *(() if b is None else (b,)), stride=stride, padding=padding)
    for case, ((x, w, b, stride), got) in enumerate(zip(cases, batch.results())):
        expected = reference.conv2d(x, w, b, stride=stride, padding=padding)
        if b is None:
            expect_case(got, expected, f"case {case + 1}: conv2d(x of shape {x.shape}, w of shape {w.shape}, "
                                       f"stride={stride}, padding={padding!r})",
                        lambda: diagnose_conv2d(got, x, w, stride, padding))
        else:
            expect_case(got, expected, f"case {case + 1}: conv2d(x of shape {x.shape}, w of shape {w.shape}, b, "
                                       f"stride={stride}, padding={padding!r})",
                        lambda: diagnose_conv2d(got - b if isinstance(got, np.ndarray) and got.shape[-1:] == b.shape
                                                else None, x, w, stride, padding))


@check(points=1.5, hidden=True, title_ko="conv2d, padding 'VALID': 무작위 배치, 채널, 필터, 스트라이드, 편향으로 tf.nn.conv2d와 비교.")
def random_conv2d_valid(student, rng, reference):
    """conv2d, padding 'VALID', random batch, channels, filters, strides and bias, against tf.nn.conv2d."""
    random_conv2d(student, rng, reference, "VALID")


@check(points=1.5, hidden=True, title_ko="conv2d, padding 'SAME' (짝수 크기 필터는 비대칭), 무작위 스트라이드로 tf.nn.conv2d와 비교.")
def random_conv2d_same(student, rng, reference):
    """conv2d, padding 'SAME' (asymmetric for even kernels), random strides, against tf.nn.conv2d."""
    random_conv2d(student, rng, reference, "SAME")


def kernel_larger_cases(rng):
    """random_kernel_larger_than_input's cases: 1-D correlate and convolve with N < F in every
    mode; 2-D correlate2d with the kernel at least as large as the image on both axes (larger
    on one at least), every mode; and 2-D 'valid' with mixed sizes (the kernel larger on one
    axis, smaller on the other), which must raise ValueError."""
    one_d = []
    for case in range(6):
        n = int(rng.integers(1, 6))
        f = int(rng.integers(n + 1, 10))
        one_d.append((("correlate", "convolve")[case % 2], _vector(rng, n), _vector(rng, f), MODES[case % 3]))
    two_d = []
    for case in range(4):
        h, w_ = (int(k) for k in rng.integers(1, 5, size=2))
        kh, kw = h + int(rng.integers(0, 4)), w_ + int(rng.integers(1, 4))
        if case % 2:
            (h, w_), (kh, kw) = (w_, h), (kw, kh)
        two_d.append((np.round(rng.normal(size=(h, w_)), 3), np.round(rng.normal(size=(kh, kw)), 3),
                      ("valid", "valid", "same", "full")[case]))
    mixed = []
    for case in range(2):
        h, w_ = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        kh, kw = h + int(rng.integers(1, 4)), int(rng.integers(1, w_))
        if case:
            (h, w_), (kh, kw) = (w_, h), (kw, kh)
        mixed.append((np.round(rng.normal(size=(h, w_)), 3), np.round(rng.normal(size=(kh, kw)), 3)))
    return one_d, two_d, mixed


NOT_REVERSED = ("when the kernel is the longer array, 'valid' swaps the two arrays and the result must then be "
                "reversed (scipy keeps it the part of the 'full' result that needs no padding): yours is not "
                "reversed")


@check(points=1, hidden=True,
       title_ko="필터가 입력보다 클 때: 1차원 N < F의 모든 mode, 2차원 'valid'에서 큰 필터, 축마다 크기가 엇갈리면 ValueError.")
def random_kernel_larger_than_input(student, rng, oracle):
    """A kernel larger than the input: 1-D N < F in every mode, 2-D with the larger kernel, ValueError for mixed sizes."""
    one_d, two_d, mixed = kernel_larger_cases(rng)
    batch = student.batch()  # every call in one round trip, the raising ones included
    for name, x, w, mode in one_d:
        batch.call(getattr(student, name), x, w, mode=mode)
    for x, w, mode in two_d:
        batch.call(student.correlate2d, x, w, mode=mode)
    for x, w in mixed:
        batch.call(student.correlate2d, x, w, mode="valid")
    outcomes = batch.outcomes()
    for case, (name, x, w, mode) in enumerate(one_d):
        got = _value_of(next(outcomes))
        expected = scipy_oracle(oracle, name, x, w, mode=mode)
        expect_case(got, expected, f"case {case + 1}: {name}(x of shape {x.shape}, w of shape {w.shape}, "
                                   f"mode={mode!r}), N < F",
                    lambda: (("kernel_larger_not_reversed", NOT_REVERSED)
                             if mode == "valid" and matches(got, expected[::-1]) else (None, None)))
    for case, (x, w, mode) in enumerate(two_d):
        got = _value_of(next(outcomes))
        expected = scipy_oracle(oracle, "correlate2d", x, w, mode=mode)
        expect_case(got, expected, f"case {case + 1}: correlate2d(x of shape {x.shape}, w of shape {w.shape}, "
                                   f"mode={mode!r}), the kernel larger than x",
                    lambda: (("kernel_larger_not_reversed", NOT_REVERSED)
                             if mode == "valid" and matches(got, expected[::-1, ::-1]) else (None, None)))
    for case, (x, w) in enumerate(mixed):
        what = f"case {case + 1}: correlate2d(x of shape {x.shape}, w of shape {w.shape}, mode='valid')"
        outcome = next(outcomes)
        if isinstance(outcome, StudentCodeError):
            if isinstance(outcome, StudentException) and outcome.message.startswith("ValueError"):
                continue
            if not isinstance(outcome, StudentException):
                raise outcome
            raise CheckFailed(f"{what}: expected ValueError (neither array is at least as large as the other on "
                              f"every axis), got {outcome.message.splitlines()[0]}")
        raise CheckFailed(f"{what}: returned {describe(outcome)} instead of raising ValueError: in 'valid' mode "
                          "one of x and w must be at least as large as the other on every axis",
                          mistake="mixed_sizes_no_error")


def _value_of(outcome):
    """An outcome of Batch.outcomes: its value, or the error it was, raised."""
    if isinstance(outcome, StudentCodeError):
        raise outcome
    return outcome


def stride_pair_cases(rng):
    """conv2d_stride_pairs' (x, w, b, (vertical, horizontal) stride, padding): the two strides
    differ; 'VALID' and 'SAME' in turn, a bias on every other case."""
    cases = []
    for case in range(6):
        x, w, _ = _conv_case(rng, "VALID")
        sh = int(rng.integers(1, 4))
        sw = int(rng.choice([s for s in (1, 2, 3) if s != sh]))
        b = np.round(rng.normal(size=w.shape[-1]), 3) if case % 2 else None
        cases.append((x, w, b, (sh, sw), ("VALID", "SAME")[(case // 2) % 2]))
    return cases


@check(points=1, hidden=True,
       title_ko="conv2d의 stride가 (세로, 가로) 쌍일 때, 두 값이 다른 경우 'VALID'와 'SAME'에서 tf.nn.conv2d와 비교.")
def random_conv2d_stride_pairs(student, rng, reference):
    """conv2d with a (vertical, horizontal) stride pair of two different values, 'VALID' and 'SAME', against tf.nn.conv2d."""
    cases, batch = stride_pair_cases(rng), student.batch()
    for x, w, b, stride, padding in cases:
        batch.call(student.conv2d, x, w, *(() if b is None else (b,)), stride=stride, padding=padding)
    for case, ((x, w, b, stride, padding), got) in enumerate(zip(cases, batch.results())):
        expected = reference.conv2d(x, w, b, stride=stride, padding=padding)
        swapped = (stride[1], stride[0])

        def diagnosis():
            if matches(got, reference.conv2d(x, w, b, stride=swapped, padding=padding)):
                return "stride_pair_order", ("a stride pair is (vertical, horizontal): the first value steps down the "
                                             "rows (height), the second across the columns (width); yours are swapped")
            return None, None

        expect_case(got, expected, f"case {case + 1}: conv2d(x of shape {x.shape}, w of shape {w.shape}"
                                   f"{'' if b is None else ', b'}, stride={stride}, padding={padding!r})", diagnosis)


def integer_input_cases(rng):
    """integer_inputs_float_filters' calls: (function name, x of integers, w, keyword arguments)
    for correlate, convolve, correlate2d and conv2d, w of floats; then one correlate2d and one
    convolve with w of integers too (an integer result is then right, as scipy's is)."""
    ints = lambda *shape: rng.integers(-9, 10, size=shape)  # noqa: E731
    floats = lambda *shape: np.round(rng.normal(size=shape), 3)  # noqa: E731
    n, f = int(rng.integers(4, 10)), int(rng.integers(1, 4))
    h, w_ = int(rng.integers(3, 7)), int(rng.integers(3, 7))
    return [("correlate", ints(n), floats(f), {"mode": "same"}),
            ("convolve", ints(n), floats(f), {"mode": "full"}),
            ("correlate2d", ints(h, w_), floats(2, 3), {"mode": "valid"}),
            ("correlate2d", ints(h, w_), floats(3, 2), {"mode": "same"}),
            ("conv2d", ints(1, h, w_, 2), floats(2, 2, 2, 3), {"padding": "SAME"}),
            ("correlate2d", ints(h, w_), ints(2, 2), {"mode": "full"}),
            ("convolve", ints(n), ints(f), {"mode": "valid"})]


@check(points=1, hidden=True, title_ko="정수 입력: 실수 필터면 결과는 실수 (정수로 잘리지 않음, 네 함수 모두), 정수 필터면 정수나 실수.")
def integer_inputs_float_filters(student, rng, oracle, reference):
    """Integer inputs: with float filters the results are floats (not cut to integers), in all four functions; with integer filters integers or floats."""
    cases, batch = integer_input_cases(rng), student.batch()
    for name, x, w, kwargs in cases:
        batch.call(getattr(student, name), x, w, **kwargs)
    for (name, x, w, kwargs), got in zip(cases, batch.results()):
        expected = (reference.conv2d(x, w, **kwargs) if name == "conv2d"
                    else scipy_oracle(oracle, name, x, w, **kwargs))
        shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())

        def diagnosis():
            if (isinstance(got, np.ndarray) and got.dtype.kind in "iu"
                    and (matches(got, np.trunc(expected)) or matches(got, np.floor(expected))
                         or matches(got, np.round(expected)))):
                return "integer_result", ("the result has the input's integer dtype, so the float products were cut "
                                          "to integers: make the output array float (np.result_type(x, w))")
            return None, None

        expect_case(got, expected, f"{name}(x of {x.dtype} integers, shape {x.shape}, w of "
                                   f"{'floats' if w.dtype.kind == 'f' else 'integers'}, shape {w.shape}, {shown})",
                    diagnosis)


@check(points=1, hidden=True, title_ko="어떤 함수도 인자로 받은 배열을 바꾸지 않습니다 (결과 값도 맞아야 합니다).")
def inputs_not_modified(student, rng, oracle, reference):
    """No function changes the arrays it is given (and the results are right)."""
    x1, w1 = rng.normal(size=9), rng.normal(size=4)
    x2, w2 = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    x4, w4, b4 = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(2, 2, 2, 3)), rng.normal(size=3)
    calls = (("correlate", (x1, w1), {"mode": "same"}), ("convolve", (x1, w1), {"mode": "full"}),
             ("correlate2d", (x2, w2), {"mode": "same"}), ("conv2d", (x4, w4, b4), {"padding": "SAME"}))
    # The four calls in one round trip, each sending back its arguments as it left them,
    # judged in order.  Each function is read from the module in the batch and looked up
    # only when its call is judged: a name counts as reached (the forbidden-name scan)
    # when its turn comes, and a missing one fails then, as with one call at a time.
    # A property of code that does nothing is worth nothing alone: each call's result must
    # be right too.
    batch = student.batch()
    pending = [batch.call_seeing_inputs(batch.attr(student, name), *args, **kwargs) for name, args, kwargs in calls]
    taken = batch.in_order()
    for (name, args, kwargs), item in zip(calls, pending):
        getattr(student, name)  # reached now; a missing name fails now
        value, after, _ = taken[item]
        expected = (reference.conv2d(*args, **kwargs) if name == "conv2d"
                    else scipy_oracle(oracle, name, *args, **kwargs))
        if compare(value, expected, report=False) is not None:
            # The value checks report how it differs; here it only means nothing is earned.
            raise CheckFailed(f"{name} gives a wrong result (its own checks say how), so leaving the inputs "
                              "unchanged earns nothing yet")
        for label, before, now in zip(("x", "w", "b"), args, after):
            expect_unchanged(before, now, what=f"{name}: argument {label}")
