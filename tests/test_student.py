"""The student's side: progress (list, status, reset), hints in order and pointed at by
failed checks, and every message in Korean and English."""

import json
import re
import shutil
import string

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, SUBMISSIONS
from dlgrade.cli import main
from dlgrade.course import CourseError, load_course
from dlgrade.messages import MESSAGES
from dlgrade.student.state import State

COMMANDS = ["watch", "status", "reset"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("DLGRADE_LANG", "en")
    return CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command, monkeypatch):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    result = runner.invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert f"Usage: main {command}" in result.output
    assert "Example" in result.output


# ----------------------------------------------------------------------------- progress
def test_check_records_the_best_score_of_the_students_own_file(runner, student_root):
    ex = load_course(student_root).resolve("ex05")
    best = lambda: State.load(student_root).best.get("ex05")  # noqa: E731

    assert runner.invoke(main, ["check", "ex05"]).exit_code == 1
    assert best() == [0, 22]
    # Grading another file is not the student's progress.
    solution = student_root / "solutions" / "ex05_correlate2d" / "conv.py"
    assert runner.invoke(main, ["check", "ex05", "--file", str(solution)]).exit_code == 0
    assert best() == [0, 22]
    shutil.copy(solution, ex.stub_path)
    assert runner.invoke(main, ["check", "ex05"]).exit_code == 0
    assert best() == [22, 22]
    # A worse run later keeps the best.
    shutil.copy(SUBMISSIONS / "ex05_correlate2d" / "mutants" / "modifies_input.py", ex.stub_path)
    assert runner.invoke(main, ["check", "ex05"]).exit_code == 1
    assert best() == [22, 22]


def write_state(root, best):
    (root / ".dlgrade").mkdir(exist_ok=True)
    (root / ".dlgrade" / "state.json").write_text(json.dumps({"hints_seen": {}, "best": best}), encoding="utf-8")


def test_list_shows_best_score_and_status(runner, student_root):
    write_state(student_root, {"ex01": [17, 17], "ex02": [11, 19]})
    rnn = student_root / "exercises" / "ex07_bptt" / "rnn.py"
    rnn.write_text(rnn.read_text(encoding="utf-8") + "\n# started\n", encoding="utf-8")
    result = runner.invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    listed = {e["id"]: (e["best"], e["status"]) for e in json.loads(result.output)}
    assert listed == {"ex01": (17, "done"), "ex02": (11, "in_progress"), "ex03": (None, "not_started"),
                      "ex04": (None, "not_started"), "ex05": (None, "not_started"),
                      "ex06": (None, "not_started"), "ex07": (None, "in_progress")}
    text = runner.invoke(main, ["list", "--lang", "ko"]).output
    assert "완료" in text and "진행 중" in text and "시작 전" in text
    rows = {line.split()[1]: line.split("│")[4:6] for line in text.splitlines() if re.match(r"│ ex0\d", line)}
    assert [cell.strip() for cell in rows["ex01"]] == ["17", "17"]
    assert [cell.strip() for cell in rows["ex02"]] == ["19", "11"]
    assert [cell.strip() for cell in rows["ex05"]] == ["22", "—"]


def test_status_summarises_the_course(runner, student_root):
    write_state(student_root, {"ex01": [17, 17], "ex02": [19, 19], "ex03": [4, 16]})
    result = runner.invoke(main, ["status", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["done"], data["in_progress"], data["not_started"]) == (2, 1, 4)
    assert (data["best_points"], data["max_points"], data["next"]) == (40, 146, "ex03")
    text = flat(runner.invoke(main, ["status"]).output)
    assert "2 of 7 exercises done · 1 in progress · 4 not started" in text
    assert "Best scores: 40 / 146 points" in text
    assert "Next: ex03 — Numerical differentiation and gradient descent (dlgrade watch ex03)" in text


def test_status_when_everything_is_done(runner, student_root):
    write_state(student_root, {ex.id: [ex.points, ex.points] for ex in load_course(student_root)})
    assert "Every exercise is done" in runner.invoke(main, ["status"]).output
    result = runner.invoke(main, ["watch"])
    assert result.exit_code == 0
    assert "Every exercise is done" in result.output


def test_damaged_state_file_starts_afresh(runner, student_root):
    (student_root / ".dlgrade").mkdir(exist_ok=True)
    (student_root / ".dlgrade" / "state.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    assert {e["status"] for e in json.loads(result.output)} == {"not_started"}


def test_reset_restores_the_stub_and_keeps_a_backup(runner, student_root):
    ex = load_course(student_root).resolve("ex05")
    work = "def correlate(x, w, mode='valid'):\n    return 'my work'\n"
    ex.stub_path.write_text(work, encoding="utf-8")
    result = runner.invoke(main, ["reset", "ex05"])
    assert result.exit_code == 0
    assert ex.stub_path.read_bytes() == ex.pristine_stub_path.read_bytes()
    backups = list((student_root / ".dlgrade" / "backups" / "ex05_correlate2d").iterdir())
    assert len(backups) == 1
    assert re.fullmatch(r"conv\.py\.\d{8}-\d{6}", backups[0].name)
    assert backups[0].read_text(encoding="utf-8") == work
    assert backups[0].name in flat(result.output)
    assert "your work is backed up in" in flat(result.output)

    again = runner.invoke(main, ["reset", "ex05"])
    assert again.exit_code == 0
    assert "already the stub" in again.output
    assert len(list(backups[0].parent.iterdir())) == 1

    ex.stub_path.unlink()
    restored = runner.invoke(main, ["reset", "ex05", "--lang", "ko"])
    assert restored.exit_code == 0
    assert "되돌렸습니다" in restored.output
    assert ex.stub_path.read_bytes() == ex.pristine_stub_path.read_bytes()


def test_two_resets_in_one_second_keep_both_backups(student_root):
    from dlgrade.student.state import reset_exercise

    ex = load_course(student_root).resolve("ex06")
    found = []
    for text in ("first = 1\n", "second = 2\n"):
        ex.stub_path.write_text(text, encoding="utf-8")
        found.append(reset_exercise(ex, now=1_700_000_000)[1])
    assert found[0] != found[1]
    assert [p.read_text(encoding="utf-8") for p in found] == ["first = 1\n", "second = 2\n"]


def test_reset_refuses_in_the_course_repository(runner, monkeypatch):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    stub = ROOT / "exercises" / "ex05_correlate2d" / "conv.py"
    before = stub.read_bytes()
    result = runner.invoke(main, ["reset", "ex05"])
    assert result.exit_code == 1
    assert "course's source repository" in flat(result.output)
    assert "git checkout --" in result.output
    assert stub.read_bytes() == before


# ----------------------------------------------------------------------------- hints
def test_hints_are_revealed_one_at_a_time_in_order(runner, student_root):
    hints = load_course(student_root).resolve("ex05").hints
    first = flat(runner.invoke(main, ["hint", "ex05"]).output)
    assert "Hint 1/4 — ex05" in first and "Hint 2/4" not in first
    assert flat(hints[0].en)[:60] in first
    second = flat(runner.invoke(main, ["hint", "ex05"]).output)
    assert "Hint 2/4 — ex05" in second and "Hint 3/4" not in second
    assert second.index("Hint 1/4") < second.index("Hint 2/4")
    for _ in range(3):
        last = flat(runner.invoke(main, ["hint", "ex05"]).output)
    assert "Hint 4/4" in last and "That was the last hint" in last
    assert State.load(student_root).hints_seen["ex05"] == 4
    reset = flat(runner.invoke(main, ["hint", "ex05", "--reset"]).output)
    assert "Hint 1/4" in reset and "Hint 2/4" not in reset
    everything = flat(runner.invoke(main, ["hint", "ex06", "--all", "--lang", "ko"]).output)
    total = len(load_course(student_root).resolve("ex06").hints)
    assert f"힌트 {total}/{total} — ex06" in everything
    assert flat(load_course(student_root).resolve("ex06").hints[total - 1].ko)[:30] in everything


def test_a_failed_check_points_at_its_hint(runner, student_root):
    mutant = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
    ex = load_course(student_root).resolve("ex05")
    n = next(i for i, h in enumerate(ex.hints, 1) if "convolution_instead_of_correlation" in h.mistakes)
    result = runner.invoke(main, ["check", "ex05", "--file", str(mutant), "--lang", "ko"])
    assert result.exit_code == 1
    assert f"→ 힌트 {n}: dlgrade hint ex05 {n}" in result.output
    assert ex.mistakes["convolution_instead_of_correlation"].ko[:20] in flat(result.output)


def test_hint_by_number_shows_that_hint_and_counts_it_seen(runner, student_root):
    hints = load_course(student_root).resolve("ex05").hints
    third = flat(runner.invoke(main, ["hint", "ex05", "3"]).output)
    assert "Hint 3/4 — ex05" in third and "Hint 1/4" not in third and "Hint 2/4" not in third
    assert flat(hints[2].en)[:60] in third
    assert State.load(student_root).hints_seen["ex05"] == 3
    assert "Hint 4/4" in runner.invoke(main, ["hint", "ex05"]).output
    too_far = runner.invoke(main, ["hint", "ex05", "9"])
    assert too_far.exit_code == 2
    assert "ex05 has 4 hints (asked for hint 9)" in too_far.output


def test_hint_for_prefers_the_mistake_then_the_check(course):
    ex = course.resolve("ex04")
    assert ex.hint_for("lecture_adam", None) == 5  # SGD, Momentum, AdaGrad, RMSprop, Adam: one hint each
    assert ex.hint_for("lecture_adam", "epsilon_inside_sqrt") == 3
    assert ex.hint_for("no_such_check", None) is None


def edit_course(root, change):
    data = yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    change(data)
    (root / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_dev_check_names_unknown_checks_and_mistakes_in_hints(student_root):
    from dlgrade.devcheck import check_exercise

    def change(data):
        data["exercises"][4]["hints"][1]["checks"].append("no_such_check")
        data["exercises"][4]["hints"][2]["mistakes"].append("no_such_mistake")

    edit_course(student_root, change)
    problems = check_exercise(load_course(student_root).resolve("ex05"), None, run_graders=False)
    messages = [p.message for p in problems]
    assert messages == ["hint #2 lists checks: no_such_check, which the grader does not have",
                        "hint #3 lists mistakes: no_such_mistake, which is not under mistakes: in course.yaml"]
    assert "lecture_correlate_full" in problems[0].fix
    result = CliRunner().invoke(main, ["dev", "check", "--quick", "--lang", "ko"])
    assert result.exit_code == 1
    assert "✗ ex05: 힌트 #2의 checks: no_such_check은(는) 채점기에 없는 검사입니다" in result.output
    assert "고치는 법: graders/ex05_correlate2d/grader.py의 검사 이름 중 하나를 쓰세요" in result.output
    assert "문제 2개" in result.output


def test_a_malformed_hint_list_is_a_clear_usage_error(runner, student_root):
    edit_course(student_root, lambda data: data["exercises"][0]["hints"][0].update(checks="and_truth_table"))
    with pytest.raises(CourseError, match=r"course.yaml: ex01_perceptron: hint #1: checks: expected a list"):
        load_course(student_root)
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 2
    assert "hint #1: checks: expected a list of names" in flat(result.output)


# ----------------------------------------------------------------------------- watch screen
def test_watch_screen_keeps_the_feedback_to_the_first_failures():
    from rich.console import Console

    from dlgrade.student.feedback import render_check
    from dlgrade.results import CheckResult, ExerciseResult

    result = ExerciseResult("ex05", 0, [CheckResult(f"c{i}", "public", "failed", 0, 1, message=f"message {i}")
                                        for i in range(5)])
    console = Console(width=100, record=True)
    console.print(render_check(result, lang="en", file="conv.py", max_failures=3))
    text = console.export_text()
    assert "message 2" in text and "message 3" not in text
    assert "… 2 more failed checks: dlgrade check ex05 shows them all" in text


# ----------------------------------------------------------------------------- languages
def fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_fields(key):
    entry = MESSAGES[key]
    assert entry.get("ko", "").strip() and entry.get("en", "").strip()
    assert fields(entry["ko"]) == fields(entry["en"])


def english_only(output: str) -> list[str]:
    """English message texts (their literal parts of 12+ characters) found in an output."""
    found = []
    for key, entry in MESSAGES.items():
        if entry["en"] == entry["ko"]:
            continue
        for literal, *_ in string.Formatter().parse(entry["en"]):
            literal = flat(literal)
            if len(literal) >= 12 and literal not in flat(entry["ko"]) and literal in flat(output):
                found.append(f"{key}: {literal}")
    return found


@pytest.mark.parametrize("args", [["list"], ["show", "ex05"], ["hint", "ex05"], ["check", "ex05"], ["status"],
                                  ["reset", "ex05"], ["watch"]])
def test_student_commands_speak_korean(runner, student_root, args):
    if args == ["watch"]:  # everything done: watch says so and exits (the live screen is tested in tmux)
        write_state(student_root, {ex.id: [ex.points, ex.points] for ex in load_course(student_root)})
    if args[0] == "reset":
        stub = student_root / "exercises" / "ex05_correlate2d" / "conv.py"
        stub.write_text("# my work\n", encoding="utf-8")
    result = runner.invoke(main, [*args, "--lang", "ko"])
    assert result.exit_code in (0, 1)
    assert HANGUL.search(result.output), result.output
    assert english_only(result.output) == []


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("exercise_id", [ex.id for ex in load_course(ROOT)])
def test_statements_write_formulas_plainly_and_render(runner, monkeypatch, exercise_id, lang):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    source = load_course(ROOT).resolve(exercise_id).statement_path(lang).read_text(encoding="utf-8")
    # A terminal cannot typeset LaTeX: formulas are written with Unicode (√, ², Σ, ⌈⌉).
    assert not re.search(r"\$[^$\n]+\$|\\\(|\\\[|\\frac|\\sum|\\sqrt", source)
    result = runner.invoke(main, ["show", exercise_id, "--lang", lang])
    assert result.exit_code == 0
    rendered = result.output
    assert "```" not in rendered and not re.search(r"^#+ ", rendered, flags=re.M)
    if lang == "ko":
        assert HANGUL.search(rendered)


def test_next_unfinished_follows_course_order_and_wraps_round(student_root):
    course = load_course(student_root)
    write_state(student_root, {"ex01": [17, 17], "ex03": [16, 16], "ex06": [24, 24]})
    state = State.load(student_root)
    ids = lambda ex: ex.id if ex else None  # noqa: E731
    assert ids(state.next_unfinished(course)) == "ex02"
    assert ids(state.next_unfinished(course, course.resolve("ex02"))) == "ex04"
    assert ids(state.next_unfinished(course, course.resolve("ex05"))) == "ex07"
    assert ids(state.next_unfinished(course, course.resolve("ex07"))) == "ex02"
    write_state(student_root, {ex.id: [ex.points, ex.points] for ex in course if ex.id != "ex04"})
    # The exercise just left is never the next one, even when it is the only one unfinished.
    assert State.load(student_root).next_unfinished(course, course.resolve("ex04")) is None
