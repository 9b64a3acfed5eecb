"""Gradescope autograder bundles and results.json, JUnit XML, LMS CSV, --format."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SUBMISSIONS, expected_failures
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.grade_class import student_seed
from dlgrade.cli import main
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.grade_submission import load_grader

COMMANDS = ["export csv", "export json", "export gradescope", "export lms", "release"]
EX05 = SUBMISSIONS / "ex05_correlate2d"
CORRECT = next((EX05 / "correct").glob("*.py"))
MUTANT = EX05 / "mutants" / "convolution_instead_of_correlation.py"

# ----------------------------------------------------------------------------- the results.json spec
# Gradescope's autograder specification: the top-level fields and the fields of each test.
TOP_FIELDS = {"score": (int, float), "execution_time": int, "output": str, "output_format": str,
              "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list,
              "leaderboard": list, "test_output_format": str, "test_name_format": str}
TEST_FIELDS = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
               "number": str, "output": str, "output_format": str, "tags": list, "visibility": str,
               "extra_data": dict}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def validate_results_json(data: dict) -> None:
    """Fail unless ``data`` is a results.json Gradescope accepts, with consistent scores."""
    assert isinstance(data, dict)
    for key, value in data.items():
        assert key in TOP_FIELDS, f"unknown top-level field {key!r}"
        assert isinstance(value, TOP_FIELDS[key]) and not isinstance(value, bool), (key, value)
    assert "score" in data or all("score" in t for t in data.get("tests", []))
    for key in ("visibility", "stdout_visibility"):
        if key in data:
            assert data[key] in VISIBILITIES
    for test in data.get("tests", []):
        for key, value in test.items():
            assert key in TEST_FIELDS, f"unknown test field {key!r}"
            assert isinstance(value, TEST_FIELDS[key]) and not isinstance(value, bool), (key, value)
        assert test["status"] in ("passed", "failed")
        assert test.get("visibility", "visible") in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
        assert (test["status"] == "passed") == (test["score"] == test["max_score"])
    if data.get("tests"):
        assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-9


@pytest.fixture
def runner():
    return CliRunner(env={"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en"})


def test_every_bridge_command_has_help_with_an_example(runner):
    for command in COMMANDS:
        result = runner.invoke(main, [*command.split(), "--help"])
        assert (result.exit_code, f"Usage: main {command}" in result.output, "Example" in result.output) == \
            (0, True, True), command


# ----------------------------------------------------------------------------- Gradescope
@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    result = CliRunner().invoke(main, ["export", "gradescope", "ex05", "--out", str(out), "--lang", "en"],
                                env={"DLGRADE_HOME": str(ROOT)})
    assert result.exit_code == 0, result.output
    return out


def run_autograder(zip_path: Path, tmp_path: Path, files: dict, *, sandbox: str | None = None,
                   metadata: dict | None = None) -> dict:
    """Lay out /autograder in tmp_path as Gradescope does, run run_autograder, read results.json."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8")
    (root / "submission").mkdir(parents=True, exist_ok=True)
    if metadata:
        (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    env = {k: v for k, v in os.environ.items() if k not in ("DLGRADE_HOME", "DLGRADE_SANDBOX")}
    env.update(DLGRADE_AUTOGRADER_ROOT=str(root), DLGRADE_PYTHON=sys.executable)
    if sandbox:
        env["DLGRADE_SANDBOX"] = sandbox
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_autograder_bundle_holds_what_gradescope_runs(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
    assert {"setup.sh", "run_autograder", "pyproject.toml", "course.yaml", "gradescope.json",
            "graders/ex05_correlate2d/grader.py", "solutions/ex05_correlate2d/conv.py", "dlgrade/cli.py"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    assert not any(n.startswith("graders/") and "ex05" not in n for n in names)


def test_autograder_gives_full_marks_to_a_correct_file_in_a_subfolder(autograder_zip, tmp_path, course):
    ex = course.resolve("ex05")
    data = run_autograder(autograder_zip, tmp_path, {"homework/week5/conv.py": CORRECT.read_text(encoding="utf-8")},
                          metadata={"users": [{"name": "Kim", "sid": "2024001", "email": "kim@example.com"}]})
    validate_results_json(data)
    specs = collect_checks(load_grader(ex))
    assert data["score"] == ex.points == sum(s.points for s in specs)
    assert [t["name"].split(":")[0] for t in data["tests"]] == [s.name for s in specs]
    for test, spec in zip(data["tests"], specs):
        assert test["visibility"] == ("after_published" if spec.hidden else "visible")
        assert test["max_score"] == spec.points and test["status"] == "passed"
    assert "homework/week5/conv.py" in data["output"]
    assert f"seed {student_seed('2024001', 'ex05')}" in data["output"]


def test_autograder_takes_away_the_points_of_a_mutant_under_rlimits(autograder_zip, tmp_path, grade_file):
    # Gradescope's container may not allow bubblewrap: the fallback must still grade and say so.
    data = run_autograder(autograder_zip, tmp_path, {"Conv (1).py": MUTANT.read_text(encoding="utf-8")},
                          sandbox="rlimit")
    validate_results_json(data)
    failed = {t["name"].split(":")[0] for t in data["tests"] if t["status"] == "failed"}
    assert set(expected_failures(MUTANT)) <= failed
    here = grade_file("ex05", MUTANT)  # the same checks, same seed, graded here
    assert failed == {c.name for c in here.checks if not c.passed} and data["score"] == here.score
    assert 0 < data["score"] < sum(t["max_score"] for t in data["tests"])
    assert "resource limits only" in data["output"]
    message = next(t["output"] for t in data["tests"] if t["name"].startswith("lecture_correlate_valid"))
    assert "convolution, not the cross-correlation" in message


def test_autograder_without_the_file_scores_zero_and_says_what_it_found(autograder_zip, tmp_path):
    data = run_autograder(autograder_zip, tmp_path, {"notes.txt": "hello", "src/main.py": "x = 1\n",
                                                      "src/other.py": "y = 2\n"})
    validate_results_json(data)
    assert data["score"] == 0 and data["tests"]
    assert "No conv.py was found" in data["output"]
    assert "src/main.py" in data["output"] and "src/other.py" in data["output"]


def test_autograder_on_code_that_does_not_import_scores_zero_with_the_error(autograder_zip, tmp_path):
    data = run_autograder(autograder_zip, tmp_path, {"conv.py": "def correlate(x, w, mode='valid'):\n  return (\n"})
    validate_results_json(data)
    assert data["score"] == 0
    assert "could not be loaded" in data["output"] and "dlgrade check" in data["output"]


def test_autograder_writes_results_json_even_when_the_tool_breaks(autograder_zip, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    (root / "source" / "gradescope.json").write_text("{not json", encoding="utf-8")
    (root / "submission").mkdir()
    env = {**os.environ, "DLGRADE_AUTOGRADER_ROOT": str(root), "DLGRADE_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=300)
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate_results_json(data)
    assert data["score"] == 0 and "autograder itself failed" in data["output"]


# ----------------------------------------------------------------------------- --format on check
def test_check_format_results_json_is_gradescope_shaped(runner, course):
    result = runner.invoke(main, ["check", "ex05", "--file", str(MUTANT), "--format", "results-json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    validate_results_json(data)
    plain = json.loads(runner.invoke(main, ["check", "ex05", "--file", str(MUTANT), "--json"]).output)
    assert data["score"] == plain["score"]
    hidden = {c["name"] for c in plain["checks"] if c["visibility"] == "hidden"}
    for test in data["tests"]:
        expected = "after_published" if test["name"].split(":")[0] in hidden else "visible"
        assert test["visibility"] == expected


def test_check_format_json_equals_the_json_flag(runner):
    a = runner.invoke(main, ["check", "ex05", "--file", str(CORRECT), "--format", "json"])
    b = runner.invoke(main, ["check", "ex05", "--file", str(CORRECT), "--json"])
    assert a.exit_code == b.exit_code == 0
    assert json.loads(a.output) == json.loads(b.output)


# ----------------------------------------------------------------------------- JUnit XML
def test_junit_of_a_graded_mutant_parses_with_its_failures(runner, grade_file):
    result = grade_file("ex05", MUTANT)
    out = runner.invoke(main, ["check", "ex05", "--file", str(MUTANT), "--format", "junit"])
    assert out.exit_code == 1
    root = ET.fromstring(out.output)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [c.name for c in result.checks]
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(expected_failures(MUTANT)) <= set(failed)
    assert set(failed) == {c.name for c in result.checks if c.status == "failed"}
    assert suite.get("tests") == str(len(result.checks)) and suite.get("failures") == str(len(failed))
    assert root.get("failures") == str(len(failed)) and root.get("errors") == "0"
    for check in result.checks:
        if check.name in failed:
            assert failed[check.name].get("message") == check.message.splitlines()[0]
            assert check.message in failed[check.name].text
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert float(props["score"]) == result.score and float(props["max_score"]) == result.max_score


def test_junit_maps_every_status_and_keeps_xml_valid(course):
    from dlgrade.bridges.junit import junit_xml
    from dlgrade.results import CheckResult, ExerciseResult

    checks = [CheckResult("a", "public", "passed", 1, 1), CheckResult("b", "hidden", "failed", 0, 2, "off by 1"),
              CheckResult("c", "public", "error", 0, 1, "grader failed"),
              CheckResult("d", "hidden", "timeout", 0, 1, "took longer than 5 s"),
              CheckResult("e", "hidden", "timeout", 0, 1, "not run: earlier checks used up the time budget"),
              CheckResult("f", "public", "forbidden", 0, 1, "numpy.convolve is not allowed\x00\x07")]
    text = junit_xml([("kim", ExerciseResult("ex05", 3, checks))])
    suite = ET.fromstring(text).find("testsuite")
    kinds = {c.get("name"): [e.tag for e in c] for c in suite.findall("testcase")}
    assert kinds == {"a": [], "b": ["failure"], "c": ["error"], "d": ["error"], "e": ["skipped"], "f": ["failure"]}
    assert (suite.get("name"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("kim/ex05", "2",
                                                                                                     "2", "1")


# ----------------------------------------------------------------------------- grade --format and LMS CSV
@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "class"
    for student, source in (("kim", CORRECT), ("lee", MUTANT)):
        (folder / student / "ex05_correlate2d").mkdir(parents=True)
        shutil.copy(source, folder / student / "ex05_correlate2d" / "conv.py")
    (folder / "park").mkdir()  # submitted nothing
    db = folder.parent / "gradebook.db"
    args = ["grade", str(folder), "--exercises", "ex05", "--db", str(db), "--format", "junit", "--jobs", "1"]
    if os.environ.get("DLGRADE_SANDBOX") == "rlimit" or not shutil.which("bwrap"):
        args.append("--insecure")
    result = CliRunner().invoke(main, args, env={"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en"})
    assert result.exit_code == 0, result.output
    return db, result.output, folder


def test_grade_format_junit_has_a_suite_per_student(small_class):
    _db, text, _folder = small_class
    root = ET.fromstring(text)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"kim/ex05", "lee/ex05"}
    assert suites["kim/ex05"].get("failures") == "0"
    failed = {c.get("name") for c in suites["lee/ex05"].findall("testcase") if c.find("failure") is not None}
    assert set(expected_failures(MUTANT)) <= failed


def test_grade_format_results_json_prints_one_line_per_student(small_class, runner):
    db, _, folder = small_class
    result = runner.invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db),
                                  "--format", "results-json", "--insecure"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert {(d["student"], d["exercise"]) for d in lines} == {("kim", "ex05"), ("lee", "ex05")}
    for d in lines:
        validate_results_json(d["result"])
    assert {d["student"]: d["result"]["score"] for d in lines}["kim"] == 22


def test_lms_csv_for_canvas_and_moodle(small_class, course, runner):
    db, _, _ = small_class
    with Gradebook(db) as book:
        scores = {r.student: r.score for r in book.current_results()}
    text = runner.invoke(main, ["export", "lms", "--lms", "canvas", "--db", str(db)]).output
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ex05 correlate2d"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "22"
    body = {r[0]: r for r in rows[2:]}
    assert set(body) == {"kim", "lee", "park"}
    assert body["kim"][2] == "kim" and body["kim"][1] == "" and float(body["kim"][5]) == scores["kim"] == 22
    assert float(body["lee"][5]) == scores["lee"] < 22
    assert float(body["park"][5]) == 0

    out = db.parent / "moodle.csv"
    result = runner.invoke(main, ["export", "lms", "--lms", "moodle", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0
    moodle = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(moodle[0]) == ["ID number", "ex05 correlate2d"]
    assert {r["ID number"]: float(r["ex05 correlate2d"]) for r in moodle} == {**scores, "park": 0.0}


def test_export_keeps_csv_and_json_and_rejects_a_missing_gradebook(small_class, runner, tmp_path):
    db, _, _ = small_class
    assert runner.invoke(main, ["export", "csv", "--db", str(db)]).output.startswith("student,ex05,total")
    assert json.loads(runner.invoke(main, ["export", "json", "--db", str(db)]).output)
    for args in (["lms", "--lms", "canvas"], ["csv"]):
        missing = runner.invoke(main, ["export", *args, "--db", str(tmp_path / "none.db")])
        assert missing.exit_code == 2 and "file not found" in missing.output and "none.db" in missing.output
    assert runner.invoke(main, ["export", "lms", "--lms", "blackboard", "--db", str(db)]).exit_code == 2


@pytest.mark.skipif(os.getuid() != 0, reason="the sandbox drops to another uid only when run as root, as on Gradescope")
def test_without_bubblewrap_student_code_cannot_read_the_bundles_solution(autograder_zip, tmp_path):
    solution = tmp_path / "autograder" / "source" / "solutions" / "ex05_correlate2d" / "conv.py"
    spy = ("import numpy as np\n"
           "try:\n"
           f"    open({str(solution)!r}).read()\n"
           "    READ = 1.0\n"
           "except OSError:\n"
           "    READ = 0.0\n"
           "def convolve(x, w, mode='valid'):\n"
           "    return np.full(6, READ)\n")
    data = run_autograder(autograder_zip, tmp_path, {"conv.py": spy}, sandbox="rlimit")
    validate_results_json(data)
    message = next(t["output"] for t in data["tests"] if t["name"].startswith("lecture_convolve_valid"))
    assert "got:      [0. 0. 0. 0. 0. 0.]" in message, message
