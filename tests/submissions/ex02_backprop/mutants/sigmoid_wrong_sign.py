# expect-fail: sigmoid_values, lecture_forward, lecture_backward, lecture_train_step, lecture_loss_after_step, random_forward, gradients_match_autodiff, gradients_match_own_finite_differences, train_step_random
# expect-mistake: sigmoid_sign
"""2-2-2 신경망 예제로 배우는 오차역전파 — 참고 답안.

시그모이드 은닉층과 시그모이드 출력층, 편향 없음, 손실 E = ½ Σ (t − o)².

Backpropagation on the 2-2-2 worked example — reference solution.
Sigmoid hidden layer, sigmoid output layer, no biases, loss E = ½ Σ (t − o)².
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
    # The textbook's one-liner. For very negative z, np.exp(-z) overflows to inf
    # and 1 / (1 + inf) is exactly 0.0, which is the correct limit (NumPy only warns).
    return 1.0 / (1.0 + np.exp(z))  # MUTANT


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
    # Row i of W1 holds the weights coming *into* hidden unit i, so W1 @ x gives
    # z_hidden = (z1, z2) = (w1·x1 + w2·x2, w3·x1 + w4·x2), exactly as in the lecture.
    h = sigmoid(W1 @ x)
    o = sigmoid(W2 @ h)
    return h, o


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
    # The ½ is there so that the derivative is simply (o − t): the 2 from the square cancels it.
    return float(0.5 * np.sum((t - o) ** 2))


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
    h, o = forward(x, W1, W2)
    # Chain rule at the output, one factor per node of the lecture's graph:
    #   ∂E/∂o = −(t − o) = o − t        (the ½ cancels the 2 of the square)
    #   ∂o/∂z_out = o (1 − o)           (the sigmoid's derivative, written with its output)
    # Their product is the "delta" of the output layer, ∂E/∂z_out.
    delta_out = (o - t) * o * (1.0 - o)
    # z_out[i] = Σ_j W2[i, j] h[j], so ∂z_out[i]/∂W2[i, j] = h[j]: an outer product,
    # delta (n_out,) by h (n_hidden,), which has W2's shape (n_out, n_hidden).
    dW2 = np.outer(delta_out, h)
    # Each hidden unit feeds every output, so its error is the sum over the outputs,
    # weighted by the *old* W2 (W2.T @ delta); then through the hidden sigmoid.
    delta_hidden = (W2.T @ delta_out) * h * (1.0 - h)
    dW1 = np.outer(delta_hidden, x)
    return dW1, dW2


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
    # Both gradients are computed before any weight changes: the lecture updates w1…w4
    # with the error that flowed back through the *old* w5…w8.
    dW1, dW2 = backward(x, t, W1, W2)
    # `W1 - lr * dW1` builds new arrays; `W1 -= ...` would overwrite the caller's weights.
    return W1 - lr * dW1, W2 - lr * dW2
