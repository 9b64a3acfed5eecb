# An independent implementation: explicit padding, windows from
# numpy.lib.stride_tricks.sliding_window_view, einsum for the sums.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pad_1d(x, f, mode):
    if mode == "valid":
        return x
    if mode == "full":
        return np.concatenate([np.zeros(f - 1), x, np.zeros(f - 1)])
    before = f // 2
    after = f - 1 - before
    return np.concatenate([np.zeros(before), x, np.zeros(after)])


def correlate(x, w, mode="valid"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if mode == "valid" and len(x) < len(w):
        # scipy slides the shorter array over the longer one and reverses the result
        return correlate(w, x)[::-1]
    windows = sliding_window_view(_pad_1d(x, len(w), mode), len(w))
    return windows @ w


def convolve(x, w, mode="valid"):
    return correlate(x, np.asarray(w)[::-1], mode)


def correlate2d(x, w, mode="valid", stride=1):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    if mode == "valid" and x.shape[0] <= kh and x.shape[1] <= kw and x.shape != w.shape:
        return correlate2d(w, x)[::-1, ::-1][::stride, ::stride]
    if mode == "valid" and (x.shape[0] < kh or x.shape[1] < kw):
        raise ValueError("one of x and w must be at least as large as the other on every axis")
    if mode == "full":
        x = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    elif mode == "same":
        x = np.pad(x, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    windows = sliding_window_view(x, (kh, kw))
    out = np.einsum("ijkl,kl->ij", windows, w)
    return out[::stride, ::stride]


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-wd // sw)
        ph = max((oh - 1) * sh + kh - h, 0)
        pw = max((ow - 1) * sw + kw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    out = np.einsum("nijckl,klcf->nijf", windows, w)
    if b is not None:
        out = out + b
    return out
