"""Evaluation sessions: late-policy arithmetic, session-file validation, session grading
into the gradebook, and the instructor's report (terminal, JSON, HTML in a real browser)."""

import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dlgrade.bulk.gradebook import SCHEMA_VERSION, Gradebook
from dlgrade.cli import main
from dlgrade.reporting.html import render_html
from dlgrade.reporting.model import build_report, histogram, message_pattern
from dlgrade.reporting.terminal import render_report
from dlgrade.session.config import SessionError, load_session, read_roster, read_times
from dlgrade.session.late import EARLY, LATE, ON_TIME, LatePolicy, assess, kept_fraction, weighted_score
from dlgrade.session.grade_session import grade_session, score_session

SEOUL = ZoneInfo("Asia/Seoul")
OPENS = datetime(2026, 11, 27, 14, 0, tzinfo=SEOUL)
CLOSES = datetime(2026, 11, 27, 15, 0, tzinfo=SEOUL)
TEN_PER_TEN = LatePolicy("percent", percent=10, per_minutes=10, floor=50)
COMMANDS = [["session"], ["session", "check"], ["session", "grade"], ["session", "watch"], ["report"]]
EXAMPLE = ROOT / "examples" / "sessions" / "week3.yaml"


def backend():
    return os.environ.get("DLGRADE_SANDBOX") or None


def env(lang="en"):
    return {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": lang, "COLUMNS": "220"}


# ----------------------------------------------------------------------------- late policy arithmetic
def after_close(**delta):
    return CLOSES + timedelta(**delta)


@pytest.mark.parametrize("delta, timing, steps, kept", [
    (timedelta(minutes=-1), ON_TIME, 0, 1.0),
    (timedelta(0), ON_TIME, 0, 1.0),  # exactly at the close is on time
    (timedelta(seconds=1), LATE, 1, 0.9),  # one second late starts the first 10 minutes
    (timedelta(minutes=10), LATE, 1, 0.9),  # exactly 10 minutes: still the first period
    (timedelta(minutes=10, seconds=1), LATE, 2, 0.8),  # one second more starts the second
    (timedelta(minutes=40), LATE, 4, 0.6),
    (timedelta(minutes=45), LATE, 5, 0.5),  # 100 - 5×10 = 50: exactly the floor
    (timedelta(minutes=50, seconds=1), LATE, 6, 0.5),  # 100 - 6×10 = 40 < floor 50
    (timedelta(days=3), LATE, 432, 0.5),
])
def test_percent_policy_per_started_period_with_a_floor(delta, timing, steps, kept):
    verdict = assess(TEN_PER_TEN, OPENS, CLOSES, CLOSES + delta)
    assert (verdict.timing, verdict.steps, verdict.multiplier) == (timing, steps, kept)
    assert verdict.late_seconds == max(0.0, delta.total_seconds())


def test_zero_and_none_policies():
    assert assess(LatePolicy("zero"), OPENS, CLOSES, CLOSES).multiplier == 1.0
    assert assess(LatePolicy("zero"), OPENS, CLOSES, after_close(seconds=1)).multiplier == 0.0
    lenient = assess(LatePolicy("none"), OPENS, CLOSES, after_close(hours=2))
    assert (lenient.timing, lenient.multiplier, lenient.late_seconds) == (LATE, 1.0, 7200.0)


def test_before_opening_is_flagged_not_penalised():
    verdict = assess(TEN_PER_TEN, OPENS, CLOSES, OPENS - timedelta(seconds=1))
    assert (verdict.timing, verdict.multiplier) == (EARLY, 1.0)
    assert assess(TEN_PER_TEN, OPENS, CLOSES, OPENS).timing == ON_TIME


def test_times_in_other_zones_compare_as_instants():
    # 06:00:01 UTC is 15:00:01 in Seoul: one second late.
    verdict = assess(TEN_PER_TEN, OPENS, CLOSES, datetime(2026, 11, 27, 6, 0, 1, tzinfo=timezone.utc))
    assert (verdict.timing, verdict.steps) == (LATE, 1)
    with pytest.raises(ValueError, match="no time zone"):
        assess(TEN_PER_TEN, OPENS, CLOSES, datetime(2026, 11, 27, 15, 0))


def test_uneven_percent_and_period():
    policy = LatePolicy("percent", percent=7.5, per_minutes=15, floor=0)
    # 31 minutes late: 3 started 15-minute periods, 3 × 7.5 = 22.5 % lost
    assert kept_fraction(policy, 31 * 60) == (3, 0.775)
    # 14 periods would be 105 %: the floor of 0 stops it
    assert kept_fraction(policy, 14 * 15 * 60) == (14, 0.0)


def test_weighted_score():
    assert weighted_score(11, 22, 40, 1.0) == 20.0
    assert weighted_score(22, 22, 30, 0.9) == 27.0
    assert weighted_score(0, 0, 30, 1.0) == 0.0


def test_reason_text_says_what_happened():
    floor = assess(TEN_PER_TEN, OPENS, CLOSES, after_close(minutes=50, seconds=1))
    assert floor.reason(TEN_PER_TEN, "en") == "50m01s late: penalty capped at the 50% floor → 50% kept"
    first = assess(TEN_PER_TEN, OPENS, CLOSES, after_close(seconds=1))
    assert first.reason(TEN_PER_TEN, "en") == "0m01s late: 1 × 10% per started 10 min → 90% kept"
    assert "늦음" in first.reason(TEN_PER_TEN, "ko")


# ----------------------------------------------------------------------------- session files
def write_session(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """name: week9
exercises: {ex01: 40, ex05: 60}
opens: 2026-11-27 14:00
closes: 2026-11-27 15:00
late: {percent: 10, per_minutes: 10, floor: 50}
"""


def test_a_valid_session_file(tmp_path, course):
    s = load_session(write_session(tmp_path, GOOD), course)
    assert s.name == "week9" and s.timezone == "Asia/Seoul" and s.seed_salt == "week9"
    assert [(e.exercise.id, e.weight) for e in s.exercises] == [("ex01", 40.0), ("ex05", 60.0)]
    assert s.opens == OPENS and s.closes == CLOSES
    assert s.late == TEN_PER_TEN and s.roster is None and s.max_total == 100


def test_the_bundled_example_session(course):
    s = load_session(EXAMPLE, course)
    assert [e.exercise.id for e in s.exercises] == ["ex04", "ex05", "ex06"]
    assert "s09_seo" in s.roster and "홍길동" not in s.roster  # one absent, one unknown submitter
    assert s.roster["s01_kim"] == "김민준"


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("ex01: 40", "ex09: 40"),
     ["s.yaml, line 2, exercises.ex09: unknown exercise 'ex09'; valid exercises: ex01, ex02, ex03, ex04, ex05, "
      "ex06, ex07"]),
    (GOOD.replace("ex01: 40", "ex01: -3"),
     ["s.yaml, line 2, exercises.ex01: the weight of ex01 must be a positive number, got '-3' (e.g. ex01: 30)"]),
    (GOOD.replace("ex01: 40", "ex01: forty"),
     ["s.yaml, line 2, exercises.ex01: the weight of ex01 must be a positive number, got 'forty' (e.g. ex01: 30)"]),
    (GOOD.replace("closes: 2026-11-27 15:00", "closes: 2026-11-27 13:00"),
     ["s.yaml, line 4, closes: must be after opens (2026-11-27T14:00:00+09:00), got 2026-11-27T13:00:00+09:00"]),
    (GOOD + "timezone: Asia/Sel\n",
     ["s.yaml, line 6, timezone: 'Asia/Sel' is not an IANA time zone name (e.g. Asia/Seoul, UTC)"]),
    (GOOD.replace("opens: 2026-11-27 14:00", "opens: friday 2pm"),
     ["s.yaml, line 3, opens: 'friday 2pm' is not a date and time; write 2026-11-27 14:00 or "
      "2026-11-27T14:00:00+09:00"]),
    (GOOD.replace("opens: 2026-11-27 14:00", "opens: 2026-11-27"),
     ["s.yaml, line 3, opens: '2026-11-27' is not a date and time; write 2026-11-27 14:00 or "
      "2026-11-27T14:00:00+09:00"]),
    (GOOD.replace("opens: 2026-11-27 14:00\n", ""),
     ["s.yaml, opens: is required (e.g. 2026-11-27 14:00)"]),
    (GOOD.replace("late: {percent: 10, per_minutes: 10, floor: 50}", "late: sometimes"),
     ["s.yaml, line 5, late: 'sometimes' is not a late policy; use none, zero, or "
      "{percent: 10, per_minutes: 10, floor: 50}"]),
    (GOOD.replace("floor: 50", "floor: 150"),
     ["s.yaml, line 5, late.floor: floor must be between 0 and 100 (the lowest percent kept), got '150'"]),
    (GOOD.replace("per_minutes: 10", "per_minute: 10"),
     ["s.yaml, line 5, late.per_minute: unknown field; valid fields: percent, per_minutes, floor",
      "s.yaml, line 5, late.per_minutes: per_minutes must be a number of minutes above 0, got 'None'"]),
    (GOOD + "seed: 3\n",
     ["s.yaml, line 6, seed: unknown field; valid fields: name, exercises, opens, closes, timezone, late, "
      "seed_salt, roster, times_from, extensions, resubmission"]),
    (GOOD + "roster: nobody.csv\n", ["s.yaml, line 6, roster: file not found: {tmp}/nobody.csv"]),
])
def test_each_mistake_is_named_with_its_line_and_fix(tmp_path, course, text, expected):
    with pytest.raises(SessionError) as error:
        load_session(write_session(tmp_path, text), course)
    assert error.value.problems == [e.replace("{tmp}", str(tmp_path)) for e in expected]


def test_every_mistake_is_reported_at_once(tmp_path, course):
    text = GOOD.replace("ex01: 40", "ex09: 40").replace("15:00", "13:00") + "timezone: Mars/Base\n"
    with pytest.raises(SessionError) as error:
        load_session(write_session(tmp_path, text), course)
    assert [p.split(",")[2].split(":")[0].strip() for p in error.value.problems] == \
        ["timezone", "exercises.ex09", "closes"]


def test_yaml_syntax_error_shows_line_and_column(tmp_path, course):
    path = write_session(tmp_path, "name: w\nexercises: {ex01: 40\nopens: x\n")
    with pytest.raises(SessionError) as error:
        load_session(path, course)
    [problem] = error.value.problems
    assert problem.startswith("s.yaml, line 3, column 6: YAML syntax error")


def test_roster_mistakes_carry_line_numbers(tmp_path, course):
    (tmp_path / "roster.csv").write_text("id,name\ns1,Kim\n,Lee\ns1,Park\n", encoding="utf-8")
    path = write_session(tmp_path, GOOD + "roster: roster.csv\n")
    with pytest.raises(SessionError) as error:
        load_session(path, course)
    assert error.value.problems == [
        "s.yaml, line 6, roster: roster.csv, line 3: the student id is empty",
        "s.yaml, line 6, roster: roster.csv, line 4: s1 appears again (first on line 2); keep one line"]
    (tmp_path / "bad.csv").write_text("student_name,email\nKim,k@x\n", encoding="utf-8")
    with pytest.raises(SessionError, match=r"bad.csv, line 1: no 'id' column \(header: student_name,email\); "
                                           r"write the header as id,name"):
        read_roster(tmp_path / "bad.csv")


def test_roster_with_a_bom_and_korean_names(tmp_path):
    (tmp_path / "r.csv").write_bytes("\ufeffid,name\r\ns1,김민준\r\n".encode("utf-8"))
    assert read_roster(tmp_path / "r.csv") == {"s1": "김민준"}


def test_times_csv(tmp_path, course):
    s = load_session(write_session(tmp_path, GOOD), course)
    (tmp_path / "t.csv").write_text("student,submitted_at,exercise\ns1,2026-11-27 15:05,\n"
                                    "s2,2026-11-27T06:10:00Z,ex05\ns3,yesterday,\ns4,2026-11-27 15:00,ex09\n")
    with pytest.raises(SessionError) as error:
        read_times(tmp_path / "t.csv", s)
    assert error.value.problems == [
        "t.csv, line 4: 'yesterday' is not a date and time; write 2026-11-27 14:00 or 2026-11-27T14:00:00+09:00",
        "t.csv, line 5: unknown exercise 'ex09'; valid exercises: ex01, ex05"]
    (tmp_path / "t.csv").write_text("student,submitted_at,exercise\ns1,2026-11-27 15:05,\n"
                                    "s2,2026-11-27T06:10:00Z,ex05\n")
    assert read_times(tmp_path / "t.csv", s) == {
        ("s1", None): datetime(2026, 11, 27, 15, 5, tzinfo=SEOUL),
        ("s2", "ex05"): datetime(2026, 11, 27, 15, 10, tzinfo=SEOUL)}


def test_cli_session_errors_exit_2_with_every_problem(tmp_path):
    path = write_session(tmp_path, GOOD.replace("ex01: 40", "ex09: 40") + "timezone: Mars/Base\n")
    result = CliRunner().invoke(main, ["session", "check", str(path)], env=env())
    assert result.exit_code == 2
    assert "the session file has 2 problem(s):" in result.output
    assert "unknown exercise 'ex09'" in result.output and "'Mars/Base' is not an IANA" in result.output
    korean = CliRunner().invoke(main, ["session", "check", str(path)], env=env("ko"))
    assert korean.exit_code == 2 and "세션 파일에 고칠 곳이 2개 있습니다" in korean.output
    missing = CliRunner().invoke(main, ["session", "check", str(tmp_path / "none.yaml")], env=env())
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_cli_session_check_json():
    result = CliRunner().invoke(main, ["session", "check", str(EXAMPLE), "--json"], env=env())
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["exercises"] == {"ex04": 30.0, "ex05": 40.0, "ex06": 30.0}
    assert data["opens"] == "2026-11-27T14:00:00+09:00" and data["roster"] == 12


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"], env=env())
    assert result.exit_code == 0
    assert "Example" in result.output


# ----------------------------------------------------------------------------- grading a session
SESSION = """name: week9
exercises: {ex01: 40, ex05: 60}
opens: 2026-11-27 14:00
closes: 2026-11-27 15:00
late: {percent: 10, per_minutes: 10, floor: 50}
roster: roster.csv
"""
HOSTILE_MESSAGE = "<script>alert('x')</script><b>bold</b>"


def seoul_timestamp(hour, minute, second=0):
    return datetime(2026, 11, 27, hour, minute, second, tzinfo=SEOUL).timestamp()


def put(folder: Path, relative: str, text: str, when: float):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))


@pytest.fixture(scope="module")
def small_class(tmp_path_factory, course):
    """Four submitters (one late by zip time, one late past the floor, one not in the roster,
    one whose code raises an HTML-ish error) and one absent roster student."""
    root = tmp_path_factory.mktemp("session")
    folder = root / "class"
    ex01, ex05 = course.resolve("ex01"), course.resolve("ex05")
    solution01 = ex01.solution_path.read_text(encoding="utf-8")
    solution05 = ex05.solution_path.read_text(encoding="utf-8")
    mutant05 = (ROOT / "tests/submissions/ex05_correlate2d/mutants/same_pad_wrong_side.py").read_text()
    on_time = seoul_timestamp(14, 30)
    put(folder / "s1", "ex01_perceptron/perceptron.py", solution01, on_time)
    put(folder / "s1", "ex05_correlate2d/conv.py", solution05, on_time)
    with zipfile.ZipFile(folder / "s2.zip", "w") as archive:  # arrived 15:05 Seoul time = 5 min late
        for name, text in (("perceptron.py", solution01), ("conv.py", mutant05)):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 27, 15, 5, 0)), text)
    os.utime(folder / "s2.zip", (seoul_timestamp(15, 5), seoul_timestamp(15, 5)))  # it arrived at 15:05
    hostile = solution05.replace('def correlate(x, w, mode="valid"):',
                                 f'def correlate(x, w, mode="valid"):\n    raise ValueError("{HOSTILE_MESSAGE}")\n\n\n'
                                 'def _unused(x, w, mode="valid"):')
    assert hostile != solution05
    put(folder / "s3", "conv.py", hostile, seoul_timestamp(14, 59, 59))
    put(folder / "s4", "perceptron.py", solution01, seoul_timestamp(16, 10))  # 70 min late: floor
    (root / "roster.csv").write_text("id,name\ns1,김민준\ns2,이서연\ns3,<i>Park</i>\ns5,서예린\n", encoding="utf-8")
    session_file = write_session(root, SESSION, "week9.yaml")
    db = root / "gradebook.db"
    session = load_session(session_file, course)
    summary = grade_session(session, folder, db, jobs=2, backend=backend())
    return {"root": root, "folder": folder, "db": db, "session": session, "summary": summary,
            "session_file": session_file}


def rows_by_key(db, session="week9"):
    with Gradebook(db) as book:
        results = {(r["student"], r["exercise"]): r for r in book.session_results(session)}
        students = {s["student"]: s for s in book.session_students(session)}
    return results, students


def test_session_grading_applies_times_late_policy_and_weights(small_class):
    summary = small_class["summary"]
    assert summary.unknown == ["s4"] and summary.absent == ["s5"]
    assert summary.students == ["s1", "s2", "s3", "s4", "s5"]
    results, students = rows_by_key(small_class["db"])
    s1 = students["s1"]
    assert (s1["total"], s1["max_total"], s1["name"], s1["in_roster"]) == (100.0, 100.0, "김민준", 1)
    # s2: zip entries dated 15:05 Seoul time = 06:05 UTC, 5 minutes late: one started 10-minute period, ×0.9
    r = results[("s2", "ex01")]
    assert (r["submitted_at"], r["timing"], r["multiplier"], r["weighted"]) == \
        ("2026-11-27T06:05:00+00:00", "late", 0.9, 36.0)
    r5 = results[("s2", "ex05")]
    assert 0 < r5["score"] < r5["max_score"]  # the mutant loses points
    assert r5["weighted"] == pytest.approx(r5["score"] / r5["max_score"] * 60 * 0.9)
    assert students["s2"]["total"] == pytest.approx(36.0 + r5["weighted"])
    # s3: one second before the close, ex01 not handed in
    assert (results[("s3", "ex05")]["timing"], results[("s3", "ex05")]["multiplier"]) == ("on_time", 1.0)
    assert (results[("s3", "ex01")]["status"], results[("s3", "ex01")]["weighted"]) == ("not_submitted", 0.0)
    # s4: 70 minutes late → 7 periods = 70 % lost, held at the 50 % floor; not in the roster
    assert (results[("s4", "ex01")]["multiplier"], results[("s4", "ex01")]["weighted"]) == (0.5, 20.0)
    assert students["s4"]["in_roster"] == 0
    # s5: on the roster, nothing handed in
    assert students["s5"]["total"] == 0.0 and students["s5"]["submitted"] == 0
    assert {results[("s5", e)]["status"] for e in ("ex01", "ex05")} == {"not_submitted"}


def test_session_uses_its_seed_salt(small_class):
    from dlgrade.bulk.grade_class import student_seed

    with Gradebook(small_class["db"]) as book:
        assert book.current("s1", "ex05").seed == student_seed("s1", "ex05", "week9")


def test_times_override_and_rescoring_without_regrading(small_class, tmp_path, course):
    db = tmp_path / "copy.db"
    shutil.copy(small_class["db"], db)
    (tmp_path / "times.csv").write_text("student,submitted_at\ns1,2026-11-27 15:25:00\n")
    times = read_times(tmp_path / "times.csv", small_class["session"])
    with Gradebook(db) as book:
        score_session(book, small_class["session"], ["s1"], times)
    results, students = rows_by_key(db)
    # 25 minutes late: 3 started periods → 70 % kept
    assert results[("s1", "ex01")]["multiplier"] == 0.7 and students["s1"]["total"] == 70.0


def test_session_grade_cli_resumes_and_prints_the_table(small_class, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(small_class["db"], db)
    args = ["session", "grade", str(small_class["session_file"]), str(small_class["folder"]), "--db", str(db),
            "--jobs", "1"] + (["--insecure"] if backend() == "rlimit" else [])
    result = CliRunner().invoke(main, args + ["--json"], env=env())
    assert result.exit_code == 0, result.output
    data = {d["student"]: d for d in json.loads(result.stdout)["students"]}
    assert data["s1"]["total"] == 100.0 and data["s4"]["in_roster"] is False
    assert data["s2"]["exercises"]["ex01"]["multiplier"] == 0.9
    table = CliRunner().invoke(main, args, env=env())
    assert table.exit_code == 0
    assert "0 graded · 6 unchanged (skipped) · 2 not submitted" in table.output  # nothing graded twice
    assert "submitters not in the roster: s4" in table.output and "absent (nothing handed in): s5" in table.output
    assert "s2 ex01: 5m00s late: 1 × 10% per started 10 min → 90% kept" in table.output
    assert "s4 ex01: 70m00s late: penalty capped at the 50% floor → 50% kept" in table.output


def test_session_grade_cli_bad_inputs(small_class, tmp_path):
    args = ["session", "grade", str(small_class["session_file"])]
    missing = CliRunner().invoke(main, args + [str(tmp_path / "nope"), "--db", str(tmp_path / "g.db")], env=env())
    assert missing.exit_code == 2 and "no such folder" in missing.output
    (tmp_path / "times.csv").write_text("who,when\n")
    bad_times = CliRunner().invoke(main, args + [str(small_class["folder"]), "--times", str(tmp_path / "times.csv")],
                                   env=env())
    assert bad_times.exit_code == 2
    assert "times.csv, line 1: no 'student' column (header: who,when)" in bad_times.output


def test_a_schema_1_gradebook_is_migrated_in_place(small_class, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(small_class["db"], db)
    with sqlite3.connect(db) as raw:  # what dlgrade wrote before sessions existed
        for table in ("sessions", "session_students", "session_results"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        graded = raw.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    with Gradebook(db) as book:
        assert book.sessions() == []
        assert len(book.current_results()) == graded
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


# ----------------------------------------------------------------------------- the report
def test_message_patterns_group_numbers_out():
    assert message_pattern("max abs err 0.31 at (2, 3)\nmore") == message_pattern("max abs err 0.29 at (0, 1)")
    assert message_pattern("case 12: rtol=1e-09, atol=-4.02e-09") == "case #: rtol=#, atol=#"
    assert message_pattern("float64 result from conv2d") == "float64 result from conv2d"  # names keep digits
    assert histogram([0, 9.99, 10, 55, 100, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_report_contents(small_class, course):
    with Gradebook(small_class["db"]) as book:
        report = build_report(book, course, "week9")
    assert [e.exercise for e in report.exercises] == ["ex01", "ex05"]
    ex01 = report.exercises[0]
    assert (ex01.students, ex01.submitted, ex01.weight) == (5, 3, 40.0)
    assert ex01.scores.histogram[-1] == 3  # three full marks
    assert report.unknown == ["s4"] and report.absent == ["s5"]
    # Item analysis: s3's error and s2's mutant fail ex05 checks; the hostile message is grouped verbatim
    failed = {(i.exercise, i.check): i for i in report.items if i.failed}
    assert failed and all(e == "ex05" for e, _ in failed)
    assert any(HOSTILE_MESSAGE in g.pattern for i in failed.values() for g in i.messages)
    assert report.items[0].failed >= report.items[-1].failed
    # Who needs help: s5 (nothing), s3 (an error, low total), s4 (late, missing ex05)
    help_ = {h.student: {r.key for r in h.reasons} for h in report.help}
    assert "report.help.missing" in help_["s5"] and "report.help.low_total" in help_["s5"]
    assert "report.help.error" in help_["s3"]
    assert "report.help.late" in help_["s4"]
    assert "s1" not in help_
    assert [p.name for p in report.history] == ["week9"]
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["session"] == "week9" and data["items"][0]["rate"] > 0


def test_history_compares_sessions_in_time_order(small_class, tmp_path, course):
    db = tmp_path / "two.db"
    shutil.copy(small_class["db"], db)
    earlier = write_session(tmp_path, SESSION.replace("week9", "week8").replace("27", "20")
                            .replace("roster: roster.csv\n", ""), "week8.yaml")
    session8 = load_session(earlier, course)
    with Gradebook(db) as book:
        score_session(book, session8, ["s1", "s3"], {})  # week 8: s1 full marks, s3 partial
        report = build_report(book, course, "week9")
        only8 = build_report(book, course, "week8")
    assert [p.name for p in report.history] == ["week8", "week9"]
    week8 = report.history[0]
    assert week8.students == 2 and week8.mean_total_percent < 100
    assert [p.name for p in only8.history] == ["week8"]  # later sessions are not "earlier"


def test_report_cli_terminal_and_json(small_class):
    db = str(small_class["db"])
    result = CliRunner().invoke(main, ["report", "--db", db, "--session", "week9"], env=env())
    assert result.exit_code == 0, result.output
    for text in ("Evaluation session week9", "Checks failed most", "Students who need help",
                 "submitters not in the roster: s4", "absent (nothing handed in): s5", HOSTILE_MESSAGE):
        assert text in result.output
    korean = CliRunner().invoke(main, ["report", "--db", db, "--session", "week9"], env=env("ko"))
    assert "가장 많이 실패한 검사" in korean.output and "도움이 필요한 학생" in korean.output
    whole = CliRunner().invoke(main, ["report", "--db", db, "--json"], env=env())
    assert whole.exit_code == 0 and json.loads(whole.stdout)["session"] is None
    unknown = CliRunner().invoke(main, ["report", "--db", db, "--session", "week99"], env=env())
    assert unknown.exit_code == 2 and "sessions: week9" in unknown.output
    missing = CliRunner().invoke(main, ["report", "--db", db + ".none"], env=env())
    assert missing.exit_code == 2


def test_html_is_self_contained_and_escapes_student_text(small_class, course):
    with Gradebook(small_class["db"]) as book:
        page = render_html(build_report(book, course, "week9"), "en")
    assert "<script" not in page  # the student's <script> message arrives escaped, and the page has none
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;i&gt;Park&lt;/i&gt;" in page and "<i>Park</i>" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<link" not in page and "src=" not in page


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(not chromium(), reason="needs chromium (apt-get install chromium)")
def test_html_report_renders_in_a_headless_browser(small_class, tmp_path):
    out = tmp_path / "week9.html"
    result = CliRunner().invoke(main, ["report", "--db", str(small_class["db"]), "--session", "week9",
                                       "--html", str(out)], env=env())
    assert result.exit_code == 0, result.output
    profile = tmp_path / "profile"
    browser = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--disable-extensions", "--disable-background-networking"]
    dom = subprocess.run(browser + ["--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=180).stdout
    # The browser parsed the page into the charts and rows the report holds.
    assert dom.count('class="histogram"') == 3  # the totals and one per exercise
    assert dom.count('<rect class="bar"') == 30
    assert 'data-exercise="ex05"' in dom and 'class="trend"' in dom and 'data-session="week9"' in dom
    assert dom.count('<tr class="item">') >= 1 and dom.count('<tr class="help">') >= 3
    assert 'id="n-students">5<' in dom
    assert "&lt;script&gt;" in dom and "<script>alert" not in dom
    shot = tmp_path / "week9.png"
    subprocess.run(browser + ["--window-size=1200,1600", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=180, cwd=tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_terminal_report_renders_without_markup(small_class, course):
    from rich.console import Console

    with Gradebook(small_class["db"]) as book:
        report = build_report(book, course, "week9")
    console = Console(markup=False, width=160, record=True, file=open(os.devnull, "w"))
    console.print(render_report(report, "en"))
    text = console.export_text()
    assert "<i>Park</i>" in text  # shown literally, not interpreted
    assert "90–100%" in text


# ----------------------------------------------------------------------------- watching the folder
def graded_students(db, session="week9"):
    if not db.exists():
        return set()
    with sqlite3.connect(db, timeout=30) as raw:
        try:
            return {row[0] for row in raw.execute(
                "SELECT student FROM session_results WHERE session = ? AND status = 'graded'", (session,))}
        except sqlite3.OperationalError:  # the tables are being created
            return set()


def poll(condition, timeout=300, every=0.2):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not reached in time")


def test_watcher_grades_submissions_as_they_appear_and_resumes(small_class, tmp_path):
    from dlgrade.session.watch import Watcher

    source, folder, db = small_class["folder"], tmp_path / "incoming", tmp_path / "live.db"
    folder.mkdir()
    session = small_class["session"]
    watcher = Watcher(session, folder, db, jobs=1, backend=backend())
    assert watcher.step() == [] and not db.exists()  # an empty folder: nothing to do
    shutil.copytree(source / "s1", folder / "s1")
    assert watcher.step() == []  # first seen: wait one scan for the copy to settle
    assert watcher.step() == ["s1"]
    assert graded_students(db) == {"s1"}
    shutil.copy2(source / "s2.zip", folder / "s2.zip")  # with its arrival time, as copytree keeps the folders'
    shutil.copytree(source / "s3", folder / "s3")
    assert watcher.step() == [] and watcher.step() == ["s2", "s3"]
    assert graded_students(db) == {"s1", "s2", "s3"}
    assert watcher.step() == []  # nothing changed, nothing graded
    assert sorted((e.student, e.exercise) for e in watcher.events) == [
        ("s1", "ex01"), ("s1", "ex05"), ("s2", "ex01"), ("s2", "ex05"), ("s3", "ex05")]
    # The same session results as grading the folder in one go.
    _, students = rows_by_key(db)
    assert students["s1"]["total"] == 100.0 and students["s2"]["total"] == rows_by_key(small_class["db"])[1]["s2"][
        "total"]
    assert "s5" in students and students["s5"]["total"] == 0.0  # the roster's absent student is listed

    # A restarted watcher grades nothing unchanged, then picks up an edit.
    again = Watcher(session, folder, db, jobs=1, backend=backend())
    assert again.step(settle=False) == ["s1", "s2", "s3"] and again.graded_count == 0
    edited = folder / "s1" / "ex01_perceptron" / "perceptron.py"
    edited.write_text(edited.read_text() + "\n# an edit in the last minute\n")
    poll(lambda: again.step() == ["s1"], timeout=60)
    assert again.graded_count == 1
    with Gradebook(db) as book:
        assert [row[4] for row in book.history("s1", "ex01")] == [0, 1]


def test_watch_once_prints_the_view(small_class, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(small_class["db"], db)
    args = ["session", "watch", str(small_class["session_file"]), str(small_class["folder"]), "--db", str(db),
            "--once"] + (["--insecure"] if backend() == "rlimit" else [])
    result = CliRunner().invoke(main, args, env=env())
    assert result.exit_code == 0, result.output
    assert "4/5 handed in · 1 absent" in result.output and "김민준" in result.output
    assert "week9 · " in result.output and "(Asia/Seoul)" in result.output


def test_watch_command_in_a_subprocess_picks_up_files_and_stops_on_sigint(small_class, tmp_path):
    import signal

    folder, db = tmp_path / "incoming", tmp_path / "live.db"
    folder.mkdir()
    args = [__import__("sys").executable, "-m", "dlgrade.cli", "session", "watch", str(small_class["session_file"]),
            str(folder), "--db", str(db), "--interval", "0.3"] + (["--insecure"] if backend() == "rlimit" else [])
    log = (tmp_path / "out.txt").open("w")
    process = subprocess.Popen(args, env={**os.environ, **env()}, stdout=log, stderr=subprocess.STDOUT)
    try:
        shutil.copytree(small_class["folder"] / "s1", folder / "s1")
        poll(lambda: "s1" in graded_students(db))
        shutil.copy(small_class["folder"] / "s2.zip", folder / "s2.zip")
        poll(lambda: {"s1", "s2"} <= graded_students(db))
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=120)
        log.close()
    output = (tmp_path / "out.txt").read_text()
    assert code == 0, output
    assert "stopped: 4 graded this run" in output
    _, students = rows_by_key(db)
    assert students["s1"]["total"] == 100.0


def test_messages_exist_in_both_languages_with_the_same_fields():
    import string

    from dlgrade.messages import MESSAGES

    keys = [k for k in MESSAGES if k.split(".")[0] in ("session", "late", "report", "watch")]
    assert len(keys) > 60
    for key in keys:
        ko, en = MESSAGES[key]["ko"], MESSAGES[key]["en"]
        assert ko and en, key
        fields = [{name for _, name, _, _ in string.Formatter().parse(text) if name} for text in (ko, en)]
        assert fields[0] == fields[1], key
