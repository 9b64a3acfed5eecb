"""The student bundle (``dlgrade release OUT``): what students get, and nothing they must not.

In: the dlgrade package, pyproject.toml (without TensorFlow, which no public check
needs), course.yaml, exercises/ (stubs and statements), a README for students, the
pristine stubs under ``.dlgrade/stubs/`` (``dlgrade reset``), and per exercise a
*public grader*: the grader's source sliced with :mod:`ast` to its imports, the public
checks and only the helpers and constants they use, plus the reference solution's and
oracle's answers to those checks, recorded (see :mod:`dlgrade.bridges.replay`), and the
grader's self-checks (``selfcheck.py``: answer-free checks of the student's functions
against each other, which need no expected value).

Out: solutions/, hidden checks and whatever only they use, the oracle cache, tests/.
``dlgrade check`` in the bundle runs the real public checks (same feedback, same mistake
names) and the self-checks, and says how many hidden checks, worth how many points, run at
grading time; it never calls a local result full marks.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from dlgrade.course import Course, Exercise

BUNDLE_FILE = ".dlgrade/bundle.json"  #: marks a student bundle; holds the hidden checks' counts and points
#: The bundle's README: the course's title, then the same guide in Korean and in English
#: (release.readme.guide in the message catalog).
RELEASE_README = """# {title_ko} · {title_en}

{guide_ko}

---

{guide_en}
"""


class ReleaseError(Exception):
    """The bundle cannot be built (an unusable output folder, a grader that cannot be sliced)."""

    def __init__(self, message: str, *, reason: str = "", path: Path | None = None):
        super().__init__(message)
        self.reason = reason  #: "not_empty" or "inside_course" for an unusable output folder
        self.path = path


def _unusable(reason: str, out: Path) -> ReleaseError:
    return ReleaseError(f"{out}: {reason.replace('_', ' ')}", reason=reason, path=out)


def pristine_stub_path(root: Path, exercise: Exercise) -> Path:
    """Where a bundle rooted at ``root`` keeps the untouched stub that ``dlgrade reset`` restores."""
    return dataclasses.replace(exercise, root=Path(root)).pristine_stub_path


# ----------------------------------------------------------------------------- slicing the grader
SEALED = "RELEASE_SEALED"  #: a grader's tuple of helper names whose bodies never ship (they are replayed)


@dataclass(frozen=True)
class SlicedGrader:
    source: str  #: the public grader's source
    public: tuple[str, ...]  #: names of the public checks
    hidden: tuple[tuple[str, float], ...]  #: (name, points) of the hidden checks left out
    sealed: tuple[str, ...] = ()  #: helpers public checks use whose calls are replayed, not shipped


def _check_decorator(node: ast.AST) -> tuple[bool, bool, float]:
    """(is a check, is hidden, points) from a function's decorators."""
    for dec in getattr(node, "decorator_list", []):
        call = dec if isinstance(dec, ast.Call) else None
        func = call.func if call else dec
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "check":
            continue
        hidden, points = False, 1.0
        for kw in (call.keywords if call else []):
            if kw.arg == "hidden":
                # anything but a literal False counts as hidden: never leak by mistake
                hidden = not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
            if kw.arg == "points" and isinstance(kw.value, ast.Constant):
                points = float(kw.value.value)
        return True, hidden, points
    return False, False, 0.0


def _defined(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


#: The top-level statements a grader may have for a bundle to be cut from it.
SLICEABLE = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign, ast.AugAssign,
             ast.Expr)


def slice_grader(source: str, exercise_id: str) -> SlicedGrader:
    """The grader reduced to its public checks and what they need (imports, helpers, constants)."""
    tree = ast.parse(source)
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the module docstring describes the hidden checks too
    public, hidden, roots = [], [], []
    definitions: dict[str, list[ast.AST]] = {}
    sealed = _sealed_names(body)
    for node in body:
        if not isinstance(node, SLICEABLE):
            # A compound statement (if, try, with, for…) could hold a hidden check or an
            # expected value that slicing would ship whole: refuse rather than guess.
            raise ReleaseError(f"{exercise_id}: the grader's top-level {type(node).__name__.lower()} statement "
                               f"(line {node.lineno}) cannot be sliced safely; move it into a function",
                               reason="unsliceable")
        is_check, is_hidden, points = _check_decorator(node)
        if is_check:
            (hidden if is_hidden else public).append((node.name, points) if is_hidden else node.name)
            if not is_hidden:
                roots.append(node)
            continue
        for name in _defined(node):
            definitions.setdefault(name, []).append(node)
    keep: set[int] = {id(n) for n in roots}
    queue = list(roots)
    while queue:
        node = queue.pop()
        if isinstance(node, ast.FunctionDef) and node.name in sealed:
            continue  # its body does not ship: what it uses is not needed for it
        for name in _used(node):
            for definition in definitions.get(name, []):
                if id(definition) not in keep:
                    keep.add(id(definition))
                    queue.append(definition)
    kept, shipped_sealed = [], []
    for node in body:
        if isinstance(node, ast.FunctionDef) and node.name in sealed:
            if id(node) in keep:
                shipped_sealed.append(node.name)
                kept.append(ast.parse(f"{node.name} = sealed_helper(__file__, {node.name!r})").body[0])
        elif isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in keep:
            kept.append(node)
        elif not _defined(node) and not _check_decorator(node)[0]:
            kept.append(node)  # module-level statements that define nothing (rare) stay as they were
    public_nodes = {id(n) for n in roots}
    for node in kept:
        if id(node) not in public_nodes:
            _strip_docstrings(node)  # helpers' docstrings speak of the hidden checks too
    if shipped_sealed:
        after_future = sum(1 for n in kept if isinstance(n, ast.ImportFrom) and n.module == "__future__")
        kept.insert(after_future, ast.ImportFrom(module="dlgrade.bridges.replay",
                                                 names=[ast.alias(name="sealed_helper")], level=0))
    doc = (f'"""Public checks of {exercise_id} (student bundle): the lectures\' worked examples.\n\n'
           f'The hidden checks are not in this bundle; they run at grading time."""\n\n')
    text = doc + ast.unparse(ast.fix_missing_locations(ast.Module(body=kept, type_ignores=[]))) + "\n"
    return SlicedGrader(source=text, public=tuple(public), hidden=tuple(hidden), sealed=tuple(shipped_sealed))


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            node.body = node.body[1:] or [ast.Pass()]


def _sealed_names(body) -> set[str]:
    for node in body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == SEALED for t in node.targets):
            try:
                names = ast.literal_eval(node.value)
            except ValueError:
                raise ReleaseError(f"{SEALED} must be a literal tuple of helper names") from None
            return set(names)
    return set()


# ----------------------------------------------------------------------------- building
def record_public_checks(exercise: Exercise, sliced: SlicedGrader, folder: Path, context=None) -> None:
    """Run the public checks with the reference solution as the student, then with the stub
    and every test mutant (so that naming their mistakes replays too), recording every answer
    of ``reference``, ``oracle`` and the sealed helpers; the reference must pass every check."""
    from dlgrade.bridges.replay import Recorder, recording_helpers
    from dlgrade.grading.grade_submission import GradingContext, grade, load_grader, load_reference, read_submission

    recorder = Recorder()
    mutants = sorted((exercise.root / "tests" / "submissions" / exercise.folder / "mutants").glob("*.py"))
    own = context is None
    context = context or GradingContext.create()
    try:
        reference = recorder.root(load_reference(exercise), "reference")
        oracle = recorder.root(context.oracle, "oracle")
        with recording_helpers(recorder, load_grader(exercise), sliced.sealed):
            results = [grade(exercise, read_submission(path), context=context, only=list(sliced.public),
                             reference=reference, oracle=oracle)
                       for path in (exercise.solution_path, exercise.stub_path, *mutants)]
    finally:
        if own:
            context.close()
    failed = [f"{c.name}: {c.status} {c.message} {c.internal}" for c in results[0].checks if not c.passed]
    broken = [f"{c.name}: {c.internal}" for r in results for c in r.checks if c.status == "error" and c.internal]
    if failed or broken:
        raise ReleaseError(f"{exercise.folder}: the public checks cannot be recorded: " + "; ".join(failed + broken))
    recorder.save(folder)


def _pyproject_without_tensorflow(text: str) -> str:
    """No public check needs TensorFlow (their answers are recorded): leave it out — its
    requirement lines, an extra of its own, and the comments that introduce them."""
    out, comments, in_extra = [], [], False
    for line in text.splitlines():
        stripped = line.strip()
        if in_extra:
            in_extra = not stripped.startswith("]")
            continue
        if stripped.startswith("#") and "dependencies" not in line:
            comments.append(line)
            continue
        if re.match(r"tensorflow\s*=\s*\[", stripped):
            comments.clear()
            in_extra = not stripped.endswith("]")
            continue
        if re.match(r'"tensorflow', stripped):
            comments.clear()
            continue
        out.extend(comments)
        comments.clear()
        out.append(line)
    return "\n".join(out + comments) + "\n"


def _copy_tree(src: Path, dst: Path) -> None:
    from dlgrade.bridges.gradescope import tree_files

    for path, name in tree_files(src):
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dst / name)


def _check_out(out: Path, course: Course, force: bool) -> None:
    out = out.resolve()
    for inside in ("exercises", "solutions", "graders", "dlgrade", "tests"):
        base = (course.root / inside).resolve()
        if out == base or base in out.parents:
            raise _unusable("inside_course", out)
    if out == course.root.resolve() or out in course.root.resolve().parents:
        raise _unusable("inside_course", out)
    if out.exists() and any(out.iterdir()):
        if not force or not (out / BUNDLE_FILE).is_file():  # --force replaces only an earlier bundle
            raise _unusable("not_empty", out)
        shutil.rmtree(out)


def build_release(course: Course, out: Path, *, force: bool = False, lang: str = "ko", context=None) -> dict:
    """Write the student bundle into ``out``; returns what went in (exercises, checks, points)."""
    from dlgrade.bridges.gradescope import package_files, package_root
    from dlgrade.grading.grade_submission import SELF_CHECK_FILE
    from dlgrade.messages import say

    _check_out(out, course, force)
    out.mkdir(parents=True, exist_ok=True)
    repo = package_root()
    for path, name in package_files(repo):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == "pyproject.toml":
            target.write_text(_pyproject_without_tensorflow(path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copy2(path, target)
    summary = {"format": 1, "exercises": {}}
    hidden_names: dict[str, set[str]] = {}
    for exercise in course:
        _copy_tree(exercise.stub_path.parent, out / "exercises" / exercise.folder)
        pristine = pristine_stub_path(out, exercise)
        pristine.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(exercise.stub_path, pristine)
        sliced = slice_grader(exercise.grader_path.read_text(encoding="utf-8"), exercise.id)
        _check_split(exercise, sliced)
        grader_dir = out / "graders" / exercise.folder
        grader_dir.mkdir(parents=True, exist_ok=True)
        (grader_dir / "grader.py").write_text(sliced.source, encoding="utf-8")
        record_public_checks(exercise, sliced, grader_dir, context=context)
        self_checks = exercise.grader_path.parent / SELF_CHECK_FILE
        if self_checks.is_file():  # answer-free by construction (@self_check asks for no reference or oracle)
            shutil.copy2(self_checks, grader_dir / SELF_CHECK_FILE)
        summary["exercises"][exercise.id] = {"public": list(sliced.public), "hidden_checks": len(sliced.hidden),
                                             "hidden_points": sum(p for _, p in sliced.hidden)}
        hidden_names[exercise.folder] = {name for name, _ in sliced.hidden}
    _write_course_file(course.root / "course.yaml", out / "course.yaml", hidden_names)
    (out / BUNDLE_FILE).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    hidden_total = sum(e["hidden_checks"] for e in summary["exercises"].values())
    hidden_points = sum(e["hidden_points"] for e in summary["exercises"].values())
    guides = {language: say("release.readme.guide", language, folder=out.name, n=hidden_total, points=hidden_points,
                            example=course.exercises[0].id if course.exercises else "ex01")
              for language in ("ko", "en")}
    (out / "README.md").write_text(RELEASE_README.format(
        title_ko=course.title.ko, title_en=course.title.en, guide_ko=guides["ko"], guide_en=guides["en"]),
        encoding="utf-8")
    return summary


def _check_split(exercise: Exercise, sliced: SlicedGrader) -> None:
    """The slicer reads decorators from the source; the grader itself, loaded, says which
    checks are hidden: they must agree, or a hidden check could ship as a public one."""
    from dlgrade.grading.checks import collect_checks
    from dlgrade.grading.grade_submission import load_grader

    specs = collect_checks(load_grader(exercise))
    if (sorted(s.name for s in specs if not s.hidden) != sorted(sliced.public)
            or sorted(s.name for s in specs if s.hidden) != sorted(name for name, _ in sliced.hidden)):
        raise ReleaseError(f"{exercise.id}: the grader's checks could not be told apart from its source "
                           "(declare each with @check(..., hidden=True|False) at the top level)",
                           reason="unsliceable")


def _write_course_file(source: Path, target: Path, hidden_names: dict[str, set[str]]) -> None:
    """course.yaml for the bundle: hints point at public checks only (the hidden ones
    neither run in the bundle nor are named there)."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for entry in data.get("exercises", []):
        hidden = hidden_names.get(entry.get("folder"), set())
        for hint in entry.get("hints") or []:
            if isinstance(hint, dict) and isinstance(hint.get("checks"), list):
                hint["checks"] = [name for name in hint["checks"] if name not in hidden]
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def bundle_info(root: Path) -> dict | None:
    path = Path(root) / BUNDLE_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def hidden_pending(exercise: Exercise) -> tuple[int, float]:
    """(hidden checks, their points) left out of a student bundle, which run only at
    grading time; (0, 0.0) in the course repository, where every check runs."""
    info = bundle_info(exercise.root)
    entry = (info or {}).get("exercises", {}).get(exercise.id) or {}
    return int(entry.get("hidden_checks", 0)), float(entry.get("hidden_points", 0.0))


class StudentBundle:
    """What grading asks of a student bundle (a :class:`~dlgrade.grading.grade_submission.HelperSource`):
    the recorded answers of the reference solution and the oracle, next to each public
    grader, and how many hidden checks were left out."""

    def helpers(self, exercise: Exercise, oracle):
        from dlgrade.bridges.replay import bundle_replay

        return bundle_replay(exercise.grader_path.parent)

    def pending(self, exercise: Exercise) -> tuple[int, float]:
        return hidden_pending(exercise)


STUDENT_BUNDLE = StudentBundle()


def grade_in_bundles() -> None:
    """Let grading answer from a student bundle's recordings wherever an exercise is in one
    (called where a run starts: the command line, the notebook, a bundle's own tests)."""
    from dlgrade.grading.grade_submission import add_helper_source

    add_helper_source(STUDENT_BUNDLE)
