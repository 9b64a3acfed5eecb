"""All terminal output goes through here: a rich Console with markup off, so
text from student code is never parsed as markup.  Results to stdout,
diagnostics to stderr."""

from __future__ import annotations

from rich.console import Console


class Output:
    def __init__(self, *, no_color: bool = False):
        self.out = Console(markup=False, highlight=False, no_color=no_color, soft_wrap=False)
        self.err = Console(stderr=True, markup=False, highlight=False, no_color=no_color)

    def print(self, *objects, **kwargs):
        self.out.print(*objects, **kwargs)

    def warn(self, text: str):
        self.err.print(text, style="yellow")

    def raw(self, text: str):
        """Exactly this text on stdout (for --json): no wrapping, no styling."""
        self.out.file.write(text + "\n")
        self.out.file.flush()
