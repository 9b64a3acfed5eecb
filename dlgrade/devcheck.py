"""``dlgrade dev check``: verify the whole course and say how to fix each problem.

Adding an exercise is a short checklist, and this is what enforces it:
1. an entry in course.yaml (folder, titles in both languages, file, points, hints);
2. exercises/<folder>/<file> — the stub, with a ``# TODO:`` where students work —
   and statement.ko.md / statement.en.md;
3. solutions/<folder>/<file> — the reference solution;
4. graders/<folder>/grader.py — public and hidden checks whose points add up to
   the exercise's points;
and then: the stub scores 0, the solution full marks, and every worked example
of docs/exercises.md appears in a public check.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from dlgrade.course import Course, Exercise


@dataclass(frozen=True)
class Problem:
    exercise: str  #: exercise id, or "course"
    message: str  #: what is wrong
    fix: str  #: how to fix it


def check_course(course: Course, *, run_graders: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    folders = {ex.folder for ex in course}
    for tree in ("exercises", "solutions", "graders"):
        base = course.root / tree
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                if entry.is_dir() and not entry.name.startswith((".", "_")) and entry.name not in folders:
                    problems.append(Problem("course", f"{tree}/{entry.name} belongs to no exercise in course.yaml",
                                            "add an entry for it to course.yaml, or remove the folder"))
    catalogue = _catalogue(course.root / "docs" / "exercises.md")
    for ex in course:
        problems.extend(check_exercise(ex, catalogue.get(ex.folder), run_graders=run_graders))
    return problems


def check_exercise(ex: Exercise, worked_examples: str | None, *, run_graders: bool = True) -> list[Problem]:
    out: list[Problem] = []

    def problem(message, fix):
        out.append(Problem(ex.id, message, fix))

    for lang in ("ko", "en"):
        path = ex.statement_path(lang)
        if not path.is_file() or not path.read_text(encoding="utf-8").strip():
            problem(f"the {lang} statement is missing or empty ({path.relative_to(ex.root)})",
                    f"write exercises/{ex.folder}/statement.{lang}.md")
    if not ex.hints:
        problem("no hints", f"add hints (ko and en) to {ex.folder} in course.yaml")
    absent = [(path, what) for path, what in ((ex.stub_path, "stub"), (ex.solution_path, "reference solution"),
                                                (ex.grader_path, "grader")) if not path.is_file()]
    for path, what in absent:
        problem(f"the {what} is missing ({path.relative_to(ex.root)})", f"create {path.relative_to(ex.root)}")
    if absent:
        return out
    stub = ex.stub_path.read_text(encoding="utf-8")
    if "# TODO:" not in stub:
        problem("the stub has no '# TODO:' marker", "mark each place the student must change with '# TODO: …'")
    missing = _public_names(ex.solution_path) - _public_names(ex.stub_path)
    if missing:
        problem(f"the stub lacks {sorted(missing)}, which the solution defines",
                "give the stub every function and class of the contract, with its signature and docstring")

    from dlgrade.grading.checks import GraderDefinitionError, collect_checks
    from dlgrade.grading.runner import load_grader

    try:
        specs = collect_checks(load_grader(ex))
    except (GraderDefinitionError, Exception) as exc:  # a broken grader module is the problem to report
        problem(f"the grader cannot be loaded: {exc}", f"fix graders/{ex.folder}/grader.py")
        return out
    if not any(not s.hidden for s in specs):
        problem("the grader has no public check", "add a @check for each worked example of the lecture")
    if not any(s.hidden for s in specs):
        problem("the grader has no hidden check", "add @check(hidden=True) checks on random inputs")
    names = {s.name for s in specs}
    for n, hint in enumerate(ex.hints, 1):
        for name in hint.checks:
            if name not in names:
                problem(f"hint #{n} lists checks: {name}, which the grader does not have",
                        f"use one of the check names of graders/{ex.folder}/grader.py ({', '.join(sorted(names))})")
        for key in hint.mistakes:
            if key not in ex.mistakes:
                problem(f"hint #{n} lists mistakes: {key}, which is not under mistakes: in course.yaml",
                        f"add {key} (ko and en) under {ex.folder}'s mistakes:, or correct the name")
    total = sum(s.points for s in specs)
    if abs(total - ex.points) > 1e-9:
        problem(f"course.yaml gives {ex.points:g} points but the checks add up to {total:g}",
                f"set points: {total:g} for {ex.folder} in course.yaml")
    if worked_examples:
        grader_source = ex.grader_path.read_text(encoding="utf-8")
        for number in _missing_numbers(worked_examples, grader_source):
            problem(f"the worked example's value {number} (docs/exercises.md) appears in no check",
                    f"add a public check in graders/{ex.folder}/grader.py that expects {number}")
    if run_graders:
        from dlgrade.grading.runner import grade, read_submission

        stub_result = grade(ex, read_submission(ex.stub_path))
        if stub_result.score > 0:
            passed = [c.name for c in stub_result.checks if c.passed]
            problem(f"the stub scores {stub_result.score:g} (passes {passed})",
                    "make every stub function raise NotImplementedError")
        solution_result = grade(ex, read_submission(ex.solution_path))
        if not solution_result.passed:
            failed = {c.name: c.message.splitlines()[0] if c.message else c.status
                      for c in solution_result.checks if not c.passed}
            problem(f"the reference solution fails {failed}", "fix the solution or the grader")
    return out


def _public_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")}


def _catalogue(path: Path) -> dict[str, str]:
    """folder → the 'Public' paragraph of its section in docs/exercises.md."""
    if not path.is_file():
        return {}
    sections = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)
    found = {}
    for section in sections[1:]:
        folder = section.split()[0]
        match = re.search(r"^Public[^:]*:(.*?)(?=^Hidden:|\Z)", section, flags=re.M | re.S)
        if match:
            found[folder] = match.group(1)
    return found


_DECIMAL = re.compile(r"(?<![\w.])−?-?\d+\.\d{3,}")
_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d.])")
_LIST = re.compile(r"\[(-?\d+(?:\s*,\s*-?\d+){3,})\]")


def _numbers_in_code(source: str) -> tuple[set[float], str]:
    values = set()
    for match in re.finditer(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?", source):
        try:
            values.add(round(float(match.group()), 8))
        except ValueError:
            pass
    digits = re.sub(r"[^\d,\-\n]", "", source.replace("_", ""))
    return values, digits.replace(" ", "")


def _missing_numbers(worked: str, grader_source: str) -> list[str]:
    """Worked-example values (decimals with 3+ places, grouped thousands, integer
    lists) that the grader's source does not contain."""
    values, digits = _numbers_in_code(grader_source)
    code_no_space = re.sub(r"\s+", "", grader_source)
    missing = []
    for match in _DECIMAL.finditer(worked):
        text = match.group().replace("−", "-")
        if round(float(text), 8) not in values and round(-float(text), 8) not in values:
            missing.append(text)
    for match in _GROUPED.finditer(worked):
        number = int(match.group().replace(",", ""))
        if round(float(number), 8) not in values:
            missing.append(match.group())
    for match in _LIST.finditer(worked):
        seq = re.sub(r"\s+", "", match.group(1))
        if seq not in code_no_space:
            missing.append(f"[{match.group(1)}]")
    return missing
