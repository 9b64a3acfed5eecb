"""How much of what loses points at grading a student can already see at home.

For each mistaken submission (the test mutants under
``tests/submissions/<folder>/mutants``), grade it as the instructor does (every graded
check, hidden ones included) and as the student bundle does at home (the public checks
and the self-checks).  A mutant that loses points at grading is *caught at home* when it
also fails something the bundle runs.  ``benchmarks/home_checks.py`` prints the figures;
a test holds them to at least 90%.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MutantOutcome:
    exercise: str  #: exercise id
    mutant: str  #: the mutant's file name without .py
    lost: float  #: points lost at grading
    failed_at_home: tuple[str, ...]  #: the public checks and self-checks it fails at home

    @property
    def caught(self) -> bool:
        return bool(self.failed_at_home)


def mutant_paths(course_root: Path, exercise) -> list[Path]:
    return sorted((Path(course_root) / "tests" / "submissions" / exercise.folder / "mutants").glob("*.py"))


def home_outcomes(course, context, *, bundle_course=None, exercises=None) -> list[MutantOutcome]:
    """Every mutant that loses points at grading, with what fails for it at home.

    ``bundle_course``: a built student bundle, graded there as the student would (its
    recorded public checks and its self-checks); without it, the course's own public
    checks and self-checks are run here, which grade alike."""
    from dlgrade.bridges.release import grade_in_bundles
    from dlgrade.grading.checks import collect_checks
    from dlgrade.grading.grade_submission import grade, load_grader, read_submission

    grade_in_bundles()
    outcomes = []
    for exercise in course:
        if exercises and exercise.id not in exercises:
            continue
        public = [s.name for s in collect_checks(load_grader(exercise)) if not s.hidden]
        for path in mutant_paths(course.root, exercise):
            source = read_submission(path)
            graded = grade(exercise, source, context=context, self_checks=False)
            if graded.score >= graded.max_score:
                continue
            if bundle_course is not None:
                home = grade(bundle_course.resolve(exercise.id), source, context=context)
            else:
                home = grade(exercise, source, context=context, only=public, self_checks=True)
            outcomes.append(MutantOutcome(exercise.id, path.stem, round(graded.max_score - graded.score, 6),
                                          tuple(c.name for c in home.checks if not c.passed)))
    return outcomes
