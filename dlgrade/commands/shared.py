"""What the command modules share: the options every command spells the same way, the
click context object (the course, the output), the localized command classes, and the
small steps several commands take (the sandbox to grade with, a progress bar, Ctrl-C).

``dlgrade.cli`` and every module in ``dlgrade.commands`` import from here; nothing here
imports them.  Module-level imports stay light (click, the message catalog): heavy ones
belong inside functions, so that ``dlgrade --help`` starts fast.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from dlgrade.messages import detect_language, say


def gradebook_option(help: str = "The SQLite gradebook (created if missing; reruns resume).", **overrides):
    """``--db``: the SQLite gradebook, spelled and defaulted alike by every command; ``help``
    says what the command does with it."""
    settings = dict(type=click.Path(dir_okay=False, path_type=Path), default=Path("gradebook.db"), show_default=True,
                    help=help)
    return click.option("--db", "db", **{**settings, **overrides})


def jobs_option(**overrides):
    """``--jobs/-j``: how many sandboxes grade at once."""
    settings = dict(type=click.IntRange(1, 64), default=None, help="Parallel sandboxes (default: one per CPU).")
    return click.option("--jobs", "-j", **{**settings, **overrides})


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "results-json", "junit"]), default="text", show_default=True,
    help="text (the report), json (the result; --json), results-json (Gradescope's results.json) or junit (XML).")
LANG_OPTION = click.option("--lang", type=click.Choice(["ko", "en"]), default=None,
                           help="Language of the output (default: from the locale or DLGRADE_LANG).")

GRADEBOOK_OPTION = gradebook_option()
JOBS_OPTION = jobs_option()
INSECURE_OPTION = click.option("--insecure", is_flag=True,
                               help="Allow grading without bubblewrap (resource limits only).")
EXPORT_DB_OPTION = gradebook_option("The gradebook to export.")
OUT_OPTION = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="Write to this file instead of standard output.")


class Context:
    """What every command shares: the course (loaded on first use) and the output."""

    def __init__(self, no_color: bool, course_root: Path | None = None):
        from dlgrade.console import Output

        self.output = Output(no_color=no_color)
        self._course = None
        self.course_root = course_root  #: --course, if given
        self.trusted_only = False  #: a grading command: the course never comes from the current folder
        self.graded: list[Path] = []  #: folders of submissions this command reads (never a course)
        #: grading a file given by path: the course given or installed first, the current folder's last
        self.trusted_first = False

    def grading(self, *folders) -> None:
        """Mark the command as one that runs graders: the course is taken by
        :func:`dlgrade.course.trusted_root`, and never from inside ``folders``."""
        self.trusted_only = True
        self.graded.extend(Path(f) for f in folders if f is not None)

    @property
    def course(self):
        if self._course is None:
            from dlgrade.course import CourseError, UntrustedCourseError, load_course, trusted_root

            try:
                if self.trusted_only:
                    root = trusted_root(self.course_root, self.graded)
                elif self.trusted_first:
                    try:
                        root = trusted_root(self.course_root)
                    except UntrustedCourseError:  # no course given or installed: the student's own copy
                        root = None
                else:
                    root = self.course_root
                self._course = load_course(root)
            except UntrustedCourseError as exc:
                raise click.UsageError(say(exc.key, lang_of(None), **exc.fields)) from None
            except CourseError as exc:
                raise click.UsageError(str(exc)) from None
        return self._course

    def exercise(self, query: str, lang: str | None = None):
        from dlgrade.course import CourseError

        try:
            return self.course.resolve(query)
        except CourseError:
            from dlgrade.grading.suggest import exercise_suggestions

            known = ", ".join(f"{ex.id} ({ex.short_name})" for ex in self.course)
            message = say("error.unknown_exercise", lang_of(lang), query=query, known=known)
            near = exercise_suggestions(self.course, query)
            if near:
                message = say("error.did_you_mean", lang_of(lang), message=message,
                              suggestion=", ".join(f"{ex.id} ({ex.short_name})" for ex in near))
            raise click.BadParameter(message, param_hint=_placeholder("EXERCISE")) from None


def _placeholder(text: str) -> str:
    from dlgrade.commands.click_messages import placeholder

    return placeholder(text)


def lang_of(lang: str | None) -> str:
    return lang or detect_language()


class LocalizedCommand(click.Command):
    """A command whose help (its own, its options', its usage line's placeholders) is in the
    language chosen: Korean from the message catalog (``help.<command path>``,
    ``help.option:<English help>``), English from the docstrings."""

    def _help(self, ctx) -> str | None:
        from dlgrade.commands.click_messages import language
        from dlgrade.messages import MESSAGES

        path = ctx.command_path.split(" ", 1)
        entry = MESSAGES.get(f"help.{path[1] if len(path) > 1 else 'main'}") if language() == "ko" else None
        return entry["ko"] if entry else None

    def format_help_text(self, ctx, formatter):
        text = self._help(ctx)
        if text is None:
            return super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            # Paragraphs of several lines (examples) are kept as written.
            formatter.write_text("\n\n".join(f"\b\n{p}" if "\n" in p else p for p in text.split("\n\n")))

    def get_short_help_str(self, limit: int = 45) -> str:
        from dlgrade.commands.click_messages import language
        from dlgrade.messages import MESSAGES

        # Listed by its group: the key is the group's path and this command's name
        # ("session grade", not "grade").
        ctx = click.get_current_context(silent=True)
        parent = ctx.command_path.split(" ")[1:] if ctx is not None and ctx.command is not self else []
        entry = MESSAGES.get(f"help.{' '.join(parent + [self.name])}") if language() == "ko" else None
        return entry["ko"].split("\n")[0] if entry else super().get_short_help_str(limit)

    def collect_usage_pieces(self, ctx):
        from dlgrade.commands.click_messages import placeholder

        return [" ".join(placeholder(word) for word in piece.split(" ")) for piece in super().collect_usage_pieces(ctx)]

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            from dlgrade.commands.click_messages import _translate

            option.help = _translate("Show this message and exit.")
        return option

    def format_options(self, ctx, formatter):
        from dlgrade.commands.click_messages import language
        from dlgrade.messages import MESSAGES

        # The parameters are shared by every invocation in the process: the Korean help is
        # put in for this one and the English taken back after it.
        english = {}
        if language() == "ko":
            for param in self.get_params(ctx):
                entry = (MESSAGES.get(f"help.option:{getattr(param, 'help', None)}")
                         or MESSAGES.get(f"click:{getattr(param, 'help', None)}"))
                if entry:
                    english[param] = param.help
                    param.help = entry["ko"]
        try:
            super().format_options(ctx, formatter)
        finally:
            for param, text in english.items():
                param.help = text


class LocalizedGroup(LocalizedCommand, click.Group):
    command_class = LocalizedCommand


LocalizedGroup.group_class = LocalizedGroup

#: ``@command(...)``/``@group(...)``: click's decorators making localized commands and groups.
command = functools.partial(click.command, cls=LocalizedCommand)
group = functools.partial(click.group, cls=LocalizedGroup)


WAIT_OPTION = click.option("--wait", type=click.FloatRange(0, 86400), default=0.0, show_default=True,
                           help="Seconds to wait for another run grading into the same gradebook before refusing.")


def parse_students(value: str | None) -> set[str] | None:
    """The ids of --students a,b (NFC, stripped), or None when not given."""
    from dlgrade.bulk.identity import normalise_id

    if value is None:
        return None
    ids = {normalise_id(part) for part in value.split(",") if part.strip()}
    if not ids:
        raise click.BadParameter(say("grade.no_students", lang_of(None)), param_hint="--students")
    return ids


def say_interrupted(obj, exc, db: Path, lang: str):
    """Ctrl-C: what was saved and that rerunning resumes; exit code 130."""
    obj.output.err.print(say("grade.interrupted", lang, n=exc.summary.graded, db=db))
    sys.exit(130)


def print_changes(obj, summary, lang: str) -> None:
    from dlgrade.inert import visible

    for key, changes in (("grade.changes_up", [c for c in summary.changes if c.after > c.before]),
                         ("grade.changes_down", [c for c in summary.changes if c.after < c.before])):
        if changes:
            obj.output.print(say(key, lang, n=len(changes), students=", ".join(
                f"{visible(c.student)} {c.exercise} {c.before:g}→{c.after:g}" for c in changes)))


def parse_exercises(obj: Context, value: str):
    if value.strip().lower() == "all":
        return list(obj.course)
    return [obj.exercise(part) for part in value.split(",") if part.strip()]


def sandbox_choice(lang: str, *, bulk: bool = False, insecure: bool = False):
    """The sandbox student code runs in (dlgrade.sandbox.choose_sandbox), a usage error
    (exit 2) when DLGRADE_SANDBOX names one that cannot run, or bulk grading lacks bubblewrap
    and --insecure."""
    from dlgrade.sandbox import SandboxConfigError, SandboxRefused, choose_sandbox

    try:
        return choose_sandbox(bulk=bulk, insecure=insecure)
    except SandboxRefused:
        raise click.UsageError(say(SandboxRefused.key, lang) + "\n" + say("sandbox.files_without_bwrap", lang)) from None
    except SandboxConfigError as exc:
        raise click.UsageError(str(exc)) from None


def sandbox_backend(obj: Context, insecure: bool, lang: str, quiet: bool = False) -> str:
    """The sandbox to grade a class with: bubblewrap, or resource limits only with --insecure
    (said on stderr unless ``quiet``)."""
    choice = sandbox_choice(lang, bulk=True, insecure=insecure)
    if choice.notice and not quiet:
        obj.output.warn(say(choice.notice, lang))
    return choice.backend


def with_progress(obj: Context, lang: str, run):
    """Call ``run(progress=…, on_plan=…)`` under a progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[last]}"), console=obj.output.err, transient=False) as bar:
        task_id = bar.add_task(say("grade.progress", lang), total=None, last="")

        def on_progress(done, total, task, result):
            bar.update(task_id, completed=done,
                       last=f"{task.student} {task.exercise.id} {result.score:g}/{result.max_score:g}")

        return run(progress=on_progress, on_plan=lambda total: bar.update(task_id, total=total))


def export_text(obj: Context, db: Path, out: Path | None, render) -> None:
    """Open the gradebook ``db``, write ``render(book)`` to ``out`` or standard output."""
    from dlgrade.bulk.gradebook import Gradebook, GradebookError

    if not db.exists():
        raise click.BadParameter(say("error.missing_file", lang_of(None), path=db), param_hint="--db")
    try:
        with Gradebook(db) as book:
            say_migrated(obj, book, lang_of(None))  # a backup was made first: say so before anything else
            text = render(book)
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        obj.output.raw(text.rstrip("\n"))


SESSION_EXPORT_OPTION = click.option(
    "--session", "session_name", default=None,
    help="Export this session's grades: weighted, late-adjusted totals as session grade computed them.")


def session_render(obj: Context, session_name: str, render):
    """``render`` for a session, turning an unknown session into a usage error (exit 2)."""
    from dlgrade.bridges.session_export import SessionExportError

    def run(book):
        try:
            return render(book)
        except SessionExportError as exc:
            raise click.BadParameter(say("export.no_session", lang_of(None), session=exc.session,
                                         known=", ".join(exc.known) or "-"), param_hint="--session") from None
    return run


def say_migrated(obj: Context, book, lang: str) -> None:
    """Tell the instructor that opening the gradebook upgraded it, and where the copy is."""
    from dlgrade.bulk.gradebook import SCHEMA_VERSION
    from dlgrade.messages import say

    if book.migrated_from:
        old, backup = book.migrated_from
        obj.output.warn(say("gradebook.migrated", lang, path=book.path, old=old, new=SCHEMA_VERSION, backup=backup))


