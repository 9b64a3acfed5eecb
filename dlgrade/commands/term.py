"""The instructor's term: scores set by hand, a student's history."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dlgrade.commands.shared import GRADEBOOK_OPTION, LANG_OPTION, Context, command, lang_of, say_migrated


def open_book(db: Path, lang: str):
    """The gradebook at ``db`` (it must exist), saying so first when opening it migrates it."""
    from dlgrade.bulk.gradebook import Gradebook, GradebookError
    from dlgrade.messages import say

    if not db.is_file():
        raise click.BadParameter(say("report.no_db", lang, path=db), param_hint="--db")
    try:
        return Gradebook(db)
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None


@command("override")
@click.argument("student")
@click.argument("exercise")
@click.option("--score", type=float, default=None, help="The exercise's score in its points (replaces the graded one).")
@click.option("--reason", default="", help="Why (kept with who and when; shown in the report and feedback).")
@click.option("--clear", is_flag=True, help="Take the override back: the graded score counts again.")
@GRADEBOOK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print what was recorded as JSON.")
@LANG_OPTION
@click.pass_obj
def override_command(obj: Context, student, exercise, score, reason, clear, db, as_json, lang):
    """Set one student's score for one exercise by hand, with the reason; it is kept across
    regrades and counts in exports, sessions (no late penalty) and feedback until --clear.

    \b
    Examples:  dlgrade override s17 ex05 --score 8 --reason "grader bug on a valid edge case" --db week3.db
               dlgrade override s17 ex05 --clear --db week3.db
    """
    from dlgrade.bulk.decisions import DecisionError, override
    from dlgrade.messages import say

    lang = lang_of(lang)
    if clear and score is not None:
        raise click.UsageError(say("override.clear_and_score", lang))
    if not clear and score is None:
        raise click.UsageError(say("override.needs_score", lang))
    book = open_book(db, lang)
    with book:
        say_migrated(obj, book, lang)
        try:
            outcome = override(book, obj.course, student, exercise, score=score, reason=reason, clear=clear)
        except DecisionError as exc:
            raise click.UsageError(exc.message(lang)) from None
    if as_json:
        obj.output.raw(json.dumps(outcome.to_dict(), ensure_ascii=False))
        return
    if outcome.cleared:
        obj.output.print(say("override.cleared", lang, student=outcome.student, exercise=outcome.exercise))
    else:
        graded = "-" if outcome.graded_score is None else f"{outcome.graded_score:g}"
        obj.output.print(say("override.set", lang, student=outcome.student, exercise=outcome.exercise,
                             score=outcome.score, max_score=outcome.max_score, graded=graded))
    if outcome.sessions_changed:
        obj.output.print(say("override.sessions", lang, n=outcome.sessions_changed))


@command("history")
@click.argument("student")
@click.argument("exercise", required=False)
@GRADEBOOK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print every version as JSON.")
@LANG_OPTION
@click.pass_obj
def history_command(obj: Context, student, exercise, db, as_json, lang):
    """Every graded version of a student's exercises: when, the score, and what changed
    (a new submission, a new grader, checks fixed or broken), with overrides.

    \b
    Examples:  dlgrade history s17 --db week3.db
               dlgrade history s17 ex05 --db week3.db --json
    """
    from dataclasses import asdict

    from rich.table import Table
    from rich.text import Text

    from dlgrade.bulk.decisions import DecisionError, resolve_student
    from dlgrade.bulk.history import Version, history
    from dlgrade.inert import visible
    from dlgrade.messages import say

    lang = lang_of(lang)
    ex_id = obj.exercise(exercise).id if exercise else None
    book = open_book(db, lang)
    with book:
        say_migrated(obj, book, lang)
        try:
            student = resolve_student(book, student)
        except DecisionError as exc:
            raise click.UsageError(exc.message(lang)) from None
        events = history(book, student, ex_id)
    if as_json:
        obj.output.raw(json.dumps({"student": student, "versions": [asdict(e) for e in events]}, ensure_ascii=False))
        return
    table = Table(title=say("history.title", lang, student=visible(student)))
    for key in ("col.exercise", "history.when", "col.score", "history.changed"):
        table.add_column(say(key, lang))
    for e in events:
        if isinstance(e, Version):
            what = []
            if e.new_submission:
                what.append(say("history.new_submission", lang))
            if e.new_grader:
                what.append(say("history.new_grader", lang))
            if e.fixed:
                what.append(say("history.fixed", lang, checks=", ".join(e.fixed)))
            if e.broke:
                what.append(say("history.broke", lang, checks=", ".join(e.broke)))
            score = f"{e.score:g}/{e.max_score:g}" if e.status == "graded" else say(f"history.status.{e.status}", lang)
            table.add_row(e.exercise, e.graded_at.replace("T", " "), score + (" ◀" if e.current else ""),
                          Text(visible("; ".join(what))))
        else:
            text = say("history.override", lang, score=e.score, reason=e.reason, by=e.by) if e.score is not None \
                else say("history.override_cleared", lang, by=e.by)
            table.add_row(e.exercise, e.at.replace("T", " "), "", Text(visible(text)))
    obj.output.print(table)
