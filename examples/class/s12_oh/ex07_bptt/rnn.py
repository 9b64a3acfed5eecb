# An independent implementation: TimeRNN keeps its own arrays of states instead of one
# RNN object per step, einsum for the products, float32 kept float32 by np.result_type,
# clip_grads from one concatenated vector.
import numpy as np


class RNN:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self._saved = None

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        h_next = np.tanh(np.einsum("nh,hk->nk", h_prev, Wh) + np.einsum("nd,dk->nk", x, Wx) + b)
        self._saved = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next):
        Wx, Wh, _ = self.params
        x, h_prev, h_next = self._saved
        da = dh_next * (1.0 - h_next * h_next)
        np.copyto(self.grads[0], np.einsum("nd,nk->dk", x, da))
        np.copyto(self.grads[1], np.einsum("nh,nk->hk", h_prev, da))
        np.copyto(self.grads[2], da.sum(axis=0))
        return np.einsum("nk,dk->nd", da, Wx), np.einsum("nk,hk->nh", da, Wh)


class TimeRNN:
    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.stateful = stateful
        self.h = None
        self.dh = None

    def set_state(self, h):
        self.h = h

    def reset_state(self):
        self.h = None

    def forward(self, xs):
        Wx, Wh, b = self.params
        n, steps, _ = xs.shape
        dtype = np.result_type(xs, Wx, Wh, b)
        start = self.h if (self.stateful and self.h is not None) else np.zeros((n, Wx.shape[1]), dtype)
        states = np.empty((n, steps + 1, Wx.shape[1]), dtype)
        states[:, 0] = start
        for t in range(steps):
            states[:, t + 1] = np.tanh(states[:, t] @ Wh + xs[:, t] @ Wx + b)
        self._xs, self._states = xs, states
        self.h = states[:, -1].copy()
        return states[:, 1:].copy()

    def backward(self, dhs):
        Wx, Wh, _ = self.params
        xs, states = self._xs, self._states
        steps = xs.shape[1]
        dxs = np.empty(xs.shape, np.result_type(dhs, states))
        dWx, dWh, db = (np.zeros(p.shape, np.result_type(dhs, states)) for p in self.params)
        carry = np.zeros_like(states[:, 0], dtype=dxs.dtype)
        for t in range(steps - 1, -1, -1):
            da = (dhs[:, t] + carry) * (1.0 - states[:, t + 1] ** 2)
            dWx += xs[:, t].T @ da
            dWh += states[:, t].T @ da
            db += da.sum(axis=0)
            dxs[:, t] = da @ Wx.T
            carry = da @ Wh.T
        for mine, total in zip(self.grads, (dWx, dWh, db)):
            mine[...] = total
        self.dh = carry
        return dxs


def clip_grads(grads, max_norm):
    norm = np.linalg.norm(np.concatenate([np.ravel(g).astype(np.float64) for g in grads]))
    if norm >= max_norm:
        for g in grads:
            g *= max_norm / norm
