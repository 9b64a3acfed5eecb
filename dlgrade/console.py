"""All terminal output goes through here: a rich Console with markup off, so
text from student code is never parsed as markup, and every character a terminal
could interpret (escape sequences, control characters) written out visibly
(:func:`dlgrade.inert.visible`), whatever rendering it comes from.  Results to
stdout, diagnostics to stderr."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment

from dlgrade.inert import clean, visible


class InertConsole(Console):
    """A Console that shows, never interprets, control characters in what it renders.

    Renderings that hold student text pass it through :func:`visible` themselves, so that
    columns line up; this is the guarantee for anything that does not: every segment of
    text is made visible here, and only rich's own control segments (cursor moves of a
    live view) reach the terminal as codes."""

    def render(self, renderable, options=None):
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style, segment.control)


class Output:
    def __init__(self, *, no_color: bool = False):
        self.out = InertConsole(markup=False, highlight=False, no_color=no_color, soft_wrap=False)
        self.err = InertConsole(stderr=True, markup=False, highlight=False, no_color=no_color)

    def print(self, *objects, **kwargs):
        self.out.print(*objects, **kwargs)

    def warn(self, text: str):
        self.err.print(visible(text), style="yellow")

    def raw(self, text: str):
        """Exactly this text on stdout (for --json): no wrapping, no styling; lone surrogates
        (which no encoding can write) as U+FFFD."""
        self.out.file.write(clean(text, None) + "\n")
        self.out.file.flush()
