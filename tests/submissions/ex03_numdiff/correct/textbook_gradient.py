# coding: utf-8
# Written from memory: "Deep Learning from Scratch" 1 (밑바닥부터 시작하는 딥러닝 1),
# common/gradient.py (oreilly-japan/deep-learning-from-scratch, MIT licence).
import numpy as np

def _numerical_gradient_1d(f, x):
    h = 1e-4 # 0.0001
    grad = np.zeros_like(x)

    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x) # f(x+h)

        x[idx] = tmp_val - h
        fxh2 = f(x) # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2*h)

        x[idx] = tmp_val # 값 복원

    return grad


def numerical_gradient_2d(f, X):
    if X.ndim == 1:
        return _numerical_gradient_1d(f, X)
    else:
        grad = np.zeros_like(X)

        for idx, x in enumerate(X):
            grad[idx] = _numerical_gradient_1d(f, x)

        return grad


def numerical_gradient(f, x):
    h = 1e-4 # 0.0001
    grad = np.zeros_like(x)

    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x) # f(x+h)

        x[idx] = tmp_val - h
        fxh2 = f(x) # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2*h)

        x[idx] = tmp_val # 값 복원
        it.iternext()

    return grad


# ---- Added for the course's contract (not in the textbook's common/gradient.py): the three
# differences in the style of the textbook's ch04 numerical_diff, and the descent methods as
# the lecture writes them (the textbook's gradient_descent returns only the last x).

def numerical_diff_front(f, x, h=1e-4):
    return (f(x+h) - f(x)) / h


def numerical_diff_mid(f, x, h=1e-4):
    return (f(x+h) - f(x-h)) / (2*h)


def numerical_diff_back(f, x, h=1e-4):
    return (f(x) - f(x-h)) / h


def gradient_descent(df, x0, lr, steps):
    x = x0
    x_history = [x]
    for i in range(steps):
        x -= lr * df(x)
        x_history.append(x)
    return x_history


def momentum_descent(df, x0, lr, beta, steps):
    x = x0
    v = 0
    x_history = [x]
    for i in range(steps):
        v = beta*v - lr*df(x)
        x += v
        x_history.append(x)
    return x_history
