"""Every exercise through the portable sandbox (a subprocess with pipes, the backend of
Windows), so that CI keeps it working without a Windows machine: the solution scores
full marks, every mutant loses the points of the checks that catch it, the stub scores
nothing, and hostile code — an infinite loop, a memory bomb, an output flood, an exit,
at import or inside the functions — is stopped with the same statuses and messages as
in the zygote's sandbox, leaving no process behind."""

import os
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, descendants, expected_failures, submissions
from dlgrade.course import load_course
from dlgrade.grading.oracle import Oracle
from dlgrade.grading.grade_submission import GradingContext, grade, read_submission
from dlgrade.sandbox import Limits, Session, Student, StudentCodeError, Worker
from dlgrade.sandbox.portable import PortableSession, PortableWorker

EXERCISES = [ex.id for ex in load_course(ROOT)]
#: a small memory limit, so that a memory bomb meets it after little work
FAST = Limits(wall_seconds=2.0, cpu_seconds=20, output_bytes=256 * 1024, address_space=256 << 20)


@pytest.fixture(scope="module")
def portable_context():
    with GradingContext.create(backend="portable", oracle=Oracle()) as context:
        yield context


@pytest.fixture(scope="module")
def grade_portable(course, portable_context):
    def run(exercise_id, submission, **kwargs):
        exercise = course.resolve(exercise_id)
        source = read_submission(submission) if isinstance(submission, Path) else submission
        return grade(exercise, source, seed=0, context=portable_context, **kwargs)

    return run


def sandbox_processes(worker) -> list[int]:
    """Portable sandbox processes still running below this one, besides the one the worker
    keeps started for the next submission."""
    found = []
    spare = worker.process.pid if worker.process is not None else None
    for pid in descendants(os.getpid()):
        if pid == spare:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"portable_main" in cmdline and state != "Z":
            found.append(pid)
    return found


def test_the_portable_backend_is_chosen_by_name(portable_context):
    assert isinstance(portable_context.worker, PortableWorker)
    assert portable_context.worker.backend == "portable"
    assert type(Session(portable_context.worker, "", "m.py")) is PortableSession


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_solution_scores_full_marks(exercise_id, course, grade_portable):
    result = grade_portable(exercise_id, course.resolve(exercise_id).solution_path)
    assert {c.name: c.message for c in result.checks if not c.passed} == {}
    assert result.score == result.max_score > 0
    assert result.sandbox == "portable"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_stub_scores_nothing(exercise_id, course, grade_portable):
    result = grade_portable(exercise_id, course.resolve(exercise_id).stub_path)
    assert result.score == 0
    assert [c.name for c in result.checks if c.passed] == []


def first_mutants():
    """One mutant of each exercise (all of them run through the zygote in test_graders.py)."""
    firsts = {}
    for param in submissions("mutants"):
        firsts.setdefault(param.values[0], param)
    return list(firsts.values())


@pytest.mark.parametrize("folder, path", first_mutants())
def test_mutant_loses_the_points_of_the_checks_that_catch_it(folder, path, grade_portable):
    must_fail = expected_failures(path)
    result = grade_portable(folder, path)
    by_name = {c.name: c for c in result.checks}
    assert [name for name in must_fail if name not in by_name] == []
    assert [name for name in must_fail if by_name[name].passed] == []
    assert result.score < result.max_score


# Hostile code replaces every function and class of the solution (whatever the exercise
# calls them), so each check that calls the student's code meets it.
EVERYWHERE = """
def _hostile(*args, **kwargs):
{body}
for _name, _value in list(globals().items()):
    if not _name.startswith("_") and callable(_value) and getattr(_value, "__module__", None) == __name__:
        globals()[_name] = _hostile
"""
BODIES = {
    "infinite_loop": "while True:\n    pass",
    "memory_bomb": "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))",
    "output_flood": "while True:\n    print('x' * 65536)",
    "exit": "import os\nos._exit(0)",
}


def stopped_as_expected(kind: str, check) -> bool:
    """The status and message the zygote's sandbox gives the same code (tests/test_hostile.py)."""
    if kind == "infinite_loop":
        return check.status == "timeout" and ("time limit" in check.message or "time budget" in check.message)
    if kind == "memory_bomb":  # or, on a machine too loaded to fill the pages in time, the time limit
        return (check.status, "MemoryError" in check.message) in {("error", True), ("timeout", False)}
    if kind == "output_flood":
        return check.status == "error" and "output limit" in check.message
    return check.status == "error" and "exit code 0" in check.message


@pytest.mark.parametrize("kind", sorted(BODIES))
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_hostile_functions_are_stopped(exercise_id, kind, course, grade_portable, portable_context):
    exercise = course.resolve(exercise_id)
    body = textwrap.indent(BODIES[kind], "    ")
    source = exercise.solution_path.read_text(encoding="utf-8") + EVERYWHERE.format(body=body)
    result = grade_portable(exercise_id, source, limits=FAST)
    met = [c for c in result.checks if not c.passed]
    assert met, "no check met the hostile code"
    assert stopped_as_expected(kind, met[0]), (met[0].status, met[0].message)
    assert result.score < result.max_score
    if kind == "output_flood":
        assert len(result.output) < 10_000
    assert sandbox_processes(portable_context.worker) == []
    if kind == "exit":
        after = grade_portable(exercise_id, exercise.solution_path)
        assert after.score == after.max_score, "a hostile submission disturbed the next grading"


AT_IMPORT = {
    "infinite_loop": ("while True:\n    pass\n", "timeout", "time limit"),
    "memory_bomb": ("blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))\n", "error",
                    "MemoryError"),
    "output_flood": ("while True:\n    print('x' * 65536)\n", "error", "output limit"),
    "exit": ("import sys\nsys.exit(0)\n", "error", "exit"),
}


@pytest.mark.parametrize("kind", sorted(AT_IMPORT))
@pytest.mark.parametrize("exercise_id", ["ex01", "ex04"])
def test_hostile_module_is_stopped_at_import(exercise_id, kind, course, grade_portable, portable_context):
    exercise = course.resolve(exercise_id)
    prefix, status, words = AT_IMPORT[kind]
    result = grade_portable(exercise_id, prefix + exercise.solution_path.read_text(encoding="utf-8"), limits=FAST)
    assert result.score == 0
    first = result.checks[0]
    if kind == "memory_bomb" and first.status == "timeout":
        pass  # a machine too loaded to fill the pages within the time limit
    else:
        assert (first.status, words in first.message) == (status, True), first.message
    assert sandbox_processes(portable_context.worker) == []


def test_forbidden_names_are_refused_as_in_the_zygote(grade_portable):
    solution = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
    result = grade_portable("ex05", "import scipy.signal\n" + solution, limits=FAST)
    assert {c.status for c in result.checks} == {"forbidden"}
    source = solution + "\ndef convolve(x, w, mode='valid'):\n    return np.convolve(x, w, mode=mode)\n"
    result = grade_portable("ex05", source, limits=FAST)
    by_name = {c.name: c for c in result.checks}
    assert by_name["lecture_convolve_valid"].status == "forbidden"
    assert "numpy.convolve" in by_name["lecture_convolve_valid"].message
    assert by_name["lecture_correlate_valid"].status == "passed"


def test_printed_output_and_the_last_call_are_reported(grade_portable):
    solution = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
    source = solution + textwrap.dedent("""
        print("로드됨 loaded")
        def correlate2d(x, w, mode="valid", stride=1):
            while True:
                pass
        """)
    result = grade_portable("ex05", source, limits=FAST)
    assert "로드됨 loaded" in result.output
    check = next(c for c in result.checks if c.name == "lecture_correlate2d_valid")
    assert check.status == "timeout"
    assert "last call: correlate2d(" in check.message


def test_processes_the_code_starts_are_ended_with_it(grade_portable):
    solution = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
    source = solution + textwrap.dedent("""
        import subprocess, sys
        def correlate(x, w, mode="valid"):
            for _ in range(3):
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            return None
        """)
    result = grade_portable("ex05", source, limits=FAST)
    assert {c.name: c.status for c in result.checks}["lecture_correlate_valid"] == "failed"
    assert any("process(es) running" in note for note in result.notes)
    leftover = [pid for pid in descendants(os.getpid())
                if b"time.sleep(600)" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert leftover == []


def test_one_process_per_submission_and_none_shared():
    """Every check of a submission is served by one process; the next submission gets another."""
    source = "import os\nstate = []\ndef remember(x):\n    state.append(x)\n    return [os.getpid(), len(state)]\n"
    with Worker("portable") as worker:
        pids = []
        for _ in range(2):
            session = Session(worker, source, "memory.py", [], FAST)
            try:
                student = Student(session)
                first, second = student.remember(1), student.remember(2)
            finally:
                session.close()
            assert first[0] == second[0] and (first[1], second[1]) == (1, 2)
            pids.append(first[0])
        assert pids[0] != pids[1]


def test_how_the_process_ended_is_reported():
    source = "import os, signal\ndef leave(x):\n    os._exit(3)\ndef segfault(x):\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
    with Worker("portable") as worker:
        messages = []
        for name in ("leave", "segfault"):
            session = Session(worker, source, "leave.py", [], FAST)
            try:
                getattr(Student(session), name)(1)
            except StudentCodeError as exc:
                messages.append(exc.message)
            finally:
                session.close()
    assert messages == ["your code ended the process during the call (exit code 3)",
                        "the process running your code died during the call (SIGSEGV: segmentation fault)"]


def test_memory_is_watched_where_no_limit_bounds_it(monkeypatch):
    """Without the resource module in the sandbox process (and no Job Object), the parent
    measures its memory and stops it past the limit."""
    import dlgrade.sandbox.portable as portable

    monkeypatch.setattr(portable, "BOOTSTRAP", "import sys\nsys.modules['resource'] = None\n" + portable.BOOTSTRAP)
    source = ("import os\ndef limits():\n    import resource\n"
              "def bomb():\n    blocks = []\n    while True:\n        blocks.append(bytearray(32 << 20))\n")
    limits = Limits(wall_seconds=20, cpu_seconds=30, address_space=192 << 20)
    with Worker("portable") as worker:
        session = Session(worker, source, "bomb.py", [], limits)
        try:
            student = Student(session)
            with pytest.raises(StudentCodeError, match="No module named 'resource'|import of resource"):
                student.limits()  # the sandbox process really has no resource module
            with pytest.raises(StudentCodeError) as stopped:
                student.bomb()
        finally:
            session.close()
    assert stopped.value.message == ("the process running your code was killed during the call "
                                     "(memory limit: more than 192 MiB)")


@pytest.mark.parametrize("fatal, error", [("loop", "StudentTimeout"), ("exit", "StudentCrashed")])
def test_a_batch_that_dies_or_hangs_names_the_call_it_was_running(fatal, error):
    """The progress a batch notes (run_session's pwrite, or its stand-in on Windows) reaches
    the parent through the file the portable process is given."""
    source = ("import os\ndef step(k):\n    if k == 'exit':\n        os._exit(1)\n    if k == 'loop':\n"
              "        while True:\n            pass\n    return k\n")
    with Worker("portable") as worker:
        session = Session(worker, source, "steps.py", [], Limits(wall_seconds=1, cpu_seconds=10))
        try:
            student = Student(session)
            batch = student.batch()
            for k in (1, 2, fatal, 4, 5):
                batch.call(student.step, k)
            with pytest.raises(StudentCodeError) as stopped:
                batch.run()
            assert type(stopped.value).__name__ == error
            assert [args for _path, args, _kw in student.transcript.calls] == [(1,), (2,), (fatal,)]
            assert student.step(7) == 7  # a fresh process
        finally:
            session.close()


def test_progress_is_noted_without_pwrite(tmp_path):
    """Windows has no os.pwrite: the portable process notes a batch's progress with a seek
    and a write instead, at the same place."""
    from dlgrade.sandbox.portable_child import _write_at_start

    path = tmp_path / "progress"
    path.write_bytes(b"\0" * 4)
    fd = os.open(path, os.O_RDWR)
    try:
        os.write(fd, b"junk")
        _write_at_start(fd, (3).to_bytes(4, "little"), 0)
    finally:
        os.close(fd)
    assert path.read_bytes() == (3).to_bytes(4, "little")


def test_a_process_that_outlives_the_code_that_started_it_is_ended(grade_portable):
    import uuid

    tag = f"time.sleep(601)  # {uuid.uuid4().hex}"  # this run's, not an earlier one's
    solution = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
    source = solution + textwrap.dedent(f"""
        import os, subprocess, sys
        def correlate(x, w, mode="valid"):
            subprocess.Popen([sys.executable, "-c", "import time; {tag}"])
            os._exit(0)
        """)
    result = grade_portable("ex05", source, limits=FAST)
    assert {c.name: c.status for c in result.checks}["lecture_correlate_valid"] == "error"
    assert any("process(es) running" in note for note in result.notes)
    leftover = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and tag.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                leftover.append(entry)
        except OSError:
            pass
    assert leftover == []


def test_two_frames_read_at_once_are_both_answered():
    """The limits the process set and its load reply can come in one read; the second frame
    is then already here, and no later event announces it."""
    from dlgrade.sandbox.portable import _frame

    with Worker("portable") as worker:
        session = Session(worker, "", "m.py", [], FAST)
        session._buffered = bytearray(_frame({"limits": []}) + _frame({"ok": True}, [b"abc"]) + b"\0\0")
        assert session._take_frame() == ({"limits": [], "blobs": []}, [])
        assert session._take_frame() == ({"ok": True, "blobs": [3]}, [b"abc"])
        assert session._take_frame() is None and session._buffered == bytearray(b"\0\0")
