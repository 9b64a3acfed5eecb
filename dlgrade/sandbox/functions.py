"""Functions that cross the sandbox as descriptions, not code.

A Python callable cannot be sent to another process without pickling, so a
grader writes a function as an expression over ``X`` and the whitelisted
operations below; the child builds the callable from the description
(``zygote.build_function``), and the parent evaluates the very same
description, with NumPy or with TensorFlow for autodiff.

    >>> f = 4 * X**3 - 2 * X**2 - 7 * X + 1
    >>> f(2.0)
    19.0
"""

from __future__ import annotations

from dlgrade.sandbox.zygote import _BINARY, _UNARY, build_function


class Function:
    """An expression tree in the wire format: ["add", a, b], ["x"], ["const", c]…"""

    __slots__ = ("spec",)

    def __init__(self, spec):
        self.spec = spec

    # ---- building
    @staticmethod
    def lift(value) -> "Function":
        if isinstance(value, Function):
            return value
        return Function(["const", float(value)])

    def _bin(self, op, other, reverse=False):
        a, b = self.spec, Function.lift(other).spec
        return Function([op, b, a] if reverse else [op, a, b])

    def __add__(self, o):
        return self._bin("add", o)

    def __radd__(self, o):
        return self._bin("add", o, True)

    def __sub__(self, o):
        return self._bin("subtract", o)

    def __rsub__(self, o):
        return self._bin("subtract", o, True)

    def __mul__(self, o):
        return self._bin("multiply", o)

    def __rmul__(self, o):
        return self._bin("multiply", o, True)

    def __truediv__(self, o):
        return self._bin("divide", o)

    def __pow__(self, o):
        return self._bin("power", o)

    def __neg__(self):
        return Function(["multiply", ["const", -1.0], self.spec])

    # ---- using
    def __call__(self, x):
        return build_function(self.spec)(x)

    def tf(self, x):
        """Evaluate with TensorFlow ops (for GradientTape); x a tf.Tensor."""
        from dlgrade.tensorflow_handle import tensorflow

        tf = tensorflow()

        def ev(node):
            op = node[0]
            if op == "x":
                return x
            if op == "const":
                return tf.constant(node[1], dtype=x.dtype)
            if op == "array":
                return tf.constant(node[1], dtype=x.dtype)
            if op in _UNARY:
                return {"exp": tf.exp, "sin": tf.sin, "cos": tf.cos, "tanh": tf.tanh, "log": tf.math.log,
                        "sqrt": tf.sqrt, "square": tf.square, "abs": tf.abs}[op](ev(node[1]))
            if op in _BINARY:
                a, b = ev(node[1]), ev(node[2])
                return {"add": tf.add, "subtract": tf.subtract, "multiply": tf.multiply,
                        "divide": tf.divide, "power": tf.pow}[op](a, b)
            if op == "sum":
                return tf.reduce_sum(ev(node[1]))
            if op == "dot":
                return tf.reduce_sum(tf.reshape(ev(node[1]), [-1]) * tf.reshape(ev(node[2]), [-1]))
            if op == "poly":
                value = tf.zeros_like(ev(node[2]))
                arg = ev(node[2])
                for c in node[1]:
                    value = value * arg + c
                return value
            raise ValueError(f"operation {op!r} is not allowed")

        return ev(self.spec)

    def __repr__(self) -> str:
        return _show(self.spec)


def _show(node) -> str:
    op = node[0]
    if op == "x":
        return "x"
    if op == "const":
        return f"{node[1]:g}"
    if op == "array":
        return "A"
    symbols = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "power": "**"}
    if op in symbols:
        return f"({_show(node[1])} {symbols[op]} {_show(node[2])})"
    if op == "poly":
        return f"poly({node[1]}, {_show(node[2])})"
    return f"{op}({', '.join(_show(n) for n in node[1:])})"


X = Function(["x"])


def unary(op: str, arg: Function) -> Function:
    if op not in _UNARY and op != "sum":
        raise ValueError(op)
    return Function([op, Function.lift(arg).spec])


def exp(a):
    return unary("exp", a)


def sin(a):
    return unary("sin", a)


def cos(a):
    return unary("cos", a)


def tanh(a):
    return unary("tanh", a)


def total(a):
    """Sum of all elements (for scalar functions of arrays)."""
    return unary("sum", a)


def dot(a, b):
    return Function(["dot", Function.lift(a).spec, Function.lift(b).spec])


def array(values) -> Function:
    import numpy as np

    return Function(["array", np.asarray(values, dtype=float).tolist()])
