"""Attacks found against the promise of trust: each test is an attack that works today.

Marked ``xfail(strict=True)`` until the hole is closed (the test then passes, and the
marker must go).  Each runs through the real sandbox of the machine (bubblewrap when
installed), with the same warm context as the rest of the suite.
"""

import textwrap

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
# /tmp of its own — but the whole host file system stays visible, so whatever the instructor's
# files allow the world to read (the default umask: everything) the student's code reads: the
# reference solutions, the graders, the oracle cache, the other students' submissions.
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
@pytest.mark.xfail(strict=True, reason="the rlimit fallback, as root, leaves the host file system readable: "
                                       "a submission reads the reference solution")
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
