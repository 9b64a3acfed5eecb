"""What every reader of a submission writes and knows: the comment lines that say where
graded text came from (``# dlgrade-source: {...}`` first, ``# dlgrade-cell: {...}`` before each
notebook cell; see :mod:`dlgrade.grading.source`), the largest notebook read, and the
exception a file that cannot become source text raises.  Shared by the ``.py`` reader
(:mod:`dlgrade.grading.source`) and the notebook reader (:mod:`dlgrade.grading.notebook_source`),
which each import it and not each other.
"""

from __future__ import annotations

import json

HEADER = "# dlgrade-source: "
MARKER = "# dlgrade-cell: "

#: How large a notebook may be: its outputs (plots, printed tables) are ignored but read.
MAX_NOTEBOOK_BYTES = 16 << 20


class UnreadableSource(Exception):
    """The file cannot be turned into source text; ``key`` and ``fields`` name the message
    (dlgrade.messages, in Korean and English)."""

    def __init__(self, key: str, **fields):
        self.key = key
        self.fields = fields
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        from dlgrade.messages import say

        return say(self.key, lang, **self.fields)


def header(info: dict) -> str:
    return HEADER + json.dumps(info, ensure_ascii=True) + "\n"


def marker(info: dict) -> str:
    return MARKER + json.dumps(info, ensure_ascii=True) + "\n"
