"""Declaring checks: a decorator that attaches frozen metadata to a function.

    @check(points=2)
    def lecture_valid(student):
        expect_close(student.correlate(X, W), [48, 57, 24, 25, 16, 39])

    @check(points=3, hidden=True)
    def random_shapes(student, rng, reference):
        ...

A check asks for what it needs by parameter name (see ``CHECK_PARAMETERS``);
the loader collects the decorated functions of a grader module in definition
order.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

#: The parameters a check function may ask for, and what each one is.
CHECK_PARAMETERS = {
    "student": "the student's module, loaded in the sandbox (calls go through it)",
    "rng": "a numpy.random.Generator seeded from the run's seed and the check's name",
    "reference": "the reference solution module, imported in the trusted process",
    "oracle": "the oracle helper: TensorFlow and other independent computations, cached on disk",
    "seed": "the run's seed (int)",
}


@dataclass(frozen=True)
class CheckSpec:
    """What a check is, independent of any run of it."""

    name: str  #: identifier, from the function name
    points: float  #: points for passing it
    hidden: bool  #: hidden checks use fresh random inputs and never reveal expected values
    title: str  #: one line for the report, from the first line of the docstring
    func: Callable  #: the check function itself
    parameters: tuple[str, ...]  #: which of CHECK_PARAMETERS it asks for
    title_ko: str = ""  #: the title in Korean (``@check(title_ko=…)``)
    self_check: bool = False  #: a self-check (``@self_check``): run at home, worth no points

    @property
    def visibility(self) -> str:
        if self.self_check:
            return "self"
        return "hidden" if self.hidden else "public"


class GraderDefinitionError(Exception):
    """A grader module is malformed (a tool error, not a student's)."""


def _mark(f: Callable, decorator: str, allowed, refusal: Callable[[list], str], *, title: str | None,
          **spec) -> Callable:
    """Attach ``f``'s CheckSpec to it and return ``f`` itself: what ``@check`` and ``@self_check``
    both do.  Applied twice, or asking for a parameter not in ``allowed``, fails at import
    (``refusal`` words the latter); the title is the docstring's first line unless given."""
    if hasattr(f, "__dlgrade_check__"):
        raise GraderDefinitionError(f"{decorator} applied twice to {f.__name__}")
    params = tuple(inspect.signature(f).parameters)
    unknown = [p for p in params if p not in allowed]
    if unknown:
        raise GraderDefinitionError(refusal(unknown))
    doc = inspect.getdoc(f) or ""
    f.__dlgrade_check__ = CheckSpec(name=f.__name__, title=title or (doc.splitlines()[0] if doc else
                                                                     f.__name__.replace("_", " ")),
                                    func=f, parameters=params, **spec)
    return f


def check(func: Callable | None = None, *, points: float = 1, hidden: bool = False, title: str | None = None,
          title_ko: str = ""):
    """Mark a function as a check.  Usable bare (``@check``) or with arguments; ``title_ko``
    is the one-line title in Korean (the English one is the docstring's first line)."""
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise GraderDefinitionError(f"points must be a positive number, not {points!r}")

    def decorate(f: Callable) -> Callable:
        return _mark(f, "@check", CHECK_PARAMETERS,
                     lambda unknown: f"check {f.__name__} asks for unknown parameter(s) {unknown}; "
                                     f"known: {sorted(CHECK_PARAMETERS)}",
                     points=float(points), hidden=hidden, title=title, title_ko=title_ko)

    return decorate(func) if func is not None else decorate


def self_check(func: Callable | None = None, *, title: str | None = None, title_ko: str = ""):
    """Mark a function as a self-check: a check the student bundle runs at home that needs
    no expected value (the student's backward against differences of their own forward,
    one function of theirs against another, invariants of the contract).  It is worth no
    points and never runs at grading time; it asks for ``student`` and ``rng`` only, since
    what it ships must hold neither an answer nor a working solution."""
    def decorate(f: Callable) -> Callable:
        return _mark(f, "@self_check", SELF_CHECK_PARAMETERS,
                     lambda unknown: f"self-check {f.__name__} asks for {unknown}; a self-check may ask only for "
                                     f"{sorted(SELF_CHECK_PARAMETERS)} (it holds no expected values)",
                     points=0.0, hidden=False, title=title, title_ko=title_ko, self_check=True)

    return decorate(func) if func is not None else decorate


#: What a self-check may ask for: no reference, no oracle (it must hold no expected value).
SELF_CHECK_PARAMETERS = ("student", "rng", "seed")


def collect_checks(module: ModuleType) -> list[CheckSpec]:
    """The checks of a grader module, in definition order."""
    specs = [obj.__dlgrade_check__ for obj in vars(module).values()
             if callable(obj) and hasattr(obj, "__dlgrade_check__")]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise GraderDefinitionError(f"duplicate check names in {module.__name__}")
    return specs


def load_module(path: Path, name: str) -> ModuleType:
    """Import the trusted file at ``path`` (a grader, its self-checks, a reference solution)
    as the module ``name``, in this process."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise GraderDefinitionError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
