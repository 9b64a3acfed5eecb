"""Grading one submission of one exercise: run every check, score it.

"The student's code failed" is a result (a status and a message); "the grader
failed" is a result too, worth 0, telling the student to ask the instructor,
with the traceback kept for the instructor — never a crash of the tool.
"""

from __future__ import annotations

import traceback
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from dlgrade.course import Exercise
from dlgrade.grading import forbidden as forbidden_scan
from dlgrade.grading.checks import CheckSpec, GraderDefinitionError, collect_checks, load_module
from dlgrade.grading.compare import CheckFailed, hidden_check
from dlgrade.grading.oracle import Oracle
from dlgrade.grading.source import describe, is_notebook, relocate, submission_source
from dlgrade.grading.source_marks import MAX_NOTEBOOK_BYTES
from dlgrade.inert import clean
from dlgrade.results import CheckResult, ExerciseResult
from dlgrade.sandbox import Limits, SandboxError, Session, Student, StudentCodeError, Worker
from dlgrade.sandbox.functions import Function
from dlgrade.grading.suggest import expected_kinds, expected_names

DEFAULT_SEED = 0
#: Once checks have used this many times the per-check limit waiting on slow
#: code, the remaining checks are not run (a hostile submission costs a bounded time).
TOTAL_BUDGET_FACTOR = 2.0


class SubmissionError(Exception):
    """The submission cannot be graded at all (missing or unreadable file)."""


class SubmissionTooLarge(SubmissionError):
    """The file exists but is too large to be a solution: the submission fails (not a usage error)."""

    limit = 1 << 20


_graders: dict[Path, tuple[float, ModuleType]] = {}


def load_grader(exercise: Exercise) -> ModuleType:
    """The grader module of an exercise (trusted code, imported in this process)."""
    path = exercise.grader_path
    if not path.exists():
        raise GraderDefinitionError(f"{exercise.folder} has no grader ({path})")
    mtime = path.stat().st_mtime
    cached = _graders.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    module = load_module(path, f"dlgrade_graders.{exercise.folder}")
    _graders[path] = (mtime, module)
    return module


SELF_CHECK_FILE = "selfcheck.py"  #: next to an exercise's grader: its self-checks (shipped in the student bundle)


def load_self_checks(exercise: Exercise) -> list[CheckSpec]:
    """The exercise's self-checks (``graders/<folder>/selfcheck.py``), or none; each must be
    a ``@self_check`` (worth no points, holding no expected value)."""
    path = exercise.grader_path.parent / SELF_CHECK_FILE
    if not path.exists():
        return []
    mtime = path.stat().st_mtime
    cached = _graders.get(path)
    if not (cached and cached[0] == mtime):
        cached = _graders[path] = (mtime, load_module(path, f"dlgrade_selfchecks.{exercise.folder}"))
    specs = collect_checks(cached[1])
    wrong = [s.name for s in specs if not s.self_check]
    if wrong:
        raise GraderDefinitionError(f"{path}: {', '.join(wrong)} must be declared with @self_check, not @check "
                                    "(self-checks are worth no points)")
    return specs


_references: dict[Path, ModuleType] = {}


def load_reference(exercise: Exercise) -> ModuleType:
    """The reference solution, imported in the trusted process (an oracle)."""
    path = exercise.solution_path
    if path not in _references:
        if not path.exists():
            raise GraderDefinitionError(f"{exercise.folder} has no reference solution ({path})")
        _references[path] = load_module(path, f"dlgrade_solutions.{exercise.folder}")
    return _references[path]


def check_rng(seed: int, name: str) -> np.random.Generator:
    """Each check's inputs depend only on the seed and the check's name."""
    return np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFFFFFF, zlib.crc32(name.encode())]))


@dataclass
class GradingContext:
    """What a grading run shares across submissions: a warm worker, the oracle."""

    worker: Worker
    oracle: Oracle

    @classmethod
    def create(cls, backend: str | None = None, slot: int = 0, oracle: Oracle | None = None):
        return cls(worker=Worker(backend=backend, slot=slot), oracle=oracle or Oracle())

    def close(self):
        self.worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_submission(path: Path) -> str:
    """The text graded for the file at ``path``: a ``.py`` file decoded as Python decodes it,
    a notebook's code cells as a module (dlgrade.grading.source)."""
    limit = MAX_NOTEBOOK_BYTES if is_notebook(path) else 1 << 20
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise SubmissionError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise SubmissionError(f"{path} is a folder, not a Python file") from None
    except OSError as exc:
        raise SubmissionError(f"{path} cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise SubmissionTooLarge(f"{path} is larger than {limit >> 20} MiB; submit only the exercise's source file")
    return submission_source(data, Path(path).name)


def grade(exercise: Exercise, source: str, *, seed: int = DEFAULT_SEED, context: GradingContext | None = None,
          limits: Limits | None = None, only: list[str] | None = None, reference=None, oracle=None,
          self_checks: bool | None = None) -> ExerciseResult:
    """Run every check of ``exercise`` on ``source`` (the student's file's text).

    ``reference`` and ``oracle`` replace what checks asking for them get (the reference
    solution and ``context.oracle``; in a student bundle, replays of their recorded answers).
    ``self_checks``: also run the exercise's self-checks, after the graded ones (default:
    where hidden checks are pending, i.e. in a student bundle).  In a student bundle the
    result says how many hidden checks, worth how much, run only at grading time.

    Whatever grading this one submission meets becomes its result: an exception anywhere
    (the grader, the analysis of the source, a reply that cannot be handled) gives every
    check not yet graded the status ``tool-error``, worth 0, with the traceback kept for the
    instructor.  Only a sandbox that cannot start at all (:class:`SandboxError`, the same
    for every submission) and an interruption end the caller's run."""
    own_context = context is None
    context = context or GradingContext.create()
    try:
        return _grade(exercise, source, seed, context, limits, only, reference, oracle, self_checks)
    except (KeyboardInterrupt, SystemExit):
        raise
    except SandboxError:
        # Lost while grading this submission: if a fresh sandbox starts, the loss was this
        # submission's (its result); if none starts, every submission would fail: the run stops.
        internal = traceback.format_exc()
        context.worker.ensure()
        return tool_error_result(exercise, seed, internal, only=only, sandbox=context.worker.backend)
    except BaseException:  # MemoryError, RecursionError, anything: this submission's result
        return tool_error_result(exercise, seed, traceback.format_exc(), only=only, sandbox=context.worker.backend)
    finally:
        if own_context:
            context.close()


#: Worded as the Korean feedback table knows it (dlgrade.messages.FEEDBACK_KO).
TOOL_ERROR_MESSAGE = "the grader failed on this check; please tell your instructor"


def tool_error_result(exercise: Exercise, seed: int, internal: str, *, only: list[str] | None = None,
                      sandbox: str = "", partial: ExerciseResult | None = None) -> ExerciseResult:
    """The result of a submission whose grading failed: the checks ``partial`` already holds,
    and every other check of the exercise as ``tool-error`` worth 0 out of its points (one
    check for the whole exercise if even the grader cannot be read)."""
    result = partial or ExerciseResult(exercise=exercise.id, seed=int(seed), sandbox=sandbox)
    try:
        result.grader_version = result.grader_version or exercise.grader_version()
        specs = [s for s in collect_checks(load_grader(exercise)) if not only or s.name in only]
    except BaseException:  # the grader itself cannot be loaded
        specs = []
    done = {c.name for c in result.checks}
    if specs:
        result.checks += [_result(s, "tool-error", TOOL_ERROR_MESSAGE, internal=internal)
                          for s in specs if s.name not in done]
    elif not result.checks:
        result.checks.append(CheckResult(name="grading", visibility="public", status="tool-error", score=0.0,
                                         max_score=float(exercise.points), message=TOOL_ERROR_MESSAGE,
                                         internal=internal))
    return result


class HelperSource(Protocol):
    """Another source of what checks ask for than the course's own reference solution and
    oracle; added by the layers above grading (a student bundle's recorded answers:
    :class:`dlgrade.bridges.release.StudentBundle`), so that grading knows none of them."""

    def helpers(self, exercise: Exercise, oracle) -> tuple | None:
        """(reference, oracle) for ``exercise``, or None where this source has none."""

    def pending(self, exercise: Exercise) -> tuple[int, float]:
        """(hidden checks, their points) that cannot run here (they run at grading time)."""


_helper_sources: list[HelperSource] = []


def add_helper_source(source: HelperSource) -> None:
    """Let ``source`` answer, before the reference solution on disk, for the exercises it
    knows (adding the same source again changes nothing)."""
    if source not in _helper_sources:
        _helper_sources.append(source)


def trusted_helpers(exercise: Exercise, oracle):
    """The reference solution and the oracle, unless a helper source answers for the
    exercise (in a student bundle: replays of the answers they gave when it was built)."""
    for source in _helper_sources:
        helpers = source.helpers(exercise, oracle)
        if helpers is not None:
            return helpers
    return load_reference(exercise), oracle


def pending_checks(exercise: Exercise) -> tuple[int, float]:
    """(hidden checks, their points) of ``exercise`` that run only at grading time; (0, 0.0)
    where every check runs (no helper source says otherwise)."""
    for source in _helper_sources:
        pending = source.pending(exercise)
        if pending[0]:
            return pending
    return 0, 0.0


def _grade(exercise, source, seed, context, limits, only, reference=None, oracle=None,
           self_checks=None) -> ExerciseResult:
    limits = limits or Limits(wall_seconds=exercise.time_limit,
                              cpu_seconds=int(exercise.time_limit * (TOTAL_BUDGET_FACTOR + 1)) + 5)
    grader = load_grader(exercise)
    specs = collect_checks(grader)
    pending = pending_checks(exercise) if only is None else (0, 0.0)
    if self_checks is None:
        self_checks = pending[0] > 0
    if self_checks:
        specs = specs + load_self_checks(exercise)
    if only:
        specs = [s for s in specs if s.name in only or (self_checks and s.self_check)]
    if reference is None:
        reference, oracle = trusted_helpers(exercise, oracle or context.oracle)
    oracle = oracle or context.oracle
    origin = describe(source)
    result = ExerciseResult(exercise=exercise.id, seed=int(seed), grader_version=exercise.grader_version(),
                            sandbox=context.worker.backend, pending_checks=pending[0], pending_points=pending[1])
    if origin.problem is not None:  # not text Python could run: nothing runs, each check says why
        result.checks = [_result(spec, "error", origin.problem.text("en")) for spec in specs]
        return result
    findings, references = forbidden_scan.scan(source, exercise.forbidden)
    tainted = forbidden_scan.tainted_names(findings, references)
    everywhere = forbidden_scan.module_level(findings)

    context.worker.ensure()
    session = Session(context.worker, source, exercise.file, exercise.forbidden, limits)
    student = Student(session, kinds=expected_kinds(exercise))
    budget = limits.wall_seconds * TOTAL_BUDGET_FACTOR
    spent_waiting = 0.0
    expected = expected_names(exercise)
    try:
        for spec in specs:
            if spent_waiting >= budget:
                result.checks.append(_result(spec, "timeout", "not run: earlier checks used up the exercise's "
                                             f"time budget ({budget:g} s)"))
                continue
            try:
                check_result = _run_check(spec, student, seed, reference, oracle, expected, exercise.forbidden)
                spent_waiting = session.lost_seconds  # every time-out or death of the child, counted once
                reached = set(student.transcript.names)
                hit = everywhere[0] if everywhere else next((tainted[n] for n in sorted(reached) if n in tainted),
                                                            None)
                if hit is not None and check_result.status not in ("forbidden", "tool-error"):
                    check_result = _result(spec, "forbidden", hit.message())
            except (SandboxError, KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # even building this check's result failed (a MemoryError…)
                check_result = _result(spec, "tool-error", TOOL_ERROR_MESSAGE, internal=traceback.format_exc())
            result.checks.append(check_result)
    finally:
        session.close()
    if origin.chunks:  # a notebook's module: lines as places in the notebook
        for check_result in result.checks:
            check_result.message = relocate(check_result.message, origin, exercise.file)
    result.output = clean(session.output.text())
    result.notes.extend(cell_error_notes(session.cell_errors, origin, exercise.file))
    if session.strays:
        result.notes.append(f"your code left {session.strays} process(es) running; they were killed")
    return result


def cell_error_notes(errors: list[dict], origin, filename: str) -> list[str]:
    """One note per notebook cell that raised while the notebook ran (the other cells were
    graded): where (cell and line), and what it raised."""
    from dlgrade.messages import say

    notes = []
    for error in errors:
        where = origin.where(error["line"]) or f"line {error['line']}"
        key = "source.cell_import_skipped" if error.get("skipped_import") else "source.cell_raised"
        note = say(key, "en", file=origin.name or filename, where=where,
                   error=" ".join(error["error"].split())[:300].rstrip("."))
        trace = relocate(error["traceback"], origin, filename).rstrip()
        if trace:
            note += "\n" + trace
        if note not in notes:
            notes.append(note)
    return notes


def _result(spec: CheckSpec, status: str, message: str = "", mistake: str | None = None,
            internal: str = "") -> CheckResult:
    return CheckResult(name=spec.name, visibility=spec.visibility, status=status,
                       score=spec.points if status == "passed" else 0.0, max_score=spec.points,
                       message=message, title=spec.title, mistake=mistake, internal=internal,
                       title_ko=spec.title_ko)


def _run_check(spec: CheckSpec, student: Student, seed: int, reference, oracle, expected=(),
               forbidden=()) -> CheckResult:
    student.transcript.clear()
    available = {"student": student, "rng": check_rng(seed, spec.name), "reference": reference,
                 "oracle": oracle, "seed": seed}
    token = hidden_check.set(spec.hidden)
    try:
        spec.func(**{p: available[p] for p in spec.parameters})
    except CheckFailed as failure:
        return _result(spec, "failed", _with_call(failure.message, student, spec), failure.mistake)
    except StudentCodeError as exc:
        message = _unavailable_module(exc.message, forbidden) + (f"\n{exc.detail.rstrip()}" if exc.detail else "")
        near = _near_function(exc, student, expected)
        if near:
            message += f"\n{near}"
        return _result(spec, exc.status, _with_call(message, student, spec))
    except (SandboxError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # the grader failed, or what it met cannot be handled (RecursionError…)
        return _result(spec, "tool-error", TOOL_ERROR_MESSAGE, internal=traceback.format_exc())
    finally:
        hidden_check.reset(token)
    return _result(spec, "passed")


def _unavailable_module(message: str, forbidden=()) -> str:
    """A file that imports a module the sandbox does not have (``import scipy``): said plainly,
    with what of it the exercise forbids, instead of Python's ModuleNotFoundError."""
    import re

    found = re.match(r"(\S+) could not be loaded: ModuleNotFoundError: No module named '([\w.]+)'$", message)
    if not found:
        return message
    filename, module = found.groups()
    top = module.split(".")[0]
    text = (f"{filename} imports {module}, which is not there when your code is graded: only Python's standard "
            "library and NumPy are. Remove the import")
    related = [name for name in forbidden if name == top or name.startswith(top + ".")]
    if related:
        text += f"; {', '.join(related)} {'is' if len(related) == 1 else 'are'} forbidden in this exercise"
    return text + "."


def _near_function(exc: StudentCodeError, student: Student, expected=()) -> str:
    """For a function the file lacks while it defines one spelled almost alike (``perceptrn``
    for ``perceptron``): the line saying so, else ""."""
    import re

    from dlgrade.sandbox import StudentMissing
    from dlgrade.grading.suggest import near_name

    found = re.match(r"(\S+) has no attribute '(\w+)'$", exc.message) if isinstance(exc, StudentMissing) else None
    if not found:
        return ""
    defined = list(getattr(student._session, "functions", {}) or {})
    near = near_name(found.group(2), defined, expected)
    if not near:
        return ""
    return f"{found.group(1)} defines {near}, not {found.group(2)}: did you mean to name it {found.group(2)}?"


def _with_call(message: str, student: Student, spec: CheckSpec) -> str:
    calls = student.transcript.calls
    if not calls:
        return message
    path, args, kwargs = calls[-1]
    try:
        call = format_call(path, args, kwargs, hidden=spec.hidden)
    except Exception:  # arguments too deeply nested to show (a RecursionError): the message alone
        return message
    return f"{message}\nlast call: {call}"


def format_call(path: str, args, kwargs, *, hidden: bool) -> str:
    """``correlate(x=array([2, 8, 3]), w=…, mode='valid')``; only shapes when hidden."""
    def show(v):
        if hidden and isinstance(v, Function):
            return "<function>"
        if isinstance(v, np.ndarray):
            if hidden or v.size > 30:
                return f"<{v.dtype} array {v.shape}>"
            return np.array2string(v, separator=", ", threshold=30, max_line_width=200).replace("\n", "")
        if hidden and isinstance(v, (float, np.floating)):
            return "<float>"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k!r}: {show(x)}" for k, x in v.items()) + "}"
        if isinstance(v, (list, tuple)) and len(v) <= 8:
            inner = ", ".join(show(x) for x in v)
            return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "…"

    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{path}({', '.join(parts)})"
