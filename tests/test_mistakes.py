"""Common mistakes are named: every mutant with an '# expect-mistake: key' header gets that
mistake named in its result, correct submissions never get one, every named mistake is
explained in course.yaml in both languages, and a failed check points at a hint."""

from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, submissions
from dlgrade.course import load_course


def expected_mistakes(path: Path) -> list[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-mistake:"):
            return [key.strip() for key in line.split(":", 1)[1].split(",") if key.strip()]
    return []


MUTANTS = submissions("mutants")
WITH_MISTAKE = [m for m in MUTANTS if expected_mistakes(m.values[1])]


def test_most_mutants_declare_the_mistake_they_embody():
    # Mutants without the header are those whose hidden inputs make them crash before a
    # value can be compared (the error and its line are the feedback there).
    without = [m.id for m in MUTANTS if m not in WITH_MISTAKE]
    assert len(WITH_MISTAKE) >= 55
    assert without == ["ex05_correlate2d/conv2d_stride_offset_by_one"]


@pytest.mark.parametrize("folder, path", WITH_MISTAKE)
def test_the_mutants_mistake_is_named_with_a_hint(folder, path, course, grade_file):
    exercise = course.resolve(folder)
    result = grade_file(folder, path)
    named = {c.mistake for c in result.checks if c.mistake}
    for key in expected_mistakes(path):
        assert key in exercise.mistakes, f"{key} has no explanation under mistakes: in course.yaml"
        assert key in named, f"{path.name}: {key} not named (named: {sorted(named)})"
        naming = [c for c in result.checks if c.mistake == key]
        assert any(exercise.hint_for(c.name, c.mistake) for c in naming), f"no hint is about {key}"
    unexplained = named - set(exercise.mistakes)
    assert unexplained == set()


@pytest.mark.parametrize("folder, path", submissions("correct"))
def test_correct_submissions_never_get_a_mistake_named(folder, path, grade_file):
    for seed in (0, 1):
        result = grade_file(folder, path, seed=seed)
        assert [(c.name, c.mistake) for c in result.checks if c.mistake] == []
        assert result.passed


@pytest.mark.parametrize("exercise_id", [ex.id for ex in load_course(ROOT)])
def test_reference_solution_never_gets_a_mistake_named_on_other_seeds(exercise_id, course, grade_file):
    result = grade_file(exercise_id, course.resolve(exercise_id).solution_path, seed=5)
    assert [(c.name, c.mistake) for c in result.checks if c.mistake] == []


def test_every_mistake_in_course_yaml_is_about_some_hint(course):
    for ex in course:
        covered = {key for hint in ex.hints for key in hint.mistakes}
        assert set(ex.mistakes) - covered == set(), ex.id


def test_mutant_headers_name_real_folders():
    folders = {ex.folder for ex in load_course(ROOT)}
    assert {p.name for p in SUBMISSIONS.iterdir() if p.is_dir()} <= folders
