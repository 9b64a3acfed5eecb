"""All terminal output goes through here: a rich Console with markup off, so
text from student code is never parsed as markup, and every character a terminal
could interpret (escape sequences, control characters) written out visibly
(:func:`dlgrade.inert.visible`), whatever rendering it comes from.  Results to
stdout, diagnostics to stderr.

A console that cannot encode every character (a Korean Windows console or a pipe
in CP949, cp437, ASCII) gets a plain equivalent of each one it cannot encode — a
hyphen for the em dash, OK for ✓, nothing for an emoji, ? for anything else —
never a UnicodeEncodeError: the standard streams are switched to the
``dlgrade-plain`` error handler.  (rich already draws its tables with ASCII there.)
"""

from __future__ import annotations

import codecs
import sys

from dlgrade.inert import clean, visible

#: plain equivalents of the characters dlgrade prints that legacy code pages lack
PLAIN = {
    "\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-",  # dashes, minus
    "\u2713": "OK", "\u2714": "OK", "\u2717": "X", "\u2718": "X",  # check marks, crosses
    "\u23f1": "T", "\u26d4": "X", "\u26a0": "!",  # stopwatch, no entry, warning
    "\u2026": "...", "\u2192": "->", "\u2190": "<-", "\u21d2": "=>", "\u00b7": "-", "\u2022": "*",
    "\u00d7": "x", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u00b1": "+-",
    "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u00a0": " ",
    "\u00b2": "^2", "\u00b3": "^3", "\u00b9": "^1",
    "\u2500": "-", "\u2502": "|", "\u250c": "+", "\u2510": "+", "\u2514": "+", "\u2518": "+",
    "\u251c": "+", "\u2524": "+", "\u252c": "+", "\u2534": "+", "\u253c": "+",
    "\u2501": "-", "\u2503": "|", "\u2550": "=", "\u2551": "|", "\u2588": "#", "\u2591": ".",
    "\ufe0f": "", "\u200d": "",  # emoji variation selector, joiner
}
ERRORS = "dlgrade-plain"


def plain(text: str) -> str:
    """``text`` with each character in PLAIN replaced, emoji removed, the rest kept."""
    return "".join(_plain_char(ch) if ch in PLAIN or _is_emoji(ch) else ch for ch in text)


def _is_emoji(ch: str) -> bool:
    return "\U0001f000" <= ch <= "\U0001faff" or "\u2600" <= ch <= "\u27bf"


def _plain_char(ch: str) -> str:
    if ch in PLAIN:
        return PLAIN[ch]
    return "" if _is_emoji(ch) else "?"


def _plain_errors(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_plain_char(ch) for ch in error.object[error.start:error.end]), error.end


codecs.register_error(ERRORS, _plain_errors)


def plain_when_unencodable(stream) -> None:
    """Make ``stream`` write plain equivalents of what its encoding cannot encode (a text
    stream that can be reconfigured and does not encode UTF-8; others are left alone)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if not encoding or encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
        return
    try:
        stream.reconfigure(errors=ERRORS)
    except (ValueError, OSError):
        pass


def plain_standard_streams() -> None:
    """Both standard streams write plain equivalents of what they cannot encode (at start-up,
    before click prints help or a usage error)."""
    plain_when_unencodable(sys.stdout)
    plain_when_unencodable(sys.stderr)


def inert_console(**options):
    """A rich Console that shows, never interprets, control characters in what it renders.

    Renderings that hold student text pass it through :func:`visible` themselves, so that
    columns line up; this is the guarantee for anything that does not: every segment of
    text is made visible here, and only rich's own control segments (cursor moves of a
    live view) reach the terminal as codes.  (rich is imported here: dlgrade --help starts
    without it.)"""
    from rich.console import Console
    from rich.segment import Segment

    class InertConsole(Console):
        def render(self, renderable, options=None):
            for segment in super().render(renderable, options):
                if segment.control or not segment.text:
                    yield segment
                else:
                    yield Segment(visible(segment.text), segment.style, segment.control)

    return InertConsole(**options)


class Output:
    def __init__(self, *, no_color: bool = False):
        plain_standard_streams()
        self.out = inert_console(markup=False, highlight=False, no_color=no_color, soft_wrap=False)
        self.err = inert_console(stderr=True, markup=False, highlight=False, no_color=no_color)

    def print(self, *objects, **kwargs):
        self.out.print(*objects, **kwargs)

    def warn(self, text: str):
        self.err.print(visible(text), style="yellow")

    def raw(self, text: str):
        """Exactly this text on stdout (for --json): no wrapping, no styling; lone surrogates
        (which no encoding can write) as U+FFFD."""
        self.out.file.write(clean(text, None) + "\n")
        self.out.file.flush()
