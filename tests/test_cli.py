"""The command line, driven with click's CliRunner: exit codes and output."""

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dlgrade.cli import main

COMMANDS = ["list", "show", "hint", "check", "grade", "export", "dev check"]


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    monkeypatch.setenv("DLGRADE_LANG", "en")
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert f"Usage: main {command}" in result.output
    assert "Example" in result.output


def test_list_shows_exercises_in_course_order(runner, course):
    result = runner.invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert [e["id"] for e in listed] == [ex.id for ex in course]
    assert listed[4]["folder"] == "ex05_correlate2d"
    assert listed[4]["title"]["ko"] == "합성곱과 교차상관"


def test_list_in_korean(runner):
    result = runner.invoke(main, ["list", "--lang", "ko"])
    assert result.exit_code == 0
    assert "합성곱과 교차상관" in result.output
    assert "배점" in result.output


@pytest.mark.parametrize("query", ["ex05", "5", "correlate2d", "ex05_correlate2d", "EX05"])
def test_exercise_can_be_named_many_ways(runner, query):
    result = runner.invoke(main, ["show", query, "--lang", "en"])
    assert result.exit_code == 0
    assert "correlat" in result.output.lower()


def test_show_in_korean(runner):
    result = runner.invoke(main, ["show", "ex05", "--lang", "ko"])
    assert result.exit_code == 0
    assert "교차상관" in result.output


def test_unknown_exercise_is_a_usage_error(runner):
    result = runner.invoke(main, ["check", "ex99"])
    assert result.exit_code == 2
    assert "unknown exercise 'ex99'" in result.output
    assert "ex05 (correlate2d)" in result.output


def test_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["check", "ex05", "--file", str(tmp_path / "nope.py")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_check_json_prints_one_object_and_exits_0_on_full_marks(runner):
    path = ROOT / "solutions" / "ex05_correlate2d" / "conv.py"
    result = runner.invoke(main, ["check", "ex05", "--file", str(path), "--json", "--seed", "3"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["exercise"] == "ex05"
    assert data["seed"] == 3
    assert data["score"] == data["max_score"] == 22
    assert {c["visibility"] for c in data["checks"]} == {"public", "hidden"}
    for c in data["checks"]:
        assert set(c) >= {"name", "visibility", "status", "score", "max_score", "message"}


def test_check_of_the_stub_exits_1_with_a_table_and_the_score(runner, tmp_path):
    stub = tmp_path / "conv.py"  # a copy: grading the course's own stub would record a best score in it
    shutil.copy(ROOT / "exercises" / "ex05_correlate2d" / "conv.py", stub)
    result = runner.invoke(main, ["check", "ex05", "--file", str(stub), "--lang", "en"])
    assert result.exit_code == 1
    assert "Score: 0 / 22" in result.output
    assert "NotImplementedError" in result.output
    assert "dlgrade hint ex05" in result.output


def test_check_reports_expected_and_got_for_a_public_failure(runner):
    path = ROOT / "tests" / "submissions" / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
    result = runner.invoke(main, ["--no-color", "check", "ex05", "--file", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "correlate(x, w, 'valid'): not equal (int64 result, exact comparison)" in result.output
    assert "Mismatched elements: 6 / 6 (100%)" in result.output
    assert "(0,): 63, 48" in result.output


def test_syntax_error_is_a_result_not_a_traceback(runner, tmp_path):
    path = tmp_path / "conv.py"
    path.write_text("def correlate(x, w, mode='valid')\n    return x\n")
    result = runner.invoke(main, ["check", "ex05", "--file", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["score"] == 0
    assert "could not be loaded" in data["checks"][0]["message"]
    assert "line 1" in data["checks"][0]["message"]


def test_hint_reveals_one_more_each_time(runner, tmp_path, monkeypatch, course):
    home = tmp_path / "course"
    home.mkdir()
    shutil.copy(ROOT / "course.yaml", home / "course.yaml")
    monkeypatch.setenv("DLGRADE_HOME", str(home))
    first = runner.invoke(main, ["hint", "ex05", "--lang", "en"])
    second = runner.invoke(main, ["hint", "ex05", "--lang", "en"])
    assert first.exit_code == second.exit_code == 0
    total = len(course.resolve("ex05").hints)
    assert f"Hint 1/{total}" in first.output and f"Hint 2/{total}" not in first.output
    assert f"Hint 2/{total}" in second.output
    reset = runner.invoke(main, ["hint", "ex05", "--reset"])
    assert f"Hint 2/{total}" not in reset.output


def test_dev_check_passes_on_the_course(runner):
    result = runner.invoke(main, ["dev", "check"])
    assert result.exit_code == 0, result.output
    assert "7 exercises: all checks passed" in result.output


def test_dev_check_says_how_to_fix_a_broken_exercise(runner, tmp_path, monkeypatch):
    home = tmp_path / "course"
    shutil.copytree(ROOT, home, ignore=shutil.ignore_patterns(".git", "tests", "*.egg-info", "__pycache__"))
    stub = home / "exercises" / "ex01_perceptron" / "perceptron.py"
    stub.write_text(stub.read_text().replace("# TODO:", "# note:"))
    (home / "exercises" / "ex05_correlate2d" / "statement.en.md").unlink()
    course_file = home / "course.yaml"
    course_file.write_text(course_file.read_text().replace("points: 22", "points: 23"))
    (home / "graders" / "ex99_stray").mkdir()
    monkeypatch.setenv("DLGRADE_HOME", str(home))
    result = runner.invoke(main, ["dev", "check", "--quick"])
    assert result.exit_code == 1
    assert "ex01: the stub has no '# TODO:' marker" in result.output
    assert "ex05: the en statement is missing or empty" in result.output
    assert "graders/ex99_stray belongs to no exercise" in result.output
    assert "fix: write exercises/ex05_correlate2d/statement.en.md" in result.output
    assert "ex05: course.yaml gives 23 points but the checks add up to 22" in result.output
