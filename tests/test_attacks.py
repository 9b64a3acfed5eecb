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
