"""Grading a session: bulk grading with the session's exercises and salt, then the session's
bookkeeping — submission times, late multipliers, weighted totals, roster matching.

The raw results go into the gradebook's usual tables (so resume, history and exports work
as for ``dlgrade grade``); the session's view of them goes into ``session_students`` and
``session_results``, one transaction per student.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from dlgrade.bulk.collect import TIME_ARCHIVE_ENTRY, TIME_TIMES, Intake, StudentSubmission, take_in
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.grade_class import BulkSummary, grade_class
from dlgrade.session.config import Session
from dlgrade.session.late import assess, weighted_score


@dataclass
class SessionSummary:
    """What a session run did, beside the bulk summary."""

    bulk: BulkSummary
    students: list[str] = field(default_factory=list)  #: everyone scored for the session
    unknown: list[str] = field(default_factory=list)  #: submitters not in the roster
    absent: list[str] = field(default_factory=list)  #: roster students with nothing handed in
    conflicts: list[str] = field(default_factory=list)  #: ids in an intake conflict: not scored this run
    alike: list[tuple[str, str]] = field(default_factory=list)  #: (submitter, roster id) differing in case only
    times_stored: int = 0  #: --times entries stored in the gradebook by this run
    times_reused: int = 0  #: times stored by an earlier run's --times, applied again


class SessionChanged(Exception):
    """The session file's scoring settings differ from those stored under its name."""

    def __init__(self, session: str, fields: list[str]):
        self.session, self.fields = session, fields
        super().__init__(f"session {session} changed: {', '.join(fields)}")

    def message(self, lang: str) -> str:
        from dlgrade.messages import say

        return say("session.changed", lang, session=self.session, fields=", ".join(self.fields))


#: what a config stored before a setting existed meant by leaving it out
STORED_DEFAULTS = {"resubmission": "latest", "times_from": "folder"}


def changed_settings(stored: dict | None, session: Session) -> list[str]:
    """The scoring settings (POLICY_FIELDS) in which ``session`` differs from the stored config."""
    from dlgrade.session.config import POLICY_FIELDS

    if stored is None:
        return []
    new = session.to_dict()
    out = []
    for key in POLICY_FIELDS:
        old_value, new_value = stored.get(key, STORED_DEFAULTS.get(key)), new.get(key)
        if key in ("opens", "closes") and old_value and new_value:  # the same instant in another zone is no change
            if datetime.fromisoformat(old_value) == datetime.fromisoformat(new_value):
                continue
        if old_value != new_value:
            out.append(key)
    return out


def take_in_session(session: Session, folder: Path, only: set[str] | None = None) -> Intake:
    """The intake of ``folder`` for the session's exercises (times written inside archives read
    in the session's zone); only the students in ``only``, when given."""
    return take_in(folder, [e.exercise for e in session.exercises], zip_timezone=session.tz, only=only)


def collect_session(session: Session, folder: Path, only: set[str] | None = None) -> list[StudentSubmission]:
    """The students' files for the session's exercises; only those in ``only``, when given."""
    return take_in_session(session, folder, only).submissions


def grade_session(session: Session, folder: Path, db_path: Path, *, jobs: int = 2, backend: str | None = None,
                  force: bool = False, times: dict | None = None, only: set[str] | None = None,
                  progress: Callable | None = None, on_plan: Callable[[int], None] | None = None,
                  times_source: str = "--times", wait: float = 0.0) -> SessionSummary:
    """Grade ``folder`` for ``session`` into the gradebook and store the session's totals.

    ``times`` overrides submission times ((student, exercise or None) → aware datetime); they
    are stored in the gradebook, and the times stored by earlier runs apply when this one does
    not give them again.  ``only`` limits grading to those students (the watcher's changed
    entries); the roster's absent students are scored 0 either way.  A session whose scoring
    settings differ from those stored under its name raises SessionChanged unless ``force``.
    The whole run holds the gradebook's grading lock (dlgrade.bulk.lock)."""
    from dlgrade.bulk.lock import grading_lock

    with grading_lock(db_path, wait=wait):
        return _grade_session(session, folder, db_path, jobs, backend, force, times, only, progress, on_plan,
                              times_source)


def _grade_session(session, folder, db_path, jobs, backend, force, times, only, progress, on_plan,
                   times_source) -> SessionSummary:
    stored_times = {}
    if Path(db_path).exists():
        with Gradebook(db_path) as book:
            changed = changed_settings(book.session_config(session.name), session)
            stored_times = book.stored_times(session.name)
        if changed and not force:
            raise SessionChanged(session.name, changed)
    if times:
        with Gradebook(db_path) as book:
            book.store_times(session.name, times, times_source)
    all_times = {**stored_times, **(times or {})}
    intake = take_in_session(session, folder, only)
    bulk = grade_class(folder, [e.exercise for e in session.exercises], db_path, jobs=jobs, salt=session.seed_salt,
                       force=force, backend=backend, progress=progress, on_plan=on_plan, intake=intake,
                       session=session.name)
    with Gradebook(db_path) as book:
        summary = score_session(book, session, [s.student for s in intake.submissions], all_times,
                                conflicted=intake.conflicted)
    summary.bulk = bulk
    summary.times_stored = len(times or {})
    summary.times_reused = len(set(stored_times) - set(times or {}))
    return summary


def score_session(book: Gradebook, session: Session, submitters: list[str], times: dict,
                  conflicted: set[str] | frozenset = frozenset()) -> SessionSummary:
    """Apply times, late policy and weights to the current results of ``submitters`` (and, with a
    roster, to every listed student who handed in nothing); store one transaction per student.
    Students in ``conflicted`` (two entries naming them) are left as they were: not scored, not
    counted absent, until the instructor resolves the conflict."""
    book.save_session(name=session.name, opens=session.opens.isoformat(), closes=session.closes.isoformat(),
                      timezone=session.timezone, config=session.to_dict())
    roster = session.roster
    students = sorted((set(submitters) | set(roster or ())) - set(conflicted))
    summary = SessionSummary(bulk=BulkSummary(), students=students, conflicts=sorted(conflicted))
    if roster is not None:
        summary.unknown = sorted(s for s in submitters if s not in roster)
        from dlgrade.bulk.identity import identity_key

        keys = {identity_key(r): r for r in roster}
        summary.alike = [(s, keys[identity_key(s)]) for s in summary.unknown if identity_key(s) in keys]
    overrides = book.active_overrides()
    for student in students:
        rows = [score_exercise(book, session, student, e.exercise.id, e.weight, times,
                               overrides.get((student, e.exercise.id)), e.exercise.points)
                for e in session.exercises]
        if roster is not None and student in roster and all(r["status"] == "not_submitted" for r in rows):
            summary.absent.append(student)
        book.record_session_student(session=session.name, student=student,
                                    name=(roster or {}).get(student) or None,
                                    in_roster=None if roster is None else student in roster, rows=rows)
    return summary


def score_exercise(book: Gradebook, session: Session, student: str, exercise: str, weight: float,
                   times: dict, override=None, points: float | None = None) -> dict:
    """One session_results row: the current result, its time and where it came from, the late
    verdict (against the student's own close when an extension moved it) and the weighted
    score.  An override (a score set by hand) replaces the score, with no late penalty."""
    detail = book.current_detail(student, exercise)
    result_id, status, score, max_score, _ = detail or (None, "not_submitted", 0.0, points or 0.0, None)
    if not max_score and points:
        max_score = points
    submitted_at, source = None, None
    closes = session.closes_for(student)
    if status == "graded":
        submitted_at, source = submission_time(book, session, student, exercise, times)
        if session.resubmission != "latest":
            result_id, score, max_score, submitted_at, source = chosen_version(
                book, session, student, exercise, weight, times, closes,
                (result_id, score, max_score, submitted_at, source))
    lateness = assess(session.late, session.opens, closes, submitted_at)
    weighted = weighted_score(score, max_score, weight, lateness.multiplier) if status == "graded" else 0.0
    if override is not None:
        weighted = weighted_score(override.score, max_score, weight, 1.0)
    return {"exercise": exercise, "result_id": result_id, "status": status,
            "submitted_at": submitted_at.astimezone(timezone.utc).isoformat(timespec="seconds")
            if submitted_at else None,
            "timing": lateness.timing if status == "graded" else "unknown", "late_seconds": lateness.late_seconds,
            "multiplier": lateness.multiplier, "score": score, "max_score": max_score, "weight": weight,
            "weighted": weighted, "time_source": source,
            "override": override.score if override is not None else None,
            "closes_for": closes.isoformat() if closes != session.closes else None}


def chosen_version(book: Gradebook, session: Session, student: str, exercise: str, weight: float, times: dict,
                   closes: datetime, latest: tuple) -> tuple:
    """(result id, score, max_score, time, source) of the version the session's resubmission
    policy counts: ``best`` — the highest score after the late penalty (the later on a tie);
    ``last_before_close`` — the last handed in by the student's close, else the latest.
    Only versions graded by the current grader are compared."""
    candidates = []
    for rid, score, max_score, arrived, source, stated in book.graded_versions(student, exercise):
        when, where = submission_time(book, session, student, exercise, times, stored=(arrived, source, stated))
        candidates.append((rid, score, max_score, when, where))
    if not candidates:
        return latest
    if session.resubmission == "best":
        def value(c):
            kept = assess(session.late, session.opens, closes, c[3]).multiplier
            return (weighted_score(c[1], c[2], weight, kept), c[0])
        return max(candidates, key=value)
    on_time = [c for c in candidates if c[3] is not None and c[3] <= closes]
    return on_time[-1] if on_time else candidates[-1]


def submission_time(book: Gradebook, session: Session, student: str, exercise: str,
                    times: dict, stored: tuple | None = None) -> tuple[datetime | None, str | None]:
    """(time, source) the late policy judges: the --times file's, else the time written inside
    the archive when the session asks for it (``times_from: archive_entries``), else the
    arrival in the submissions folder (of the current result, or of ``stored``)."""
    override = times.get((student, exercise)) or times.get((student, None))
    if override:
        return override, TIME_TIMES
    stored = stored or book.current_times(student, exercise)
    if stored is None:
        return None, None
    arrived, source, stated = stored
    if session.times_from == "archive_entries" and stated:
        return datetime.fromisoformat(stated), TIME_ARCHIVE_ENTRY
    return (datetime.fromisoformat(arrived) if arrived else None), source  # None: stored before sources were kept
