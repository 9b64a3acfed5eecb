# A student's ex05 submission, as handed in: correct except for one classic
# mistake (2-D 'same' padding put on the wrong side for even kernels).
import numpy as np


def correlate(x, w, mode="valid"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, f = len(x), len(w)
    if mode == "full":
        x = np.pad(x, (f - 1, f - 1))
    elif mode == "same":
        x = np.pad(x, (f // 2, (f - 1) // 2))
    out = np.zeros(len(x) - f + 1)
    for i in range(len(out)):
        out[i] = np.sum(x[i:i + f] * w)
    return out


def convolve(x, w, mode="valid"):
    return correlate(x, np.asarray(w)[::-1], mode)


def correlate2d(x, w, mode="valid", stride=1):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw = w.shape
    if mode == "full":
        x = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    elif mode == "same":
        x = np.pad(x, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * w)
    return out[::stride, ::stride]


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    if padding == "SAME":
        oh, ow = -(-h // stride), -(-wd // stride)
        ph = max((oh - 1) * stride + kh - h, 0)
        pw = max((ow - 1) * stride + kw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    if b is not None:
        out += b
    return out
