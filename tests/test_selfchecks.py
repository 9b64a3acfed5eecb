"""Self-checks: answer-free checks the student bundle runs at home, worth no points.

Correct code of every style passes them (several seeds), code that does nothing fails
every one of them, they never change a grade, and they cannot ask for an expected value.
What share of the mistakes that lose points at grading they (with the public checks)
catch at home is held to 90% in tests/test_release.py, in a built bundle."""

import ast

import pytest

from conftest import ROOT, SUBMISSIONS
from dlgrade.course import load_course
from dlgrade.grading.checks import SELF_CHECK_PARAMETERS, GraderDefinitionError, self_check
from dlgrade.grading.runner import SELF_CHECK_FILE, load_self_checks
from dlgrade.report import verdict
from dlgrade.results import CheckResult, ExerciseResult

COURSE = load_course(ROOT)


def correct_code():
    found = []
    for ex in COURSE:
        for path in [ex.solution_path, *sorted((SUBMISSIONS / ex.folder / "correct").glob("*.py"))]:
            found.append(pytest.param(ex.id, path, id=f"{ex.id}/{path.parent.name}/{path.stem}"))
    return found


def test_every_exercise_has_self_checks():
    for ex in COURSE:
        specs = load_self_checks(ex)
        assert len(specs) >= 3, ex.id
        assert all(s.self_check and s.points == 0 and s.visibility == "self" for s in specs)


@pytest.mark.parametrize("exercise_id,path", correct_code())
def test_correct_code_passes_every_self_check(grade_file, exercise_id, path):
    for seed in (0, 1, 2):
        result = grade_file(exercise_id, path, seed=seed, self_checks=True)
        failed = [(c.name, c.status, c.message) for c in result.checks if c.visibility == "self" and not c.passed]
        assert failed == [], f"seed {seed}"


@pytest.mark.parametrize("exercise_id", [ex.id for ex in COURSE])
def test_code_that_does_nothing_fails_every_self_check(grade_file, exercise_id):
    ex = COURSE.resolve(exercise_id)
    result = grade_file(exercise_id, ex.stub_path, self_checks=True)
    mine = [c for c in result.checks if c.visibility == "self"]
    assert mine and not [c.name for c in mine if c.passed]


@pytest.mark.parametrize("exercise_id", ["ex04", "ex07"])
def test_self_checks_never_change_a_grade(grade_file, exercise_id):
    mutant = sorted((SUBMISSIONS / COURSE.resolve(exercise_id).folder / "mutants").glob("*.py"))[0]
    graded = grade_file(exercise_id, mutant, self_checks=False)
    with_self = grade_file(exercise_id, mutant, self_checks=True)
    assert (with_self.score, with_self.max_score) == (graded.score, graded.max_score)
    assert [c.to_dict() for c in with_self.checks if c.visibility != "self"] == [c.to_dict() for c in graded.checks]
    assert not [c for c in with_self.checks if c.visibility == "self" and c.max_score]


def test_a_self_check_cannot_ask_for_an_expected_value():
    for forbidden in ("reference", "oracle"):
        namespace = {}
        exec(f"def probe(student, {forbidden}):\n    pass", namespace)
        with pytest.raises(GraderDefinitionError, match="may ask only for"):
            self_check(namespace["probe"])


def test_a_graded_check_in_a_self_check_file_is_refused(tmp_path):
    import dataclasses

    ex = COURSE.resolve("ex05")
    graders = tmp_path / "graders" / ex.folder
    graders.mkdir(parents=True)
    (graders / "grader.py").write_text("", encoding="utf-8")
    (graders / SELF_CHECK_FILE).write_text("from dlgrade.grading import check\n\n@check(points=1)\n"
                                           "def sneaky(student):\n    pass\n", encoding="utf-8")
    with pytest.raises(GraderDefinitionError, match="must be declared with @self_check"):
        load_self_checks(dataclasses.replace(ex, root=tmp_path))


def test_self_check_files_import_nothing_that_knows_answers():
    allowed = {"numpy", "itertools", "dlgrade.grading", "dlgrade.sandbox"}
    for ex in COURSE:
        tree = ast.parse((ex.grader_path.parent / SELF_CHECK_FILE).read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert imported <= allowed, f"{ex.id}: {imported - allowed}"
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & {"reference", "oracle", "scipy", "tensorflow"}, ex.id
        assert set(SELF_CHECK_PARAMETERS) == {"student", "rng", "seed"}


def _result(passed: bool, pending: int) -> ExerciseResult:
    checks = [CheckResult("lecture", "public", "passed" if passed else "failed", 2.0 if passed else 0.0, 2.0),
              CheckResult("own_forward", "self", "passed", 0.0, 0.0)]
    return ExerciseResult("ex05", 0, checks, pending_checks=pending, pending_points=5.0 if pending else 0.0)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_verdict_names_what_runs_at_grading(lang):
    text = "\n".join(t.plain for t in verdict(_result(True, 3), lang))
    assert "All checks passed" not in text and "모든 검사를 통과했습니다" not in text and "만점" not in text
    assert ("3 hidden check(s) worth 5 points" in text) if lang == "en" else ("숨은 검사 3개(5점)" in text)
    assert ("worth 7 points at grading" in text) if lang == "en" else ("전체 배점 7점" in text)
    complete = "\n".join(t.plain for t in verdict(_result(True, 0), lang))
    assert ("All checks passed" in complete) if lang == "en" else ("모든 검사를 통과했습니다" in complete)


def test_pending_hidden_checks_round_trip_through_json():
    result = _result(True, 3)
    data = result.to_dict()
    assert data["complete"] is False and data["pending"]["max_score_at_grading"] == 7.0
    again = ExerciseResult.from_dict(data)
    assert (again.pending_checks, again.pending_points, again.complete) == (3, 5.0, False)
    assert "pending" not in _result(True, 0).to_dict() and "complete" not in _result(True, 0).to_dict()

