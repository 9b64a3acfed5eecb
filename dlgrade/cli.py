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
from dlgrade.messages import detect_language, say

LANG_OPTION = click.option("--lang", type=click.Choice(["ko", "en"]), default=None,
                           help="Language of the output (default: from the locale or DLGRADE_LANG).")


class Context:
    """What every command shares: the course (loaded on first use) and the output."""

    def __init__(self, no_color: bool):
        from dlgrade.console import Output

        self.output = Output(no_color=no_color)
        self._course = None

    @property
    def course(self):
        if self._course is None:
            from dlgrade.course import CourseError, load_course

            try:
                self._course = load_course()
            except CourseError as exc:
                raise click.UsageError(str(exc)) from None
        return self._course

    def exercise(self, query: str):
        from dlgrade.course import CourseError

        try:
            return self.course.resolve(query)
        except CourseError as exc:
            raise click.BadParameter(str(exc), param_hint="EXERCISE") from None


def lang_of(lang: str | None) -> str:
    return lang or detect_language()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlgrade")
@click.option("--no-color", is_flag=True, help="Plain output without colours.")
@click.pass_context
def main(ctx: click.Context, no_color: bool):
    """dlgrade — exercises and grading for the deep-learning course.

    \b
    Students:     dlgrade list · dlgrade show ex05 · dlgrade check ex05 · dlgrade hint ex05
    """
    ctx.obj = Context(no_color)


@main.command("list")
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the exercises as JSON.")
@click.pass_obj
def list_command(obj: Context, lang, as_json):
    """List the exercises in course order, with titles and points.

    \b
    Example:  dlgrade list --lang ko
    """
    from rich.table import Table

    lang = lang_of(lang)
    course = obj.course
    rows = [(ex, ex.points) for ex in course]
    if as_json:
        obj.output.raw(json.dumps([{"id": ex.id, "folder": ex.folder, "title": {"ko": ex.title.ko, "en": ex.title.en},
                                    "points": pts, "file": ex.file} for ex, pts in rows], ensure_ascii=False))
        return
    table = Table(title=f"{course.title.get(lang)} — {say('list.title', lang)}")
    for key in ("col.exercise", "col.title", "col.file", "col.points"):
        table.add_column(say(key, lang), justify="right" if key == "col.points" else "left")
    for ex, pts in rows:
        table.add_row(ex.id, ex.title.get(lang), ex.file, f"{pts:g}")
    obj.output.print(table)
    obj.output.print(say("list.total", lang, points=sum(p for _, p in rows)))


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
    ex = obj.exercise(exercise)
    path = ex.statement_path(lang)
    if not path.exists():
        raise click.ClickException(say("error.statement_missing", lang, exercise=ex.id, path=path))
    obj.output.print(Markdown(path.read_text(encoding="utf-8")))


@main.command()
@click.argument("exercise")
@LANG_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@click.option("--reset", is_flag=True, help="Start the hints over from the first.")
@click.pass_obj
def hint(obj: Context, exercise, lang, show_all, reset):
    """Show the next hint for an exercise (one more each time).

    \b
    Example:  dlgrade hint ex05
    """
    from rich.markdown import Markdown

    from dlgrade.state import State

    lang = lang_of(lang)
    ex = obj.exercise(exercise)
    if not ex.hints:
        obj.output.print(say("hint.none", lang, exercise=ex.id))
        return
    state = State.load(obj.course.root)
    if reset:
        state.hints_seen[ex.id] = 0
    shown = len(ex.hints) if show_all else min(state.hints_seen.get(ex.id, 0) + 1, len(ex.hints))
    state.hints_seen[ex.id] = max(shown, 0 if reset else state.hints_seen.get(ex.id, 0))
    state.save()
    for n in range(1, shown + 1):
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
@LANG_OPTION
@click.pass_obj
def check(obj: Context, exercise, file, seed, as_json, lang):
    """Grade your solution of an exercise.

    EXERCISE is an id (ex05), a number (5), a name (correlate2d) or a folder.
    Exit code: 0 when every check passed, 1 when some did not, 2 on usage errors.

    \b
    Examples:  dlgrade check ex05
               dlgrade check 5 --file my_conv.py --seed 7 --json
    """
    from dlgrade.grading.runner import DEFAULT_SEED, SubmissionError, grade, read_submission
    from dlgrade.report import render_check
    from dlgrade.sandbox import SandboxError, choose_backend

    lang = lang_of(lang)
    ex = obj.exercise(exercise)
    path = file or ex.stub_path
    try:
        source = read_submission(path)
    except SubmissionError as exc:
        raise click.BadParameter(str(exc), param_hint="--file") from None
    try:
        backend = choose_backend()
        if backend != "bwrap" and not as_json:
            obj.output.warn(say("sandbox.insecure", lang))
        result = grade(ex, source, seed=DEFAULT_SEED if seed is None else seed)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        obj.output.raw(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        obj.output.print(render_check(result, lang=lang, file=str(path), mistakes=ex.mistakes))
    sys.exit(0 if result.passed else 1)


def run():  # console-script entry point
    main(prog_name="dlgrade")


if __name__ == "__main__":
    run()
