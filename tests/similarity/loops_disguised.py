# The loops solution copied: names changed, lines reformatted and commented, functions
# in another order.
import numpy as np

# 2D convolution for the whole batch
def conv2d(inp, kern, bias=None, stride=1, padding="VALID"):
    inp = np.asarray(inp, dtype=float); kern = np.asarray(kern, dtype=float)
    B, H, W, C = inp.shape
    kh, kw, _, nf = kern.shape
    if padding == "SAME":
        oh2 = (H + stride - 1) // stride
        ow2 = (W + stride - 1) // stride
        extra_h = max(0, (oh2 - 1) * stride + kh - H)
        extra_w = max(0, (ow2 - 1) * stride + kw - W)
        t, l = extra_h // 2, extra_w // 2
        bigger = np.zeros((B, H + extra_h, W + extra_w, C))   # zero padding
        bigger[:, t:t + H, l:l + W, :] = inp
        inp = bigger
    out_h = (inp.shape[1] - kh) // stride + 1
    out_w = (inp.shape[2] - kw) // stride + 1
    result = np.zeros((B, out_h, out_w, nf))
    for b_ in range(B):
        for r in range(out_h):
            for c in range(out_w):
                window = inp[b_, r * stride:r * stride + kh, c * stride:c * stride + kw, :]
                for q in range(nf):
                    result[b_, r, c, q] = np.sum(window * kern[:, :, :, q])   # one filter
    if bias is not None:
        result += bias
    return result


def correlate2d(img, k, mode="valid", stride=1):
    img = np.asarray(img, dtype=float)
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    # padding
    if mode == "full":
        img = np.pad(img, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    elif mode == "same":
        img = np.pad(img, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    s1, s2 = (stride, stride) if np.isscalar(stride) else stride
    H = (img.shape[0] - kh) // s1 + 1
    W = (img.shape[1] - kw) // s2 + 1
    res = np.zeros((H, W))
    for r in range(H):
        for c in range(W):
            window = img[r * s1:r * s1 + kh, c * s2:c * s2 + kw]
            res[r, c] = np.sum(window * k)
    return res


def correlate(signal, kernel, mode="valid"):
    signal = np.asarray(signal, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    length, size = len(signal), len(kernel)
    if mode == "full":
        signal = np.concatenate([np.zeros(size - 1), signal, np.zeros(size - 1)])
    elif mode == "same":
        signal = np.concatenate([np.zeros(size // 2), signal, np.zeros(size - 1 - size // 2)])
    res = np.zeros(len(signal) - size + 1)
    for a in range(len(res)):
        acc = 0.0
        for m in range(size):
            acc += signal[a + m] * kernel[m]   # multiply-accumulate
        res[a] = acc
    return res


def convolve(signal, kernel, mode="valid"):
    rev = np.asarray(kernel, dtype=float)[::-1]
    return correlate(signal, rev, mode)
