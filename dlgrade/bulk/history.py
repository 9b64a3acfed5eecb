"""A student's history: every graded version of each exercise and what changed.

Each version is one result in the gradebook (a regrade or a resubmission adds one; older
ones stay, ``current = 0``).  Beside its time and score, a version says what changed since
the one before it: a new submission (its content), a new grader, and the checks that
started or stopped passing.  Overrides set and cleared appear in time order with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlgrade.bulk.gradebook import Gradebook


@dataclass
class Version:
    exercise: str
    graded_at: str
    submitted_at: str | None
    status: str
    score: float
    max_score: float
    current: bool
    new_submission: bool  #: another file than the version before (always true for the first)
    new_grader: bool
    fixed: list[str] = field(default_factory=list)  #: checks passing now that did not before
    broke: list[str] = field(default_factory=list)  #: checks failing now that passed before
    kind: str = "result"


@dataclass
class OverrideEvent:
    exercise: str
    at: str
    score: float | None  #: None: cleared
    reason: str
    by: str
    kind: str = "override"


def history(book: Gradebook, student: str, exercise: str | None = None) -> list:
    """Versions and override events of ``student`` (for ``exercise``, when given), per exercise
    in time order."""
    rows = book.db.execute(
        "SELECT r.id, r.exercise, r.graded_at, s.submitted_at, r.status, r.score, r.max_score, r.current, "
        "r.grader_version, s.content_hash FROM results r LEFT JOIN submissions s ON s.id = r.submission_id "
        "WHERE r.student = ? AND (? IS NULL OR r.exercise = ?) ORDER BY r.exercise, r.id",
        (student, exercise, exercise)).fetchall()
    checks: dict[int, dict[str, str]] = {}
    for result_id, name, status, _message in book.checks_of([r[0] for r in rows]):
        checks.setdefault(result_id, {})[name] = status
    out: list = []
    previous = None
    for rid, ex, graded_at, submitted_at, status, score, max_score, current, version, content in rows:
        before = previous if previous and previous[1] == ex else None
        mine, theirs = checks.get(rid, {}), checks.get(before[0], {}) if before else {}
        out.append(Version(
            ex, graded_at, submitted_at, status, score, max_score, bool(current),
            new_submission=before is None or before[9] != content, new_grader=before is not None and before[8] != version,
            fixed=[n for n, st in mine.items() if st == "passed" and n in theirs and theirs[n] != "passed"],
            broke=[n for n, st in mine.items() if st != "passed" and theirs.get(n) == "passed"]))
        previous = (rid, ex, graded_at, submitted_at, status, score, max_score, current, version, content)
    for o in book.overrides(include_cleared=True):
        if o.student != student or (exercise and o.exercise != exercise):
            continue
        out.append(OverrideEvent(o.exercise, o.set_at, o.score, o.reason, o.set_by))
        if o.cleared_at:
            out.append(OverrideEvent(o.exercise, o.cleared_at, None, o.reason, o.cleared_by or ""))
    return sorted(out, key=lambda e: (e.exercise, e.graded_at if isinstance(e, Version) else e.at))
