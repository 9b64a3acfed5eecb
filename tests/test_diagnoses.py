"""Diagnoses that are right: a right value of the wrong type is reported once, by the one check
of the exercise's type policy; NaN and infinity are called what they are; a likely mistake
is named only when that mistake's output is what the student's code gave."""

import numpy as np
import pytest

from conftest import SUBMISSIONS
from dlgrade.grading.compare import CheckFailed, compare, expect_unchanged


@pytest.mark.parametrize("mutant", ["perceptron_returns_numpy_bool", "perceptron_returns_float"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_right_value_of_the_wrong_type_is_reported_once(mutant, seed, grade_file):
    result = grade_file("ex01", SUBMISSIONS / "ex01_perceptron" / "mutants" / f"{mutant}.py", seed=seed)
    failed = {c.name: c for c in result.checks if not c.passed}
    assert list(failed) == ["returns_int"]
    assert "right value, wrong type: return an int" in failed["returns_int"].message
    assert failed["returns_int"].mistake == "wrong_return_type"


NAN_UPDATE = '''
import numpy as np


class _Base:
    def __init__(self, lr=0.01, **kwargs):
        self.lr = lr

    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key] * np.nan  # in place, and NaN


SGD = Momentum = AdaGrad = RMSprop = Adam = _Base
'''


def test_nan_written_in_place_is_reported_as_nan_not_as_a_new_array(grade_file):
    result = grade_file("ex04", NAN_UPDATE)
    by_name = {c.name: c for c in result.checks}
    message = by_name["updates_in_place"].message
    assert not by_name["updates_in_place"].passed
    assert "NaN or infinity" in message
    assert "new array" not in message
    assert result.score == 0


DECAYING_MOMENTUM = '''

class Momentum:
    """Per-key velocity, but a learning rate that decays with the updates of every key together:
    the keys depend on each other, yet share no velocity."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v, self.visits = lr, momentum, {}, 0

    def update(self, params, grads):
        for key in params:
            self.visits += 1
            v = self.v.setdefault(key, np.zeros_like(params[key]))
            v *= self.momentum
            v -= self.lr / (1.0 + 0.05 * self.visits) * grads[key]
            params[key] += v
'''


def test_shared_state_is_named_only_when_shared_state_gives_the_students_values(course, grade_file):
    source = course.resolve("ex04").solution_path.read_text(encoding="utf-8") + DECAYING_MOMENTUM
    result = grade_file("ex04", source)
    check = {c.name: c for c in result.checks}["state_per_key"]
    assert not check.passed
    assert check.mistake is None and "likely mistake" not in check.message
    mutant = grade_file("ex04", SUBMISSIONS / "ex04_adam" / "mutants" / "adam_shared_state.py")
    assert {c.name: c.mistake for c in mutant.checks}["state_per_key"] == "shared_state_across_keys"


def test_a_gate_table_no_perceptron_gives_is_not_called_wrong_weights(course, grade_file):
    source = course.resolve("ex01").solution_path.read_text(encoding="utf-8") + \
        "\n\ndef AND_gate(x1, x2):\n    return 1 if x1 != x2 else 0\n"
    check = {c.name: c for c in grade_file("ex01", source).checks}["and_truth_table"]
    assert not check.passed and check.mistake is None
    source = course.resolve("ex01").solution_path.read_text(encoding="utf-8") + \
        "\n\ndef AND_gate(x1, x2):\n    return perceptron(np.array([x1, x2]), np.array([0.5, 0.5]), -0.2)\n"
    check = {c.name: c for c in grade_file("ex01", source).checks}["and_truth_table"]
    assert not check.passed and check.mistake == "wrong_gate_weights"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("mutant, mistake", [("xor_lookup_table", "xor_lookup_table"),
                                             ("xor_lookup_unless_gates_swapped", "xor_lookup_table"),
                                             ("xor_bypasses_or_gate", "xor_bypasses_gate")])
def test_the_xor_mistake_named_is_the_one_whose_table_the_student_gave(mutant, mistake, seed, grade_file):
    path = SUBMISSIONS / "ex01_perceptron" / "mutants" / f"{mutant}.py"
    check = grade_file("ex01", path, seed=seed, only=["xor_built_from_gates"]).checks[0]
    assert (check.status, check.mistake) == ("failed", mistake)
