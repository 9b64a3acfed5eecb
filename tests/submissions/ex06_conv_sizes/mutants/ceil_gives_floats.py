# expect-fail: returns_python_ints
# expect-mistake: wrong_type
"""출력 크기와 파라미터 수 — 참고 답안.

Output sizes and parameter counts — reference solution.
"""
import numpy as np


def _positive_int(name, value, minimum=1):
    """Return ``value`` as a Python int, or raise ValueError if it is below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _padding_mode(padding):
    """Return ``padding`` lower-cased; Keras accepts 'valid'/'same' in any case."""
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return mode


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
    n = _positive_int("input_size", input_size)
    f = _positive_int("filter_size", filter_size)
    s = _positive_int("stride", stride)
    p = _positive_int("pad", pad, minimum=0)
    # The padding is added on BOTH sides, hence 2P. If (N − F + 2P) is not a multiple of
    # S the filter cannot end exactly on the last column: the lecture calls 7, 3, stride 3
    # (→ 2.33) an error instead of silently rounding, and so do we.
    span = n - f + 2 * p
    if span < 0:
        raise ValueError(
            f"filter ({f}) is larger than the padded input ({n} + 2*{p} = {n + 2 * p})"
        )
    if span % s != 0:
        raise ValueError(
            f"(N - F + 2P)/S + 1 = ({n} - {f} + 2*{p})/{s} + 1 = {span / s + 1:.4g} "
            "is not a whole number"
        )
    return span // s + 1


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
    f = _positive_int("filter_size", filter_size)
    # An even filter would need (F − 1)/2 = x.5 pixels on each side: no symmetric padding
    # preserves the size, so there is no honest answer to return.
    if f % 2 == 0:
        raise ValueError(f"no symmetric 'same' padding exists for an even filter size ({f})")
    return (f - 1) // 2


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
    n = _positive_int("input_size", input_size)
    f = _positive_int("filter_size", filter_size)
    s = _positive_int("stride", stride)
    mode = _padding_mode(padding)
    # Keras never raises for a stride that does not divide evenly: it places the filter
    # at 0, S, 2S, ... as long as it fits, so the count is a CEILING of the stride-1 count
    # divided by S ((a + S − 1)//S is an integer ceil, no float rounding). 'same' pads
    # just enough that every start position 0, S, 2S, ... < N is used: ⌈N/S⌉.
    if mode == "valid":
        positions = n - f + 1
    else:
        positions = n
    size = np.ceil(positions / s)
    if size < 1:
        raise ValueError(f"filter ({f}) is larger than the input ({n}) with 'valid' padding")
    return size


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
    # Keras' MaxPooling2D(strides=None) means "stride = pool size": windows do not overlap,
    # which is why MaxPool 2 halves 28 to 14. A stride of 1 would give 27.
    if stride is None:
        stride = pool_size
    return tf_output_size(input_size, pool_size, stride, padding)


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
    f = _positive_int("filter_size", filter_size)
    c = _positive_int("in_channels", in_channels)
    k = _positive_int("filters", filters)
    # Every filter spans ALL input channels (F×F×C weights), and each filter has ONE bias,
    # not one per weight: 3×3×1×10 + 10 = 100 in the lecture's Keras CNN.
    return f * f * c * k + (k if use_bias else 0)


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
    i = _positive_int("in_units", in_units)
    u = _positive_int("units", units)
    # One weight per (input, output) pair plus one bias per output: 1960×100 + 100.
    return i * u + (u if use_bias else 0)


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
    shape = tuple(_positive_int("input_shape", d) for d in input_shape)
    result = []
    for index, spec in enumerate(layers):
        kind = spec.get("type")
        if kind in ("conv", "pool") and len(shape) != 3:
            raise ValueError(f"layer {index} ({kind}) needs an (H, W, C) input, got {shape}")
        if kind == "dense" and len(shape) != 1:
            raise ValueError(f"layer {index} (dense) needs a flat input (add a flatten), got {shape}")
        if kind == "conv":
            h, w, c = shape
            kernel = spec["kernel"]
            stride = spec.get("stride", 1)
            padding = spec.get("padding", "valid")
            filters = spec["filters"]
            # Keras semantics (ceil), not the lecture's exact-division formula: a Keras
            # model with stride 2 on an odd input is legal and must get Keras' size.
            shape = (
                tf_output_size(h, kernel, stride, padding),
                tf_output_size(w, kernel, stride, padding),
                _positive_int("filters", filters),
            )
            params = conv_param_count(kernel, c, filters, spec.get("use_bias", True))
        elif kind == "pool":
            h, w, c = shape
            size = spec["size"]
            stride = spec.get("stride")
            padding = spec.get("padding", "valid")
            # Pooling keeps the channel count and has nothing to learn.
            shape = (
                pool_output_size(h, size, stride, padding),
                pool_output_size(w, size, stride, padding),
                c,
            )
            params = 0
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
            params = 0
        elif kind == "dense":
            units = spec["units"]
            params = dense_param_count(shape[0], units, spec.get("use_bias", True))
            shape = (_positive_int("units", units),)
        else:
            raise ValueError(f"layer {index}: unknown type {kind!r}")
        result.append((shape, params))
    return result
