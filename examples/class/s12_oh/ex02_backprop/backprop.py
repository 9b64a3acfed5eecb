"""Backpropagation with the textbook's layer objects (ch. 5 style): MatMul and Sigmoid nodes
with forward/backward, chained; column-vector arithmetic with reshape."""

import numpy as np


class MatMul:
    def __init__(self, W):
        self.W = W
        self.x = None
        self.dW = None

    def forward(self, x):
        self.x = x
        return np.dot(self.W, x)

    def backward(self, dout):
        self.dW = dout.reshape(-1, 1) * self.x.reshape(1, -1)
        return np.dot(self.W.T, dout)


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _layers(W1, W2):
    return [MatMul(W1), Sigmoid(), MatMul(W2), Sigmoid()]


def forward(x, W1, W2):
    layers = _layers(W1, W2)
    h = layers[1].forward(layers[0].forward(x))
    o = layers[3].forward(layers[2].forward(h))
    return h, o


def loss(o, t):
    diff = np.asarray(t) - np.asarray(o)
    return 0.5 * float(diff @ diff)


def backward(x, t, W1, W2):
    layers = _layers(W1, W2)
    out = x
    for layer in layers:
        out = layer.forward(out)
    dout = out - t
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return layers[0].dW, layers[2].dW


def train_step(x, t, W1, W2, lr=0.5):
    grads = backward(x, t, W1, W2)
    return tuple(W - lr * g for W, g in zip((W1, W2), grads))
