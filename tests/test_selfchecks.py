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
from dlgrade.grading.grade_submission import SELF_CHECK_FILE, load_self_checks
from dlgrade.student.feedback import verdict
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


@pytest.mark.parametrize("decorator", ["check", "self_check"])
def test_both_decorators_attach_the_same_way_and_refuse_the_same_misuse(decorator):
    from dlgrade.grading import checks

    mark = getattr(checks, decorator)

    def documented(student, rng):
        """The first line is the title.

        Not this one."""

    assert mark(documented) is documented  # the function itself, with its metadata attached
    spec = documented.__dlgrade_check__
    assert (spec.name, spec.title, spec.parameters, spec.func) == (
        "documented", "The first line is the title.", ("student", "rng"), documented)
    assert spec.self_check == (decorator == "self_check") and spec.points == (0.0 if spec.self_check else 1.0)

    def plain_name(student):
        pass

    assert mark(title_ko="제목")(plain_name).__dlgrade_check__.title == "plain name"
    assert plain_name.__dlgrade_check__.title_ko == "제목"
    with pytest.raises(GraderDefinitionError, match=f"@{decorator} applied twice to documented"):
        mark(documented)

    def asks_for_nothing_known(student, answers):
        pass

    with pytest.raises(GraderDefinitionError, match=r"asks for .*\['answers'\]"):
        mark(asks_for_nothing_known)
    assert not hasattr(asks_for_nothing_known, "__dlgrade_check__")


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



# The classic mistakes the public checks alone let through, each caught at home by the
# self-check that names it, on every seed.
MISTAKES_CAUGHT_AT_HOME = [
    ("ex01", "perceptron_returns_float", "answers_are_ints", "wrong_return_type"),
    ("ex01", "xor_lookup_unless_gates_swapped", "xor_follows_your_gates", "xor_lookup_table"),
    ("ex05", "conv2d_stride_pair_swapped", "conv2d_stride_pair_is_vertical_then_horizontal", "stride_pair_order"),
    ("ex05", "integer_result", "integer_inputs_with_float_filters_give_floats", "integer_result"),
    ("ex05", "kernel_larger_not_reversed", "valid_is_the_middle_of_your_full_result", "kernel_larger_not_reversed"),
    ("ex05", "mixed_sizes_no_error", "valid_is_the_middle_of_your_full_result", "mixed_sizes_no_error"),
    ("ex06", "numpy_int_counts", "results_are_python_ints", "wrong_type"),
    ("ex06", "unknown_layer_skipped", "unknown_padding_and_layer_raise", "no_value_error"),
    ("ex06", "unknown_padding_is_valid", "unknown_padding_and_layer_raise", "no_value_error"),
]


@pytest.mark.parametrize("exercise_id,mutant,name,mistake", MISTAKES_CAUGHT_AT_HOME,
                         ids=[f"{e}/{m}" for e, m, _n, _k in MISTAKES_CAUGHT_AT_HOME])
def test_a_classic_mistake_fails_the_self_check_that_names_it(grade_file, exercise_id, mutant, name, mistake):
    path = SUBMISSIONS / COURSE.resolve(exercise_id).folder / "mutants" / f"{mutant}.py"
    for seed in (0, 1, 2):
        result = grade_file(exercise_id, path, seed=seed, self_checks=True)
        mine = {c.name: c for c in result.checks if c.visibility == "self"}
        assert mine[name].status == "failed" and mine[name].mistake == mistake, (seed, mine[name].message)
        others = [c.name for c in mine.values() if not c.passed and c.name != name]
        assert others == [], seed  # the other self-checks do not blame the same code for something else


def _ex01_solution(old, new):
    source = COURSE.resolve("ex01").solution_path.read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


XOR_OF_GATES = "    s1 = NAND_gate(x1, x2)\n    s2 = OR_gate(x1, x2)\n    return AND_gate(s1, s2)\n"


@pytest.mark.parametrize("variant", ["identity", "globals", "code"])
def test_an_xor_that_notices_its_gates_being_replaced_still_fails_at_home(grade_file, variant):
    # A lookup table unless the gates in the module's namespace are not the ones it
    # defined, noticed three ways: nothing is replaced under running code, so none works.
    notice = {"identity": "(NAND_gate, OR_gate, AND_gate) == _DEFINED",
              "globals": "all(globals()[g] is f for g, f in zip(('NAND_gate', 'OR_gate', 'AND_gate'), _DEFINED))",
              "code": "all(g.__code__ is f.__code__ for g, f in zip((NAND_gate, OR_gate, AND_gate), _DEFINED))"}[variant]
    source = _ex01_solution(XOR_OF_GATES, f"    if {notice}:\n"
                                          "        return {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}[(x1, x2)]\n"
                                          + XOR_OF_GATES)
    source = source.replace("\ndef train_perceptron", "\n_DEFINED = (NAND_gate, OR_gate, AND_gate)\n\n\ndef train_perceptron")
    result = grade_file("ex01", source, seed=3, self_checks=True)
    xor = next(c for c in result.checks if c.name == "xor_follows_your_gates")
    assert xor.status == "failed" and xor.mistake == "xor_lookup_table", xor.message


def test_an_xor_that_computes_one_gate_its_own_way_fails_at_home(grade_file):
    source = _ex01_solution(XOR_OF_GATES, "    s1 = NAND_gate(x1, x2)\n    s2 = 1 if x1 or x2 else 0\n"
                                          "    return AND_gate(s1, s2)\n")
    for seed in (0, 1):
        result = grade_file("ex01", source, seed=seed, self_checks=True)
        xor = next(c for c in result.checks if c.name == "xor_follows_your_gates")
        assert xor.status == "failed" and xor.mistake == "xor_bypasses_gate", xor.message


def test_gates_bound_by_assignment_or_decorated_are_followed_without_false_alarm(grade_file):
    source = _ex01_solution("def AND_gate(x1, x2):", "import functools\n\n\n@functools.lru_cache(maxsize=None)\n"
                                                     "def AND_gate(x1, x2):")
    source = source.replace("def OR_gate(x1, x2):", "def _or(x1, x2):")
    source = source.replace("\ndef XOR_gate", "\nOR_gate = _or\n\n\ndef XOR_gate")
    source = source.replace(XOR_OF_GATES, "    return AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2))\n")
    for seed in range(4):
        result = grade_file("ex01", source, seed=seed, self_checks=True)
        failed = [(c.name, c.message) for c in result.checks if c.visibility == "self" and not c.passed]
        assert failed == [], seed
        assert result.score == result.max_score


def test_with_definitions_rewrites_every_top_level_binding_and_keeps_the_lines():
    from dlgrade.grading import with_definitions

    source = ("import math as gate\n"
              "@decorated\n"
              "def f(x):\n"
              "    return 1\n"
              "g = f\n"
              "def h():\n"
              "    def f():\n"
              "        pass\n"
              "    return f\n")
    out = with_definitions(source, {"f": "def f(x): return 2", "g": "def g(x): return 3", "gate": "gate = None"})
    lines = out.splitlines()
    assert lines[0] == "import math as gate" and lines[1] == "gate = None"  # rebound after the import
    assert lines[2] == "def f(x): return 2" and lines[3:5] == ["", ""]  # decorator and body gone, lines kept
    assert lines[5:7] == ["g = f", "def g(x): return 3"]
    assert lines[7:] == ["def h():", "    def f():", "        pass", "    return f"]  # nested definitions untouched
    namespace = {}
    exec(out, namespace)
    assert namespace["f"](0) == 2 and namespace["g"](0) == 3 and namespace["gate"] is None
    assert with_definitions("def f(:\n", {"f": "def f(): pass"}) is None
