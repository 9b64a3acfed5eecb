# expect-fail: random_kernel_larger_than_input
# expect-mistake: kernel_larger_not_reversed
"""합성곱과 교차상관 — 참고 답안.

1차원/2차원 교차상관(correlate, correlate2d)과 합성곱(convolve), 그리고
tf.nn.conv2d와 같은 결과를 내는 conv2d를 NumPy만으로 구현한다.

Convolution versus cross-correlation — reference solution.

1-D and 2-D cross-correlation and convolution, and a conv2d that gives tf.nn.conv2d's
result, in plain NumPy: every output is a sum, over the kernel offsets, of one kernel
weight times a shifted slice of the (padded) input.
"""

import numpy as np

_MODES = ("valid", "same", "full")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")


def _as_ndim(name, a, ndim):
    a = np.asarray(a)
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    return a


def _stride_pair(stride):
    if isinstance(stride, (int, np.integer)):
        pair = (int(stride), int(stride))
    else:
        pair = tuple(int(s) for s in stride)
    if len(pair) != 2 or min(pair) < 1:
        raise ValueError(f"stride must be a positive int or a pair of them, got {stride!r}")
    return pair


def _valid_correlation(x, w):
    """Cross-correlation of x with w at the positions where w lies entirely inside x."""
    out_shape = tuple(n - f + 1 for n, f in zip(x.shape, w.shape))
    out = np.zeros(out_shape, dtype=np.result_type(x, w))
    # Loop over the (few) kernel offsets, not the (many) output positions: each offset adds
    # one weight times the input shifted by that offset, and NumPy does the rest at once.
    for offset in np.ndindex(*w.shape):
        window = tuple(slice(o, o + size) for o, size in zip(offset, out_shape))
        out += w[offset] * x[window]
    return out


def correlate(x, w, mode="valid"):
    """1차원 교차상관 (scipy.signal.correlate와 같은 결과).

    1-D cross-correlation, with the same result as scipy.signal.correlate.

    Parameters
    ----------
    x : array_like, shape (N,)
        입력 신호. / The input signal.
    w : array_like, shape (F,)
        필터(커널). 뒤집지 않고 그대로 미끄러뜨린다. / The filter (kernel), slid as it is.
    mode : {"valid", "same", "full"}
        출력 크기. / The output size: N-F+1 (|N-F|+1 if N < F), N, or N+F-1.

    Returns
    -------
    numpy.ndarray, shape (out,)
        out[i] = Σ_k w[k] · x_padded[i + k].
    """
    x = _as_ndim("x", x, 1)
    w = _as_ndim("w", w, 1)
    _check_mode(mode)
    n, f = x.size, w.size
    if mode == "valid":
        if n < f:
            # scipy lets the longer array slide past the shorter one when N < F; swapping
            # the arrays and reversing the result gives exactly the part of the 'full'
            # result that needs no zero padding.
            return _valid_correlation(w, x)
        return _valid_correlation(x, w)
    if mode == "full":
        # Every position where w and x overlap by at least one element: F-1 zeros each side.
        pad = (f - 1, f - 1)
    else:
        # scipy.signal.correlate's 'same' is full[(F-1)//2 :][:N]. 'full' starts F-1 zeros
        # early, so this is F//2 zeros before and (F-1)//2 after: for an even F the extra
        # zero goes BEFORE (F = 4: 2 before, 1 after), unlike correlate2d below.
        pad = (f // 2, (f - 1) // 2)
    return _valid_correlation(np.pad(x, pad), w)


def convolve(x, w, mode="valid"):
    """1차원 합성곱 (scipy.signal.convolve와 같은 결과).

    1-D convolution, with the same result as scipy.signal.convolve.

    Parameters
    ----------
    x : array_like, shape (N,)
        입력 신호. / The input signal.
    w : array_like, shape (F,)
        필터(커널). 뒤집어서 미끄러뜨린다. / The filter (kernel), flipped before sliding.
    mode : {"valid", "same", "full"}
        출력 크기. correlate와 같다. / The output size, as for correlate.

    Returns
    -------
    numpy.ndarray, shape (out,)
        out[i] = Σ_k w[k] · x_padded[i + F-1 - k].
    """
    x = _as_ndim("x", x, 1)
    w = _as_ndim("w", w, 1)
    # Convolution is cross-correlation with the kernel flipped. scipy centres 'same' on the
    # full result in the same way for both, so the flip is the only difference.
    return correlate(x, w[::-1], mode)


def correlate2d(x, w, mode="valid", stride=1):
    """2차원 교차상관 (scipy.signal.correlate2d와 같은 결과) + 스트라이드.

    2-D cross-correlation, with the same result as scipy.signal.correlate2d, plus a stride.

    Parameters
    ----------
    x : array_like, shape (H, W)
        입력 이미지. / The input image.
    w : array_like, shape (KH, KW)
        필터(커널). / The filter (kernel).
    mode : {"valid", "same", "full"}
        출력 크기. / The output size per axis: N-F+1, N, or N+F-1.
    stride : int or (int, int)
        스트라이드. stride 1 결과의 첫 원소부터 S칸마다 하나씩 취한다.
        / The stride: every S-th element of the stride-1 result, from its first element.

    Returns
    -------
    numpy.ndarray, shape (OH, OW)
        out[i, j] = Σ_{a,b} w[a, b] · x_padded[i·S + a, j·S + b].
    """
    x = _as_ndim("x", x, 2)
    w = _as_ndim("w", w, 2)
    _check_mode(mode)
    sh, sw = _stride_pair(stride)
    if mode == "valid":
        if all(n >= f for n, f in zip(x.shape, w.shape)):
            out = _valid_correlation(x, w)
        elif all(n <= f for n, f in zip(x.shape, w.shape)):
            # As in 1-D: scipy swaps the arrays when the kernel is the larger one, and the
            # reversal (on both axes) keeps it the no-padding part of the 'full' result.
            out = _valid_correlation(w, x)[::-1, ::-1]
        else:
            raise ValueError(
                "in 'valid' mode one of x and w must be at least as large as the other "
                f"on every axis, got {x.shape} and {w.shape}"
            )
    else:
        if mode == "full":
            pads = [(f - 1, f - 1) for f in w.shape]
        else:
            # correlate2d's 'same' (like tf.nn.conv2d's SAME at stride 1) puts (F-1)//2
            # zeros before and F//2 after: for an even F the extra zero goes AFTER
            # (F = 2: 0 before, 1 after), the opposite of 1-D scipy.signal.correlate.
            pads = [((f - 1) // 2, f // 2) for f in w.shape]
        out = _valid_correlation(np.pad(x, pads), w)
    # A stride only skips positions: the stride-S result is every S-th element of the
    # stride-1 result, starting with the first one (the window at the top-left corner).
    return out[::sh, ::sw].copy()


def _same_padding(size, kernel, stride):
    """TensorFlow's SAME padding on one axis: (before, after), the odd zero after."""
    out = -(-size // stride)  # ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    """합성곱 층의 순전파 (tf.nn.conv2d와 같은 결과, 실제로는 교차상관).

    A convolution layer's forward pass, with the same result as tf.nn.conv2d
    (which, like every CNN layer, computes a cross-correlation).

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
        입력 배치 (NHWC). / The input batch (NHWC).
    w : array_like, shape (KH, KW, C, F)
        필터 F개 (HWIO). / F filters (HWIO).
    b : array_like, shape (F,), optional
        필터마다 하나인 편향. None이면 더하지 않는다. / One bias per filter; None adds none.
    stride : int or (int, int)
        세로/가로 스트라이드. / The vertical and horizontal stride.
    padding : {"VALID", "SAME"}
        "VALID": 패딩 없음. "SAME": 출력 크기 ceil(H/S), 남는 0은 뒤(아래/오른쪽)에.
        / "VALID": no padding. "SAME": output size ceil(H/S), the odd zero after.

    Returns
    -------
    numpy.ndarray, shape (N, OH, OW, F)
        out[n, i, j, f] = Σ_{a,b,c} x_padded[n, i·S + a, j·S + b, c] · w[a, b, c, f] (+ b[f]).
    """
    x = _as_ndim("x", x, 4)
    w = _as_ndim("w", w, 4)
    n, h, wd, c = x.shape
    kh, kw, kc, f = w.shape
    if kc != c:
        raise ValueError(f"x has {c} channels but w expects {kc}")
    sh, sw = _stride_pair(stride)
    if not isinstance(padding, str) or padding.upper() not in ("VALID", "SAME"):
        raise ValueError(f"padding must be 'VALID' or 'SAME', got {padding!r}")
    if padding.upper() == "SAME":
        # TF pads just enough for ceil(H/S) outputs, the smaller half before: this is
        # what makes a 2x2 kernel read its extra row and column below and to the right.
        pad_h, pad_w = _same_padding(h, kh, sh), _same_padding(wd, kw, sw)
    else:
        pad_h, pad_w = (0, 0), (0, 0)
    hp, wp = h + sum(pad_h), wd + sum(pad_w)
    if hp < kh or wp < kw:
        raise ValueError(f"kernel {w.shape[:2]} is larger than the padded input {(hp, wp)}")
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    xp = np.pad(x, ((0, 0), pad_h, pad_w, (0, 0)))
    out = np.zeros((n, oh, ow, f), dtype=np.result_type(x, w))
    for r in range(kh):
        for s in range(kw):
            # The input pixels that kernel tap (r, s) meets at every output position,
            # strided like the output; (N, OH, OW, C) @ (C, F) sums over the channels.
            taps = xp[:, r : r + (oh - 1) * sh + 1 : sh, s : s + (ow - 1) * sw + 1 : sw, :]
            out += taps @ w[r, s]
    if b is not None:
        # One bias per filter, broadcast over the last (filter) axis.
        out = out + np.asarray(b)
    return out
