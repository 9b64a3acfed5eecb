"""Comparing a student's value with the expected one, and saying how they differ.

The report follows numpy.testing: the tolerance first, then cheap structure
(type, shape, dtype, NaN/inf) — stopping there if it differs — then the
mismatched-element count, the first mismatching indices and the largest
absolute and relative differences.  In a hidden check nothing is printed from
which an expected value could be recovered: no expected values, no got values
at mismatching positions.

Tolerances follow the dtype the student returned: a float32 result is held to
float32 precision, a float64 result to float64 precision; integers and
booleans must be exact.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import numpy as np

from dlgrade.sandbox.wire import InvalidValue


class CheckFailed(Exception):
    """A check's verdict: the student's code ran and gave a wrong answer."""

    def __init__(self, message: str, mistake: str | None = None):
        super().__init__(message)
        self.message = message
        self.mistake = mistake


#: True while a hidden check runs: reports then leave expected values out.
hidden_check = contextvars.ContextVar("hidden_check", default=False)


@dataclass(frozen=True)
class Tolerance:
    """|got − expected| ≤ atol + rtol·|expected|, with atol = scale·max|expected|.

    Scaling atol by the largest expected magnitude keeps entries that are near
    zero by cancellation from being held to an impossible relative standard."""

    rtol: float
    scale: float

    def atol(self, expected: np.ndarray, all_finite: bool = False) -> float:
        """``all_finite``: the caller knows every element of ``expected`` is finite."""
        if all_finite:
            biggest = float(np.abs(expected).max()) if expected.size else 0.0
        else:
            finite = np.abs(expected[np.isfinite(expected)]) if expected.size else np.zeros(0)
            biggest = float(finite.max()) if finite.size else 0.0
        return self.scale * max(biggest, 1.0)


TOLERANCES = {
    "float64": Tolerance(rtol=1e-9, scale=1e-9),
    "float32": Tolerance(rtol=2e-5, scale=2e-5),
    "float16": Tolerance(rtol=5e-3, scale=5e-3),
}
EXACT = Tolerance(rtol=0.0, scale=0.0)


def tolerance_for(dtype) -> Tolerance:
    """The tolerance a result of this dtype is held to."""
    dtype = np.dtype(dtype)
    if dtype.kind in "biu":
        return EXACT
    if dtype.itemsize <= 2:
        return TOLERANCES["float16"]
    if dtype.itemsize <= 4:
        return TOLERANCES["float32"]
    return TOLERANCES["float64"]


def _short(value, limit: int = 300) -> str:
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8, threshold=40, edgeitems=3, max_line_width=88)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + " …"


def describe(value) -> str:
    """What a value is, without its contents: 'float64 array of shape (3, 4)'."""
    if isinstance(value, InvalidValue):
        return value.reason
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, np.generic):
        return f"NumPy {value.dtype} scalar"
    if value is None:
        return "None (did the function forget to return?)"
    return type(value).__name__


def _is_scalar(value) -> bool:
    return isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_))


def _as_array(value):
    """A student value as an ndarray, or None if it is not numeric data."""
    if isinstance(value, np.ndarray):
        return value
    if _is_scalar(value):
        return np.asarray(value)
    return None


def _result_dtype(value) -> np.dtype:
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if isinstance(value, bool):
        return np.dtype(bool)
    if isinstance(value, int):
        return np.dtype(np.int64)
    return np.dtype(np.float64)


def expect_close(got, expected, *, what: str = "result", tolerance: Tolerance | None = None,
                 rtol: float | None = None, mistake: str | None = None) -> None:
    """Fail the check unless ``got`` equals ``expected`` within tolerance.

    ``expected`` is the parent's own value (array or scalar).  A scalar is
    expected as a plain number (Python, NumPy scalar or 0-d array); an array
    must be exactly ``numpy.ndarray`` of the same shape — no broadcasting.
    """
    failure = compare(got, expected, what=what, tolerance=tolerance, rtol=rtol)
    if failure:
        raise CheckFailed(failure, mistake=mistake)


def matches(got, expected, *, tolerance: Tolerance | None = None, rtol: float | None = None) -> bool:
    """Whether ``compare`` finds no mismatch, without writing its report: for diagnoses
    that try a student's value against many candidate mistakes."""
    return compare(got, expected, tolerance=tolerance, rtol=rtol, hidden=True, report=False) is None


def compare(got, expected, *, what: str = "result", tolerance: Tolerance | None = None,
            rtol: float | None = None, hidden: bool | None = None, report: bool = True) -> str | None:
    """The mismatch report, or None when ``got`` matches ``expected`` (with
    ``report=False``, a bare "mismatch" instead of the report)."""
    hidden = hidden_check.get() if hidden is None else hidden
    expected = np.asarray(expected)
    exp_numeric = expected.dtype.kind in "biuf"
    if not exp_numeric:
        raise TypeError(f"expected value of dtype {expected.dtype} is not numeric")
    want_scalar = expected.ndim == 0

    if isinstance(got, InvalidValue):
        return f"{what}: expected {'a number' if want_scalar else 'a numpy.ndarray'}, got {got.reason}"
    array = _as_array(got)
    if array is None:
        return f"{what}: expected {'a number' if want_scalar else 'a numpy.ndarray of shape ' + str(expected.shape)}, " \
               f"got {describe(got)}"
    if not report and (array.shape != expected.shape or not (want_scalar or isinstance(got, np.ndarray))):
        return "mismatch"
    if not want_scalar and not isinstance(got, np.ndarray):
        return f"{what}: expected a numpy.ndarray of shape {expected.shape}, got the scalar {_short(got)}"
    if array.shape != expected.shape:
        return (f"{what}: shape mismatch: expected {'a scalar' if want_scalar else expected.shape}, "
                f"got {'a scalar' if array.ndim == 0 else array.shape}"
                + ("" if hidden or want_scalar else f"\n got: {_short(got)}"))
    if array.dtype.kind not in "biuf":
        return f"{what}: expected numbers, got {describe(got)}"
    tol = tolerance or tolerance_for(_result_dtype(got))
    if rtol is not None:
        tol = Tolerance(rtol=rtol, scale=rtol)
    g = array.astype(np.float64, copy=False)  # read only: no copy of a float64 value
    e = expected.astype(np.float64, copy=False)
    atol = tol.atol(e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(g - e)
        allowed = atol + tol.rtol * np.abs(e)
        # The common case, decided in two passes: every allowance finite (so every expected
        # value is) and every difference within it (so every value got is finite too).
        if (diff <= allowed).all() and np.isfinite(allowed).all():
            return None
    header = (f"{what}: not equal to tolerance rtol={tol.rtol:g}, atol={atol:.3g} ({_result_dtype(got)} result)"
              if tol.rtol or tol.scale else f"{what}: not equal ({_result_dtype(got)} result, exact comparison)")

    bad_nan = np.isnan(g) != np.isnan(e)
    bad_inf = (np.isinf(g) | np.isinf(e)) & ~((g == e) & np.isinf(e))
    if bad_nan.any() or bad_inf.any():
        where = np.argwhere(bad_nan | bad_inf)
        first = tuple(int(i) for i in where[0]) if g.ndim else ()
        return (f"{header}\nNaN or infinity where a finite number was expected "
                f"({int((bad_nan | bad_inf).sum())} element(s), first at index {first})")
    with np.errstate(invalid="ignore", over="ignore"):
        mismatch = ~(diff <= allowed) & ~(np.isnan(g) & np.isnan(e)) & (g != e)  # equal infinities match
    if not mismatch.any():
        return None
    if not report:
        return "mismatch"
    n_bad, n_all = int(mismatch.sum()), int(mismatch.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(e != 0, diff / np.abs(e), np.inf)
    lines = [header]
    if want_scalar:
        if hidden:
            # Only an order of magnitude: the exact difference and the student's own
            # value would give the hidden expected value away.
            lines.append(f"relative difference of order {_magnitude(float(rel))}")
        else:
            lines.append(f" got:      {_short(got)}\n expected: {_short(expected[()])}")
            lines.append(f"absolute difference: {float(diff):.6g}, relative difference: {float(rel):.6g}")
        return "\n".join(lines)
    lines.append(f"Mismatched elements: {n_bad} / {n_all} ({100.0 * n_bad / n_all:.3g}%)")
    where = np.argwhere(mismatch)[:3]
    if hidden:
        lines.append("First mismatching indices: " + ", ".join(str(tuple(int(i) for i in w)) for w in where))
    else:
        lines.append("First mismatches (index: got, expected):")
        for w in where:
            idx = tuple(int(i) for i in w)
            lines.append(f"  {idx}: {g[idx]:.10g}, {e[idx]:.10g}")
    biggest = np.unravel_index(int(np.argmax(np.where(mismatch, diff, -1.0))), diff.shape) if diff.ndim else ()
    where_biggest = f" (at index {tuple(int(i) for i in biggest)})"
    if hidden:
        lines.append(f"Max absolute difference: {float(diff[mismatch].max()):.2g}{where_biggest}")
        lines.append(f"Max relative difference: {float(rel[mismatch].max()):.2g}")
    else:
        lines.append(f"Max absolute difference: {float(diff[mismatch].max()):.6g}{where_biggest}")
        lines.append(f"Max relative difference: {float(rel[mismatch].max()):.6g}")
    if not hidden:
        lines.append(f" got:      {_short(got)}")
        lines.append(f" expected: {_short(expected)}")
    return "\n".join(lines)


def _magnitude(x: float) -> str:
    if not np.isfinite(x):
        return "infinity"
    if x == 0:
        return "0"
    return f"1e{int(np.floor(np.log10(x))):+03d}"


def expect_equal(got, expected, *, what: str = "result", mistake: str | None = None) -> None:
    """Exact equality for ints, bools, strings, tuples of them (not arrays)."""
    if isinstance(got, InvalidValue):
        raise CheckFailed(f"{what}: expected {expected!r}, got {got.reason}", mistake=mistake)
    ok = type(got) is not InvalidValue and _plain(got) == _plain(expected) and _kind(got) == _kind(expected)
    if not ok:
        if hidden_check.get():
            raise CheckFailed(f"{what}: wrong value (got {describe(got) if _kind(got) != _kind(expected) else _short(got)})",
                              mistake=mistake)
        raise CheckFailed(f"{what}: expected {_short(expected)}, got {_short(got)}", mistake=mistake)


def _kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, (tuple, list)):
        return "sequence"
    return type(value).__name__


def _plain(value):
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def expect_unchanged(before, after, *, what: str, mistake: str = "input_modified") -> None:
    """Fail if a call modified an input it must leave alone."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and after.shape == before.shape and \
            np.array_equal(after, before, equal_nan=True)
        if not same:
            raise CheckFailed(f"{what} was modified by the call; the function must not change its inputs "
                              "(work on a copy, e.g. x = x.copy())", mistake=mistake)
        return
    if isinstance(before, dict):
        for key in before:
            expect_unchanged(before[key], (after or {}).get(key), what=f"{what}[{key!r}]", mistake=mistake)
        return
    if isinstance(before, (list, tuple)):
        for i, item in enumerate(before):
            expect_unchanged(item, after[i] if after is not None and i < len(after) else None, what=f"{what}[{i}]",
                             mistake=mistake)
