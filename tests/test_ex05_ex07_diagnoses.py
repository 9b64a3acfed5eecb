"""ex05–ex07 diagnoses are right: a likely mistake is named only when the result is what
that mistake gives, and NaN results are reported as NaN, not as some other fault."""

from conftest import ROOT

EX05 = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
EX07 = (ROOT / "solutions" / "ex07_bptt" / "rnn.py").read_text()


def by_name(result):
    return {c.name: c for c in result.checks}


def test_a_wrong_same_result_is_not_called_the_other_centring_unless_it_is(grade_file):
    # Starts with 0 like the other centring ([[0, 0, 0], [0, 2, 4], [0, 8, 10]]), but is not it.
    wrong = EX05 + ("\n_right = correlate2d\n"
                    "def correlate2d(x, w, mode='valid', stride=1):\n"
                    "    out = _right(x, w, mode, stride)\n"
                    "    if mode == 'same':\n"
                    "        out = out.copy(); out[0, 0] = 0\n"
                    "    return out\n")
    check = by_name(grade_file("ex05", wrong))["lecture_correlate2d_same"]
    assert not check.passed and check.mistake is None and "likely mistake" not in check.message
    other = EX05 + ("\nimport numpy as _np\n_right = correlate2d\n"
                    "def correlate2d(x, w, mode='valid', stride=1):\n"
                    "    if mode == 'same':\n"
                    "        kh, kw = _np.shape(w)\n"
                    "        padded = _np.pad(_np.asarray(x), ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))\n"
                    "        return _right(padded, w, 'valid', stride)\n"
                    "    return _right(x, w, mode, stride)\n")
    check = by_name(grade_file("ex05", other))["lecture_correlate2d_same"]
    assert check.mistake == "same_padding_wrong_side"


def test_nan_gradients_are_reported_as_nan_not_as_replaced_arrays(grade_file):
    nan = EX07.replace("        self.grads[0][...] = dWx", "        self.grads[0][...] = dWx * float('nan')", 1)
    assert nan != EX07
    check = by_name(grade_file("ex07", nan))["grads_written_in_place"]
    assert not check.passed and check.mistake != "grads_not_in_place"
    assert "NaN or infinity" in check.message and "replaced" not in check.message
