"""The dlgrade command line: parses arguments, calls the package, renders results.

Heavy imports (NumPy, the grading machinery) happen inside command bodies, so
``dlgrade --help`` and ``dlgrade list`` start fast; TensorFlow is imported only
by an oracle whose result is not cached.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dlgrade import __version__
from dlgrade.commands import bridges as bridge_commands
from dlgrade.commands import instructor as instructor_commands
from dlgrade.commands import similarity as similarity_commands
from dlgrade.commands import student as student_commands
from dlgrade.commands import term as term_commands
from dlgrade.commands.shared import (
    EXPORT_DB_OPTION, FORMAT_OPTION, GRADEBOOK_OPTION, INSECURE_OPTION, JOBS_OPTION, LANG_OPTION, OUT_OPTION,
    SESSION_EXPORT_OPTION, WAIT_OPTION, Context, LocalizedCommand, LocalizedGroup, export_text, lang_of,
    parse_exercises, parse_students, print_changes, sandbox_backend, sandbox_choice, say_interrupted, session_render,
    with_progress,
)
from dlgrade.messages import detect_language, say

#: The student's commands, in the order a student needs them; every other command is the
#: instructor's (listed apart in --help, and not available in a student bundle).
STUDENT_COMMANDS = ("list", "show", "hint", "check", "watch", "status", "reset", "submit")


def _in_student_bundle() -> bool:
    from dlgrade.bridges.release import bundle_info
    from dlgrade.course import CourseError, find_root

    try:
        return bundle_info(find_root()) is not None
    except (CourseError, OSError):
        return False


def _language_of_args(args) -> str:
    """The language asked for on the command line (--lang ko, --lang=ko), else the default."""
    args = list(args or [])
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("ko", "en"):
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in ("ko", "en"):
            return arg[7:]
    return detect_language()


class StudentFirstGroup(LocalizedCommand, click.Group):
    """The top-level command: the student's commands first in --help, the instructor's apart,
    and, in a student bundle, the instructor's neither listed nor run; click's own messages
    in the language chosen (--lang, DLGRADE_LANG or the locale)."""

    command_class = LocalizedCommand
    group_class = LocalizedGroup

    def main(self, args=None, *rest, **kwargs):
        from dlgrade.commands.click_messages import use

        use(_language_of_args(sys.argv[1:] if args is None else args))
        return super().main(args, *rest, **kwargs)

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        student = [n for n in STUDENT_COMMANDS if n in names]
        if _in_student_bundle():
            return student
        return student + sorted(n for n in names if n not in STUDENT_COMMANDS)

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None and name not in STUDENT_COMMANDS and _in_student_bundle():
            return _not_in_bundle(name)
        return command

    def format_commands(self, ctx, formatter):
        from dlgrade.commands.click_messages import language

        sections = {"student": [], "instructor": []}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            sections["student" if name in STUDENT_COMMANDS else "instructor"].append(
                (name, command.get_short_help_str(formatter.width - 6 - len(name))))
        for key, rows in sections.items():
            if rows:
                with formatter.section(say(f"help.section.{key}", language())):
                    formatter.write_dl(rows)




def _not_in_bundle(name: str) -> click.Command:
    """What runs in a student bundle for an instructor's command: a usage error saying so."""
    def refuse(rest=()):
        from dlgrade.commands.click_messages import language

        raise click.UsageError(say("help.not_in_bundle", language(), command=name))

    return LocalizedCommand(name, callback=refuse, hidden=True, context_settings={"ignore_unknown_options": True},
                            params=[click.Argument(["rest"], nargs=-1, type=click.UNPROCESSED)])


@click.group(cls=StudentFirstGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlgrade")
@click.option("--no-color", is_flag=True, help="Plain output without colours.")
@click.option("--course", "course_root", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="DLGRADE_COURSE",
              help="The course folder (course.yaml, graders, solutions). Grading commands never take it from "
                   "the current folder: this, else $DLGRADE_COURSE/$DLGRADE_HOME, else the installed course.")
@click.pass_context
def main(ctx: click.Context, no_color: bool, course_root: Path | None):
    """dlgrade — exercises and grading for the deep-learning course.

    \b
    Students:     dlgrade list · dlgrade show ex05 · dlgrade check ex05 · dlgrade hint ex05
                  dlgrade watch · dlgrade status · dlgrade reset ex05 · dlgrade submit
    """
    ctx.obj = Context(no_color, course_root)


@main.command("list")
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the exercises as JSON.")
@click.pass_obj
def list_command(obj: Context, lang, as_json):
    """List the exercises in course order, with points, your best score and progress.

    Progress is kept in .dlgrade/state.json: not started, in progress, public
    checks passed (hidden checks run at grading), or done (full marks), from
    your own `dlgrade check` and `dlgrade watch` runs.

    \b
    Example:  dlgrade list --lang ko
    """
    from rich.table import Table
    from rich.text import Text

    from dlgrade.student.state import State

    lang = lang_of(lang)
    course = obj.course
    state = State.load(course.root)
    rows = [(ex, state.best.get(ex.id), state.status(ex)) for ex in course]
    if as_json:
        obj.output.raw(json.dumps([{"id": ex.id, "folder": ex.folder, "title": {"ko": ex.title.ko, "en": ex.title.en},
                                    "points": ex.points, "file": ex.file, "status": status,
                                    "best": best[0] if best else None} for ex, best, status in rows],
                                  ensure_ascii=False))
        return
    table = Table(title=f"{course.title.get(lang)} — {say('list.title', lang)}")
    for key in ("col.exercise", "col.title", "col.file", "col.points", "col.best", "col.progress"):
        table.add_column(say(key, lang), justify="right" if key in ("col.points", "col.best") else "left")
    for ex, best, status in rows:
        table.add_row(ex.id, ex.title.get(lang), ex.file, f"{ex.points:g}", f"{best[0]:g}" if best else "—",
                      Text(say(f"progress.{status}", lang), style=PROGRESS_STYLE[status]))
    obj.output.print(table)
    if any(status == "public_passed" for _, _, status in rows):
        obj.output.print(say("list.public_passed_note", lang, points=state.pending_points(course)), style="cyan")
    obj.output.print(say("list.total", lang, points=sum(ex.points for ex, _, _ in rows)))


PROGRESS_STYLE = {"not_started": "dim", "in_progress": "yellow", "public_passed": "cyan", "done": "green"}


@main.command()
@click.argument("exercise")
@LANG_OPTION
@click.pass_obj
def show(obj: Context, exercise, lang):
    """Show an exercise's statement.

    \b
    Example:  dlgrade show ex05 --lang en
    """
    from rich.markdown import Markdown

    lang = lang_of(lang)
    ex = obj.exercise(exercise, lang)
    path = ex.statement_path(lang)
    if not path.exists():
        raise click.ClickException(say("error.statement_missing", lang, exercise=ex.id, path=path))
    obj.output.print(Markdown(path.read_text(encoding="utf-8")))


@main.command()
@click.argument("exercise")
@click.argument("number", type=click.IntRange(min=1), required=False)
@LANG_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.option("--reset", is_flag=True, help="Start the hints over from the first.")
@click.pass_obj
def hint(obj: Context, exercise, number, lang, show_all, reset):
    """Show the next hint for an exercise (one more each time), or hint NUMBER.

    A failed check names the hint about it: `dlgrade hint ex05 3` shows that one.

    \b
    Examples:  dlgrade hint ex05
               dlgrade hint ex05 3
    """
    from rich.markdown import Markdown

    from dlgrade.student.state import State

    lang = lang_of(lang)
    ex = obj.exercise(exercise, lang)
    if not ex.hints:
        obj.output.print(say("hint.none", lang, exercise=ex.id))
        return
    if number is not None and number > len(ex.hints):
        from dlgrade.commands.click_messages import placeholder

        raise click.BadParameter(say("hint.no_such", lang, exercise=ex.id, n=number, total=len(ex.hints)),
                                 param_hint=placeholder("NUMBER"))
    state = State.load(obj.course.root)
    if reset:
        state.hints_seen[ex.id] = 0
    shown = number or (len(ex.hints) if show_all else min(state.hints_seen.get(ex.id, 0) + 1, len(ex.hints)))
    state.hints_seen[ex.id] = max(shown, 0 if reset else state.hints_seen.get(ex.id, 0))
    state.save()
    for n in range(number or 1, shown + 1):
        obj.output.print(say("hint.header", lang, n=n, total=len(ex.hints), exercise=ex.id), style="bold")
        obj.output.print(Markdown(ex.hints[n - 1].get(lang)))
        obj.output.print()
    obj.output.print(say("hint.more" if shown < len(ex.hints) else "hint.last", lang, exercise=ex.id), style="dim")


@main.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to grade (default: your copy in exercises/).")
@click.option("--seed", type=int, default=None, help="Seed of the hidden checks' inputs (default 0).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the result) and nothing else.")
@FORMAT_OPTION
@LANG_OPTION
@click.pass_obj
def check(obj: Context, exercise, file, seed, as_json, fmt, lang):
    """Grade your solution of an exercise.

    EXERCISE is an id (ex05), a number (5), a name (correlate2d) or a folder.
    Exit code: 0 when every check passed, 1 when some did not, 2 on usage errors.

    \b
    Examples:  dlgrade check ex05
               dlgrade check 5 --file my_conv.py --seed 7 --json
               dlgrade check ex05 --format junit > report.xml
    """
    from dlgrade.bridges.release import grade_in_bundles
    from dlgrade.grading.grade_submission import (
        DEFAULT_SEED, GradingContext, SubmissionError, SubmissionTooLarge, grade, read_submission,
    )
    from dlgrade.student.feedback import render_check
    from dlgrade.sandbox import SandboxError
    from dlgrade.student.state import record_result

    grade_in_bundles()
    lang = lang_of(lang)
    fmt = "json" if as_json else fmt
    # Grading a file by path (an instructor's use too): the course given or installed, not one
    # found in the current folder, which may be a student's; a student checking their own copy
    # (no --file) is graded by the course of the folder they work in.
    obj.trusted_first = file is not None
    ex = obj.exercise(exercise, lang)
    path = file or ex.stub_path
    own = file is None
    if file is None:  # a student working in a notebook beside an untouched .py: the notebook
        from dlgrade.commands.student import _shown_path as _shown
        from dlgrade.grading.notebook_choice import notebook_instead

        instead = notebook_instead(ex, [Path.cwd()])
        if instead is not None:
            path = instead[0]
            obj.output.warn(say(f"check.graded_notebook.{instead[1]}", lang, notebook=_shown(path),
                                file=_shown(ex.stub_path)))
    try:
        source = read_submission(path)
    except SubmissionTooLarge:  # the student's file, not a usage mistake: it fails
        obj.output.warn(say("trust.too_large", lang, path=path, limit=SubmissionTooLarge.limit >> 20))
        sys.exit(1)
    except SubmissionError as exc:
        raise click.BadParameter(str(exc), param_hint="--file") from None
    try:
        sandbox = sandbox_choice(lang)
        if sandbox.notice and fmt == "text":
            obj.output.warn(say(sandbox.notice, lang))
        with GradingContext.create(backend=sandbox.backend) as context:
            result = grade(ex, source, seed=DEFAULT_SEED if seed is None else seed, context=context)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if fmt != "text":
            from dlgrade.bridges import render

            obj.output.raw(render([(None, result)], fmt, lang))
        else:
            obj.output.print(render_check(result, lang=lang, file=str(path), mistakes=ex.mistakes,
                                          hint_for=ex.hint_for))
    except Exception:  # whatever the result holds, the student gets their score and an exit code
        obj.output.warn(say("trust.render_failed", lang, score=result.score, max_score=result.max_score))
        sys.exit(1)
    try:
        record_result(ex, result, None if own else path)  # the notebook chosen for the .py is the student's own
    except Exception:
        pass  # progress not remembered: the grade itself was shown
    sys.exit(0 if result.passed else 1)


@main.command("grade")
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercises", default="all", show_default=True, help="Comma-separated exercises, or all.")
@GRADEBOOK_OPTION
@JOBS_OPTION
@click.option("--seed-salt", default="", help="Salt of the per-student seeds (e.g. the session name).")
@click.option("--force", is_flag=True, help="Regrade even unchanged submissions.")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one Markdown feedback file per student into this folder.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"results": per student and exercise score, max_score and status, "intake": what '
                   'became of every entry, "changes": regraded scores that went up or down} as JSON.')
@click.option("--students", default=None, help="Comma-separated student ids: grade (or with --force regrade) only them.")
@WAIT_OPTION
@FORMAT_OPTION
@INSECURE_OPTION
@LANG_OPTION
@click.pass_obj
def grade_command(obj: Context, submissions, exercises, db, jobs, seed_salt, force, feedback, as_json, students, wait,
                  fmt, insecure, lang):
    """Grade a whole class into a SQLite gradebook.

    SUBMISSIONS holds one folder or one zip file per student (the student id is
    its name), with the students' files by the stub's name, anywhere inside.
    Each result is committed as it completes: an interrupted run loses nothing,
    and rerunning resumes (unchanged submissions are not graded twice).
    --format json/results-json prints one JSON line per student and exercise
    ({"student", "exercise", "result"}); --format junit one XML document.

    Every entry of SUBMISSIONS is accounted for in the intake summary (--json:
    "intake"): graded, not submitted, or skipped with the reason. Renamed files
    (Conv.py, conv (1).py), notebooks (conv.ipynb, ex05.ipynb), folders and zips
    inside a submission and .tar.gz archives are taken; when both a .py and a
    notebook are handed in for one exercise, the .py is graded. Two entries that
    name the same student (case, NFC/NFD, spaces, - _ .) are a conflict: neither
    is graded until one is renamed or removed, and the exit code is 1. An unsafe
    archive is refused, with the reason, as that student's result.

    \b
    Examples:  dlgrade grade examples/class --db gradebook.db
               dlgrade grade lms_export/ --exercises ex04,ex05 --seed-salt week3 --json
               dlgrade grade examples/class --format junit > grades.xml
    """
    from dlgrade.bulk.collect import CollectError
    from dlgrade.bulk.export import write_feedback
    from dlgrade.bulk.gradebook import Gradebook, GradebookError
    from dlgrade.bulk.lock import GradebookLocked
    from dlgrade.bulk.grade_class import GradingInterrupted, default_jobs, grade_class
    from dlgrade.sandbox import SandboxError

    lang = lang_of(lang)
    obj.grading(submissions)
    chosen = parse_exercises(obj, exercises)
    only = parse_students(students)
    backend = sandbox_backend(obj, insecure, lang)
    jobs = jobs or default_jobs()
    quiet = as_json or fmt != "text"
    try:
        if quiet:
            summary = grade_class(submissions, chosen, db, jobs=jobs, salt=seed_salt, force=force, backend=backend,
                                  only=only, wait=wait)
        else:
            summary = with_progress(obj, lang, lambda **kw: grade_class(
                submissions, chosen, db, jobs=jobs, salt=seed_salt, force=force, backend=backend, only=only,
                wait=wait, **kw))
        if only and not quiet:
            missing = sorted(only - {s.student for s in summary.intake.submissions}) if summary.intake else []
            if missing:
                obj.output.warn(say("grade.students_missing", lang, students=", ".join(missing)))
        with Gradebook(db) as book:
            if feedback:
                written = write_feedback(book, obj.course, feedback, lang)
                if not quiet:
                    obj.output.print(say("grade.feedback_written", lang, n=len(written), folder=feedback))
            if as_json:
                ids = {ex.id for ex in chosen}
                results = [{"student": r.student, "exercise": r.exercise, "score": r.score,
                            "max_score": r.max_score, "status": r.status}
                           for r in book.current_results() if r.exercise in ids]
                obj.output.raw(json.dumps({"results": results, "intake": summary.intake.to_dict(lang),
                                           "changes": summary.changes_dict()}, ensure_ascii=False))
            elif fmt != "text":
                from dlgrade.bridges import render
                from dlgrade.results import ExerciseResult

                ids = {ex.id for ex in chosen}
                stored = [(r.student, book.current_result_json(r.student, r.exercise))
                          for r in book.current_results() if r.exercise in ids]
                obj.output.raw(render([(student, ExerciseResult.from_dict(d)) for student, d in stored if d], fmt,
                                      lang))
            else:
                _print_summary(obj, book, summary, chosen, lang)
                print_changes(obj, summary, lang)
    except GradingInterrupted as exc:
        say_interrupted(obj, exc, db, lang)
    except GradebookLocked as exc:
        raise click.ClickException(exc.message(lang)) from None
    except CollectError as exc:
        raise click.BadParameter(str(exc), param_hint="SUBMISSIONS") from None
    except (GradebookError, SandboxError) as exc:
        raise click.ClickException(str(exc)) from None
    if summary.intake is not None and summary.intake.needs_attention:
        sys.exit(1)  # a conflict: students left ungraded until the instructor resolves it


def _print_summary(obj, book, summary, chosen, lang):
    from rich.table import Table
    from rich.text import Text

    from dlgrade.bulk.export import exercise_statistics, score_matrix
    from dlgrade.inert import visible

    matrix = score_matrix(book, obj.course)
    students, cells = matrix.students, matrix.cells
    exercises = [e for e in matrix.exercises if e in {ex.id for ex in chosen}]
    table = Table(title=say("grade.summary", lang))
    table.add_column(say("col.student", lang))
    for ex in exercises:
        table.add_column(ex, justify="right")
    table.add_column(say("grade.total", lang), justify="right")
    marks = {"not_submitted": "—", "refused": say("grade.refused", lang)}
    for student in students:
        row, total = [Text(visible(student))], 0.0
        for ex in exercises:
            cell = cells.get((student, ex))
            if cell is None:
                row.append("")
                continue
            total += cell.score
            row.append(marks.get(cell.status, f"{cell.score:g}/{cell.max_score:g}"))
        row.append(f"{total:g}")
        table.add_row(*row)
    stats = {s["exercise"]: s for s in exercise_statistics(book, obj.course)}
    table.add_section()
    table.add_row(say("grade.mean", lang), *[f"{stats[e]['mean']:.1f}" for e in exercises], "")
    table.add_row(say("grade.median", lang), *[f"{stats[e]['median']:g}" for e in exercises], "")
    table.add_row(say("grade.submitted", lang), *[f"{stats[e]['submitted']}/{stats[e]['students']}" for e in exercises],
                  "")
    obj.output.print(table)
    failures = [f for f in book.failures_by_check() if f[2] and f[0] in exercises][:10]
    if failures:
        ft = Table(title=say("grade.failures", lang))
        for col in ("col.exercise", "col.check", "col.failed"):
            ft.add_column(say(col, lang))
        for ex, name, failed, graded in failures:
            ft.add_row(ex, name, f"{failed}/{graded}")
        obj.output.print(ft)
    if summary.intake is not None:
        from dlgrade.reporting.intake import intake_lines

        for line in intake_lines(summary.intake, lang):
            obj.output.print(line)
    else:
        for problem in summary.problems:
            obj.output.warn(problem)
    obj.output.print(say("grade.counts", lang, students=summary.students, graded=summary.graded,
                         skipped=summary.skipped, missing=summary.not_submitted, refused=summary.refused,
                         seconds=summary.seconds))


@main.group("export")
@click.pass_obj
def export_group(obj: Context):
    """Export grades and graders to other tools: csv, json, lms, gradescope.

    \b
    Examples:  dlgrade export csv --db gradebook.db --out grades.csv
               dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv
               dlgrade export gradescope ex05 --out autograder.zip
    """
    obj.grading()


@export_group.command("csv")
@EXPORT_DB_OPTION
@OUT_OPTION
@SESSION_EXPORT_OPTION
@click.pass_obj
def export_csv_command(obj: Context, db, out, session_name):
    """The gradebook as CSV: one row per student, one column per exercise, and the total
    (overrides applied). With --session: the session's weighted, late-adjusted scores, the
    roster name, a points_possible row and a status column (graded, late, not_submitted,
    refused).

    \b
    Example:  dlgrade export csv --db gradebook.db --out grades.csv
              dlgrade export csv --db week3.db --session week3 --out week3.csv
    """
    from dlgrade.bulk.export import export_csv
    from dlgrade.bridges.session_export import session_csv

    if session_name:
        export_text(obj, db, out, session_render(obj, session_name,
                                                 lambda book: session_csv(book, obj.course, session_name)))
        return
    export_text(obj, db, out, lambda book: export_csv(book, obj.course))


@export_group.command("json")
@EXPORT_DB_OPTION
@OUT_OPTION
@click.pass_obj
def export_json_command(obj: Context, db, out):
    """The gradebook as JSON: per student, each exercise's score, status, seed and grader version.

    \b
    Example:  dlgrade export json --db gradebook.db
    """
    from dlgrade.bulk.export import export_json

    export_text(obj, db, out, lambda book: export_json(book, obj.course))


@main.group()
@click.pass_obj
def dev(obj: Context):
    """Commands for the course's authors."""
    obj.grading()


@dev.command("check")
@click.option("--quick", is_flag=True, help="Skip grading the stubs and solutions.")
@LANG_OPTION
@click.pass_obj
def dev_check(obj: Context, quick, lang):
    """Verify every exercise of the course and say how to fix each problem.

    Checks: statements in both languages, hints, a TODO in every stub, the stub
    defines what the solution does, graders with public and hidden checks whose
    points match course.yaml, every worked example of docs/exercises.md in a
    grader, every stub scores 0 and every solution full marks.

    \b
    Example:  dlgrade dev check
    """
    from dlgrade.bridges.release import bundle_info
    from dlgrade.devcheck import check_course

    lang = lang_of(lang)
    if bundle_info(obj.course.root):
        raise click.UsageError(say("release.dev_check_in_bundle", lang))
    problems = check_course(obj.course, run_graders=not quick)
    for p in problems:
        obj.output.print(say("devcheck.line", lang, exercise=p.exercise, message=p.text(lang), fix=p.how(lang)),
                         style="red")
    if problems:
        obj.output.print(say("devcheck.count", lang, n=len(problems)))
        sys.exit(1)
    obj.output.print(say("devcheck.ok", lang, n=len(obj.course.exercises)), style="green")


# The commands defined in dlgrade/commands/.
for command in (student_commands.watch, student_commands.status, student_commands.reset, student_commands.submit,
                instructor_commands.session, instructor_commands.report_command, similarity_commands.similarity,
                term_commands.override_command, term_commands.history_command, bridge_commands.release):
    main.add_command(command)
export_group.add_command(bridge_commands.export_gradescope)
export_group.add_command(bridge_commands.export_lms)


def run():  # console-script entry point
    from dlgrade.console import plain_standard_streams

    plain_standard_streams()  # a CP949 console gets plain forms, in --help and usage errors too
    try:
        main(prog_name="dlgrade")
    except Exception:  # a failure of dlgrade itself: a message, the traceback in a file, exit 1
        import os
        import tempfile
        import traceback

        from dlgrade.console import Output

        path = Path(tempfile.gettempdir()) / f"dlgrade-error-{os.getpid()}.txt"
        try:
            path.write_text(traceback.format_exc(), encoding="utf-8", errors="backslashreplace")
        except OSError:
            path = None
        Output().warn(say("trust.internal_error", lang_of(None), path=path or "-"))
        sys.exit(1)


if __name__ == "__main__":
    run()
