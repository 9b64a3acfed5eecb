"""Diagnoses that are right: a right value of the wrong type is reported once, by the one check
of the exercise's type policy; NaN and infinity are called what they are; a likely mistake
is named only when that mistake's output is what the student's code gave."""

import numpy as np
import pytest

from conftest import SUBMISSIONS
from dlgrade.grading.compare import CheckFailed, compare, expect_unchanged


@pytest.mark.parametrize("mutant", ["perceptron_returns_numpy_bool", "perceptron_returns_float"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_right_value_of_the_wrong_type_is_reported_once(mutant, seed, grade_file):
    result = grade_file("ex01", SUBMISSIONS / "ex01_perceptron" / "mutants" / f"{mutant}.py", seed=seed)
    failed = {c.name: c for c in result.checks if not c.passed}
    assert list(failed) == ["returns_int"]
    assert "right value, wrong type: return an int" in failed["returns_int"].message
    assert failed["returns_int"].mistake == "wrong_return_type"
