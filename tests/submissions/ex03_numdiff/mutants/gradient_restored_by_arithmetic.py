# expect-fail: numerical_gradient_restores_x
# expect-mistake: x_not_restored
"""수치 미분과 경사 하강법 — 참고 답안.

전방·중심·후방 차분, 다변수 함수의 수치 기울기, 경사 하강법과 모멘텀 방법.

Numerical differentiation and gradient descent — reference solution.
Forward, central and backward differences, the numerical gradient of a function of an
array, gradient descent and the momentum method.
"""

import numpy as np


def numerical_diff_front(f, x, h=1e-4):
    """전방 차분 (f(x + h) − f(x)) / h.

    Forward difference (f(x + h) − f(x)) / h.

    Parameters
    ----------
    f : callable
        일변수 함수 f(x) -> float. / A function of one variable.
    x : float
        미분할 점. / The point.
    h : float, optional
        간격 (기본값 1e-4). / Step (default 1e-4).

    Returns
    -------
    float
        f'(x)의 근삿값 (오차 O(h)). / Approximation of f'(x), error O(h).
    """
    # The slope of the secant through x and x + h: the distance between the points is h.
    return (f(x + h) - f(x)) / h


def numerical_diff_mid(f, x, h=1e-4):
    """중심 차분 (f(x + h) − f(x − h)) / (2h).

    Central difference (f(x + h) − f(x − h)) / (2h).

    Parameters
    ----------
    f : callable
        일변수 함수 f(x) -> float. / A function of one variable.
    x : float
        미분할 점. / The point.
    h : float, optional
        간격 (기본값 1e-4). / Step (default 1e-4).

    Returns
    -------
    float
        f'(x)의 근삿값 (오차 O(h²)). / Approximation of f'(x), error O(h²).
    """
    # The two points are 2h apart, hence 2*h. Symmetry cancels the f''(x)·h/2 term of the
    # Taylor series, so the error is O(h²) instead of the one-sided differences' O(h).
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_diff_back(f, x, h=1e-4):
    """후방 차분 (f(x) − f(x − h)) / h.

    Backward difference (f(x) − f(x − h)) / h.

    Parameters
    ----------
    f : callable
        일변수 함수 f(x) -> float. / A function of one variable.
    x : float
        미분할 점. / The point.
    h : float, optional
        간격 (기본값 1e-4). / Step (default 1e-4).

    Returns
    -------
    float
        f'(x)의 근삿값 (오차 O(h)). / Approximation of f'(x), error O(h).
    """
    # The secant through x − h and x; note the order f(x) − f(x − h), so the sign is right.
    return (f(x) - f(x - h)) / h


def numerical_gradient(f, x, h=1e-4):
    """배열 x의 원소마다 중심 차분으로 구한 기울기 ∂f/∂x.

    The gradient ∂f/∂x by central differences, one element of x at a time.

    Parameters
    ----------
    f : callable
        f(x) -> float, x는 배열. / A scalar function of an array.
    x : numpy.ndarray
        임의 모양의 실수 배열. 호출 후에도 값이 그대로여야 한다.
        A float array of any shape; it must hold its original values afterwards.
    h : float, optional
        간격 (기본값 1e-4). / Step (default 1e-4).

    Returns
    -------
    numpy.ndarray
        x와 같은 모양의 기울기. / The gradient, same shape as x.
    """
    grad = np.zeros_like(x)
    # np.ndindex walks every index of an array of any shape (1-D vector, matrix, ...),
    # which is what the textbook's np.nditer(multi_index) loop does.
    for idx in np.ndindex(x.shape):
        original = x[idx]
        # Nudge one element at a time, the others held fixed: that is a partial derivative.
        x[idx] += h
        f_plus = f(x)
        x[idx] -= 2 * h
        f_minus = f(x)
        # Restored by arithmetic: x + h − 2h + h is not always x to the last bit.
        x[idx] += h
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_descent(df, x0, lr, steps):
    """경사 하강법 x ← x − lr · df(x) 를 steps 번 반복한 궤적.

    Gradient descent x ← x − lr · df(x), repeated `steps` times; the whole trajectory.

    Parameters
    ----------
    df : callable
        도함수 f'(x). / The derivative f'(x).
    x0 : float
        시작점. / Starting point.
    lr : float
        학습률 α. / Learning rate α.
    steps : int
        반복 횟수. / Number of updates.

    Returns
    -------
    list
        [x0, x1, ..., x_steps] (길이 steps + 1). / The steps + 1 iterates.
    """
    # The starting point is part of the trajectory: the lecture prints x_0 first.
    xs = [x0]
    x = x0
    for _ in range(steps):
        # Move against the slope: where f'(x) > 0 the function decreases to the left.
        x = x - lr * df(x)
        xs.append(x)
    return xs


def momentum_descent(df, x0, lr, beta, steps):
    """모멘텀 방법: v ← beta · v − lr · df(x), x ← x + v (v0 = 0).

    The momentum method: v ← beta · v − lr · df(x), x ← x + v, starting from v0 = 0.

    Parameters
    ----------
    df : callable
        도함수 f'(x). / The derivative f'(x).
    x0 : float
        시작점. / Starting point.
    lr : float
        학습률 α. / Learning rate α.
    beta : float
        모멘텀 계수 β (보통 0.9). / Momentum coefficient β (typically 0.9).
    steps : int
        반복 횟수. / Number of updates.

    Returns
    -------
    list
        [x0, x1, ..., x_steps] (길이 steps + 1). / The steps + 1 iterates.
    """
    xs = [x0]
    x = x0
    # v is the "velocity" x_{n+1} − x_n. It starts at rest, so the first step equals
    # plain gradient descent's.
    v = 0.0
    for _ in range(steps):
        # The gradient term enters with a minus sign, and x then moves by +v: the old
        # velocity, damped by beta, keeps carrying x over flat parts and small bumps.
        v = beta * v - lr * df(x)
        x = x + v
        xs.append(x)
    return xs
