"""Text from students made inert for every place it is shown or stored.

A student controls ids (folder and file names), what their code prints and the messages
of the exceptions it raises.  Any of it may hold lone surrogates (which UTF-8, SQLite and
JSON encoders refuse), terminal escape sequences (which would repaint or retitle the
instructor's terminal), characters XML cannot hold, or a spreadsheet formula.  Each
function here is the one place one of those renderings is made safe:

- :func:`clean` — any str as valid Unicode (lone surrogates → U+FFFD), within a length:
  what results hold, so that the gradebook, JSON and every rendering can encode them;
- :func:`visible` — for the terminal: escape and control characters shown as ``\\x1b``,
  never interpreted (the console applies it to everything it prints);
- :func:`csv_cell` — a spreadsheet cell that cannot be a formula (OWASP CSV injection);
- :func:`xml_text` — text XML 1.0 can hold.
"""

from __future__ import annotations

import re

#: The longest text a result keeps in one field (a message, the printed output); the rest
#: is cut with a note.  Feedback longer than this is never useful, and a hostile reply must
#: not make every later rendering slow.
MAX_TEXT = 20_000

_SURROGATE = re.compile("[\ud800-\udfff]")

#: Characters a terminal may interpret or that hide what follows: C0 controls except tab and
#: newline, DEL, C1 controls (0x9b is a one-byte CSI), and every character Unicode calls a
#: format character (category Cf: zero-width characters, direction marks and overrides, the
#: soft hyphen, the invisible tag characters U+E0020–E007F that can carry a hidden text,
#: BOM…), line/paragraph separators and lone surrogates.  Written out as ranges (built from
#: ``unicodedata`` it would cost a third of a second at every start); a test compares them
#: with the interpreter's Unicode database.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")

#: Characters XML 1.0 forbids (and lone surrogates, which no encoding of it can hold).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: OWASP: a cell beginning with one of these may be run as a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text, limit: int | None = MAX_TEXT) -> str:
    """``text`` as a str every encoder accepts: lone surrogates become U+FFFD (a valid pair
    stays the character it encodes), and at most ``limit`` characters are kept."""
    if not isinstance(text, str):
        text = str(text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"\n… ({len(text) - limit} more characters not shown)"
    return text


#: What ends a line (str.splitlines) and tab: the characters the terminal keeps in messages.
_LINE_BREAKS = re.compile("[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")


def readable_id(name: str) -> str:
    """A student id (a folder or file name) every encoder accepts, keeping names apart: bytes
    that were not UTF-8 (decoded by the OS as lone surrogates) are written as ``\\xff``, so
    two such names stay two ids and a rerun gives the same id.  An id is one line: what would
    end a line, and tab, is written out as ``\\x0a`` (the terminal keeps newline and tab in
    messages, and a name would otherwise write lines of its own choosing into a summary)."""
    if _SURROGATE.search(name):
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if all(0xDC80 <= ord(c) <= 0xDCFF for c in _SURROGATE.findall(name)) else clean(name, None)
    return one_line(name)


def one_line(text: str) -> str:
    """``text`` on one line: what would end a line, and tab, written out as ``\\x0a``."""
    return _LINE_BREAKS.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text) -> str:
    """``text`` for a terminal: every escape or control character (but newline and tab)
    written out as ``\\x1b``/``\\u202e``, so that nothing in it is interpreted."""
    if not isinstance(text, str):
        text = str(text)
    return _INVISIBLE.sub(_escape, text)


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: a str beginning with = + - @, tab or CR gets a
    leading single quote (OWASP).  Numbers are left alone, so a score stays a number (a
    negative one included); only text a person or a student wrote is neutralised."""
    if isinstance(value, str):
        value = clean(value, None)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def xml_text(text) -> str:
    """``text`` with the characters XML 1.0 cannot hold removed (the document always parses)."""
    if not isinstance(text, str):
        text = str(text)
    return _NOT_XML.sub("", text)
