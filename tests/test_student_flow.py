"""The student's flow: status never says all done while points are missing, reset starts an
exercise's progress over, watch on a finished exercise keeps watching it."""

import json
import re
import shlex
import shutil
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from conftest import ROOT, make_student_root
from dlgrade.cli import main
from dlgrade.course import load_course
from dlgrade.student.state import State
from dlgrade.student.watch import watch_course


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("DLGRADE_LANG", "en")
    return CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def write_best(root, best):
    (root / ".dlgrade").mkdir(exist_ok=True)
    (root / ".dlgrade" / "state.json").write_text(json.dumps({"hints_seen": {}, "best": best}), encoding="utf-8")


def test_public_checks_alone_are_never_all_done(runner, student_root):
    course = load_course(student_root)
    # Every exercise passed what runs at home; 3 hidden points each are still to come.
    write_best(student_root, {ex.id: [ex.points - 3, ex.points - 3, 3] for ex in course})
    data = json.loads(runner.invoke(main, ["status", "--json"]).output)
    assert data["done"] == 0 and data["public_passed"] == 7 and data["all_done"] is False
    assert data["pending_points"] == 21 and data["next"] is None
    text = flat(runner.invoke(main, ["status"]).output)
    assert "Every exercise is done" not in text and "full marks" not in text
    assert "The remaining 21 points are decided by the hidden checks at grading" in text
    assert "7 exercise(s) pass every check that runs here" in text
    listed = json.loads(runner.invoke(main, ["list", "--json"]).output)
    assert {e["status"] for e in listed} == {"public_passed"}
    listing = flat(runner.invoke(main, ["list"]).output)
    assert "public passed" in listing and "the hidden checks (21 points) run at grading" in listing
    watched = runner.invoke(main, ["watch"])
    assert watched.exit_code == 0 and "Every exercise is done" not in watched.output
    assert "hidden checks at grading" in flat(watched.output)
    korean = flat(runner.invoke(main, ["status", "--lang", "ko"]).output)
    assert "만점" not in korean and "남은 21점은 채점할 때 숨은 검사로 정해집니다" in korean


def test_a_score_out_of_fewer_points_than_the_exercise_has_is_not_done(runner, student_root):
    # e.g. recorded by an older grader or a bundle: full marks of 9, but the exercise is worth 17.
    write_best(student_root, {"ex01": [9, 9]})
    data = json.loads(runner.invoke(main, ["status", "--json"]).output)
    assert data["status"]["ex01"] == "in_progress" and data["done"] == 0 and data["next"] == "ex01"


def test_reset_starts_the_exercise_progress_over(runner, student_root):
    course = load_course(student_root)
    ex = course.resolve("ex05")
    write_best(student_root, {"ex05": [22, 22], "ex04": [21, 21]})
    ex.stub_path.write_text((ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8"), encoding="utf-8")
    State.load(student_root).hints_seen["ex05"] = 2
    result = runner.invoke(main, ["reset", "ex05"])
    assert result.exit_code == 0
    assert "ex05's recorded progress (best score) starts over too." in flat(result.output)
    state = State.load(student_root)
    assert "ex05" not in state.best and state.best["ex04"] == [21, 21]  # only that exercise
    assert state.status(ex) == "not_started"
    listed = {e["id"]: e for e in json.loads(runner.invoke(main, ["list", "--json"]).output)}
    assert listed["ex05"]["status"] == "not_started" and listed["ex05"]["best"] is None
    # Reset again with nothing recorded: no word about progress.
    again = runner.invoke(main, ["reset", "ex05"])
    assert again.exit_code == 0 and "recorded progress" not in again.output


def test_watch_of_a_finished_exercise_stays_on_it(tmp_path):
    path = tmp_path / "work.py"
    path.write_text("x = 1\n", encoding="utf-8")
    exercise = SimpleNamespace(stub_path=path, id="ex01")
    passing = SimpleNamespace(passed=True, complete=True)
    asked = []
    steps = watch_course(exercise, grade_source=lambda ex, source: passing, read=lambda p: p.read_text(),
                         unreadable=(OSError,), on_progress=lambda ex, r: None,
                         next_unfinished=lambda after: asked.append(after) or SimpleNamespace(id="ex02"), stay=True)
    step = next(steps)
    assert step.exercise is exercise and step.moved_to is None and not step.finished and asked == []
    steps.close()
    moving = watch_course(exercise, grade_source=lambda ex, source: passing, read=lambda p: p.read_text(),
                          unreadable=(OSError,), on_progress=lambda ex, r: None,
                          next_unfinished=lambda after: SimpleNamespace(id="ex02", stub_path=path))
    assert next(moving).moved_to.id == "ex02"  # without stay, a pass moves on, as before
    moving.close()


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux (apt-get install tmux)")
def test_watch_ex_on_a_finished_exercise_keeps_watching_it_in_a_terminal(tmp_path):
    from test_watch import Terminal, save_like_an_editor

    root = make_student_root(tmp_path / "course")
    ex = load_course(root).resolve("ex01")
    solution = (ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8")
    ex.stub_path.write_text(solution, encoding="utf-8")
    write_best(root, {"ex01": [17, 17]})
    env = {"DLGRADE_HOME": str(root), "DLGRADE_LANG": "en", "TERM": "xterm-256color"}
    term = Terminal(f"{shlex.quote(sys.executable)} -m dlgrade.cli watch ex01", env)
    try:
        first = term.wait_for("dlgrade watch — ex01", "Score: 17 / 17", "Waiting for")
        assert "dlgrade watch — ex02" not in first and "On to the next exercise" not in first
        mutant = ROOT / "tests" / "submissions" / ex.folder / "mutants" / "ge_instead_of_gt.py"
        save_like_an_editor(ex.stub_path, mutant.read_text(encoding="utf-8"))
        worse = term.wait_for("dlgrade watch — ex01", "Score: 15 / 17", "Waiting for")
        assert "dlgrade watch — ex02" not in worse
        save_like_an_editor(ex.stub_path, solution + "\n# tidied up\n")
        again = term.wait_for("dlgrade watch — ex01", "Score: 17 / 17", "Waiting for")
        assert "dlgrade watch — ex02" not in again and "On to the next exercise" not in again
        term.keys("C-c")
        term.wait_for("WATCH-EXIT=0")
    finally:
        term.close()


# ----------------------------------------------------------------------------- did you mean
@pytest.mark.parametrize("args,suggested", [(["check", "ex1"], "Did you mean ex01 (perceptron)?"),
                                            (["show", "perceptorn"], "Did you mean ex01 (perceptron)?"),
                                            (["hint", "conv"], "Did you mean ex05 (correlate2d), ex06 (conv_sizes)?"),
                                            (["reset", "backprob"], "Did you mean ex02 (backprop)?")])
def test_an_unknown_exercise_name_gets_the_nearest_ones(runner, student_root, args, suggested):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert suggested in flat(result.output)


def test_did_you_mean_in_korean_and_no_guess_for_nonsense(runner, student_root):
    korean = flat(runner.invoke(main, ["check", "ex1", "--lang", "ko"]).output)
    assert "혹시 ex01 (perceptron)을(를) 찾으셨나요?" in korean
    nothing = runner.invoke(main, ["check", "zzz"])
    assert nothing.exit_code == 2 and "Did you mean" not in nothing.output


def test_a_misspelt_function_is_named_with_the_one_expected(grade_file):
    solution = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text(encoding="utf-8")
    misspelt = solution.replace("def perceptron(", "def perceptrn(")
    result = grade_file("ex01", misspelt)
    messages = [c.message for c in result.checks if "has no attribute 'perceptron'" in c.message]
    assert messages and all("perceptron.py defines perceptrn, not perceptron: did you mean to name it perceptron?"
                            in m for m in messages)
    from dlgrade.messages import localize_feedback

    assert "혹시 이름을 perceptron(으)로 쓰려던 것인가요?" in localize_feedback(messages[0], "ko")
    # A function the exercise asks for is never taken for a misspelling of another.
    without = solution.replace("def AND_gate(", "def _unused_gate(")
    missing_and = [c.message for c in grade_file("ex01", without).checks if "'AND_gate'" in c.message]
    assert missing_and and not [m for m in missing_and if "did you mean" in m]


def test_near_names():
    from dlgrade.grading.suggest import near_name

    assert near_name("perceptron", ["perceptrn", "AND_gate"]) == "perceptrn"
    assert near_name("AND_gate", ["and_gate"]) == "and_gate"
    assert near_name("AND_gate", ["AND_gat"]) == "AND_gat"
    assert near_name("AND_gate", ["NAND_gate", "OR_gate"]) is None  # another function, not a typo
    assert near_name("train_perceptron", ["perceptron"], expected=("perceptron", "train_perceptron")) is None



def test_expected_names_follow_the_stub(student_root):
    """The names a stub defines are read once, and again when the stub changes (or is gone:
    then the exercise's own stub answers)."""
    from dlgrade.grading.suggest import expected_names

    ex = load_course(student_root).resolve("ex05")
    assert expected_names(ex) == ("correlate", "convolve", "correlate2d", "conv2d")
    assert expected_names(ex) == ("correlate", "convolve", "correlate2d", "conv2d")
    ex.pristine_stub_path.write_text("def correlate(x, w):\n    pass\n\n\nclass Conv:\n    pass\n", encoding="utf-8")
    assert expected_names(ex) == ("correlate", "Conv")
    ex.pristine_stub_path.write_text("def correlate(x, w)\n", encoding="utf-8")  # unreadable: the next stub
    assert expected_names(ex) == ("correlate", "convolve", "correlate2d", "conv2d")
    ex.pristine_stub_path.unlink()
    ex.stub_path.write_text("def only_this():\n    pass\n", encoding="utf-8")
    assert expected_names(ex) == ("only_this",)

# ----------------------------------------------------------------------------- whole-file problems
def file_panels(output: str, title: str) -> int:
    return sum(1 for line in output.splitlines() if line.startswith("╭─") and title in line)


@pytest.mark.parametrize("exercise_id,first_line,shown", [
    ("ex01", "def perceptron(x, w, b)\n    return 1\n", "could not be loaded: expected ':'"),  # a syntax error
    ("ex05", "import scipy.signal\n", "line 1: scipy.signal is not allowed in this exercise"),  # forbidden
    ("ex05", "import scipy\n", "conv.py imports scipy, which is not there when your code is graded"),
])
def test_a_whole_file_problem_is_shown_once(runner, student_root, tmp_path, exercise_id, first_line, shown):
    ex = load_course(student_root).resolve(exercise_id)
    path = tmp_path / ex.file
    path.write_text(first_line + (ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = runner.invoke(main, ["check", exercise_id, "--file", str(path)])
    assert result.exit_code == 1
    assert file_panels(result.output, "A problem with the file as a whole") == 1
    assert flat(result.output).count(shown) == 1
    assert not [line for line in result.output.splitlines() if line.startswith("╭─ 1. ")]  # no per-check panels
    assert "ModuleNotFoundError" not in result.output


def test_import_scipy_says_it_is_not_there_and_what_is_forbidden(grade_file):
    source = "import scipy\n" + (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
    message = grade_file("ex05", source).checks[0].message
    assert message.startswith("conv.py imports scipy, which is not there when your code is graded: only Python's "
                              "standard library and NumPy are. Remove the import; scipy.signal, scipy.ndimage are "
                              "forbidden in this exercise.")
    from dlgrade.messages import localize_feedback

    korean = localize_feedback(message, "ko")
    assert "채점할 때는 scipy이(가) 없습니다" in korean and "scipy.signal, scipy.ndimage은(는) 금지되어" in korean
    plain = "import sympy\n" + (ROOT / "solutions" / "ex02_backprop" / "backprop.py").read_text(encoding="utf-8")
    assert grade_file("ex02", plain).checks[0].message.startswith(
        "backprop.py imports sympy, which is not there when your code is graded: only Python's standard library and "
        "NumPy are. Remove the import.")


def test_failures_of_single_checks_keep_their_own_panels(runner, student_root):
    mutant = ROOT / "tests" / "submissions" / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
    result = runner.invoke(main, ["check", "ex05", "--file", str(mutant)])
    assert file_panels(result.output, "A problem with the file as a whole") == 0
    assert "╭─ 1. " in result.output


# ----------------------------------------------------------------------------- one term per idea
def test_one_korean_term_per_idea():
    """숨은 검사 (never 숨김/숨겨진 검사/히든), 에포크 (never 에폭), 중심 차분 (never 중앙 차분), as the lectures say."""
    from dlgrade.messages import MESSAGES

    texts = [m["ko"] for m in MESSAGES.values()]
    texts += [(ROOT / "course.yaml").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "exercises").glob("*/statement.ko.md")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "graders").glob("*/*.py")]
    for wrong in ("숨김", "숨겨진 검사", "히든", "에폭", "중앙 차분"):
        # "숨김 파일" is Windows' own name for a hidden file (the intake passes them over), not a check.
        assert not [t for t in texts if wrong in t.replace("숨김 파일", "")], wrong


# ----------------------------------------------------------------------------- --help and click in Korean
def test_help_lists_the_student_commands_first_and_the_instructor_commands_apart(runner, monkeypatch):
    from dlgrade.cli import STUDENT_COMMANDS

    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    text = runner.invoke(main, ["--help"]).output
    lines = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split()
             and not line.split()[0].startswith("-")]
    student_at, instructor_at = text.index("Student commands:"), text.index("Instructor commands")
    assert student_at < instructor_at
    listed = [name for name in lines if name in main.commands]
    students = [name for name in STUDENT_COMMANDS if name in main.commands]
    assert listed[:len(students)] == students
    assert set(listed[len(students):]) == set(main.commands) - set(STUDENT_COMMANDS)
    assert all(text.index(f"  {name} ") > instructor_at for name in ("grade", "release", "session", "export"))


def test_click_speaks_korean(runner, monkeypatch):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    missing = runner.invoke(main, ["check", "--lang", "ko"])
    assert missing.exit_code == 2
    assert "사용법: main check [옵션] 과제" in missing.output
    assert "오류: 인자가 빠졌습니다: '과제'." in missing.output
    assert "도움말을 보려면: 'main check --help'" in missing.output
    unknown = runner.invoke(main, ["check", "ex05", "--bogus", "--lang", "ko"])
    assert unknown.exit_code == 2 and "오류: '--bogus'(이)라는 옵션은 없습니다." in unknown.output
    wrong = runner.invoke(main, ["check", "ex05", "--format", "pdf", "--lang", "ko"])
    assert wrong.exit_code == 2 and "의 값이 올바르지 않습니다" in wrong.output
    monkeypatch.setenv("DLGRADE_LANG", "ko")
    helped = runner.invoke(main, ["--help"]).output
    assert "사용법: main [옵션] 명령 [인자]..." in helped and "학생 명령:" in helped and "강사 명령" in helped
    assert "이 도움말을 보여 주고 끝냅니다." in helped and "과제의 풀이를 채점합니다." in helped
    assert "Usage:" not in helped and "Show this message" not in helped
    check_help = runner.invoke(main, ["check", "--help"]).output
    assert "채점할 파일 (기본값: exercises/ 안의 내 파일)" in check_help and "--file 파일" in check_help
    # and English again in the same process
    monkeypatch.setenv("DLGRADE_LANG", "en")
    again = runner.invoke(main, ["check"])
    assert "Usage: main check [OPTIONS] EXERCISE" in again.output and "Missing argument 'EXERCISE'." in again.output


def test_every_student_command_has_korean_help():
    from dlgrade.cli import STUDENT_COMMANDS
    from dlgrade.messages import MESSAGES

    for name in STUDENT_COMMANDS:
        assert re.search(r"[\uac00-\ud7a3]", MESSAGES[f"help.{name}"]["ko"]), name


# ----------------------------------------------------------------------------- submit
def test_submit_builds_the_zip_the_intake_reads(runner, student_root):
    import zipfile

    from dlgrade.bulk.collect import read_zip

    course = load_course(student_root)
    for exercise_id in ("ex01", "ex05"):
        ex = course.resolve(exercise_id)
        shutil.copy(ROOT / "solutions" / ex.folder / ex.file, ex.stub_path)
    result = runner.invoke(main, ["submit", "20231234"])
    assert result.exit_code == 0, result.output
    target = student_root / "20231234.zip"
    assert "20231234.zip(2exercise(s)).Handthisfilein" in "".join(result.output.split())
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["ex01_perceptron/perceptron.py", "ex05_correlate2d/conv.py"]
    read = read_zip(target, list(course))
    assert read.student == "20231234" and sorted(read.files) == ["ex01", "ex05"] and not read.problems
    assert read.files["ex05"].source == (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(
        encoding="utf-8")
    data = json.loads(runner.invoke(main, ["submit", "20231234", "--json"]).output)
    assert {e["exercise"]: e["included"] for e in data["exercises"]}["ex02"] is False  # still the stub


def test_submit_refuses_what_cannot_be_graded_and_writes_nothing(runner, student_root, tmp_path):
    course = load_course(student_root)
    ex = course.resolve("ex05")
    ex.stub_path.write_text("import scipy\n" + (ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8"),
                            encoding="utf-8")
    broken = course.resolve("ex03")
    broken.stub_path.write_text("def numerical_diff_front(f, x, h=1e-4)\n    return 0\n", encoding="utf-8")
    cp949 = course.resolve("ex01")
    cp949.stub_path.write_bytes("# 퍼셉트론\ndef perceptron(x, w, b):\n    return 0\n".encode("cp949"))
    result = runner.invoke(main, ["submit", "20231234", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    text = flat(result.output)
    assert "ex05: conv.py line 1: scipy is not there at grading" in text
    assert "ex03: numdiff.py has a syntax error on line 1" in text
    assert "ex01: perceptron.py is not UTF-8" in text
    assert "No zip was written" in text and not (tmp_path / "out").exists()
    korean = flat(runner.invoke(main, ["submit", "20231234", "--lang", "ko"]).output)
    assert "채점할 수 없는 파일이 있어 zip을 만들지 않았습니다" in korean


def test_submit_takes_a_notebook_and_checks_its_code_cells(runner, student_root):
    import zipfile

    course = load_course(student_root)
    ex = course.resolve("ex02")
    solution = (ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8")
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 오차역전파"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": ["%matplotlib inline\n", "!pip install numpy\n", *solution.splitlines(keepends=True)]}]}
    (ex.stub_path.parent / "ex02.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["submit", "kim-01", "--exercises", "ex02"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(student_root / "kim-01.zip") as archive:
        assert archive.namelist() == ["ex02_backprop/ex02.ipynb"]
    notebook["cells"][1]["source"].append("import torch\n")
    (ex.stub_path.parent / "ex02.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    refused = runner.invoke(main, ["submit", "kim-01", "--exercises", "ex02"])
    assert refused.exit_code == 1 and "torch is forbidden in this exercise" in flat(refused.output)
    # Work saved later in the .py file is what goes in.
    import os
    import time

    ex.stub_path.write_text(solution, encoding="utf-8")
    later = time.time() + 5
    os.utime(ex.stub_path, (later, later))
    assert runner.invoke(main, ["submit", "kim-01", "--exercises", "ex02"]).exit_code == 0
    with zipfile.ZipFile(student_root / "kim-01.zip") as archive:
        assert archive.namelist() == ["ex02_backprop/backprop.py"]


def test_submit_reads_a_notebook_as_the_graders_do(runner, student_root):
    from dlgrade.grading.grade_submission import grade
    from dlgrade.grading.source import submission_source

    course = load_course(student_root)
    ex = course.resolve("ex02")
    solution = (ROOT / "solutions" / ex.folder / ex.file).read_text(encoding="utf-8")
    ipython = ["files = !ls\n", "np.sum?\n", "%%time\n"]  # IPython's syntax: not Python, and not an error
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": ipython[:2]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [],
         "source": [ipython[2], *solution.splitlines(keepends=True)]}]}
    path = ex.stub_path.parent / "ex02.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    graded = grade(ex, submission_source(path.read_bytes(), path.name))
    assert graded.score == graded.max_score  # the graders take it ...
    result = runner.invoke(main, ["submit", "kim-01", "--exercises", "ex02"])
    assert result.exit_code == 0, result.output  # ... and so does submit
    path.write_text('{"cells": "not a list"', encoding="utf-8")  # cut short: not a notebook at all
    refused = runner.invoke(main, ["submit", "kim-01", "--exercises", "ex02"])
    assert refused.exit_code == 1 and "ex02.ipynb cannot be read as a notebook" in flat(refused.output)


@pytest.mark.parametrize("student_id", ["../evil", "a/b", "", "x" * 80, "kim\nlee"])
def test_submit_refuses_an_id_that_cannot_name_a_file(runner, student_root, student_id):
    result = runner.invoke(main, ["submit", student_id])
    assert result.exit_code == 2 and "cannot name a file" in flat(result.output)
    assert not list(student_root.glob("*.zip"))


def test_submit_has_help_with_an_example(runner, monkeypatch):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    result = runner.invoke(main, ["submit", "--help"])
    assert result.exit_code == 0 and "Usage: main submit" in result.output and "Example" in result.output
