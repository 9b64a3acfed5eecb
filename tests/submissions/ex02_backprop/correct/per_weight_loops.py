"""Backpropagation written the lecture's way: one chain rule per weight, plain loops."""

import math

import numpy as np


def sigmoid(z):
    # Branch on the sign so exp never overflows (a different, numerically careful form).
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out if out.ndim else float(out)


def forward(x, W1, W2):
    n_hidden, n_in = W1.shape
    n_out = W2.shape[0]
    h = np.zeros(n_hidden)
    for i in range(n_hidden):
        h[i] = 1.0 / (1.0 + math.exp(-sum(W1[i, j] * x[j] for j in range(n_in))))
    o = np.zeros(n_out)
    for k in range(n_out):
        o[k] = 1.0 / (1.0 + math.exp(-sum(W2[k, i] * h[i] for i in range(n_hidden))))
    return h, o


def loss(o, t):
    return sum(0.5 * (t[k] - o[k]) ** 2 for k in range(len(o)))


def backward(x, t, W1, W2):
    h, o = forward(x, W1, W2)
    dW2 = np.zeros(W2.shape)
    delta_o = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in range(len(o))]   # dE/do_k * do_k/dz_k
    for k in range(W2.shape[0]):
        for i in range(W2.shape[1]):
            dW2[k, i] = delta_o[k] * h[i]                                    # * dz_k/dw = h_i
    dW1 = np.zeros(W1.shape)
    for i in range(W1.shape[0]):
        dE_dh = sum(delta_o[k] * W2[k, i] for k in range(len(o)))         # both paths, old W2
        for j in range(W1.shape[1]):
            dW1[i, j] = dE_dh * h[i] * (1 - h[i]) * x[j]
    return dW1, dW2


def train_step(x, t, W1, W2, lr=0.5):
    dW1, dW2 = backward(x, t, W1, W2)
    new_W1 = W1.copy()
    new_W2 = W2.copy()
    new_W1 -= lr * dW1
    new_W2 -= lr * dW2
    return new_W1, new_W2
