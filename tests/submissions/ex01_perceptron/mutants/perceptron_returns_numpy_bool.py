# expect-fail: returns_int
# expect-mistake: wrong_return_type
"""퍼셉트론 게이트와 퍼셉트론 학습 규칙 — 참고 답안.

Perceptron gates and the perceptron learning rule — reference solution.
"""

import numpy as np


def perceptron(x, w, b):
    """퍼셉트론 하나의 출력: w·x + b > 0 이면 1, 아니면 0.

    The output of one perceptron: 1 if w·x + b > 0, else 0.

    Parameters
    ----------
    x : array_like, shape (n,)
        입력 신호. / The input signals.
    w : array_like, shape (n,)
        가중치. / The weights.
    b : float
        편향. / The bias.

    Returns
    -------
    int
        1 또는 0 (파이썬 int). / 1 or 0, as a Python int.
    """
    # The lecture's rule: the neuron fires only when the weighted sum plus the bias is
    # strictly positive; exactly 0 (sitting on the threshold) still gives 0, hence '>'.
    # Returning the literals 1 and 0 gives a plain Python int, not a numpy.bool_.
    # A numpy.bool_: the right value, the wrong type.
    return np.dot(w, x) + b > 0


def AND_gate(x1, x2):
    """AND 게이트 (퍼셉트론 하나). / The AND gate (one perceptron).

    Parameters
    ----------
    x1, x2 : int
        입력 (0 또는 1). / The inputs (0 or 1).

    Returns
    -------
    int
        x1 AND x2.
    """
    # Only (1, 1) reaches 0.5 + 0.5 = 1.0 > 0.7; a single active input (0.5) stays below.
    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.7)


def NAND_gate(x1, x2):
    """NAND 게이트 (퍼셉트론 하나). / The NAND gate (one perceptron).

    Parameters
    ----------
    x1, x2 : int
        입력 (0 또는 1). / The inputs (0 or 1).

    Returns
    -------
    int
        NOT (x1 AND x2).
    """
    # AND with every sign flipped: the bias 0.7 wins unless both inputs pull it down.
    return perceptron(np.array([x1, x2]), np.array([-0.5, -0.5]), 0.7)


def OR_gate(x1, x2):
    """OR 게이트 (퍼셉트론 하나). / The OR gate (one perceptron).

    Parameters
    ----------
    x1, x2 : int
        입력 (0 또는 1). / The inputs (0 or 1).

    Returns
    -------
    int
        x1 OR x2.
    """
    # One active input alone (0.6) already beats the threshold 0.5; none gives -0.5.
    return perceptron(np.array([x1, x2]), np.array([0.6, 0.6]), -0.5)


def XOR_gate(x1, x2):
    """XOR 게이트: 게이트를 쌓은 2층 퍼셉트론. / The XOR gate: a two-layer network of gates.

    Parameters
    ----------
    x1, x2 : int
        입력 (0 또는 1). / The inputs (0 or 1).

    Returns
    -------
    int
        x1 XOR x2.
    """
    # No single straight line separates XOR's 1s from its 0s, so one perceptron cannot
    # do it. A second layer can: NAND and OR are both 1 exactly when the inputs differ,
    # and AND of the two keeps just those cases.
    s1 = NAND_gate(x1, x2)
    s2 = OR_gate(x1, x2)
    return AND_gate(s1, s2)


def train_perceptron(X, y, max_epochs=100):
    """퍼셉트론 학습 규칙으로 가중치와 편향을 학습한다.

    Learn weights and a bias with the perceptron learning rule.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        학습 데이터. / The training points.
    y : array_like, shape (n_samples,)
        라벨, -1 또는 +1. / The labels, -1 or +1.
    max_epochs : int
        데이터 전체를 훑는 최대 횟수. / The largest number of passes over the data.

    Returns
    -------
    w : numpy.ndarray of float, shape (n_features,)
        학습된 가중치. / The learned weights.
    b : float
        학습된 편향. / The learned bias.
    converged : bool
        한 번의 패스에서 잘못 분류된 점이 하나도 없었으면 True.
        / True if a whole pass found no misclassified point.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    # Starting from zero (not at random) makes the run deterministic, and with w = 0,
    # b = 0 every point is "on the boundary", so the first point always triggers an update.
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(max_epochs):
        updated = False
        for x_k, y_k in zip(X, y):
            # y_k (w·x_k + b) <= 0: on the wrong side of the boundary, or on it (which
            # is not a classification either).
            if y_k * (np.dot(w, x_k) + b) <= 0:
                # Adding y_k x_k (and y_k to the bias, whose input is always 1) raises
                # y_k (w·x_k + b) by |x_k|² + 1 > 0: the boundary moves towards
                # classifying x_k correctly. w is our own array, so += is safe.
                w += y_k * x_k
                b += y_k
                updated = True
        if not updated:
            # A full pass without a mistake: every point is on its correct side.
            return w, float(b), True
    # Still making mistakes after max_epochs passes (always the case for data that no
    # line separates, such as XOR's).
    return w, float(b), False
