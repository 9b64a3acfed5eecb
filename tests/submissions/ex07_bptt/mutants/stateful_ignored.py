# expect-fail: stateful_two_blocks
# expect-mistake: stateful_ignored
"""시간 방향 오차역전파 (BPTT) — 참고 답안.

Backpropagation through time — reference solution, in the row-vector convention
h_t = tanh(h_{t-1} Wh + x_t Wx + b) of "Deep Learning from Scratch 2".
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
        Wx, Wh, b = self.params
        # Row vectors: x (N, D) @ Wx (D, H) gives (N, H); b (H,) broadcasts over the batch.
        h_next = np.tanh(h_prev @ Wh + x @ Wx + b)
        # backward needs x, h_prev and h_next: tanh' is written with h_next itself.
        self.cache = (x, h_prev, h_next)
        return h_next

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
        Wx, Wh, b = self.params
        x, h_prev, h_next = self.cache
        # Through tanh first: d tanh(a)/da = 1 − tanh(a)² = 1 − h_next², element-wise.
        dt = dh_next * (1 - h_next ** 2)
        # b was broadcast over the N rows, so its gradient sums over them.
        db = dt.sum(axis=0)
        # MatMul rule for Y = A @ B: dA = dY @ Bᵀ, dB = Aᵀ @ dY (shapes say which is which).
        dWh = h_prev.T @ dt
        dWx = x.T @ dt
        dh_prev = dt @ Wh.T
        dx = dt @ Wx.T
        # In place, never rebinding: an optimizer (and TimeRNN) holds references to these
        # very arrays, and rebinding self.grads[0] would leave them looking at stale zeros.
        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db
        return dx, dh_prev


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
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wx.shape[1]
        # The state starts at zero unless we are stateful AND have one: truncated BPTT
        # keeps the forward connection between blocks (the next block starts from the
        # previous block's last h), while a non-stateful layer treats each call as a new
        # sequence. The zeros take the inputs' dtype so float32 stays float32 (the
        # textbook's fixed 'f' would turn float64 inputs into float32 results).
        if True:
            self.h = np.zeros((N, H), dtype=np.result_type(xs, Wx, Wh, b))
        # A fresh list per call: the backward pass must stop at this block's first step,
        # it never reaches a previous block's layers.
        self.layers = []
        hs = []
        for t in range(T):
            # Every step shares the SAME weight arrays (params are references).
            layer = RNN(*self.params)
            self.h = layer.forward(xs[:, t, :], self.h)
            hs.append(self.h)
            self.layers.append(layer)
        if not hs:
            return np.zeros((N, 0, H), dtype=self.h.dtype)
        return np.stack(hs, axis=1)

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
        N, T, H = dhs.shape
        D = self.params[0].shape[0]
        # h_t feeds two places (the output above and the next step), so its gradient is
        # the SUM of both branches: dhs[:, t] from above plus dh from step t+1. Nothing
        # comes from after the last step of the block, hence the zeros.
        dh = np.zeros((N, H), dtype=np.result_type(dhs, self.h))
        dxs = [None] * T
        # The weights are shared by every step, so their gradient is the sum of the
        # per-step gradients, not the last step's.
        total = [np.zeros_like(g) for g in self.grads]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh = layer.backward(dhs[:, t, :] + dh)
            dxs[t] = dx
            for acc, grad in zip(total, layer.grads):
                acc += grad
        for mine, acc in zip(self.grads, total):
            mine[...] = acc
        self.dh = dh
        if T == 0:
            return np.zeros((N, 0, D), dtype=dhs.dtype)
        return np.stack(dxs, axis=1)

    def set_state(self, h):
        """은닉 상태를 h로 설정. / Set the hidden state to h, shape (N, H)."""
        # The next stateful forward starts from this h.
        self.h = h

    def reset_state(self):
        """은닉 상태를 지웁니다 (다음 forward는 0에서 시작). / Forget the hidden state."""
        # None, not zeros: forward does not know N and the dtype until it sees xs.
        self.h = None


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
    # ONE norm over all the arrays together: clipping each array by its own norm would
    # change the direction of the overall gradient, global clipping only shortens it.
    total_norm = np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
    if total_norm >= max_norm and total_norm > 0:
        rate = max_norm / total_norm
        # `*=` writes into the caller's arrays (the model's grads); a new list would be
        # thrown away by the caller, who calls clip_grads(grads, ...) for its side effect.
        for g in grads:
            g *= rate
