"""Each hint is about one thing: it names one of the student's functions (or one family the
lectures teach together) and no other, except the functions that one calls in the reference
solution, so no hint holds another function's solution."""

import ast
import re

import pytest

from conftest import ROOT
from dlgrade.course import load_course

COURSE = load_course(ROOT)
#: Functions the lectures teach as one idea: a hint may be about all of them at once.
FAMILIES = ({"AND_gate", "NAND_gate", "OR_gate"},
            {"numerical_diff_front", "numerical_diff_mid", "numerical_diff_back"},
            {"conv_param_count", "dense_param_count"})


def top_level(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def mentioned(text, names):
    """The names a text mentions: not inside a longer name (TimeRNN is not RNN), Korean particles allowed after."""
    return {name for name in names if re.search(rf"(?<![A-Za-z0-9_.]){re.escape(name)}(?![A-Za-z0-9_])", text)}


def subjects(text, exercise):
    """The functions a hint is about: those it names, less those a named one calls, directly or
    not, in the reference solution (its building blocks)."""
    names = set(top_level(exercise.stub_path))
    solution = top_level(exercise.solution_path)
    named = mentioned(text, names)

    def calls(m):
        return {n.id for n in ast.walk(solution[m]) if isinstance(n, ast.Name) and n.id in names and n.id != m} \
            if m in solution else set()

    blocks, todo = set(), [c for m in named for c in calls(m)]
    while todo:  # and what those call, in turn
        block = todo.pop()
        if block not in blocks:
            blocks.add(block)
            todo.extend(calls(block))
    return named - blocks


def one_thing(found):
    return len(found) <= 1 or any(found <= family for family in FAMILIES)


@pytest.mark.parametrize("exercise_id", [ex.id for ex in COURSE])
def test_each_hint_is_about_one_thing(exercise_id):
    ex = COURSE.resolve(exercise_id)
    for n, hint in enumerate(ex.hints, 1):
        english, korean = subjects(hint.en, ex), subjects(hint.ko, ex)
        assert english, f"{ex.id} hint {n} names none of the functions it is about"
        assert one_thing(english), f"{ex.id} hint {n} is about several functions: {sorted(english)}"
        assert one_thing(korean) and korean <= english, f"{ex.id} hint {n} (ko) is about {sorted(korean)}"


def test_the_rule_catches_a_hint_about_two_functions():
    ex = COURSE.resolve("ex07")
    two = ("TimeRNN.backward runs t = T−1 down to 0 … clip_grads: one norm over all arrays, sqrt(Σ Σ g²); "
           "if it is >= max_norm, g *= max_norm / norm in place.")
    assert not one_thing(subjects(two, ex))
    assert subjects("TimeRNN.forward: one RNN per time step", ex) == {"TimeRNN"}  # RNN: what TimeRNN calls
    assert subjects("clip_grads는 제자리에서 줄입니다", ex) == {"clip_grads"}
