"""The harness's own objects are out of the submission's reach: "were the inputs changed",
"was it updated in place" and every other judgement made after a call cannot be spoofed
by student code reaching the argument list of the call, the table of kept objects or the
harness's functions — through frames, the collector, tracing, ``__main__`` or the globals
of a function the harness handed over.

Each hostile function changes its input (or leaves a kept object alone) and then tries one
path to make the harness report otherwise; the harness must report the truth, and the
attempt must have failed.
"""

import textwrap

import numpy as np
import pytest

from dlgrade.sandbox import Limits, Session, Student
from dlgrade.sandbox.functions import X

LIMITS = Limits(wall_seconds=20, cpu_seconds=60)

HOSTILE = textwrap.dedent('''
    import gc, sys, threading
    import numpy as np

    OUTCOME = {}

    def _swap_in(container, target, replacement):
        """Replace ``target`` wherever ``container`` (a list, tuple-free dict or frame locals) holds it."""
        done = 0
        if isinstance(container, list):
            for i, v in enumerate(container):
                if v is target:
                    container[i] = replacement
                    done += 1
        elif isinstance(container, dict):
            for k, v in list(container.items()):
                if v is target:
                    container[k] = replacement
                    done += 1
                elif isinstance(v, (list, dict)) and v is not container:
                    done += _swap_in(v, target, replacement)
        return done

    def _walk(frame, target, replacement):
        done = 0
        while frame is not None:
            done += _swap_in(frame.f_locals, target, replacement)
            frame = frame.f_back
        return done

    def _attempt(name, x, attack):
        """Change x, then try to put an unchanged copy where the harness looks."""
        x += 1
        pristine = np.zeros_like(x)
        try:
            OUTCOME[name] = "reached %d" % attack(x, pristine)
        except BaseException as exc:
            OUTCOME[name] = "refused: " + type(exc).__name__

    def getframe(x):
        _attempt("getframe", x, lambda x, p: _walk(sys._getframe(1), x, p))

    def current_frames(x):
        _attempt("current_frames", x,
                 lambda x, p: _walk(sys._current_frames()[threading.get_ident()], x, p))

    def traceback_frame(x):
        def attack(x, p):
            try:
                raise RuntimeError
            except RuntimeError as exc:
                return _walk(exc.__traceback__.tb_frame, x, p)
        _attempt("traceback_frame", x, attack)

    def exc_info_frame(x):
        def attack(x, p):
            try:
                1 / 0
            except ZeroDivisionError:
                return _walk(sys.exc_info()[2].tb_frame.f_back, x, p)
        _attempt("exc_info_frame", x, attack)

    def generator_frame(x):
        def attack(x, p):
            def gen():
                yield _walk(box[0].gi_frame, x, p)
            box = [None]
            box[0] = gen()
            return next(box[0])
        _attempt("generator_frame", x, attack)

    def inspect_stack(x):
        def attack(x, p):
            import inspect
            return sum(_swap_in(info.frame.f_locals, x, p) for info in inspect.stack())
        _attempt("inspect_stack", x, attack)

    def referrers(x):
        _attempt("referrers", x, lambda x, p: sum(_swap_in(r, x, p) for r in gc.get_referrers(x)))

    def all_objects(x):
        _attempt("all_objects", x, lambda x, p: sum(_swap_in(o, x, p) for o in gc.get_objects()
                                                     if isinstance(o, (list, dict)) and o is not OUTCOME))

    def tracing(x):
        def attack(x, p):
            seen = []
            def tracer(frame, event, arg):
                seen.append(_walk(frame, x, p))
                return None
            sys.settrace(tracer)
            try:
                (lambda: None)()
            finally:
                sys.settrace(None)
            return sum(seen)
        _attempt("tracing", x, attack)

    def profiling(x):
        def attack(x, p):
            seen = []
            sys.setprofile(lambda frame, event, arg: seen.append(_walk(frame, x, p)))
            try:
                len([])
            finally:
                sys.setprofile(None)
            return sum(seen)
        _attempt("profiling", x, attack)

    KEPT_ERRORS = []

    def leave_an_error():
        """Raise through the harness, keeping the exception: its traceback ran through the
        harness's frames."""
        import gc
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            raise RuntimeError("kept")
        except RuntimeError as exc:
            KEPT_ERRORS.append(exc)
            exc.itself = exc  # a cycle: once let go of, the collector would save it all
            raise

    def saved_garbage(x):
        def attack(x, p):
            import gc, types
            KEPT_ERRORS.clear()
            gc.collect()
            reached = 0
            for obj in gc.garbage:
                if isinstance(obj, types.FrameType):
                    reached += _walk(obj, x, p) + 1
            return reached
        _attempt("saved_garbage", x, attack)

    def python_api(x):
        def attack(x, p):
            import ctypes
            get_frame = ctypes.pythonapi.PyEval_GetFrame
            get_frame.restype = ctypes.py_object
            return _walk(get_frame(), x, p)
        _attempt("python_api", x, attack)

    def audit_hook(x):
        def attack(x, p):
            seen = []
            sys.addaudithook(lambda event, args: seen.append(event))  # would see the harness's reads
            compile("1", "audited", "eval")
            return len(seen)
        _attempt("audit_hook", x, attack)

    def main_module(x):
        def attack(x, p):
            import __main__
            __main__.Codec.encode = lambda self, value, blobs, depth=0: None
            return 1
        _attempt("main_module", x, attack)

    def handed_globals(x, f):
        def attack(x, p):
            g = f.__globals__
            reached = 0
            for cell in f.__closure__ or ():
                inner = cell.cell_contents
                g = getattr(inner, "__globals__", g)
                if "Codec" in g:
                    g["Codec"].encode = lambda self, value, blobs, depth=0: None
                    reached += 1
            if "Codec" in f.__globals__:
                reached += 1
            return reached
        _attempt("handed_globals", x, attack)

    def finder_globals(x):
        def attack(x, p):
            reached = 0
            for finder in sys.meta_path:
                g = getattr(getattr(finder, "find_spec", None), "__globals__", {})
                if "Codec" in g or "_serve" in g:
                    reached += 1
            return reached
        _attempt("finder_globals", x, attack)

    def guard_globals(x):
        def attack(x, p):
            g = np.convolve.__globals__
            return int("Codec" in g or "_serve" in g or "run_session" in g)
        _attempt("guard_globals", x, attack)

    def signal_frame(x):
        """A signal handler is called with the frame running when the signal came: the harness's,
        if it came while the harness encodes the arguments after the call."""
        def attack(x, p):
            import signal
            def handler(signum, frame):
                OUTCOME["signal_frame_hits"] = OUTCOME.get("signal_frame_hits", 0) + _walk(frame, x, p)
            signal.signal(signal.SIGALRM, handler)
            signal.setitimer(signal.ITIMER_REAL, 0.00002, 0.00002)
            return 0
        _attempt("signal_frame", x, attack)

    def stop_timer():
        import signal
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException:
            pass
        return OUTCOME.get("signal_frame_hits", 0)

    def swap_kept(kept):
        """Leave the kept object alone, but try to make the harness's table hold a changed one."""
        changed = kept + 1
        try:
            OUTCOME["swap_kept"] = "reached %d" % sum(_swap_in(r, kept, changed) for r in gc.get_referrers(kept))
        except BaseException as exc:
            OUTCOME["swap_kept"] = "refused: " + type(exc).__name__

    def honest(x):
        x += 1
''')

ATTACKS = ["getframe", "current_frames", "traceback_frame", "exc_info_frame", "generator_frame", "inspect_stack",
           "referrers", "all_objects", "tracing", "profiling", "python_api", "audit_hook", "main_module", "finder_globals",
           "guard_globals"]


@pytest.fixture(scope="module")
def hostile(grading_context):
    session = Session(grading_context.worker, HOSTILE, "hostile.py", ["numpy.convolve", "scipy"], LIMITS)
    try:
        yield Student(session)
    finally:
        session.close()


def _after(student, name, *extra):
    x = np.zeros(3)
    _value, after, _kw = getattr(student, name).call((x, *extra), inputs_after=True)
    return after[0]


def test_the_honest_change_is_seen(hostile):
    np.testing.assert_array_equal(_after(hostile, "honest"), np.ones(3))


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_path_to_the_harness_hides_a_changed_input(hostile, attack):
    after = _after(hostile, attack)
    outcome = hostile.OUTCOME[attack]
    np.testing.assert_array_equal(after, np.ones(3), err_msg=f"{attack}: {outcome}")
    assert outcome.startswith("refused") or outcome == "reached 0", f"{attack}: {outcome}"


def test_a_signal_handler_never_sees_the_harness_at_work(hostile):
    for _ in range(20):
        np.testing.assert_array_equal(_after(hostile, "signal_frame"), np.ones(3), err_msg=hostile.OUTCOME["signal_frame"])
    hits = hostile.stop_timer()
    assert hostile.OUTCOME["signal_frame"].startswith("refused"), hostile.OUTCOME["signal_frame"]
    assert hits == 0


def test_no_harness_frame_is_left_for_the_collector_to_save(hostile):
    from dlgrade.sandbox import StudentCodeError

    with pytest.raises(StudentCodeError, match="kept"):
        hostile.leave_an_error()
    np.testing.assert_array_equal(_after(hostile, "saved_garbage"), np.ones(3))
    assert hostile.OUTCOME["saved_garbage"] == "reached 0", hostile.OUTCOME["saved_garbage"]


def test_a_function_handed_over_leads_nowhere_in_the_harness(hostile):
    after = _after(hostile, "handed_globals", 3 * X ** 2 + 1)
    outcome = hostile.OUTCOME["handed_globals"]
    np.testing.assert_array_equal(after, np.ones(3))
    assert outcome.startswith("refused") or outcome == "reached 0", outcome


def test_a_kept_object_cannot_be_swapped_in_the_harness_table(hostile):
    kept = hostile.keep(np.zeros(3), "kept")
    hostile.swap_kept(kept)
    outcome = hostile.OUTCOME["swap_kept"]
    np.testing.assert_array_equal(kept.fetch(), np.zeros(3))
    assert outcome.startswith("refused") or outcome == "reached 0", outcome


def test_a_refused_introspection_names_itself(hostile):
    source = "import sys\ndef peek():\n    return sys._getframe(1).f_code.co_name\n"
    with Session(hostile._session.worker, source, "peek.py", [], LIMITS) as session:
        with pytest.raises(Exception, match="sys._getframe is not available to submissions"):
            Student(session).peek()


def test_the_standard_library_still_works_without_frames(grading_context):
    """typing, namedtuple, enum, dataclasses and logging ask for frames and fall back when
    refused, as on interpreters without them."""
    source = textwrap.dedent('''
        import collections, dataclasses, enum, logging, typing
        T = typing.TypeVar("T")
        Point = collections.namedtuple("Point", "x y")
        class Pair(typing.NamedTuple):
            a: int
            b: int
        Color = enum.Enum("Color", "RED GREEN")
        @dataclasses.dataclass
        class Box:
            size: int = 3
        logging.getLogger("student").warning("a warning from the student")
        def use():
            return [Point(1, 2).y, Pair(3, 4).b, Color.GREEN.value, Box().size]
        ''')
    with Session(grading_context.worker, source, "stdlib.py", [], LIMITS) as session:
        assert Student(session).use() == [2, 4, 2, 3]
