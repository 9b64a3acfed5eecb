"""Rendering results for the terminal (rich)."""

from __future__ import annotations

from typing import Callable

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlgrade.inert import visible
from dlgrade.messages import localize_feedback, say
from dlgrade.results import ExerciseResult

STATUS_STYLE = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
                "timeout": ("⏱", "yellow"), "forbidden": ("⛔", "magenta"), "tool-error": ("‼", "bold red")}


def result_table(result: ExerciseResult, lang: str) -> Table:
    table = Table(show_lines=False, expand=False)
    table.add_column(say("col.number", lang), justify="right", style="dim")
    table.add_column(say("col.check", lang), overflow="fold")  # wrap long titles, never cut them
    table.add_column(say("col.kind", lang))
    table.add_column(say("col.score", lang), justify="right")
    table.add_column(say("col.status", lang))
    for i, check in enumerate(result.checks, 1):
        mark, style = STATUS_STYLE[check.status]
        table.add_row(str(i), Text(check.title_in(lang)), say(f"visibility.{check.visibility}", lang),
                      f"{check.score:g}/{check.max_score:g}" if check.visibility != "self" else "—",
                      Text(f"{mark} {say('status.' + check.status, lang)}", style=style))
    return table


def _without_calls(message: str) -> str:
    return "\n".join(line for line in message.split("\n") if not line.startswith("last call: ")).strip()


def file_problem(result: ExerciseResult) -> str | None:
    """A problem of the file as a whole (it cannot be loaded: a syntax error, an import that
    fails; a forbidden import at its top): no check passed, and every one failed with the
    same message once the calls they were making are set aside.  None otherwise."""
    failed = [c for c in result.checks if not c.passed]
    if len(failed) < 2 or len(failed) != len(result.checks) or any(c.status not in ("error", "forbidden")
                                                                     for c in failed):
        return None
    texts = {_without_calls(c.message) for c in failed}
    return texts.pop() or None if len(texts) == 1 else None


def verdict(result: ExerciseResult, lang: str) -> list[Text]:
    """The score and what it means.  Where hidden checks run only at grading time (a student
    bundle), never "all passed" or full marks: the public checks (and self-checks) passed,
    and N hidden checks worth M points are still to come."""
    if result.complete:
        return [Text(say("check.score", lang, score=result.score, max_score=result.max_score), style="bold"),
                Text(say("check.all_passed" if result.passed else "check.some_failed", lang),
                     style="green" if result.passed else "yellow")]
    return [Text(say("check.public_score", lang, score=result.score, max_score=result.max_score,
                     total=result.points_at_grading), style="bold"),
            Text(say("check.public_passed" if result.passed else "check.some_failed", lang),
                 style="green" if result.passed else "yellow"),
            Text(say("release.hidden_pending", lang, n=result.pending_checks, points=result.pending_points),
                 style="cyan")]


def render_check(result: ExerciseResult, *, lang: str, file: str, mistakes: dict | None = None,
                 hint_for: Callable[[str, str | None], int | None] | None = None,
                 max_failures: int | None = None) -> Group:
    """The full `dlgrade check` report: table, feedback per failed check, score.

    ``hint_for(check name, mistake key)`` gives the number of the hint about a failure
    (``Exercise.hint_for``), shown under the failed check.  ``max_failures`` keeps the
    feedback to the first few failed checks (watch mode's screen)."""
    parts = [Text(visible(say("check.title", lang, exercise=result.exercise, file=file)), style="bold"),
             result_table(result, lang)]
    failed = [(i, check) for i, check in enumerate(result.checks, 1) if not check.passed]
    problem = file_problem(result)
    if problem:
        # One panel for the file, not the same text under every check.
        parts.append(Panel(Text(visible(localize_feedback(problem, lang))), title=Text(say("check.file_problem", lang)),
                           title_align="left", border_style="red"))
        failed = []
    for i, check in failed[:max_failures]:
        mark, style = STATUS_STYLE[check.status]
        body = Text(visible(localize_feedback(check.message, lang) or say(f"status.{check.status}", lang)))
        if check.mistake and mistakes and check.mistake in mistakes:
            body.append(f"\n\n{say('check.likely', lang)}: {mistakes[check.mistake].get(lang)}", style="bold")
        hint = hint_for(check.name, check.mistake) if hint_for else None
        if hint:
            body.append("\n" + say("check.see_hint", lang, n=hint, exercise=result.exercise), style="cyan")
        parts.append(Panel(body, title=Text(f"{i}. {check.title_in(lang)}"), title_align="left",
                           border_style=style))
    if max_failures is not None and len(failed) > max_failures:
        parts.append(Text(say("check.more_failures", lang, n=len(failed) - max_failures, exercise=result.exercise),
                          style="dim"))
    if result.output.strip() and not result.passed:
        parts.append(Panel(Text(visible(result.output.rstrip())), title=say("check.output", lang), title_align="left",
                           border_style="dim"))
    for note in result.notes:
        parts.append(Text(visible(localize_feedback(note, lang)), style="yellow"))
    parts.extend(verdict(result, lang))
    if not result.passed:
        parts.append(Text(say("check.hint_pointer", lang, exercise=result.exercise), style="dim"))
    parts.append(Text(say("check.seed", lang, seed=result.seed), style="dim"))
    return Group(*parts)
