"""ex05_correlate2d's forbidden shortcuts (scipy.signal, scipy.ndimage, np.convolve,
np.correlate, …) reached by another path: NumPy's private modules and the compiled
functions behind np.convolve / np.correlate (which also stop the original Python functions,
wherever a registry or the garbage collector still holds them), aliases, computed attribute
names, importlib.
Each submission is the reference solution with correlate rewritten to take the shortcut:
the correlate checks score nothing, the check says which path was refused, and the other
functions' checks are unaffected."""

import pytest

from conftest import ROOT

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
CORRELATE_CHECKS = ["lecture_correlate_valid", "random_correlate"]

NUMPY_PATHS = {
    "compiled_correlate_behind_np_convolve": (
        "from numpy._core.multiarray import correlate as _c\n"
        "def correlate(x, w, mode='valid'):\n    return _c(np.asarray(x, float), np.asarray(w, float), mode)\n",
        "numpy._core.multiarray.correlate"),
    "compiled_correlate2_in_the_extension_module": (
        "import numpy._core._multiarray_umath as _u\n"
        "def correlate(x, w, mode='valid'):\n    return _u.correlate2(np.asarray(x, float), np.asarray(w, float), mode)\n",
        "numpy._core._multiarray_umath.correlate2"),
    "private_module_alias": (
        "from numpy._core.numeric import correlate as _c\n"
        "def correlate(x, w, mode='valid'):\n    return _c(x, w, mode)\n",
        "numpy._core.numeric.correlate"),
    "computed_getattr": (
        "def correlate(x, w, mode='valid'):\n    return getattr(np, 'corr' + 'elate')(x, w, mode)\n",
        "numpy.correlate"),
    "module_dict": (
        "def correlate(x, w, mode='valid'):\n    return vars(np)['corr' + 'elate'](x, w, mode)\n",
        "numpy.correlate"),
    "attrgetter": (
        "import operator\n"
        "def correlate(x, w, mode='valid'):\n    return operator.attrgetter('con' + 'volve')(np)(x, w[::-1], mode)\n",
        "numpy.convolve"),
    "masked_array_correlate": (
        "def correlate(x, w, mode='valid'):\n    return np.ma.correlate(x, w, mode).data\n",
        "numpy.correlate"),
    "masked_array_convolve": (
        "def correlate(x, w, mode='valid'):\n    return np.ma.convolve(x, np.asarray(w)[::-1], mode).data\n",
        "numpy.convolve"),
    "original_from_numpys_registry": (
        "import numpy._core.overrides as _o\n"
        "def correlate(x, w, mode='valid'):\n"
        "    original = next(f for f in _o.ARRAY_FUNCTIONS if getattr(f, '__name__', '') == 'correlate')\n"
        "    return original(x, w, mode)\n",
        "numpy.correlate is not allowed"),
    "polymul_is_np_convolve": (
        "def correlate(x, w, mode='valid'):\n    full = np.polymul(x, np.asarray(w)[::-1])\n"
        "    return full[len(w) - 1:len(x)] if mode == 'valid' else full\n",
        "numpy.convolve"),
}


@pytest.mark.parametrize("name", sorted(NUMPY_PATHS))
def test_a_numpy_shortcut_by_another_path_is_refused_and_named(name, grade_file):
    attack, path = NUMPY_PATHS[name]
    result = grade_file("ex05", SOLUTION + "\n" + attack)
    by_name = {c.name: c for c in result.checks}
    for check in CORRELATE_CHECKS:
        assert by_name[check].score == 0
        if name.startswith("masked_array") and by_name[check].status == "error":
            # where the sandbox holds no numpy.ma, the shortcut is not there to take
            assert "No module named 'numpy.ma'" in by_name[check].message
            continue
        assert by_name[check].status == "forbidden", (check, by_name[check].message)
        assert path in by_name[check].message
    assert by_name["lecture_correlate2d_valid"].passed  # only what reaches the shortcut loses points
    assert by_name["random_conv2d_valid"].passed


IMPORT_PATHS = {
    "importlib": "import importlib\ndef correlate(x, w, mode='valid'):\n"
                 "    return importlib.import_module('scipy.' + 'signal').correlate(x, w, mode)\n",
    "dunder_import": "def correlate(x, w, mode='valid'):\n"
                     "    return __import__('scipy.sig' + 'nal', fromlist=['c']).correlate(x, w, mode)\n",
    "meta_path_emptied_first": "import sys, importlib\ndef correlate(x, w, mode='valid'):\n"
                               "    sys.meta_path[:] = [f for f in sys.meta_path if 'Refuse' not in type(f).__name__]\n"
                               "    return importlib.import_module('scipy.' + 'signal').correlate(x, w, mode)\n",
    "ndimage": "import importlib\ndef correlate(x, w, mode='valid'):\n"
               "    nd = importlib.import_module('scipy.nd' + 'image')\n"
               "    return nd.correlate1d(x, w, mode='constant')\n",
}


@pytest.mark.parametrize("name", sorted(IMPORT_PATHS))
def test_a_forbidden_module_imported_by_a_computed_name_scores_nothing(name, grade_file):
    """The sandbox holds no SciPy, and its import guard refuses scipy.signal and
    scipy.ndimage by any name: either way the checks that reach the import score 0, and a
    refusal names the module."""
    result = grade_file("ex05", SOLUTION + "\n" + IMPORT_PATHS[name])
    by_name = {c.name: c for c in result.checks}
    for check in CORRELATE_CHECKS:
        assert by_name[check].status in ("forbidden", "error"), (check, by_name[check].status)
        assert by_name[check].score == 0
        if by_name[check].status == "forbidden":
            assert "scipy." in by_name[check].message
        else:
            assert "No module named 'scipy'" in by_name[check].message
    assert by_name["lecture_correlate2d_valid"].passed


def test_the_original_found_through_the_garbage_collector_is_gone(grade_file):
    """The compiled correlate functions are replaced in every NumPy module that holds them,
    so nothing keeps the originals alive for gc.get_objects() to find."""
    attack = ("import gc\ndef correlate(x, w, mode='valid'):\n"
              "    for o in gc.get_objects():\n"
              "        if type(o).__name__ == 'builtin_function_or_method' and "
              "getattr(o, '__name__', '') in ('correlate', 'correlate2'):\n"
              "            return o(np.asarray(x, float), np.asarray(w, float), mode)\n"
              "    raise RuntimeError('no original left')\n")
    result = grade_file("ex05", SOLUTION + "\n" + attack)
    by_name = {c.name: c for c in result.checks}
    for check in CORRELATE_CHECKS:
        assert by_name[check].score == 0
        assert by_name[check].status in ("forbidden", "error")


def test_the_refusal_names_the_path_in_korean_too(grade_file):
    from dlgrade.messages import localize_feedback

    attack, path = NUMPY_PATHS["compiled_correlate_behind_np_convolve"]
    check = {c.name: c for c in grade_file("ex05", SOLUTION + "\n" + attack).checks}["lecture_correlate_valid"]
    korean = localize_feedback(check.message, "ko")
    assert path in korean and "numpy.correlate을(를) 쓸 수 없습니다" in korean and "not allowed" not in korean
