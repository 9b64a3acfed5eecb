"""The instructor's report as plain data, built from the gradebook.

One session (its weighted, late-adjusted totals) or, without a session, the gradebook's
current results.  Everything a rendering shows is computed here: score distributions per
exercise, item analysis (the checks most students failed, with their failure messages
grouped), the students who need help, and the means of every session in time order.
The terminal and HTML renderings only lay it out.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from dlgrade.bulk.export import ScoreMatrix, score_matrix
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.course import Course, CourseError

BINS = 10  #: histogram bins of 10 percentage points; 100 % falls in the last
HELP_TOTAL_PERCENT = 50.0  #: a total below this percent of the maximum asks for help
TROUBLE = ("error", "timeout", "forbidden", "tool-error")  #: check statuses that mean the code did not run properly
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w])")


class ReportError(Exception):
    """The report cannot be built (unknown session, empty gradebook)."""


def message_pattern(message: str) -> str:
    """A failure message's first line with every number replaced by ``#``, so that failures
    differing only in values ("max abs err 0.31", "0.29") group together."""
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else ""
    return NUMBER.sub("#", first).strip()


def histogram(percents: list[float], bins: int = BINS) -> list[int]:
    """Counts of ``percents`` (0–100) in ``bins`` equal bins; 100 goes in the last."""
    counts = [0] * bins
    for value in percents:
        counts[min(bins - 1, max(0, int(value * bins // 100)))] += 1
    return counts


def percent(score: float, max_score: float) -> float:
    return round(100.0 * score / max_score, 4) if max_score > 0 else 0.0


@dataclass
class Distribution:
    """Scores in percent of their maximum."""

    percents: list[float]
    histogram: list[int]
    mean: float
    median: float

    @classmethod
    def of(cls, percents: list[float]) -> "Distribution":
        return cls(sorted(percents), histogram(percents), statistics.fmean(percents) if percents else 0.0,
                   statistics.median(percents) if percents else 0.0)


@dataclass
class ExerciseSummary:
    exercise: str
    title: dict  #: {"ko": …, "en": …}
    max_score: float
    weight: float | None  #: the session weight (None without a session)
    students: int
    submitted: int
    scores: Distribution  #: raw scores of the graded submissions, before late penalties


@dataclass
class MessageGroup:
    pattern: str  #: first line, numbers replaced by #
    count: int
    example: str  #: one full message of the group


@dataclass
class CheckItem:
    exercise: str
    check: str
    failed: int  #: graded students who did not pass it
    graded: int
    statuses: dict[str, int]  #: status → count among the failures
    messages: list[MessageGroup]
    title: dict = field(default_factory=dict)  #: {"en": …, "ko": …}: what the check verifies
    students: list[str] = field(default_factory=list)  #: who failed it

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.check

    @property
    def rate(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


@dataclass
class BrokenRun:
    """Submissions of one exercise whose code did not run at all (a syntax error, an import
    that fails): every check failed with the same message.  One line, not one per check."""

    exercise: str
    pattern: str  #: the message's first line, numbers replaced by #
    example: str  #: the first line of one such message
    students: list[str]


@dataclass
class HelpReason:
    key: str  #: message key (report.help.*)
    fields: dict


@dataclass
class StudentNeedingHelp:
    student: str
    name: str | None
    total_percent: float
    reasons: list[HelpReason]


@dataclass
class SessionPoint:
    """One session's means, for the comparison over time."""

    name: str
    opens: str
    students: int
    mean_total_percent: float
    exercise_means: dict[str, float]  #: exercise → mean percent of graded submissions


@dataclass
class StudentRow:
    student: str
    name: str | None
    cells: dict[str, dict]  #: exercise → {status, score, max_score, timing, multiplier, weighted}
    total: float
    max_total: float
    in_roster: bool | None

    @property
    def total_percent(self) -> float:
        return percent(self.total, self.max_total)


@dataclass
class Report:
    session: str | None
    generated_at: str
    course_title: dict  #: {"ko": …, "en": …}
    exercises: list[ExerciseSummary]
    totals: Distribution
    students: list[StudentRow]
    items: list[CheckItem]
    help: list[StudentNeedingHelp]
    history: list[SessionPoint]
    broken: list[BrokenRun] = field(default_factory=list)  #: code that did not run: one line per cause
    roster_size: int | None = None  #: students on the roster (None: no roster)
    overrides: list[dict] = field(default_factory=list)  #: scores set by hand in force (student, exercise, …)
    extensions: dict[str, str] = field(default_factory=dict)  #: student → their own close (session zone)
    unknown: list[str] = field(default_factory=list)  #: submitters not in the roster
    absent: list[str] = field(default_factory=list)  #: roster students who handed in nothing
    session_info: dict | None = None  #: the session's settings (opens, closes, late policy, weights)

    def to_dict(self) -> dict:
        data = asdict(self)
        for item, source in zip(data["items"], self.items):
            item["rate"] = source.rate
        for row, source in zip(data["students"], self.students):
            row["total_percent"] = source.total_percent
        return data


def in_zone(value: str | None, tz) -> str | None:
    """An ISO time as the same instant in ``tz``, with its offset (``2026-11-27T15:05:00+09:00``)."""
    if not value or tz is None:
        return value
    return datetime.fromisoformat(value).astimezone(tz).isoformat(timespec="seconds")


def session_zone(book: Gradebook, session: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    info = next((s for s in book.sessions() if s["name"] == session), None)
    try:
        return ZoneInfo(info["timezone"]) if info else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _rows_for_session(book: Gradebook, session: str) -> tuple[list[StudentRow], list[dict]]:
    results = book.session_results(session)
    tz = session_zone(book, session)
    for r in results:  # shown in the session's zone everywhere (terminal, HTML, JSON), with the offset
        r["submitted_at"] = in_zone(r.get("submitted_at"), tz)
        r["closes_for"] = in_zone(r.get("closes_for"), tz)
        r["late_minutes"] = round(r["late_seconds"] / 60, 1) if r.get("timing") == "late" else 0.0
    by_student = defaultdict(dict)
    for r in results:
        by_student[r["student"]][r["exercise"]] = r
    rows = [StudentRow(s["student"], s["name"], by_student[s["student"]], s["total"], s["max_total"],
                       None if s["in_roster"] is None else bool(s["in_roster"])) for s in book.session_students(session)]
    return rows, results


def _rows_for_gradebook(book: Gradebook, matrix: ScoreMatrix) -> tuple[list[StudentRow], list[dict]]:
    ids = book.current_result_ids()
    results = [{"student": r.student, "exercise": r.exercise, "status": r.status, "score": r.score,
                "max_score": r.max_score, "result_id": ids.get((r.student, r.exercise)), "timing": "unknown",
                "multiplier": 1.0, "weighted": r.score, "weight": r.max_score} for r in matrix.cells.values()]
    by_student = defaultdict(dict)
    for r in results:
        by_student[r["student"]][r["exercise"]] = r
    rows = [StudentRow(s, None, cells, round(sum(c["score"] for c in cells.values()), 6),
                       round(sum(c["max_score"] for c in cells.values()), 6), None)
            for s, cells in sorted(by_student.items())]
    return rows, results


def _graded_checks(book: Gradebook, results: list[dict]) -> list[tuple[dict, str, str, str]]:
    """(result, check name, status, message) of every check of the graded results."""
    graded = {r["result_id"]: r for r in results if r["status"] == "graded" and r["result_id"] is not None}
    return [(graded[result_id], name, status, message)
            for result_id, name, status, message in book.checks_of(sorted(graded))]


def _broken(checks: list[tuple[dict, str, str, str]]) -> tuple[list[BrokenRun], set[int]]:
    """Results whose every check failed with one and the same non-assertion message (the code
    did not run), grouped per exercise and message; and those results' ids."""
    per_result: dict[int, list] = defaultdict(list)
    for entry in checks:
        per_result[entry[0]["result_id"]].append(entry)
    groups: dict[tuple[str, str], dict] = {}
    ids = set()
    for result_id, entries in per_result.items():
        statuses = {e[2] for e in entries}
        messages = {message_pattern(e[3]) for e in entries}
        if len(entries) > 1 and statuses <= set(TROUBLE) and len(messages) == 1:
            result = entries[0][0]
            pattern = messages.pop()
            group = groups.setdefault((result["exercise"], pattern), {"example": entries[0][3], "students": []})
            group["students"].append(result["student"])
            ids.add(result_id)
    runs = [BrokenRun(ex, pattern, (g["example"] or "").strip().splitlines()[0] if (g["example"] or "").strip()
                      else "", sorted(g["students"])) for (ex, pattern), g in groups.items()]
    return sorted(runs, key=lambda b: (-len(b.students), b.exercise)), ids


def _items(checks: list[tuple[dict, str, str, str]], limit_messages: int = 3) -> list[CheckItem]:
    tallies: dict[tuple[str, str], dict] = {}
    for result, name, status, message in checks:
        key = (result["exercise"], name)
        entry = tallies.setdefault(key, {"graded": 0, "failed": 0, "statuses": Counter(), "patterns": Counter(),
                                         "examples": {}})
        entry["graded"] += 1
        if status != "passed":
            entry.setdefault("students", []).append(result["student"])
            entry["failed"] += 1
            entry["statuses"][status] += 1
            pattern = message_pattern(message)
            entry["patterns"][pattern] += 1
            entry["examples"].setdefault(pattern, message)
    items = [CheckItem(ex, check, e["failed"], e["graded"], dict(e["statuses"]),
                       [MessageGroup(p, n, e["examples"][p]) for p, n in e["patterns"].most_common(limit_messages)],
                       students=sorted(e.get("students", [])))
             for (ex, check), e in tallies.items()]
    return sorted(items, key=lambda i: (-i.failed, -i.rate, i.exercise, i.check))


def _help(checks: list[tuple[dict, str, str, str]], rows: list[StudentRow], exercises: list[str]) -> list:
    trouble = defaultdict(set)
    for result, _name, status, _message in checks:
        if status in TROUBLE:
            trouble[result["student"]].add((result["exercise"], status))
    out = []
    for row in rows:
        reasons = []
        missing = [e for e in exercises if row.cells.get(e, {}).get("status", "not_submitted") != "graded"]
        if row.total_percent < HELP_TOTAL_PERCENT:
            reasons.append(HelpReason("report.help.low_total", {"percent": row.total_percent}))
        if missing and len(missing) * 2 >= len(exercises):
            reasons.append(HelpReason("report.help.missing", {"n": len(missing), "of": len(exercises),
                                                              "exercises": ", ".join(missing)}))
        for exercise, status in sorted(trouble[row.student]):
            reasons.append(HelpReason(f"report.help.{status}", {"exercise": exercise}))
        late = [e for e, c in sorted(row.cells.items()) if c.get("timing") == "late" and c.get("multiplier", 1) < 1]
        if late:
            reasons.append(HelpReason("report.help.late", {"exercises": ", ".join(late)}))
        if reasons:
            out.append(StudentNeedingHelp(row.student, row.name, row.total_percent, reasons))
    return sorted(out, key=lambda h: (h.total_percent, h.student))


def _history(book: Gradebook, until: str | None) -> list[SessionPoint]:
    points = []
    sessions = book.sessions()
    for s in sessions:
        students = book.session_students(s["name"])
        results = book.session_results(s["name"])
        per_exercise = defaultdict(list)
        for r in results:
            if r["status"] == "graded":
                per_exercise[r["exercise"]].append(percent(r["score"], r["max_score"]))
        points.append(SessionPoint(s["name"], s["opens"], len(students),
                                   statistics.fmean([percent(x["total"], x["max_total"]) for x in students])
                                   if students else 0.0,
                                   {e: statistics.fmean(v) for e, v in per_exercise.items()}))
        if s["name"] == until:
            break
    return points


def build_report(book: Gradebook, course: Course, session: str | None = None) -> Report:
    """The report for one session, or for the gradebook's current results."""
    info = None
    if session is not None:
        known = {s["name"]: s for s in book.sessions()}
        if session not in known:
            raise ReportError(f"no session {session!r} in {book.path}; sessions: {', '.join(known) or 'none'}")
        info = known[session]
        rows, results = _rows_for_session(book, session)
        weights = info["config"]["exercises"]
        exercise_ids = list(weights)
    else:
        matrix = score_matrix(book, course)
        rows, results = _rows_for_gradebook(book, matrix)
        weights = {}
        exercise_ids = matrix.exercises
    if not rows:
        raise ReportError(f"{book.path} holds no results" + (f" for session {session}" if session else ""))
    exercises = []
    for ex_id in exercise_ids:
        cells = [r for r in results if r["exercise"] == ex_id]
        graded = [r for r in cells if r["status"] == "graded"]
        try:
            ex = course.resolve(ex_id)
            title, max_score = {"ko": ex.title.ko, "en": ex.title.en}, ex.points
        except CourseError:  # an exercise since removed from the course
            title, max_score = {"ko": ex_id, "en": ex_id}, max((r["max_score"] for r in graded), default=0.0)
        exercises.append(ExerciseSummary(
            ex_id, title, graded[0]["max_score"] if graded else max_score,
            weights.get(ex_id), len(cells), len(graded),
            Distribution.of([percent(r["score"], r["max_score"]) for r in graded])))
    roster_rows = [r for r in rows if r.in_roster is not None]
    checks = _graded_checks(book, results)
    broken, broken_ids = _broken(checks)
    item_checks = [c for c in checks if c[0]["result_id"] not in broken_ids]
    titles = book.check_titles(sorted({c[0]["result_id"] for c in checks}))
    items = _items(item_checks)
    for item in items:
        item.title = titles.get((item.exercise, item.check), {"en": item.check, "ko": item.check})
    students_here = {r.student for r in rows}
    overrides = [{"student": o.student, "exercise": o.exercise, "score": o.score, "reason": o.reason,
                  "by": o.set_by, "at": o.set_at} for o in book.active_overrides().values()
                 if o.student in students_here and o.exercise in exercise_ids]
    extensions = {}
    if info is not None:
        zone = session_zone(book, session)
        extensions = {k: in_zone(v, zone) for k, v in info["config"].get("extensions", {}).items()}
    zone = session_zone(book, session) if session else None
    return Report(
        session=session, generated_at=datetime.now(zone or timezone.utc).isoformat(timespec="seconds"),
        course_title={"ko": course.title.ko, "en": course.title.en}, exercises=exercises,
        totals=Distribution.of([r.total_percent for r in rows]), students=rows,
        items=items, help=_help(checks, rows, exercise_ids),
        history=_history(book, session), broken=broken,
        roster_size=len(roster_rows) - sum(1 for r in roster_rows if not r.in_roster) if roster_rows else None,
        overrides=overrides, extensions=extensions,
        unknown=sorted(r.student for r in roster_rows if not r.in_roster),
        absent=sorted(r.student for r in roster_rows if r.in_roster and all(
            c["status"] == "not_submitted" for c in r.cells.values())),
        session_info=info)
