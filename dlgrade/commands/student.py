"""The student's side: watch mode, progress (status, reset), handing in (submit)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dlgrade.commands.shared import LANG_OPTION, Context, command, lang_of, sandbox_choice
from dlgrade.messages import say


@command()
@click.argument("exercise", required=False)
@LANG_OPTION
@click.pass_obj
def watch(obj: Context, exercise, lang):
    """Grade an exercise every time you save its file; once it passes, go on to the next.

    Without EXERCISE, starts at the first exercise not yet done. An EXERCISE you
    have already finished is watched until you stop (it does not move on). The
    screen shows the latest result; Ctrl-C stops watching.

    \b
    Examples:  dlgrade watch
               dlgrade watch ex05 --lang ko
    """
    from dlgrade.bridges.release import grade_in_bundles
    from dlgrade.grading.grade_submission import DEFAULT_SEED, GradingContext, SubmissionError, grade, read_submission
    from dlgrade.student.feedback import render_check
    from dlgrade.sandbox import SandboxError
    from dlgrade.student.state import FINISHED_HERE, State, record_result
    from dlgrade.student.watch import watch_course

    grade_in_bundles()
    lang = lang_of(lang)
    course = obj.course
    out = obj.output
    state = State.load(course.root)
    ex = obj.exercise(exercise, lang) if exercise else state.next_unfinished(course)
    if ex is None:
        out.print(_course_finished(state, course, lang), style="bold green")
        return
    stay = exercise is not None and state.status(ex) in FINISHED_HERE
    sandbox = sandbox_choice(lang)
    notice = sandbox.notice

    def show(step, moved):
        """One screen: what is watched at the top; the result; at the bottom, the move to this
        exercise (if it just happened) and what happens next, where the eye lands."""
        current = step.exercise
        out.out.clear()
        out.print(say("watch.header", lang, exercise=current.id, title=current.title.get(lang),
                      file=_shown_path(current.stub_path)), style="bold")
        if notice:
            out.warn(say(notice, lang))
        if step.result is None:
            out.print(say("watch.unreadable", lang, problem=step.problem), style="yellow")
        else:
            out.print(render_check(step.result, lang=lang, file=_shown_path(current.stub_path),
                                   mistakes=current.mistakes, hint_for=current.hint_for,
                                   max_failures=WATCH_FAILURES_SHOWN))
        if moved:
            out.print(moved, style="bold green")
        if step.finished:
            out.print(_course_finished(State.load(course.root), course, lang), style="bold green")
        elif step.moved_to is None:
            out.print(say("watch.waiting", lang, file=_shown_path(current.stub_path)), style="dim")

    try:
        with GradingContext.create(backend=sandbox.backend) as context:
            def grade_source(current, source):
                out.print(say("watch.grading", lang, exercise=current.id), style="dim")
                return grade(current, source, seed=DEFAULT_SEED, context=context)

            steps = watch_course(ex, grade_source=grade_source, read=read_submission, unreadable=(SubmissionError,),
                                 on_progress=record_result,
                                 next_unfinished=lambda after: State.load(course.root).next_unfinished(course, after),
                                 stay=stay)
            moved = None  # "ex05: full marks! On to ex06", shown on ex06's first screen
            for step in steps:
                show(step, moved)
                moved = None
                if step.finished:
                    return
                if step.moved_to is not None:
                    moved = say("watch.moved" if step.result.complete else "watch.moved_public", lang,
                                done=step.exercise.id, exercise=step.moved_to.id, title=step.moved_to.title.get(lang),
                                n=step.result.pending_checks, points=step.result.pending_points)
                    out.print(moved, style="bold green")
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        out.print()
        out.print(say("watch.bye", lang), style="dim")


WATCH_FAILURES_SHOWN = 3  #: failed checks whose feedback fits on watch mode's screen


def _course_finished(state, course, lang: str) -> str:
    """What to say when no exercise is left to work on: all done only when every exercise
    has its full points; otherwise the hidden checks' points still to come at grading."""
    pending = state.pending_points(course)
    if pending:
        return say("progress.all_public_passed", lang, points=pending)
    return say("watch.all_done", lang)


def _shown_path(path):
    """A path relative to the current folder when it is inside it (shorter on screen)."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@command()
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def status(obj: Context, lang, as_json):
    """Summarise your progress through the course: exercises done, points, what is next.

    \b
    Example:  dlgrade status --lang ko
    """
    from dlgrade.student.state import STATUSES, State

    lang = lang_of(lang)
    course = obj.course
    state = State.load(course.root)
    statuses = {ex.id: state.status(ex) for ex in course}
    counts = {s: sum(1 for v in statuses.values() if v == s) for s in STATUSES}
    best = sum(state.best[ex.id][0] for ex in course if ex.id in state.best)
    total = sum(ex.points for ex in course)
    following = state.next_unfinished(course)
    pending = state.pending_points(course)
    if as_json:
        obj.output.raw(json.dumps({"exercises": len(course.exercises), **counts, "best_points": best,
                                   "max_points": total, "pending_points": pending,
                                   "all_done": counts["done"] == len(course.exercises),
                                   "next": following.id if following else None,
                                   "status": statuses}, ensure_ascii=False))
        return
    out = obj.output
    out.print(course.title.get(lang), style="bold")
    out.print(say("progress.counts", lang, done=counts["done"], total=len(course.exercises),
                  in_progress=counts["in_progress"], not_started=counts["not_started"]))
    if counts["public_passed"]:
        out.print(say("progress.public_passed_count", lang, n=counts["public_passed"], points=pending), style="cyan")
    out.print(say("progress.points", lang, best=best, total=total))
    out.print(_bar(counts["done"], len(course.exercises)), style="green")
    if following is None:
        out.print(_course_finished(state, course, lang), style="bold green")
    else:
        out.print(say("progress.next", lang, exercise=following.id, title=following.title.get(lang)), style="bold")


def _bar(done: int, total: int, width: int = 28) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled) + f" {done}/{total}"


@command()
@click.argument("exercise")
@LANG_OPTION
@click.pass_obj
def reset(obj: Context, exercise, lang):
    """Put the exercise's stub back in place of your file, keeping a backup of your work.

    The backup goes to .dlgrade/backups/<folder>/<file>.<date-time>. The
    exercise's recorded progress (best score, status) starts over; the hints
    you have seen stay seen.

    \b
    Example:  dlgrade reset ex05
    """
    from dlgrade.student.state import ResetError, forget_progress, reset_exercise

    lang = lang_of(lang)
    ex = obj.exercise(exercise, lang)
    try:
        changed, backup = reset_exercise(ex)
    except ResetError as exc:
        raise click.ClickException(say(exc.key, lang, **exc.fields)) from None
    try:
        if forget_progress(ex):
            obj.output.print(say("reset.progress_forgotten", lang, exercise=ex.id))
    except OSError:
        pass  # a read-only state file: the stub is back, which is what matters
    if not changed:
        obj.output.print(say("reset.unchanged", lang, file=_shown_path(ex.stub_path)))
    elif backup is None:
        obj.output.print(say("reset.restored", lang, file=_shown_path(ex.stub_path)))
    else:
        obj.output.print(say("reset.done", lang, file=_shown_path(ex.stub_path), backup=_shown_path(backup)))



@command()
@click.argument("student_id")
@click.option("--exercises", default="all", show_default=True, help="Comma-separated exercises, or all.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the zip into (default: the course folder).")
@click.option("--json", "as_json", is_flag=True, help="Print what went in as JSON.")
@LANG_OPTION
@click.pass_obj
def submit(obj: Context, student_id, exercises, out, as_json, lang):
    """Build the zip file to hand in, named by your student id.

    First checks that every file can be graded (it loads: valid Python or
    notebook, UTF-8, no forbidden import, no module that is not there at
    grading), then puts each exercise's file (.py, or a notebook named
    conv.ipynb, ex05.ipynb or ex05_correlate2d.ipynb next to it) into
    STUDENT_ID.zip as <folder>/<file>. Files still equal to the stub are left
    out. Exit code: 0 when the zip is written, 1 when a file cannot be graded
    (nothing is written), 2 on usage errors.

    \b
    Example:  dlgrade submit 20231234
    """
    from rich.table import Table
    from rich.text import Text

    from dlgrade.student.submit import SubmitError, build_submission

    lang = lang_of(lang)
    course = obj.course
    chosen = None if exercises.strip().lower() == "all" else [obj.exercise(e, lang) for e in exercises.split(",")
                                                               if e.strip()]
    try:
        target, plan = build_submission(course, student_id, out or course.root, chosen)
    except SubmitError as exc:
        raise click.BadParameter(say(exc.key, lang, **exc.fields), param_hint="STUDENT_ID") from None
    except OSError as exc:
        raise click.ClickException(say("submit.write_failed", lang, reason=exc.strerror or exc)) from None
    if as_json:
        obj.output.raw(json.dumps({"zip": str(target) if target else None, "student": student_id.strip(),
                                   "exercises": [e.to_dict() for e in plan]}, ensure_ascii=False))
        sys.exit(0 if target else 1)
    out_ = obj.output
    table = Table(title=say("submit.title", lang, student=student_id.strip()))
    for key in ("col.exercise", "col.file", "col.status"):
        table.add_column(say(key, lang))
    for entry in plan:
        if entry.problems:
            state = Text(say("submit.state.problem", lang), style="red")
        elif entry.included:
            state = Text(say("submit.state.included", lang), style="green")
        else:
            state = Text(say("submit.state.not_started", lang), style="dim")
        table.add_row(entry.exercise.id, _shown_path(entry.path) if entry.path else "—", state)
    out_.print(table)
    for entry in plan:
        for key, fields in entry.problems:
            out_.print(f"{entry.exercise.id}: {say(key, lang, **fields)}", style="red")
    if target is None:
        out_.print(say("submit.not_written" if any(e.problems for e in plan) else "submit.nothing", lang),
                   style="bold red")
        sys.exit(1)
    out_.print(say("submit.written", lang, path=_shown_path(target),
                   n=sum(1 for e in plan if e.included)), style="bold green")
