"""Renderings of the gradebook: LMS CSV/JSON, the summary table, feedback files."""

from __future__ import annotations

import csv
import io
import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from dlgrade.bulk.gradebook import CurrentResult, Gradebook, Override
from dlgrade.course import Course
from dlgrade.inert import clean, csv_cell, visible
from dlgrade.results import ExerciseResult


@dataclass(frozen=True)
class ScoreMatrix:
    """Students × exercises of the gradebook's current results: the one computation behind the
    summary table, the exports, the feedback files and the instructor's report."""

    students: list[str]  #: every student with a current result, by id
    exercises: list[str]  #: the course's exercises that have a result, in the course's order
    #: (student, exercise) → current result, in the gradebook's order; an exercise since
    #: removed from the course keeps its cells (it is not in ``exercises``)
    cells: dict[tuple[str, str], CurrentResult]
    overrides: dict[tuple[str, str], Override]  #: the scores set by hand in force

    def score(self, student: str, exercise: str) -> float:
        """What the student's exercise counts for: the instructor's override when one is in
        force, else the graded score, else 0."""
        override = self.overrides.get((student, exercise))
        if override is not None:
            return override.score
        cell = self.cells.get((student, exercise))
        return cell.score if cell else 0.0


def score_matrix(book: Gradebook, course: Course) -> ScoreMatrix:
    """The gradebook's current results as students × exercises (see ScoreMatrix)."""
    results = book.current_results()
    present = {r.exercise for r in results}
    return ScoreMatrix(students=sorted({r.student for r in results}),
                       exercises=[ex.id for ex in course if ex.id in present],
                       cells={(r.student, r.exercise): r for r in results}, overrides=book.active_overrides())


def export_rows(book: Gradebook, course: Course) -> tuple[list[str], list[dict]]:
    """Columns and one row per student: each exercise's score (the instructor's override when
    one is in force) and the total."""
    matrix = score_matrix(book, course)
    rows = []
    for student in matrix.students:
        row = {"student": student}
        total = 0.0
        for ex in matrix.exercises:
            row[ex] = matrix.score(student, ex)
            total += row[ex]
        row["total"] = round(total, 6)
        rows.append(row)
    return ["student", *matrix.exercises, "total"], rows


def export_csv(book: Gradebook, course: Course) -> str:
    """One row per student, one column per exercise, plus the total (UTF-8; Excel-friendly with BOM off)."""
    columns, rows = export_rows(book, course)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{v:g}" if isinstance(v, float) else csv_cell(v)) for k, v in row.items()})
    return buffer.getvalue()


def export_json(book: Gradebook, course: Course) -> str:
    matrix = score_matrix(book, course)
    out = []
    for student in matrix.students:
        entry = {"student": student, "exercises": {}, "total": 0.0, "max_total": 0.0}
        for ex in matrix.exercises:
            cell = matrix.cells.get((student, ex))
            if cell is None:
                continue
            o = matrix.overrides.get((student, ex))
            score = matrix.score(student, ex)
            entry["exercises"][ex] = {"score": score, "max_score": cell.max_score, "status": cell.status,
                                      "seed": cell.seed, "grader_version": cell.grader_version}
            if o:
                entry["exercises"][ex]["override"] = {"score": o.score, "graded_score": cell.score,
                                                      "reason": o.reason, "by": o.set_by, "at": o.set_at}
            entry["total"] = round(entry["total"] + score, 6)
            entry["max_total"] = round(entry["max_total"] + cell.max_score, 6)
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, indent=1)


def exercise_statistics(book: Gradebook, course: Course) -> list[dict]:
    """Mean and median per exercise, over students who submitted."""
    matrix = score_matrix(book, course)
    students, cells = matrix.students, matrix.cells
    stats = []
    for ex in matrix.exercises:
        graded = [cells[(s, ex)] for s in students if (s, ex) in cells and cells[(s, ex)].status == "graded"]
        scores = [c.score for c in graded]
        stats.append({"exercise": ex, "submitted": len(graded), "students": len(students),
                      "max_score": graded[0].max_score if graded else course.resolve(ex).points,
                      "mean": statistics.fmean(scores) if scores else 0.0,
                      "median": statistics.median(scores) if scores else 0.0})
    return stats


def feedback_markdown(book: Gradebook, course: Course, student: str, lang: str) -> str:
    """A student's feedback: the same text `dlgrade check` shows, per exercise (hidden
    checks never carry expected values, by construction of their messages)."""
    from dlgrade.messages import localize_feedback, say

    lines = [f"# {visible(student)}", ""]
    overrides = book.active_overrides()
    for ex in course:
        data = book.current_result_json(student, ex.id)
        current = book.current(student, ex.id)
        if current is None:
            continue
        lines.append(f"## {ex.id} — {ex.title.get(lang)}")
        lines.append("")
        override = overrides.get((student, ex.id))
        if override is not None:
            lines.append("> " + say("override.feedback", lang, score=override.score, max_score=ex.points,
                                    reason=visible(override.reason).replace("\n", " ")))
            lines.append("")
        if data is None:
            lines.append(say("feedback.not_submitted", lang) if current.status == "not_submitted"
                         else say("feedback.refused", lang))
            lines.append("")
            continue
        result = ExerciseResult.from_dict(data)
        lines.append(f"**{say('check.score', lang, score=result.score, max_score=result.max_score)}** "
                     f"({say('check.seed', lang, seed=result.seed)})")
        lines.append("")
        lines.append(f"| # | {say('col.check', lang)} | {say('col.kind', lang)} | {say('col.score', lang)} | "
                     f"{say('col.status', lang)} |")
        lines.append("|---|---|---|---|---|")
        for i, check in enumerate(result.checks, 1):
            title = check.title_in(lang).replace("|", "\\|")
            lines.append(f"| {i} | {title} | {say('visibility.' + check.visibility, lang)} | "
                         f"{check.score:g}/{check.max_score:g} | {say('status.' + check.status, lang)} |")
        lines.append("")
        for i, check in enumerate(result.checks, 1):
            if check.passed:
                continue
            lines.append(f"### {i}. {check.title_in(lang)}")
            lines.append("")
            lines.append("```text")
            lines.append(visible(localize_feedback(check.message, lang)).replace("```", "'''"))
            lines.append("```")
            if check.mistake and check.mistake in ex.mistakes:
                lines.append("")
                lines.append(f"**{say('check.likely', lang)}:** {ex.mistakes[check.mistake].get(lang)}")
            lines.append("")
    return "\n".join(lines)


def write_feedback(book: Gradebook, course: Course, folder: Path, lang: str) -> list[Path]:
    """One Markdown file per student; file names never collide, even for ids that differ only
    in case on a case-insensitive file system or hold ``/``, ``..`` or control characters
    (see dlgrade.bulk.identity.file_stems)."""
    from dlgrade.bulk.identity import file_stems

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    students = score_matrix(book, course).students
    stems = file_stems(students)
    for student in students:
        path = folder / f"{stems[student]}.md"
        try:
            text = feedback_markdown(book, course, student, lang)
        except Exception:  # one student's feedback that cannot be rendered does not stop the others
            from dlgrade.messages import say

            text = f"# {student}\n\n{say('status.tool-error', lang)}: {say('gradescope.tool_failed', lang)}\n"
        path.write_text(clean(text, None), encoding="utf-8")
        written.append(path)
    return written
