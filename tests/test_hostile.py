"""Hostile submissions: each gains nothing on what it attacks, and the run completes.

They are graded against ex05 (and ex01) through the real sandbox.  After each
one, the same warm context grades the reference solution to full marks: a
hostile submission costs only its own time.
"""

import os
import textwrap
import uuid

import pytest

from conftest import ROOT, descendants, requires_bwrap, requires_zygote
from dlgrade.sandbox import Limits

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
FAST = Limits(wall_seconds=2.0, cpu_seconds=10, output_bytes=256 * 1024)


def hostile(body: str) -> str:
    return textwrap.dedent(body)


@pytest.fixture
def grade_hostile(grade_file, course):
    """Grade a hostile ex05 submission, then check the context still grades correctly."""
    def run(source, exercise="ex05", **kwargs):
        kwargs.setdefault("limits", FAST)
        result = grade_file(exercise, source, **kwargs)
        after = grade_file("ex05", SOLUTION)
        assert after.score == after.max_score, "a hostile submission disturbed the next grading"
        return result

    return run


def statuses(result):
    return {c.name: c.status for c in result.checks}


def test_exit_at_import_scores_zero(grade_hostile):
    result = grade_hostile("import sys\nsys.exit(0)\n" + SOLUTION)
    assert result.score == 0
    assert set(statuses(result).values()) == {"error"}
    assert "exit" in result.checks[0].message


def test_os_exit_inside_a_function_fails_only_that_functions_checks(grade_hostile):
    source = SOLUTION + hostile("""
        import os as _os
        def convolve(x, w, mode="valid"):
            _os._exit(0)
        """)
    result = grade_hostile(source)
    st = statuses(result)
    assert st["lecture_convolve_valid"] == "error"
    assert "exit code 0" in next(c.message for c in result.checks if c.name == "lecture_convolve_valid")
    assert st["random_convolve"] == "error"
    assert st["lecture_correlate_valid"] == "passed"  # the rest still graded


def test_monkeypatched_allclose_changes_nothing(grade_hostile):
    source = hostile("""
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        def correlate(x, w, mode="valid"):
            return np.zeros(3)
        convolve = correlate2d = conv2d = correlate
        """)
    result = grade_hostile(source)
    assert result.score == 0


def test_ndarray_subclass_with_lying_eq_is_refused(grade_hostile):
    source = hostile("""
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other):
                return True
            def __array_finalize__(self, obj):
                pass
        def correlate(x, w, mode="valid"):
            return np.zeros(6).view(Liar)
        convolve = correlate2d = conv2d = correlate
        """)
    result = grade_hostile(source)
    assert result.score == 0
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "ndarray subclass (Liar)" in message


def test_nan_never_matches(grade_hostile):
    source = hostile("""
        import numpy as np
        def correlate(x, w, mode="valid"):
            return np.full(6, np.nan)
        convolve = correlate2d = conv2d = correlate
        """)
    result = grade_hostile(source)
    assert result.score == 0
    assert "NaN" in next(c.message for c in result.checks if c.name == "lecture_correlate_valid")


@pytest.mark.parametrize("value", ["np.array([[48.0]])", "48.0", "np.array([48, 57, 24, 25, 16, 39])[None, :]",
                                   "[48, 57, 24, 25, 16, 39]"])
def test_broadcastable_shapes_never_match(grade_hostile, value):
    source = SOLUTION + hostile(f"""
        def correlate(x, w, mode="valid"):
            return {value}
        """)
    result = grade_hostile(source)
    assert statuses(result)["lecture_correlate_valid"] == "failed"


def test_scalar_expected_is_not_matched_by_an_array(grade_file):
    source = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text() + hostile("""
        def perceptron(x, w, b):
            return np.array([1 if np.dot(w, x) + b > 0 else 0])
        """)
    result = grade_file("ex01", source, limits=FAST)
    assert statuses(result)["lecture_sign_perceptrons"] == "failed"
    assert statuses(result)["random_perceptron"] == "failed"


def test_fake_score_printed_to_stdout_changes_nothing(grade_hostile, tmp_path):
    source = hostile("""
        import sys
        print('{"exercise": "ex05", "score": 22, "max_score": 22, "checks": []}')
        sys.stdout.write("Score: 22 / 22\\nAll checks passed!\\n")
        sys.stderr.write("Score: 22 / 22\\n")
        def correlate(x, w, mode="valid"):
            print('{"score": 22}')
            return None
        convolve = correlate2d = conv2d = correlate
        """)
    result = grade_hostile(source)
    assert result.score == 0
    assert '"score": 22' in result.output  # captured, shown as the student's output, never parsed


def test_pickle_payload_is_never_unpickled(grade_hostile, tmp_path):
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    source = hostile(f"""
        import io, os, json, struct, pickle, socket
        import numpy as np

        class Payload:
            def __reduce__(self):
                return (open, ({str(marker)!r}, "w"))

        def correlate(x, w, mode="valid"):
            # An object array saved with pickle inside an .npy, sent straight down
            # every open socket as a well-formed frame.
            buf = io.BytesIO()
            np.save(buf, np.array([Payload()], dtype=object), allow_pickle=True)
            blob = buf.getvalue()
            header = json.dumps({{"ok": True, "value": {{"$nd": 0}}, "blobs": [len(blob)]}}).encode()
            frame = struct.pack(">I", len(header)) + header + blob
            for fd in range(3, 64):
                try:
                    os.write(fd, frame)
                except OSError:
                    pass
            return Payload()
        convolve = correlate2d = conv2d = correlate
        """)
    result = grade_hostile(source)
    assert result.score == 0
    assert not marker.exists()


@requires_bwrap
def test_reference_solution_cannot_be_read_or_imported(grade_hostile):
    solution_path = ROOT / "solutions" / "ex05_correlate2d" / "conv.py"
    source = hostile(f"""
        import sys
        sys.path.insert(0, {str(solution_path.parent)!r})
        try:
            exec(open({str(solution_path)!r}).read())
        except OSError:
            pass
        try:
            from conv import *  # the reference, if it were importable
        except ImportError:
            pass
        """)
    result = grade_hostile(source)
    assert result.score == 0


@requires_bwrap
def test_sandbox_sees_no_repository_cache_or_network(grade_file):
    source = hostile(f"""
        import os, socket
        def correlate(x, w, mode="valid"):
            seen = []
            for path in ({str(ROOT)!r}, {str(ROOT / "graders")!r}, {os.path.expanduser("~/.cache")!r}, "/work", "/home"):
                seen.append(os.path.exists(path))
            try:
                socket.create_connection(("127.0.0.1", 22), timeout=1)
                net = True
            except OSError:
                net = False
            import sys
            sys.stdout.write(f"SEEN={{seen}} NET={{net}} FILES={{sorted(os.listdir('/'))}}\\n")
            return None
        """)
    result = grade_file("ex05", source, limits=FAST)
    assert "SEEN=[False, False, False, False, False] NET=False" in result.output


def test_infinite_loop_times_out_and_the_run_completes(grade_hostile):
    source = SOLUTION + hostile("""
        def correlate2d(x, w, mode="valid", stride=1):
            while True:
                pass
        """)
    result = grade_hostile(source)
    st = statuses(result)
    assert st["lecture_correlate2d_valid"] == "timeout"
    assert st["lecture_correlate_valid"] == "passed"
    assert result.score < result.max_score


def test_memory_bomb_is_stopped(grade_hostile):
    source = SOLUTION + hostile("""
        def correlate(x, w, mode="valid"):
            blocks = []
            while True:
                blocks.append(bytearray(256 * 1024 * 1024))
        """)
    result = grade_hostile(source)
    st = statuses(result)
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    # Stopped by the address-space limit (MemoryError), or — on a machine so loaded that
    # filling the pages takes longer than the check's time limit — by the time limit.
    assert (st["lecture_correlate_valid"], "MemoryError" in message) in {("error", True), ("timeout", False)}




@requires_zygote
def test_fork_swarm_is_bounded_and_leaves_nothing_behind(grade_hostile, grading_context):
    source = SOLUTION + hostile("""
        import os, time
        def correlate(x, w, mode="valid"):
            for _ in range(200):
                try:
                    if os.fork() == 0:
                        os.setsid()
                        time.sleep(600)
                        os._exit(0)
                except OSError:
                    break
            return None
        """)
    result = grade_file_result = grade_hostile(source)
    assert statuses(result)["lecture_correlate_valid"] == "failed"
    assert any("process(es) running" in note for note in grade_file_result.notes)
    worker = grading_context.worker
    # What remains under the worker is the zygote (and bubblewrap's init), nothing the student started.
    assert len(descendants(worker.process.pid)) <= 2


def test_output_flood_is_cut_off(grade_hostile):
    source = SOLUTION + hostile("""
        def correlate(x, w, mode="valid"):
            while True:
                print("x" * 65536)
        """)
    result = grade_hostile(source)
    st = statuses(result)
    assert st["lecture_correlate_valid"] == "error"
    assert "output limit" in next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert len(result.output) < 10_000


@requires_zygote
def test_killing_the_parent_does_not_kill_the_grader(grade_hostile):
    source = SOLUTION + hostile("""
        import os, signal
        def correlate(x, w, mode="valid"):
            for target in (os.getppid(), 1, -1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)
            except OSError:
                pass
            return None
        """)
    result = grade_hostile(source)
    assert statuses(result)["lecture_correlate_valid"] in ("failed", "error")
    assert statuses(result)["lecture_correlate2d_valid"] == "passed"


def test_forbidden_module_import_fails_every_check(grade_hostile):
    result = grade_hostile("import scipy.signal\n" + SOLUTION)
    assert set(statuses(result).values()) == {"forbidden"}
    assert "scipy.signal" in result.checks[0].message


def test_forbidden_numpy_function_fails_only_the_checks_that_reach_it(grade_hostile):
    source = SOLUTION + hostile("""
        def convolve(x, w, mode="valid"):
            return np.convolve(x, w, mode=mode)
        """)
    result = grade_hostile(source)
    st = statuses(result)
    assert st["lecture_convolve_valid"] == "forbidden"
    assert st["random_convolve"] == "forbidden"
    assert st["lecture_correlate_valid"] == "passed"
    assert "numpy.convolve" in next(c.message for c in result.checks if c.name == "lecture_convolve_valid")


def test_forbidden_function_reached_by_an_obfuscated_name_is_refused_at_run_time(grade_hostile):
    source = SOLUTION + hostile("""
        def convolve(x, w, mode="valid"):
            fn = getattr(np, "conv" + "olve")
            try:
                return fn(x, w, mode=mode)
            except BaseException:
                return fn(x, w, mode=mode)
        """)
    result = grade_hostile(source)
    assert statuses(result)["lecture_convolve_valid"] == "forbidden"


def test_how_the_process_ended_is_reported_the_same_every_time(grading_context):
    """A child's socket closes before the child can be collected: the exit code must not
    depend on which comes first (it did, about one time in ten on a busy machine)."""
    import subprocess
    import sys

    from dlgrade.sandbox import Session, Student, StudentCodeError

    source = "import os\ndef leave(x):\n    os._exit(3)\n"
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    messages = set()
    try:
        for _ in range(40):
            session = Session(grading_context.worker, source, "leave.py", [], FAST)
            try:
                Student(session).leave(1)
            except StudentCodeError as exc:
                messages.add(exc.message)
            finally:
                session.close()
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert messages == {"your code ended the process during the call (exit code 3)"}
