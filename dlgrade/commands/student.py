"""The student's side: watch mode, progress (status, reset)."""

from __future__ import annotations

import json

import click

from dlgrade.cli import LANG_OPTION, Context, lang_of, main
from dlgrade.messages import say


@main.command()
@click.argument("exercise", required=False)
@LANG_OPTION
@click.pass_obj
def watch(obj: Context, exercise, lang):
    """Grade an exercise every time you save its file; after full marks, go on to the next.

    Without EXERCISE, starts at the first exercise not yet done. The screen
    shows the latest result; Ctrl-C stops watching.

    \b
    Examples:  dlgrade watch
               dlgrade watch ex05 --lang ko
    """
    from dlgrade.grading.runner import DEFAULT_SEED, GradingContext, SubmissionError, grade, read_submission
    from dlgrade.report import render_check
    from dlgrade.sandbox import SandboxConfigError, SandboxError, choose_backend, sandbox_notice
    from dlgrade.state import State, record_result
    from dlgrade.watch import watch_course

    lang = lang_of(lang)
    course = obj.course
    out = obj.output
    state = State.load(course.root)
    ex = obj.exercise(exercise, lang) if exercise else state.next_unfinished(course)
    if ex is None:
        out.print(say("watch.all_done", lang), style="bold green")
        return
    try:
        notice = sandbox_notice(choose_backend())
    except SandboxConfigError as exc:
        raise click.UsageError(str(exc)) from None

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
            out.print(say("watch.all_done", lang), style="bold green")
        elif step.moved_to is None:
            out.print(say("watch.waiting", lang, file=_shown_path(current.stub_path)), style="dim")

    try:
        with GradingContext.create() as context:
            def grade_source(current, source):
                out.print(say("watch.grading", lang, exercise=current.id), style="dim")
                return grade(current, source, seed=DEFAULT_SEED, context=context)

            steps = watch_course(ex, grade_source=grade_source, read=read_submission, unreadable=(SubmissionError,),
                                 on_progress=record_result,
                                 next_unfinished=lambda after: State.load(course.root).next_unfinished(course, after))
            moved = None  # "ex05: full marks! On to ex06", shown on ex06's first screen
            for step in steps:
                show(step, moved)
                moved = None
                if step.finished:
                    return
                if step.moved_to is not None:
                    moved = say("watch.moved", lang, done=step.exercise.id, exercise=step.moved_to.id,
                                title=step.moved_to.title.get(lang))
                    out.print(moved, style="bold green")
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        out.print()
        out.print(say("watch.bye", lang), style="dim")


WATCH_FAILURES_SHOWN = 3  #: failed checks whose feedback fits on watch mode's screen


def _shown_path(path):
    """A path relative to the current folder when it is inside it (shorter on screen)."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@main.command()
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def status(obj: Context, lang, as_json):
    """Summarise your progress through the course: exercises done, points, what is next.

    \b
    Example:  dlgrade status --lang ko
    """
    from dlgrade.state import STATUSES, State

    lang = lang_of(lang)
    course = obj.course
    state = State.load(course.root)
    statuses = {ex.id: state.status(ex) for ex in course}
    counts = {s: sum(1 for v in statuses.values() if v == s) for s in STATUSES}
    best = sum(state.best[ex.id][0] for ex in course if ex.id in state.best)
    total = sum(ex.points for ex in course)
    following = state.next_unfinished(course)
    if as_json:
        obj.output.raw(json.dumps({"exercises": len(course.exercises), **counts, "best_points": best,
                                   "max_points": total, "next": following.id if following else None,
                                   "status": statuses}, ensure_ascii=False))
        return
    out = obj.output
    out.print(course.title.get(lang), style="bold")
    out.print(say("progress.counts", lang, done=counts["done"], total=len(course.exercises),
                  in_progress=counts["in_progress"], not_started=counts["not_started"]))
    out.print(say("progress.points", lang, best=best, total=total))
    out.print(_bar(counts["done"], len(course.exercises)), style="green")
    if following is None:
        out.print(say("watch.all_done", lang), style="bold green")
    else:
        out.print(say("progress.next", lang, exercise=following.id, title=following.title.get(lang)), style="bold")


def _bar(done: int, total: int, width: int = 28) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled) + f" {done}/{total}"


@main.command()
@click.argument("exercise")
@LANG_OPTION
@click.pass_obj
def reset(obj: Context, exercise, lang):
    """Put the exercise's stub back in place of your file, keeping a backup of your work.

    The backup goes to .dlgrade/backups/<folder>/<file>.<date-time>; your best
    score and the hints you have seen are kept.

    \b
    Example:  dlgrade reset ex05
    """
    from dlgrade.state import ResetError, reset_exercise

    lang = lang_of(lang)
    ex = obj.exercise(exercise, lang)
    try:
        changed, backup = reset_exercise(ex)
    except ResetError as exc:
        raise click.ClickException(say(exc.key, lang, **exc.fields)) from None
    if not changed:
        obj.output.print(say("reset.unchanged", lang, file=_shown_path(ex.stub_path)))
    elif backup is None:
        obj.output.print(say("reset.restored", lang, file=_shown_path(ex.stub_path)))
    else:
        obj.output.print(say("reset.done", lang, file=_shown_path(ex.stub_path), backup=_shown_path(backup)))

