"""수치 미분과 경사 하강법 — 실습 과제 ex03_numdiff.

전방·중심·후방 차분, 배열 x에 대한 수치 기울기(numerical_gradient), 경사 하강법과
모멘텀 방법을 NumPy로 구현하세요. numerical_gradient가 끝난 뒤 x는 원래 값 그대로여야
합니다. 채점: `dlgrade check ex03`, 힌트: `dlgrade hint ex03`.

Implement forward, central and backward differences, the numerical gradient with respect
to an array x, gradient descent and the momentum method. x must hold its original values
after numerical_gradient returns.
Check with `dlgrade check ex03`; get a hint with `dlgrade hint ex03`.
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
    # TODO: x와 x + h를 지나는 직선의 기울기를 돌려주세요.
    #       Return the slope of the secant through x and x + h.
    raise NotImplementedError


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
    # TODO: x − h와 x + h를 지나는 직선의 기울기를 돌려주세요 (두 점의 거리는 2h).
    #       Return the slope of the secant through x − h and x + h (2h apart).
    raise NotImplementedError


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
    # TODO: x − h와 x를 지나는 직선의 기울기를 돌려주세요.
    #       Return the slope of the secant through x − h and x.
    raise NotImplementedError


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
    # TODO: 원소마다 x[idx]를 ±h만큼 바꿔 중심 차분을 구하고, x[idx]를 원래 값으로 되돌리세요.
    #       Per element: central difference by moving x[idx] by ±h, then restore x[idx].
    raise NotImplementedError


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
    # TODO: x ← x − lr × df(x)를 steps번 반복하고 [x0, x1, ..., x_steps]를 돌려주세요.
    #       Repeat x ← x − lr × df(x) steps times; return [x0, x1, ..., x_steps].
    raise NotImplementedError


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
    # TODO: v = 0에서 시작해 v ← beta × v − lr × df(x), x ← x + v를 반복하고 궤적을 돌려주세요.
    #       Start from v = 0; repeat v ← beta × v − lr × df(x), x ← x + v; return the trajectory.
    raise NotImplementedError
