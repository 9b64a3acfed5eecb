"""시간 방향 오차역전파 (BPTT) — RNN, Time RNN 계층과 기울기 클리핑을 구현합니다.

Backpropagation through time: the RNN and Time RNN layers and gradient clipping,
in the row-vector convention h_t = tanh(h_{t-1} Wh + x_t Wx + b).
Fill in every ``# TODO:`` and check with ``dlgrade check ex07``.
"""
import numpy as np


class RNN:
    """RNN 계층 하나 (한 시각). / One RNN step.

    Parameters
    ----------
    Wx : ndarray, shape (D, H)
        입력 x를 은닉 상태로 변환하는 가중치. / Input-to-hidden weights.
    Wh : ndarray, shape (H, H)
        이전 은닉 상태를 변환하는 가중치. / Hidden-to-hidden weights.
    b : ndarray, shape (H,)
        편향. / Bias.

    Attributes
    ----------
    params : list of ndarray
        [Wx, Wh, b] (the arrays passed in, not copies).
    grads : list of ndarray
        [dWx, dWh, db], 같은 형상; backward가 제자리(in place)에 씁니다.
        Same shapes; backward writes them in place.
    """

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache = None

    def forward(self, x, h_prev):
        """h_next = tanh(h_prev Wh + x Wx + b).

        Parameters
        ----------
        x : ndarray, shape (N, D)
            이번 시각의 입력 (행벡터 N개). / This step's input (N row vectors).
        h_prev : ndarray, shape (N, H)
            이전 은닉 상태. / Previous hidden state.

        Returns
        -------
        ndarray, shape (N, H)
            다음 은닉 상태 h_next. / The next hidden state.
        """
        # TODO: compute h_next and keep in self.cache what backward will need.
        raise NotImplementedError

    def backward(self, dh_next):
        """한 시각의 역전파. / Backward pass of one step.

        Parameters
        ----------
        dh_next : ndarray, shape (N, H)
            h_next에 대한 손실의 기울기. / Gradient of the loss w.r.t. h_next.

        Returns
        -------
        dx : ndarray, shape (N, D)
            x에 대한 기울기. / Gradient w.r.t. x.
        dh_prev : ndarray, shape (N, H)
            h_prev에 대한 기울기. / Gradient w.r.t. h_prev.

        Notes
        -----
        dWx, dWh, db는 ``self.grads[0][...] = dWx`` 처럼 제자리에 씁니다.
        dWx, dWh, db are written in place, e.g. ``self.grads[0][...] = dWx``.
        """
        # TODO: backpropagate through tanh, then through the sum and the two MatMuls.
        raise NotImplementedError


class TimeRNN:
    """T개의 RNN 계층을 한꺼번에 처리하는 Time RNN 계층.

    Time RNN: T RNN steps sharing one set of weights.

    Parameters
    ----------
    Wx : ndarray, shape (D, H)
    Wh : ndarray, shape (H, H)
    b : ndarray, shape (H,)
    stateful : bool, optional
        True면 forward 호출 사이에 은닉 상태를 이어 받습니다 (Truncated BPTT).
        If True the hidden state carries over between forward calls (truncated BPTT).

    Attributes
    ----------
    params, grads : list of ndarray
        RNN과 같음; grads는 모든 시각의 합. / As in RNN; grads are summed over time.
    h : ndarray or None
        마지막 은닉 상태. / The last hidden state.
    dh : ndarray or None
        첫 은닉 상태(h0)에 대한 기울기. / Gradient w.r.t. the initial hidden state.
    """

    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers = None
        self.h, self.dh = None, None
        self.stateful = stateful

    def forward(self, xs):
        """T 시각 순전파. / Forward pass over T steps.

        Parameters
        ----------
        xs : ndarray, shape (N, T, D)

        Returns
        -------
        hs : ndarray, shape (N, T, H)
        """
        # TODO: decide where h starts, then run one RNN per time step.
        raise NotImplementedError

    def backward(self, dhs):
        """T 시각 역전파 (BPTT). / Backward pass through time.

        Parameters
        ----------
        dhs : ndarray, shape (N, T, H)
            각 시각 출력 hs[:, t]에 대한 기울기. / Gradient w.r.t. every hs[:, t].

        Returns
        -------
        dxs : ndarray, shape (N, T, D)

        Notes
        -----
        self.grads는 모든 시각의 합으로 제자리에 채우고, self.dh는 h0에 대한 기울기입니다.
        self.grads is filled in place with the sum over time; self.dh is the gradient
        w.r.t. h0.
        """
        # TODO: walk the steps backwards; what flows into each step from above and from the right?
        raise NotImplementedError

    def set_state(self, h):
        """은닉 상태를 h로 설정. / Set the hidden state to h, shape (N, H)."""
        # TODO: remember h for the next forward.
        raise NotImplementedError

    def reset_state(self):
        """은닉 상태를 지웁니다 (다음 forward는 0에서 시작). / Forget the hidden state."""
        # TODO: make the next forward start from zeros.
        raise NotImplementedError


def clip_grads(grads, max_norm):
    """기울기 클리핑: 전체 L2 노름이 max_norm 이상이면 모든 기울기를 제자리에서 줄입니다.

    Gradient clipping in place: if the global L2 norm >= max_norm, scale every grad by
    max_norm / norm.

    Parameters
    ----------
    grads : list of ndarray
        기울기 배열들; 제자리에서 바뀝니다. / Gradient arrays, modified in place.
    max_norm : float
        임계값. / The threshold.

    Returns
    -------
    None
    """
    # TODO: one norm over all the arrays, then scale them in place.
    raise NotImplementedError
