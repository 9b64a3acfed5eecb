# expect-fail: lecture_adam, epsilon_outside_sqrt
# expect-mistake: epsilon_inside_sqrt
"""SGD에서 Adam까지: 매개변수 갱신 방법 — 참고 답안.

모든 클래스는 update(params, grads)로 딕셔너리 params의 배열을 제자리(in place)에서 갱신한다.

From SGD to Adam: parameter update rules — reference solution.
Every class has update(params, grads), which updates the arrays of the dict params in place.
"""

import numpy as np

# Added to a denominator so that a zero gradient history never divides by zero; the
# textbook and Keras both use 1e-7.
EPSILON = 1e-7


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
        for key in params:
            # `-=` writes into the existing array. `params[key] = params[key] - ...` would
            # put a new array in the dict, and a layer that still holds the old array
            # (layer.W is params["W1"]) would never see the update.
            params[key] -= self.lr * grads[key]


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
        self.v = {}

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
        for key in params:
            # One velocity per parameter, created the first time the key is seen: every
            # parameter has its own history, and it starts at rest (v = 0).
            if key not in self.v:
                self.v[key] = np.zeros_like(params[key])
            # The velocity gets the *negative* gradient, then the parameter moves by +v;
            # the old velocity, damped by momentum, keeps pushing in the same direction.
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


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
        self.h = {}

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
        for key in params:
            if key not in self.h:
                self.h[key] = np.zeros_like(params[key])
            grad = grads[key]
            # Accumulate first, then step (the lecture: "g and h are updated first").
            # `grad * grad` is a new array; squaring grads[key] in place would corrupt the
            # caller's gradients.
            self.h[key] += grad * grad
            # Element-wise step size lr / √h: coordinates that have had large gradients
            # take smaller steps. ε sits outside the square root, as in the textbook.
            params[key] -= self.lr * grad / (np.sqrt(self.h[key]) + EPSILON)


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
        self.h = {}

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
        for key in params:
            if key not in self.h:
                self.h[key] = np.zeros_like(params[key])
            grad = grads[key]
            # An exponential moving average instead of AdaGrad's plain sum: old squared
            # gradients fade by γ per step, so the step size does not shrink to zero.
            # decay_rate multiplies the *history*, (1 − decay_rate) the new term.
            self.h[key] = self.decay_rate * self.h[key] + (1 - self.decay_rate) * grad * grad
            params[key] -= self.lr * grad / (np.sqrt(self.h[key]) + EPSILON)


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
        self.m = {}
        self.v = {}
        self.t = {}

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
        for key in params:
            if key not in self.m:
                self.m[key] = np.zeros_like(params[key])
                self.v[key] = np.zeros_like(params[key])
                self.t[key] = 0
            # t counts this parameter's updates, starting at 1; when every key is updated
            # on every call (the usual case) it is the textbook's single `iter` counter.
            self.t[key] += 1
            t = self.t[key]
            grad = grads[key]
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grad
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * grad * grad
            # m and v start at 0, so early on they are too small by factors (1 − β1ᵗ) and
            # (1 − β2ᵗ). Bias correction divides those out: m̂ = m/(1 − β1ᵗ),
            # v̂ = v/(1 − β2ᵗ). Folding both into the step size gives the textbook's lr_t
            # (ε then sits next to √v rather than √v̂, a negligible difference).
            # Python floats, so lr_t does not turn float32 parameters into float64 work.
            lr_t = self.lr * (1.0 - self.beta2 ** t) ** 0.5 / (1.0 - self.beta1 ** t)
            params[key] -= lr_t * self.m[key] / np.sqrt(self.v[key] + EPSILON)  # MUTANT
