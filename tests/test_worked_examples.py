"""The lectures' worked examples, as printed, are what the reference solutions compute
(to the printed digits), and every worked example of docs/exercises.md is in a grader."""

import numpy as np
import pytest

from dlgrade.devcheck import _catalogue, _missing_numbers
from dlgrade.grading.grade_submission import load_grader, load_reference


@pytest.mark.parametrize("exercise_id", ["ex02", "ex03"])
def test_reference_reproduces_the_printed_lecture_values(exercise_id, course):
    exercise = course.resolve(exercise_id)
    grader = load_grader(exercise)
    computed = grader.lecture_values_from(load_reference(exercise))
    assert set(computed) == set(grader.LECTURE_VALUES)
    for name, printed in grader.LECTURE_VALUES.items():
        printed = np.asarray(printed, dtype=float)
        # Printed to 8 decimals (5 for the critical points): half a unit in the last place.
        decimals = 5 if name == "quartic_critical_points" else 8
        np.testing.assert_allclose(np.asarray(computed[name], dtype=float), printed, rtol=0,
                                   atol=0.5 * 10.0 ** -decimals + 1e-12, err_msg=name)


def test_every_worked_example_value_is_in_its_grader(course):
    catalogue = _catalogue(course.root / "docs" / "exercises.md")
    assert set(catalogue) == {ex.folder for ex in course}
    for ex in course:
        missing = _missing_numbers(catalogue[ex.folder], ex.grader_path.read_text(encoding="utf-8"))
        assert missing == [], ex.id


def test_the_worked_example_scan_notices_a_missing_value():
    assert _missing_numbers("o = (0.60944600, 0.66384491)", "EXPECTED = [0.60944600]") == ["0.66384491"]
    assert _missing_numbers("[63,48,49,28,21,20]", "x = [63, 48, 49, 28, 21, 20]") == []
    assert _missing_numbers("34,848 weights", "n = 34848") == []
    assert _missing_numbers("34,848 weights", "n = 3484") == ["34,848"]
