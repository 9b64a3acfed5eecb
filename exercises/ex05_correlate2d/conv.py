"""합성곱과 교차상관 — 실습 과제 ex05_correlate2d.

아래 함수 네 개를 NumPy만으로 구현하세요. 1차원 correlate/convolve는
scipy.signal.correlate/convolve와, correlate2d는 scipy.signal.correlate2d와,
conv2d는 tf.nn.conv2d와 같은 결과를 내야 합니다. scipy.signal, scipy.ndimage,
tensorflow, torch, jax, keras, np.convolve, np.correlate는 사용할 수 없습니다.
입력 배열을 수정하면 안 됩니다. 채점: `dlgrade check ex05`, 힌트: `dlgrade hint ex05`.

Implement the four functions below with NumPy only, giving the same results as
scipy.signal.correlate/convolve (1-D), scipy.signal.correlate2d and tf.nn.conv2d,
without using any of them (nor np.convolve/np.correlate). Do not modify the inputs.
Check with `dlgrade check ex05`; get a hint with `dlgrade hint ex05`.
"""

import numpy as np


def correlate(x, w, mode="valid"):
    """1차원 교차상관 (scipy.signal.correlate와 같은 결과).

    1-D cross-correlation, with the same result as scipy.signal.correlate.

    Parameters
    ----------
    x : array_like, shape (N,)
        입력 신호. / The input signal.
    w : array_like, shape (F,)
        필터(커널). 뒤집지 않고 그대로 미끄러뜨린다. / The filter (kernel), slid as it is.
    mode : {"valid", "same", "full"}
        출력 크기. / The output size: N-F+1 (|N-F|+1 if N < F), N, or N+F-1.

    Returns
    -------
    numpy.ndarray, shape (out,)
        out[i] = Σ_k w[k] · x_padded[i + k].
    """
    # TODO: 필터를 뒤집지 않고 x 위로 미끄러뜨리며 곱의 합을 구하세요.
    #       mode마다 x 앞뒤에 붙일 0의 개수가 다릅니다.
    #       Slide w over x (not flipped) and sum the products; each mode pads x
    #       with its own number of zeros before and after.
    raise NotImplementedError


def convolve(x, w, mode="valid"):
    """1차원 합성곱 (scipy.signal.convolve와 같은 결과).

    1-D convolution, with the same result as scipy.signal.convolve.

    Parameters
    ----------
    x : array_like, shape (N,)
        입력 신호. / The input signal.
    w : array_like, shape (F,)
        필터(커널). 뒤집어서 미끄러뜨린다. / The filter (kernel), flipped before sliding.
    mode : {"valid", "same", "full"}
        출력 크기. correlate와 같다. / The output size, as for correlate.

    Returns
    -------
    numpy.ndarray, shape (out,)
        out[i] = Σ_k w[k] · x_padded[i + F-1 - k].
    """
    # TODO: 합성곱이 교차상관과 무엇이 다른지 생각해 보고 구현하세요.
    #       Implement the convolution; think about how it differs from the
    #       cross-correlation.
    raise NotImplementedError


def correlate2d(x, w, mode="valid", stride=1):
    """2차원 교차상관 (scipy.signal.correlate2d와 같은 결과) + 스트라이드.

    2-D cross-correlation, with the same result as scipy.signal.correlate2d, plus a stride.

    Parameters
    ----------
    x : array_like, shape (H, W)
        입력 이미지. / The input image.
    w : array_like, shape (KH, KW)
        필터(커널). / The filter (kernel).
    mode : {"valid", "same", "full"}
        출력 크기. / The output size per axis: N-F+1, N, or N+F-1.
    stride : int or (int, int)
        스트라이드. stride 1 결과의 첫 원소부터 S칸마다 하나씩 취한다.
        / The stride: every S-th element of the stride-1 result, from its first element.

    Returns
    -------
    numpy.ndarray, shape (OH, OW)
        out[i, j] = Σ_{a,b} w[a, b] · x_padded[i·S + a, j·S + b].
    """
    # TODO: mode에 맞게 2차원 교차상관을 구하고 스트라이드를 적용하세요.
    #       Compute the 2-D cross-correlation for the mode, then apply the stride.
    raise NotImplementedError


def conv2d(x, w, b=None, stride=1, padding="VALID"):
    """합성곱 층의 순전파 (tf.nn.conv2d와 같은 결과, 실제로는 교차상관).

    A convolution layer's forward pass, with the same result as tf.nn.conv2d
    (which, like every CNN layer, computes a cross-correlation).

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
        입력 배치 (NHWC). / The input batch (NHWC).
    w : array_like, shape (KH, KW, C, F)
        필터 F개 (HWIO). / F filters (HWIO).
    b : array_like, shape (F,), optional
        필터마다 하나인 편향. None이면 더하지 않는다. / One bias per filter; None adds none.
    stride : int or (int, int)
        세로/가로 스트라이드. / The vertical and horizontal stride.
    padding : {"VALID", "SAME"}
        "VALID": 패딩 없음. "SAME": 출력 크기 ceil(H/S), 남는 0은 뒤(아래/오른쪽)에.
        / "VALID": no padding. "SAME": output size ceil(H/S), the odd zero after.

    Returns
    -------
    numpy.ndarray, shape (N, OH, OW, F)
        out[n, i, j, f] = Σ_{a,b,c} x_padded[n, i·S + a, j·S + b, c] · w[a, b, c, f] (+ b[f]).
    """
    # TODO: TF의 VALID/SAME 패딩을 적용하고, 필터마다 모든 채널에 걸친 교차상관을
    #       구한 뒤 편향을 더하세요.
    #       Pad as TF's VALID/SAME does, cross-correlate each filter over all the
    #       channels, then add the bias.
    raise NotImplementedError
