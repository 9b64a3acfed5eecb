# Independent correct ex05: index gathers and matrix products (im2col).
import numpy as np


def _pad(a, before, after):
    return np.pad(a, [(b, e) for b, e in zip(before, after)])


def correlate(x, w, mode="valid"):
    x = np.asarray(x, dtype=float).ravel()
    w = np.asarray(w, dtype=float).ravel()
    f = w.size
    lo = {"valid": 0, "full": f - 1, "same": f // 2}[mode]
    hi = {"valid": 0, "full": f - 1, "same": (f - 1) // 2}[mode]
    xp = _pad(x, [lo], [hi])
    idx = np.arange(xp.size - f + 1)[:, None] + np.arange(f)[None, :]
    return xp[idx] @ w


def convolve(x, w, mode="valid"):
    return correlate(x, np.flip(np.asarray(w)), mode)


def correlate2d(x, w, mode="valid", stride=1):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    r, c = w.shape
    if mode != "valid":
        top = r - 1 if mode == "full" else (r - 1) // 2
        left = c - 1 if mode == "full" else (c - 1) // 2
        bottom = r - 1 if mode == "full" else r // 2
        right = c - 1 if mode == "full" else c // 2
        x = _pad(x, [top, left], [bottom, right])
    steps = np.broadcast_to(np.asarray(stride), (2,))
    rows = np.arange(0, x.shape[0] - r + 1, steps[0])
    cols = np.arange(0, x.shape[1] - c + 1, steps[1])
    result = np.empty((rows.size, cols.size))
    for a, i in enumerate(rows):
        strip = np.stack([x[i:i + r, j:j + c].ravel() for j in cols])
        result[a] = strip @ w.ravel()
    return result


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    kh, kw, cin, cout = w.shape
    if padding == "SAME":
        extra = []
        for size, k in ((x.shape[1], kh), (x.shape[2], kw)):
            total = max((-(-size // stride) - 1) * stride + k - size, 0)
            extra.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), extra[0], extra[1], (0, 0)])
    hs = range(0, x.shape[1] - kh + 1, stride)
    ws = range(0, x.shape[2] - kw + 1, stride)
    cols = np.array([[x[:, i:i + kh, j:j + kw, :].reshape(x.shape[0], -1) for j in ws] for i in hs])
    out = cols @ w.reshape(-1, cout)
    out = out.transpose(2, 0, 1, 3)
    return out if b is None else out + b
