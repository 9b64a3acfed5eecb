"""The intake summary for the terminal: what became of every entry of a submissions folder.

Names come from students (folder and file names): they are passed as ``Text``, never markup.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from dlgrade.bulk.collect import Intake
from dlgrade.inert import one_line
from dlgrade.messages import say

MAX_FILE_LINES = 30  #: lines about single files (renamed, not taken) before "more in --json"


def intake_lines(intake: Intake, lang: str) -> list[Text]:
    """The counts, then every skipped entry, conflict and refusal, then the files worth a look
    (taken under another name, not taken), the last capped at MAX_FILE_LINES."""
    lines = [Text(say("intake.title", lang) + ": " + say("intake.counts", lang, **intake.counts()), style="bold")]
    for entry in intake.entries:
        if entry.status == "skipped" and entry.note.key != "intake.entry_hidden":
            lines.append(Text(say("intake.line.skipped_entry", lang, name=entry.name, reason=entry.note.text(lang)),
                              style="yellow"))
    hidden = sum(1 for e in intake.entries if e.status == "skipped" and e.note.key == "intake.entry_hidden")
    if hidden:
        lines.append(Text(say("intake.line.skipped_entry", lang, name=f"({hidden})",
                              reason=say("intake.entry_hidden", lang)), style="dim"))
    for conflict in intake.conflicts:
        lines.append(Text(say("intake.line.conflict", lang, entries=", ".join(conflict.entries),
                              students=", ".join(conflict.students)), style="bold red"))
    file_lines: list[Text] = []
    for sub in intake.submissions:
        for note in sub.notes:
            key = "intake.line.refused" if sub.refused else "intake.line.problem"
            lines.append(Text(say(key, lang, student=sub.student, reason=note.text(lang)),
                              style="red" if sub.refused else "yellow"))
        for ex_id, file in sub.files.items():
            if file.match != "exact":
                file_lines.append(Text(say("intake.line.taken", lang, student=sub.student, exercise=ex_id,
                                           path=file.path, how=say(f"intake.how.{file.match}", lang))))
        for skipped in sub.skipped:
            file_lines.append(Text(say("intake.line.not_taken", lang, student=sub.student, path=skipped.path,
                                       reason=skipped.note.text(lang)), style="dim"))
        if sub.unlisted:
            file_lines.append(Text(say("intake.line.more", lang, student=sub.student, n=sub.unlisted), style="dim"))
    lines += file_lines[:MAX_FILE_LINES]
    if len(file_lines) > MAX_FILE_LINES:
        lines.append(Text(say("intake.line.more", lang, student="…", n=len(file_lines) - MAX_FILE_LINES), style="dim"))
    # Each is one line, whatever the names in it hold (file and entry names are the students').
    return [Text(one_line(line.plain), style=line.style) for line in lines]


def time_source_counts(cells) -> Counter:
    """How many graded cells took their time from each source."""
    return Counter(c.get("time_source") for c in cells if c.get("status") == "graded")


def time_sources_line(cells, lang: str) -> Text | None:
    """`submission times from: modification time in the submissions folder 5 · the --times file 1`."""
    counts = time_source_counts(cells)
    if not counts:
        return None
    parts = [f"{say(f'intake.time.{source}', lang)} {n}" for source, n in sorted(counts.items(), key=lambda kv: str(kv[0]))]
    return Text(say("session.times_from", lang, source=" · ".join(parts)), style="dim")
