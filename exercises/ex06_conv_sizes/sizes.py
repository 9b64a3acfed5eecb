"""출력 크기와 파라미터 수 — 합성곱/풀링 층의 출력 크기와 파라미터 수를 계산합니다.

Output sizes and parameter counts of convolution, pooling and dense layers.
Fill in every ``# TODO:`` and check with ``dlgrade check ex06``.
"""
import numpy as np


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    """합성곱 출력 크기 (N − F + 2P)/S + 1 (강의 공식).

    Output size of a convolution, (N − F + 2P)/S + 1, the lecture's formula.

    Parameters
    ----------
    input_size : int
        입력 크기 N (한 변). / Input size N along one axis.
    filter_size : int
        필터 크기 F. / Filter size F.
    stride : int, optional
        스트라이드 S (기본값 1). / Stride S (default 1).
    pad : int, optional
        한쪽 패딩 P (기본값 0). / Zero padding P on each side (default 0).

    Returns
    -------
    int
        출력 크기. / The output size.

    Raises
    ------
    ValueError
        결과가 1 이상의 정수가 아닐 때 (예: 7, 3, 스트라이드 3 → 2.33).
        When the result is not a whole number >= 1 (e.g. 7, 3, stride 3 → 2.33).
    """
    # TODO: apply (N - F + 2P)/S + 1; raise ValueError unless it is a whole number >= 1.
    raise NotImplementedError


def same_pad(filter_size):
    """출력 크기를 유지하는 패딩 (F − 1)/2 (스트라이드 1, 홀수 F).

    Padding (F − 1)/2 that preserves the size at stride 1, for odd F.

    Parameters
    ----------
    filter_size : int
        필터 크기 F. / Filter size F.

    Returns
    -------
    int
        한쪽 패딩 P. / Padding P on each side.

    Raises
    ------
    ValueError
        F가 짝수일 때. / When F is even.
    """
    # TODO: return (F - 1)/2 for odd F; what should happen for even F?
    raise NotImplementedError


def tf_output_size(input_size, filter_size, stride=1, padding="valid"):
    """케라스(Conv2D)의 출력 크기: valid ⌈(N − F + 1)/S⌉, same ⌈N/S⌉.

    Output size as Keras computes it: valid ⌈(N − F + 1)/S⌉, same ⌈N/S⌉.

    Parameters
    ----------
    input_size : int
        입력 크기 N. / Input size N.
    filter_size : int
        필터 크기 F. / Filter size F.
    stride : int, optional
        스트라이드 S (기본값 1). / Stride S (default 1).
    padding : {"valid", "same"}, optional
        패딩 방식 (대소문자 무관). / Padding mode (case-insensitive).

    Returns
    -------
    int
        출력 크기. / The output size.

    Raises
    ------
    ValueError
        결과가 1보다 작거나 padding이 잘못되었을 때.
        When the result is below 1 or the padding is unknown.
    """
    # TODO: Keras rounds UP where the lecture's formula would not divide evenly.
    raise NotImplementedError


def pool_output_size(input_size, pool_size, stride=None, padding="valid"):
    """풀링 출력 크기 (케라스 MaxPooling2D, 스트라이드 기본값 = 풀 크기).

    Output size of pooling as in Keras MaxPooling2D (stride defaults to pool_size).

    Parameters
    ----------
    input_size : int
        입력 크기 N. / Input size N.
    pool_size : int
        풀링 창 크기. / Pooling window size.
    stride : int or None, optional
        스트라이드; None이면 pool_size. / Stride; None means pool_size.
    padding : {"valid", "same"}, optional
        패딩 방식. / Padding mode.

    Returns
    -------
    int
        출력 크기. / The output size.

    Raises
    ------
    ValueError
        결과가 1보다 작을 때. / When the result is below 1.
    """
    # TODO: choose the default stride, then reuse tf_output_size.
    raise NotImplementedError


def conv_param_count(filter_size, in_channels, filters, use_bias=True):
    """합성곱 층의 파라미터 수 F·F·C·K (+ K 편향).

    Parameter count of a conv layer, F·F·C·K weights (+ K biases).

    Parameters
    ----------
    filter_size : int
        정사각형 필터의 한 변 F. / Side F of the square filter.
    in_channels : int
        입력 채널 수 C. / Input channels C.
    filters : int
        필터(출력 채널) 수 K. / Number of filters (output channels) K.
    use_bias : bool, optional
        편향을 셀지 여부 (기본값 True). / Whether to count the biases (default True).

    Returns
    -------
    int
        파라미터 수. / Number of parameters.
    """
    # TODO: count the weights of every filter, then the biases.
    raise NotImplementedError


def dense_param_count(in_units, units, use_bias=True):
    """완전 연결층의 파라미터 수 (입력 × 출력 + 출력).

    Parameter count of a dense layer, in_units·units (+ units biases).

    Parameters
    ----------
    in_units : int
        입력 뉴런 수. / Number of inputs.
    units : int
        출력 뉴런 수. / Number of outputs.
    use_bias : bool, optional
        편향을 셀지 여부 (기본값 True). / Whether to count the biases (default True).

    Returns
    -------
    int
        파라미터 수. / Number of parameters.
    """
    # TODO: one weight per (input, output) pair, then the biases.
    raise NotImplementedError


def output_shapes(input_shape, layers):
    """층 목록의 층별 출력 형상과 파라미터 수 (배치 차원 제외).

    Each layer's output shape (batch dimension excluded) and parameter count.

    Parameters
    ----------
    input_shape : tuple of int
        (H, W, C) 입력 형상. / The (H, W, C) input shape.
    layers : list of dict
        층 명세 / layer specs::

            {"type": "conv", "filters": K, "kernel": F, "stride": 1, "padding": "valid"}
            {"type": "pool", "size": P, "stride": P, "padding": "valid"}
            {"type": "flatten"}
            {"type": "dense", "units": U}

        stride, padding은 생략 가능 (conv 스트라이드 1, pool 스트라이드 = size,
        패딩 "valid"). / stride and padding may be omitted (conv stride 1, pool stride =
        size, padding "valid"). conv와 dense는 "use_bias" (기본값 True)도 받습니다.
        conv and dense also accept "use_bias" (default True).

    Returns
    -------
    list of (tuple of int, int)
        층마다 (출력 형상, 파라미터 수); conv/pool은 (H, W, C), flatten/dense는 (units,).
        Per layer (output shape, parameter count); (H, W, C) for conv/pool, (units,) for
        flatten/dense.

    Raises
    ------
    ValueError
        알 수 없는 층, 맞지 않는 입력 형상, 1보다 작은 출력 크기.
        Unknown layer type, an input of the wrong rank, an output size below 1.
    """
    # TODO: walk through the layers, carrying the current shape from one to the next.
    raise NotImplementedError
