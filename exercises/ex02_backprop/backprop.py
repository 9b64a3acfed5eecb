"""2-2-2 신경망 예제로 배우는 오차역전파 — 실습 과제 ex02_backprop.

시그모이드 은닉층과 시그모이드 출력층(편향 없음), 손실 E = ½ Σ (t − o)² 인 신경망의
순전파, 손실, 역전파, 경사 하강 한 단계를 NumPy로 구현하세요. 입력 배열을 수정하면
안 됩니다. 채점: `dlgrade check ex02`, 힌트: `dlgrade hint ex02`.

Implement the forward pass, the loss, backpropagation and one gradient-descent step of a
network with a sigmoid hidden layer and a sigmoid output layer (no biases), loss
E = ½ Σ (t − o)². Do not modify the inputs.
Check with `dlgrade check ex02`; get a hint with `dlgrade hint ex02`.
"""

import numpy as np


def sigmoid(z):
    """시그모이드 함수 1 / (1 + exp(−z)), 원소별로 계산한다.

    The logistic sigmoid 1 / (1 + exp(−z)), element-wise.

    Parameters
    ----------
    z : float or numpy.ndarray
        입력. / Input.

    Returns
    -------
    float or numpy.ndarray
        z와 같은 모양의 sigmoid(z). / sigmoid(z), same shape as z.
    """
    # TODO: 1 / (1 + exp(−z))를 원소별로 계산하세요.
    #       Compute 1 / (1 + exp(−z)) element-wise.
    raise NotImplementedError


def forward(x, W1, W2):
    """순전파: h = sigmoid(W1 @ x), o = sigmoid(W2 @ h).

    Forward pass: h = sigmoid(W1 @ x), o = sigmoid(W2 @ h).

    Parameters
    ----------
    x : numpy.ndarray, shape (n_in,)
        입력 벡터. / Input vector.
    W1 : numpy.ndarray, shape (n_hidden, n_in)
        입력층 → 은닉층 가중치 [[w1, w2], [w3, w4]]. / Input-to-hidden weights.
    W2 : numpy.ndarray, shape (n_out, n_hidden)
        은닉층 → 출력층 가중치 [[w5, w6], [w7, w8]]. / Hidden-to-output weights.

    Returns
    -------
    h : numpy.ndarray, shape (n_hidden,)
        은닉층 출력. / Hidden activations.
    o : numpy.ndarray, shape (n_out,)
        신경망 출력. / Network output.
    """
    # TODO: h = sigmoid(W1 @ x), o = sigmoid(W2 @ h)를 계산해 (h, o)를 돌려주세요.
    #       Compute h = sigmoid(W1 @ x) and o = sigmoid(W2 @ h); return (h, o).
    raise NotImplementedError


def loss(o, t):
    """제곱 오차 E = ½ Σ (t − o)².

    Squared error E = ½ Σ (t − o)².

    Parameters
    ----------
    o : numpy.ndarray, shape (n_out,)
        신경망 출력. / Network output.
    t : numpy.ndarray, shape (n_out,)
        정답(목표값). / Target.

    Returns
    -------
    float
        손실 값 (파이썬 float). / The loss as a Python float.
    """
    # TODO: E = ½ Σ (t − o)²를 파이썬 float로 돌려주세요.
    #       Return E = ½ Σ (t − o)² as a Python float.
    raise NotImplementedError


def backward(x, t, W1, W2):
    """역전파로 ∂E/∂W1, ∂E/∂W2 를 구한다.

    Backpropagation: the gradients ∂E/∂W1 and ∂E/∂W2.

    Parameters
    ----------
    x : numpy.ndarray, shape (n_in,)
        입력 벡터. / Input vector.
    t : numpy.ndarray, shape (n_out,)
        정답. / Target.
    W1 : numpy.ndarray, shape (n_hidden, n_in)
        입력층 → 은닉층 가중치. / Input-to-hidden weights.
    W2 : numpy.ndarray, shape (n_out, n_hidden)
        은닉층 → 출력층 가중치. / Hidden-to-output weights.

    Returns
    -------
    dW1 : numpy.ndarray, shape (n_hidden, n_in)
        ∂E/∂W1 (W1과 같은 모양). / ∂E/∂W1, same shape as W1.
    dW2 : numpy.ndarray, shape (n_out, n_hidden)
        ∂E/∂W2 (W2와 같은 모양). / ∂E/∂W2, same shape as W2.
    """
    # TODO: 연쇄 법칙: 출력층의 δ = ∂E/∂o × ∂o/∂z, dW2, 은닉층의 δ, dW1 순서로 구하세요.
    #       Chain rule: the output delta ∂E/∂o × ∂o/∂z, then dW2, the hidden delta, dW1.
    raise NotImplementedError


def train_step(x, t, W1, W2, lr=0.5):
    """경사 하강법 한 단계: W ← W − lr · ∂E/∂W. W1, W2 는 바꾸지 않는다.

    One gradient-descent step W ← W − lr · ∂E/∂W; W1 and W2 are left unchanged.

    Parameters
    ----------
    x : numpy.ndarray, shape (n_in,)
        입력 벡터. / Input vector.
    t : numpy.ndarray, shape (n_out,)
        정답. / Target.
    W1 : numpy.ndarray, shape (n_hidden, n_in)
        입력층 → 은닉층 가중치 (변경 금지). / Input-to-hidden weights (not modified).
    W2 : numpy.ndarray, shape (n_out, n_hidden)
        은닉층 → 출력층 가중치 (변경 금지). / Hidden-to-output weights (not modified).
    lr : float, optional
        학습률 α (기본값 0.5). / Learning rate α (default 0.5).

    Returns
    -------
    W1_new : numpy.ndarray, shape (n_hidden, n_in)
        갱신된 W1. / Updated W1.
    W2_new : numpy.ndarray, shape (n_out, n_hidden)
        갱신된 W2. / Updated W2.
    """
    # TODO: 기울기를 구해 새 배열 W − lr × dW를 돌려주세요. W1, W2는 바꾸면 안 됩니다.
    #       Get the gradients and return new arrays W − lr × dW; leave W1 and W2 unchanged.
    raise NotImplementedError
