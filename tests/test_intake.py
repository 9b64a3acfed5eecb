"""The intake: every entry of a submissions folder accounted for, LMS renamings, notebooks,
nested and tar archives, refused archives, ids that name the same student, file names that
never collide, and submission times the student cannot set — for grade, session and the
Gradescope autograder alike.  Archives are real zips and tars built here."""

import io
import json
import os
import shutil
import tarfile
import time
import unicodedata
import warnings
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from conftest import ROOT, make_student_root
from dlgrade.bulk import collect as collect_module
from dlgrade.bulk.collect import TIME_ARCHIVE_ENTRY, TIME_FOLDER, TIME_TIMES, collect, read_entry, take_in
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.identity import file_stems, identity_key
from dlgrade.cli import main
from dlgrade.messages import MESSAGES, say
from dlgrade.results import CheckResult, ExerciseResult
from dlgrade.session.config import SessionError, load_session, read_times
from dlgrade.session.grade_session import score_session

SEOUL = ZoneInfo("Asia/Seoul")
STAMP = (2026, 11, 27, 14, 30, 0)  # a zip entry's time (Seoul wall clock in the session tests)


def env(lang="en", **extra):
    return {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": lang, "COLUMNS": "250", **extra}


def seoul(hour, minute, second=0) -> float:
    return datetime(2026, 11, 27, hour, minute, second, tzinfo=SEOUL).timestamp()


def zip_bytes(entries: dict, stamp=STAMP) -> bytes:
    """A zip of name → text, bytes, (mode, data) for a special entry, or a list of texts for
    several entries of the same name."""
    raw = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: that is the point
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                for item in (data if isinstance(data, list) else [data]):
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    if isinstance(item, tuple):
                        info.external_attr = item[0] << 16
                        item = item[1]
                    archive.writestr(info, item)
    return raw.getvalue()


def write_zip(path: Path, entries: dict, stamp=STAMP, arrived: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zip_bytes(entries, stamp))
    if arrived is not None:
        os.utime(path, (arrived, arrived))
    return path


def tar_bytes(entries: dict, mode="w:gz", mtime=0) -> bytes:
    """A tar of name → text, or → TarInfo attributes for links and devices."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode=mode) as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.mtime = mtime or datetime(*STAMP, tzinfo=timezone.utc).timestamp()
            if isinstance(data, dict):
                for key, value in data.items():
                    setattr(info, key, value)
                archive.addfile(info)
            else:
                blob = data.encode() if isinstance(data, str) else data
                info.size = len(blob)
                archive.addfile(info, io.BytesIO(blob))
    return raw.getvalue()


def put(path: Path, text="x = 1\n", when: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if when is not None:
        os.utime(path, (when, when))
    return path


@pytest.fixture(scope="module")
def ex05(course):
    return course.resolve("ex05")


@pytest.fixture(scope="module")
def ex01(course):
    return course.resolve("ex01")


# ----------------------------------------------------------------------------- LMS renamings, nesting, notebooks
@pytest.mark.parametrize("layout, where, how", [
    ({"Conv.py": "A"}, "s/Conv.py", "renamed"),
    ({"conv (1).py": "A"}, "s/conv (1).py", "renamed"),
    ({"conv(2).py": "A"}, "s/conv(2).py", "renamed"),
    ({"conv - 복사본.py": "A"}, "s/conv - 복사본.py", "renamed"),
    ({"conv_copy.py": "A"}, "s/conv_copy.py", "renamed"),
    ({"ex05.py": "A"}, "s/ex05.py", "renamed"),
    ({"EX05_correlate2d.py": "A"}, "s/EX05_correlate2d.py", "renamed"),
    ({"week5/homework/conv.py": "A"}, "s/week5/homework/conv.py", "exact"),
    ({"conv.ipynb": "A"}, "s/conv.ipynb", "notebook"),
    ({"ex05.ipynb": "A"}, "s/ex05.ipynb", "notebook"),
    ({"ex05_correlate2d.ipynb": "A"}, "s/ex05_correlate2d.ipynb", "notebook"),
    ({"Ex05 (1).ipynb": "A"}, "s/Ex05 (1).ipynb", "notebook"),
])
def test_a_renamed_file_or_a_notebook_is_the_exercises_file(tmp_path, ex05, layout, where, how):
    for name, text in layout.items():
        put(tmp_path / "class" / "s" / name, text)
    [sub] = collect(tmp_path / "class", [ex05])
    taken = sub.files["ex05"]
    assert (taken.path, taken.match) == (where, how)
    if where.endswith(".ipynb"):  # taken as the notebook it is: not JSON, so graded as unreadable, with why
        assert '"kind": "unreadable"' in taken.source and "source.notebook_invalid" in taken.source
    else:
        assert taken.source == "A"
    assert taken.is_notebook == where.endswith(".ipynb")
    assert taken.name == where.rsplit("/", 1)[-1]


def test_names_of_other_files_are_not_taken_and_are_listed(tmp_path, ex05):
    for name in ("convolution.py", "conv.py.bak", "myconv.py", "conv2d.ipynb", "notes.txt"):
        put(tmp_path / "class" / "s" / name)
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files == {}
    listed = {s.path: s.note.key for s in sub.skipped}
    assert listed == {"s/convolution.py": "intake.no_exercise", "s/myconv.py": "intake.no_exercise",
                      "s/conv2d.ipynb": "intake.no_exercise"}
    assert sub.other_files == 2  # conv.py.bak and notes.txt: not code, counted


def test_the_exact_name_wins_over_renamed_copies_which_are_listed(tmp_path, ex05):
    folder = tmp_path / "class" / "s"
    put(folder / "conv (1).py", "OLD")
    put(folder / "Conv.py", "OTHER")
    put(folder / "deep" / "er" / "conv.py", "EXACT")
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files["ex05"].source == "EXACT" and sub.files["ex05"].match == "exact"
    assert {s.path for s in sub.skipped} == {"s/conv (1).py", "s/Conv.py"}
    assert {s.note.key for s in sub.skipped} == {"intake.not_taken"}
    assert all("s/deep/er/conv.py" in s.note.text("en") for s in sub.skipped)


def test_py_and_notebook_for_one_exercise_grade_the_py_and_list_the_notebook(tmp_path, ex05):
    put(tmp_path / "class" / "s" / "conv.ipynb", '{"cells": []}')
    put(tmp_path / "class" / "s" / "ex05.py", "PY")
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files["ex05"].source == "PY" and not sub.files["ex05"].is_notebook
    [skipped] = sub.skipped
    assert skipped.path == "s/conv.ipynb" and skipped.note.key == "intake.not_taken"


def test_nested_zip_tar_gz_and_zip_in_zip_are_read_in_memory(tmp_path, ex05, ex01):
    cls = tmp_path / "class"
    # a folder holding the student's own zip
    write_zip(cls / "s1" / "hw.zip", {"과제/conv.py": "S1"})
    # a zip holding a zip
    write_zip(cls / "s2.zip", {"upload/inner.zip": zip_bytes({"conv (1).py": "S2"})})
    # a .tar.gz as the student's entry, with a .tgz inside for the other exercise
    (cls / "s3.tar.gz").write_bytes(tar_bytes({"hw/conv.py": "S3", "more.tgz": tar_bytes({"perceptron.py": "P3"})}))
    # a plain .tar
    (cls / "s4.tar").write_bytes(tar_bytes({"Conv.py": "S4"}, mode="w"))
    # a zip made on macOS: names in NFD
    write_zip(cls / unicodedata.normalize("NFD", "김하늘.zip"), {unicodedata.normalize("NFD", "과제 5/conv.py"): "S5"})
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    subs = {s.student: s for s in collect(cls, [ex01, ex05])}
    assert {p.relative_to(tmp_path) for p in tmp_path.rglob("*")} == before  # nothing extracted to disk
    assert subs["s1"].files["ex05"].source == "S1" and subs["s1"].files["ex05"].path == "s1/hw.zip:과제/conv.py"
    assert subs["s2"].files["ex05"].source == "S2" and subs["s2"].files["ex05"].path == "s2.zip:upload/inner.zip:conv (1).py"
    assert subs["s3"].files["ex05"].source == "S3" and subs["s3"].files["ex01"].source == "P3"
    assert subs["s4"].files["ex05"].source == "S4"
    assert subs["김하늘"].files["ex05"].path == "김하늘.zip:과제 5/conv.py"  # NFC, as every other name
    assert not any(s.refused for s in subs.values())


def test_archives_nested_too_deep_are_not_opened_and_say_so(tmp_path, ex05):
    level3 = zip_bytes({"conv.py": "DEEP"})
    level2 = zip_bytes({"c.zip": level3})
    write_zip(tmp_path / "class" / "s.zip", {"b.zip": level2})
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files == {} and not sub.refused
    assert [s.note.key for s in sub.skipped] == ["intake.too_deep"]


# ----------------------------------------------------------------------------- refused archives
@pytest.mark.parametrize("entries, reason", [
    ({"conv.py": ["A = 1\n", "A = 2\n"]}, "two entries are named conv.py"),
    ({unicodedata.normalize("NFC", "과제/conv.py"): "A", unicodedata.normalize("NFD", "과제/conv.py"): "B"},
     "two entries are named"),
    ({"hw\\conv.py": "A", "hw/conv.py": "B"}, "two entries are named"),
    ({"../conv.py": "A"}, "points outside the archive"),
    ({"/abs/conv.py": "A"}, "points outside the archive"),
    ({"C:/conv.py": "A"}, "points outside the archive"),
    ({"conv.py": "A", "link.py": (0o120777, "/etc/passwd")}, "symbolic link"),
])
def test_an_unsafe_or_ambiguous_zip_is_refused_with_the_reason(tmp_path, ex05, entries, reason):
    write_zip(tmp_path / "class" / "s1.zip", entries)
    put(tmp_path / "class" / "s2" / "conv.py", "FINE")
    subs = {s.student: s for s in collect(tmp_path / "class", [ex05])}
    assert subs["s1"].refused and subs["s1"].files == {}
    assert reason in subs["s1"].problems[0]
    assert subs["s2"].files["ex05"].source == "FINE"  # one bad submission never stops the others


@pytest.mark.parametrize("entries, reason", [
    ({"conv.py": "A", "evil": {"type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}}, "symbolic link"),
    ({"conv.py": "A", "hard": {"type": tarfile.LNKTYPE, "linkname": "conv.py"}}, "hard link"),
    ({"conv.py": "A", "dev": {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3}}, "device or pipe"),
    ({"../../conv.py": "A"}, "points outside the archive"),
    ({"conv.py": "A", "./conv.py": "B"}, "two entries are named"),
])
def test_an_unsafe_tar_is_refused_with_the_reason(tmp_path, ex05, entries, reason):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "s1.tar.gz").write_bytes(tar_bytes(entries))
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.refused and sub.files == {} and reason in sub.problems[0]


def test_a_zip_bomb_nested_in_a_folder_refuses_the_submission(tmp_path, ex05, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_TOTAL_BYTES", 4 << 20)
    write_zip(tmp_path / "class" / "s1" / "hw.zip", {"conv.py": "A", "zeros.bin": b"\0" * (8 << 20)})
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.refused and "zip bomb" in sub.problems[0]


def test_a_huge_gzip_tar_is_refused_from_its_headers(tmp_path, ex05, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_TOTAL_BYTES", 1 << 20)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "s1.tgz").write_bytes(tar_bytes({"conv.py": "A", "zeros.bin": b"\0" * (3 << 20)}))
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.refused and "zip bomb" in sub.problems[0]


def test_symlinks_in_a_student_folder_are_never_followed(tmp_path, ex05):
    secret = put(tmp_path / "secret.py", "SECRET = 1\n")
    folder = tmp_path / "class" / "s1"
    put(folder / "real.py")
    (folder / "conv.py").symlink_to(secret)
    (folder / "ex05.py").symlink_to(folder / "real.py")  # inside the folder: still not followed
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files == {}
    reasons = {s.path: s.note.key for s in sub.skipped}
    assert reasons["s1/conv.py"] == "intake.link_outside" and reasons["s1/ex05.py"] == "intake.link_skipped"
    assert reasons["s1/sub"] == "intake.link_skipped"
    assert "symbolic link out of the folder" in sub.problems[0]


# ----------------------------------------------------------------------------- every entry accounted for
def test_every_entry_of_the_folder_is_accounted_for(tmp_path, ex05, ex01):
    cls = tmp_path / "class"
    put(cls / "s1" / "conv.py")
    write_zip(cls / "s2.zip", {"perceptron.py": "P"})
    (cls / "s3.tgz").write_bytes(tar_bytes({"conv.py": "C"}))
    put(cls / "notes.txt", "hello")
    put(cls / "conv.py", "loose")
    put(cls / ".DS_Store", "")
    (cls / "__MACOSX").mkdir()
    (cls / "s4").symlink_to(cls / "s1", target_is_directory=True)
    os.mkfifo(cls / "pipe")
    (cls / "broken.zip").write_bytes(b"PK not really")
    intake = take_in(cls, [ex01, ex05])
    status = {e.name: (e.status, e.note.key if e.note else None) for e in intake.entries}
    assert status == {
        "s1": ("student", None), "s2.zip": ("student", None), "s3.tgz": ("student", None),
        "broken.zip": ("student", None),
        "notes.txt": ("skipped", "intake.entry_stray"), "conv.py": ("skipped", "intake.entry_loose_code"),
        ".DS_Store": ("skipped", "intake.entry_hidden"), "__MACOSX": ("skipped", "intake.entry_hidden"),
        "s4": ("skipped", "intake.entry_link"), "pipe": ("skipped", "intake.not_regular")}
    assert intake.counts() == {"entries": 10, "students": 4, "taken": 3, "not_submitted": 3, "refused_students": 1,
                               "conflicts": 0, "skipped_entries": 6, "skipped_files": 0}
    data = intake.to_dict("ko")
    s2 = next(s for s in data["students"] if s["student"] == "s2")
    assert s2["exercises"]["ex05"] == {"status": "not_submitted"}
    assert s2["exercises"]["ex01"]["status"] == "taken" and s2["exercises"]["ex01"]["time_source"] == TIME_FOLDER
    assert next(e for e in data["entries"] if e["name"] == "notes.txt")["reason"] == say("intake.entry_stray", "ko")
    json.dumps(data)  # plain data


# ----------------------------------------------------------------------------- identity
NFC, NFD = unicodedata.normalize("NFC", "홍길동"), unicodedata.normalize("NFD", "홍길동")


@pytest.mark.parametrize("first, second", [
    ("Kim Minji", "kim_minji"), ("KIM-MINJI", "kim.minji"), ("kim minji", "kimminji"), ("s01", "S01"),
    (NFC, NFD), ("홍길동 ", "홍_길동"), ("ｋｉｍ", "kim"), ("kim\u200bminji", "kimminji"),
])
def test_two_entries_naming_one_student_are_a_conflict_and_neither_is_graded(tmp_path, ex05, first, second):
    assert first != second and identity_key(first) == identity_key(second)
    cls = tmp_path / "class"
    put(cls / first / "conv.py", "FIRST")
    write_zip(cls / f"{second}.zip", {"conv.py": "SECOND"})
    put(cls / "other" / "conv.py", "OTHER")
    intake = take_in(cls, [ex05])
    assert [s.student for s in intake.submissions] == ["other"]
    [conflict] = intake.conflicts
    assert sorted(conflict.entries) == sorted(unicodedata.normalize("NFC", n).strip() for n in (first, f"{second}.zip"))
    assert {e.status for e in intake.entries if e.name != "other"} == {"conflict"}
    assert intake.needs_attention
    assert "neither was graded" in next(e for e in intake.entries if e.status == "conflict").note.text("en")


def test_different_students_are_not_a_conflict(tmp_path, ex05):
    for name in ("김민지", "김민재", "kim", "kimm", "s1", "s10", "lee-a", "leea2"):
        put(tmp_path / "class" / name / "conv.py", name)
    intake = take_in(tmp_path / "class", [ex05])
    assert intake.conflicts == [] and len(intake.submissions) == 8
    assert all(s.files["ex05"].source == s.student for s in intake.submissions)


def test_a_conflict_keeps_what_was_already_graded_and_records_nothing(tmp_path, course, ex01):
    from dlgrade.bulk.grade_class import grade_class

    cls, db = tmp_path / "class", tmp_path / "g.db"
    put(cls / "kim" / "perceptron.py", "def perceptron(x, w, b):\n    return 0\n")
    grade_class(cls, [ex01], db, jobs=1, backend="rlimit")
    with Gradebook(db) as book:
        before = book.history("kim", "ex01")
    put(cls / "Kim" / "perceptron.py", "x = 1\n")
    summary = grade_class(cls, [ex01], db, jobs=1, backend="rlimit")
    assert summary.graded == 0 and [c.students for c in summary.intake.conflicts] == [["Kim", "kim"]]
    assert any("Kim" in p and "kim" in p for p in summary.problems)
    with Gradebook(db) as book:
        assert book.history("kim", "ex01") == before and book.current("Kim", "ex01") is None
        kept = book.latest_intake()  # shown after the run, not only during it
    assert [c["students"] for c in kept["conflicts"]] == [["Kim", "kim"]] and kept["taken_at"]
    assert {e["name"]: e["status"] for e in kept["entries"]} == {"Kim": "conflict", "kim": "conflict"}


@pytest.mark.parametrize("students", [
    ["Kim", "kim", "KIM"],
    ["a/b", "a_b", "a:b", "a\\b"],
    ["..", ".", "...", "_"],
    ["con", "CON.txt", "nul", "aux"],
    ["x\x1b[31m", "x\x00y", "x\ny", "x__y"],
    [NFC, NFD, "홍길동_"],
    ["student", ""],
    ["kim-" + "a" * 200, "kim-" + "a" * 199 + "b"],
])
def test_feedback_file_names_never_collide(tmp_path, students):
    stems = file_stems(students)
    assert len({s.casefold() for s in stems.values()}) == len(set(students))
    for stem in stems.values():
        assert stem and not stem.startswith(".") and len(stem) <= 100
        assert all(ch.isalnum() or ch in "-_." for ch in stem), stem
        assert stem.split(".")[0].casefold() not in {"con", "nul", "aux", "prn"}
        (tmp_path / f"{stem}.md").write_text("x")  # a valid file name here
    assert file_stems(["kim_minji", "lee"]) == {"kim_minji": "kim_minji", "lee": "lee"}  # plain ids stay readable


def test_feedback_files_are_one_per_student_even_for_ids_differing_in_case(tmp_path, course):
    from dlgrade.bulk.export import write_feedback

    students = ["Kim", "kim", "a/b", "a_b", "..", NFD]
    with Gradebook(tmp_path / "g.db") as book:
        for student in students:
            book.record(student=student, exercise="ex05", grader_version="v", max_score=10.0, status="not_submitted")
        written = write_feedback(book, course, tmp_path / "feedback", "en")
    assert len(written) == len(students) == len({p.name.casefold() for p in written})
    assert all(p.parent == tmp_path / "feedback" for p in written)
    headers = {p.read_text(encoding="utf-8").splitlines()[0] for p in written}
    assert headers == {f"# {s}" for s in students}


# ----------------------------------------------------------------------------- time cannot be forged
SESSION = """name: t1
exercises: {ex05: 100}
opens: 2026-11-27 14:00
closes: 2026-11-27 15:00
late: {percent: 10, per_minutes: 10, floor: 50}
"""


def score_with(tmp_path, course, folder, session_text, times_csv=None):
    """Take the folder in, store each taken file as a graded full-marks result (the grade is
    not under test here: the time is), and score the session."""
    (tmp_path / "s.yaml").write_text(session_text, encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    intake = take_in(folder, [course.resolve("ex05")], zip_timezone=session.tz)
    times = {}
    if times_csv:
        (tmp_path / "times.csv").write_text(times_csv, encoding="utf-8")
        times = read_times(tmp_path / "times.csv", session)
    db = tmp_path / f"g{time.monotonic_ns()}.db"
    with Gradebook(db) as book:
        for sub in intake.submissions:
            for ex_id, file in sub.files.items():
                result = ExerciseResult(ex_id, 1, [CheckResult("c", "public", "passed", 10.0, 10.0)], "v")
                book.record(student=sub.student, exercise=ex_id, grader_version="v", max_score=10.0, result=result,
                            file=file)
        score_session(book, session, [s.student for s in intake.submissions], times)
        return {r["student"]: r for r in book.session_results("t1")}, intake


@pytest.fixture
def forged_class(tmp_path):
    cls = tmp_path / "class"
    # says 14:30 inside, arrived 16:05 (65 minutes late)
    write_zip(cls / "past.zip", {"conv.py": "A"}, stamp=(2026, 11, 27, 14, 30, 0), arrived=seoul(16, 5))
    # says 2031 inside, arrived 14:50 (on time)
    write_zip(cls / "future.zip", {"conv.py": "B"}, stamp=(2031, 1, 1, 0, 0, 0), arrived=seoul(14, 50))
    # a folder: its file arrived 15:05
    put(cls / "folder" / "conv.py", "C", when=seoul(15, 5))
    return cls


def test_lateness_uses_arrival_in_the_folder_never_the_time_inside_the_zip(tmp_path, course, forged_class):
    rows, intake = score_with(tmp_path, course, forged_class, SESSION)
    files = {s.student: s.files["ex05"] for s in intake.submissions}
    assert files["past"].stated_at == "2026-11-27T05:30:00+00:00"  # kept, read in the session's zone
    assert files["past"].submitted_at == "2026-11-27T07:05:00+00:00"
    assert (rows["past"]["timing"], rows["past"]["multiplier"], rows["past"]["time_source"]) == ("late", 0.5, "folder")
    assert (rows["future"]["timing"], rows["future"]["multiplier"]) == ("on_time", 1.0)
    assert (rows["folder"]["timing"], rows["folder"]["multiplier"], rows["folder"]["time_source"]) == \
        ("late", 0.9, "folder")


def test_times_inside_archives_count_only_when_the_session_file_asks(tmp_path, course, forged_class):
    rows, _ = score_with(tmp_path, course, forged_class, SESSION + "times_from: archive_entries\n")
    assert (rows["past"]["timing"], rows["past"]["time_source"]) == ("on_time", TIME_ARCHIVE_ENTRY)
    assert (rows["future"]["timing"], rows["future"]["time_source"]) == ("late", TIME_ARCHIVE_ENTRY)
    assert rows["future"]["submitted_at"].startswith("2030-12-31T15:00")  # 2031-01-01 00:00 Seoul
    # a folder file has no time inside an archive: its arrival counts, and says so
    assert (rows["folder"]["timing"], rows["folder"]["time_source"]) == ("late", TIME_FOLDER)


def test_the_times_file_overrides_both_and_says_so(tmp_path, course, forged_class):
    rows, _ = score_with(tmp_path, course, forged_class, SESSION + "times_from: archive_entries\n",
                        "student,submitted_at\npast,2026-11-27 14:59:00\n")
    assert (rows["past"]["timing"], rows["past"]["time_source"]) == ("on_time", TIME_TIMES)


@pytest.mark.parametrize("value", ["zip", "yes", "[folder]", "true"])
def test_session_check_validates_times_from(tmp_path, course, value):
    (tmp_path / "s.yaml").write_text(SESSION + f"times_from: {value}\n", encoding="utf-8")
    with pytest.raises(SessionError) as error:
        load_session(tmp_path / "s.yaml", course)
    [problem] = error.value.problems
    assert problem.startswith("s.yaml, line 6, times_from: times_from must be folder") and "archive_entries" in problem
    result = CliRunner().invoke(main, ["session", "check", str(tmp_path / "s.yaml")], env=env("ko"))
    assert result.exit_code == 2 and "times_from은 folder" in result.output


def test_session_check_shows_where_times_come_from(tmp_path):
    (tmp_path / "s.yaml").write_text(SESSION + "times_from: archive_entries\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["session", "check", str(tmp_path / "s.yaml")], env=env())
    assert result.exit_code == 0
    assert "submission times from: time written inside the archive (the student can set it)" in result.output
    default = CliRunner().invoke(main, ["session", "check", str(tmp_path / "s.yaml"), "--json"], env=env())
    assert json.loads(default.stdout)["times_from"] == "archive_entries"


def test_reports_say_where_each_time_came_from(tmp_path, course, forged_class):
    from dlgrade.reporting.html import render_html
    from dlgrade.reporting.model import build_report
    from dlgrade.reporting.terminal import render_report

    (tmp_path / "s.yaml").write_text(SESSION, encoding="utf-8")
    rows, _ = score_with(tmp_path, course, forged_class, SESSION, "student,submitted_at\nfolder,2026-11-27 14:10\n")
    db = max(tmp_path.glob("g*.db"))
    with Gradebook(db) as book:
        report = build_report(book, course, "t1")
    cells = {r.student: r.cells["ex05"] for r in report.students}
    assert {s: c["time_source"] for s, c in cells.items()} == {"past": "folder", "future": "folder", "folder": "times"}
    assert report.to_dict()["students"][0]["cells"]["ex05"]["time_source"] in ("folder", "times")
    html = render_html(report, "en")
    assert html.count('data-source="folder"') == 2 and html.count('data-source="times"') == 1
    assert "16:05 · folder" in html  # shown in the session's zone
    from rich.console import Console

    console = Console(width=200, record=True, markup=False)
    console.print(render_report(report, "ko"))
    text = console.export_text()
    assert "제출 시각의 출처: 제출 폴더에 도착한 파일의 수정 시각 2 · --times 파일 1" in text


# ----------------------------------------------------------------------------- the commands
@pytest.fixture(scope="module")
def messy_class(tmp_path_factory, course):
    cls = tmp_path_factory.mktemp("messy") / "class"
    solution = course.resolve("ex01").solution_path.read_text(encoding="utf-8")
    put(cls / "s1" / "Perceptron (1).py", solution)
    put(cls / "Kim" / "perceptron.py", solution)
    write_zip(cls / "kim.zip", {"perceptron.py": solution})
    write_zip(cls / "s2.zip", {"perceptron.py": [solution, "x = 1\n"]})
    put(cls / "readme.txt", "hi")
    return cls


@pytest.mark.parametrize("lang, expected", [
    ("en", ["conflict: Kim, kim.zip → one student (Kim, kim); not graded",
            "refused: s2 — s2.zip: two entries are named perceptron.py",
            "skipped: readme.txt — neither a student folder nor an archive",
            "s1 ex01: s1/Perceptron (1).py (recognised under a changed name)",
            "5 entries · 2 students · 1 files to grade · 0 not submitted · 1 refused · 1 conflicts"]),
    ("ko", ["충돌: Kim, kim.zip → 같은 학생 (Kim, kim); 채점하지 않음",
            "거부: s2 — s2.zip: 같은 이름의 항목 perceptron.py이(가) 두 번",
            "건너뜀: readme.txt — 학생 폴더도 압축 파일(.zip, .tar.gz)도 아니라서 건너뜀",
            "s1 ex01: s1/Perceptron (1).py (이름이 바뀐 파일로 인식)"]),
])
def test_grade_prints_the_intake_summary_and_exits_1_on_a_conflict(messy_class, tmp_path, lang, expected):
    result = CliRunner().invoke(main, ["grade", str(messy_class), "--exercises", "ex01", "--db",
                                       str(tmp_path / "g.db"), "--insecure"], env=env(lang, DLGRADE_SANDBOX="rlimit"))
    assert result.exit_code == 1, result.output
    for line in expected:
        assert line in result.output
    assert "s1" in result.output and "17/17" in result.output  # the renamed file was graded


def test_grade_json_includes_the_intake(messy_class, tmp_path):
    result = CliRunner().invoke(main, ["grade", str(messy_class), "--exercises", "ex01", "--db",
                                       str(tmp_path / "g.db"), "--insecure", "--json"],
                                env=env(DLGRADE_SANDBOX="rlimit"))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {(r["student"], r["status"], r["score"]) for r in data["results"]} == {("s1", "graded", 17.0),
                                                                                ("s2", "refused", 0.0)}
    intake = data["intake"]
    assert intake["conflicts"] == [{"students": ["Kim", "kim"], "entries": ["Kim", "kim.zip"], "key": "kim"}]
    assert {e["name"]: e["status"] for e in intake["entries"]} == {
        "Kim": "conflict", "kim.zip": "conflict", "readme.txt": "skipped", "s1": "student", "s2.zip": "student"}
    s1 = next(s for s in intake["students"] if s["student"] == "s1")
    assert s1["exercises"]["ex01"]["path"] == "s1/Perceptron (1).py" and s1["exercises"]["ex01"]["match"] == "renamed"


def test_session_grade_json_includes_the_intake_and_leaves_conflicts_unscored(messy_class, tmp_path):
    (tmp_path / "s.yaml").write_text("name: w\nexercises: {ex01: 10}\nopens: 2026-11-27 14:00\n"
                                     "closes: 2030-11-27 15:00\nroster: r.csv\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("id,name\nkim,김\ns1,일\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["session", "grade", str(tmp_path / "s.yaml"), str(messy_class), "--db",
                                       str(tmp_path / "g.db"), "--insecure", "--json"],
                                env=env(DLGRADE_SANDBOX="rlimit"))
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    students = {s["student"]: s for s in data["students"]}
    assert "kim" not in students and "Kim" not in students  # neither scored nor counted absent
    assert students["s1"]["exercises"]["ex01"]["time_source"] == "folder"
    assert [c["students"] for c in data["intake"]["conflicts"]] == [["Kim", "kim"]]
    with Gradebook(tmp_path / "g.db") as book:
        assert book.latest_intake("w")["counts"] == data["intake"]["counts"]
        assert book.latest_intake("another") is None


# ----------------------------------------------------------------------------- the Gradescope autograder
@pytest.fixture
def autograder_root(tmp_path):
    root = tmp_path / "autograder"
    make_student_root(root / "source")
    (root / "source" / "gradescope.json").write_text(json.dumps({"exercise": "ex05", "lang": "en"}))
    (root / "submission").mkdir()
    return root


def test_the_gradescope_autograder_takes_files_through_the_same_intake(autograder_root, ex05):
    from dlgrade.bridges.gradescope import take_submission

    sub = autograder_root / "submission"
    write_zip(sub / "upload.zip", {"hw/ex05 (2).py": "X"})
    put(sub / "ex05.ipynb", "{}")
    taken = take_submission(sub, ex05)
    same = read_entry(sub, [ex05], student="", shown="")
    assert taken.files["ex05"].to_dict() == same.files["ex05"].to_dict()
    assert taken.files["ex05"].path == "upload.zip:hw/ex05 (2).py"  # the .py beats the notebook, as in bulk


def test_the_gradescope_autograder_refuses_a_duplicate_zip_with_the_reason(autograder_root):
    from dlgrade.bridges.gradescope import run_autograder

    write_zip(autograder_root / "submission" / "upload.zip", {"conv.py": ["A = 1\n", "A = 2\n"]})
    data = run_autograder(autograder_root)
    assert data["score"] == 0 and data["tests"]
    assert "two entries are named conv.py" in data["output"]


def test_the_gradescope_autograder_grades_a_renamed_file_inside_an_uploaded_zip(autograder_root, ex05):
    from dlgrade.bridges.gradescope import run_autograder

    write_zip(autograder_root / "submission" / "upload.zip",
              {"week5/Conv (1).py": ex05.solution_path.read_text(encoding="utf-8")})
    data = run_autograder(autograder_root)
    assert data["score"] == ex05.points
    assert "upload.zip:week5/Conv (1).py" in data["output"]


NFD_NAME = unicodedata.normalize("NFD", "홍길동")


@pytest.mark.parametrize("user, expected", [
    ({"sid": NFD_NAME + " "}, "홍길동"),  # as macOS writes a Korean name: the id bulk grading gives its folder
    ({"sid": "\u200b", "email": "kim@example.com"}, "kim@example.com"),  # an invisible sid names no one
    ({"sid": "2024\udc80"}, "2024\\x80"),  # a byte that is not text: written out, never a crash
    ({"sid": 2024001}, "2024001"),
    ({"sid": "\x07\t", "name": "  "}, None),
    ({}, None),
])
def test_the_gradescope_autograder_reads_the_submitter_as_the_intake_reads_a_student(autograder_root, tmp_path,
                                                                                     user, expected):
    from dlgrade.bridges.gradescope import _student_id

    (autograder_root / "submission_metadata.json").write_text(json.dumps({"users": [user]}), encoding="utf-8")
    assert _student_id(autograder_root) == expected
    if user.get("sid") in (NFD_NAME + " ", "\x07\t"):  # a folder of that name, graded in bulk: the same id
        (tmp_path / "class" / user["sid"]).mkdir(parents=True)
        assert [s.student for s in take_in(tmp_path / "class", []).submissions] == ([expected] if expected else [])


def test_the_gradescope_autograder_grades_a_submitter_whose_id_is_not_text(autograder_root, ex05):
    from dlgrade.bridges.gradescope import run_autograder
    from dlgrade.bulk.grade_class import student_seed

    (autograder_root / "submission_metadata.json").write_text(json.dumps({"users": [{"sid": "2024\udc80"}]}))
    put(autograder_root / "submission" / "conv.py", ex05.solution_path.read_text(encoding="utf-8"))
    data = run_autograder(autograder_root)
    assert data["score"] == ex05.points  # not a tool failure worth 0
    seed = student_seed("2024\\x80", "ex05")
    assert f"seed {seed})" in data["output"]
    assert json.loads((autograder_root / "results" / "results.json").read_text(encoding="ascii")) == data


def test_the_gradescope_autograder_never_follows_a_link_and_says_so(autograder_root, ex05):
    from dlgrade.bridges.gradescope import run_autograder

    sub = autograder_root / "submission"
    (sub / "conv.py").symlink_to(ex05.solution_path)  # the reference solution, outside the upload
    data = run_autograder(autograder_root)
    assert data["score"] == 0 and data["tests"] and all(t["score"] == 0 for t in data["tests"])
    taken = read_entry(sub, [ex05], student="", shown="")
    assert [n.key for n in taken.notes] == ["intake.link_outside"]  # what `grade` reports for the same folder
    assert taken.notes[0].text("en") in data["output"]


def test_the_gradescope_autograder_names_a_file_as_bulk_grading_does(autograder_root, ex05, tmp_path):
    from dlgrade.bridges.gradescope import run_autograder

    korean = os.fsdecode("과제".encode("cp949"))  # a folder unpacked on Linux from a Korean Windows zip
    put(autograder_root / "submission" / korean / "Conv (1).py", ex05.solution_path.read_text(encoding="utf-8"))
    data = run_autograder(autograder_root)
    assert data["score"] == ex05.points
    assert "과제/Conv (1).py" in data["output"]
    shutil.copytree(autograder_root / "submission", tmp_path / "class" / "s1")
    taken = take_in(tmp_path / "class", [ex05]).submissions[0]
    assert taken.files["ex05"].path == "s1/과제/Conv (1).py"  # the same file, named the same way
    assert json.loads((autograder_root / "results" / "results.json").read_text(encoding="ascii")) == data


def test_the_gradescope_autograder_picks_one_of_two_candidates_as_bulk_grading_does(autograder_root, ex05,
                                                                                    tmp_path):
    from dlgrade.bridges.gradescope import run_autograder

    sub = autograder_root / "submission"
    put(sub / "Conv (1).py", ex05.solution_path.read_text(encoding="utf-8"))  # a renamed copy ...
    put(sub / "old" / "conv.py", "def correlate(x, w, mode='valid'):\n    return x\n")  # ... and the exact name
    data = run_autograder(autograder_root)
    shutil.copytree(sub, tmp_path / "class" / "s1")
    taken = take_in(tmp_path / "class", [ex05]).submissions[0]
    assert taken.files["ex05"].path == "s1/old/conv.py"  # the exact name wins, wherever it is
    assert [(s.path, s.note.key) for s in taken.skipped] == [("s1/Conv (1).py", "intake.not_taken")]
    assert "old/conv.py" in data["output"] and data["score"] < ex05.points  # Gradescope graded the same file


# ----------------------------------------------------------------------------- messages
def test_intake_messages_exist_in_korean_and_english_with_the_same_fields():
    import string

    keys = [k for k in MESSAGES if k.startswith("intake.") or k in ("session.times_from", "session.error.times_from")]
    assert len(keys) > 40
    for key in keys:
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(MESSAGES[key][lang]) if f}
                  for lang in ("ko", "en")}
        assert MESSAGES[key]["ko"] and MESSAGES[key]["en"] and fields["ko"] == fields["en"], key


def test_the_watcher_grades_a_student_once_a_conflict_is_resolved(tmp_path, course):
    from dlgrade.session.watch import Watcher

    (tmp_path / "s.yaml").write_text("name: w\nexercises: {ex01: 10}\nopens: 2026-11-27 14:00\n"
                                     "closes: 2030-11-27 15:00\n", encoding="utf-8")
    session = load_session(tmp_path / "s.yaml", course)
    solution = course.resolve("ex01").solution_path.read_text(encoding="utf-8")
    folder, db = tmp_path / "incoming", tmp_path / "live.db"
    put(folder / "kim" / "perceptron.py", solution)
    put(folder / "KIM" / "perceptron.py", "x = 1\n")
    watcher = Watcher(session, folder, db, jobs=1, backend="rlimit")
    assert watcher.step(settle=False) == ["KIM", "kim"] and watcher.graded_count == 0  # a conflict: not graded
    assert any("KIM" in p and "kim" in p for p in watcher.problems)
    assert watcher.conflicts == [(["KIM", "kim"], ["KIM", "kim"])]
    view = CliRunner().invoke(main, ["session", "watch", str(tmp_path / "s.yaml"), str(folder), "--db",
                                     str(tmp_path / "view.db"), "--once", "--insecure", "--jobs", "1"],
                              env=env("ko", DLGRADE_SANDBOX="rlimit"))
    assert view.exit_code == 0 and "충돌: KIM, kim → 같은 학생 (KIM, kim); 채점하지 않음" in view.output
    assert watcher.step(settle=False) == []  # still the same conflict: nothing to do
    shutil.rmtree(folder / "KIM")
    assert watcher.step(settle=False) == ["kim"] and watcher.graded_count == 1 and watcher.conflicts == []
    with Gradebook(db) as book:
        assert book.current("kim", "ex01").score == 17.0 and book.current("KIM", "ex01") is None


def test_names_that_are_not_utf8_on_disk_are_read_as_cp949_or_shown_escaped(tmp_path, ex05):
    cls = tmp_path / "class"
    cls.mkdir()
    korean = os.fsdecode("김민지".encode("cp949"))  # unpacked on Linux from a Korean Windows zip
    put(cls / korean / "conv.py", "K")
    put(cls / os.fsdecode(b"bad\xff\xfe") / "conv.py", "B")
    put(cls / os.fsdecode(b"bad\xfe\xff") / "conv.py", "C")  # would be the same id if shown replaced
    intake = take_in(cls, [ex05])
    assert {s.student: s.files["ex05"].source for s in intake.submissions} == {
        "김민지": "K", "bad\\xff\\xfe": "B", "bad\\xfe\\xff": "C"}
    json.dumps(intake.to_dict()).encode("utf-8")  # printable as --json


def test_a_folder_with_too_many_files_is_read_up_to_the_limit(tmp_path, ex05, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_FILES", 5)
    folder = tmp_path / "class" / "s1"
    put(folder / "conv.py", "C")
    for i in range(10):
        put(folder / "data" / f"{i}.txt")
    put(folder / ".venv" / "lib" / "site.py")  # a virtual environment is passed over, not counted
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files["ex05"].source == "C" and not sub.refused
    assert sub.problems == ["s1 holds more than 5 files; the rest were not read"]


def test_a_file_too_large_is_not_graded_and_the_next_candidate_is(tmp_path, ex05, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_FILE_BYTES", 100)
    put(tmp_path / "class" / "s1" / "conv.py", "#" * 500)
    put(tmp_path / "class" / "s1" / "conv (1).py", "SMALL")
    write_zip(tmp_path / "class" / "s2.zip", {"conv.py": "#" * 500})
    subs = {s.student: s for s in collect(tmp_path / "class", [ex05])}
    assert subs["s1"].files["ex05"].source == "SMALL"
    [problem] = subs["s1"].problems
    assert problem.startswith("s1/conv.py is larger than") and problem.endswith("not graded")
    assert subs["s2"].files == {} and subs["s2"].problems[0].startswith("s2.zip:conv.py is larger than")


def corrupted(data: bytes, marker: bytes) -> bytes:
    """``data`` with the compressed bytes after ``marker`` (an entry's name in its local header)
    overwritten: the archive's directory still reads, the entry does not decompress."""
    at = data.index(marker) + len(marker)
    return data[:at] + bytes(b ^ 0x5A for b in data[at:at + 40]) + data[at + 40:]


def test_a_damaged_archive_costs_only_its_student(tmp_path, ex05, ex01):
    cls = tmp_path / "class"
    code = "\n".join(f"value_{i} = {i * 7919}" for i in range(200)) + "\n"
    (cls / "s1").mkdir(parents=True)
    (cls / "s1" / "hw.zip").write_bytes(corrupted(zip_bytes({"hw/inner.zip": zip_bytes({"x.py": code})}), b"hw/inner.zip"))
    (cls / "s2.zip").write_bytes(corrupted(zip_bytes({"conv.py": code, "perceptron.py": "P"}), b"conv.py"))
    (cls / "s3.tar.gz").write_bytes(tar_bytes({"conv.py": code})[:60])
    put(cls / "s4" / "conv.py", "FINE")
    subs = {s.student: s for s in collect(cls, [ex01, ex05])}
    assert subs["s4"].files["ex05"].source == "FINE"
    assert subs["s1"].refused and subs["s1"].problems
    assert "ex05" not in subs["s2"].files and subs["s2"].files["ex01"].source == "P"  # the other file still read
    assert subs["s2"].problems[0].startswith("s2.zip:conv.py cannot be read")
    assert subs["s3"].refused and "s3.tar.gz" in subs["s3"].problems[0]


def test_an_archive_without_or_with_impossible_inner_times_is_still_read(tmp_path, ex05):
    cls = tmp_path / "class"
    write_zip(cls / "s1.zip", {"conv.py": "ZERO"}, stamp=(1980, 0, 0, 0, 0, 0), arrived=seoul(14, 40))
    cls.joinpath("s2.tar.gz").write_bytes(tar_bytes({"conv.py": "FAR"}, mtime=10 ** 13))
    subs = {s.student: s.files["ex05"] for s in collect(cls, [ex05])}
    assert (subs["s1"].source, subs["s1"].stated_at) == ("ZERO", None)
    assert subs["s1"].submitted_at == "2026-11-27T05:40:00+00:00"
    assert (subs["s2"].source, subs["s2"].stated_at) == ("FAR", None)


def _swap_for_a_link(folder: Path, outside: Path, moved: Path) -> None:
    """``folder`` moved away and a symbolic link to ``outside`` put in its place."""
    folder.rename(moved)
    folder.symlink_to(outside, target_is_directory=True)


def _listed_name(path) -> str:
    return Path(os.readlink(f"/proc/self/fd/{path}") if isinstance(path, int) else path).name


def _secret_elsewhere(tmp_path: Path) -> Path:
    """Another student's work (or the course's) outside the student's folder, named as expected."""
    secret = tmp_path / "elsewhere" / "sub"
    put(secret / "conv.py", "SECRET = 'another student'\n")
    put(secret / "ex05.py", "SECRET = 'another student'\n")
    return secret


def test_a_folder_swapped_for_a_link_as_it_is_about_to_be_listed_is_not_followed(tmp_path, ex05, monkeypatch):
    """The folder was listed as a folder; when the walk comes to list it, it has become a link
    to another student's work.  The walk lists the folder that was there, or nothing."""
    secret = _secret_elsewhere(tmp_path)
    folder = tmp_path / "class" / "s1"
    put(folder / "sub" / "conv.py", "MINE = 1\n")
    real_scandir = os.scandir
    swapped = []

    def scandir(path="."):
        if not swapped and _listed_name(path) == "sub":
            _swap_for_a_link(folder / "sub", secret, tmp_path / "moved")
            swapped.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    [sub] = collect(tmp_path / "class", [ex05])
    assert swapped, "the walk never listed the folder: the test proves nothing"
    assert all("SECRET" not in f.source for f in sub.files.values()), sub.files
    assert "s1/sub/conv.py" in {s.path for s in sub.skipped}, sub.skipped


def test_a_folder_swapped_for_a_link_between_listing_and_reading_is_not_followed(tmp_path, ex05, monkeypatch):
    """Every folder walked and every file looked at; then, before the files are read, a folder
    on their way becomes a link to another student's files of the same names."""
    secret = _secret_elsewhere(tmp_path)
    folder = tmp_path / "class" / "s1"
    put(folder / "sub" / "conv.py", "MINE = 1\n")
    real_choose = collect_module._choose
    swapped = []

    def choose(*args, **kwargs):
        _swap_for_a_link(folder / "sub", secret, tmp_path / "moved")
        swapped.append(True)
        return real_choose(*args, **kwargs)

    monkeypatch.setattr(collect_module, "_choose", choose)
    [sub] = collect(tmp_path / "class", [ex05])
    assert swapped
    assert all("SECRET" not in f.source for f in sub.files.values()), sub.files
    assert "s1/sub/conv.py" in {s.path for s in sub.skipped}, sub.skipped
    assert "replaced while it was being read" in " ".join(sub.problems)


def test_the_session_watch_fingerprint_does_not_follow_a_folder_swapped_for_a_link(tmp_path, monkeypatch):
    from dlgrade.session.watch import fingerprint

    secret = _secret_elsewhere(tmp_path)
    folder = tmp_path / "class" / "s1"
    put(folder / "sub" / "mine.py", "MINE = 1\n")
    real_scandir = os.scandir

    def scandir(path="."):
        if _listed_name(path) == "sub" and not (folder / "sub").is_symlink():
            _swap_for_a_link(folder / "sub", secret, tmp_path / "moved")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    names = [name for name, _size, _mtime in fingerprint(folder)]
    assert (folder / "sub").is_symlink()
    assert names == ["sub/mine.py"], names


def test_folders_nested_past_the_limit_are_noted_not_read(tmp_path, ex05, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_FOLDER_DEPTH", 3)
    folder = tmp_path / "class" / "s1"
    put(folder / "a" / "b" / "c" / "d" / "conv.py", "DEEP = 1\n")
    put(folder / "a" / "conv.py", "SHALLOW = 1\n")
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files["ex05"].source == "SHALLOW = 1\n"
    assert [(s.path, s.note.key) for s in sub.skipped] == [("s1/a/b/c/d", "intake.folders_too_deep")]


def test_an_unreadable_folder_inside_a_submission_is_listed(tmp_path, ex05, monkeypatch):
    folder = tmp_path / "class" / "s1"
    put(folder / "conv.py", "C")
    put(folder / "locked" / "x.py")
    real_scandir = os.scandir

    def scandir(path="."):  # what a folder without read permission gives (root reads every folder)
        if Path(os.readlink(f"/proc/self/fd/{path}") if isinstance(path, int) else path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    [sub] = collect(tmp_path / "class", [ex05])
    assert sub.files["ex05"].source == "C"
    assert [(s.path, s.note.key) for s in sub.skipped] == [("s1/locked", "intake.unreadable")]
    assert "Permission denied" in sub.skipped[0].note.text("en")


def test_a_roster_listing_one_student_twice_under_two_spellings_is_refused(tmp_path):
    from dlgrade.session.config import read_roster

    (tmp_path / "r.csv").write_text(f"id,name\nKim,김\nlee,이\nkim,김2\n{NFC},홍\n{NFD},홍2\n", encoding="utf-8")
    with pytest.raises(SessionError) as error:
        read_roster(tmp_path / "r.csv")
    assert error.value.problems == [
        "r.csv, line 4: kim and Kim (line 2) differ only in case, NFC/NFD, spaces or separators, so submissions "
        "could not tell the two students apart; correct the id",
        f"r.csv, line 6: {NFC} appears again (first on line 5); keep one line"]  # NFD read as NFC: the same id
