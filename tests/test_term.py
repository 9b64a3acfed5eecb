"""The instructor's term: session exports that are the grades, overrides, extensions, stored
--times, a changed session policy, gradebook migration with a backup.

Expected values are computed by hand in the comments (late arithmetic, weighted totals)."""

import csv
import io
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from conftest import ROOT
from dlgrade.bulk.decisions import DecisionError, override
from dlgrade.bulk.export import export_csv, export_json, feedback_markdown
from dlgrade.bulk.gradebook import SCHEMA_VERSION, Gradebook
from dlgrade.bridges.session_export import session_csv, session_grades, session_lms_csv
from dlgrade.cli import main
from dlgrade.results import CheckResult, ExerciseResult
from dlgrade.session.config import SessionError, load_session
from dlgrade.session.grade_session import SessionChanged, changed_settings, grade_session, score_session

SEOUL = ZoneInfo("Asia/Seoul")
UTC = ZoneInfo("UTC")

SESSION = """name: week9
exercises: {ex01: 40, ex05: 60}
opens: 2026-11-27 14:00
closes: 2026-11-27 15:00
late: {percent: 10, per_minutes: 10, floor: 50}
roster: roster.csv
extensions:
  s4: {minutes: 30}
  s6: {closes: 2026-11-27 16:00}
"""
ROSTER = "id,name\ns1,김민준\ns2,이서연\ns3,박지후\ns4,최유나\ns5,정하준\ns6,강서윤\n"


def env(lang="en"):
    return {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": lang, "COLUMNS": "200"}


@dataclass
class Handed:
    """What Gradebook.record needs of a submission file."""

    content_hash: str
    path: str
    submitted_at: str
    time_source: str = "folder"
    stated_at: str | None = None


def seoul(hour, minute, second=0):
    return datetime(2026, 11, 27, hour, minute, second, tzinfo=SEOUL)


def result(exercise: str, earned: float, points: float) -> ExerciseResult:
    """A graded result worth ``earned`` of ``points``, over two checks."""
    half = points / 2
    return ExerciseResult(exercise, seed=1, checks=[
        CheckResult("a", "public", "passed" if earned >= half else "failed", min(earned, half), half),
        CheckResult("b", "hidden", "passed" if earned >= points else "failed", max(0.0, earned - half), half,
                    message="max abs err 0.31")])


def hand_in(book, course, student, exercise, fraction, when, tag=""):
    points = course.resolve(exercise).points
    r = result(exercise, points * fraction, points)
    book.record(student=student, exercise=exercise, grader_version="g1", max_score=points, result=r,
                file=Handed(f"{student}{exercise}{fraction}{tag}", f"{student}/{exercise}.py",
                            when.astimezone(UTC).isoformat(timespec="seconds")))


@pytest.fixture
def term(tmp_path, course):
    """Six roster students, graded without a sandbox (results stored directly):
    s1 everything on time and right; s2 both 5 min late, ex05 half right; s3 absent;
    s4 25 min after the close with 30 extra minutes; s5 ex05 refused; s6 ex01 at 15:50 with
    an extension to 16:00, ex05 at 16:05 (5 min after their own close)."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "week9.yaml").write_text(SESSION, encoding="utf-8")
    session = load_session(tmp_path / "week9.yaml", course)
    db = tmp_path / "gradebook.db"
    with Gradebook(db) as book:
        hand_in(book, course, "s1", "ex01", 1.0, seoul(14, 30))
        hand_in(book, course, "s1", "ex05", 1.0, seoul(14, 40))
        hand_in(book, course, "s2", "ex01", 1.0, seoul(15, 5))
        hand_in(book, course, "s2", "ex05", 0.5, seoul(15, 5))
        hand_in(book, course, "s4", "ex01", 1.0, seoul(15, 25))
        hand_in(book, course, "s5", "ex01", 1.0, seoul(14, 50))
        book.record(student="s5", exercise="ex05", grader_version="g1", max_score=course.resolve("ex05").points,
                    status="refused", note="unsafe zip")
        hand_in(book, course, "s6", "ex01", 1.0, seoul(15, 50))
        hand_in(book, course, "s6", "ex05", 1.0, seoul(16, 5))
        score_session(book, session, ["s1", "s2", "s4", "s5", "s6"], {})
    return {"db": db, "session": session, "root": tmp_path}


# Hand-computed totals (weights ex01 40, ex05 60; 10 % per started 10 minutes, floor 50 %):
#   s1: 40 + 60 = 100
#   s2: 5 min late → ×0.9: 40×0.9 + 60×0.5×0.9 = 36 + 27 = 63
#   s3: absent → 0, not submitted
#   s4: 15:25 with a close of 15:30 → on time: 40; ex05 not submitted → 40
#   s5: 40 + refused 0 → 40
#   s6: 15:50 ≤ 16:00 → 40; 16:05 is 5 min after their own close → 60×0.9 = 54 → 94
EXPECTED = {"s1": (100.0, "graded"), "s2": (63.0, "late"), "s3": (0.0, "not_submitted"),
            "s4": (40.0, "graded"), "s5": (40.0, "refused"), "s6": (94.0, "late")}


def parse_csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_session_csv_holds_the_weighted_late_adjusted_totals_names_and_status(term, course):
    with Gradebook(term["db"]) as book:
        text = session_csv(book, course, "week9")
    rows = parse_csv(text)
    assert rows[0] == ["student", "name", "ex01", "ex05", "total", "max_total", "status", "overrides"]
    assert rows[1][:6] == ["points_possible", "", "40", "60", "100", ""]
    body = {r[0]: r for r in rows[2:]}
    assert sorted(body) == sorted(EXPECTED)
    for student, (total, status) in EXPECTED.items():
        assert float(body[student][4]) == pytest.approx(total), student
        assert body[student][6] == status, student
    assert body["s1"][1] == "김민준" and body["s3"][1] == "박지후"
    assert (body["s2"][2], body["s2"][3]) == ("36", "27")
    # "not submitted" is told apart from a 0 earned by handing in
    assert body["s3"][6] == "not_submitted" and body["s5"][6] == "refused"


def test_lms_exports_of_a_session(term, course):
    with Gradebook(term["db"]) as book:
        canvas = parse_csv(session_lms_csv(book, course, "week9", "canvas"))
        moodle = parse_csv(session_lms_csv(book, course, "week9", "moodle"))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "week9"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "100"]
    by_id = {r[2]: r for r in canvas[2:]}
    assert by_id["s2"][0] == "이서연" and float(by_id["s2"][5]) == 63.0
    assert by_id["s3"][5] == ""  # absent: no grade, not a 0
    assert float(by_id["s5"][5]) == 40.0
    assert moodle[0] == ["ID number", "Full name", "week9", "Feedback"]
    m = {r[0]: r for r in moodle[1:]}
    assert (m["s6"][2], m["s6"][3]) == ("94", "late") and (m["s3"][2], m["s3"][3]) == ("", "not_submitted")


def test_extensions_move_the_students_close_and_are_stored(term):
    with Gradebook(term["db"]) as book:
        rows = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}
    s4 = rows[("s4", "ex01")]
    assert (s4["timing"], s4["multiplier"]) == ("on_time", 1.0)
    assert datetime.fromisoformat(s4["closes_for"]) == seoul(15, 30)
    s6 = rows[("s6", "ex05")]
    assert (s6["timing"], s6["multiplier"], s6["late_seconds"]) == ("late", 0.9, 300.0)
    assert datetime.fromisoformat(s6["closes_for"]) == seoul(16, 0)
    assert rows[("s1", "ex01")]["closes_for"] is None


@pytest.mark.parametrize("text, key", [
    ("extensions: [s2]\n", "extensions"),
    ("extensions: {s2: {minutes: -5}}\n", "extra minutes must be a number above 0"),
    ("extensions: {s2: {closes: 2026-11-27 14:30}}\n", "is not after the session's close"),
    ("extensions: {s2: {days: 1}}\n", "takes exactly one of closes"),
    ("extensions: {s2: {closes: tomorrow}}\n", "tomorrow"),
])
def test_bad_extensions_are_named(tmp_path, course, text, key):
    path = tmp_path / "s.yaml"
    path.write_text(SESSION.split("roster:")[0] + text, encoding="utf-8")
    with pytest.raises(SessionError) as error:
        load_session(path, course)
    assert any(key in p and "extensions" in p for p in error.value.problems), error.value.problems


def test_export_cli_with_session_and_unknown_session(term):
    runner = CliRunner()
    out = runner.invoke(main, ["export", "csv", "--db", str(term["db"]), "--session", "week9"], env=env())
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0].startswith("student,name,ex01,ex05,total")
    lms = runner.invoke(main, ["export", "lms", "--lms", "canvas", "--db", str(term["db"]), "--session", "week9"],
                        env=env())
    assert lms.exit_code == 0 and "Points Possible" in lms.output
    bad = runner.invoke(main, ["export", "csv", "--db", str(term["db"]), "--session", "week8"], env=env("ko"))
    assert bad.exit_code == 2 and "week8" in bad.output and "week9" in bad.output and "세션" in bad.output


# ----------------------------------------------------------------------------- overrides
def test_override_counts_in_sessions_exports_and_feedback_and_survives_a_regrade(term, course):
    db = term["db"]
    points05 = course.resolve("ex05").points
    with Gradebook(db) as book:
        outcome = override(book, course, "s2", "ex05", score=points05, reason="grader bug", by="prof")
        assert outcome.graded_score == pytest.approx(points05 / 2)
        grades = {g.student: g for g in session_grades(book, "week9")[1]}
        # the override is final: 60 (no late penalty) + 36 for ex01 (still 5 min late) = 96
        assert grades["s2"].total == pytest.approx(96.0) and grades["s2"].overrides == {"ex05": points05}
        # the plain export uses it too: ex01 points + ex05 points
        plain = {r["student"]: r for r in csv.DictReader(io.StringIO(export_csv(book, course)))}
        assert float(plain["s2"]["ex05"]) == points05
        data = {e["student"]: e for e in json.loads(export_json(book, course))}
        assert data["s2"]["exercises"]["ex05"]["override"]["reason"] == "grader bug"
        assert data["s2"]["exercises"]["ex05"]["override"]["by"] == "prof"
        assert "grader bug" in feedback_markdown(book, course, "s2", "en")
        assert "조정" in feedback_markdown(book, course, "s2", "ko")
        # a regrade (a new current result) keeps the override in force, and so does rescoring
        hand_in(book, course, "s2", "ex05", 0.0, seoul(15, 5), tag="regrade")
        score_session(book, term["session"], ["s2"], {})
        grades = {g.student: g for g in session_grades(book, "week9")[1]}
        assert grades["s2"].total == pytest.approx(96.0)
        # clearing it brings back the graded score: 36 + 0 = 36, and keeps the history
        override(book, course, "s2", "ex05", clear=True, by="prof")
        grades = {g.student: g for g in session_grades(book, "week9")[1]}
        assert grades["s2"].total == pytest.approx(36.0) and grades["s2"].overrides == {}
        history = book.overrides(include_cleared=True)
        assert [(o.reason, o.cleared_by) for o in history] == [("grader bug", "prof")]


def test_override_of_an_absent_student_counts(term, course):
    points01 = course.resolve("ex01").points
    with Gradebook(term["db"]) as book:
        override(book, course, "s3", "ex01", score=points01 / 2, reason="medical: oral exam", by="prof")
        g = {g.student: g for g in session_grades(book, "week9")[1]}["s3"]
    assert g.total == pytest.approx(20.0) and g.status == "graded"  # 40 × ½


@pytest.mark.parametrize("args, key", [
    (dict(student="s9", exercise="ex05", score=1, reason="x"), "override.unknown_student"),
    (dict(student="S2", exercise="ex05", score=1, reason="x"), "override.student_alike"),
    (dict(student="s2", exercise="ex99", score=1, reason="x"), "override.unknown_exercise"),
    (dict(student="s2", exercise="ex05", score=-1, reason="x"), "override.bad_score"),
    (dict(student="s2", exercise="ex05", score=1000, reason="x"), "override.bad_score"),
    (dict(student="s2", exercise="ex05", score=1, reason="  "), "override.no_reason"),
    (dict(student="s2", exercise="ex05", clear=True), "override.none_to_clear"),
])
def test_bad_overrides_are_refused(term, course, args, key):
    with Gradebook(term["db"]) as book:
        with pytest.raises(DecisionError) as error:
            override(book, course, by="prof", **args)
        assert error.value.key == key
        assert book.overrides(include_cleared=True) == []


def test_override_cli(term, course):
    runner = CliRunner()
    db = str(term["db"])
    done = runner.invoke(main, ["override", "s2", "ex05", "--score", "3", "--reason", "재채점", "--db", db, "--json"],
                         env=env())
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert (data["student"], data["exercise"], data["score"], data["cleared"]) == ("s2", "ex05", 3.0, False)
    text = runner.invoke(main, ["override", "s2", "ex05", "--clear", "--db", db], env=env("ko"))
    assert text.exit_code == 0 and "취소" in text.output
    for args in (["s2", "ex05", "--db", db], ["s2", "ex05", "--score", "1", "--clear", "--db", db],
                 ["S2", "ex05", "--score", "1", "--reason", "r", "--db", db]):
        bad = runner.invoke(main, ["override", *args], env=env())
        assert bad.exit_code == 2, (args, bad.output)
    assert "s2" in bad.output  # the id differing only in case is pointed out
    missing = runner.invoke(main, ["override", "s2", "ex05", "--score", "1", "--reason", "r", "--db",
                                   str(term["root"] / "none.db")], env=env())
    assert missing.exit_code == 2 and not (term["root"] / "none.db").exists()


# ----------------------------------------------------------------------------- stored times, policy change
def test_times_are_stored_and_a_changed_policy_needs_force(term, course, tmp_path):
    session = term["session"]
    empty = tmp_path / "empty"
    empty.mkdir()
    # s1's ex01 really arrived at 15:12 Seoul time (an LMS time): 12 min late → 2 periods → ×0.8 → 32
    times = {("s1", "ex01"): seoul(15, 12)}
    grade_session(session, empty, term["db"], times=times, times_source="lms_times.csv", backend="rlimit")
    with Gradebook(term["db"]) as book:
        assert book.stored_times("week9") == times
        rows = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}
        assert (rows[("s1", "ex01")]["weighted"], rows[("s1", "ex01")]["time_source"]) == (32.0, "times")
    # a later run without --times keeps them
    summary = grade_session(session, empty, term["db"], backend="rlimit")
    assert summary.times_reused == 1
    with Gradebook(term["db"]) as book:
        rows = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}
        assert rows[("s1", "ex01")]["weighted"] == 32.0
    # the same name with another late policy is refused without --force, before anything is graded
    changed_file = term["root"] / "week9.yaml"
    changed_file.write_text(SESSION.replace("percent: 10", "percent: 20"), encoding="utf-8")
    changed = load_session(changed_file, course)
    with Gradebook(term["db"]) as book:
        assert changed_settings(book.session_config("week9"), changed) == ["late"]
    with pytest.raises(SessionChanged) as error:
        grade_session(changed, empty, term["db"], backend="rlimit")
    assert "late" in error.value.message("en") and "--force" in error.value.message("ko")
    # with --force: 12 min late → 2 periods of 20 % → ×0.6 → 24
    grade_session(changed, empty, term["db"], backend="rlimit", force=True)
    with Gradebook(term["db"]) as book:
        rows = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}
        assert rows[("s1", "ex01")]["weighted"] == 24.0


def test_the_same_instant_written_in_another_zone_is_no_change(term, course):
    path = term["root"] / "week9.yaml"
    path.write_text(SESSION.replace("opens: 2026-11-27 14:00", "opens: 2026-11-27T05:00:00+00:00"), encoding="utf-8")
    with Gradebook(term["db"]) as book:
        assert changed_settings(book.session_config("week9"), load_session(path, course)) == []


# ----------------------------------------------------------------------------- migration
def test_an_older_gradebook_is_backed_up_before_migrating_and_the_user_is_told(term, course):
    db = term["db"]
    with sqlite3.connect(db) as raw:  # make it a schema 3 gradebook again
        raw.execute("DROP TABLE overrides")
        raw.execute("DROP TABLE session_times")
        raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    raw.close()
    runner = CliRunner()
    done = runner.invoke(main, ["override", "s1", "ex01", "--score", "1", "--reason", "r", "--db", str(db)],
                         env=env())
    assert done.exit_code == 0, done.output
    backup = db.with_name("gradebook.db.schema3.bak")
    assert backup.is_file() and "schema3.bak" in done.output
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "3"
        assert copy.execute("SELECT COUNT(*) FROM session_students").fetchone()[0] == 6
    with Gradebook(db) as book:
        assert book.migrated_from is None and len(book.session_students("week9")) == 6
        assert int(book.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]) == \
            SCHEMA_VERSION


# ----------------------------------------------------------------------------- partial regrades, the lock, Ctrl-C
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

MUTANT01 = ROOT / "tests/submissions/ex01_perceptron/mutants/no_bias_update.py"


def sandbox_args():
    return ["--insecure"] if os.environ.get("DLGRADE_SANDBOX") == "rlimit" else []


@pytest.fixture
def ex01_class(tmp_path, course):
    folder = tmp_path / "class"
    solution = course.resolve("ex01").solution_path.read_text(encoding="utf-8")
    for student in ("s1", "s2", "s3"):
        (folder / student).mkdir(parents=True)
        (folder / student / "perceptron.py").write_text(solution, encoding="utf-8")
    return folder


def results_per_student(db):
    raw = sqlite3.connect(db)
    try:
        return dict(raw.execute("SELECT student, COUNT(*) FROM results GROUP BY student").fetchall())
    except sqlite3.OperationalError:  # the gradebook's tables are being created
        return {}
    finally:
        raw.close()


def test_grade_students_regrades_only_them_and_says_whose_scores_moved(ex01_class, tmp_path):
    db = tmp_path / "g.db"
    runner = CliRunner()
    first = runner.invoke(main, ["grade", str(ex01_class), "--exercises", "ex01", "--db", str(db), "-j", "1",
                                 *sandbox_args()], env=env())
    assert first.exit_code == 0, first.output
    assert results_per_student(db) == {"s1": 1, "s2": 1, "s3": 1}
    shutil.copy(MUTANT01, ex01_class / "s1" / "perceptron.py")  # s1 hands in worse code
    shutil.copy(MUTANT01, ex01_class / "s2" / "perceptron.py")  # so does s2, but s2 is not regraded
    again = runner.invoke(main, ["grade", str(ex01_class), "--exercises", "ex01", "--db", str(db), "-j", "1",
                                 "--students", "s1,s3", "--force", "--json", *sandbox_args()], env=env())
    assert again.exit_code == 0, again.output
    assert results_per_student(db) == {"s1": 2, "s2": 1, "s3": 2}
    changes = json.loads(again.output)["changes"]
    assert [c["student"] for c in changes["down"]] == ["s1"] and changes["up"] == []
    assert changes["down"][0]["after"] < changes["down"][0]["before"]
    # the terminal says it too, in Korean
    shutil.copy(ROOT / "solutions/ex01_perceptron/perceptron.py", ex01_class / "s1" / "perceptron.py")
    text = runner.invoke(main, ["grade", str(ex01_class), "--exercises", "ex01", "--db", str(db), "-j", "1",
                                "--students", "s1", "--lang", "ko", *sandbox_args()], env=env("ko"))
    assert text.exit_code == 0, text.output
    assert "점수가 오른 제출 1개" in text.output and "s1 ex01" in text.output


HOLD = """
import sys
from dlgrade.bulk.lock import grading_lock
with grading_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_two_runs_on_one_gradebook_never_both_grade(ex01_class, tmp_path):
    from dlgrade.bulk.lock import GradebookLocked, grading_lock

    db = tmp_path / "g.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = CliRunner().invoke(main, ["grade", str(ex01_class), "--exercises", "ex01", "--db", str(db),
                                            *sandbox_args()], env=env())
        assert refused.exit_code == 1
        assert "another grading run" in refused.output and f"pid {holder.pid}" in refused.output
        assert not db.exists() or results_per_student(db) == {}  # nothing graded by the second run
        with pytest.raises(GradebookLocked):
            with grading_lock(db):
                pass
        holder.stdin.close()  # the first run ends: a waiting run goes ahead
        with grading_lock(db, wait=600):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_ctrl_c_says_how_many_results_were_saved_and_a_rerun_resumes(tmp_path, course):
    folder = tmp_path / "class"
    solution = course.resolve("ex01").solution_path.read_text(encoding="utf-8")
    for i in range(40):
        (folder / f"s{i:02d}").mkdir(parents=True)
        # Each submission takes a moment to load (0.2 s): the run is still going when Ctrl-C comes.
        (folder / f"s{i:02d}" / "perceptron.py").write_text(f"import time\ntime.sleep(0.2)  # {i}\n" + solution,
                                                            encoding="utf-8")
    db = tmp_path / "g.db"
    child = subprocess.Popen([sys.executable, "-c", "import sys; from dlgrade.cli import run; sys.argv[0] = 'dlgrade'; run()", "grade", str(folder), "--exercises", "ex01",
                              "--db", str(db), "-j", "1", *sandbox_args()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **env(), "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and child.poll() is None and not (
                db.exists() and sum(results_per_student(db).values()) >= 1):
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
        out, err = child.communicate(timeout=600)
    finally:
        if child.poll() is None:
            child.kill()
    saved = sum(results_per_student(db).values())
    assert child.returncode == 130, err
    assert f"interrupted: {saved} results are saved" in " ".join(err.split()) and "resume" in err
    assert 1 <= saved < 40
    rerun = CliRunner().invoke(main, ["grade", str(folder), "--exercises", "ex01", "--db", str(db), "--json",
                                      *sandbox_args()], env=env())
    assert rerun.exit_code == 0
    assert sum(results_per_student(db).values()) == 40  # the saved ones were not graded again


# ----------------------------------------------------------------------------- history, read-only commands
def test_history_lists_every_version_with_what_changed(term, course):
    from dlgrade.bulk.history import OverrideEvent, Version, history

    with Gradebook(term["db"]) as book:
        hand_in(book, course, "s2", "ex05", 1.0, seoul(15, 8), tag="second")  # check b now passes
        hand_in(book, course, "s2", "ex05", 0.0, seoul(15, 9), tag="third")  # check a now fails too
        override(book, course, "s2", "ex05", score=5, reason="partial credit", by="prof")
        events = [e for e in history(book, "s2", "ex05")]
    versions = [e for e in events if isinstance(e, Version)]
    points = course.resolve("ex05").points
    assert [v.score for v in versions] == [points / 2, points, 0.0]
    assert [v.current for v in versions] == [False, False, True]
    assert versions[1].fixed == ["b"] and versions[1].broke == []
    assert sorted(versions[2].broke) == ["a", "b"]
    assert all(v.new_submission for v in versions) and not any(v.new_grader for v in versions)
    overrides = [e for e in events if isinstance(e, OverrideEvent)]
    assert [(o.score, o.reason) for o in overrides] == [(5.0, "partial credit")]


def test_history_cli(term):
    runner = CliRunner()
    data = runner.invoke(main, ["history", "s2", "--db", str(term["db"]), "--json"], env=env())
    assert data.exit_code == 0, data.output
    versions = json.loads(data.output)["versions"]
    assert sorted({v["exercise"] for v in versions}) == ["ex01", "ex05"]
    text = runner.invoke(main, ["history", "s2", "ex05", "--db", str(term["db"]), "--lang", "ko"], env=env("ko"))
    assert text.exit_code == 0 and "새 제출" in text.output
    alike = runner.invoke(main, ["history", "S2", "--db", str(term["db"])], env=env())
    assert alike.exit_code == 2 and "s2" in alike.output


def test_read_only_commands_back_up_and_say_so_before_migrating(term):
    db = term["db"]
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    raw.close()
    done = CliRunner().invoke(main, ["export", "csv", "--db", str(db)], env=env())
    assert done.exit_code == 0 and "schema 3 to 4" in done.output and "schema3.bak" in done.output
    assert db.with_name("gradebook.db.schema3.bak").is_file()
    again = CliRunner().invoke(main, ["report", "--db", str(db), "--session", "week9"], env=env())
    assert again.exit_code == 0 and "schema3.bak" not in again.output  # already migrated: nothing to say


# ----------------------------------------------------------------------------- resubmission policy
@pytest.mark.parametrize("policy, expected", [
    # s2 hands in ex01 three times: 14:30 half right, 14:50 fully right, 15:20 a quarter right (20 min late)
    ("latest", 40 * 0.25 * 0.8),  # the last: a quarter, 2 started periods late → ×0.8 = 8
    ("best", 40.0),  # the 14:50 version, on time
    ("last_before_close", 40.0),  # the last one by 15:00 is the 14:50 one
])
def test_resubmission_policy_picks_the_version_that_counts(tmp_path, course, policy, expected):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SESSION + f"resubmission: {policy}\n", encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    with Gradebook(tmp_path / "g.db") as book:
        hand_in(book, course, "s2", "ex01", 0.5, seoul(14, 30))
        hand_in(book, course, "s2", "ex01", 1.0, seoul(14, 50))
        hand_in(book, course, "s2", "ex01", 0.25, seoul(15, 20))
        score_session(book, session, ["s2"], {})
        rows = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}
    assert rows[("s2", "ex01")]["weighted"] == pytest.approx(expected)


def test_best_weighs_the_late_penalty(tmp_path, course):
    # 14:30 three quarters right: 40 × 0.75 = 30 on time; 15:30 fully right but 30 min late: 3 started
    # periods → ×0.7 → 28. "best" compares after the late penalty, so the on-time 30 counts.
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SESSION + "resubmission: best\n", encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    with Gradebook(tmp_path / "g.db") as book:
        hand_in(book, course, "s1", "ex01", 0.75, seoul(14, 30))  # 30 on time
        hand_in(book, course, "s1", "ex01", 1.0, seoul(15, 30))  # 30 min late → ×0.7 → 28
        score_session(book, session, ["s1"], {})
        row = {(r["student"], r["exercise"]): r for r in book.session_results("week9")}[("s1", "ex01")]
    assert (row["weighted"], row["timing"]) == (30.0, "on_time")


def test_a_bad_resubmission_policy_is_named(tmp_path, course):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SESSION + "resubmission: first\n", encoding="utf-8")
    with pytest.raises(SessionError) as error:
        load_session(tmp_path / "s.yaml", course, "ko")
    assert any("resubmission" in p and "best" in p and "first" in p for p in error.value.problems)


# ----------------------------------------------------------------------------- times and files as Korean instructors have them
def test_a_bare_time_read_by_yaml_as_a_number_gets_the_fix(tmp_path, course):
    path = tmp_path / "s.yaml"
    path.write_text("name: w\nexercises: {ex01: 1}\nopens: 16:00\ncloses: 2026-11-27 17:00\n", encoding="utf-8")
    for lang, words in (("en", "YAML reads 16:00 as a number"), ("ko", "숫자로 읽습니다")):
        with pytest.raises(SessionError) as error:
            load_session(path, course, lang)
        assert any(words in p and "opens: 2026-11-27 16:00" in p for p in error.value.problems), error.value.problems


@pytest.mark.parametrize("opens, closes, key", [
    ("2026-11-27 14:00", "2026-11-27 20:00", "lasts 6.0 hours"),
    ("2026-11-27 23:00", "2026-11-28 00:30", "spans days"),
])
def test_long_or_multi_day_sessions_are_warned_about(tmp_path, course, opens, closes, key):
    path = tmp_path / "s.yaml"
    path.write_text(f"name: w\nexercises: {{ex01: 1}}\nopens: {opens}\ncloses: {closes}\n", encoding="utf-8")
    assert any(key in w for w in load_session(path, course).warnings("en"))
    out = CliRunner().invoke(main, ["session", "check", str(path)], env=env())
    assert out.exit_code == 0 and key in out.output


def test_an_ordinary_session_has_no_warning_and_shows_times_with_the_offset(tmp_path, course):
    path = tmp_path / "s.yaml"
    path.write_text("name: w\nexercises: {ex01: 1}\nopens: 2026-11-27T05:00:00Z\ncloses: 2026-11-27 15:00\n",
                    encoding="utf-8")
    assert load_session(path, course).warnings("en") == []
    out = CliRunner().invoke(main, ["session", "check", str(path)], env=env())
    assert "2026-11-27 14:00 KST (+09:00)" in out.output and "2026-11-27 15:00 KST (+09:00)" in out.output


def test_report_json_times_are_in_the_sessions_zone_with_the_offset(term):
    out = CliRunner().invoke(main, ["report", "--db", str(term["db"]), "--session", "week9", "--json"], env=env())
    data = json.loads(out.output)
    cells = {r["student"]: r["cells"] for r in data["students"]}
    assert cells["s2"]["ex01"]["submitted_at"] == "2026-11-27T15:05:00+09:00"  # stored as 06:05 UTC
    assert cells["s2"]["ex01"]["late_minutes"] == 5.0
    assert cells["s6"]["ex05"]["closes_for"] == "2026-11-27T16:00:00+09:00"
    assert data["generated_at"].endswith("+09:00")


def test_a_cp949_roster_with_a_korean_header(tmp_path, course):
    from dlgrade.session.config import read_roster

    path = tmp_path / "roster.csv"
    path.write_bytes("학번,이름\n2026001,김민준\n2026002,이서연\n".encode("cp949"))
    assert read_roster(path) == {"2026001": "김민준", "2026002": "이서연"}
    path.write_bytes(b"id,name\n\xff\xfe\xff,x\n")  # neither UTF-8 nor CP949
    with pytest.raises(SessionError) as error:
        read_roster(path, "ko")
    assert "CP949" in error.value.problems[0]


def test_an_id_differing_only_in_case_from_the_roster_is_pointed_out(tmp_path, course):
    (tmp_path / "roster.csv").write_text("학번,이름\nKim01,김민준\ns2,이서연\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SESSION.split("extensions:")[0], encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    with Gradebook(tmp_path / "g.db") as book:
        hand_in(book, course, "kim01", "ex01", 1.0, seoul(14, 30))
        summary = score_session(book, session, ["kim01"], {})
    assert summary.unknown == ["kim01"] and summary.alike == [("kim01", "Kim01")]


# ----------------------------------------------------------------------------- the report
def broken_result(exercise: str, points: float) -> ExerciseResult:
    message = "conv.py could not be loaded: invalid syntax (line 3)"
    return ExerciseResult(exercise, seed=1, checks=[
        CheckResult(n, "public", "error", 0.0, points / 3, message=message, title=f"title of {n}")
        for n in ("a", "b", "c")])


@pytest.fixture
def report_book(term, course):
    """The term's session plus one student whose ex05 does not even load, titles on the checks,
    an override and three more students failing check b."""
    points05 = course.resolve("ex05").points
    with Gradebook(term["db"]) as book:
        book.record(student="s5", exercise="ex05", grader_version="g1", max_score=points05,
                    result=broken_result("ex05", points05),
                    file=Handed("broken", "s5/conv.py", seoul(14, 40).astimezone(UTC).isoformat()))
        override(book, course, "s4", "ex05", score=points05 / 2, reason="<b>oral</b> exam", by="prof")
        score_session(book, term["session"], ["s1", "s2", "s4", "s5", "s6"], {})
    return term


def test_report_model_titles_who_broken_roster_overrides(report_book, course):
    from dlgrade.reporting.model import build_report

    with Gradebook(report_book["db"]) as book:
        report = build_report(book, course, "week9")
    # s5's ex05 did not run: one line, not one per check; its checks are not counted as items
    assert [(b.exercise, b.students) for b in report.broken] == [("ex05", ["s5"])]
    assert "invalid syntax" in report.broken[0].example
    items = {(i.exercise, i.check): i for i in report.items}
    b = items[("ex05", "b")]
    assert b.failed == 1 and b.students == ["s2"]  # s2 half right; s5's broken run is not counted here
    assert b.title_in("en") == "title of b"  # the title any stored result gives the check, not its id
    assert report.roster_size == 6 and report.absent == ["s3"] and report.unknown == []
    assert [(o["student"], o["exercise"], o["by"]) for o in report.overrides] == [("s4", "ex05", "prof")]
    assert report.extensions == {"s4": "2026-11-27T15:30:00+09:00", "s6": "2026-11-27T16:00:00+09:00"}


def test_report_uses_check_titles(tmp_path, course):
    from dlgrade.reporting.model import build_report

    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SESSION, encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    with Gradebook(tmp_path / "g.db") as book:
        r = ExerciseResult("ex01", seed=1, checks=[
            CheckResult("and_gate", "public", "failed", 0.0, 1.0, message="max abs err 0.31",
                        title="Learns the AND gate", title_ko="AND 게이트 학습"),
            CheckResult("or_gate", "public", "passed", 1.0, 1.0, title="Learns OR")])
        book.record(student="s1", exercise="ex01", grader_version="g", max_score=2.0, result=r,
                    file=Handed("h", "p", seoul(14, 1).astimezone(UTC).isoformat()))
        score_session(book, session, ["s1"], {})
        report = build_report(book, course, "week9")
    item = next(i for i in report.items if i.check == "and_gate")
    assert (item.title_in("en"), item.title_in("ko"), item.students) == ("Learns the AND gate", "AND 게이트 학습", ["s1"])
    assert item.messages[0].example == "max abs err 0.31"  # the numbers stay readable


def test_chart_labels_never_overlap():
    from dlgrade.reporting.html import label_indices, text_width

    for n in (2, 5, 15, 40):
        for width in (200, 640):
            names = [f"week{i}" if i % 3 else f"기말평가{i}" for i in range(1, n + 1)]
            step = (width - 90) / (n - 1)
            shown = sorted(label_indices(names, step))
            assert shown[0] == 0 and shown[-1] == n - 1
            for a, b in zip(shown, shown[1:]):  # centred labels: half of each must fit between the two centres
                assert (b - a) * step >= (text_width(names[a]) + text_width(names[b])) / 2, (n, width, a, b)


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_html_report_in_a_headless_browser(report_book, tmp_path):
    out = tmp_path / "week9.html"
    feedback = tmp_path / "feedback"
    done = CliRunner().invoke(main, ["report", "--db", str(report_book["db"]), "--session", "week9", "--html", str(out),
                                     "--feedback", str(feedback)], env=env())
    assert done.exit_code == 0, done.output
    browser = [shutil.which("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--disable-extensions", "--disable-background-networking"]
    dom = subprocess.run(browser + ["--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=300).stdout
    assert 'id="n-roster">6<' in dom and 'id="n-absent">1<' in dom
    assert dom.count('<tr class="broken">') == 1 and "invalid syntax" in dom
    assert "<svg class=\"trend\"" not in dom and "first session" in dom  # one session: no empty chart
    assert "KST (+09:00)" in dom
    assert "0m05s late" in dom or "5m00s late" in dom  # s2 five minutes late, in minutes and seconds
    assert 'id="overrides"' in dom and "&lt;b&gt;oral&lt;/b&gt; exam" in dom and "<b>oral</b>" not in dom
    assert "own close" in dom
    links = [line for line in dom.split('<a class="feedback" href="')[1:]]
    targets = {link.split('"')[0] for link in links}
    assert targets and all((out.parent / t).is_file() for t in targets)  # each link opens a feedback file
    assert any("s2" in t for t in targets)
    shot = tmp_path / "week9.png"
    subprocess.run(browser + ["--window-size=1200,2400", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=300, cwd=tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("DLGRADE_KEEP_SCREENSHOTS")
    if keep:
        shutil.copy(shot, keep)


def test_histogram_axis_labels_leave_room_between_them():
    import re

    from dlgrade.reporting.html import text_width
    from dlgrade.reporting.model import Distribution

    for width in (320, 640):
        svg = __import__("dlgrade.reporting.html", fromlist=["svg_histogram"]).svg_histogram(
            Distribution.of([5, 55, 95, 100]), "x", width=width)
        spans = []
        for x, anchor, text in re.findall(r'<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)">([^<]+)<',
                                          svg):
            w, x = text_width(text) * 11 / 12, float(x)  # 7 px a character bounds 11 px digits (about 6.2 px)
            spans.append({"start": (x, x + w), "middle": (x - w / 2, x + w / 2), "end": (x - w, x)}[anchor])
        assert len(spans) == 6
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert b0 - a1 >= 4, (width, spans)


def test_session_export_equals_session_grade_json(ex01_class, tmp_path, course):
    """Through the commands an instructor runs: the export is what session grade printed."""
    (tmp_path / "roster.csv").write_text("학번,이름\ns1,김민준\ns2,이서연\ns3,박지후\ns4,최유나\n", encoding="cp949")
    (tmp_path / "s.yaml").write_text("name: w1\nexercises: {ex01: 40}\nopens: 2026-11-27 14:00\n"
                                     "closes: 2026-11-27 15:00\nlate: {percent: 10, per_minutes: 10, floor: 50}\n"
                                     "roster: roster.csv\n", encoding="utf-8")
    for student, (hour, minute) in {"s1": (14, 30), "s2": (15, 12), "s3": (14, 59)}.items():
        stamp = seoul(hour, minute).timestamp()
        os.utime(ex01_class / student / "perceptron.py", (stamp, stamp))
    shutil.copy(MUTANT01, ex01_class / "s3" / "perceptron.py")
    os.utime(ex01_class / "s3" / "perceptron.py", (seoul(14, 59).timestamp(),) * 2)
    db = tmp_path / "w1.db"
    runner = CliRunner()
    graded = runner.invoke(main, ["session", "grade", str(tmp_path / "s.yaml"), str(ex01_class), "--db", str(db),
                                  "--json", "-j", "1", *sandbox_args()], env=env())
    assert graded.exit_code == 0, graded.output
    printed = {s["student"]: s for s in json.loads(graded.output)["students"]}
    exported = runner.invoke(main, ["export", "csv", "--db", str(db), "--session", "w1"], env=env()).output
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(exported)) if r["student"] != "points_possible"}
    assert set(rows) == set(printed) == {"s1", "s2", "s3", "s4"}
    for student, entry in printed.items():
        assert float(rows[student]["total"]) == pytest.approx(entry["total"]), student
        assert rows[student]["name"] == entry["name"]
    # hand-computed: s1 full on time 40; s2 full, 12 min late → 2 periods → ×0.8 → 32; s4 on the roster, absent
    assert (float(rows["s1"]["total"]), float(rows["s2"]["total"])) == (40.0, 32.0)
    assert (rows["s2"]["status"], rows["s4"]["status"], rows["s4"]["total"]) == ("late", "not_submitted", "0")
    assert 0 < float(rows["s3"]["total"]) < 40 and rows["s3"]["status"] == "graded"  # the mutant loses points
    assert rows["s1"]["name"] == "김민준"  # the CP949 roster's names


def test_terminal_report_shows_titles_who_broken_roster_and_overrides(report_book, course):
    from rich.console import Console

    from dlgrade.reporting.model import build_report
    from dlgrade.reporting.terminal import render_report, students_table

    with Gradebook(report_book["db"]) as book:
        report = build_report(book, course, "week9")
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(render_report(report, "en"))
    console.print(students_table(report, "en"))
    text = console.export_text()
    assert "ex05: the code of 1 did not run — conv.py could not be loaded: invalid syntax (line 3) (s5)" in text
    assert text.count("invalid syntax") == 1  # one line, not one per check
    assert "roster: 6 students · absent: 1 · not on the roster: 0" in text
    assert "title of b" in text and "max abs err 0.31" in text
    assert f"{course.resolve('ex05').points / 2:g}/{course.resolve('ex05').points:g} ✎" in text  # s4's override


# ----------------------------------------------------------------------------- one score matrix
def test_one_score_matrix_behind_the_exports_and_the_gradebook_report(term, course):
    from dlgrade.bridges.lms import lms_csv
    from dlgrade.bulk.export import export_rows, score_matrix
    from dlgrade.reporting.model import build_report

    p1, p5 = course.resolve("ex01").points, course.resolve("ex05").points
    with Gradebook(term["db"]) as book:
        override(book, course, "s2", "ex05", score=3.0, reason="regraded by hand", by="prof")
        matrix = score_matrix(book, course)
        assert matrix.students == ["s1", "s2", "s4", "s5", "s6"]  # s3 handed in nothing
        assert matrix.exercises == ["ex01", "ex05"]
        assert matrix.score("s2", "ex05") == 3.0 and matrix.cells[("s2", "ex05")].score == pytest.approx(p5 / 2)
        assert matrix.score("s4", "ex05") == 0.0 and ("s4", "ex05") not in matrix.cells
        assert matrix.score("s5", "ex05") == 0.0 and matrix.cells[("s5", "ex05")].status == "refused"
        finals = [p1 + p5, p1 + 3.0, p1, p1, p1 + p5]  # the override counts in every export
        columns, rows = export_rows(book, course)
        assert columns == ["student", "ex01", "ex05", "total"]
        assert [r["total"] for r in rows] == pytest.approx(finals)
        assert [e["total"] for e in json.loads(export_json(book, course))] == pytest.approx(finals)
        moodle = list(csv.reader(io.StringIO(lms_csv(book, course, "moodle"))))
        assert [float(r[2]) for r in moodle[1:]] == pytest.approx([p5, 3.0, 0.0, 0.0, p5])
        exported = list(csv.DictReader(io.StringIO(export_csv(book, course))))
        assert [float(r["total"]) for r in exported] == pytest.approx(finals)
        # The report reads the same matrix: the graded scores, the override listed beside them.
        report = build_report(book, course)
        assert [r.student for r in report.students] == matrix.students
        assert [e.exercise for e in report.exercises] == matrix.exercises
        assert [r.total for r in report.students] == pytest.approx([p1 + p5, p1 + p5 / 2, p1, p1, p1 + p5])
        assert [(o["student"], o["exercise"], o["score"]) for o in report.overrides] == [("s2", "ex05", 3.0)]
