"""The report as one self-contained HTML page: inline CSS and inline SVG charts, no script,
no external URL, so it opens offline and can be mailed as a single file.

Every text from the gradebook (student ids and names, check names, failure messages) is
escaped with ``html.escape``.
"""

from __future__ import annotations

from html import escape

from dlgrade.messages import say
from dlgrade.reporting.model import BINS, Distribution, Report

CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans KR","Malgun Gothic",sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2433;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:2px solid #e3e7ef;
padding-bottom:.3rem}
.meta{color:#5b6475;font-size:.9rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{background:#f4f6fa;border-radius:8px;padding:.7rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.4rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
.panel{border:1px solid #e3e7ef;border-radius:8px;padding:.8rem}
.panel h3{margin:.1rem 0 .4rem;font-size:1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e3e7ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6fa}td.num,th.num{text-align:right}
.rate{display:inline-block;height:.7rem;background:#d9534f;border-radius:2px;vertical-align:middle;margin-right:.4rem}
.late{color:#a0418f}.bad{color:#c0392b}.ok{color:#1e7b34}.dim{color:#8a93a3}
pre{white-space:pre-wrap;font-size:.8rem;background:#f8f9fb;padding:.5rem;border-radius:4px;margin:.3rem 0}
details summary{cursor:pointer}
svg text{font-size:11px;fill:#1d2433}
svg .bar{fill:#4a7bd0}svg .axis{stroke:#8a93a3;stroke-width:1}svg .line{fill:none;stroke:#4a7bd0;stroke-width:2}
svg .dot{fill:#4a7bd0}
.ovr{background:#fff3cd;color:#7a5b00;border-radius:3px;padding:0 .25rem;font-size:.75rem}
td.who{max-width:16rem;font-size:.8rem;color:#3d4657}
code{font-size:.8rem;background:#f8f9fb;padding:.1rem .25rem;border-radius:3px}
a.feedback{color:#2456a6}
p.trend{color:#5b6475;font-size:.9rem}
"""


def svg_histogram(dist: Distribution, label: str, width: int = 320, height: int = 150) -> str:
    """A bar chart of a distribution's bins (0–10 % … 90–100 %), each bar with its count."""
    left, bottom, top_pad = 24, 22, 14
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    top = max(dist.histogram) or 1
    step = plot_w / len(dist.histogram)
    parts = [f'<svg class="histogram" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}"/>']
    for i, n in enumerate(dist.histogram):
        h = plot_h * n / top
        x = left + i * step + 2
        y = top_pad + plot_h - h
        lo = i * 100 // BINS
        parts.append(f'<rect class="bar" data-bin="{lo}" data-count="{n}" x="{x:.1f}" y="{y:.1f}" '
                     f'width="{step - 4:.1f}" height="{h:.1f}"><title>{lo}–{lo + 100 // BINS}%: {n}</title></rect>')
        if n:
            parts.append(f'<text x="{x + (step - 4) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{n}</text>')
        if i % 2 == 0:  # the bins' bounds, under the edge they stand for: 0 % at the left, then centred
            edge = left + i * step
            anchor = "start" if i == 0 else "middle"
            parts.append(f'<text class="tick" x="{edge:.1f}" y="{height - 6}" text-anchor="{anchor}">{lo}%</text>')
    parts.append(f'<text class="tick" x="{width - 4}" y="{height - 6}" text-anchor="end">100%</text></svg>')
    return "".join(parts)


CHAR_WIDTH = 7.0  #: an upper bound of one character's width at the charts' 11 px font (CJK is wider: counted 2)


def text_width(text: str) -> float:
    import unicodedata

    return sum(CHAR_WIDTH * (2 if unicodedata.east_asian_width(ch) in "WF" else 1) for ch in text)


def label_indices(labels: list[str], step: float, gap: float = 6.0) -> set[int]:
    """Which of evenly spaced, centred labels to draw so that none overlaps another: every k-th
    one from the first, k the smallest that leaves room for the widest label, and the last one
    (instead of the k-th before it when those two would touch)."""
    if not labels:
        return set()
    widest = max(text_width(label) for label in labels) + gap
    k = max(1, -(-int(widest) // max(1, int(step))))
    while k * step < widest:
        k += 1
    chosen = set(range(0, len(labels), k))
    last = len(labels) - 1
    if last not in chosen:
        before = max(chosen)
        if (last - before) * step < widest:
            chosen.discard(before)
        chosen.add(last)
    return chosen


def svg_line(points: list[tuple[str, float]], label: str, width: int = 640, height: int = 200) -> str:
    """A line chart of percentages (0–100) over named points in order."""
    left, right, bottom, top_pad = 60, 30, 28, 16
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    step = plot_w / max(1, len(points) - 1)
    xy = [(left + (i * step if len(points) > 1 else plot_w / 2), top_pad + plot_h * (1 - v / 100))
          for i, (_, v) in enumerate(points)]
    parts = [f'<svg class="trend" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for pct in (0, 50, 100):
        y = top_pad + plot_h * (1 - pct / 100)
        parts.append(f'<line class="axis" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke-dasharray="{"0" if pct == 0 else "3 3"}"/><text x="2" y="{y + 4:.1f}">{pct}%</text>')
    if len(xy) > 1:
        parts.append('<polyline class="line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    shown = label_indices([name for name, _ in points], step if len(points) > 1 else plot_w)
    values = label_indices(["100%"] * len(points), step if len(points) > 1 else plot_w)
    for i, ((name, value), (x, y)) in enumerate(zip(points, xy)):
        parts.append(f'<circle class="dot" data-session="{escape(name)}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                     f'<title>{escape(name)}: {value:.0f}%</title></circle>')
        if i in values:
            parts.append(f'<text class="value" x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{value:.0f}%</text>')
        if i in shown:
            parts.append(f'<text class="label" x="{x:.1f}" y="{height - 8}" text-anchor="middle">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cell(cell: dict | None, lang: str, tz=None) -> str:
    if cell is None:
        return "<td></td>"
    override = cell.get("override")
    extension = ""
    if cell.get("closes_for"):
        extension = (f'<br><small class="dim extension">{escape(say("report.extended", lang))} '
                     f'{escape(_local(cell["closes_for"], tz, "%H:%M"))}</small>')
    if override is not None:
        return (f'<td class="num override" title="{escape(say("report.badge.override", lang))}">'
                f'<b>{override:g}</b>/{cell["max_score"]:g} <span class="ovr">{escape(say("report.badge.override", lang))}'
                f'</span>{_when(cell, lang, tz)}{extension}</td>')
    if cell["status"] != "graded":
        mark = "—" if cell["status"] == "not_submitted" else escape(say(f"history.status.{cell['status']}", lang))
        return f'<td class="num dim">{mark}{extension}</td>'
    cls = "ok" if cell["score"] >= cell["max_score"] else "bad" if not cell["score"] else ""
    late = ""
    if cell.get("timing") == "late":
        from dlgrade.session.late import late_minutes_text

        minutes = late_minutes_text(cell.get("late_seconds", 0))
        late = (f' <span class="late">{escape(say("report.badge.late_minutes", lang, minutes=minutes))} '
                f'×{cell["multiplier"]:g}</span>')
    elif cell.get("timing") == "early":
        late = f' <span class="late">{escape(say("report.badge.early", lang))}</span>'
    return f'<td class="num {cls}">{cell["score"]:g}/{cell["max_score"]:g}{late}{_when(cell, lang, tz)}{extension}</td>'


def _local(value: str, tz, fmt: str) -> str:
    from datetime import datetime

    moment = datetime.fromisoformat(value)
    return (moment.astimezone(tz) if tz else moment).strftime(fmt)


def _when(cell: dict, lang: str, tz) -> str:
    """The submission time the late policy judged, and where it came from (folder, --times,
    inside the archive)."""
    if not cell.get("submitted_at") or "time_source" not in cell:
        return ""
    from datetime import datetime

    moment = datetime.fromisoformat(cell["submitted_at"])
    shown = (moment.astimezone(tz) if tz else moment).strftime("%m-%d %H:%M")
    source = str(cell.get("time_source"))
    return (f'<br><small class="dim when" data-source="{escape(source)}" '
            f'title="{escape(say(f"intake.time.{source}", lang))}">{escape(shown)} · '
            f'{escape(say(f"intake.time_short.{source}", lang))}</small>')


def _generated(value: str, tz) -> str:
    from datetime import datetime

    from dlgrade.session.config import show_time

    try:
        return show_time(datetime.fromisoformat(value), tz)
    except ValueError:
        return value


def _who(students: list[str], limit: int = 15) -> str:
    """Who, as one line: the first ``limit`` ids and how many more."""
    shown = ", ".join(students[:limit])
    return shown + (f" … +{len(students) - limit}" if len(students) > limit else "")


def _first_line(message: str) -> str:
    text = (message or "").strip()
    return text.splitlines()[0] if text else ""


def render_html(report: Report, lang: str, feedback: dict[str, str] | None = None) -> str:
    """The whole page; ``feedback`` maps students to the (relative) address of their feedback file."""
    t = lambda key, **kw: escape(say(key, lang, **kw))  # noqa: E731
    tz = None
    if report.session_info:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            tz = ZoneInfo(report.session_info["timezone"])
        except (ZoneInfoNotFoundError, ValueError, KeyError):
            tz = None
    title = say("report.title_session", lang, session=report.session) if report.session \
        else say("report.title_gradebook", lang)
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<title>{escape(title)}</title><style>{CSS}</style></head><body>',
           f'<h1>{escape(title)}</h1><p class="meta">{escape(report.course_title.get(lang, ""))} · '
           f'{escape(_generated(report.generated_at, tz))}</p>']
    if report.session_info:
        cfg = report.session_info["config"]
        weights = ", ".join(f"{e} ({w:g})" for e, w in cfg["exercises"].items())
        late = say(f"session.late.{cfg['late']['kind']}", lang, **cfg["late"])
        from datetime import datetime

        from dlgrade.session.config import show_time

        out.append(f'<p class="meta" id="session-info">'
                   f'{escape(show_time(datetime.fromisoformat(cfg["opens"]), tz))} – '
                   f'{escape(show_time(datetime.fromisoformat(cfg["closes"]), tz))} ({escape(cfg["timezone"])}) · '
                   f'{escape(weights)} · {escape(late)}</p>')
    submitted = sum(1 for r in report.students if any(c["status"] == "graded" for c in r.cells.values()))
    cards = [("report.col.students", len(report.students), "n-students")]
    if report.roster_size is not None:
        cards += [("report.card.roster", report.roster_size, "n-roster"), ("report.card.absent", len(report.absent),
                                                                           "n-absent")]
    cards += [("report.col.submitted", submitted, "n-submitted")]
    out.append('<div class="cards">' + "".join(f'<div class="card">{t(key)}<b id="{ident}">{value}</b></div>'
                                               for key, value, ident in cards)
               + f'<div class="card">{t("grade.mean")}<b>{report.totals.mean:.0f}%</b></div>'
               f'<div class="card">{t("grade.median")}<b>{report.totals.median:.0f}%</b></div></div>')
    for key, students in (("report.absent", report.absent), ("report.unknown", report.unknown)):
        if students:
            out.append(f'<p class="late" id="{key.split(".")[1]}">{t(key, students=", ".join(students))}</p>')

    out.append(f'<h2>{t("report.totals", mean=report.totals.mean, median=report.totals.median)}</h2>'
               f'<div id="totals">{svg_histogram(report.totals, say("grade.total", lang), width=640, height=200)}'
               '</div>')

    out.append(f'<h2>{t("report.exercises")}</h2><div class="grid" id="exercises">')
    for e in report.exercises:
        weight = f" · weight {e.weight:g}" if e.weight is not None else ""
        out.append(f'<div class="panel" data-exercise="{escape(e.exercise)}"><h3>{escape(e.exercise)} — '
                   f'{escape(e.title.get(lang, e.exercise))}</h3>'
                   f'<div class="meta">{t("report.col.submitted")} {e.submitted}/{e.students} · '
                   f'{t("grade.mean")} {e.scores.mean:.0f}% · {t("grade.median")} {e.scores.median:.0f}%'
                   f'{escape(weight)}</div>{svg_histogram(e.scores, e.exercise)}</div>')
    out.append("</div>")

    if report.broken:
        out.append(f'<h2>{t("report.broken")}</h2><table id="broken"><tr><th>{t("col.exercise")}</th>'
                   f'<th class="num">{t("report.col.count")}</th><th>{t("report.col.message")}</th>'
                   f'<th>{t("report.col.who")}</th></tr>')
        for b in report.broken:
            out.append(f'<tr class="broken"><td>{escape(b.exercise)}</td><td class="num">{len(b.students)}</td>'
                       f'<td><code>{escape(b.example)}</code></td><td>{escape(_who(b.students))}</td></tr>')
        out.append("</table>")

    out.append(f'<h2>{t("report.items")}</h2><table id="items"><tr><th>{t("col.exercise")}</th>'
               f'<th>{t("col.check")}</th><th class="num">{t("report.col.failed")}</th>'
               f'<th>{t("report.col.who")}</th><th>{t("report.col.messages_readable")}</th></tr>')
    for item in [i for i in report.items if i.failed]:
        groups = "".join(
            f'<details><summary><b>{g.count}×</b> {escape(_first_line(g.example))}</summary>'
            f'<pre>{escape(g.example)}</pre></details>' for g in item.messages)
        out.append(f'<tr class="item"><td>{escape(item.exercise)}</td><td>{escape(item.title_in(lang))}'
                   f'<br><small class="dim">{escape(item.check)}</small></td>'
                   f'<td class="num"><span class="rate" style="width:{item.rate * 60:.0f}px"></span>'
                   f'{item.failed}/{item.graded}</td><td class="who">{escape(_who(item.students))}</td>'
                   f'<td>{groups}</td></tr>')
    out.append("</table>")

    if report.help:
        out.append(f'<h2>{t("report.help")}</h2><table id="help"><tr><th>{t("report.col.student")}</th>'
                   f'<th>{t("report.col.name")}</th><th class="num">{t("grade.total")}</th>'
                   f'<th>{t("report.col.why")}</th></tr>')
        for h in report.help:
            why = "; ".join(say(r.key, lang, **r.fields) for r in h.reasons)
            out.append(f'<tr class="help"><td>{escape(h.student)}</td><td>{escape(h.name or "")}</td>'
                       f'<td class="num">{h.total_percent:.0f}%</td><td>{escape(why)}</td></tr>')
        out.append("</table>")

    if len(report.history) == 1:  # one point is no trend: say so in one line, no empty chart
        only = report.history[0]
        out.append(f'<h2>{t("report.history")}</h2><p class="trend" data-session="{escape(only.name)}">'
                   f'{t("report.history_single", session=only.name, mean=only.mean_total_percent)}</p>')
    if len(report.history) >= 2:
        out.append(f'<h2>{t("report.history")}</h2><div id="history">'
                   f'{svg_line([(p.name, p.mean_total_percent) for p in report.history], say("report.history", lang))}'
                   '</div>')
        exercises = sorted({e for p in report.history for e in p.exercise_means})
        out.append(f'<table id="history-table"><tr><th>{t("report.col.session")}</th><th>{t("report.col.opens")}</th>'
                   f'<th class="num">{t("report.col.students")}</th><th class="num">{t("report.col.mean_total")}</th>'
                   + "".join(f'<th class="num">{escape(e)}</th>' for e in exercises) + "</tr>")
        for p in report.history:
            out.append(f'<tr><td>{escape(p.name)}</td><td>{escape(p.opens[:16].replace("T", " "))}</td>'
                       f'<td class="num">{p.students}</td><td class="num">{p.mean_total_percent:.0f}%</td>'
                       + "".join(f'<td class="num">{p.exercise_means[e]:.0f}%</td>' if e in p.exercise_means
                                 else "<td></td>" for e in exercises) + "</tr>")
        out.append("</table>")

    exercise_ids = [e.exercise for e in report.exercises]
    if report.session_info:
        from dlgrade.reporting.intake import time_sources_line

        sources = time_sources_line([c for r in report.students for c in r.cells.values()], lang)
        if sources is not None:
            out.append(f'<p class="meta" id="time-sources">{escape(sources.plain)}</p>')
    if report.overrides:
        out.append(f'<h2>{t("report.overrides")}</h2><table id="overrides"><tr><th>{t("report.col.student")}</th>'
                   f'<th>{t("col.exercise")}</th><th class="num">{t("col.score")}</th><th>{t("report.col.why")}</th>'
                   f'<th>{t("report.col.by")}</th></tr>')
        for o in report.overrides:
            out.append(f'<tr><td>{escape(o["student"])}</td><td>{escape(o["exercise"])}</td>'
                       f'<td class="num">{o["score"]:g}</td><td>{escape(o["reason"])}</td>'
                       f'<td>{escape(o["by"])} · {escape(_local(o["at"], tz, "%m-%d %H:%M"))}</td></tr>')
        out.append("</table>")
    links = feedback or {}
    out.append(f'<h2>{t("report.students")}</h2><table id="students"><tr><th>{t("report.col.student")}</th>'
               f'<th>{t("report.col.name")}</th>'
               + "".join(f'<th class="num">{escape(e.exercise)}'
                         f'{f" ({e.weight:g})" if e.weight is not None else ""}</th>' for e in report.exercises)
               + f'<th class="num">{t("grade.total")}</th></tr>')
    for row in sorted(report.students, key=lambda r: r.student):
        cls = ' class="unknown"' if row.in_roster is False else ""
        sid = escape(row.student)
        if row.student in links:
            sid = f'<a class="feedback" href="{escape(links[row.student], quote=True)}">{sid}</a>'
        out.append(f'<tr{cls}><td>{sid}</td><td>{escape(row.name or "")}</td>'
                   + "".join(_cell(row.cells.get(e), lang, tz) for e in exercise_ids)
                   + f'<td class="num"><b>{row.total:.1f}</b>/{row.max_total:g}</td></tr>')
    out.append("</table>")
    out.append("</body></html>\n")
    return "".join(out)
