"""Every exercise: the solution scores full marks, the stub scores 0, independent
correct submissions score full marks, and each mutant loses the checks named in
its '# expect-fail:' line."""

import pytest

from conftest import ROOT, expected_failures, submissions
from dlgrade.course import load_course

EXERCISES = [ex.id for ex in load_course(ROOT)]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_solution_scores_full_marks(exercise_id, course, grade_file):
    exercise = course.resolve(exercise_id)
    result = grade_file(exercise_id, exercise.solution_path)
    failing = {c.name: c.message for c in result.checks if not c.passed}
    assert failing == {}
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_stub_scores_zero(exercise_id, course, grade_file):
    exercise = course.resolve(exercise_id)
    result = grade_file(exercise_id, exercise.stub_path)
    assert result.score == 0
    assert [c.name for c in result.checks if c.passed] == []


@pytest.mark.parametrize("folder, path", submissions("correct"))
def test_independent_correct_submission_scores_full_marks(folder, path, grade_file):
    result = grade_file(folder, path)
    assert {c.name: c.message for c in result.checks if not c.passed} == {}


@pytest.mark.parametrize("folder, path", submissions("mutants"))
def test_mutant_loses_the_points_of_the_checks_that_catch_it(folder, path, grade_file):
    must_fail = expected_failures(path)
    result = grade_file(folder, path)
    by_name = {c.name: c for c in result.checks}
    unknown = [name for name in must_fail if name not in by_name]
    assert unknown == [], f"no such checks: {unknown}"
    still_passing = [name for name in must_fail if by_name[name].passed]
    assert still_passing == []
    assert result.score < result.max_score
    for name in must_fail:
        assert by_name[name].score == 0
