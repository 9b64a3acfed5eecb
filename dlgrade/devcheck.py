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
from dataclasses import dataclass, field
from pathlib import Path

from dlgrade.course import Course, Exercise
from dlgrade.messages import say


@dataclass(frozen=True)
class Problem:
    exercise: str  #: exercise id, or "course"
    key: str  #: names the messages "devcheck.<key>" (what is wrong) and "devcheck.<key>.fix" (how to fix it)
    fields: dict = field(default_factory=dict, hash=False)  #: the messages' fields

    def text(self, lang: str) -> str:
        """What is wrong."""
        return say(f"devcheck.{self.key}", lang, **self.fields)

    def how(self, lang: str) -> str:
        """How to fix it."""
        return say(f"devcheck.{self.key}.fix", lang, **self.fields)

    @property
    def message(self) -> str:
        return self.text("en")

    @property
    def fix(self) -> str:
        return self.how("en")


def check_course(course: Course, *, run_graders: bool = True) -> list[Problem]:
    problems: list[Problem] = []
    folders = {ex.folder for ex in course}
    for tree in ("exercises", "solutions", "graders"):
        base = course.root / tree
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                if entry.is_dir() and not entry.name.startswith((".", "_")) and entry.name not in folders:
                    problems.append(Problem("course", "stray_folder", {"folder": f"{tree}/{entry.name}"}))
    catalogue = _catalogue(course.root / "docs" / "exercises.md")
    for ex in course:
        problems.extend(check_exercise(ex, catalogue.get(ex.folder), run_graders=run_graders))
    return problems


def check_exercise(ex: Exercise, worked_examples: str | None, *, run_graders: bool = True) -> list[Problem]:
    out: list[Problem] = []

    def problem(kind, **fields):
        out.append(Problem(ex.id, kind, {"folder": ex.folder, **fields}))

    for lang in ("ko", "en"):
        path = ex.statement_path(lang)
        if not path.is_file() or not path.read_text(encoding="utf-8").strip():
            problem("statement_missing", language=lang, path=path.relative_to(ex.root))
    if not ex.hints:
        problem("no_hints")
    absent = [(path, what) for path, what in ((ex.stub_path, "stub"), (ex.solution_path, "solution"),
                                                (ex.grader_path, "grader")) if not path.is_file()]
    for path, what in absent:
        problem(f"missing_{what}", path=path.relative_to(ex.root))
    if absent:
        return out
    stub = ex.stub_path.read_text(encoding="utf-8")
    if "# TODO:" not in stub:
        problem("no_todo")
    missing = _public_names(ex.solution_path) - _public_names(ex.stub_path)
    if missing:
        problem("stub_lacks", names=sorted(missing))

    from dlgrade.grading.checks import GraderDefinitionError, collect_checks
    from dlgrade.grading.grade_submission import load_grader

    try:
        specs = collect_checks(load_grader(ex))
    except (GraderDefinitionError, Exception) as exc:  # a broken grader module is the problem to report
        problem("grader_broken", error=exc)
        return out
    if not any(not s.hidden for s in specs):
        problem("no_public_check")
    if not any(s.hidden for s in specs):
        problem("no_hidden_check")
    names = {s.name for s in specs}
    for n, hint in enumerate(ex.hints, 1):
        for name in hint.checks:
            if name not in names:
                problem("hint_unknown_check", n=n, name=name, names=", ".join(sorted(names)))
        for key in hint.mistakes:
            if key not in ex.mistakes:
                problem("hint_unknown_mistake", n=n, mistake=key)
    total = sum(s.points for s in specs)
    if abs(total - ex.points) > 1e-9:
        problem("points_mismatch", points=ex.points, total=total)
    if worked_examples:
        grader_source = ex.grader_path.read_text(encoding="utf-8")
        for number in _missing_numbers(worked_examples, grader_source):
            problem("worked_example_missing", number=number)
    if run_graders:
        from dlgrade.grading.grade_submission import grade, read_submission

        stub_result = grade(ex, read_submission(ex.stub_path))
        if stub_result.score > 0:
            passed = [c.name for c in stub_result.checks if c.passed]
            problem("stub_scores", score=stub_result.score, passed=passed)
        solution_result = grade(ex, read_submission(ex.solution_path))
        if not solution_result.passed:
            failed = {c.name: c.message.splitlines()[0] if c.message else c.status
                      for c in solution_result.checks if not c.passed}
            problem("solution_fails", failed=failed)
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
