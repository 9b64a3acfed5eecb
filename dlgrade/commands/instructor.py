"""Friday evaluation sessions and the instructor's reports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dlgrade.commands.shared import (
    GRADEBOOK_OPTION, INSECURE_OPTION, JOBS_OPTION, LANG_OPTION, WAIT_OPTION, Context, command, group, jobs_option,
    lang_of, print_changes, sandbox_backend, say_interrupted, say_migrated, with_progress,
)

SESSION_ARGUMENT = click.argument("session_file", metavar="SESSION.yaml",
                                  type=click.Path(dir_okay=False, path_type=Path))
SUBMISSIONS_ARGUMENT = click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
TIMES_OPTION = click.option("--times", type=click.Path(dir_okay=False, path_type=Path), default=None,
                            help="CSV student,submitted_at[,exercise] overriding the files' times (ISO 8601).")


def load(obj: Context, session_file: Path, lang: str, times_file: Path | None = None):
    """The validated session (and override times), or a usage error listing every problem."""
    from dlgrade.session.config import SessionError, load_session, read_times

    try:
        session = load_session(session_file, obj.course, lang)
        times = read_times(times_file, session, lang) if times_file else {}
    except SessionError as exc:
        raise click.UsageError(say_problems(exc.problems, lang)) from None
    return session, times


def say_problems(problems: list[str], lang: str) -> str:
    from dlgrade.messages import say

    return say("session.problems", lang, n=len(problems)) + "\n" + "\n".join(f"  ✗ {p}" for p in problems)


def check_folder(submissions: Path, lang: str):
    from dlgrade.messages import say

    if not submissions.is_dir():
        raise click.BadParameter(say("session.no_folder", lang, path=submissions), param_hint="SUBMISSIONS")


@group()
@click.pass_context
def session(ctx: click.Context):
    """Friday evaluation sessions: check a session file, grade, watch live.

    \b
    Example:  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db
    """
    ctx.obj.grading()


@session.command("check")
@SESSION_ARGUMENT
@click.option("--json", "as_json", is_flag=True, help="Print the validated session as JSON.")
@LANG_OPTION
@click.pass_obj
def session_check(obj: Context, session_file, as_json, lang):
    """Validate a session file and show what it means (times in its zone, weights, late policy).

    \b
    Example:  dlgrade session check examples/sessions/week3.yaml
    """
    from dlgrade.messages import say

    from dlgrade.session.config import show_time

    lang = lang_of(lang)
    s, _ = load(obj, session_file, lang)
    if as_json:
        obj.output.raw(json.dumps({**s.to_dict(), "warnings": s.warnings(lang)}, ensure_ascii=False))
        return
    for warning in s.warnings(lang):
        obj.output.warn(warning)
    obj.output.print(say("session.summary", lang, name=s.name, opens=show_time(s.opens),
                         closes=show_time(s.closes), tz=s.timezone,
                         exercises=", ".join(f"{e.exercise.id} ({e.weight:g})" for e in s.exercises),
                         late=say(f"session.late.{s.late.kind}", lang, **s.late.to_dict()), salt=s.seed_salt,
                         roster=say("session.roster_n", lang, n=len(s.roster)) if s.roster is not None else "-"))
    obj.output.print(say("session.times_from", lang, source=say(
        "intake.time.archive_entry" if s.times_from == "archive_entries" else "intake.time.folder", lang)))


@session.command("grade")
@SESSION_ARGUMENT
@SUBMISSIONS_ARGUMENT
@GRADEBOOK_OPTION
@TIMES_OPTION
@JOBS_OPTION
@click.option("--force", is_flag=True, help="Regrade even unchanged submissions; also accept a session whose "
              "exercises, weights, times or late policy changed since the gradebook stored it.")
@click.option("--json", "as_json", is_flag=True, help="Print each student's exercises and weighted total as JSON.")
@WAIT_OPTION
@INSECURE_OPTION
@LANG_OPTION
@click.pass_obj
def session_grade(obj: Context, session_file, submissions, db, times, jobs, force, as_json, wait, insecure, lang):
    """Grade a session: its exercises with its seed salt, the late policy applied to each
    submission's time, and weighted totals, into the gradebook under the session's name.

    Times are when each file arrived in SUBMISSIONS (the modification time of the
    student's archive, or of the file in the student's folder); --times overrides
    them. The times written inside zips are the students' to set: they count only
    if the session file says times_from: archive_entries (read in its time zone).
    The report says where each time came from. Every entry of SUBMISSIONS is
    accounted for in the intake summary; entries that name the same student are a
    conflict, not graded (exit code 1). Rerunning resumes.

    \b
    Example:  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db \\
                  --times examples/sessions/week3_times.csv
    """
    from dlgrade.bulk.collect import CollectError
    from dlgrade.bulk.gradebook import Gradebook, GradebookError
    from dlgrade.reporting.model import ReportError, build_report
    from dlgrade.reporting.terminal import roster_lines, students_table, timing_lines
    from dlgrade.sandbox import SandboxError
    from dlgrade.session.grade_session import SessionChanged, grade_session
    from dlgrade.bulk.lock import GradebookLocked
    from dlgrade.bulk.grade_class import GradingInterrupted, default_jobs

    lang = lang_of(lang)
    obj.grading(submissions)
    s, overrides = load(obj, session_file, lang, times)
    check_folder(submissions, lang)
    if not as_json:
        for warning in s.warnings(lang):
            obj.output.warn(warning)
    backend = sandbox_backend(obj, insecure, lang, quiet=as_json)
    jobs = jobs or default_jobs()
    try:
        if as_json:
            summary = grade_session(s, submissions, db, jobs=jobs, backend=backend, force=force, times=overrides,
                                    times_source=str(times), wait=wait)
        else:
            summary = with_progress(obj, lang, lambda **kw: grade_session(
                s, submissions, db, jobs=jobs, backend=backend, force=force, times=overrides,
                times_source=str(times), wait=wait, **kw))
        with Gradebook(db) as book:
            report = build_report(book, obj.course, s.name)
    except CollectError as exc:
        raise click.BadParameter(str(exc), param_hint="SUBMISSIONS") from None
    except SessionChanged as exc:
        raise click.UsageError(exc.message(lang)) from None
    except GradingInterrupted as exc:
        say_interrupted(obj, exc, db, lang)
    except GradebookLocked as exc:
        raise click.ClickException(exc.message(lang)) from None
    except (GradebookError, SandboxError, ReportError) as exc:  # ReportError: nothing was handed in
        raise click.ClickException(str(exc)) from None
    intake = summary.bulk.intake
    if not as_json:
        from dlgrade.messages import say

        if summary.times_stored:
            obj.output.print(say("session.times_stored", lang, n=summary.times_stored))
        if summary.times_reused:
            obj.output.print(say("session.times_reused", lang, n=summary.times_reused))
        if summary.alike:
            obj.output.warn(say("session.alike_ids", lang, pairs=", ".join(f"{a} ≈ {b}" for a, b in summary.alike)))

        print_changes(obj, summary.bulk, lang)
    if as_json:
        obj.output.raw(json.dumps({"students": [{"student": r.student, "name": r.name, "total": r.total,
                                                 "max_total": r.max_total, "in_roster": r.in_roster,
                                                 "exercises": r.cells} for r in report.students],
                                   "intake": intake.to_dict(lang) if intake else None,
                                   "timezone": s.timezone, "warnings": s.warnings(lang),
                                   "alike_ids": [list(pair) for pair in summary.alike]}, ensure_ascii=False))
    else:
        from dlgrade.messages import say
        from dlgrade.reporting.intake import intake_lines, time_sources_line

        obj.output.print(students_table(report, lang, title=say("report.title_session", lang, session=s.name)))
        sources = time_sources_line([c for r in report.students for c in r.cells.values()], lang)
        for line in timing_lines(report, s, lang) + ([sources] if sources else []) + roster_lines(report, lang):
            obj.output.print(line)
        for line in intake_lines(intake, lang) if intake else []:
            obj.output.print(line)
        b = summary.bulk
        obj.output.print(say("grade.counts", lang, students=b.students, graded=b.graded, skipped=b.skipped,
                             missing=b.not_submitted, refused=b.refused, seconds=b.seconds))
        obj.output.print(say("session.next", lang, db=db, session=s.name), style="dim")
    if intake is not None and intake.needs_attention:
        raise SystemExit(1)  # a conflict: students left ungraded until the instructor resolves it


@command("report")
@GRADEBOOK_OPTION
@click.option("--session", "session_name", default=None,
              help="Report on this session (default: the gradebook's current results).")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as one self-contained HTML page (charts included; opens offline).")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each student's feedback file into this folder; the HTML report links them.")
@click.option("--json", "as_json", is_flag=True, help="Print the report's data as JSON.")
@LANG_OPTION
@click.pass_obj
def report_command(obj: Context, db, session_name, html_out, feedback_dir, as_json, lang):
    """The instructor's report: score distribution per exercise, the checks most students
    failed with their failure messages grouped, students who need help, and earlier sessions.

    \b
    Example:  dlgrade report --db week3.db --session week3 --html week3.html
    """
    from dlgrade.bulk.gradebook import Gradebook, GradebookError
    from dlgrade.messages import say
    from dlgrade.reporting.model import ReportError, build_report
    from dlgrade.reporting.terminal import render_report

    lang = lang_of(lang)
    obj.grading()
    if not db.exists():
        raise click.BadParameter(say("report.no_db", lang, path=db), param_hint="--db")
    try:
        with Gradebook(db) as book:
            say_migrated(obj, book, lang)  # a backup was made first: say so before anything else
            report = build_report(book, obj.course, session_name)
    except ReportError as exc:
        raise click.BadParameter(str(exc), param_hint="--session") from None
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    links = {}
    if feedback_dir:
        import os

        from dlgrade.bulk.export import write_feedback
        from dlgrade.bulk.identity import file_stems

        with Gradebook(db) as book:
            written = write_feedback(book, obj.course, feedback_dir, lang)
        stems = file_stems([r.student for r in report.students])
        base = (html_out.parent if html_out else Path.cwd()).resolve()
        for student, stem in stems.items():
            target = (feedback_dir / f"{stem}.md").resolve()
            if target.is_file():
                links[student] = Path(os.path.relpath(target, base)).as_posix()
        if not as_json:
            obj.output.print(say("report.feedback_written", lang, n=len(written), folder=feedback_dir))
    if html_out:
        from dlgrade.reporting.html import render_html

        html_out.write_text(render_html(report, lang, feedback=links), encoding="utf-8")
    if as_json:
        obj.output.raw(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    obj.output.print(render_report(report, lang))
    if html_out:
        obj.output.print(say("export.written", lang, path=html_out))


@session.command("watch")
@SESSION_ARGUMENT
@SUBMISSIONS_ARGUMENT
@GRADEBOOK_OPTION
@TIMES_OPTION
@click.option("--interval", type=click.FloatRange(0.2, 600), default=2.0, show_default=True,
              help="Seconds between scans of the folder.")
@click.option("--once", is_flag=True, help="Scan and grade once, print the view and stop.")
@click.option("--until", "until", default=None,
              help="Stop by itself at this time (ISO 8601; in the session's time zone without an offset).")
@jobs_option(default=1, show_default=True, help="Parallel sandboxes.")
@INSECURE_OPTION
@LANG_OPTION
@click.pass_obj
def session_watch(obj: Context, session_file, submissions, db, times, interval, once, until, jobs, insecure, lang):
    """Watch a session live: grade new or changed submissions as they appear in the folder,
    and show who has submitted, running scores and the distribution. Stop with Ctrl-C;
    starting again continues from the gradebook (nothing is graded twice).

    \b
    Example:  dlgrade session watch examples/sessions/week3.yaml submissions/ --db week3.db
    """
    import time
    from datetime import datetime

    from rich.live import Live

    from dlgrade.bulk.gradebook import Gradebook, GradebookError
    from dlgrade.messages import say
    from dlgrade.reporting.model import ReportError, build_report
    from dlgrade.reporting.terminal import live_view
    from dlgrade.sandbox import SandboxError
    from dlgrade.session.config import parse_time
    from dlgrade.session.watch import Watcher
    from dlgrade.bulk.lock import GradebookLocked
    from dlgrade.session.grade_session import SessionChanged

    lang = lang_of(lang)
    obj.grading(submissions)
    s, overrides = load(obj, session_file, lang, times)
    check_folder(submissions, lang)
    stop_at = None
    if until:
        try:
            stop_at = parse_time(until, s.tz)
        except ValueError:
            raise click.BadParameter(say("session.error.time", lang, value=until), param_hint="--until") from None
    backend = sandbox_backend(obj, insecure, lang)
    watcher = Watcher(s, submissions, db, jobs=jobs, backend=backend, times=overrides)

    built = {"graded": None, "report": None}  # the report changes only when something is graded

    def view():
        if built["graded"] != watcher.graded_count and db.exists():
            try:
                with Gradebook(db) as book:
                    built["report"] = build_report(book, obj.course, s.name)
            except ReportError:
                built["report"] = None
            built["graded"] = watcher.graded_count
        screen = live_view(built["report"], s, datetime.now(s.tz), watcher.events, lang)
        if watcher.conflicts:  # entries naming one student are not graded: say so while it can be fixed
            from rich.console import Group
            from rich.text import Text

            screen = Group(screen, *[Text(say("intake.line.conflict", lang, entries=", ".join(names),
                                              students=", ".join(ids)), style="bold red")
                                     for names, ids in watcher.conflicts])
        return screen

    try:
        if once:
            watcher.step(settle=False)
            obj.output.print(view())
            return
        with Live(view(), console=obj.output.out, refresh_per_second=4, transient=False) as live:
            watcher.on_event = lambda event: live.update(view())
            while stop_at is None or datetime.now(s.tz) < stop_at:
                started = time.monotonic()
                if watcher.step():
                    built["graded"] = None  # the session's totals were stored after the last event
                live.update(view())
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    except (GradebookError, SandboxError) as exc:
        raise click.ClickException(str(exc)) from None
    except GradebookLocked as exc:
        raise click.ClickException(exc.message(lang)) from None
    except SessionChanged as exc:
        raise click.UsageError(exc.message(lang)) from None
    for problem in watcher.problems:
        obj.output.warn(problem)
    obj.output.err.print(say("session.watch.stopped", lang, graded=watcher.graded_count, db=db))
