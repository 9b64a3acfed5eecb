"""No free points: code that implements nothing scores exactly 0 in every exercise, on every seed.

The do-nothing submissions are generated from each exercise's stub, not written by
hand: every function and method the stub leaves to the student (all but ``__init__``,
which the stub gives) is replaced by one strategy — return None, zeros shaped like the
first array argument, the first argument itself, random values, do nothing (``pass``),
always raise, fill every array argument in place with zeros or with random values.
The *shaped* strategies go further: a top-level function returns a value of exactly
the right structure, types and shapes (the reference solution, run inside the child on
the same arguments, says what they are) filled with zeros, ones or random numbers —
the strongest do-nothing there is, since only the values are wrong.
"""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT
from dlgrade.course import load_course

SEEDS = (0, 1, 2)

PRELUDE = '''
import copy as _copy
import random as _random

import numpy as _np

# The standard library's generator: numpy.random is not importable in every sandbox.
_py_rng = _random.Random({seed})


class _Rng:
    def normal(self, size=None):
        if size is None:
            return _py_rng.gauss(0.0, 1.0)
        n = int(_np.prod(size))
        return _np.array([_py_rng.gauss(0.0, 1.0) for _ in range(n)]).reshape(size)

    def integers(self, low, high=None, size=None):
        if high is None:
            low, high = 0, low
        if size is None:
            return _py_rng.randrange(low, high)
        n = int(_np.prod(size))
        return _np.array([_py_rng.randrange(low, high) for _ in range(n)]).reshape(size)


_rng = _Rng()


def _leaves(values):
    for v in values:
        if isinstance(v, dict):
            yield from _leaves(v.values())
        elif isinstance(v, (list, tuple)):
            yield from _leaves(v)
        else:
            yield v


def _first_array(args, kwargs):
    for v in _leaves(list(args) + list(kwargs.values())):
        if isinstance(v, _np.ndarray):
            return v
    return None


def _dn_none(*args, **kwargs):
    return None


def _dn_zeros(*args, **kwargs):
    a = _first_array(args, kwargs)
    return 0 if a is None else _np.zeros_like(a, dtype=float)


def _dn_identity(*args, **kwargs):
    return args[0] if args else next(iter(kwargs.values()), None)


def _dn_random(*args, **kwargs):
    a = _first_array(args, kwargs)
    return float(_rng.normal()) if a is None else _rng.normal(size=a.shape)


def _dn_pass(*args, **kwargs):
    pass


def _dn_raise(*args, **kwargs):
    raise ValueError("not implemented")


def _dn_fill_zeros(*args, **kwargs):
    for v in _leaves(list(args) + list(kwargs.values())):
        if isinstance(v, _np.ndarray) and v.dtype.kind == "f" and v.flags.writeable:
            v[...] = 0


def _dn_fill_random(*args, **kwargs):
    for v in _leaves(list(args) + list(kwargs.values())):
        if isinstance(v, _np.ndarray) and v.dtype.kind == "f" and v.flags.writeable:
            v[...] = _rng.normal(size=v.shape)


_REFERENCE = {{}}
exec(compile({reference!r}, "<reference>", "exec"), _REFERENCE)


def _fill(value, how):
    if isinstance(value, (bool, _np.bool_)):
        return {{"zeros": False, "ones": True}}.get(how, bool(_rng.integers(2)))
    if isinstance(value, (int, _np.integer)):
        return {{"zeros": 0, "ones": 1}}.get(how, int(_rng.integers(-3, 100)))
    if isinstance(value, (float, _np.floating)):
        return {{"zeros": 0.0, "ones": 1.0}}.get(how, float(_rng.normal()))
    if isinstance(value, _np.ndarray):
        if how == "zeros":
            return _np.zeros_like(value)
        if how == "ones":
            return _np.ones_like(value)
        if value.dtype.kind in "iu":
            return _rng.integers(-3, 100, size=value.shape).astype(value.dtype)
        if value.dtype.kind == "b":
            return _rng.integers(0, 2, size=value.shape).astype(bool)
        return _rng.normal(size=value.shape).astype(value.dtype)
    if isinstance(value, (list, tuple)):
        return type(value)(_fill(v, how) for v in value)
    if isinstance(value, dict):
        return {{k: _fill(v, how) for k, v in value.items()}}
    return value


def _shaped(name, how, args, kwargs):
    # On copies: the reference must not do the in-place work (clipping, say) for us.
    return _fill(_REFERENCE[name](*_copy.deepcopy(args), **_copy.deepcopy(kwargs)), how)
'''

PLAIN = ("none", "zeros", "identity", "random", "pass", "raise", "fill_zeros", "fill_random")
SHAPED = ("shaped_zeros", "shaped_ones", "shaped_random")


def _stub_functions(stub_source: str):
    """(top-level function names, {class name: [method names]}) the student writes."""
    tree = ast.parse(stub_source)
    functions, classes = [], {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.append(node.name)
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = [n.name for n in node.body if isinstance(n, ast.FunctionDef) and n.name != "__init__"]
    return functions, classes


def do_nothing_source(exercise, strategy: str, seed: int) -> str:
    """The stub with every function the student writes replaced by ``strategy``."""
    stub = exercise.stub_path.read_text(encoding="utf-8")
    tree = ast.parse(stub)
    functions, _classes = _stub_functions(stub)

    def body(name: str, method: bool) -> list[ast.stmt]:
        if strategy.startswith("shaped_"):
            how = strategy.split("_", 1)[1]
            if method:
                code = "return _dn_none(*args, **kwargs)"
            else:
                code = f"return _shaped({name!r}, {how!r}, args, kwargs)"
        else:
            code = f"return _dn_{strategy}(*args, **kwargs)"
        return ast.parse(code).body

    def generic(fn: ast.FunctionDef, method: bool) -> ast.FunctionDef:
        first = [ast.arg("self")] if method else []
        fn.args = ast.arguments(posonlyargs=[], args=first, vararg=ast.arg("args"), kwonlyargs=[], kw_defaults=[],
                                kwarg=ast.arg("kwargs"), defaults=[])
        fn.body = body(fn.name, method)
        fn.decorator_list = []
        return fn

    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            generic(node, False)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name != "__init__":
                    generic(item, True)
    reference = exercise.solution_path.read_text(encoding="utf-8")
    return PRELUDE.format(seed=seed, reference=reference) + "\n\n" + ast.unparse(tree) + "\n"


def _cases():
    cases = []
    for exercise in load_course(ROOT):
        functions, _ = _stub_functions(exercise.stub_path.read_text(encoding="utf-8"))
        for strategy in PLAIN + (SHAPED if functions else ()):
            cases.append(pytest.param(exercise.id, strategy, id=f"{exercise.id}-{strategy}"))
    return cases


@pytest.mark.parametrize("exercise_id, strategy", _cases())
def test_do_nothing_scores_zero(exercise_id, strategy, course, grade_file):
    exercise = course.resolve(exercise_id)
    earned = {}
    for seed in SEEDS:
        result = grade_file(exercise_id, do_nothing_source(exercise, strategy, seed), seed=seed)
        assert result.checks, "no checks ran"
        unloaded = [c.name for c in result.checks if "could not be loaded" in c.message]
        assert unloaded == [], result.checks[0].message  # a file that never loads proves nothing
        for c in result.checks:
            if c.score:
                earned[f"seed {seed}: {c.name}"] = c.score
    assert earned == {}


def test_generated_submissions_replace_every_function_the_stub_leaves_open(course):
    """The generator's own check: a generated file defines the stub's names, and none of the
    stub's own bodies survive (only __init__ is kept)."""
    for exercise in course:
        stub = exercise.stub_path.read_text(encoding="utf-8")
        functions, classes = _stub_functions(stub)
        source = do_nothing_source(exercise, "zeros", 0)
        namespace: dict = {}
        exec(compile(source, exercise.file, "exec"), namespace)
        for name in functions:
            assert namespace[name].__code__.co_names[:1] == ("_dn_zeros",), name
        for cls, methods in classes.items():
            for m in methods:
                assert getattr(namespace[cls], m).__code__.co_names[:1] == ("_dn_zeros",), (cls, m)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.name != "__init__" and not node.name.startswith("_"):
                assert "NotImplementedError" not in ast.unparse(node), node.name
