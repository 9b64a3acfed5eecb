# Independent correct ex05: explicit Python loops.
import numpy as np


def correlate(x, w, mode="valid"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, f = len(x), len(w)
    if mode == "full":
        x = np.concatenate([np.zeros(f - 1), x, np.zeros(f - 1)])
    elif mode == "same":
        x = np.concatenate([np.zeros(f // 2), x, np.zeros(f - 1 - f // 2)])
    out = np.zeros(len(x) - f + 1)
    for i in range(len(out)):
        total = 0.0
        for j in range(f):
            total += x[i + j] * w[j]
        out[i] = total
    return out


def convolve(x, w, mode="valid"):
    flipped = np.asarray(w, dtype=float)[::-1]
    return correlate(x, flipped, mode)


def correlate2d(x, w, mode="valid", stride=1):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    fh, fw = w.shape
    if mode == "full":
        x = np.pad(x, ((fh - 1, fh - 1), (fw - 1, fw - 1)))
    elif mode == "same":
        x = np.pad(x, (((fh - 1) // 2, fh // 2), ((fw - 1) // 2, fw // 2)))
    sy, sx = (stride, stride) if np.isscalar(stride) else stride
    oh = (x.shape[0] - fh) // sy + 1
    ow = (x.shape[1] - fw) // sx + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[i * sy:i * sy + fh, j * sx:j * sx + fw]
            out[i, j] = np.sum(patch * w)
    return out


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    batch, height, width, channels = x.shape
    fh, fw, _, filters = w.shape
    if padding == "SAME":
        out_h = (height + stride - 1) // stride
        out_w = (width + stride - 1) // stride
        need_h = max(0, (out_h - 1) * stride + fh - height)
        need_w = max(0, (out_w - 1) * stride + fw - width)
        top, left = need_h // 2, need_w // 2
        padded = np.zeros((batch, height + need_h, width + need_w, channels))
        padded[:, top:top + height, left:left + width, :] = x
        x = padded
    oh = (x.shape[1] - fh) // stride + 1
    ow = (x.shape[2] - fw) // stride + 1
    out = np.zeros((batch, oh, ow, filters))
    for n in range(batch):
        for i in range(oh):
            for j in range(ow):
                patch = x[n, i * stride:i * stride + fh, j * stride:j * stride + fw, :]
                for k in range(filters):
                    out[n, i, j, k] = np.sum(patch * w[:, :, :, k])
    if b is not None:
        out += b
    return out
