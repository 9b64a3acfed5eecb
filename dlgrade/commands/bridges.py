"""Bridges to other tools (Gradescope, LMS CSV) and the student release bundle."""

from __future__ import annotations

from pathlib import Path

import click

from dlgrade.commands.shared import (
    EXPORT_DB_OPTION, LANG_OPTION, OUT_OPTION, SESSION_EXPORT_OPTION, Context, command, export_text, lang_of,
    session_render,
)
from dlgrade.messages import say


@command("gradescope")
@click.argument("exercise")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("autograder.zip"),
              show_default=True, help="The autograder zip to write.")
@click.option("--seed-salt", default="", help="Salt of the per-student seeds of the hidden checks.")
@LANG_OPTION
@click.pass_obj
def export_gradescope(obj: Context, exercise, out, seed_salt, lang):
    """A Gradescope autograder bundle for one exercise.

    Upload the zip as a programming assignment's autograder: setup.sh installs
    dlgrade, run_autograder grades the student's file with every check and writes
    results.json (hidden checks visible after the grades are published).

    \b
    Example:  dlgrade export gradescope ex05 --out autograder.zip
    """
    from dlgrade.bridges.gradescope import build_autograder

    lang = lang_of(lang)
    ex = obj.exercise(exercise)
    for path in (ex.grader_path, ex.solution_path):
        if not path.is_file():
            raise click.ClickException(f"{path} does not exist: an autograder needs the grader and the solution")
    build_autograder(obj.course, ex, out, lang=lang, seed_salt=seed_salt)
    obj.output.print(say("export.gradescope_written", lang, exercise=ex.id, path=out))


@command("lms")
@click.option("--lms", "lms", type=click.Choice(["canvas", "moodle"]), required=True, help="The LMS to import into.")
@click.option("--id-column", type=click.Choice(["SIS User ID", "SIS Login ID", "ID"]), default="SIS User ID",
              show_default=True, help="Canvas: the column that holds the student id.")
@EXPORT_DB_OPTION
@OUT_OPTION
@SESSION_EXPORT_OPTION
@click.pass_obj
def export_lms(obj: Context, lms, id_column, db, out, session_name):
    """The gradebook as a CSV the LMS gradebook imports (Canvas or Moodle). With --session:
    the session as one assignment, its weighted late-adjusted total out of the session's
    maximum; a student who handed in nothing gets no grade (empty), not 0.

    \b
    Example:  dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv
              dlgrade export lms --lms canvas --db week3.db --session week3 --out week3_canvas.csv
    """
    from dlgrade.bridges.lms import lms_csv

    if session_name:
        from dlgrade.bridges.session_export import session_lms_csv

        export_text(obj, db, out, session_render(obj, session_name, lambda book: session_lms_csv(
            book, obj.course, session_name, lms, id_column=id_column)))
        return
    export_text(obj, db, out, lambda book: lms_csv(book, obj.course, lms, id_column=id_column))


@command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--zip", "as_zip", is_flag=True, help="Also write OUT.zip.")
@click.option("--force", is_flag=True, help="Replace an earlier bundle in OUT.")
@LANG_OPTION
@click.pass_obj
def release(obj: Context, out, as_zip, force, lang):
    """Build the student bundle: package, stubs, statements and public checks.

    No solutions, no hidden checks, no oracle cache: the public checks' expected
    values are recorded from the reference solution when the bundle is built.
    In the bundle, dlgrade check runs the public checks.

    \b
    Example:  dlgrade release dist/students --zip
    """
    import shutil

    from dlgrade.bridges.release import ReleaseError, build_release

    lang = lang_of(lang)
    obj.grading()  # runs the reference solutions to record the public checks' answers
    try:
        summary = build_release(obj.course, out, force=force, lang=lang)
    except ReleaseError as exc:
        if exc.reason:
            raise click.BadParameter(say(f"release.{exc.reason}", lang, path=exc.path), param_hint="OUT") from None
        raise click.ClickException(str(exc)) from None
    if as_zip:
        shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name)
    public = sum(len(e["public"]) for e in summary["exercises"].values())
    obj.output.print(say("release.written", lang, path=out, exercises=len(summary["exercises"]), public=public))
