"""The instructor's decisions on grades: scores set by hand (overrides).

An override replaces the graded score of one student and exercise — in exports, in every
stored session (with no late penalty: the instructor's score is final) and in the
student's feedback — and stays in force across regrades until cleared.  Each one keeps who
set it, when and why; clearing one keeps it as history.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.identity import identity_key, normalise_id
from dlgrade.course import Course, CourseError


class DecisionError(Exception):
    """A decision that cannot be recorded; ``key`` and ``fields`` make its message."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        super().__init__(f"{key}: {fields}")

    def message(self, lang: str) -> str:
        from dlgrade.messages import say

        return say(self.key, lang, **self.fields)


@dataclass
class OverrideOutcome:
    student: str
    exercise: str
    score: float | None  #: None when cleared
    max_score: float
    graded_score: float | None  #: the current graded score, None when nothing was graded
    cleared: bool
    sessions_changed: int  #: stored session rows whose weighted score changed

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): still record the decision
        return "unknown"


def known_students(book: Gradebook) -> set[str]:
    ids = {row[0] for row in book.db.execute("SELECT id FROM students")}
    ids |= {row[0] for row in book.db.execute("SELECT student FROM session_students")}
    return ids


def resolve_student(book: Gradebook, student: str) -> str:
    """The gradebook's id for ``student``; an unknown id is an error that names the id
    differing only in case or separators, when there is one."""
    student = normalise_id(student)
    known = known_students(book)
    if student in known:
        return student
    alike = sorted(s for s in known if identity_key(s) == identity_key(student))
    if alike:
        raise DecisionError("override.student_alike", student=student, alike=", ".join(alike))
    raise DecisionError("override.unknown_student", student=student)


def override(book: Gradebook, course: Course, student: str, exercise: str, *, score: float | None = None,
             reason: str = "", clear: bool = False, by: str | None = None) -> OverrideOutcome:
    """Set (or with ``clear``, take back) the score of ``student`` for ``exercise`` and rescore
    every stored session; raise DecisionError for a bad request."""
    try:
        ex = course.resolve(exercise)
    except CourseError:
        raise DecisionError("override.unknown_exercise", exercise=exercise,
                            valid=", ".join(e.id for e in course)) from None
    student = resolve_student(book, student)
    current = book.current(student, ex.id)
    graded = current.score if current is not None and current.status == "graded" else None
    by = by or who()
    if clear:
        if not book.clear_override(student, ex.id, by):
            raise DecisionError("override.none_to_clear", student=student, exercise=ex.id)
    else:
        if score is None or not (0 <= score <= ex.points) or score != score:
            raise DecisionError("override.bad_score", score=score, max_score=ex.points)
        if not reason or not reason.strip():
            raise DecisionError("override.no_reason")
        book.set_override(student, ex.id, float(score), reason.strip(), by)
    changed = book.rescore_sessions()
    return OverrideOutcome(student, ex.id, None if clear else float(score), ex.points, graded, clear, changed)
