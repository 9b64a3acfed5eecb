"""SGD에서 Adam까지 — 실습 과제 ex04_adam.

각 클래스의 update(params, grads)를 구현하세요. params의 배열을 제자리(in place)에서
갱신하고, 상태(속도, 기울기 제곱의 합 등)는 매개변수(키)마다 따로 두며, grads는 바꾸지
않습니다. 채점: `dlgrade check ex04`, 힌트: `dlgrade hint ex04`.

Implement update(params, grads) of every class: update the arrays of params in place,
keep separate state (velocity, sum of squared gradients, ...) for each parameter (key),
never modify grads.
Check with `dlgrade check ex04`; get a hint with `dlgrade hint ex04`.
"""

import numpy as np


class SGD:
    """확률적 경사 하강법: W ← W − lr · ∂L/∂W.

    Stochastic gradient descent: W ← W − lr · ∂L/∂W.

    Parameters
    ----------
    lr : float, optional
        학습률 (기본값 0.01). / Learning rate (default 0.01).
    """

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        """params의 각 배열을 제자리에서 갱신한다. grads는 바꾸지 않는다.

        Update every array of params in place; grads is left unchanged.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            매개변수 이름 → 배열. 같은 배열 객체가 갱신되어야 한다.
            Parameter name → array; the same array objects must be updated.
        grads : dict of str to numpy.ndarray
            params와 같은 키와 모양의 기울기. / Gradients, same keys and shapes.
        """
        # TODO: 키마다 params[key]를 제자리에서 lr × grads[key]만큼 줄이세요.
        #       For each key, decrease params[key] in place by lr × grads[key].
        raise NotImplementedError


class Momentum:
    """모멘텀: v ← momentum · v − lr · ∂L/∂W, W ← W + v.

    Momentum: v ← momentum · v − lr · ∂L/∂W, W ← W + v.

    Parameters
    ----------
    lr : float, optional
        학습률 (기본값 0.01). / Learning rate (default 0.01).
    momentum : float, optional
        모멘텀 계수 β (기본값 0.9). / Momentum coefficient β (default 0.9).
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum

    def update(self, params, grads):
        """params의 각 배열을 제자리에서 갱신한다. grads는 바꾸지 않는다.

        Update every array of params in place; grads is left unchanged.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            매개변수 이름 → 배열. / Parameter name → array.
        grads : dict of str to numpy.ndarray
            params와 같은 키와 모양의 기울기. / Gradients, same keys and shapes.
        """
        # TODO: 키마다 속도 v(처음에는 0)를 두고 v ← momentum × v − lr × g, 그다음 params[key] += v.
        #       Per key, a velocity v (0 at first): v ← momentum × v − lr × g, then params[key] += v.
        raise NotImplementedError


class AdaGrad:
    """AdaGrad: h ← h + g ⊙ g, W ← W − lr · g / (√h + ε).

    AdaGrad: h ← h + g ⊙ g, W ← W − lr · g / (√h + ε).

    Parameters
    ----------
    lr : float, optional
        학습률 (기본값 0.01). / Learning rate (default 0.01).
    """

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        """params의 각 배열을 제자리에서 갱신한다. grads는 바꾸지 않는다.

        Update every array of params in place; grads is left unchanged.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            매개변수 이름 → 배열. / Parameter name → array.
        grads : dict of str to numpy.ndarray
            params와 같은 키와 모양의 기울기. / Gradients, same keys and shapes.
        """
        # TODO: 키마다 h(처음에는 0)에 g ⊙ g를 더하고 params[key] -= lr × g / (√h + 1e-7).
        #       Per key, add g ⊙ g to h (0 at first), then params[key] -= lr × g / (√h + 1e-7).
        raise NotImplementedError


class RMSprop:
    """RMSprop: h ← γ · h + (1 − γ) · g ⊙ g, W ← W − lr · g / (√h + ε).

    RMSprop: h ← γ · h + (1 − γ) · g ⊙ g, W ← W − lr · g / (√h + ε).

    Parameters
    ----------
    lr : float, optional
        학습률 (기본값 0.01). / Learning rate (default 0.01).
    decay_rate : float, optional
        감쇠율 γ (기본값 0.99). / Decay rate γ (default 0.99).
    """

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate

    def update(self, params, grads):
        """params의 각 배열을 제자리에서 갱신한다. grads는 바꾸지 않는다.

        Update every array of params in place; grads is left unchanged.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            매개변수 이름 → 배열. / Parameter name → array.
        grads : dict of str to numpy.ndarray
            params와 같은 키와 모양의 기울기. / Gradients, same keys and shapes.
        """
        # TODO: 키마다 h ← decay_rate × h + (1 − decay_rate) × g ⊙ g, 그다음 AdaGrad와 같은 식으로 갱신.
        #       Per key, h ← decay_rate × h + (1 − decay_rate) × g ⊙ g, then the same step as AdaGrad.
        raise NotImplementedError


class Adam:
    """Adam: 모멘텀(1차 모멘트)과 RMSprop(2차 모멘트)을 편향 보정과 함께 결합.

    Adam: momentum (first moment) and RMSprop (second moment), with bias correction.

    m ← β1 · m + (1 − β1) · g, v ← β2 · v + (1 − β2) · g ⊙ g,
    lr_t = lr · √(1 − β2ᵗ) / (1 − β1ᵗ), W ← W − lr_t · m / (√v + ε).

    Parameters
    ----------
    lr : float, optional
        학습률 (기본값 0.001). / Learning rate (default 0.001).
    beta1 : float, optional
        1차 모멘트 감쇠율 (기본값 0.9). / First-moment decay (default 0.9).
    beta2 : float, optional
        2차 모멘트 감쇠율 (기본값 0.999). / Second-moment decay (default 0.999).
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2

    def update(self, params, grads):
        """params의 각 배열을 제자리에서 갱신한다. grads는 바꾸지 않는다.

        Update every array of params in place; grads is left unchanged.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            매개변수 이름 → 배열. / Parameter name → array.
        grads : dict of str to numpy.ndarray
            params와 같은 키와 모양의 기울기. / Gradients, same keys and shapes.
        """
        # TODO: 키마다 m, v와 단계 수 t를 두고, 편향 보정(bias correction)을 적용해 갱신하세요 (ε = 1e-7).
        #       Per key, keep m, v and the step count t; update with bias correction (ε = 1e-7).
        raise NotImplementedError
