"""Attacks found against the promise of trust: each test is an attack that works today.

Marked ``xfail(strict=True)`` until the hole is closed (the test then passes, and the
marker must go).  Each runs through the real sandbox of the machine (bubblewrap when
installed), with the same warm context as the rest of the suite.
"""

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()


def statuses(result):
    return {c.name: c.status for c in result.checks}


# ----------------------------------------------------------------------------- forbidden functions
# A single-phase C extension (NumPy's _multiarray_umath) created afresh through its own loader
# comes back from the interpreter's copy of its first namespace: the C correlate/correlate2
# as they were before the guards replaced them.  No import statement, no importlib, no
# computed getattr on NumPy: the static scan sees nothing, and the run-time guards neither.
def _fresh_extension(how: str) -> str:
    return textwrap.dedent("""
        def _fresh_numpy_c_module():
            core = np._core if hasattr(np, "_core") else np.core
            mu = core._multiarray_umath
            %s


        def correlate(x, w, mode="valid"):
            c = getattr(_fresh_numpy_c_module(), "correl" + "ate2")
            return c(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode)


        def convolve(x, w, mode="valid"):
            c = getattr(_fresh_numpy_c_module(), "correl" + "ate2")
            return c(np.asarray(x, dtype=float), np.asarray(w, dtype=float)[::-1], mode)
        """) % how


FRESH_EXTENSION = {
    "its loader": "return mu.__loader__.create_module(mu.__spec__)",
    "_imp": "import _imp; return _imp.create_dynamic(mu.__spec__)",
}


@pytest.mark.parametrize("how", sorted(FRESH_EXTENSION))
def test_a_numpy_extension_created_afresh_does_not_bring_back_a_forbidden_function(grade_file, how):
    result = grade_file("ex05", SOLUTION + _fresh_extension(FRESH_EXTENSION[how]))
    st = statuses(result)
    reached = ["lecture_correlate_valid", "lecture_convolve_valid", "random_correlate", "random_convolve"]
    assert [st[name] for name in reached] == ["forbidden"] * len(reached), st
    # the rest of the file is the reference: untouched checks still pass
    assert st["random_correlate2d"] == "passed"


# ----------------------------------------------------------------------------- the wire
# Student code can write to the socket it is answered on: a reply of its own making is read
# as the harness's.  An integer out of its stated dtype's range (-1 as uint64, 10**30 as int64)
# passes every test wire.decode makes and then overflows while being built, an exception that
# is not a WireError: the check is recorded as the grader's failure ("please tell your
# instructor"), not as the submission's malformed reply.
FORGED_REPLY = textwrap.dedent("""
    import json as _json, os as _os, socket as _socket, stat as _stat, struct as _struct


    def _forge(header):
        for fd in range(3, 32):
            try:
                if _stat.S_ISSOCK(_os.fstat(fd).st_mode):
                    s = _socket.socket(fileno=fd)
                    payload = _json.dumps(dict(header, blobs=[])).encode()
                    s.sendall(_struct.pack(">I", len(payload)) + payload)
                    s.detach()
            except OSError:
                pass
        _os._exit(0)


    _OUT_OF_RANGE = {"$int": -1, "dtype": "uint64"}


    def correlate(x, w, mode="valid"):
        _forge({"ok": True, "value": _OUT_OF_RANGE,
                "replies": [{"ok": True, "value": _OUT_OF_RANGE}] * 64})
    """)


def test_a_forged_reply_is_the_submissions_fault_never_the_graders(grade_file):
    result = grade_file("ex05", SOLUTION + FORGED_REPLY)
    reached = [c for c in result.checks if "correlate" in c.name and "2d" not in c.name]
    assert reached and all(c.score == 0 for c in reached)
    assert [c.name for c in result.checks if c.status == "tool-error"] == []


# ----------------------------------------------------------------------------- terminal
def _invisible_code_points():
    import sys
    import unicodedata

    return [c for c in range(sys.maxunicode + 1)
            if c not in (0x09, 0x0A) and unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def test_every_control_format_and_separator_character_is_written_out_for_the_terminal():
    """Not only the usual suspects (ESC, U+202E): the soft hyphen, the Arabic letter mark (a
    direction mark), the tag characters that can carry a whole hidden text (U+E0020–E007F),
    every character Unicode calls a format character, as the interpreter's database says."""
    from dlgrade.inert import visible

    points = _invisible_code_points()
    assert len(points) > 2000  # the database was read: C0, C1, Cf, surrogates…
    shown = {c: visible("a" + chr(c) + "b") for c in points}
    assert [hex(c) for c, text in shown.items() if chr(c) in text] == []
    # written out as one unambiguous escape each, that reads back as the character
    for c in (0x1B, 0xAD, 0x61C, 0x202E, 0xE0041):
        assert shown[c][1:-1].encode("ascii").decode("unicode_escape") == chr(c)


def test_tag_characters_hiding_a_text_in_a_students_message_are_shown(grade_file):
    hidden = "".join(chr(0xE0000 + ord(ch)) for ch in "17/17")
    source = SOLUTION + textwrap.dedent(f"""
        def correlate(x, w, mode="valid"):
            raise ValueError("wrong\u00ad{hidden}\u061c")
        """)
    from dlgrade.inert import visible

    result = grade_file("ex05", source)
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "\\U000e0031" in visible(message) and "\\xad" in visible(message) and "\\u061c" in visible(message)


# ----------------------------------------------------------------------------- the fallback sandbox, as root
# Without bubblewrap (a container, Gradescope's image), graded as root: the child runs under an
# unprivileged uid in a mount namespace of its own with the root file system read-only and a
# /tmp of its own — and the whole host file system visible, so whatever the instructor's files
# allow the world to read (the default umask: everything) the student's code could read: the
# reference solutions, the graders, the oracle cache, the other students' submissions.  The
# kernel now refuses a child every file outside the interpreter, NumPy and their libraries.
READ_THE_REFERENCE = textwrap.dedent("""
    def correlate(x, w, mode="valid"):
        import os
        found = []
        for top in (%r, %r):
            for folder, _dirs, files in os.walk(top):
                found += [os.path.join(folder, f) for f in files if f == "conv.py" and "solutions" in folder]
        for path in found:
            with open(path, encoding="utf-8") as handle:
                raise ValueError("READ %%d characters of %%s" %% (len(handle.read()), path))
        raise ValueError("nothing found")
    """)


@pytest.mark.skipif(__import__("os").geteuid() != 0, reason="the fallback sandbox as root")
def test_the_fallback_sandbox_as_root_hides_the_course_from_the_child(course):
    from dlgrade.grading.grade_submission import GradingContext, grade

    source = SOLUTION + READ_THE_REFERENCE % (str(ROOT), str(ROOT.parent))
    with GradingContext.create(backend="rlimit") as context:
        result = grade(course.resolve("ex05"), source, seed=0, context=context)
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "READ" not in message, message


# ----------------------------------------------------------------------------- hostile notebooks
def _notebook(cells, **metadata) -> bytes:
    import json

    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}).encode()


def _code_cell(source, **extra):
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None, **extra}


def _many_values(kind: str, size: int = 15 << 20) -> bytes:
    """A notebook below the size limit whose metadata is millions of tiny JSON values."""
    one = {"dicts": "{}", "lists": "[]", "numbers": "1", "strings": '""'}[kind]
    filler = "[" + ",".join([one] * (size // (len(one) + 1))) + "]"
    head = _notebook([_code_cell(SOLUTION)]).decode()
    return (head[:-1] + ', "x": ' + filler + "}").encode()


@pytest.mark.parametrize("kind", ["dicts", "lists", "numbers", "strings"])
def test_a_notebook_of_millions_of_tiny_values_is_refused_before_any_is_built(kind, monkeypatch):
    """16 MiB of ``{},{},…`` cost 23 s and 2.8 GB of the grading process in nbformat; it is
    refused, with the reason, before nbformat (or json) builds one object."""
    import nbformat.reader

    from dlgrade.grading.source import UnreadableSource
    from dlgrade.grading import notebook_source as convert

    def never(*_args, **_kwargs):
        raise AssertionError("nbformat was handed the notebook")

    monkeypatch.setattr(nbformat.reader, "reads", never)
    data = _many_values(kind)
    assert len(data) <= convert.MAX_NOTEBOOK_BYTES
    with pytest.raises(UnreadableSource) as refused:
        convert.read_code_cells(data, "conv.ipynb")
    assert refused.value.key == "source.notebook_too_many_values"
    assert "Clear the cells' outputs" in refused.value.text("en")
    assert "셀 출력을 지우고" in refused.value.text("ko")


def test_a_real_notebook_with_outputs_and_images_is_still_read():
    """What the bound must never refuse: a hundred cells, printed arrays, and plots as base64
    PNG filling most of the size limit (base64 has no JSON separators)."""
    import base64
    import os

    from dlgrade.grading import notebook_source as convert

    png = base64.b64encode(os.urandom(96 << 10)).decode()
    printed = {"output_type": "stream", "name": "stdout",
               "text": ["[[%s]]\n" % ", ".join(str(v) for v in range(k, k + 10)) for k in range(200)]}
    image = {"output_type": "display_data", "data": {"image/png": png, "text/plain": ["<Figure>"]}, "metadata": {}}
    cells = [_code_cell(SOLUTION)] + [
        _code_cell(["x = np.arange(%d)\n" % n, "print(x)\n"], outputs=[printed, image]) for n in range(100)]
    data = _notebook(cells, kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"})
    assert len(data) > 10 << 20
    read = convert.read_code_cells(data, "conv.ipynb")
    assert len(read) == 101 and read[0][1] == SOLUTION


def test_check_refuses_a_notebook_of_tiny_values_with_exit_1_and_no_traceback(tmp_path):
    from click.testing import CliRunner

    from dlgrade.cli import main

    path = tmp_path / "conv.ipynb"
    path.write_bytes(_many_values("dicts"))
    outcome = CliRunner().invoke(main, ["check", "ex05", "--file", str(path), "--lang", "ko"])
    assert outcome.exit_code == 1, outcome.output
    assert "Traceback" not in outcome.output
    assert "JSON 값이" in outcome.output


# ----------------------------------------------------------------------------- a folder that changes while it is read
# ``session watch`` reads the folders and zips students hand in while they may still write
# there.  A file is looked at (lstat: a regular file), then read: in between, the student puts
# a symbolic link (to the reference solution, to another student's work) or a FIFO in its
# place.  Simulated without a race: lstat itself makes the swap, right after looking.
def _swap_after_lstat(monkeypatch, name, swap):
    import os
    import pathlib

    original = pathlib.Path.lstat
    done = []

    def lstat(self, *args, **kwargs):
        info = original(self, *args, **kwargs)
        if self.name == name and not done:
            done.append(self)
            swap(self)
        return info

    monkeypatch.setattr(pathlib.Path, "lstat", lstat)
    real_lstat = os.lstat

    def os_lstat(path, *args, dir_fd=None, **kwargs):  # a walk by folder descriptors looks with os.lstat
        info = real_lstat(path, *args, dir_fd=dir_fd, **kwargs)
        if os.path.basename(os.fsdecode(path)) == name and not done:
            where = pathlib.Path(os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else ".") / path
            done.append(where)
            swap(where)
        return info

    monkeypatch.setattr(os, "lstat", os_lstat)
    return done


def test_a_file_swapped_for_a_link_after_it_was_looked_at_is_not_read(tmp_path, monkeypatch, course):
    from dlgrade.bulk.collect import read_entry

    secret = tmp_path / "course" / "solutions" / "conv.py"
    secret.parent.mkdir(parents=True)
    secret.write_text(SOLUTION + "# the reference solution\n", encoding="utf-8")
    alice = tmp_path / "class" / "alice"
    alice.mkdir(parents=True)
    (alice / "conv.py").write_text("def correlate(x, w, mode='valid'):\n    return 0\n", encoding="utf-8")

    def to_the_solution(path):
        path.unlink()
        path.symlink_to(secret)

    swapped = _swap_after_lstat(monkeypatch, "conv.py", to_the_solution)
    sub = read_entry(alice, [course.resolve("ex05")], student="alice")
    assert swapped, "the swap was not made: the test no longer simulates the race"
    taken = sub.files.get("ex05")
    assert taken is None or "the reference solution" not in taken.source
    assert any("replaced" in str(note.text("en")) for note in sub.notes), [n.text("en") for n in sub.notes]


def test_an_archive_swapped_for_a_link_to_another_students_is_not_read_as_its_own(tmp_path, monkeypatch, course):
    import zipfile

    from dlgrade.bulk.collect import read_entry

    folder = tmp_path / "class"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bob.zip", "w") as archive:
        archive.writestr("conv.py", SOLUTION + "# bob's own work\n")
    with zipfile.ZipFile(folder / "alice.zip", "w") as archive:
        archive.writestr("conv.py", "def correlate(x, w, mode='valid'):\n    return 0\n")

    def to_bobs(path):
        path.unlink()
        path.symlink_to(folder / "bob.zip")

    swapped = _swap_after_lstat(monkeypatch, "alice.zip", to_bobs)
    sub = read_entry(folder / "alice.zip", [course.resolve("ex05")], student="alice")
    assert swapped
    taken = sub.files.get("ex05")
    assert taken is None or "bob's own work" not in taken.source


# Each place the child must never read, made world-readable (so that only the sandbox can refuse it).
PROBE = textwrap.dedent("""
    def correlate(x, w, mode="valid"):
        import os
        found = []
        for path in %r:
            try:
                if os.path.isdir(path):
                    found.append("READ %%d names in %%s" %% (len(os.listdir(path)), path))
                else:
                    with open(path, "rb") as handle:
                        found.append("READ %%d bytes of %%s" %% (len(handle.read()), path))
            except OSError as exc:
                found.append("refused %%s" %% exc.errno)
        import numpy.fft, numpy.linalg, numpy.random  # what a program needs is still there
        with open("/dev/zero", "rb") as handle:
            found.append("zeros %%d" %% len(handle.read(4)))
        raise ValueError(" | ".join(found))
    """)


def _world_readable(path):
    import os
    import stat

    if not path.stat().st_mode & stat.S_IROTH:
        return False
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents] if folder.is_dir())


@pytest.fixture(scope="module")
def instructors_places(tmp_path_factory):
    """A class's folders as an instructor leaves them (umask 022): other students' work, the
    gradebook, the oracle cache, beside the course's graders and reference solutions."""
    import os
    import sqlite3
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="dlgrade-class-", dir="/tmp"))
    os.chmod(top, 0o755)
    places = {}
    (top / "submissions" / "20261234").mkdir(parents=True)
    places["another student's file"] = top / "submissions" / "20261234" / "conv.py"
    places["another student's file"].write_text(SOLUTION)
    places["the submissions folder"] = top / "submissions"
    (top / "gradebook").mkdir()
    places["the gradebook"] = top / "gradebook" / "gradebook.sqlite"
    with sqlite3.connect(places["the gradebook"]) as db:
        db.execute("create table grades (student text, score real)")
    (top / "cache" / "oracle").mkdir(parents=True)
    places["the oracle cache"] = top / "cache" / "oracle" / "0123abcd.npz"
    places["the oracle cache"].write_bytes(b"PK" + bytes(64))
    places["the oracle cache folder"] = top / "cache" / "oracle"
    places["a grader"] = ROOT / "graders" / "ex05_correlate2d" / "grader.py"
    places["a reference solution"] = ROOT / "solutions" / "ex05_correlate2d" / "conv.py"
    places["the course root"] = ROOT
    for path in places.values():
        for item in [path, *path.parents]:
            if item.is_relative_to(top):
                os.chmod(item, os.stat(item).st_mode | 0o005)
    yield places
    shutil.rmtree(top)


PLACES = ["another student's file", "the submissions folder", "the gradebook", "the oracle cache",
          "the oracle cache folder", "a grader", "a reference solution", "the course root"]


@pytest.mark.parametrize("backend", ["rlimit", "auto"])
def test_no_place_of_the_course_or_the_class_is_open_to_the_child(course, instructors_places, backend):
    from dlgrade.grading.grade_submission import GradingContext, grade

    paths = [str(instructors_places[name]) for name in PLACES]
    unreadable = [name for name in PLACES if not _world_readable(instructors_places[name])]
    if unreadable:
        pytest.skip("not readable by every user here, so proves nothing: %s" % unreadable)
    with GradingContext.create(backend=backend) as context:
        result = grade(course.resolve("ex05"), SOLUTION + PROBE % (paths,), seed=0, context=context)
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "zeros 4" in message, message  # the probe ran, and could read what it needs
    for name, path in zip(PLACES, paths):
        assert "READ" not in message.split(" | ")[PLACES.index(name)], (name, message)
    assert message.count("refused") == len(PLACES), message


# ----------------------------------------------------------------------------- raw memory writes in the child
# Student code can write any byte of its own process (ctypes.memmove, a NumPy view made with
# as_strided): nothing the child holds can be trusted, the harness's objects included.  The
# judgements made after a call (inputs unchanged, updated in place, x restored, gradients
# written in place) are therefore made in the parent, on the values it receives, and count only
# with the right values: code that does not compute them scores nothing there, whatever it writes.
RAW_MEMORY = textwrap.dedent("""


    import ctypes as _ctypes
    import functools as _functools
    import types as _types

    import numpy as _np
    from numpy.lib.stride_tricks import as_strided as _as_strided

    _WRONG = %r


    def _arrays(values):
        for v in values:
            if isinstance(v, _np.ndarray):
                yield v
            elif isinstance(v, dict):
                yield from _arrays(list(v.values()))
            elif isinstance(v, (list, tuple)):
                yield from _arrays(v)


    def _scribble_and_restore(values):
        # every byte of every array handed in overwritten through raw memory, then put back
        for a in _arrays(values):
            if a.nbytes and a.flags.c_contiguous and a.flags.writeable:
                saved = _ctypes.create_string_buffer(_ctypes.string_at(a.ctypes.data, a.nbytes), a.nbytes)
                _ctypes.memset(a.ctypes.data, 0x7F, a.nbytes)
                _ctypes.memmove(a.ctypes.data, saved, a.nbytes)


    def _nudge_in_place(values):
        for a in _arrays(values):
            if a.dtype.kind == "f" and a.size and a.flags.writeable:
                view = _as_strided(a, shape=a.shape, strides=a.strides)
                view += 1e-3 * (1 + _np.abs(view))


    def _off(v):
        if isinstance(v, (bool, _np.bool_)):
            return not v
        if isinstance(v, (int, _np.integer)):
            return v + 1
        if isinstance(v, (float, _np.floating)):
            return v + 1e-3 * (1 + abs(v))
        if isinstance(v, _np.ndarray):
            return v + (1e-3 * (1 + _np.abs(v)) if v.dtype.kind in "fc" else 1)
        if isinstance(v, (tuple, list)):
            return type(v)(_off(x) for x in v)
        return v


    def _function(f):
        @_functools.wraps(f)
        def wrapper(*args, **kwargs):
            _scribble_and_restore(list(args) + list(kwargs.values()))
            out = f(*args, **kwargs)
            return _off(out) if _WRONG else out
        return wrapper


    def _method(f, name):
        @_functools.wraps(f)
        def wrapper(self, *args, **kwargs):
            _scribble_and_restore(list(args) + list(kwargs.values()))
            out = f(self, *args, **kwargs)
            if _WRONG:
                _nudge_in_place(args[:1] if name == "update" else getattr(self, "grads", []) if name == "backward"
                                else [])
                out = _off(out)
            return out
        return wrapper


    for _name, _value in list(globals().items()):
        if _name.startswith("_") or getattr(_value, "__module__", None) != __name__:
            continue
        if isinstance(_value, _types.FunctionType):
            globals()[_name] = _function(_value)
        elif isinstance(_value, type):
            for _m in ("update", "forward", "backward"):
                if _m in vars(_value):
                    setattr(_value, _m, _method(vars(_value)[_m], _m))
    """)

JUDGED_AFTER_THE_CALL = [
    ("ex01", "random_perceptron"), ("ex01", "trains_on_separable_data"),
    ("ex02", "lecture_train_step"), ("ex02", "train_step_random"), ("ex02", "inputs_not_modified"),
    ("ex03", "numerical_gradient_matches_autodiff"), ("ex03", "numerical_gradient_restores_x"),
    ("ex04", "updates_in_place"), ("ex04", "grads_not_modified"),
    ("ex05", "inputs_not_modified"), ("ex07", "inputs_not_modified"), ("ex07", "grads_written_in_place"),
]


def test_the_list_of_judgements_after_the_call_is_every_such_check():
    """Every check whose grader judges arguments after a call, or arrays held across calls."""
    import ast

    judging = ("expect_unchanged", "inputs_after", "call_seeing_inputs", "_expect_written_in_place", "not_in_place",
               "x_not_restored", "expect_weights_unchanged")
    found = []
    for grader in sorted((ROOT / "graders").glob("ex*/grader.py")):
        for node in ast.parse(grader.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and any("check" in ast.unparse(d) for d in node.decorator_list)
                    and any(word in ast.unparse(node) for word in judging)):
                found.append((grader.parent.name[:4], node.name))
    assert sorted(found) == sorted(JUDGED_AFTER_THE_CALL)


@pytest.mark.parametrize("exercise_id, check_name", JUDGED_AFTER_THE_CALL, ids=[f"{e}-{c}" for e, c in
                                                                                JUDGED_AFTER_THE_CALL])
def test_raw_memory_writes_never_make_a_judgement_after_the_call_pass_for_wrong_values(
        grade_file, course, exercise_id, check_name):
    exercise = course.resolve(exercise_id)
    solution = (ROOT / "solutions" / exercise.folder / exercise.file).read_text(encoding="utf-8")
    honest = {c.name: c for c in grade_file(exercise_id, solution + RAW_MEMORY % False).checks}
    # the raw writes alone (every byte of the inputs put back) change nothing: right values pass
    assert honest[check_name].status == "passed", honest[check_name].message
    wrong = {c.name: c for c in grade_file(exercise_id, solution + RAW_MEMORY % True).checks}
    assert wrong[check_name].status == "failed" and wrong[check_name].score == 0, wrong[check_name].message


@pytest.mark.parametrize("lang, words", [("en", "can read every file that anyone may read"),
                                         ("ko", "누구나 읽을 수 있는 파일")])
def test_bulk_grading_without_bubblewrap_is_refused_saying_what_students_could_read(tmp_path, lang, words):
    """Where the fallback could leave the course readable (no namespaces, no Landlock), a class
    is graded only with --insecure, and the refusal says why."""
    from click.testing import CliRunner

    from dlgrade.cli import main

    env = {"DLGRADE_HOME": str(ROOT), "DLGRADE_SANDBOX": "rlimit", "DLGRADE_LANG": lang}
    (tmp_path / "class" / "s1").mkdir(parents=True)
    refused = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--db", str(tmp_path / "g.db"),
                                        "--exercises", "ex01", "--lang", lang], env=env)
    assert refused.exit_code == 2, refused.output
    assert words in " ".join(refused.output.split()), refused.output


# ----------------------------------------------------------------------------- ex01: XOR judged from its text
# ast.literal_eval reads ``set()`` as a literal, but running it calls whatever ``set`` names
# in the module: a def of the file's own, run at load time, which can replace XOR_gate by a
# lookup table after the text was judged composed of the gates.
EX01_SOLUTION = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text(encoding="utf-8")
_REPLACE_XOR = ("    import sys\n"
                "    sys.modules[__name__].__dict__['XOR_gate'] = lambda x1, x2: (0, 1, 1, 0)[2 * x1 + x2]\n"
                "    return 0\n")
XOR_RUN_AT_LOAD = {
    "set_called_by_a_constant": "def set():\n" + _REPLACE_XOR + "\n_loaded = set()\n",
    "set_called_by_a_default": "def set():\n" + _REPLACE_XOR + "\ndef helper(x=set()):\n    return x\n",
    "set_called_by_a_keyword_default": "def set():\n" + _REPLACE_XOR + "\ndef helper(*, x=set()):\n    return x\n",
    "set_called_inside_a_container": "def set():\n" + _REPLACE_XOR + "\n_loaded = (1, [set()], {2: set()})\n",
}


@pytest.mark.parametrize("name", sorted(XOR_RUN_AT_LOAD))
def test_code_run_at_load_through_a_literal_looking_call_never_passes_xor_as_composed(grade_file, name):
    source = EX01_SOLUTION + "\n\n" + XOR_RUN_AT_LOAD[name]
    check = grade_file("ex01", source, seed=1, only=["xor_built_from_gates"]).checks[0]
    assert (check.status, check.mistake) == ("failed", "xor_lookup_table"), check.message


# ----------------------------------------------------------------------------- wire: the .npy header table
# The parent keeps the layouts of the .npy headers it has read, for every reply of every
# submission it grades.  A child sending arrays of a thousand shapes never met again must not
# leave the table full of them, so that the headers of every later reply (its own and the
# next submissions') are parsed afresh each time.
def test_a_reply_of_many_shapes_never_fills_the_header_table_for_later_replies(monkeypatch):
    import numpy as np

    from dlgrade.sandbox import wire, zygote

    class Counting:
        def __init__(self, pattern):
            self.pattern, self.parsed = pattern, 0

        def fullmatch(self, header):
            self.parsed += 1
            return self.pattern.fullmatch(header)

    counting = Counting(zygote._NPY_HEADER)
    monkeypatch.setattr(zygote, "_NPY_HEADER", counting)
    forged = [zygote.npy_bytes(np.zeros((0, 7919 + n))) for n in range(3000)]
    for blob in forged:
        assert wire.decode({"$nd": 0}, [blob]).shape[0] == 0
    usual = np.arange(60, dtype=np.int16).reshape(3, 1, 4, 1, 5)  # a shape met nowhere else
    usual_bytes = zygote.npy_bytes(usual)
    for _ in range(3):
        assert np.array_equal(wire.decode({"$nd": 0}, [usual_bytes]), usual)
    parsed = counting.parsed
    for _ in range(100):
        wire.decode({"$nd": 0}, [usual_bytes])
    assert counting.parsed == parsed


# ----------------------------------------------------------------------------- packages installed beside NumPy
# The fallback's file rules grant whole folders: the interpreter's standard library and the
# system's library folders (/usr/lib, /usr/local/lib).  A site-packages or dist-packages
# folder lies beneath them (pyenv, conda, Debian's /usr/lib/python3/dist-packages, the pip
# installs of /usr/local/lib/python3.X/dist-packages): every package installed there is then
# the child's to read and to load under a name of its own choosing, SciPy's C correlation
# included, which the forbidden names (by module name) never see.
INSTALLED_PACKAGES = textwrap.dedent("""


    import os as _os
    import sys as _sys

    _FOLDERS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib")


    def _site_folders():
        seen, todo = [], [(p, 0) for p in list(_sys.path) + list(_FOLDERS) if p]
        while todo:
            path, depth = todo.pop()
            try:
                names = _os.listdir(path)
            except OSError:
                continue
            for name in names:
                full = _os.path.join(path, name)
                if name in ("site-packages", "dist-packages"):
                    seen.append(full)
                elif depth < 2 and _os.path.isdir(full) and not _os.path.islink(full):
                    todo.append((full, depth + 1))
        return seen


    def _readable_packages():
        read = []
        for folder in _site_folders():
            try:
                names = sorted(_os.listdir(folder))
            except OSError:
                continue
            for name in names:
                if name.startswith("numpy"):
                    continue
                for root, _dirs, files in _os.walk(_os.path.join(folder, name)):
                    for f in files[:1]:
                        try:
                            with open(_os.path.join(root, f), "rb") as handle:
                                handle.read(1)
                            read.append(_os.path.join(root, f))
                        except OSError:
                            pass
                    break
        return read


    def correlate(x, w, mode="valid"):
        raise ValueError("READ %r" % _readable_packages()[:5])
    """)


@pytest.mark.skipif(__import__("os").geteuid() != 0, reason="the fallback sandbox as root")
def test_the_fallback_sandbox_opens_no_installed_package_but_numpy(course):
    from dlgrade.grading.grade_submission import GradingContext, grade

    with GradingContext.create(backend="rlimit") as context:
        result = grade(course.resolve("ex05"), SOLUTION + INSTALLED_PACKAGES, seed=0, context=context)
    message = next(c.message for c in result.checks if c.name == "lecture_correlate_valid")
    assert "READ []" in message, message


# SciPy's compiled correlation (scipy.signal's _sigtools) loaded from its file as a top-level
# module of its own name: no import of scipy.signal anywhere, yet every correlate and convolve
# is SciPy's.  Only ever "valid" mode: the other modes pad first.
SCIPY_UNDER_ANOTHER_NAME = textwrap.dedent("""


    import os as _os
    import sys as _sys


    def _their_correlation():
        import importlib.machinery as _machinery
        import importlib.util as _util

        for top in list(_sys.path) + ["/usr/lib/python3/dist-packages"]:
            for sub in ("", "site-packages", "dist-packages"):
                folder = _os.path.join(top, sub, "sc" + "ipy", "sig" + "nal")
                if _os.path.isdir(folder):
                    for name in _os.listdir(folder):
                        if name.startswith("_sigtools") and name.endswith(".so"):
                            path = _os.path.join(folder, name)
                            loader = _machinery.ExtensionFileLoader("_sigtools", path)
                            spec = _util.spec_from_file_location("_sigtools", path, loader=loader)
                            return _util.module_from_spec(spec)._correlateND
        raise ValueError("not reachable")


    def correlate(x, w, mode="valid"):
        x, w = np.asarray(x), np.asarray(w)
        kind = np.result_type(x, w)
        F = len(w)
        before = {"valid": 0, "full": F - 1, "same": F // 2}[mode]
        after = {"valid": 0, "full": F - 1, "same": F - 1 - F // 2}[mode]
        x = np.pad(x.astype(kind), (before, after))
        if len(x) < F:
            return np.zeros(0, kind)
        return _their_correlation()(x, w.astype(kind), np.zeros(len(x) - F + 1, kind), 0)


    def convolve(x, w, mode="valid"):
        return correlate(x, np.asarray(w)[::-1], mode)
    """)


@pytest.mark.skipif(__import__("os").geteuid() != 0, reason="the fallback sandbox as root")
def test_scipy_loaded_from_its_file_under_another_name_earns_nothing(course):
    import importlib.util

    from dlgrade.grading.grade_submission import GradingContext, grade

    if importlib.util.find_spec("scipy") is None:
        pytest.skip("SciPy is not installed here")
    with GradingContext.create(backend="rlimit") as context:
        result = grade(course.resolve("ex05"), SOLUTION + SCIPY_UNDER_ANOTHER_NAME, seed=0, context=context)
    st = statuses(result)
    reached = ["lecture_correlate_valid", "lecture_convolve_valid", "random_correlate", "random_convolve"]
    assert all(st[name] != "passed" for name in reached), st
    assert st["random_correlate2d"] == "passed", st  # the rest of the file is the reference


@pytest.mark.parametrize("backend", ["rlimit", "auto"])
def test_a_package_installed_beside_numpy_is_not_found_in_the_child_as_under_bubblewrap(course, backend):
    """What the child may not read is not half-found either: ``import yaml`` (installed beside
    NumPy here) is a ModuleNotFoundError, never the refusal to open a file a finder listed."""
    from dlgrade.grading.grade_submission import GradingContext, grade

    source = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text() + textwrap.dedent("""


        def perceptron(x, w, b):
            found = []
            for name in ("yaml", "numpy.random"):
                try:
                    __import__(name)
                    found.append(name + " imported")
                except BaseException as exc:
                    found.append("%s %s" % (name, type(exc).__name__))
            raise ValueError(", ".join(found))
        """)
    with GradingContext.create(backend=backend) as context:
        result = grade(course.resolve("ex01"), source, seed=0, context=context)
    message = next(c.message for c in result.checks if c.name == "lecture_sign_perceptrons")
    assert "yaml ModuleNotFoundError, numpy.random imported" in message, message


# ----------------------------------------------------------------------------- ids that break lines
# The terminal keeps newline and tab in messages (they are how multi-line feedback reads), but a
# student id is one name: a folder named with a line break writes a line of its own choosing
# into the instructor's summary — a forged "refused:" or "conflict:" line, or a row of the
# table with an id and no score.  The same id reaches the gradebook, CSV and LMS exports.
@pytest.mark.parametrize("breaker", ["\n", "\t", "\x85", "\x1c", "\r\n"])
def test_a_student_id_is_one_line_whatever_the_folder_is_named(breaker):
    from dlgrade.bulk.identity import student_id

    student = student_id("20260001" + breaker + "refused: 20269999 — forged")
    assert student is not None and len(student.splitlines()) == 1 and "\t" not in student, repr(student)
    assert student.startswith("20260001") and student.endswith("refused: 20269999 — forged"), repr(student)


def test_a_folder_name_cannot_write_a_line_of_the_intake_summary(tmp_path):
    from click.testing import CliRunner

    from dlgrade.cli import main

    forged = "20260001\nrefused: 20269999 — forged.zip is not a readable zip or tar archive"
    (tmp_path / "class" / forged).mkdir(parents=True)
    (tmp_path / "class" / forged / "conv.py").write_text(SOLUTION, encoding="utf-8")
    env = {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en", "COLUMNS": "200"}
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--exercises", "ex05",
                                       "--db", str(tmp_path / "g.db"), "-j", "1"], env=env)
    assert result.exit_code in (0, 1), result.output
    assert not [line for line in result.output.splitlines() if line.lstrip("│ ").startswith("refused: 20269999")], \
        result.output


def test_a_file_or_entry_name_cannot_write_a_line_of_the_intake_summary(tmp_path):
    import os
    import zipfile

    from click.testing import CliRunner

    from dlgrade.cli import main

    forged = "\nrefused: 20269999 — forged"
    (tmp_path / "class" / "s1").mkdir(parents=True)
    (tmp_path / "class" / "s1" / "conv.py").write_text(SOLUTION, encoding="utf-8")
    (tmp_path / "class" / "s1" / ("notes" + forged + ".py")).write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "class" / "s1" / ("link" + forged + ".py")).symlink_to("/etc/hostname")
    (tmp_path / "class" / "s2").mkdir()
    (tmp_path / "class" / "s2" / "conv.py").write_text(SOLUTION, encoding="utf-8")
    os.mkfifo(tmp_path / "class" / "s2" / ("pipe" + forged))
    with zipfile.ZipFile(tmp_path / "class" / "s3.zip", "w") as archive:
        archive.writestr("conv.py", SOLUTION)
        archive.writestr("../x" + forged, "x = 1\n")
    env = {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en", "COLUMNS": "200"}
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "class"), "--exercises", "ex05",
                                       "--db", str(tmp_path / "g.db"), "-j", "1"], env=env)
    assert result.exit_code in (0, 1), result.output
    assert "forged" in result.output  # the names are shown...
    assert not [line for line in result.output.splitlines() if line.lstrip("│ ").startswith("refused: 20269999")], \
        result.output  # ... on the line they belong to


def test_no_folder_of_installed_packages_is_granted_whole_even_when_a_library_was_loaded_from_it(tmp_path):
    """A shared object the zygote has mapped names its folder as readable; a folder of installed
    packages (a .so sitting in site-packages itself, as cffi's does) is never one of them."""
    import subprocess
    import sys
    import sysconfig

    dynload = Path(sysconfig.get_paths()["platstdlib"]) / "lib-dynload"
    library = next(dynload.glob("_json*.so"), None) or next(dynload.glob("*.so"), None)
    if library is None:
        pytest.skip("no shared object to load here")
    site = tmp_path / "lib" / "site-packages"
    site.mkdir(parents=True)
    shutil.copy(library, site / library.name)
    script = textwrap.dedent("""
        import ctypes, os, sys
        zygote = {"__name__": "zygote"}
        exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), zygote)
        ctypes.CDLL(sys.argv[2])
        granted = [os.path.realpath(path) for path, _fd, access in zygote["_readable_folders"]() if access != 8]
        print("\\n".join(granted))
        """)
    out = subprocess.run([sys.executable, "-c", script, str(ROOT / "dlgrade" / "sandbox" / "zygote.py"),
                          str(site / library.name)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    granted = out.stdout.splitlines()
    assert str(site.resolve()) not in granted and str(site.parent.resolve()) not in granted, granted
    assert not [path for path in granted if os.path.basename(path) in ("site-packages", "dist-packages")], granted


# ----------------------------------------------------------------------------- NumPy's extension under another name
# A fresh copy of an extension module already loaded is refused by its name (numpy._core.
# _multiarray_umath).  The same file loaded as a top-level module of its own name is a new
# module to the interpreter: NumPy's C correlate2 as it was before the guards, by its own
# path, through a link made in the scratch folder, or from a copy of the file put there.
def _numpy_extension_as(how: str) -> str:
    return textwrap.dedent("""


        import os as _os


        def _their_c_module():
            import importlib.machinery as _machinery
            import importlib.util as _util
            import shutil as _shutil

            core = np._core.__path__[0]
            name = [n for n in _os.listdir(core) if n.startswith("_multiarray_umath") and n.endswith(".so")][0]
            path = _os.path.join(core, name)
            %s
            loader = _machinery.ExtensionFileLoader("_multiarray_umath", path)
            return _util.module_from_spec(_util.spec_from_file_location("_multiarray_umath", path, loader=loader))


        def correlate(x, w, mode="valid"):
            c = getattr(_their_c_module(), "correl" + "ate2")
            return c(np.asarray(x, dtype=float), np.asarray(w, dtype=float), {"valid": 0, "same": 1, "full": 2}[mode])


        def convolve(x, w, mode="valid"):
            return correlate(x, np.asarray(w)[::-1], mode)
        """) % how


NUMPY_EXTENSION_AS = {
    "its own file": "pass",
    "a link in the scratch folder": "_os.symlink(path, '/tmp/m.so') if not _os.path.exists('/tmp/m.so') else None; "
                                    "path = '/tmp/m.so'",
    "a copy in the scratch folder": "_shutil.copyfile(path, '/tmp/c.so') if not _os.path.exists('/tmp/c.so') else None; "
                                    "path = '/tmp/c.so'",
}


@pytest.mark.parametrize("how", sorted(NUMPY_EXTENSION_AS))
@pytest.mark.parametrize("backend", ["auto", "rlimit"])
def test_numpy_extension_loaded_under_another_name_brings_back_no_forbidden_function(course, how, backend):
    from dlgrade.grading.grade_submission import GradingContext, grade

    with GradingContext.create(backend=backend) as context:
        result = grade(course.resolve("ex05"), SOLUTION + _numpy_extension_as(NUMPY_EXTENSION_AS[how]), seed=0,
                       context=context)
    st = statuses(result)
    reached = ["lecture_correlate_valid", "lecture_convolve_valid", "random_correlate", "random_convolve"]
    assert all(st[name] != "passed" for name in reached), st
    assert st["random_correlate2d"] == "passed", st  # the rest of the file is the reference


# ----------------------------------------------------------------------------- the interpreter's C API by address
# The audit hook refuses ctypes' look-up of the interpreter's own functions by name (Py…), but
# not libc's dlsym called through ctypes, nor a call to an address found any other way: the
# current frame, and from it the harness's frames (f_back is not audited).  The judgements stay
# in the parent, on the values it receives, so no check is won this way (see the raw memory
# tests above); what is lost is the promise that the harness's objects are out of reach.
HARNESS_FRAMES_BY_ADDRESS = textwrap.dedent("""


    import ctypes as _ctypes


    def perceptron(x, w, b):
        libc = _ctypes.CDLL(None)
        find = libc.dlsym
        find.restype = _ctypes.c_void_p
        find.argtypes = [_ctypes.c_void_p, _ctypes.c_char_p]
        frame = _ctypes.PYFUNCTYPE(_ctypes.py_object)(find(None, b"Py" + b"Eval_GetFrame"))()
        names = []
        while frame is not None and len(names) < 12:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        raise ValueError("FRAMES " + " ".join(names))
    """)


@pytest.mark.xfail(strict=True, reason="the interpreter's C API is reachable by address through ctypes")
def test_the_harness_frames_are_out_of_reach_through_the_c_api_by_address(grade_file):
    source = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text() + HARNESS_FRAMES_BY_ADDRESS
    result = grade_file("ex01", source)
    message = next(c.message for c in result.checks if c.name == "lecture_sign_perceptrons")
    assert "_serve" not in message and "run_session" not in message, message
