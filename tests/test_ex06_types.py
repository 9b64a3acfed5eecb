"""ex06_conv_sizes' type policy: every value check judges the number; the type is judged
once, by returns_python_ints.  A right value of another type (a float from np.ceil, a NumPy
integer from np.prod, a bool) fails that one check, named "right value, wrong type", and
nothing else; a wrong value is never excused by its type, and NaN is reported as NaN."""

import pytest

from conftest import ROOT, SUBMISSIONS

REFERENCE = (ROOT / "solutions" / "ex06_conv_sizes" / "sizes.py").read_text()
MUTANTS = SUBMISSIONS / "ex06_conv_sizes" / "mutants"


def failing(result):
    return {c.name: c for c in result.checks if not c.passed}


@pytest.mark.parametrize("mutant", ["ceil_gives_floats.py", "numpy_int_counts.py"])
def test_a_right_value_of_another_type_fails_only_the_type_check(mutant, grade_file):
    for seed in (0, 1):
        result = grade_file("ex06", MUTANTS / mutant, seed=seed)
        bad = failing(result)
        assert list(bad) == ["returns_python_ints"], {k: c.message for k, c in bad.items()}
        assert bad["returns_python_ints"].message.startswith("right value, wrong type: return an int")
        assert bad["returns_python_ints"].mistake == "wrong_type"
        assert result.score == result.max_score - bad["returns_python_ints"].max_score


def test_a_bool_for_one_is_a_wrong_type_once(grade_file):
    source = REFERENCE + ("\n_reference_same_pad = same_pad\n"
                          "def same_pad(filter_size):\n"
                          "    p = _reference_same_pad(filter_size)\n"
                          "    return True if p == 1 else p\n")
    bad = failing(grade_file("ex06", source))
    # same_pad(3) is True: lecture_same_pad judges the value (1) and passes; the type check
    # meets same_pad(3) too and names it
    assert list(bad) == ["returns_python_ints"]
    assert "same_pad(3): the bool True" in bad["returns_python_ints"].message


def test_the_type_check_gives_nothing_for_wrong_values_of_the_right_type(grade_file):
    source = REFERENCE + "\ndef conv_param_count(filter_size, in_channels, filters, use_bias=True):\n    return 0\n"
    bad = failing(grade_file("ex06", source))
    assert "returns_python_ints" in bad
    assert "conv_param_count(3, 1, 10): wrong value (got 0)" in bad["returns_python_ints"].message
    assert bad["returns_python_ints"].mistake is None


def test_nan_is_reported_as_nan(grade_file):
    source = REFERENCE + "\ndef same_pad(filter_size):\n    return float('nan')\n"
    bad = failing(grade_file("ex06", source))
    assert "NaN or infinity" in bad["lecture_same_pad"].message


def test_the_type_report_comes_out_in_korean(grade_file):
    from dlgrade.messages import localize_feedback

    message = failing(grade_file("ex06", MUTANTS / "ceil_gives_floats.py"))["returns_python_ints"].message
    korean = localize_feedback(message, "ko")
    assert korean.startswith("값은 맞지만 타입이 다릅니다: int를 돌려주세요")
    assert "right value" not in korean and "give floats" not in korean and "실수 4.0" in korean
