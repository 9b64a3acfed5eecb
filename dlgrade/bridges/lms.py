"""Gradebook CSV in the shapes LMS gradebook imports accept.

Canvas (Grades → Import): the columns ``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID``, ``Section``, then one column per assignment; Canvas matches students
on ``ID``, ``SIS User ID`` or ``SIS Login ID`` and creates an assignment for a column
it does not know.  A ``Points Possible`` row after the header carries each column's
maximum, as in Canvas' own export.  Our student id (the submission's folder or zip
name) goes into the column chosen with ``id_column`` (``SIS User ID`` by default).

Moodle (Grades → Import → CSV file): one identifier column (mapped to ID number,
username or email address on import) and one column per grade item, mapped on import;
here ``ID number`` and one column per exercise.
"""

from __future__ import annotations

import csv
import io

from dlgrade.bulk.export import export_rows
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.course import Course
from dlgrade.inert import csv_cell

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_ID_COLUMNS = ("SIS User ID", "SIS Login ID", "ID")
MOODLE_ID = "ID number"
LMS_NAMES = ("canvas", "moodle")


def assignment_name(course: Course, exercise_id: str) -> str:
    """"ex05 correlate2d": the exercise's column name in the LMS."""
    ex = course.resolve(exercise_id)
    return f"{ex.id} {ex.short_name}"


def _number(value: float) -> str:
    return f"{value:g}"


def lms_csv(book: Gradebook, course: Course, lms: str, *, id_column: str = "SIS User ID") -> str:
    """The gradebook as an LMS import CSV: one row per student, one column per exercise."""
    if lms not in LMS_NAMES:
        raise ValueError(f"unknown LMS {lms!r}; expected one of {LMS_NAMES}")
    columns, rows = export_rows(book, course)
    exercises = [c for c in columns if c not in ("student", "total")]
    names = [assignment_name(course, ex) for ex in exercises]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if lms == "canvas":
        if id_column not in CANVAS_ID_COLUMNS:
            raise ValueError(f"id_column must be one of {CANVAS_ID_COLUMNS}, not {id_column!r}")
        writer.writerow([*CANVAS_IDENTITY, *names])
        writer.writerow(["    Points Possible", "", "", "", "",  # as Canvas writes it
                         *[_number(course.resolve(ex).points) for ex in exercises]])
        for row in rows:
            student = csv_cell(row["student"])  # a student's id never becomes a formula
            identity = {"Student": student, id_column: student}
            writer.writerow([identity.get(c, "") for c in CANVAS_IDENTITY] + [_number(row[ex]) for ex in exercises])
    else:
        writer.writerow([MOODLE_ID, *names])
        for row in rows:
            writer.writerow([csv_cell(row["student"]), *[_number(row[ex]) for ex in exercises]])
    return buffer.getvalue()
