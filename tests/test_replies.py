"""Replies from the child are bounded in bytes, nesting depth, object count and parse time:
a reply past a limit is that submission's clear error, never an exception that escapes or a
grader that hangs; a hang or crash counts against the submission's time budget once."""

import json
import struct
import textwrap

import pytest

from conftest import ROOT
from dlgrade.sandbox import Limits, Session, Student, StudentCodeError, StudentCrashed, StudentTimeout, wire
from dlgrade.sandbox.worker import FrameReader

LIMITS = Limits(wall_seconds=20, cpu_seconds=60, result_bytes=32 << 20)
SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()


def frame(payload: bytes, blobs=()) -> bytes:
    return struct.pack(">I", len(payload)) + payload + b"".join(blobs)


# --------------------------------------------------------------------------- the parser alone
@pytest.mark.parametrize("payload, reason", [
    (b"[" * 200_000 + b"]" * 200_000, "malformed header"),  # deeper than any parser goes
    (b"[" + b"0," * 1_200_000 + b"0]", "values exceeds the limit"),  # millions of objects
    (b"[" + b"{}," * 1_100_000 + b"{}]", "values exceeds the limit"),
    (b'{"ok": true, "value": 1', "malformed header"),
    (b'"just a string"', "not an object"),
    (b'{"blobs": [-1]}', "bad blob sizes"),
    (b'{"blobs": [1e300]}', "bad blob sizes"),
])
def test_a_hostile_header_is_refused_before_or_while_parsing(payload, reason):
    with pytest.raises(wire.FrameError, match=reason):
        wire.parse_header(payload, 64 << 20)


def test_a_header_past_the_size_limit_is_refused_from_its_length_alone():
    with pytest.raises(wire.FrameError, match="exceeds the limit"):
        wire.header_length(struct.pack(">I", wire.MAX_HEADER_BYTES + 1), 1 << 40)


def test_the_frame_reader_parses_the_header_once_and_waits_for_the_blobs():
    payload = json.dumps({"ok": True, "value": {"$nd": 0}, "blobs": [6]}).encode()
    data = frame(payload, [b"abcdef"])
    reader = FrameReader(1 << 20)
    parsed = []
    original = wire.parse_header

    def counting(*args):
        parsed.append(1)
        return original(*args)

    wire.parse_header, saved = counting, wire.parse_header
    try:
        results = [reader.feed(data[i:i + 3]) for i in range(0, len(data), 3)]
    finally:
        wire.parse_header = saved
    assert results[:-1] == [None] * (len(results) - 1)
    assert results[-1] == ({"ok": True, "value": {"$nd": 0}, "blobs": [6]}, [b"abcdef"])
    assert len(parsed) == 1


def test_the_frame_reader_turns_a_bad_header_into_the_students_error():
    with pytest.raises(StudentCrashed, match="malformed or too large"):
        FrameReader(1 << 20).feed(frame(b"[" * 100_000))


def test_a_value_nested_past_the_decoders_depth_is_a_wire_error():
    value = 1
    for _ in range(40):
        value = {"$list": [value]}
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.decode(value, [])


# --------------------------------------------------------------------------- through the sandbox
SENDER = textwrap.dedent('''
    import os, stat, struct, time

    def _send(data):
        # Straight down the connection to the grader, as a reply of its own making.
        for fd in range(3, 64):
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
            except OSError:
                pass
        time.sleep(60)

    def nested():
        _send(struct.pack(">I", 400000) + b"[" * 200000 + b"]" * 200000)

    def many():
        payload = b'{"ok": true, "value": {"$list": [' + b"0," * 1500000 + b'0]}}'
        _send(struct.pack(">I", len(payload)) + payload)

    def deep():
        payload = b'{"ok": true, "value": ' + b'{"$list": [' * 40 + b"1" + b"]}" * 40 + b"}"
        _send(struct.pack(">I", len(payload)) + payload)

    def huge_header():
        _send(struct.pack(">I", 1 << 30))

    def huge_blobs():
        payload = b'{"ok": true, "value": null, "blobs": [33554432, 33554432]}'
        _send(struct.pack(">I", len(payload)) + payload + b"\\0" * (1 << 26))

    def fine():
        return 42
''')


@pytest.mark.parametrize("name, message", [
    ("nested", "malformed or too large"),
    ("many", "malformed or too large"),
    ("deep", "malformed reply"),
    ("huge_header", "malformed or too large"),
    ("huge_blobs", "malformed or too large"),
])
def test_an_over_limit_reply_is_the_submissions_error_and_the_worker_goes_on(grading_context, name, message):
    with Session(grading_context.worker, SENDER, "sender.py", [], LIMITS) as session:
        student = Student(session)
        with pytest.raises(StudentCodeError, match=message) as caught:
            getattr(student, name)()
        assert isinstance(caught.value, StudentCrashed)
        assert student.fine() == 42  # a fresh child for the next call
    with Session(grading_context.worker, SENDER, "sender.py", [], LIMITS) as session:
        assert Student(session).fine() == 42


def test_a_flood_of_reply_values_fails_one_check_and_the_rest_are_graded(grade_file):
    source = SOLUTION + SENDER.replace("def fine():", "def correlate(x, w, mode='valid'):\n    many()\n\n\ndef _fine():")
    result = grade_file("ex05", source, limits=Limits(wall_seconds=20, cpu_seconds=120))
    statuses = {c.name: c.status for c in result.checks}
    assert statuses["lecture_correlate_valid"] == "error"
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "malformed or too large" in message
    assert statuses["lecture_correlate2d_valid"] == "passed"


def test_a_module_that_hangs_at_import_is_waited_for_once(grading_context, grade_file, monkeypatch):
    spawned = []
    original = grading_context.worker.spawn

    def counting(*args, **kwargs):
        spawned.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(grading_context.worker, "spawn", counting)
    result = grade_file("ex05", "while True:\n    pass\n", limits=Limits(wall_seconds=1, cpu_seconds=20))
    assert len(spawned) == 1
    assert {c.status for c in result.checks} == {"timeout"}
    assert all("importing conv.py did not finish" in c.message for c in result.checks)


def test_a_module_that_ends_the_process_at_import_is_started_once(grading_context, grade_file, monkeypatch):
    spawned = []
    original = grading_context.worker.spawn
    monkeypatch.setattr(grading_context.worker, "spawn", lambda *a, **k: spawned.append(1) or original(*a, **k))
    result = grade_file("ex05", "import os\nos._exit(4)\n", limits=Limits(wall_seconds=5, cpu_seconds=20))
    assert len(spawned) == 1
    assert result.score == 0 and {c.status for c in result.checks} == {"error"}


def test_the_time_a_crash_or_hang_cost_is_counted_once(grading_context):
    source = "import os, time\ndef crash():\n    time.sleep(0.3)\n    os._exit(3)\ndef hang():\n    time.sleep(60)\n"
    with Session(grading_context.worker, source, "lost.py", [], Limits(wall_seconds=0.5, cpu_seconds=20)) as session:
        student = Student(session)
        with pytest.raises(StudentCrashed):
            student.crash()
        after_crash = session.lost_seconds
        with pytest.raises(StudentTimeout):
            student.hang()
        after_hang = session.lost_seconds
    assert after_crash >= 0.3  # at least what the child ran before it died
    assert after_hang - after_crash >= 0.5  # the whole wait of the time-out
