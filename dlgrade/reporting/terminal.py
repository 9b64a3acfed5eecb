"""The report in the terminal (rich): tables and text histograms.

Student ids, names and failure messages are always passed as ``Text`` (never markup).
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from dlgrade.inert import visible
from dlgrade.messages import say
from dlgrade.reporting.model import BINS, Distribution, Report, StudentRow

BAR = "█"
TIMING_MARK = {"late": "⏰", "early": "⚠"}


SPARKS = " ▁▂▃▄▅▆▇█"


def bin_label(i: int, bins: int = BINS) -> str:
    step = 100 // bins
    return f"{i * step}–{(i + 1) * step}%".rjust(8)


def sparkline(dist: Distribution) -> Text:
    """The histogram on one line, lowest scores on the left: ``▁  ▂    █``."""
    top = max(dist.histogram) or 1
    return Text("".join(SPARKS[round(n / top * (len(SPARKS) - 1))] if n else "·" for n in dist.histogram),
                style="cyan")


def text_histogram(dist: Distribution, width: int = 30) -> Text:
    """One line per bin, highest scores first: `` 90–100% │██████ 6``."""
    text = Text()
    top = max(dist.histogram) or 1
    for i in reversed(range(len(dist.histogram))):
        n = dist.histogram[i]
        text.append(f"{bin_label(i)} │", style="dim")
        text.append(BAR * round(n / top * width), style="cyan")
        text.append(f" {n}\n" if n else "\n", style="bold" if n else "dim")
    text.rstrip()
    return text


def cell_text(cell: dict | None) -> Text:
    if cell is None:
        return Text("")
    if cell.get("override") is not None:  # a score set by hand: final, shown as such
        return Text(f"{cell['override']:g}/{cell['max_score']:g} ✎", style="bold cyan")
    if cell["status"] == "not_submitted":
        return Text("—", style="dim")
    if cell["status"] == "refused":
        return Text("refused", style="red")
    text = Text(f"{cell['score']:g}/{cell['max_score']:g}",
                style="green" if cell["score"] >= cell["max_score"] else "yellow" if cell["score"] else "red")
    mark = TIMING_MARK.get(cell.get("timing"))
    if mark:
        text.append(f" {mark}")
        if cell.get("multiplier", 1.0) < 1.0:
            text.append(f"×{cell['multiplier']:g}", style="magenta")
    return text


def students_table(report: Report, lang: str, title: str | None = None) -> Table:
    """Every student's cell per exercise and the (weighted) total."""
    table = Table(title=title)
    table.add_column(say("report.col.student", lang))
    table.add_column(say("report.col.name", lang))
    exercises = [e.exercise for e in report.exercises]
    for e in report.exercises:
        weight = f" ({e.weight:g})" if e.weight is not None else ""
        table.add_column(f"{e.exercise}{weight}", justify="right")
    table.add_column(say("grade.total", lang), justify="right")
    for row in sorted(report.students, key=lambda r: r.student):
        table.add_row(Text(visible(row.student), style="red" if row.in_roster is False else ""), Text(visible(row.name or "")),
                      *[cell_text(row.cells.get(e)) for e in exercises], total_text(row))
    return table


def total_text(row: StudentRow) -> Text:
    return Text(f"{row.total:.1f}/{row.max_total:g}", style="bold")


def exercises_table(report: Report, lang: str) -> Table:
    table = Table(title=say("report.exercises", lang))
    for key, justify in (("col.exercise", "left"), ("col.title", "left"), ("report.col.submitted", "right"),
                         ("grade.mean", "right"), ("grade.median", "right"), ("report.col.histogram", "left")):
        # (the distribution column: 10 bins from 0–10 % on the left to 90–100 % on the right)
        table.add_column(say(key, lang), justify=justify)
    for e in report.exercises:
        table.add_row(e.exercise, e.title.get(lang, e.exercise), f"{e.submitted}/{e.students}",
                      f"{e.scores.mean:.0f}%", f"{e.scores.median:.0f}%", sparkline(e.scores))
    return table


def items_table(report: Report, lang: str, limit: int = 10) -> Table:
    table = Table(title=say("report.items", lang), show_lines=True)
    table.add_column(say("col.exercise", lang))
    table.add_column(say("col.check", lang))
    table.add_column(say("report.col.failed", lang), justify="right")
    table.add_column(say("report.col.messages_readable", lang))
    table.add_column(say("report.col.who", lang))
    for item in [i for i in report.items if i.failed][:limit]:
        messages = Text()
        for group in item.messages:
            messages.append(f"{group.count}× ", style="bold")
            first = (group.example or "").strip().splitlines()
            messages.append(visible(first[0] if first else group.pattern) + "\n")
        messages.rstrip()
        who = ", ".join(item.students[:10]) + (f" … +{len(item.students) - 10}" if len(item.students) > 10 else "")
        table.add_row(item.exercise, Text(visible(item.title_in(lang))), f"{item.failed}/{item.graded} ({item.rate:.0%})",
                      messages, Text(visible(who)))
    return table


def broken_lines(report: Report, lang: str) -> list[Text]:
    """Code that did not run: one line per exercise and cause, with who."""
    return [Text(visible(say("report.broken_line", lang, exercise=b.exercise, n=len(b.students), message=b.example,
                             students=", ".join(b.students))), style="red") for b in report.broken]


def help_table(report: Report, lang: str) -> Table:
    table = Table(title=say("report.help", lang))
    table.add_column(say("report.col.student", lang))
    table.add_column(say("report.col.name", lang))
    table.add_column(say("grade.total", lang), justify="right")
    table.add_column(say("report.col.why", lang))
    for h in report.help:
        table.add_row(Text(visible(h.student)), Text(visible(h.name or "")), f"{h.total_percent:.0f}%",
                      Text(visible("; ".join(say(r.key, lang, **r.fields) for r in h.reasons))))
    return table


def history_table(report: Report, lang: str) -> Table:
    exercises = sorted({e for p in report.history for e in p.exercise_means})
    table = Table(title=say("report.history", lang))
    table.add_column(say("report.col.session", lang))
    table.add_column(say("report.col.opens", lang))
    table.add_column(say("report.col.students", lang), justify="right")
    table.add_column(say("report.col.mean_total", lang), justify="right")
    for e in exercises:
        table.add_column(e, justify="right")
    for p in report.history:
        table.add_row(Text(visible(p.name), style="bold" if p.name == report.session else ""), p.opens[:16].replace("T", " "),
                      str(p.students), f"{p.mean_total_percent:.0f}%",
                      *[f"{p.exercise_means[e]:.0f}%" if e in p.exercise_means else "" for e in exercises])
    return table


def roster_lines(report: Report, lang: str) -> list[Text]:
    lines = []
    if report.roster_size is not None:
        lines.append(Text(say("report.roster_counts", lang, roster=report.roster_size, absent=len(report.absent),
                              unknown=len(report.unknown))))
    if report.unknown:
        lines.append(Text(visible(say("report.unknown", lang, students=", ".join(report.unknown))), style="yellow"))
    if report.absent:
        lines.append(Text(visible(say("report.absent", lang, students=", ".join(report.absent))), style="yellow"))
    return lines


def render_report(report: Report, lang: str) -> Group:
    """The whole report for the terminal."""
    title = say("report.title_session", lang, session=report.session) if report.session \
        else say("report.title_gradebook", lang)
    parts = [Text(title, style="bold"), exercises_table(report, lang),
             Text(say("report.totals", lang, mean=report.totals.mean, median=report.totals.median), style="bold"),
             text_histogram(report.totals), *broken_lines(report, lang), items_table(report, lang)]
    if report.help:
        parts.append(help_table(report, lang))
    if report.history:
        parts.append(history_table(report, lang))
    if report.session:
        from dlgrade.reporting.intake import time_sources_line

        sources = time_sources_line([c for r in report.students for c in r.cells.values()], lang)
        parts += [sources] if sources is not None else []
    parts += roster_lines(report, lang)
    return Group(*parts)


def clock_line(session, now, lang: str) -> Text:
    """`week3 · 14:32:05 (Asia/Seoul) · closes in 27:55` (or how long ago it closed)."""
    if now < session.opens:
        key, delta = "session.watch.opens_in", session.opens - now
    elif now <= session.closes:
        key, delta = "session.watch.closes_in", session.closes - now
    else:
        key, delta = "session.watch.closed_ago", now - session.closes
    seconds = int(delta.total_seconds())
    left = f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return Text(say("session.watch.clock", lang, session=session.name, now=now.strftime("%H:%M:%S"), tz=session.timezone,
                    when=say(key, lang, left=left)), style="bold")


def live_view(report: Report | None, session, now, events, lang: str) -> Group:
    """The watcher's screen: clock, who has submitted, running scores, the distribution, recent grades."""
    parts = [clock_line(session, now, lang)]
    if report is None:
        parts.append(Text(say("session.watch.waiting", lang), style="dim"))
    else:
        handed_in = [r for r in report.students if any(c["status"] != "not_submitted" for c in r.cells.values())]
        parts.append(Text(say("session.watch.counts", lang, submitted=len(handed_in), students=len(report.students),
                              absent=len(report.absent), mean=report.totals.mean)))
        parts.append(students_table(report, lang))
        parts.append(text_histogram(report.totals, width=24))
        parts += roster_lines(report, lang)
    for event in list(events)[-5:]:
        parts.append(Text(visible(f"{event.when:%H:%M:%S} {event.student} {event.exercise} "
                                  f"{event.score:g}/{event.max_score:g}"), style="dim"))
    parts.append(Text(say("session.watch.stop", lang), style="dim"))
    return Group(*parts)


def timing_lines(report: Report, session, lang: str) -> list[Text]:
    """One line per late or early submission, saying what the late policy did."""
    from datetime import datetime

    from dlgrade.session.late import assess

    lines = []
    for row in sorted(report.students, key=lambda r: r.student):
        for exercise, cell in row.cells.items():
            if cell.get("timing") in ("late", "early") and cell.get("submitted_at"):
                verdict = assess(session.late, session.opens, session.closes,
                                 datetime.fromisoformat(cell["submitted_at"]))
                source = say(f"intake.time_short.{cell.get('time_source')}", lang)
                lines.append(Text(visible(f"{row.student} {exercise}: {verdict.reason(session.late, lang)} ({source})"),
                                  style="magenta"))
    return lines
