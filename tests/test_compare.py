"""compare: the report a failed numeric check shows, and matches(), its quiet form."""

import numpy as np
import pytest

from dlgrade.grading import Tolerance, compare, matches
from dlgrade.sandbox import InvalidValue

CASES = [
    (np.array([1.0, 2.0]), np.array([1.0, 2.0]), True),
    (np.array([1.0, 2.0 + 1e-12]), np.array([1.0, 2.0]), True),
    (np.array([1.0, 2.1]), np.array([1.0, 2.0]), False),
    (np.array([[1.0, 2.0]]), np.array([1.0, 2.0]), False),  # no broadcasting
    (np.array([1.0, np.nan]), np.array([1.0, 2.0]), False),
    (np.array([np.inf]), np.array([np.inf]), True),
    (3.0, np.array(3.0), True),
    (3.0, np.array([3.0]), False),  # a scalar where an array is expected
    ([1.0, 2.0], np.array([1.0, 2.0]), False),  # a list is not an ndarray
    (np.array(["a", "b"]), np.array([1.0, 2.0]), False),
    (None, np.array([1.0]), False),
    (InvalidValue("an object that cannot cross"), np.array([1.0]), False),
    (np.array([1, 2], dtype=np.int64), np.array([1, 2]), True),
    (np.float32(1.00001), np.array(1.0), True),  # float32 tolerance
    # Infinities and NaN match only themselves, whatever the tolerance would allow
    (np.array([1.0, 1e308]), np.array([1.0, np.inf]), False),
    (np.array([1.0, -np.inf]), np.array([1.0, np.inf]), False),
    (np.array([1.0, np.inf]), np.array([1.0, 1e308]), False),
    (np.array([np.nan, 2.0]), np.array([np.nan, 2.0]), True),
    (np.array([2.0, 2.0]), np.array([np.nan, 2.0]), False),
    (np.array([np.inf, 1.0], dtype=np.float32), np.array([np.inf, 1.0]), True),
    (np.array([3e38, 1.0], dtype=np.float32), np.array([np.inf, 1.0]), False),
    (np.array([1.0, np.inf]), np.array([1.0, np.inf]), True),
]


@pytest.mark.parametrize("got, expected, same", CASES)
def test_matches_is_compare_without_the_report(got, expected, same):
    report = compare(got, expected, what="f(x)", hidden=False)
    assert (report is None) == same
    assert matches(got, expected) == same
    if not same:
        assert report.startswith("f(x)")


def test_matches_honours_the_tolerance():
    assert not matches(np.array([1.0]), np.array([1.001]))
    assert matches(np.array([1.0]), np.array([1.001]), tolerance=Tolerance(rtol=1e-2, scale=1e-2))
    assert matches(np.array([1.0]), np.array([1.001]), rtol=1e-2)
