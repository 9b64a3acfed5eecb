"""``dlgrade submit``: the zip a student hands in, as the instructor's intake reads it.

The intake (``dlgrade grade`` on a folder of zips, dlgrade.bulk.collect) takes the student
id from the zip's name and finds each exercise's file by the name course.yaml gives it
(``conv.py``), anywhere inside; a notebook (``conv.ipynb``, ``ex05.ipynb``,
``ex05_correlate2d.ipynb``) stands for the exercise's file too.  So the zip is
``<student id>.zip`` holding ``<folder>/<file>`` per exercise the student worked on.

Before anything is written every file is checked to be gradable — readable, UTF-8, at
most 1 MiB, valid Python (a notebook: valid JSON whose code cells are), no forbidden
import at its top, no import of a module that is not there at grading time — so that a
submission never turns out to be worth nothing for a reason the student could have seen.
Files still equal to the stub are left out (not started).
"""

from __future__ import annotations

import ast
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dlgrade.grading.notebook_choice import notebook_names

MAX_BYTES = 1 << 20  #: what the intake reads of one file
AVAILABLE_AT_GRADING = {"numpy"}  #: besides Python's standard library
STUDENT_ID = re.compile(r"^[0-9A-Za-z\uac00-\ud7a3][0-9A-Za-z\uac00-\ud7a3_.-]{0,63}$")


class SubmitError(Exception):
    """The submission cannot be built at all; ``key`` and ``fields`` name the message."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass
class SubmittedExercise:
    exercise: object
    path: Path | None = None  #: the student's file or notebook, None when there is none
    problems: list[tuple[str, dict]] = field(default_factory=list)  #: (message key, fields): not gradable
    started: bool = True  #: False when the file is still the stub

    @property
    def included(self) -> bool:
        return self.path is not None and self.started and not self.problems

    def to_dict(self) -> dict:
        return {"exercise": self.exercise.id, "file": str(self.path) if self.path else None,
                "included": self.included, "started": self.started,
                "problems": [{"key": key, **{k: str(v) for k, v in fields.items()}} for key, fields in self.problems]}


def find_work(exercise) -> Path | None:
    """The student's work on ``exercise``: of the file course.yaml names and the notebooks of
    the names the intake accepts, in the exercise's folder, the one saved last."""
    folder = exercise.stub_path.parent
    found = [p for p in (exercise.stub_path, *(folder / name for name in notebook_names(exercise))) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None


def notebook_code(data: bytes, name: str) -> str:
    """A notebook's code cells, in order, as one module, read and rewritten as the graders
    read them (dlgrade.grading.notebook_source: IPython's magics and shell escapes become calls that
    do nothing, every line in its place).  Raises UnreadableSource."""
    from dlgrade.grading.notebook_source import python_cells

    return "".join(line + "\n" for _number, lines in python_cells(data, name) for line in lines)


def _top_level_imports(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, node.lineno))
    return found


def gradable_problems(exercise, path: Path) -> tuple[list[tuple[str, dict]], bool]:
    """(why ``path`` cannot be graded, whether it differs from the stub)."""
    from dlgrade.grading import forbidden as forbidden_scan

    try:
        data = path.read_bytes()
    except OSError as exc:
        return [("submit.unreadable", {"file": path.name, "reason": exc.strerror or exc})], True
    if len(data) > MAX_BYTES:
        return [("submit.too_large", {"file": path.name})], True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [("submit.not_utf8", {"file": path.name})], True
    pristine = exercise.pristine_stub_path
    if path.suffix == ".py" and pristine.is_file() and pristine.read_bytes() == data:
        return [], False
    source = text
    if path.suffix == ".ipynb":
        from dlgrade.grading.source import UnreadableSource

        try:
            source = notebook_code(data, path.name)
        except UnreadableSource as exc:  # the graders could not read it either: their reason
            return [(exc.key, exc.fields)], True
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [("submit.syntax", {"file": path.name, "line": exc.lineno or 0, "reason": exc.msg})], True
    problems = []
    findings, _ = forbidden_scan.scan(source, exercise.forbidden)
    for finding in forbidden_scan.module_level(findings):
        problems.append(("submit.forbidden", {"file": path.name, "line": finding.line, "name": finding.name}))
    for module, line in _top_level_imports(tree):
        top = module.split(".")[0]
        if top not in sys.stdlib_module_names and top not in AVAILABLE_AT_GRADING:
            problems.append(("submit.unavailable", {"file": path.name, "line": line, "module": module}))
    return problems, True


def plan_submission(course, exercises=None) -> list[SubmittedExercise]:
    """What each exercise would contribute, with the problems that keep a file out."""
    plan = []
    for exercise in exercises or list(course):
        path = find_work(exercise)
        entry = SubmittedExercise(exercise, path)
        if path is None:
            entry.started = False
        else:
            entry.problems, entry.started = gradable_problems(exercise, path)
        plan.append(entry)
    return plan


def build_submission(course, student_id: str, out_dir: Path, exercises=None) -> tuple[Path | None, list]:
    """Check every file, then write ``out_dir/<student id>.zip``: (its path, the plan), or
    (None, the plan) when a file cannot be graded or there is nothing to hand in."""
    student_id = str(student_id).strip()
    if not STUDENT_ID.match(student_id) or ".." in student_id:
        raise SubmitError("submit.bad_id", student_id=student_id)
    plan = plan_submission(course, exercises)
    if any(e.problems for e in plan) or not any(e.included for e in plan):
        return None, plan
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{student_id}.zip"
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in plan:
            if entry.included:
                archive.write(entry.path, f"{entry.exercise.folder}/{entry.path.name}")
    tmp.replace(target)
    return target, plan
