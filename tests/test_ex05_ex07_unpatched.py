"""No check of ex05–ex07 patches the student's module: a submission that checks, on every
call, that its module's names and classes still hold exactly what it defined (and raises
otherwise) scores full marks, on several seeds.  A check that replaced a function to count
or spy on calls would make it fail."""

import pytest

from conftest import ROOT

WATCHER = '''

import sys as _sys
import types as _types


def _names_of(namespace):
    return {k: id(v) for k, v in namespace.items() if not k.startswith("_")}


def _watched(function):
    def watched(*args, **kwargs):
        _unchanged()
        return function(*args, **kwargs)
    watched.__name__ = function.__name__
    return watched


for _name, _value in list(globals().items()):
    if _name.startswith("_"):
        continue
    if isinstance(_value, _types.FunctionType):
        globals()[_name] = _watched(_value)
    elif isinstance(_value, type):
        for _attr, _method in list(vars(_value).items()):
            if isinstance(_method, _types.FunctionType):
                setattr(_value, _attr, _watched(_method))

_MODULE = _sys.modules.get(__name__)
_SNAPSHOT = _names_of(globals())
_CLASSES = {k: _names_of(vars(v)) for k, v in globals().items() if isinstance(v, type) and not k.startswith("_")}


def _unchanged():
    now = _names_of(globals())
    changed = sorted(k for k in set(now) | set(_SNAPSHOT) if now.get(k) != _SNAPSHOT.get(k))
    for k, names in _CLASSES.items():
        if _names_of(vars(globals()[k])) != names:
            changed.append(k)
    if changed or _sys.modules.get(__name__) is not _MODULE:
        raise RuntimeError("the module was changed from outside: %s" % changed)
'''


@pytest.mark.parametrize("exercise_id", ["ex05", "ex06", "ex07"])
def test_a_submission_that_watches_its_module_scores_full_marks(exercise_id, course, grade_file):
    exercise = course.resolve(exercise_id)
    source = exercise.solution_path.read_text(encoding="utf-8") + WATCHER
    for seed in (0, 3):
        result = grade_file(exercise_id, source, seed=seed)
        assert {c.name: c.message for c in result.checks if not c.passed} == {}


def test_the_watcher_sees_a_patch(grading_context, course):
    """The watcher is not blind: with one of its names replaced for a while, as
    Student.patched does, the next call fails."""
    import numpy as np

    from dlgrade.sandbox import Session, StudentException
    from dlgrade.sandbox.remote import Student

    exercise = course.resolve("ex05")
    source = exercise.solution_path.read_text(encoding="utf-8") + WATCHER
    grading_context.worker.ensure()
    session = Session(grading_context.worker, source, exercise.file, exercise.forbidden)
    try:
        student = Student(session)
        assert student.correlate(np.arange(5.0), np.ones(2)).shape == (4,)
        with student.patched("convolve", student.keep(0)):
            with pytest.raises(StudentException, match="changed from outside"):
                student.correlate(np.arange(5.0), np.ones(2))
    finally:
        session.close()
