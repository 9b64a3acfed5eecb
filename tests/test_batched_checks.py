"""ex02, ex03 and ex06: checks that send their calls to the sandbox together (Student.batch())
make one round trip, and their feedback is what each call made alone would give — the first
wrong value fails with the values its call was given, a missing function fails where its
call comes, after the calls before it are judged."""

import pytest

from dlgrade.grading.grade_submission import check_rng, load_grader, load_reference
from dlgrade.sandbox.worker import Session


@pytest.fixture
def requests(monkeypatch):
    """The requests sent to sandbox children, by kind ("batch", "call", "getattr"…)."""
    sent = []
    original = Session.request

    def request(self, header, blobs=(), timeout=None):
        sent.append(header.get("op"))
        return original(self, header, blobs, timeout)

    monkeypatch.setattr(Session, "request", request)
    return sent


def solution_with(course, exercise_id, code):
    """The reference solution with ``code`` appended (redefining or deleting its functions)."""
    return course.resolve(exercise_id).solution_path.read_text(encoding="utf-8") + "\n" + code


def graded(grade_file, exercise_id, source, name, seed=0):
    (result,) = grade_file(exercise_id, source, seed=seed, only=[name]).checks
    return result


def last_call(result):
    return result.message.splitlines()[-1]


@pytest.mark.parametrize("exercise_id, name", [
    ("ex02", "lecture_loss_after_step"), ("ex02", "train_step_random"), ("ex02", "inputs_not_modified"),
    ("ex03", "numerical_gradient_restores_x"), ("ex03", "numerical_gradient_matches_autodiff"),
    ("ex06", "random_value_errors"), ("ex06", "random_output_shapes")])
def test_the_reference_is_graded_in_one_round_trip(exercise_id, name, course, grade_file, requests):
    seed = 3
    if name == "random_output_shapes":  # calls that raise ValueError are answered in the same batch
        exercise = course.resolve(exercise_id)
        grader, reference = load_grader(exercise), load_reference(exercise)
        rng = check_rng(seed, name)
        stacks = [grader._random_stack(rng) for _ in range(6)]
        assert sum(grader.expected_layers(reference, *stack) is None for stack in stacks) >= 2
    result = graded(grade_file, exercise_id, course.resolve(exercise_id).solution_path.read_text(), name, seed)
    assert result.passed, result.message
    assert requests == ["batch"]


# ----------------------------------------------------------------------------- ex02
TRAINED_WEIGHTS = ("[[0.29959556, 0.24919112], [0.39964496, 0.34928991]], "
                   "[[0.43703857, 0.38685205], [0.69629578, 0.59624247]]")


def test_a_forward_failing_on_the_trained_weights_is_shown_called_with_them(course, grade_file):
    source = solution_with(course, "ex02", """
_forward = forward
def forward(x, W1, W2):
    if W1[0, 0] != 0.3 and x[0] == 0.1:
        raise ValueError("moved weights")
    return _forward(x, W1, W2)
""")
    result = graded(grade_file, "ex02", source, "lecture_loss_after_step")
    assert result.status == "error" and result.message.startswith("ValueError: moved weights")
    assert last_call(result) == f"last call: forward([0.1, 0.2], {TRAINED_WEIGHTS})"


def test_a_wrong_loss_after_the_step_is_shown_called_with_o(course, grade_file):
    source = solution_with(course, "ex02", """
_loss = loss
def loss(o, t):
    return 2 * _loss(o, t) if abs(o[0] - 0.609446) > 1e-5 else _loss(o, t)
""")
    result = graded(grade_file, "ex02", source, "lecture_loss_after_step")
    assert result.status == "failed" and result.mistake == "wrong_loss_factor"
    assert last_call(result) == "last call: loss([0.60617688, 0.66295848], [0.4, 0.6])"


def test_a_missing_loss_fails_after_forward_on_the_trained_weights(course, grade_file):
    source = solution_with(course, "ex02", "del loss\n")
    result = graded(grade_file, "ex02", source, "lecture_loss_after_step")
    assert result.status == "error" and result.message.startswith("backprop.py has no attribute 'loss'")
    assert last_call(result) == f"last call: forward([0.1, 0.2], {TRAINED_WEIGHTS})"


def test_inputs_not_modified_judges_forward_before_a_missing_backward(course, grade_file):
    source = solution_with(course, "ex02", """
_forward = forward
def forward(x, W1, W2):
    h_o = _forward(x.copy(), W1, W2)
    x *= 2.0
    return h_o
del backward
""")
    result = graded(grade_file, "ex02", source, "inputs_not_modified")
    assert result.status == "failed" and result.mistake == "input_modified"
    assert result.message.startswith("forward: argument x was modified")


# ----------------------------------------------------------------------------- ex06
def test_every_impossible_configuration_is_judged_in_order_from_one_round_trip(course, grade_file, requests):
    source = solution_with(course, "ex06", """
_same_pad = same_pad
def same_pad(filter_size):
    return filter_size // 2 - 1 if filter_size % 2 == 0 else _same_pad(filter_size)
""")
    result = graded(grade_file, "ex06", source, "random_value_errors")  # seed 0: same_pad(2), then same_pad(4)
    assert result.status == "failed" and result.mistake == "no_value_error"
    assert result.message.startswith("same_pad(2): returned 0 instead of raising ValueError")
    assert last_call(result) == "last call: same_pad(2)"
    assert requests == ["batch"]


def test_another_exception_than_value_error_fails_with_its_name(course, grade_file):
    source = solution_with(course, "ex06", """
_conv_output_size = conv_output_size
def conv_output_size(input_size, filter_size, stride=1, pad=0):
    if (input_size - filter_size + 2 * pad) % stride:
        raise TypeError("uneven")
    return _conv_output_size(input_size, filter_size, stride, pad)
""")
    result = graded(grade_file, "ex06", source, "random_value_errors")
    assert result.status == "failed"
    assert result.message.startswith("case 1: conv_output_size(14, 4, stride=3): expected ValueError, got TypeError")


def test_a_missing_function_fails_where_its_first_call_comes(course, grade_file):
    source = solution_with(course, "ex06", "del tf_output_size\n")
    result = graded(grade_file, "ex06", source, "random_value_errors")  # seed 0: even sizes 2 and 4
    assert result.status == "error" and result.message.startswith("sizes.py has no attribute 'tf_output_size'")
    assert last_call(result) == "last call: same_pad(4)"
