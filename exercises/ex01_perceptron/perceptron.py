"""퍼셉트론 게이트와 퍼셉트론 학습 규칙 — 실습 과제 ex01_perceptron.

퍼셉트론 하나(perceptron), 퍼셉트론으로 만든 AND/NAND/OR 게이트, 게이트를 쌓은
XOR 게이트, 그리고 퍼셉트론 학습 규칙(train_perceptron)을 NumPy로 구현하세요.
입력 배열을 수정하면 안 됩니다. 채점: `dlgrade check ex01`, 힌트: `dlgrade hint ex01`.

Implement one perceptron, the AND/NAND/OR gates as perceptrons, XOR as a network of
those gates, and the perceptron learning rule. Do not modify the inputs.
Check with `dlgrade check ex01`; get a hint with `dlgrade hint ex01`.
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
    # TODO: 가중합 w·x + b를 구해 강의의 규칙대로 1 또는 0을 돌려주세요.
    #       Compute the weighted sum w·x + b and return 1 or 0 by the lecture's rule.
    raise NotImplementedError


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
    # TODO: 알맞은 가중치와 편향으로 perceptron을 한 번 호출하세요.
    #       Call perceptron once, with weights and a bias that make it an AND.
    raise NotImplementedError


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
    # TODO: 알맞은 가중치와 편향으로 perceptron을 한 번 호출하세요.
    #       Call perceptron once, with weights and a bias that make it a NAND.
    raise NotImplementedError


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
    # TODO: 알맞은 가중치와 편향으로 perceptron을 한 번 호출하세요.
    #       Call perceptron once, with weights and a bias that make it an OR.
    raise NotImplementedError


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
    # TODO: 위의 게이트들을 층으로 쌓아 XOR를 만드세요 (다층 퍼셉트론).
    #       Build XOR by stacking the gates above in layers (a multi-layer perceptron).
    raise NotImplementedError


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
    # TODO: w = 0, b = 0에서 시작해, 잘못 분류된 점이 있는 동안 퍼셉트론 학습 규칙으로
    #       w와 b를 고치세요. 한 패스 동안 실수가 없으면 수렴한 것입니다.
    #       Start from w = 0, b = 0 and fix w and b with the perceptron learning rule
    #       while some point is misclassified; a pass without a mistake means converged.
    raise NotImplementedError
