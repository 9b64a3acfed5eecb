"""A submitted file as the source that is graded.

A ``.py`` file is read as Python reads it (PEP 263: a UTF-8 BOM, a coding line such as
``# -*- coding: cp949 -*-``, else UTF-8), never with silent replacement characters.  A
notebook (``.ipynb``) becomes a module: its code cells in order (dlgrade.notebook).

The text that is graded travels as a plain ``str`` through every grading path (bulk
grading sends it to its grading processes as JSON), so a text that is not the file itself
says so in its first line, a comment::

    # dlgrade-source: {"kind": "notebook", "name": "ex05.ipynb"}

followed, for a notebook, by one marker comment before each cell's lines::

    # dlgrade-cell: {"cell": 5, "line": 1}

which lets feedback point into the notebook ("cell 5, line 3") instead of a line of the
generated module.  A file that cannot be read as text at all becomes only a header with
the reason (``"kind": "unreadable"``): grading turns it into a result worth 0 that says
why, in every path alike, without running anything.  Such a header in a student's own
``.py`` file changes nothing but the wording of that student's own feedback.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import PurePath

from dlgrade.grading.source_marks import HEADER, MARKER, UnreadableSource, header

def is_notebook(name: str) -> bool:
    return PurePath(str(name)).suffix.lower() == ".ipynb"


def submission_source(data: bytes, name: str) -> str:
    """The text that is graded for the submitted file ``name`` holding ``data``: the file's
    text, a notebook's generated module, or (unreadable) a header with the reason."""
    try:
        if is_notebook(name):
            from dlgrade.grading.notebook_source import notebook_source

            return notebook_source(data, _shown_name(name))
        return python_text(data, _shown_name(name))
    except UnreadableSource as problem:
        return header({"kind": "unreadable", "name": _shown_name(name), "key": problem.key,
                       "fields": problem.fields})


def _shown_name(name: str) -> str:
    """The file's own name (no folders), with nothing that could end the header's line."""
    base = PurePath(str(name).replace("\\", "/")).name or str(name)
    if ".zip:" in base:  # "kim.zip:ex05.ipynb", where bulk grading found it
        base = base.split(".zip:", 1)[1]
    return "".join(ch if ch.isprintable() else "?" for ch in base)[:200]


# --------------------------------------------------------------------------- Python's rules
def python_text(data: bytes, name: str) -> str:
    """``data`` decoded as Python decodes a source file (tokenize.detect_encoding: BOM,
    coding line, else UTF-8); raises UnreadableSource saying what is wrong and how to fix it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        declared = _declared_encoding(data)
        if declared is not None or data.startswith(codecs.BOM_UTF8):
            raise UnreadableSource("source.bad_coding_line", file=name, problem=str(exc),
                                   encoding=declared or "utf-8") from None
        encoding = "utf-8"  # no coding line, and the first lines are not UTF-8: said below
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if encoding.replace("_", "-").lower() not in ("utf-8", "utf-8-sig", "utf8"):
            raise UnreadableSource("source.not_declared_encoding", file=name, line=line,
                                   encoding=encoding) from None
        guess = guess_encoding(data)
        if guess is None:
            raise UnreadableSource("source.not_utf8", file=name, line=line) from None
        raise UnreadableSource("source.not_utf8_guess", file=name, line=line, encoding=guess) from None


def _declared_encoding(data: bytes) -> str | None:
    """The coding line's encoding name (PEP 263), if the first two lines have one."""
    for raw in data.split(b"\n", 2)[:2]:
        match = re.match(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", raw)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None


def guess_encoding(data: bytes) -> str | None:
    """What a file that is not UTF-8 most likely is, for the message: UTF-16 (Notepad's
    "Unicode"), or CP949/EUC-KR (Korean Windows) when the bytes decode to Hangul."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    if any("\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" for ch in text):
        return "CP949/EUC-KR"
    return None


# --------------------------------------------------------------------------- reading it back
@dataclass
class SourceInfo:
    """What a graded text says about itself (its header), and where its lines came from."""

    kind: str = "python"  #: python, notebook, kernel (a running notebook) or unreadable
    name: str = ""  #: the submitted file's name ("" for a plain file)
    problem: UnreadableSource | None = None  #: why nothing can be graded (unreadable)
    #: (the marker's line in the text, where the lines after it come from) per marker, in order:
    #: {"cell": 5, "line": 1} (a notebook file), {"in": 7, "line": 3} (a running notebook),
    #: {"file": "conv.py", "line": 10} (a student's file it imported) or {} (written by dlgrade)
    chunks: list[tuple[int, dict]] = field(default_factory=list)

    def position(self, line: int) -> dict | None:
        """The cell and line in it of the generated module's ``line``, or None."""
        found = None
        for start, where in self.chunks:
            if start < line:
                found = (start, where)
            else:
                break
        if found is None:
            return None
        start, where = found
        return {**where, "line": int(where.get("line", 1)) + line - start - 1}

    def where(self, line: int) -> str | None:
        """"cell 5, line 3" (a notebook file) or "In [7], line 3" (a running notebook)."""
        pos = self.position(line)
        if pos is None:
            return None
        if "in" in pos:
            return f"In [{pos['in']}], line {pos['line']}"
        if "cell" in pos:
            return f"cell {pos['cell']}, line {pos['line']}"
        if "file" in pos:
            return f"{pos['file']}, line {pos['line']}"
        return None


def describe(source: str) -> SourceInfo:
    """The SourceInfo of a graded text (a plain file's text has none of its own)."""
    if not source.startswith(HEADER):
        return SourceInfo()
    first, _, rest = source.partition("\n")
    try:
        info = json.loads(first[len(HEADER):])
        kind = str(info["kind"])
    except (ValueError, KeyError, TypeError):
        return SourceInfo()
    result = SourceInfo(kind=kind, name=str(info.get("name", "")))
    if kind == "unreadable":
        try:
            fields = {str(k): v for k, v in dict(info.get("fields") or {}).items()}
            from dlgrade.messages import MESSAGES

            key = str(info.get("key"))
            if key.startswith("source.") and key in MESSAGES:
                problem = UnreadableSource(key, **fields)
                problem.text("en")  # every field the message needs is there
                result.problem = problem
        except (TypeError, ValueError, KeyError, IndexError):
            pass
        if result.problem is None:
            result.problem = UnreadableSource("source.unreadable", file=result.name or "?")
        return result
    for number, line in enumerate(rest.split("\n"), 2):
        if line.startswith(MARKER):
            try:
                where = json.loads(line[len(MARKER):])
            except ValueError:
                continue
            if isinstance(where, dict) and isinstance(where.get("line", 1), int):
                result.chunks.append((number, where))
    return result


_TRACEBACK_LINE = r'File "{file}", line (\d+)'
_LOADED = r"^{file} could not be loaded: "
_SYNTAX = r"\(line (\d+)\)$"  #: at the end of "… could not be loaded: invalid syntax (line 12)"
_STATIC = r"^line (\d+): "


def relocate(text: str, info: SourceInfo, filename: str) -> str:
    """A check's message with the generated module's line numbers turned into places in the
    notebook: tracebacks ('File "ex05.ipynb", cell 5, line 3'), syntax errors ("(cell 5,
    line 3)") and forbidden names found in the source ("cell 5, line 3: …")."""
    if not info.chunks or not text:
        return text
    shown = info.name or filename
    file = re.escape(filename)

    def traceback_line(match):
        where = info.where(int(match.group(1)))
        if not where:
            return match.group(0)
        return f"Cell {where}" if info.kind == "kernel" else f'File "{shown}", {where}'

    def syntax(match):
        where = info.where(int(match.group(1)))
        return f"({where})" if where else match.group(0)

    def static(match):
        where = info.where(int(match.group(1)))
        return f"{where}: " if where else match.group(0)

    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines):
        line = re.sub(_TRACEBACK_LINE.format(file=file), traceback_line, line)
        if n == 0:
            line = re.sub(_LOADED.format(file=file), lambda m: f"{shown} could not be loaded: ", line)
            if " could not be loaded: " in line:
                line = re.sub(_SYNTAX, syntax, line)
            line = re.sub(_STATIC, static, line)
        out.append(line)
    return "\n".join(out)
