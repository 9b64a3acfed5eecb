"""A session's grades for other tools: the weighted, late-adjusted totals the session computed.

``dlgrade session grade`` stores, per student, each exercise's weighted score (after the late
multiplier, or the instructor's override) and the total; these renderings read exactly
those rows, so an export always equals ``session grade --json``.  Each student also gets a
status that tells "not submitted" from a 0:

* ``not_submitted`` — nothing handed in for any exercise (and no override);
* ``refused`` — a submission could not be graded (refused by the intake or the sandbox);
* ``late`` — at least one exercise was handed in after the student's close and lost points
  or was marked late;
* ``graded`` — otherwise.

In the LMS files a student with nothing handed in gets an empty cell — "no grade", which
both Canvas and Moodle show apart from a 0 — and the status goes where the LMS keeps text
(Moodle: a feedback column; Canvas has none, so only the CSV export carries it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from dlgrade.bulk.gradebook import Gradebook
from dlgrade.course import Course
from dlgrade.inert import csv_cell

STATUSES = ("graded", "late", "not_submitted", "refused")


class SessionExportError(Exception):
    """The session is not in the gradebook."""

    def __init__(self, session: str, known: list[str]):
        self.session, self.known = session, known
        super().__init__(f"no session {session!r}; sessions: {', '.join(known) or 'none'}")


@dataclass
class SessionGrade:
    student: str
    name: str
    total: float
    max_total: float
    status: str  #: one of STATUSES
    exercises: dict[str, float] = field(default_factory=dict)  #: exercise → weighted score (what the total sums)
    overrides: dict[str, float] = field(default_factory=dict)  #: exercise → score set by hand
    late_minutes: dict[str, float] = field(default_factory=dict)  #: exercise → minutes after the student's close


def student_status(cells: list[dict]) -> str:
    if all(c["status"] == "not_submitted" and c.get("override") is None for c in cells):
        return "not_submitted"
    if any(c["status"] == "refused" for c in cells):
        return "refused"
    if any(c["status"] == "graded" and c["timing"] == "late" and c.get("override") is None for c in cells):
        return "late"
    return "graded"


def session_grades(book: Gradebook, session: str) -> tuple[dict, list[SessionGrade]]:
    """(the session's stored config, one SessionGrade per student in id order)."""
    config = book.session_config(session)
    if config is None:
        raise SessionExportError(session, [s["name"] for s in book.sessions()])
    cells: dict[str, list[dict]] = {}
    for row in book.session_results(session):
        cells.setdefault(row["student"], []).append(row)
    grades = []
    for s in book.session_students(session):
        mine = cells.get(s["student"], [])
        grades.append(SessionGrade(
            student=s["student"], name=s["name"] or "", total=s["total"], max_total=s["max_total"],
            status=student_status(mine) if mine else "not_submitted",
            exercises={c["exercise"]: c["weighted"] for c in mine},
            overrides={c["exercise"]: c["override"] for c in mine if c.get("override") is not None},
            late_minutes={c["exercise"]: round(c["late_seconds"] / 60, 1) for c in mine
                          if c["timing"] == "late" and c["status"] == "graded"}))
    return config, grades


def _number(value: float) -> str:
    return f"{value:g}"


def session_csv(book: Gradebook, course: Course, session: str) -> str:
    """One row per student: id, roster name, each exercise's weighted score, the total, the
    maximum, the status, and the overrides applied."""
    config, grades = session_grades(book, session)
    exercises = list(config["exercises"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "name", *exercises, "total", "max_total", "status", "overrides"])
    writer.writerow(["points_possible", "", *[_number(config["exercises"][e]) for e in exercises],
                     _number(sum(config["exercises"].values())), "", "", ""])
    for g in grades:
        writer.writerow([csv_cell(g.student), csv_cell(g.name), *[_number(g.exercises.get(e, 0.0)) for e in exercises],
                         _number(g.total), _number(g.max_total), g.status,
                         "; ".join(f"{e}={_number(v)}" for e, v in sorted(g.overrides.items()))])
    return buffer.getvalue()


def session_lms_csv(book: Gradebook, course: Course, session: str, lms: str, *,
                    id_column: str = "SIS User ID") -> str:
    """The session as one LMS assignment: its weighted total, out of the session's maximum
    (Canvas: the ``Points Possible`` row; Moodle: a grade item whose maximum you set to it),
    empty for a student who handed in nothing."""
    from dlgrade.bridges.lms import CANVAS_ID_COLUMNS, CANVAS_IDENTITY, LMS_NAMES, MOODLE_ID

    if lms not in LMS_NAMES:
        raise ValueError(f"unknown LMS {lms!r}; expected one of {LMS_NAMES}")
    config, grades = session_grades(book, session)
    max_total = sum(config["exercises"].values())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def grade(g: SessionGrade) -> str:
        return "" if g.status == "not_submitted" else _number(g.total)

    if lms == "canvas":
        if id_column not in CANVAS_ID_COLUMNS:
            raise ValueError(f"id_column must be one of {CANVAS_ID_COLUMNS}, not {id_column!r}")
        writer.writerow([*CANVAS_IDENTITY, session])
        writer.writerow(["    Points Possible", "", "", "", "", _number(max_total)])
        for g in grades:
            identity = {"Student": csv_cell(g.name or g.student), id_column: csv_cell(g.student)}
            writer.writerow([identity.get(c, "") for c in CANVAS_IDENTITY] + [grade(g)])
    else:
        writer.writerow([MOODLE_ID, "Full name", session, "Feedback"])
        for g in grades:
            feedback = g.status + "".join(f"; {e} override {_number(v)}" for e, v in sorted(g.overrides.items()))
            writer.writerow([csv_cell(g.student), csv_cell(g.name), grade(g), feedback])
    return buffer.getvalue()

