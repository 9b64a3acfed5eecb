# An independent implementation: math.ceil on exact fractions, a dispatch table for the
# layer kinds, integers checked with divmod.
import math
from fractions import Fraction


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    steps, rest = divmod(input_size + 2 * pad - filter_size, stride)
    if rest or steps < 0:
        raise ValueError("(N - F + 2P)/S + 1 is not a whole number >= 1")
    return steps + 1


def same_pad(filter_size):
    if filter_size % 2 == 0:
        raise ValueError("even filter: no symmetric padding keeps the size")
    return (filter_size - 1) // 2


def tf_output_size(input_size, filter_size, stride=1, padding="valid"):
    padding = padding.lower()
    if padding == "valid":
        size = math.ceil(Fraction(input_size - filter_size + 1, stride))
    elif padding == "same":
        size = math.ceil(Fraction(input_size, stride))
    else:
        raise ValueError(f"unknown padding {padding!r}")
    if size < 1:
        raise ValueError("output size below 1")
    return size


def pool_output_size(input_size, pool_size, stride=None, padding="valid"):
    return tf_output_size(input_size, pool_size, pool_size if stride is None else stride, padding)


def conv_param_count(filter_size, in_channels, filters, use_bias=True):
    weights = filter_size ** 2 * in_channels * filters
    return weights + filters if use_bias else weights


def dense_param_count(in_units, units, use_bias=True):
    return in_units * units + (units if use_bias else 0)


def _conv(shape, spec):
    h, w, c = shape
    size = lambda n: tf_output_size(n, spec["kernel"], spec.get("stride", 1), spec.get("padding", "valid"))
    return (size(h), size(w), spec["filters"]), conv_param_count(spec["kernel"], c, spec["filters"],
                                                                spec.get("use_bias", True))


def _pool(shape, spec):
    h, w, c = shape
    size = lambda n: pool_output_size(n, spec["size"], spec.get("stride"), spec.get("padding", "valid"))
    return (size(h), size(w), c), 0


def _flatten(shape, spec):
    return (math.prod(shape),), 0


def _dense(shape, spec):
    (units_in,) = shape
    return (spec["units"],), dense_param_count(units_in, spec["units"], spec.get("use_bias", True))


LAYERS = {"conv": _conv, "pool": _pool, "flatten": _flatten, "dense": _dense}


def output_shapes(input_shape, layers):
    shape, table = tuple(input_shape), []
    for spec in layers:
        if spec.get("type") not in LAYERS:
            raise ValueError(f"unknown layer {spec.get('type')!r}")
        shape, params = LAYERS[spec["type"]](shape, spec)
        table.append((shape, params))
    return table
