"""An independently written correct submission: state in dicts created lazily with
setdefault, Adam in the m̂/v̂ form with its own per-key step counter, RMSprop's average
written as h += (1 − γ)(g² − h), arithmetic through np.* functions with out= arguments."""

import numpy as np

EPS = 1e-7


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for name, p in params.items():
            np.subtract(p, self.lr * grads[name], out=p)


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.velocity = lr, momentum, {}

    def update(self, params, grads):
        for name, p in params.items():
            v = self.velocity.setdefault(name, np.zeros_like(p))
            v *= self.momentum
            v -= self.lr * grads[name]
            np.add(p, v, out=p)


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.squares = lr, {}

    def update(self, params, grads):
        for name, p in params.items():
            g = grads[name]
            h = self.squares.setdefault(name, np.zeros_like(p))
            h += np.square(g)
            p -= self.lr * g / (np.sqrt(h) + EPS)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.avg = lr, decay_rate, {}

    def update(self, params, grads):
        for name, p in params.items():
            g = grads[name]
            h = self.avg.setdefault(name, np.zeros_like(p))
            h += (1.0 - self.decay_rate) * (np.square(g) - h)
            p -= self.lr * g / (np.sqrt(h) + EPS)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.state = {}

    def update(self, params, grads):
        for name, p in params.items():
            g = grads[name]
            st = self.state.setdefault(name, {"m": np.zeros_like(p), "v": np.zeros_like(p), "t": 0})
            st["t"] += 1
            st["m"] = self.beta1 * st["m"] + (1.0 - self.beta1) * g
            st["v"] = self.beta2 * st["v"] + (1.0 - self.beta2) * g ** 2
            m_hat = st["m"] / (1.0 - self.beta1 ** st["t"])
            v_hat = st["v"] / (1.0 - self.beta2 ** st["t"])
            p -= self.lr * m_hat / (np.sqrt(v_hat) + EPS)
