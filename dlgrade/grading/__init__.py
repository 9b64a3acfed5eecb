"""What grader modules import: the check decorator, comparisons, oracles.

A grader lives in ``graders/<folder>/grader.py`` and imports only from here
(and NumPy/SciPy); see ``graders/ex05_correlate2d/grader.py`` for an example.
"""

from dlgrade.grading.checks import CHECK_PARAMETERS, CheckSpec, GraderDefinitionError, check, collect_checks, self_check
from dlgrade.grading.compare import (
    EXACT, CheckFailed, Tolerance, compare, describe, expect_close, expect_equal, expect_unchanged, hidden_check,
    matches, tolerance_for,
)
from dlgrade.grading.oracle import Oracle, tensorflow
from dlgrade.grading.rewrite import with_definitions
from dlgrade.sandbox import InvalidValue, StudentCodeError
from dlgrade.sandbox.functions import X, Function, array, cos, dot, exp, sin, tanh, total

__all__ = [
    "CHECK_PARAMETERS", "CheckFailed", "CheckSpec", "EXACT", "Function", "GraderDefinitionError", "InvalidValue",
    "Oracle", "StudentCodeError", "Tolerance", "X", "check", "collect_checks", "compare", "describe",
    "expect_close", "expect_equal", "expect_unchanged", "hidden_check", "matches", "self_check", "tensorflow", "tolerance_for",
    "array", "cos", "dot", "exp", "sin", "tanh", "total", "with_definitions",
]
