"""Numerical differentiation without touching x: every probe is a fresh copy; one generic
difference helper; descent as a generator collected into a list."""

import numpy as np



def numerical_diff_front(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h


def numerical_diff_mid(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (h + h)


def numerical_diff_back(f, x, h=1e-4):
    return (f(x) - f(x - h)) * (1.0 / h)


def numerical_gradient(f, x, h=1e-4):
    flat = np.asarray(x, dtype=float).ravel()
    grad = np.empty(flat.size)
    for k in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[k] += h
        minus[k] -= h
        grad[k] = (f(plus.reshape(x.shape)) - f(minus.reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)


def _iterate(update, x0, steps):
    x = x0
    yield x
    for _ in range(steps):
        x = update(x)
        yield x


def gradient_descent(df, x0, lr, steps):
    return list(_iterate(lambda x: x - lr * df(x), x0, steps))


def momentum_descent(df, x0, lr, beta, steps):
    velocity = [0.0]

    def update(x):
        velocity[0] = beta * velocity[0] + lr * df(x)   # v stored with the opposite sign ...
        return x - velocity[0]                          # ... so x moves by −v: the same method

    return list(_iterate(update, x0, steps))
