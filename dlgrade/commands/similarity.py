"""dlgrade similarity: pairs of students whose code is suspiciously alike."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dlgrade.commands.shared import LANG_OPTION, Context, command, lang_of, parse_exercises


@command("similarity")
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercises", required=True, help="Comma-separated exercises to compare, or all.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Show pairs where at least this share of one file is in the other (default 0.6).")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write one HTML page with each pair's files side by side, shared code marked.")
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
@LANG_OPTION
@click.pass_obj
def similarity(obj: Context, submissions, exercises, threshold, html_out, as_json, lang):
    """List pairs of students whose code for an exercise is suspiciously alike, whatever the
    variable names, layout, comments or order of functions; the stub's code is left out.

    SUBMISSIONS is read as by `dlgrade grade` (one folder or zip per student). The
    comparison is copydetect's winnowing (as in MOSS). A score is a reason to look at
    the two files, not a verdict. Exit code 0 (a report), 2 on usage errors.

    \b
    Examples:  dlgrade similarity submissions/ --exercises ex05
               dlgrade similarity submissions/ --exercises ex05,ex06 --html similar.html --json
    """
    from rich.table import Table
    from rich.text import Text

    from dlgrade.bulk.collect import CollectError, collect
    from dlgrade.inert import visible
    from dlgrade.messages import say
    from dlgrade.reporting.similarity import DEFAULT_THRESHOLD, find_similar, render_html

    lang = lang_of(lang)
    import importlib.util

    if importlib.util.find_spec("copydetect") is None:
        raise click.ClickException(say("similarity.needs_copydetect", lang))
    obj.grading(submissions)
    chosen = parse_exercises(obj, exercises)
    try:
        found = collect(submissions, chosen)
    except CollectError as exc:
        raise click.BadParameter(str(exc), param_hint="SUBMISSIONS") from None
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    reports = [find_similar(found, ex, threshold=limit) for ex in chosen]
    if html_out:
        html_out.write_text(render_html(reports, lang), encoding="utf-8")
    if as_json:
        obj.output.raw(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
        return
    for report in reports:
        obj.output.print(say("similarity.summary", lang, students=report.students, pairs=len(report.pairs),
                             threshold=report.threshold), style="bold")
        if report.not_compared:
            obj.output.print(Text(visible(say("similarity.not_compared", lang,
                                              students=", ".join(report.not_compared)))), style="dim")
        if not report.pairs:
            obj.output.print(say("similarity.none", lang, exercise=report.exercise))
            continue
        table = Table(title=f"{report.exercise} — {say('similarity.title', lang)}")
        for key in ("similarity.col.pair", "similarity.col.score", "similarity.col.shares"):
            table.add_column(say(key, lang))
        for p in report.pairs:
            table.add_row(Text(visible(f"{p.student_a} — {p.student_b}")), f"{p.score:.0%}",
                          f"{p.share_a:.0%} / {p.share_b:.0%}")
        obj.output.print(table)
    if html_out:
        obj.output.print(say("similarity.html_written", lang, path=html_out))
