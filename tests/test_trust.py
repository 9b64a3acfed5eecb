"""One submission never stops the class; what students write is inert wherever it is shown;
grading commands never run a course found in a folder students control."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dlgrade.cli import main
from dlgrade.inert import clean, csv_cell, visible, xml_text
from dlgrade.results import STATUSES, CheckResult, ExerciseResult

from conftest import ROOT

CORRECT = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
ENV = {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en", "COLUMNS": "200"}


def _check_count(exercise: str) -> int:
    from dlgrade.course import load_course
    from dlgrade.grading.checks import collect_checks
    from dlgrade.grading.grade_submission import load_grader

    return len(collect_checks(load_grader(load_course(ROOT).resolve(exercise))))


EX05_CHECKS = _check_count("ex05")  #: every check ex05's grader declares: each is reported, whatever happens

#: Files a hostile (or unlucky) student may hand in; each must be graded, never crash the tool.
HOSTILE = {
    "parens": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n",
    "minuses": "x = " + "-" * 100_000 + "1\n",
    "sum_of_ones": "x = " + "+".join(["1"] * 400_000) + "\n",  # 800 kB: a million terms is over 1 MiB
    "deep_and_forbidden": "import numpy as np\nx = " + "+".join(["1"] * 100_000) + "\ny = np.convolve\n",
    "import_line": "import " * 140_000 + "\n",  # made an old textual pre-check take minutes
    "surrogates": CORRECT + "\nprint('a\\ud800b\\udc80')\n"
                  "def correlate(x, w, mode='valid'):\n    raise ValueError('bad \\udfff \\x1b[31mred\\x00')\n",
    "escapes": "print('\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mHACK\\x00\\x9b\\u202e')\n" + CORRECT
               + "def conv2d(*args, **kwargs):\n    raise ValueError('\\x1b[2J\\x1b]0;pwned\\x07')\n",
    "nul_bytes": "x = 1\x00\n",
}


def no_control(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text)


# ----------------------------------------------------------------------------- inert text
def test_visible_shows_every_escape_and_control_character():
    shown = visible("a\x1b[31mb\x00c\x07\r\x9b\u202e\ud800\tend\n")
    assert shown == "a\\x1b[31mb\\x00c\\x07\\x0d\\x9b\\u202e\\ud800\tend\n"
    assert visible("점수 ×1 — ok") == "점수 ×1 — ok"


def test_clean_makes_lone_surrogates_encodable_and_keeps_pairs():
    assert clean("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert clean("\ud83d\ude00") == "😀"  # a valid pair is the character it encodes
    clean("x\udc80" * 5).encode("utf-8")
    assert len(clean("x" * 100_000)) < 20_100


@pytest.mark.parametrize("value, shown", [("=1+2", "'=1+2"), ("+82-10", "'+82-10"), ("-cmd", "'-cmd"),
                                          ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
                                          ("2024001", "2024001"), ("kim", "kim")])
def test_csv_cells_that_begin_a_formula_are_neutralised(value, shown):
    assert csv_cell(value) == shown


def test_csv_numbers_stay_numbers():
    assert csv_cell(-1.5) == -1.5 and csv_cell(0) == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60),
       st.text(max_size=30), st.sampled_from(STATUSES))
def test_junit_always_parses_and_keeps_what_xml_can_hold(text, student, status):
    from dlgrade.bridges.junit import junit_xml

    check = CheckResult(name="c" + text[:5], visibility="public", status=status, score=0.0, max_score=1.0,
                        message=text, title=text)
    result = ExerciseResult(exercise="ex05", seed=1, checks=[check], output=text, notes=[text])
    document = junit_xml([("s" + student + text, result)])
    root = ET.fromstring(document.encode("utf-8"))  # parses, whatever the text held
    suite = root.find("testsuite")
    assert suite.get("name") == xml_text("s" + student + text) + "/ex05"
    if status != "passed":
        detail = suite.find("testcase")[0]
        def lines(t):  # XML parsers read \r\n and \r as \n
            return t.replace("\r\n", "\n").replace("\r", "\n")

        assert lines(xml_text(clean(text))).strip() in lines(detail.text)


def test_junit_escapes_markup_in_attributes_and_text():
    from dlgrade.bridges.junit import junit_xml

    evil = '"><script>alert(1)</script><x a="'
    check = CheckResult(name="c", visibility="public", status="failed", score=0.0, max_score=1.0, message=evil)
    root = ET.fromstring(junit_xml([(evil, ExerciseResult(exercise="ex05", seed=1, checks=[check]))]))
    suite = root.find("testsuite")
    assert suite.get("name") == f"{evil}/ex05"
    assert root.find(".//script") is None and suite.find("testcase/failure").get("message") == evil


def test_console_never_writes_a_control_character_from_text():
    from rich.table import Table
    from rich.text import Text

    from dlgrade.console import Output

    out = Output(no_color=True)
    buffer = io.StringIO()
    out.out.file = buffer
    table = Table()
    table.add_column("id")
    table.add_row(Text("\x1b]0;title\x07kim"))  # a rendering that forgot visible(): still inert
    table.add_row(Text(visible("\x1b]0;title\x07kim")))  # one that did not: shown in full
    out.print(table)
    out.print("\x1b[2Jplain\x00")
    written = buffer.getvalue()
    assert "\x1b" not in written and "\x00" not in written and "\x07" not in written
    assert "\\x1b]0;title\\x07kim" in written and "\\x1b[2Jplain\\x00" in written


# ----------------------------------------------------------------------------- check
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_check_grades_hostile_files_exit_1_without_traceback(name, tmp_path):
    path = tmp_path / "conv.py"
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogatepass")
    for args in ([], ["--json"], ["--format", "junit"], ["--format", "results-json"]):
        result = CliRunner().invoke(main, ["check", "ex05", "--file", str(path), *args], env=ENV)
        assert result.exit_code == 1, (name, args, result.output[-2000:])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert no_control(result.stdout), (name, args)
        result.stdout.encode("utf-8")
    data = json.loads(CliRunner().invoke(main, ["check", "ex05", "--file", str(path), "--json"], env=ENV).stdout)
    assert data["score"] < data["max_score"] == 22
    if name == "deep_and_forbidden":  # too deep to be shown free of the forbidden name: not trusted
        assert {c["status"] for c in data["checks"]} == {"forbidden"}
        assert "nested too deeply" in data["checks"][0]["message"]


def test_check_shows_raised_and_printed_control_characters_visibly(tmp_path):
    path = tmp_path / "conv.py"
    path.write_text(HOSTILE["surrogates"], encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(main, ["check", "ex05", "--file", str(path)], env=ENV)
    assert "\\x1b[31mred\\x00" in result.stdout and "\ufffd" in result.stdout
    path.write_text(HOSTILE["escapes"], encoding="utf-8")
    shown = CliRunner().invoke(main, ["check", "ex05", "--file", str(path)], env=ENV).stdout
    assert "\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mHACK\\x00\\x9b\\u202e" in shown  # printed output
    assert "ValueError: \\x1b[2J\\x1b]0;pwned\\x07" in shown  # a raised message
    path.write_text(HOSTILE["surrogates"], encoding="utf-8", errors="surrogatepass")
    data = json.loads(CliRunner().invoke(main, ["check", "ex05", "--file", str(path), "--json"], env=ENV).stdout)
    failed = [c for c in data["checks"] if c["status"] != "passed"]
    assert failed and any("ValueError: bad \ufffd \x1b[31mred\x00" in c["message"] for c in failed)
    assert any(c["status"] == "passed" for c in data["checks"])  # correlate2d and conv2d still graded


def test_check_a_file_over_one_mebibyte_fails_with_a_message(tmp_path):
    path = tmp_path / "conv.py"
    path.write_text("x = " + "+".join(["1"] * 1_000_000) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "ex05", "--file", str(path)], env=ENV)
    assert result.exit_code == 1
    assert "larger than 1 MiB" in result.output and "Traceback" not in result.output
    ko = CliRunner().invoke(main, ["check", "ex05", "--file", str(path), "--lang", "ko"], env=ENV)
    assert "1 MiB보다 커서" in ko.output


# ----------------------------------------------------------------------------- tool errors as results
def test_a_grader_failure_on_one_check_is_a_tool_error_worth_zero(grade_file, monkeypatch):
    import dlgrade.grading.grade_submission as runner

    real = runner.check_rng

    def failing(seed, name):
        if name == "random_correlate":
            raise RecursionError("maximum recursion depth exceeded")
        return real(seed, name)

    monkeypatch.setattr(runner, "check_rng", failing)
    result = grade_file("ex05", CORRECT)
    by_name = {c.name: c for c in result.checks}
    broken = by_name["random_correlate"]
    assert broken.status == "tool-error" and broken.score == 0 and broken.max_score == 2
    assert "tell your instructor" in broken.message and "RecursionError" in broken.internal
    assert all(c.passed for n, c in by_name.items() if n != "random_correlate")
    assert result.max_score == 22


def test_a_failure_before_any_check_makes_every_check_a_tool_error(grade_file, monkeypatch):
    import dlgrade.grading.grade_submission as runner

    def exhausted(source, forbidden):
        raise MemoryError

    monkeypatch.setattr(runner.forbidden_scan, "scan", exhausted)
    result = grade_file("ex05", CORRECT)
    assert {c.status for c in result.checks} == {"tool-error"}
    assert result.score == 0 and result.max_score == 22 and len(result.checks) == EX05_CHECKS
    assert "MemoryError" in result.checks[0].internal


def test_unshowable_call_arguments_keep_the_message(grade_file, monkeypatch):
    import dlgrade.grading.grade_submission as runner

    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(runner, "format_call", too_deep)
    result = grade_file("ex05", "def correlate(x, w, mode='valid'):\n    return x\n", only=["lecture_correlate_valid"])
    assert result.checks[0].status == "failed" and "last call" not in result.checks[0].message


def test_tool_error_is_rendered_everywhere():
    from dlgrade.bridges.gradescope import results_json
    from dlgrade.bridges.junit import junit_xml
    from dlgrade.messages import say
    from dlgrade.student.feedback import render_check

    check = CheckResult(name="c", visibility="hidden", status="tool-error", score=0.0, max_score=2.0,
                        message="dlgrade could not grade this", internal="Traceback …")
    result = ExerciseResult(exercise="ex05", seed=3, checks=[check])
    assert ET.fromstring(junit_xml([("s", result)])).find(".//testcase/error").get("type") == "tool-error"
    test = results_json(result)["tests"][0]
    assert test["status"] == "failed" and test["output"].startswith("[tool-error]")
    assert "internal" not in json.dumps(result.to_dict())
    assert say("status.tool-error", "ko") == "채점 도구 오류"
    render_check(result, lang="ko", file="conv.py")  # a style and a label for the status
    assert ExerciseResult.from_dict(result.to_dict()).checks[0].status == "tool-error"


def test_gradebook_stores_what_students_wrote_whatever_it_holds(tmp_path):
    from dlgrade.bulk.gradebook import Gradebook

    check = CheckResult(name="c", visibility="public", status="error", score=0.0, max_score=1.0,
                        message="ValueError: \ud800\x00\x1b[31m" + "x" * 100_000)
    result = ExerciseResult(exercise="ex05", seed=1, checks=[check], output="\udc80printed")
    with Gradebook(tmp_path / "g.db") as book:
        book.record(student="s1", exercise="ex05", grader_version="v", max_score=1.0, result=result)
        stored = book.current_result_json("s1", "ex05")
    assert stored["checks"][0]["message"].startswith("ValueError: \ufffd\x00\x1b[31m")
    assert len(stored["checks"][0]["message"]) < 20_100


def test_a_result_the_gradebook_cannot_store_is_stored_as_a_tool_error(tmp_path, course):
    from dlgrade.bulk.collect import SubmittedFile
    from dlgrade.bulk.gradebook import Gradebook
    from dlgrade.bulk.grade_class import Task, record_result

    class Unstorable(ExerciseResult):
        def to_dict(self, *, internal=False):
            raise RecursionError("nested too deeply")

    ex = course.resolve("ex05")
    fields = SubmittedFile.__dataclass_fields__
    file = SubmittedFile(**{k: v for k, v in {"path": "s1/conv.py", "source": "x", "content_hash": "h",
                                              "submitted_at": "2026-11-27T05:00:00+00:00"}.items() if k in fields})
    with Gradebook(tmp_path / "g.db") as book:
        stored = record_result(book, Task("s1", ex, file, 7), Unstorable(exercise="ex05", seed=7, checks=[]))
        data = book.current_result_json("s1", "ex05")
    assert {c.status for c in stored.checks} == {"tool-error"} and data["max_score"] == 22
    assert "RecursionError" in data["checks"][0]["internal"]


# ----------------------------------------------------------------------------- grade, session
@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name, source in HOSTILE.items():
        (folder / name).mkdir()
        (folder / name / "conv.py").write_text(source, encoding="utf-8", errors="surrogatepass")
    for student in ("good", "=HYPERLINK(\"http:x\")", "\x1b[31mred"):
        (folder / student).mkdir()
        (folder / student / "conv.py").write_text(CORRECT, encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])  # in this process, and in grading processes
def test_grade_class_with_hostile_students_goes_on_and_records_everyone(hostile_class, tmp_path, jobs):
    db = tmp_path / "g.db"
    result = CliRunner().invoke(main, ["grade", str(hostile_class), "--exercises", "ex05", "--db", str(db),
                                       "--jobs", jobs], env=ENV)
    assert result.exit_code == 0, result.output[-3000:]
    assert "Traceback" not in result.output and no_control(result.stdout)
    assert "\\x1b[31mred" in result.stdout
    rows = dict(sqlite3.connect(db).execute("SELECT student, score FROM results WHERE current = 1").fetchall())
    assert len(rows) == len(HOSTILE) + 3
    assert rows["good"] == rows["=HYPERLINK(\"http:x\")"] == rows["\x1b[31mred"] == 22
    assert rows["surrogates"] < 22 and rows["parens"] == 0
    exported = CliRunner().invoke(main, ["export", "csv", "--db", str(db)], env=ENV).stdout
    cells = {row["student"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert "'=HYPERLINK(\"http:x\")" in cells and cells["'=HYPERLINK(\"http:x\")"]["ex05"] == "22"
    lms = CliRunner().invoke(main, ["export", "lms", "--lms", "canvas", "--db", str(db)], env=ENV).stdout
    ids = [row[0] for row in csv.reader(io.StringIO(lms))][2:]
    assert "'=HYPERLINK(\"http:x\")" in ids and not any(i.startswith(("=", "+", "-", "@")) for i in ids)
    junit = CliRunner().invoke(main, ["grade", str(hostile_class), "--exercises", "ex05", "--db", str(db),
                                      "--format", "junit"], env=ENV)
    ET.fromstring(junit.stdout.encode("utf-8"))
    report = CliRunner().invoke(main, ["report", "--db", str(db)], env=ENV)
    assert report.exit_code == 0 and no_control(report.stdout)


def test_session_grade_with_hostile_students(hostile_class, tmp_path):
    session = tmp_path / "s.yaml"
    session.write_text("name: s\nexercises: {ex05: 100}\nopens: 2026-11-27 14:00\ncloses: 2026-11-27 15:00\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["session", "grade", str(session), str(hostile_class),
                                       "--db", str(tmp_path / "s.db")], env=ENV)
    assert result.exit_code == 0, result.output[-3000:]
    assert "Traceback" not in result.output and no_control(result.stdout)
    watch = CliRunner().invoke(main, ["session", "watch", str(session), str(hostile_class), "--once",
                                      "--db", str(tmp_path / "s.db")], env=ENV)
    assert watch.exit_code == 0 and no_control(watch.stdout)


def test_a_folder_name_that_is_not_utf8_is_graded_under_a_readable_id(tmp_path):
    import os

    folder = tmp_path / "class"
    (folder / "good").mkdir(parents=True)
    (folder / "good" / "conv.py").write_text(CORRECT, encoding="utf-8")
    bad = os.fsencode(folder) + b"/bad\xff\xfe"
    os.mkdir(bad)
    with open(bad + b"/conv.py", "w", encoding="utf-8") as f:
        f.write(CORRECT)
    db = tmp_path / "g.db"
    result = CliRunner().invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db), "--json"],
                                env=ENV)
    assert result.exit_code == 0, result.output[-2000:]
    assert {r["student"]: r["score"] for r in json.loads(result.stdout)["results"]} == {"good": 22, "bad\\xff\\xfe": 22}
    again = CliRunner().invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db)], env=ENV)
    assert again.exit_code == 0 and "2 unchanged" in again.output  # the same id on a rerun: resumed


# ----------------------------------------------------------------------------- Gradescope
def _autograder_root(tmp_path, course, files: dict) -> Path:
    import zipfile

    from dlgrade.bridges.gradescope import build_autograder

    bundle = build_autograder(course, course.resolve("ex05"), tmp_path / "autograder.zip")
    root = tmp_path / "autograder"
    zipfile.ZipFile(bundle).extractall(root / "source")
    for name, text in files.items():
        (root / "submission").mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    return root


@pytest.mark.parametrize("name", ["surrogates", "sum_of_ones", "escapes"])
def test_gradescope_writes_valid_results_for_hostile_files(tmp_path, course, name):
    from dlgrade.bridges.gradescope import run_autograder

    root = _autograder_root(tmp_path, course, {"conv.py": HOSTILE[name]})
    run_autograder(root)
    text = (root / "results" / "results.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text.isascii() and data["score"] < 22 and len(data["tests"]) == EX05_CHECKS


def test_gradescope_writes_valid_results_whatever_breaks(tmp_path, course, monkeypatch):
    import dlgrade.grading.grade_submission as runner
    from dlgrade.bridges.gradescope import run_autograder

    root = _autograder_root(tmp_path, course, {"conv.py": CORRECT})

    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(runner, "grade", broken)
    data = run_autograder(root)
    assert json.loads((root / "results" / "results.json").read_text(encoding="utf-8")) == data
    assert data["score"] == 0 and "autograder itself failed" in data["output"]


# ----------------------------------------------------------------------------- the trusted course
def student_course(folder: Path, marker: Path) -> Path:
    """A student's folder that ships its own course.yaml, graders/ and solutions/ (and a
    dlgrade/ package): importing any of it writes ``marker``."""
    payload = f"open({str(marker)!r}, 'a').write(__file__ + '\\n')\n"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text((ROOT / "course.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for ex in ("ex05_correlate2d",):
        for part in ("graders", "solutions"):
            (folder / part / ex).mkdir(parents=True)
        (folder / "graders" / ex / "grader.py").write_text(payload, encoding="utf-8")
        # A working solution that gives itself away only when imported as the course's reference.
        (folder / "solutions" / ex / "conv.py").write_text(
            CORRECT + f"\nif __name__.startswith('dlgrade_solutions'):\n    {payload}", encoding="utf-8")
    (folder / "dlgrade" / "bulk").mkdir(parents=True)
    for name in ("dlgrade/__init__.py", "dlgrade/bulk/__init__.py", "dlgrade/bulk/gradeproc.py", "numpy.py"):
        (folder / name).write_text(payload, encoding="utf-8")
    (folder / "conv.py").write_text(CORRECT, encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_grading_from_inside_a_student_folder_never_imports_its_course(tmp_path, monkeypatch, jobs):
    marker = tmp_path / "imported.txt"
    submissions = tmp_path / "class"
    alice = student_course(submissions / "alice", marker)
    (submissions / "bob").mkdir()
    (submissions / "bob" / "conv.py").write_text(CORRECT, encoding="utf-8")
    monkeypatch.chdir(alice)
    env = {"DLGRADE_LANG": "en", "DLGRADE_HOME": None, "DLGRADE_COURSE": None}
    db = tmp_path / "g.db"
    # The installed course grades; alice's course.yaml and graders are never read.
    inside = CliRunner().invoke(main, ["grade", ".", "--exercises", "ex05", "--db", str(db), "--jobs", jobs,
                                       "--json"], env=env)
    assert inside.exit_code == 0, inside.output[-3000:]
    up = CliRunner().invoke(main, ["grade", "..", "--exercises", "ex05", "--db", str(tmp_path / "up.db"), "--jobs", jobs,
                                   "--json"],
                            env=env)
    assert up.exit_code == 0 and {r["student"]: r["score"] for r in json.loads(up.stdout)["results"]} == {"alice": 22, "bob": 22}
    session = tmp_path / "s.yaml"
    session.write_text("name: s\nexercises: {ex05: 100}\nopens: 2026-11-27 14:00\ncloses: 2026-11-27 15:00\n",
                       encoding="utf-8")
    graded = CliRunner().invoke(main, ["session", "grade", str(session), "..", "--db", str(tmp_path / "s.db")],
                                env=env)
    assert graded.exit_code == 0, graded.output[-3000:]
    assert not marker.exists(), marker.read_text()


def test_check_of_a_file_inside_a_student_folder_uses_the_installed_course(tmp_path, monkeypatch):
    marker = tmp_path / "imported.txt"
    alice = student_course(tmp_path / "alice", marker)
    monkeypatch.chdir(alice)
    env = {"DLGRADE_LANG": "en", "DLGRADE_HOME": None, "DLGRADE_COURSE": None}
    result = CliRunner().invoke(main, ["check", "ex05", "--file", "conv.py", "--json"], env=env)
    assert result.exit_code == 0, result.output[-2000:]
    assert json.loads(result.stdout)["score"] == 22 and not marker.exists()


@pytest.mark.parametrize("course_from", ["option", "env"])
def test_a_course_inside_the_submissions_is_refused_even_when_named(tmp_path, course_from):
    marker = tmp_path / "imported.txt"
    submissions = tmp_path / "class"
    alice = student_course(submissions / "alice", marker)
    env = {"DLGRADE_LANG": "en", "DLGRADE_HOME": None, "DLGRADE_COURSE": None}
    args = ["grade", str(submissions), "--exercises", "ex05", "--db", str(tmp_path / "g.db")]
    if course_from == "option":
        args = ["--course", str(alice)] + args
    else:
        env["DLGRADE_COURSE"] = str(alice)
    refused = CliRunner().invoke(main, args, env=env)
    assert refused.exit_code == 2
    assert "inside the submissions folder" in refused.output
    ko = CliRunner().invoke(main, args, env={**env, "DLGRADE_LANG": "ko"})
    assert "제출물 폴더" in ko.output
    assert not marker.exists()


def test_trusted_root_rules(tmp_path, monkeypatch):
    from dlgrade.course import UntrustedCourseError, installed_root, trusted_root

    monkeypatch.delenv("DLGRADE_HOME", raising=False)
    monkeypatch.delenv("DLGRADE_COURSE", raising=False)
    monkeypatch.chdir(student_course(tmp_path / "alice", tmp_path / "m"))
    assert trusted_root() == installed_root() == ROOT  # never the current folder's course.yaml
    assert trusted_root(ROOT, [tmp_path / "alice"]) == ROOT
    with pytest.raises(UntrustedCourseError):
        trusted_root(tmp_path / "alice" / "sub", [tmp_path])
    with pytest.raises(UntrustedCourseError):
        trusted_root(tmp_path, [tmp_path])


def test_a_failure_of_dlgrade_itself_is_a_message_not_a_traceback(monkeypatch, capsys):
    import sys

    import dlgrade.student.state
    from dlgrade.cli import run

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(dlgrade.student.state.State, "load", broken)
    monkeypatch.setattr(sys, "argv", ["dlgrade", "list"])
    monkeypatch.setenv("DLGRADE_HOME", str(ROOT))
    monkeypatch.setenv("DLGRADE_LANG", "en")
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "dlgrade itself failed" in err
    saved = Path(err.split("Details: ")[1].split(" — ")[0].strip())
    assert "RuntimeError: a bug" in saved.read_text(encoding="utf-8")
    saved.unlink()


def test_similarity_has_help():
    result = CliRunner().invoke(main, ["similarity", "--help"], env=ENV)
    assert result.exit_code == 0 and "Example" in result.output


def test_a_tool_error_in_one_submission_is_recorded_and_the_class_goes_on(tmp_path, course, monkeypatch):
    import dlgrade.grading.grade_submission as runner
    from dlgrade.bulk.gradebook import Gradebook
    from dlgrade.bulk.grade_class import grade_class

    real = runner.forbidden_scan.scan

    def scan(source, forbidden):
        if "# trips the analysis" in source:
            raise RecursionError("maximum recursion depth exceeded")
        return real(source, forbidden)

    monkeypatch.setattr(runner.forbidden_scan, "scan", scan)
    folder = tmp_path / "class"
    for student, source in {"a": CORRECT, "b": CORRECT + "\n# trips the analysis\n", "c": CORRECT}.items():
        (folder / student).mkdir(parents=True)
        (folder / student / "conv.py").write_text(source, encoding="utf-8")
    db = tmp_path / "g.db"
    summary = grade_class(folder, [course.resolve("ex05")], db, jobs=1)  # graded in this process
    assert summary.graded == 3
    with Gradebook(db) as book:
        scores = {r.student: r.score for r in book.current_results()}
        stored = book.current_result_json("b", "ex05")
    assert scores == {"a": 22, "b": 0, "c": 22}
    assert {c["status"] for c in stored["checks"]} == {"tool-error"} and stored["max_score"] == 22
    assert "RecursionError" in stored["checks"][0]["internal"]
    report = CliRunner().invoke(main, ["report", "--db", str(db), "--json"], env=ENV)
    helped = {h["student"]: h for h in json.loads(report.stdout)["help"]}
    assert "report.help.tool-error" in json.dumps(helped["b"])
    shown = CliRunner().invoke(main, ["report", "--db", str(db)], env=ENV)
    assert "the grading tool failed" in shown.stdout


# ----------------------------------------------------------------------------- a required name that is not a function
def _required_names():
    """(exercise id, name, "function" or "class") for every name every exercise's stub defines."""
    import ast

    from dlgrade.course import load_course

    found = []
    for exercise in load_course(ROOT).exercises:
        tree = ast.parse((ROOT / "exercises" / exercise.folder / exercise.file).read_text(encoding="utf-8"))
        found += [(exercise.id, node.name, "class" if isinstance(node, ast.ClassDef) else "function")
                  for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    return found


REQUIRED = _required_names()
#: what a file can bind a required name to at top level, none of which can be called as asked
NOT_CALLABLE = {"None": "{name} = None\n", "a number": "{name} = 42\n", "a module": "import math as {name}\n",
                "an instance": "class _Thing:\n    pass\n\n\n{name} = _Thing()\n",
                "a class": "class {name}:\n    pass\n"}


def test_the_required_names_come_from_every_exercise():
    from dlgrade.course import load_course

    assert {ex for ex, _name, _kind in REQUIRED} == {e.id for e in load_course(ROOT).exercises}
    assert ("ex05", "convolve", "function") in REQUIRED and ("ex07", "RNN", "class") in REQUIRED


@pytest.mark.parametrize("exercise_id, name, kind", REQUIRED, ids=[f"{e}-{n}" for e, n, _k in REQUIRED])
def test_a_required_name_bound_to_what_cannot_be_called_fails_its_checks_with_a_clear_message(
        grade_file, course, exercise_id, name, kind):
    from dlgrade.messages import localize_feedback

    exercise = course.resolve(exercise_id)
    solution = (ROOT / "solutions" / exercise.folder / exercise.file).read_text(encoding="utf-8")
    full = grade_file(exercise_id, solution)
    assert full.score == full.max_score
    forms = {what: text for what, text in NOT_CALLABLE.items() if not (what == "a class" and kind == "class")}
    for what, text in forms.items():
        result = grade_file(exercise_id, solution + "\n\n" + text.format(name=name))
        statuses = {c.name: c.status for c in result.checks}
        assert "tool-error" not in statuses.values(), (what, [(c.name, c.internal) for c in result.checks
                                                             if c.status == "tool-error"])
        said = [c for c in result.checks if f"{name} is not a {kind}" in c.message]
        assert said, (what, {c.name: c.message[:120] for c in result.checks if c.status != "passed"})
        assert all(c.status == "failed" and c.score == 0 for c in said), [(c.name, c.status) for c in said]
        assert result.score < result.max_score
        korean = localize_feedback(said[0].message, "ko")
        assert ("함수가 아닙니다" if kind == "function" else "클래스가 아닙니다") in korean, korean
