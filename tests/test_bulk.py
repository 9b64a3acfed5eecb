"""Bulk grading: the demo class, resume after SIGKILL, zip edge cases, exports, refusal."""

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, descendants, expected_failures, requires_bwrap
from dlgrade.bulk import collect as collect_module
from dlgrade.bulk.collect import collect
from dlgrade.bulk.export import export_csv, export_json
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.grade_class import grade_class, student_seed
from dlgrade.cli import main
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.grade_submission import load_grader

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic_class  # noqa: E402

QUICK = ["ex01", "ex05"]


def backend():
    return os.environ.get("DLGRADE_SANDBOX") or None


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class") / "class"
    synthetic_class.demo(folder)
    return folder


@pytest.fixture(scope="module")
def demo_gradebook(demo_class, tmp_path_factory, course):
    db = tmp_path_factory.mktemp("db") / "gradebook.db"
    exercises = [course.resolve(e) for e in QUICK]
    summary = grade_class(demo_class, exercises, db, jobs=4, backend=backend())  # two grading processes
    return db, summary


def points_of(course, exercise_id, names):
    specs = {s.name: s.points for s in collect_checks(load_grader(course.resolve(exercise_id)))}
    return sum(specs[n] for n in names)


def test_demo_class_gets_the_expected_scores(demo_gradebook, course):
    db, summary = demo_gradebook
    with Gradebook(db) as book:
        cells = {(r.student, r.exercise): r for r in book.current_results()}
    full = {e: course.resolve(e).points for e in QUICK}
    for student in ("s01_kim", "s02_lee", "s12_oh"):
        for e in QUICK:
            assert (cells[(student, e)].status, cells[(student, e)].score) == ("graded", full[e]), (student, e)
    assert cells[("s05_jung", "ex05")].score == 0  # syntax error
    assert cells[("s05_jung", "ex01")].score == full["ex01"]
    assert cells[("s06_kang", "ex05")].score == 0  # infinite loop
    assert cells[("s06_kang", "ex01")].score == 0  # os._exit at import
    assert cells[("s04_choi", "ex01")].status == "not_submitted"
    assert {cells[("s07_cho", e)].status for e in QUICK} == {"not_submitted"}
    assert {cells[("s10_lim", e)].status for e in QUICK} == {"refused"}
    assert any("points outside the archive" in p for p in summary.problems)
    # Mutants lose at least the points of the checks that must catch them.
    mutants = ROOT / "tests" / "submissions"
    for student, exercise, folder, name in (
            ("s03_park", "ex05", "ex05_correlate2d", "convolution_instead_of_correlation"),
            ("s03_park", "ex01", "ex01_perceptron", "xor_lookup_table"),
            ("s04_choi", "ex05", "ex05_correlate2d", "same_pad_wrong_side"),
            ("s08_yoon", "ex01", "ex01_perceptron", "ge_instead_of_gt"),
            ("홍길동", "ex05", "ex05_correlate2d", "stride_offset_by_one"),
            ("s11_han", "ex05", "ex05_correlate2d", "modifies_input"),
            ("s11_han", "ex01", "ex01_perceptron", "no_bias_update")):
        lost = points_of(course, exercise, expected_failures(mutants / folder / "mutants" / f"{name}.py"))
        assert 0 < lost
        assert cells[(student, exercise)].score <= full[exercise] - lost, (student, exercise)
    assert cells[("s08_yoon", "ex05")].score == full["ex05"]  # found in a nested folder despite __MACOSX


def test_a_stored_seed_reproduces_the_grade_with_check(demo_gradebook, demo_class, course):
    db, _ = demo_gradebook
    with Gradebook(db) as book:
        stored = book.current("s04_choi", "ex05")
    assert stored.seed == student_seed("s04_choi", "ex05", "")
    path = demo_class / "s04_choi" / "ex05_correlate2d" / "conv.py"
    result = CliRunner().invoke(main, ["check", "ex05", "--file", str(path), "--seed", str(stored.seed), "--json"],
                                env={"DLGRADE_HOME": str(ROOT)})
    assert json.loads(result.stdout)["score"] == stored.score


def test_rerun_grades_nothing_unchanged_and_regrades_a_changed_file(demo_class, tmp_path, course):
    exercises = [course.resolve("ex01")]
    db = tmp_path / "g.db"
    first = grade_class(demo_class, exercises, db, jobs=2, backend=backend())
    second = grade_class(demo_class, exercises, db, jobs=2, backend=backend())
    assert first.graded > 0 and second.graded == 0 and second.skipped == first.graded
    changed = tmp_path / "class"
    synthetic_class.demo(changed)
    target = changed / "s01_kim" / "ex01_perceptron" / "perceptron.py"
    target.write_text(target.read_text() + "\n# a late edit\n")
    third = grade_class(changed, exercises, db, jobs=2, backend=backend())
    assert third.graded == 1
    with Gradebook(db) as book:
        assert len(book.history("s01_kim", "ex01")) == 2
        assert [row[4] for row in book.history("s01_kim", "ex01")] == [0, 1]


def test_a_grader_change_regrades_and_keeps_history(demo_class, tmp_path, course):
    exercises = [course.resolve("ex01")]
    db = tmp_path / "g.db"
    grade_class(demo_class, exercises, db, jobs=2, backend=backend())
    with sqlite3.connect(db) as raw:  # as if graded by an earlier grader version
        raw.execute("UPDATE results SET grader_version = 'old' WHERE student = 's02_lee'")
    again = grade_class(demo_class, exercises, db, jobs=2, backend=backend())
    assert again.graded == 1
    with Gradebook(db) as book:
        versions = [row[0] for row in book.history("s02_lee", "ex01")]
        assert versions == ["old", course.resolve("ex01").grader_version()]


def _snapshot(db):
    with sqlite3.connect(db) as raw:
        rows = raw.execute(
            "SELECT r.student, r.exercise, r.status, r.score, r.max_score, r.seed, r.grader_version, s.content_hash "
            "FROM results r LEFT JOIN submissions s ON s.id = r.submission_id WHERE r.current = 1 "
            "ORDER BY r.student, r.exercise").fetchall()
        checks = raw.execute(
            "SELECT r.student, r.exercise, c.name, c.status, c.score FROM checks c JOIN results r ON r.id = c.result_id "
            "WHERE r.current = 1 ORDER BY 1, 2, 3").fetchall()
    return rows, checks


def test_grading_processes_and_threads_give_the_same_gradebook(tmp_path, course):
    """jobs=4 deals the submissions to grading processes (one per CPU) sharing one oracle process;
    jobs=1 grades them in this process: the gradebooks are the same."""
    from dlgrade.bulk.grade_class import grading_processes

    assert grading_processes(4) == min(4, os.cpu_count() or 1) and grading_processes(1) == 1
    folder = tmp_path / "class"
    synthetic_class.random_class(folder, students=6, seed=5)
    exercises = [course.resolve(e) for e in ("ex02", "ex05", "ex06")]
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    grade_class(folder, exercises, one, jobs=1, backend=backend())
    grade_class(folder, exercises, many, jobs=4, backend=backend())
    assert _snapshot(one) == _snapshot(many)
    assert len(_snapshot(one)[0]) == 6 * 3


def test_resume_after_sigkill_gives_the_same_gradebook(tmp_path, course):
    folder = tmp_path / "class"
    synthetic_class.random_class(folder, students=16, seed=3)
    reference_db, killed_db = tmp_path / "reference.db", tmp_path / "killed.db"
    args = [sys.executable, "-m", "dlgrade.cli", "grade", str(folder), "--exercises", "ex01,ex05", "--jobs", "4",
            "--json"] + (["--insecure"] if backend() == "rlimit" else [])
    env = {**os.environ, "DLGRADE_HOME": str(ROOT)}
    subprocess.run(args + ["--db", str(reference_db)], env=env, check=True, capture_output=True, timeout=600)

    process = subprocess.Popen(args + ["--db", str(killed_db)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    graded = 0
    while time.monotonic() < deadline and process.poll() is None:
        if killed_db.exists():
            try:
                with sqlite3.connect(killed_db, timeout=5) as raw:
                    graded = raw.execute("SELECT COUNT(*) FROM results WHERE status = 'graded'").fetchone()[0]
            except sqlite3.OperationalError:
                graded = 0
        if graded >= 5:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    helpers = descendants(process.pid)  # grading processes, sandboxes, the oracle process
    assert helpers
    os.kill(process.pid, signal.SIGKILL)  # the run's process alone: what it started must end too
    process.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
        time.sleep(0.1)
    assert not [pid for pid in helpers if Path(f"/proc/{pid}").exists()], "processes outlived the killed run"
    with sqlite3.connect(killed_db) as raw:
        partial = raw.execute("SELECT COUNT(*) FROM results WHERE status = 'graded'").fetchone()[0]
    assert partial >= 5

    resumed = subprocess.run(args + ["--db", str(killed_db)], env=env, check=True, capture_output=True, timeout=600)
    assert len(json.loads(resumed.stdout)["results"]) == len(_snapshot(reference_db)[0])
    assert _snapshot(killed_db) == _snapshot(reference_db)


def test_exports_round_trip(demo_gradebook, course):
    db, _ = demo_gradebook
    with Gradebook(db) as book:
        current = {(r.student, r.exercise): r.score for r in book.current_results()}
        text = export_csv(book, course)
        data = json.loads(export_json(book, course))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["student", *QUICK, "total"]
    assert len(rows) == len({s for s, _ in current})
    for row in rows:
        for e in QUICK:
            assert float(row[e]) == current.get((row["student"], e), 0.0)
        assert float(row["total"]) == pytest.approx(sum(float(row[e]) for e in QUICK))
    assert {(d["student"], e): v["score"] for d in data for e, v in d["exercises"].items()} == current
    assert "홍길동" in {row["student"] for row in rows}


def test_export_cli_writes_csv(demo_gradebook, tmp_path):
    db, _ = demo_gradebook
    out = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["export", "csv", "--db", str(db), "--out", str(out)],
                                env={"DLGRADE_HOME": str(ROOT)})
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("student,ex01,ex05,total\n")
    missing = CliRunner().invoke(main, ["export", "csv", "--db", str(tmp_path / "none.db")],
                                 env={"DLGRADE_HOME": str(ROOT)})
    assert missing.exit_code == 2


def test_grade_refuses_to_run_without_bubblewrap_unless_insecure(tmp_path):
    env = {"DLGRADE_HOME": str(ROOT), "DLGRADE_SANDBOX": "rlimit", "DLGRADE_LANG": "en"}
    (tmp_path / "class" / "s1").mkdir(parents=True)
    refused = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--db", str(tmp_path / "g.db"),
                                        "--exercises", "ex01"], env=env)
    assert refused.exit_code == 2
    assert "apt-get install bubblewrap" in refused.output
    assert "--insecure" in refused.output
    allowed = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--db", str(tmp_path / "g.db"),
                                        "--exercises", "ex01", "--insecure", "--json"], env=env)
    assert allowed.exit_code == 0
    assert json.loads(allowed.stdout)["results"] == [{"student": "s1", "exercise": "ex01", "score": 0.0,
                                           "max_score": 17.0, "status": "not_submitted"}]


def test_missing_submissions_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "nope"), "--db", str(tmp_path / "g.db")],
                                env={"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en"})
    assert result.exit_code == 2
    assert "does not exist" in result.output


# ----------------------------------------------------------------------------- zip and folder edge cases
def _zip(path, entries, flag_utf8=True):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 14, 5, 0))
            if isinstance(data, tuple):  # (mode, data): a symlink entry
                info.external_attr = data[0] << 16
                data = data[1]
            archive.writestr(info, data)


def test_zip_with_a_symlink_entry_is_refused(tmp_path, course):
    _zip(tmp_path / "s1.zip", {"conv.py": "x = 1\n", "link.py": (0o120777, "/etc/passwd")})
    [sub] = collect(tmp_path, [course.resolve("ex05")])
    assert sub.refused and sub.files == {}
    assert "symbolic link" in sub.problems[0]


def test_zip_bomb_is_refused(tmp_path, course, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_TOTAL_BYTES", 4 << 20)
    _zip(tmp_path / "s1.zip", {"conv.py": "x = 1\n", "big.bin": b"\0" * (8 << 20)})
    [sub] = collect(tmp_path, [course.resolve("ex05")])
    assert sub.refused
    assert "zip bomb" in sub.problems[0]


def test_absolute_path_entry_is_refused(tmp_path, course):
    _zip(tmp_path / "s1.zip", {"/etc/conv.py": "x = 1\n"})
    [sub] = collect(tmp_path, [course.resolve("ex05")])
    assert sub.refused


def test_nested_folders_macosx_and_korean_names(tmp_path, course):
    ex05 = course.resolve("ex05")
    _zip(tmp_path / "김철수_12345.zip", {"__MACOSX/a/._conv.py": "junk", "과제 제출/ex05_correlate2d/conv.py": "A = 1\n",
                                       "과제 제출/old/conv.py": "B = 2\n"})
    # A zip from Korean Windows: CP949 names without the UTF-8 flag.
    # zipfile cannot write such names, so write a placeholder of the same length and patch the bytes.
    cp949 = "과제/conv.py".encode("cp949")
    placeholder = "X" * (len(cp949) - len("/conv.py")) + "/conv.py"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr(zipfile.ZipInfo(placeholder, date_time=(2026, 11, 20, 9, 0, 0)), "C = 3\n")
    (tmp_path / "s2.zip").write_bytes(raw.getvalue().replace(placeholder.encode(), cp949))
    subs = {s.student: s for s in collect(tmp_path, [ex05])}
    assert subs["김철수_12345"].files["ex05"].source == "A = 1\n"  # the file inside ex05_correlate2d/ wins
    # the time written in the zip (kept, not used for lateness unless a session asks for it)
    assert subs["김철수_12345"].files["ex05"].stated_at == "2026-11-20T14:05:00+00:00"
    assert subs["s2"].files["ex05"].path == "s2.zip:과제/conv.py"


def test_not_a_zip_is_reported_not_fatal(tmp_path, course):
    (tmp_path / "s1.zip").write_bytes(b"this is not a zip")
    [sub] = collect(tmp_path, [course.resolve("ex05")])
    assert sub.refused and "not a readable zip" in sub.problems[0]


def test_symlink_out_of_a_student_folder_is_not_followed(tmp_path, course):
    secret = tmp_path / "secret.py"
    secret.write_text("SECRET = 1\n")
    student = tmp_path / "class" / "s1"
    student.mkdir(parents=True)
    (student / "conv.py").symlink_to(secret)
    [sub] = collect(tmp_path / "class", [course.resolve("ex05")])
    assert sub.files == {}
    assert "symbolic link out of the folder" in sub.problems[0]


@requires_bwrap
def test_bulk_grading_uses_the_namespace_sandbox(demo_gradebook):
    db, _ = demo_gradebook
    with sqlite3.connect(db) as raw:
        sandboxes = {row[0] for row in raw.execute("SELECT sandbox FROM results WHERE status = 'graded'")}
    assert sandboxes == {"bwrap"}


def test_bundled_demo_class_is_what_the_generator_builds(demo_class):
    bundled = ROOT / "examples" / "class"

    def tree(folder):
        out = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                rel = str(path.relative_to(folder))
                if path.suffix == ".zip":
                    with zipfile.ZipFile(path) as archive:
                        out[rel] = {i.filename: archive.read(i) for i in archive.infolist()}
                else:
                    out[rel] = path.read_bytes()
        return out

    assert tree(bundled) == tree(demo_class)


def test_collect_reads_only_the_students_asked_for(tmp_path, course):
    ex05 = course.resolve("ex05")
    (tmp_path / "민지").mkdir()
    (tmp_path / "민지" / "conv.py").write_text("def correlate(x, w, mode='valid'):\n    pass\n", encoding="utf-8")
    (tmp_path / "broken.zip").write_bytes(b"not a zip at all")
    everyone = collect(tmp_path, [ex05])
    assert [s.student for s in everyone] == ["broken", "민지"] and everyone[0].refused
    only = collect(tmp_path, [ex05], only={"민지"})
    assert [s.student for s in only] == ["민지"] and not only[0].problems  # the broken zip was not opened
    assert "correlate" in only[0].files["ex05"].source


def test_a_gradebook_write_is_all_or_nothing(tmp_path):
    with Gradebook(tmp_path / "g.db") as book:
        for stop in (RuntimeError("a bug half way"), KeyboardInterrupt()):
            with pytest.raises(type(stop)):
                with book.transaction() as db:
                    db.execute("INSERT INTO students (id) VALUES ('s1')")
                    raise stop
            assert book.db.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 0
        with book.transaction() as db:
            db.execute("INSERT INTO students (id) VALUES ('s2')")
    with sqlite3.connect(tmp_path / "g.db") as other:  # committed: another connection sees it
        assert other.execute("SELECT id FROM students").fetchall() == [("s2",)]
