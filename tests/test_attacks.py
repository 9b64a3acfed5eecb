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
FRESH_EXTENSION = textwrap.dedent("""
    def _fresh_numpy_c_module():
        core = np._core if hasattr(np, "_core") else np.core
        mu = core._multiarray_umath
        return mu.__loader__.create_module(mu.__spec__)


    def correlate(x, w, mode="valid"):
        c = getattr(_fresh_numpy_c_module(), "correl" + "ate2")
        return c(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode)


    def convolve(x, w, mode="valid"):
        c = getattr(_fresh_numpy_c_module(), "correl" + "ate2")
        return c(np.asarray(x, dtype=float), np.asarray(w, dtype=float)[::-1], mode)
    """)


@pytest.mark.xfail(strict=True, reason="a NumPy C extension created afresh by its loader brings back "
                                       "the unguarded C correlate (the sandbox must refuse it)")
def test_a_numpy_extension_created_afresh_does_not_bring_back_a_forbidden_function(grade_file):
    result = grade_file("ex05", SOLUTION + FRESH_EXTENSION)
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


@pytest.mark.xfail(strict=True, reason="an out-of-range integer in a forged reply escapes wire.decode as "
                                       "OverflowError and is recorded as the grader's own failure")
def test_a_forged_reply_is_the_submissions_fault_never_the_graders(grade_file):
    result = grade_file("ex05", SOLUTION + FORGED_REPLY)
    reached = [c for c in result.checks if "correlate" in c.name and "2d" not in c.name]
    assert reached and all(c.score == 0 for c in reached)
    assert [c.name for c in result.checks if c.status == "tool-error"] == []
