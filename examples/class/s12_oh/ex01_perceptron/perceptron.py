# Written the way the lecture writes it: one function per gate with its own
# weights, `if result <= 0: return 0`, and plain Python loops for training.
import numpy as np


def perceptron(x, w, b):
    tmp = np.sum(np.array(w) * np.array(x)) + b
    if tmp <= 0:
        return 0
    else:
        return 1


def AND_gate(x1, x2):
    w1 = 0.5
    w2 = 0.5
    b = -0.7
    result = x1 * w1 + x2 * w2 + b
    if result <= 0:
        return 0
    else:
        return 1


def NAND_gate(x1, x2):
    w1 = -0.5
    w2 = -0.5
    b = 0.7
    result = x1 * w1 + x2 * w2 + b
    if result <= 0:
        return 0
    else:
        return 1


def OR_gate(x1, x2):
    w1 = 0.6
    w2 = 0.6
    b = -0.5
    result = x1 * w1 + x2 * w2 + b
    if result <= 0:
        return 0
    else:
        return 1


def XOR_gate(x1, x2):
    s1 = NAND_gate(x1, x2)
    s2 = OR_gate(x1, x2)
    y = AND_gate(s1, s2)
    return y


def train_perceptron(X, y, max_epochs=100):
    n_samples, n_features = len(X), len(X[0])
    w = np.zeros(n_features)
    b = 0.0
    epoch = 0
    while epoch < max_epochs:
        errors = 0
        for i in range(n_samples):
            if y[i] * (np.dot(w, X[i]) + b) <= 0:
                w = w + y[i] * np.asarray(X[i], dtype=float)
                b = b + y[i]
                errors += 1
        if errors == 0:
            return w, b, True
        epoch += 1
    return w, b, False
