"""ex01's xor_built_from_gates: a file whose XOR_gate is AND(NAND(x1, x2), OR(x1, x2)) as
written, and that runs nothing else when loaded, is judged from its text; every other file
is loaded afresh with other truth tables for the gates, in a fresh child.  The text is
trusted only where the fresh child could give nothing else: these tests grade every file
both ways and find the same result, and show the files that look composed but could
behave otherwise (code run at load time, rebinding, decorators, notebooks) loaded."""

import ast
import textwrap

import pytest

from conftest import ROOT, SUBMISSIONS
from dlgrade.grading.grade_submission import load_grader

SOLUTION = (ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text(encoding="utf-8")
FILES = sorted([ROOT / "solutions" / "ex01_perceptron" / "perceptron.py",
                ROOT / "exercises" / "ex01_perceptron" / "perceptron.py"]
               + list((SUBMISSIONS / "ex01_perceptron").glob("*/*.py")))


@pytest.fixture(scope="module")
def grader(course):
    return load_grader(course.resolve("ex01"))


def with_xor(body: str, extra: str = "") -> str:
    """The reference solution with XOR_gate's definition replaced by ``body`` (a whole def),
    and ``extra`` appended at the end of the file."""
    node = next(n for n in ast.parse(SOLUTION).body if getattr(n, "name", None) == "XOR_gate")
    lines = SOLUTION.splitlines()
    lines[node.lineno - 1:node.end_lineno] = textwrap.dedent(body).strip().splitlines()
    return "\n".join(lines) + "\n" + textwrap.dedent(extra)


COMPOSED = {
    "nested": "def XOR_gate(x1, x2):\n    return AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2))",
    "textbook": "def XOR_gate(x1, x2):\n    s1 = NAND_gate(x1, x2)\n    s2 = OR_gate(x1, x2)\n"
                "    y = AND_gate(s1, s2)\n    return y",
    "documented": 'def XOR_gate(a, b):\n    """XOR."""\n    n = NAND_gate(a, b)\n    return AND_gate(n, OR_gate(a, b))',
}
NOT_COMPOSED = {  # XOR bodies that are not AND(NAND(x1, x2), OR(x1, x2)) as written: loaded
    "swapped_and": "def XOR_gate(x1, x2):\n    return AND_gate(OR_gate(x1, x2), NAND_gate(x1, x2))",
    "swapped_inputs": "def XOR_gate(x1, x2):\n    return AND_gate(NAND_gate(x2, x1), OR_gate(x1, x2))",
    "own_or": "def XOR_gate(x1, x2):\n    return AND_gate(NAND_gate(x1, x2), 1 if x1 + x2 > 0 else 0)",
    "lookup": "def XOR_gate(x1, x2):\n    return (0, 1, 1, 0)[2 * x1 + x2]",
    "branch": "def XOR_gate(x1, x2):\n    if x1 == x2:\n        return 0\n    return AND_gate(NAND_gate(x1, x2), OR_gate(x1, x2))",
    "rebinds_local": "def XOR_gate(x1, x2):\n    s = NAND_gate(x1, x2)\n    s = OR_gate(x1, x2)\n"
                     "    return AND_gate(s, s)",
}
# Files whose XOR_gate reads as composed but whose loading could make it give something
# else: each runs code at load time, rebinds a name the check depends on, or is a notebook.
LOOK_COMPOSED_BUT_LOADED = {
    "rebound_after": ("", "_lookup = lambda x1, x2: (0, 1, 1, 0)[2 * x1 + x2]\nXOR_gate = _lookup\n"),
    "global_in_a_function_run_at_load": ("", "def _swap():\n    global AND_gate\n    AND_gate = OR_gate\n\n_swap()\n"),
    "global_in_a_function_never_run": ("", "def _swap():\n    global AND_gate\n    AND_gate = OR_gate\n"),
    "globals_at_load": ("", "globals()['AND_gate'] = OR_gate\n"),
    "identity_kept": ("", "_DEFINED = (NAND_gate, OR_gate, AND_gate)\n"),
    "print_at_load": ("", "print(XOR_gate(0, 1))\n"),
    "gate_in_an_if": ("", "if True:\n    def AND_gate(x1, x2):\n        return 1\n"),
    "class_body": ("", "class Tables:\n    pass\n"),
    "decorated_xor": ("@staticmethod\n", ""),
    "default_computed": ("", "def helper(x=print('loaded')):\n    return x\n"),
    "two_xors": ("", "def XOR_gate(x1, x2):\n    return (0, 1, 1, 0)[2 * x1 + x2]\n"),
    "from_import": ("", "from numpy import *\n"),
    "dunder_assign": ("", "__builtins__ = None\n"),
    "gate_deleted": ("", "def _gone():\n    del OR_gate\n"),
    "walrus": ("", "def _w():\n    return (AND_gate := 1)\n"),
    "warns_when_compiled": ("", "def helper(x):\n    return x is 1\n"),
    "set_shadowed_called_at_load": ("", "def set():\n    return 0\n\n_empty = set()\n"),
    "set_shadowed_called_by_a_default": ("", "def set():\n    return 0\n\ndef helper(x=(set(),)):\n    return x\n"),
    "dunder_def": ("", "def __getattr__(name):\n    return None\n"),
    "dunder_import": ("", "import numpy as __builtins__\n"),
}


def test_the_reference_and_the_lecture_form_are_judged_as_written(grader):
    assert grader.xor_composed_as_written(SOLUTION)
    for body in COMPOSED.values():
        assert grader.xor_composed_as_written(with_xor(body))
    for body in NOT_COMPOSED.values():
        assert not grader.xor_composed_as_written(with_xor(body))


@pytest.mark.parametrize("name", sorted(LOOK_COMPOSED_BUT_LOADED))
def test_a_file_that_could_change_xor_when_loaded_is_loaded(grader, name):
    decorator, extra = LOOK_COMPOSED_BUT_LOADED[name]
    source = with_xor(decorator + COMPOSED["nested"], extra)
    ast.parse(source)
    assert not grader.xor_composed_as_written(source)


def test_a_notebook_is_loaded_cell_by_cell(grader):
    assert not grader.xor_composed_as_written('# dlgrade-source: {"kind": "notebook"}\n' + SOLUTION)


def _both_ways(grade_file, grader, monkeypatch, source, seed):
    """xor_built_from_gates as graded, and with every file loaded in a fresh child; each
    with what the code printed."""
    judged = grade_file("ex01", source, seed=seed, only=["xor_built_from_gates"])
    with monkeypatch.context() as patch:
        patch.setattr(grader, "xor_composed_as_written", lambda _source: False)
        loaded = grade_file("ex01", source, seed=seed, only=["xor_built_from_gates"])
    judged.checks[0].output, loaded.checks[0].output = judged.output, loaded.output
    return judged.checks[0], loaded.checks[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_file_is_judged_as_a_fresh_child_judges_it(grade_file, grader, monkeypatch, path):
    source = path.read_text(encoding="utf-8")
    for seed in range(3):
        judged, loaded = _both_ways(grade_file, grader, monkeypatch, source, seed)
        assert (judged.status, judged.score, judged.mistake, judged.message, judged.output) == \
               (loaded.status, loaded.score, loaded.mistake, loaded.message, loaded.output), (path.name, seed)


@pytest.mark.parametrize("name", sorted(COMPOSED) + sorted(NOT_COMPOSED) + sorted(LOOK_COMPOSED_BUT_LOADED))
def test_a_composed_file_is_one_a_fresh_child_passes(grade_file, grader, monkeypatch, name):
    """Whatever the file, what its text is trusted for is what loading it shows: every file
    judged as written passes when loaded, and each is graded the same both ways."""
    if name in LOOK_COMPOSED_BUT_LOADED:
        decorator, extra = LOOK_COMPOSED_BUT_LOADED[name]
        source = with_xor(decorator + COMPOSED["nested"], extra)
    else:
        source = with_xor({**COMPOSED, **NOT_COMPOSED}[name])
    judged, loaded = _both_ways(grade_file, grader, monkeypatch, source, seed=1)
    if grader.xor_composed_as_written(source):
        assert loaded.status == "passed"
    assert (judged.status, judged.mistake, judged.message) == (loaded.status, loaded.mistake, loaded.message)
    if grader.xor_composed_as_written(source):
        assert judged.output == loaded.output


@pytest.mark.parametrize("extra", ["x = " + "(" * 300 + "1" + ")" * 300 + "\n", "x = " + "-" * 50000 + "1\n",
                                   "def f(:\n", "x = '\\x00'\n\0\n"])
def test_a_file_that_cannot_be_compiled_here_is_loaded(grader, extra):
    assert not grader.xor_composed_as_written(SOLUTION + extra)
