"""The student bundle ships no grader helper that is itself a working solution.

``dlgrade release`` ships each exercise's public grader: its public checks and the helpers
and constants they use.  Every function and class such a grader module defines is tried
as the student's code — bound to every name the stub asks for, all at once — and must
pass no hidden check.  The helper runs in the sandbox as a submission would: the
grader's source with its ``dlgrade`` imports replaced by inert stand-ins (the decorator
returns the function, the exception classes are exceptions, anything else is a value
that supports arithmetic, so module-level constants still build); the test checks that
each such file loads, so that a helper is never "refuted" by a file that never ran.
"""

from __future__ import annotations

import ast

import pytest

from dlgrade.bridges.release import build_release
from dlgrade.course import load_course

STAND_INS = '''
class _StandIn:
    """Whatever the grading package would have given: it builds, adds up and calls."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]  # used as a decorator
        return self

    def __getattr__(self, name):
        return self

    def _same(self, *args):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __pow__ = __rpow__ = __neg__ = __matmul__ = __rmatmul__ = __getitem__ = _same


def _decorator(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


class _Failure(Exception):
    def __init__(self, message="", *args, **kwargs):
        super().__init__(message)
        self.message = message
'''

EXCEPTIONS = {"CheckFailed", "StudentCodeError", "StudentException", "StudentForbidden", "StudentMissing",
              "GraderDefinitionError"}


def without_grading_package(source: str) -> str:
    """The grader's source with every import from dlgrade bound to a stand-in."""
    tree = ast.parse(source)
    body = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dlgrade":
            for alias in node.names:
                name = alias.asname or alias.name
                value = "_decorator" if name == "check" else "_Failure" if name in EXCEPTIONS else "_StandIn()"
                body.append(ast.parse(f"{name} = {value}").body[0])
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "dlgrade" for a in node.names):
            continue
        else:
            body.append(node)
    return STAND_INS + "\n" + ast.unparse(ast.Module(body=body, type_ignores=[])) + "\n"


def defined(source: str) -> list[str]:
    return [n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, course, grading_context):
    out = tmp_path_factory.mktemp("release") / "students"
    build_release(course, out, lang="en", context=grading_context)
    return out


def test_the_bundle_graders_are_what_is_tried(bundle, course):
    """The helpers tried below are every function and class of every bundled grader."""
    bundled = load_course(bundle)
    assert [ex.folder for ex in bundled] == [ex.folder for ex in course]
    for ex in bundled:
        assert defined(ex.grader_path.read_text(encoding="utf-8")), ex.folder


@pytest.mark.parametrize("exercise_id", [ex.id for ex in load_course(__import__("conftest").ROOT)])
def test_no_bundled_helper_passes_a_hidden_check(exercise_id, bundle, course, grade_file):
    exercise = course.resolve(exercise_id)
    bundled = load_course(bundle).resolve(exercise_id)
    grader_source = bundled.grader_path.read_text(encoding="utf-8")
    base = without_grading_package(grader_source)
    student_names = defined(exercise.stub_path.read_text(encoding="utf-8"))
    helpers = defined(grader_source)
    assert helpers
    passing = {}
    for helper in helpers:
        source = base + "\n" + "".join(f"{name} = {helper}\n" for name in student_names)
        result = grade_file(exercise_id, source, seed=0)
        unloaded = [c.name for c in result.checks if "could not be loaded" in c.message]
        assert unloaded == [], f"{helper}: {result.checks[0].message}"
        hidden = [c.name for c in result.checks if c.visibility == "hidden" and c.passed]
        if hidden:
            passing[helper] = hidden
    assert passing == {}
