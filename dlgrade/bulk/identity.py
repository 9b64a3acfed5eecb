"""Student ids: how an entry's name becomes an id, when two names mean the same student,
and file names made from ids that can never collide.

An id is the entry's name in Unicode NFC (macOS writes Korean names in NFD), stripped.
Two ids are the *same student* when their identity keys are equal: the key also folds
case and compatibility forms (full-width letters), drops invisible format and control
characters, and ignores separators (``-``, ``_``, ``.``, ``·``, spaces).  So ``Kim Minji``,
``kim_minji``, ``KIM-MINJI`` and ``kimminji`` are one student, and so are ``홍길동`` in NFC
and in NFD.  The intake never picks one of such entries: it reports them as a conflict.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SEPARATORS = re.compile(r"[\s\-_.·‐-―]+")
#: Names Windows reserves whatever the extension (feedback folders get copied to Windows laptops).
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_STEM = 80  #: characters of an id kept in a file name


def normalise_id(name: str) -> str:
    """The student id an entry's name stands for: NFC, surrounding spaces removed."""
    return unicodedata.normalize("NFC", name).strip()


def student_id(name: str) -> str | None:
    """The student id ``name`` stands for (an entry of the submissions folder, the id
    Gradescope gives): readable text (:func:`dlgrade.inert.readable_id`), NFC, stripped; None
    when it names no one (nothing is left of it once case, separators, control and format
    characters are set aside)."""
    from dlgrade.inert import readable_id

    student = readable_id(normalise_id(name))  # stripped first: a trailing newline is not part of the id
    return student if identity_key(student) else None


def identity_key(student: str) -> str:
    """What two ids of the same student have in common (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", student)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return SEPARATORS.sub("", text.casefold())


def _slug(student: str) -> str:
    """The id as a portable file-name stem: letters (any script), digits, ``-``, ``_``, ``.``
    kept; everything else (``/``, ``\\``, ``:``, control characters, spaces) becomes ``_``."""
    text = unicodedata.normalize("NFC", student)
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
    slug = slug.strip(". ")[:MAX_STEM]  # no hidden files, no "..", no trailing dot (Windows drops it)
    return slug


def _digest(student: str, length: int) -> str:
    return hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def file_stems(students) -> dict[str, str]:
    """id → a file-name stem for each id, distinct even on a case-insensitive file system
    (macOS, Windows). The stem is the id itself when that is safe and unambiguous; otherwise
    the id's portable form followed by a short hash of the exact id (``Kim-9f2c41d0``)."""
    students = sorted(set(students))
    slugs = {s: _slug(s) for s in students}
    folded: dict[str, int] = {}
    for s in students:
        key = slugs[s].casefold()
        folded[key] = folded.get(key, 0) + 1
    def hashed(student: str, length: int) -> str:
        # No dot before the hash: Windows reads "CON.txt-…" as the device CON.
        return f"{slugs[student].replace('.', '_') or 'student'}-{_digest(student, length)}"

    stems: dict[str, str] = {}
    for s in students:
        slug = slugs[s]
        plain = (slug == s and slug and folded[slug.casefold()] == 1
                 and slug.split(".")[0].casefold() not in WINDOWS_RESERVED)
        stems[s] = slug if plain else hashed(s, 8)
    # A plain stem could still equal another id's hashed stem; lengthen hashes until all differ.
    length = 8
    while len({v.casefold() for v in stems.values()}) < len(stems):
        length += 4
        stems = {s: v if v == s else hashed(s, length) for s, v in stems.items()}
    return stems
