"""The intake: how a folder of student folders or LMS archives becomes "student × exercise
→ file", with every entry accounted for.  One implementation for ``dlgrade grade``,
``dlgrade session grade/watch`` and the Gradescope autograder.

**Entries.**  Each entry of the submissions folder is a student folder, a student archive
(``.zip``, ``.tar.gz``, ``.tgz``, ``.tar``; the id is its name without the suffix), or
skipped with its reason: a symbolic link (never followed), hidden files and OS litter
(``.DS_Store``, ``__MACOSX``, ``Thumbs.db``), or a stray file that is neither.

**Identity.**  Two entries whose ids name the same student (see :mod:`dlgrade.bulk.identity`:
case, NFC/NFD, separators, full-width forms) are a *conflict*: neither is read, both are
reported, nothing is recorded under that id until the instructor renames or removes one.

**Files.**  Inside a student's entry (folders, archives, and archives inside them up to
``MAX_DEPTH``), an exercise's file is, in this order of preference:

1. a file with the stub's exact name (``conv.py``);
2. the stub's name as uploads and LMSs rename it: another case (``Conv.py``), a copy
   number or copy mark (``conv (1).py``, ``conv-2.py``, ``conv - 복사본.py``), or the
   exercise's id or folder (``ex05.py``, ``ex05_correlate2d.py``);
3. a notebook: ``conv.ipynb``, ``ex05.ipynb``, ``ex05_correlate2d.ipynb`` (renamed the same
   ways) — handed over as the exercise's file (its ``name`` ends in ``.ipynb``).  **When a
   student hands in both a .py and a notebook for one exercise, the .py is graded** (it is
   the file the stub asks for) and the notebook is listed as not taken — **unless the .py is
   not the student's work**: the exercise's untouched stub (whitespace aside), or a file
   defining none of the exercise's functions while the notebook defines one
   (dlgrade.grading.notebook_choice); then the notebook is graded and the .py listed with the reason;
4. with ``sole_file`` (the Gradescope autograder, where one upload is one exercise): the
   only Python file or notebook handed in.

Within one rank, a file inside the exercise's folder (``ex05_correlate2d/``, ``ex05/``)
wins, then the shallowest, then the first by name; every other candidate is listed as not
taken, with the reason.  Python files and notebooks that match no exercise are listed too.

**Archives.**  Nothing from an archive is ever written to disk: the files an exercise needs
are read into memory after the archive as a whole has been checked.  An entry that climbs
out (``../``, an absolute path, a drive letter), a symbolic or hard link, a device, two
entries of the same name, more than ``MAX_FILES`` entries or more than ``MAX_TOTAL_BYTES``
(or a compression ratio above ``MAX_RATIO``: a zip bomb) refuses the student's whole
submission with the reason.

**Times.**  A file's *arrival time* is the modification time, in the submissions folder, of
what arrived there: the student's archive (for every file inside it) or the file itself in
a student folder.  The time written inside an archive is the student's to set; it is kept
as ``stated_at`` and used for late policies only when a session file asks for it
(``times_from: archive_entries``).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import stat
import tarfile
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath
from typing import Callable

from dlgrade.bulk.identity import identity_key, normalise_id, student_id
from dlgrade.course import Exercise

MAX_FILES = 2000  #: entries in one student's folder or archive (archives inside it included)
MAX_TOTAL_BYTES = 64 << 20  #: uncompressed size of one student's archives
MAX_RATIO = 200  #: uncompressed / compressed size of one zip entry
MAX_FILE_BYTES = 1 << 20  #: a single source file or notebook
MAX_NESTED_BYTES = 16 << 20  #: an archive inside a student's entry (read into memory)
MAX_DEPTH = 2  #: archives inside archives: the student's zip holding hw.zip holding conv.py is 2
IGNORED_PARTS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", ".venv", "venv", "site-packages",
                 "node_modules", ".idea", ".vscode"}
OS_LITTER = {".ds_store", "thumbs.db", "desktop.ini"}
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
NOTEBOOK = ".ipynb"
LISTED_PER_STUDENT = 20  #: files not taken, listed one by one per student (the rest counted)

#: Where a submission time came from (stored with it; the reports say which).
TIME_FOLDER = "folder"  #: modification time of what arrived in the submissions folder
TIME_ARCHIVE_ENTRY = "archive_entry"  #: the time written inside the student's archive
TIME_TIMES = "times"  #: the instructor's --times file
TIME_SOURCES = (TIME_FOLDER, TIME_ARCHIVE_ENTRY, TIME_TIMES)


@dataclass(frozen=True)
class Note:
    """Something the intake has to tell the instructor: a message key and its fields."""

    key: str  #: a key of dlgrade.messages (intake.*)
    fields: dict = field(default_factory=dict, hash=False)

    def text(self, lang: str = "en") -> str:
        from dlgrade.messages import say

        return say(self.key, lang, **self.fields)


class _Refused(Exception):
    """The student's entry is unsafe as a whole."""

    def __init__(self, note: Note):
        super().__init__(note.key)
        self.note = note


@dataclass
class SubmittedFile:
    """One exercise's file from one student."""

    source: str  #: the file's text
    path: str  #: where it was found (for the gradebook), e.g. "kim.zip:hw/conv.py"
    submitted_at: str  #: ISO time (UTC) it arrived: see ``time_source``
    content_hash: str  #: sha256 of the bytes
    name: str = ""  #: the file's own name as handed in, e.g. "conv (1).py" or "ex05.ipynb"
    time_source: str = TIME_FOLDER  #: where ``submitted_at`` came from (TIME_SOURCES)
    stated_at: str | None = None  #: ISO time written inside the archive (the student's to set), if any
    match: str = "exact"  #: how it was recognised: exact, renamed, notebook or sole

    @classmethod
    def from_bytes(cls, data: bytes, path: str, when: datetime, **details) -> "SubmittedFile":
        """The file as graded: a ``.py`` decoded as Python decodes it, a notebook's code cells
        (dlgrade.grading.source)."""
        from dlgrade.grading.source import submission_source

        name = details.get("name") or path
        return cls(source=submission_source(data, name), path=path, submitted_at=_iso(when),
                   content_hash=hashlib.sha256(data).hexdigest(), **details)

    @property
    def is_notebook(self) -> bool:
        return self.name.lower().endswith(NOTEBOOK)

    def to_dict(self) -> dict:
        return {"path": self.path, "name": self.name, "match": self.match, "submitted_at": self.submitted_at,
                "time_source": self.time_source, "stated_at": self.stated_at, "content_hash": self.content_hash}


@dataclass
class Skipped:
    """A file of a student's entry that was not taken, and why."""

    path: str
    note: Note


@dataclass
class StudentSubmission:
    """Everything one student handed in."""

    student: str  #: the student id: the folder's or archive's name
    origin: str  #: the folder or archive it came from
    files: dict[str, SubmittedFile] = field(default_factory=dict)  #: exercise id → file
    notes: list[Note] = field(default_factory=list)  #: what went wrong reading it
    refused: bool = False  #: the whole submission was refused (unsafe archive)
    skipped: list[Skipped] = field(default_factory=list)  #: candidate files not taken, with the reason
    unlisted: int = 0  #: more skipped files than listed
    other_files: int = 0  #: files not read: neither Python nor notebooks (data, PDFs…), or another exercise's

    @property
    def problems(self) -> list[str]:
        """The notes, in English (the gradebook's note column)."""
        return [n.text("en") for n in self.notes]

    def skip(self, path: str, note: Note) -> None:
        if len(self.skipped) < LISTED_PER_STUDENT:
            self.skipped.append(Skipped(path, note))
        else:
            self.unlisted += 1

    def to_dict(self, exercises: list[Exercise], lang: str = "en") -> dict:
        out = {}
        for ex in exercises:
            if ex.id in self.files:
                out[ex.id] = {"status": "taken", **self.files[ex.id].to_dict()}
            else:
                out[ex.id] = {"status": "refused" if self.refused else "not_submitted"}
        return {"student": self.student, "origin": decoded(Path(self.origin).name), "refused": self.refused,
                "exercises": out, "problems": [n.text(lang) for n in self.notes],
                "skipped": [{"path": s.path, "reason": s.note.text(lang)} for s in self.skipped],
                "skipped_unlisted": self.unlisted, "other_files": self.other_files}


@dataclass
class Entry:
    """One entry of the submissions folder and what became of it."""

    name: str  #: its name in the folder
    kind: str  #: folder, archive, file, link, other
    status: str  #: student, conflict, skipped
    student: str | None = None  #: the id it was read as (student and conflict)
    note: Note | None = None  #: why it was skipped, or the conflict

    def to_dict(self, lang: str = "en") -> dict:
        return {"name": self.name, "kind": self.kind, "status": self.status, "student": self.student,
                "reason": self.note.text(lang) if self.note else None}


@dataclass
class Conflict:
    """Entries whose ids name the same student: none of them is read."""

    key: str  #: their common identity key
    entries: list[str]  #: the entries' names
    students: list[str]  #: the ids they were read as


@dataclass
class Intake:
    """What the intake made of a submissions folder."""

    folder: str
    exercises: list[Exercise]
    submissions: list[StudentSubmission] = field(default_factory=list)  #: by student id; conflicts left out
    entries: list[Entry] = field(default_factory=list)  #: every entry of the folder, by name
    conflicts: list[Conflict] = field(default_factory=list)
    partial: bool = False  #: only some students' entries were read (a watcher's step)

    @property
    def conflicted(self) -> set[str]:
        """Every id involved in a conflict."""
        return {s for c in self.conflicts for s in c.students}

    def counts(self) -> dict:
        cells = [(sub, ex) for sub in self.submissions for ex in self.exercises]
        return {"entries": len(self.entries), "students": len(self.submissions),
                "taken": sum(ex.id in sub.files for sub, ex in cells),
                "not_submitted": sum(ex.id not in sub.files and not sub.refused for sub, ex in cells),
                "refused_students": sum(sub.refused for sub in self.submissions),
                "conflicts": len(self.conflicts),
                "skipped_entries": sum(e.status == "skipped" for e in self.entries),
                "skipped_files": sum(len(sub.skipped) + sub.unlisted for sub in self.submissions)}

    @property
    def needs_attention(self) -> bool:
        """Conflicts: entries left ungraded until the instructor renames or removes one.  (A refused
        archive is that student's result, recorded as refused with its reason, like any other.)"""
        return bool(self.conflicts)

    def to_dict(self, lang: str = "en") -> dict:
        return {"folder": self.folder, "exercises": [ex.id for ex in self.exercises], "partial": self.partial,
                "counts": self.counts(),
                "entries": [e.to_dict(lang) for e in self.entries],
                "conflicts": [{"students": c.students, "entries": c.entries, "key": c.key} for c in self.conflicts],
                "students": [s.to_dict(self.exercises, lang) for s in self.submissions]}


class CollectError(Exception):
    """The submissions folder itself is unusable (missing, not a folder)."""


def decoded(name: str) -> str:
    """A file name as text, NFC: a name that is not UTF-8 on disk (an archive unpacked on Linux
    from Korean Windows keeps CP949 bytes) is read as CP949, else its bytes are written as
    ``\\xff`` escapes, so that two such names stay two students and a rerun gives the same id."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            name = raw.decode("cp949")
        except UnicodeDecodeError:
            name = raw.decode("utf-8", errors="backslashreplace")
    return normalise_id(name)


def file_limit(name: str) -> int:
    """The largest file taken as an exercise's file named ``name``: a notebook's outputs
    (plots) are read, not graded, so a notebook may be larger."""
    from dlgrade.grading.source import is_notebook
    from dlgrade.grading.source_marks import MAX_NOTEBOOK_BYTES

    return MAX_NOTEBOOK_BYTES if is_notebook(name) else MAX_FILE_BYTES


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _mtime(st: os.stat_result) -> datetime:
    return datetime.fromtimestamp(st.st_mtime, timezone.utc)


# ----------------------------------------------------------------------------- names
def _loose(name: str) -> str:
    """'Conv (1).py', 'conv-2.py', 'conv_copy.py', 'conv - 복사본.py' → 'conv.py': how uploads,
    LMSs and file managers rename a file."""
    stem, dot, ext = normalise_id(name).lower().rpartition(".")
    if not dot:
        return stem
    stem = re.sub(r"(\s*\(\d+\)|[-_ ]\d+|\s*[-_ ]?\s*(copy|복사본|사본))+$", "", stem.strip())
    return f"{stem.strip()}.{ext}"


def _names(exercise: Exercise) -> tuple[set[str], set[str]]:
    """(loose .py names, loose notebook names) that stand for ``exercise``."""
    stem = exercise.file.rsplit(".", 1)[0].lower()
    stems = {stem, exercise.id.lower(), exercise.folder.lower()}
    return {f"{s}.py" for s in stems}, {f"{s}{NOTEBOOK}" for s in stems}


def archive_stem(name: str) -> str | None:
    """The name without its archive suffix, or None if it is not an archive's name."""
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return None


def _litter(name: str) -> bool:
    return name in IGNORED_PARTS or name.startswith("._") or name.lower() in OS_LITTER


def _ignored(parts) -> bool:
    return any(_litter(p) for p in parts)


def _code(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".py") or lower.endswith(NOTEBOOK)


# ----------------------------------------------------------------------------- files of one entry
@dataclass
class _Item:
    """A file of a student's entry: where, how big, how to read it, when it arrived."""

    path: PurePosixPath  #: inside the student's entry (an archive inside it counts as a folder)
    shown: str  #: for the gradebook and the instructor
    size: int
    read: Callable[[], bytes]
    arrived: datetime
    stated: datetime | None = None


class _Reader:
    """Reads one student's entry into _Items, within the limits, refusing unsafe archives."""

    def __init__(self, sub: StudentSubmission, zip_timezone: tzinfo, stack: ExitStack):
        self.sub, self.zip_timezone, self.stack = sub, zip_timezone, stack
        self.items: list[_Item] = []
        self.count = 0
        self.expanded = 0  # bytes declared by archives so far

    def tally(self, label: str) -> None:
        self.count += 1
        if self.count > MAX_FILES:
            raise _Refused(Note("intake.too_many", {"entry": label, "limit": MAX_FILES}))

    def room(self, label: str) -> bool:
        """Whether a student's folder may still be read (past MAX_FILES files, the rest is not)."""
        self.count += 1
        if self.count == MAX_FILES + 1:
            self.sub.notes.append(Note("intake.too_many_files", {"entry": label, "limit": MAX_FILES}))
        return self.count <= MAX_FILES

    def add(self, path: PurePosixPath, shown: str, size: int, read, arrived, stated=None, depth: int = 0) -> None:
        name = path.name
        if archive_stem(name) and depth < MAX_DEPTH:
            if size > MAX_NESTED_BYTES:
                self.sub.skip(shown, Note("intake.nested_too_large", {"limit": MAX_NESTED_BYTES >> 20}))
                return
            self.archive(io.BytesIO(read()), name, shown, path, arrived, depth + 1)
        elif archive_stem(name):
            self.sub.skip(shown, Note("intake.too_deep", {"depth": MAX_DEPTH}))
        elif _code(name):
            self.items.append(_Item(path, shown, size, read, arrived, stated))
        else:
            self.sub.other_files += 1

    # ---- folders
    def folder(self, root: Path, shown_root: str) -> None:
        """Every file below the student's folder ``root``, walked by descriptors: a folder is
        entered only through the descriptor of the folder it was listed in, never through a
        link, and only if it is still the folder that was listed; a file is later read through
        those same folders (``_beneath_reader``).  A folder swapped for a symbolic link at any
        moment never leads outside ``root``.  (os.fwalk does the same walk, but before Python
        3.13 a folder that cannot be listed ends it with an exception.)"""
        try:
            root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
        except OSError as exc:
            self.sub.skip(shown_root, Note("intake.unreadable", {"error": exc.strerror or exc}))
            return
        self.stack.callback(os.close, root_fd)
        self._walk(root, root_fd, root_fd, PurePosixPath(), shown_root, 0)

    def _walk(self, root: Path, root_fd: int, dir_fd: int, here: PurePosixPath, shown_root: str, depth: int) -> bool:
        """One folder (open as ``dir_fd``, at ``here`` below ``root``); False once the
        student's files are past the limit."""
        try:
            with os.scandir(dir_fd) as listing:
                entries = sorted((entry.name, _names_a_folder(entry)) for entry in listing)
        except OSError as exc:
            where = decoded(str(here)) if here.parts else ""
            self.sub.skip(_join(shown_root, where), Note("intake.unreadable", {"error": exc.strerror or exc}))
            return True
        # As os.walk went: links among the folders noted, then this folder's files, then each
        # folder below.
        folders = []
        for name, is_dir in entries:
            if not is_dir or _litter(name):
                continue
            try:
                listed = os.lstat(name, dir_fd=dir_fd)
            except OSError as exc:
                self.sub.skip(_join(shown_root, decoded(str(here / name))),
                              Note("intake.unreadable", {"error": exc.strerror or exc}))
                continue
            if stat.S_ISLNK(listed.st_mode):
                self.sub.skip(_join(shown_root, decoded(str(here / name))), Note("intake.link_skipped"))
            else:
                folders.append((name, listed))
        for name, is_dir in entries:
            if is_dir or _litter(name):
                continue
            raw = here / name
            rel = PurePosixPath(decoded(str(raw)))
            shown = _join(shown_root, str(rel))
            if not self.room(shown_root or decoded(root.name)):
                return False
            try:
                info = os.lstat(name, dir_fd=dir_fd)
            except OSError as exc:
                self.sub.skip(shown, Note("intake.unreadable", {"error": exc.strerror or exc}))
                continue
            if stat.S_ISLNK(info.st_mode):
                self._link(root / raw, root, shown, name)
            elif not stat.S_ISREG(info.st_mode):
                self.sub.skip(shown, Note("intake.not_regular"))
            else:
                self.add(rel, shown, info.st_size, _beneath_reader(root_fd, raw.parts, info), _mtime(info))
        for name, listed in folders:
            rel = decoded(str(here / name))
            try:
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=dir_fd)
            except OSError as exc:
                # ELOOP, ENOTDIR: swapped for a link (or a file) since it was listed
                note = (Note("intake.link_skipped") if exc.errno in (errno.ELOOP, errno.ENOTDIR) else
                        Note("intake.unreadable", {"error": exc.strerror or exc}))
                self.sub.skip(_join(shown_root, rel), note)
                continue
            try:
                now = os.fstat(inner)
                if (now.st_dev, now.st_ino) != (listed.st_dev, listed.st_ino):
                    self.sub.skip(_join(shown_root, rel), Note("intake.link_skipped"))
                elif depth >= MAX_FOLDER_DEPTH:
                    self.sub.skip(_join(shown_root, rel), Note("intake.folders_too_deep", {"depth": MAX_FOLDER_DEPTH}))
                elif not self._walk(root, root_fd, inner, here / name, shown_root, depth + 1):
                    return False
            finally:
                os.close(inner)
        return True

    def _link(self, full: Path, root: Path, shown: str, name: str) -> None:
        try:
            inside = str(full.resolve()).startswith(str(root.resolve()) + os.sep)
        except (OSError, RuntimeError):
            inside = False
        note = Note("intake.link_skipped" if inside else "intake.link_outside", {"path": shown})
        self.sub.skip(shown, note)
        if not inside and _code(name):
            self.sub.notes.append(note)

    # ---- archives
    def archive(self, handle, name: str, shown: str, prefix: PurePosixPath, arrived: datetime, depth: int) -> None:
        lower = name.lower()
        if lower.endswith(".zip"):
            self.zip(handle, shown, prefix, arrived, depth)
        else:
            self.tar(handle, shown, prefix, arrived, depth)

    def _check_name(self, raw: str, shown: str, seen: set) -> PurePosixPath:
        name = normalise_id(raw).replace("\\", "/")
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise _Refused(Note("intake.outside", {"archive": shown, "entry": raw}))
        key = str(pure)
        if key in seen:
            raise _Refused(Note("intake.duplicate_entry", {"archive": shown, "entry": raw}))
        seen.add(key)
        return pure

    def _expand(self, size: int, shown: str) -> None:
        self.expanded += size
        if self.expanded > MAX_TOTAL_BYTES:
            raise _Refused(Note("intake.bomb", {"archive": shown}))

    def zip(self, handle, shown: str, prefix: PurePosixPath, arrived: datetime, depth: int) -> None:
        try:
            archive = self.stack.enter_context(zipfile.ZipFile(handle))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _Refused(Note("intake.bad_archive", {"archive": shown, "error": exc}))
        if len(infos) > MAX_FILES:
            raise _Refused(Note("intake.too_many", {"entry": shown, "limit": MAX_FILES}))
        seen: set = set()
        accepted = []
        for info in infos:
            pure = self._check_name(_entry_name(info), shown, seen)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _Refused(Note("intake.link_in_archive", {"archive": shown, "entry": str(pure)}))
            self._expand(info.file_size, shown)
            if (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                    and info.file_size > 1 << 20):
                raise _Refused(Note("intake.bomb", {"archive": shown}))
            if info.is_dir() or _ignored(pure.parts):
                continue
            accepted.append((pure, info))
        for pure, info in accepted:
            self.tally(shown)
            stated = _stamp(info.date_time, self.zip_timezone)
            self.add(prefix / pure, f"{shown}:{pure}", info.file_size,
                     _zip_reader(archive, info), arrived, stated, depth)

    def tar(self, handle, shown: str, prefix: PurePosixPath, arrived: datetime, depth: int) -> None:
        try:
            archive = self.stack.enter_context(tarfile.open(fileobj=handle, mode="r:*"))
            members = []
            seen: set = set()
            for member in archive:
                if len(members) >= MAX_FILES:
                    raise _Refused(Note("intake.too_many", {"entry": shown, "limit": MAX_FILES}))
                pure = self._check_name(member.name, shown, seen)
                if member.issym() or member.islnk():
                    raise _Refused(Note("intake.link_in_archive", {"archive": shown, "entry": str(pure)}))
                if not (member.isfile() or member.isdir()):
                    raise _Refused(Note("intake.special_in_archive", {"archive": shown, "entry": str(pure)}))
                self._expand(member.size, shown)
                if member.isfile() and not _ignored(pure.parts):
                    # A compressed tar reads forwards only: take what may be needed now.
                    data = None
                    if (_code(pure.name) and member.size <= file_limit(pure.name)) or \
                            (archive_stem(pure.name) and member.size <= MAX_NESTED_BYTES):
                        extracted = archive.extractfile(member)
                        data = extracted.read(member.size + 1) if extracted else b""
                    members.append((pure, member, data))
        except (tarfile.TarError, OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
            raise _Refused(Note("intake.bad_archive", {"archive": shown, "error": exc}))
        for pure, member, data in members:
            self.tally(shown)
            try:
                stated = datetime.fromtimestamp(member.mtime, timezone.utc) if member.mtime > 0 else None
            except (ValueError, OverflowError, OSError):  # a year past 9999
                stated = None
            self.add(prefix / pure, f"{shown}:{pure}", member.size,
                     (lambda d=data: d if d is not None else b""), arrived, stated, depth)


def _stamp(date_time: tuple, zone: tzinfo) -> datetime | None:
    """A zip entry's date and time in ``zone``, or None when it holds none (DOS date 0, as some
    tools write) or an impossible one."""
    try:
        return datetime(*date_time).replace(tzinfo=zone) if date_time[0] >= 1980 else None
    except (ValueError, OverflowError):
        return None


def _join(root: str, rel: str) -> str:
    return f"{root}/{rel}" if root else rel


def _open_as_seen(path: Path, info: os.stat_result):
    """``path`` opened for reading only if it is still the regular file ``info`` (its lstat)
    describes.  A student's folder may change while it is read (``session watch`` reads
    folders students hand in to): a symbolic link, FIFO or device put in the file's place — or
    in a folder's above it — after it was looked at would otherwise be followed, reading
    another student's work or the course's files as this student's, or blocking the run."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise OSError(f"{path.name} was replaced while it was being read") from None
        raise
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise OSError(f"{path.name} was replaced while it was being read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _names_a_folder(entry: os.DirEntry) -> bool:
    """As os.walk sorts names: a link to a folder is among the folders (and is noted as a link,
    never entered)."""
    try:
        return entry.is_dir()
    except OSError:
        return False
MAX_FOLDER_DEPTH = 64  #: folders below a student's folder deeper than this are not read


def _beneath_reader(root_fd: int, parts: tuple, info: os.stat_result):
    """Reads the file at ``parts`` below the folder open as ``root_fd``, one folder at a time,
    following no symbolic link, and only if it is still the regular file ``info`` describes."""
    def read() -> bytes:
        opened = []
        try:
            fd = root_fd
            for part in parts[:-1]:
                try:
                    fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise OSError(f"{parts[-1]} was replaced while it was being read") from None
                    raise
                opened.append(fd)
            try:
                final = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=fd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise OSError(f"{parts[-1]} was replaced while it was being read") from None
                raise
        finally:
            for fd in opened:
                os.close(fd)
        try:
            now = os.fstat(final)
            if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
                raise OSError(f"{parts[-1]} was replaced while it was being read")
            handle = os.fdopen(final, "rb")
        except BaseException:
            os.close(final)
            raise
        with handle:
            return handle.read(max(MAX_FILE_BYTES, MAX_NESTED_BYTES, file_limit(parts[-1])) + 1)
    return read


def _zip_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    def read() -> bytes:
        with archive.open(info) as handle:
            return handle.read(max(MAX_FILE_BYTES, MAX_NESTED_BYTES, file_limit(info.filename)) + 1)
    return read


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: zips made on Korean Windows store CP949 without the UTF-8 flag,
    which zipfile decodes as CP437."""
    name = info.orig_filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("cp949")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


# ----------------------------------------------------------------------------- choosing the files
def _rank(item: _Item, exercise: Exercise) -> tuple:
    parents = [p.lower() for p in item.path.parts[:-1]]
    in_folder = any(p == exercise.folder or p == exercise.id or p.startswith(exercise.id + "_") for p in parents)
    return (0 if in_folder else 1, len(item.path.parts), str(item.path))


def _tier(item: _Item, exercise: Exercise) -> tuple[int, str] | None:
    name = item.path.name
    if name == exercise.file:
        return 0, "exact"
    loose_py, loose_nb = _names(exercise)
    loose = _loose(name)
    if loose in loose_py:
        return 1, "renamed"
    if loose in loose_nb:
        return 2, "notebook"
    return None


def _course_exercises(exercises: list[Exercise]) -> list[Exercise]:
    """Every exercise of the course ``exercises`` belong to (the files of those not graded in
    this run are not worth listing), or ``exercises`` if the course cannot be read."""
    from dlgrade.course import CourseError, load_course

    if not exercises:
        return []
    try:
        return list(load_course(exercises[0].root))
    except (CourseError, OSError):
        return list(exercises)


def _choose(sub: StudentSubmission, items: list[_Item], exercises: list[Exercise], sole_file: bool,
            course: list[Exercise] | None = None) -> None:
    """Take each exercise's file from ``items`` into ``sub.files``; list the rest (the files of
    the ``course``'s other exercises are only counted)."""
    used: set[int] = set()
    for ex in exercises:
        candidates = sorted(((t, _rank(it, ex), i, how) for i, it in enumerate(items)
                             for t, how in [_tier(it, ex) or (None, None)] if t is not None),
                            key=lambda c: (c[0], c[1]))
        if not candidates and sole_file and len(exercises) == 1 and len(items) == 1:
            candidates = [(3, (), 0, "sole")]
        demoted = _not_the_work(candidates, items, ex, used)
        if demoted:  # behind the notebooks, in their own order
            candidates.sort(key=lambda c: (c[0] + (2.5 if c[2] in demoted else 0), c[1]))
        for _tier_, _r, i, how in candidates:
            if i in used:
                continue
            item = items[i]
            if ex.id in sub.files:
                taken = sub.files[ex.id].path
                note = (Note(f"intake.py_not_the_work.{demoted[i]}", {"exercise": ex.id, "taken": taken})
                        if i in demoted else Note("intake.not_taken", {"exercise": ex.id, "taken": taken}))
                sub.skip(item.shown, note)
                used.add(i)
                continue
            if how == "notebook" and demoted:
                how = f"notebook_over_{next(iter(demoted.values()))}"
            used.add(i)
            limit = file_limit(item.path.name)
            if item.size > limit:
                sub.skip(item.shown, Note("intake.too_large", {"limit": limit >> 20}))
                sub.notes.append(Note("intake.too_large_file", {"path": item.shown, "limit": limit >> 20}))
                continue
            try:
                data = item.read()
            except Exception as exc:  # zlib.error, a bad CRC, an encrypted entry…: this file only
                sub.skip(item.shown, Note("intake.unreadable", {"error": exc}))
                sub.notes.append(Note("intake.unreadable_file", {"path": item.shown, "error": exc}))
                continue
            if len(data) > limit:
                sub.skip(item.shown, Note("intake.too_large", {"limit": limit >> 20}))
                sub.notes.append(Note("intake.too_large_file", {"path": item.shown, "limit": limit >> 20}))
                continue
            sub.files[ex.id] = SubmittedFile.from_bytes(
                data, item.shown, item.arrived, name=item.path.name, time_source=TIME_FOLDER,
                stated_at=_iso(item.stated) if item.stated else None, match=how)
    asked = {ex.id for ex in exercises}
    others = [ex for ex in course or () if ex.id not in asked]
    for i, item in enumerate(items):
        if i in used:
            continue
        if any(_tier(item, ex) for ex in others):
            sub.other_files += 1
        else:
            sub.skip(item.shown, Note("intake.no_exercise"))


def _not_the_work(candidates, items: list[_Item], exercise: Exercise, used: set[int]) -> dict[int, str]:
    """The .py candidates that are not the student's work beside a notebook that is (the
    exercise's untouched stub, or no function of the exercise while the notebook has one),
    index → reason (dlgrade.grading.notebook_choice): the notebook is graded instead."""
    from dlgrade.grading.notebook_choice import py_not_the_work, stub_text

    notebooks = [c for c in candidates if c[3] == "notebook" and c[2] not in used]
    py_files = [c for c in candidates if c[3] in ("exact", "renamed") and c[2] not in used]
    if not notebooks or not py_files:
        return {}
    notebook = _read_small(items[notebooks[0][2]])
    if notebook is None:
        return {}
    stub = stub_text(exercise)
    demoted = {}
    for _t, _r, i, _how in py_files:
        data = _read_small(items[i])
        reason = py_not_the_work(data, notebook, stub) if data is not None else None
        if reason is None:
            break  # the first .py that is the work wins, as before
        demoted[i] = reason
    return demoted


def _read_small(item: _Item) -> bytes | None:
    """The item's bytes when within its size limit and readable, else None (the choice then
    stays as it was, and taking the file reports the problem)."""
    limit = file_limit(item.path.name)
    if item.size > limit:
        return None
    try:
        data = item.read()
    except Exception:
        return None
    return data if len(data) <= limit else None


def read_entry(path: Path, exercises: list[Exercise], *, student: str | None = None, shown: str | None = None,
               zip_timezone: tzinfo = timezone.utc, sole_file: bool = False,
               course: list[Exercise] | None = None) -> StudentSubmission:
    """One student's files from their folder or archive at ``path``; never raises for what the
    entry holds (an unsafe archive gives a refused submission with the reason).  ``course``:
    every exercise of the course (default: read from the exercises' course)."""
    if course is None:
        course = _course_exercises(exercises)
    path = Path(path)
    is_dir = path.is_dir() and not path.is_symlink()
    name = decoded(path.name)
    sub = StudentSubmission(student=student if student is not None else
                            normalise_id(name if is_dir else archive_stem(name) or path.stem), origin=str(path))
    label = name if shown is None else shown
    with ExitStack() as stack:
        reader = _Reader(sub, zip_timezone, stack)
        try:
            if is_dir:
                reader.folder(path, label)
                _choose(sub, reader.items, exercises, sole_file, course)
            else:
                info = path.lstat()
                reader.tally(label)
                with _open_as_seen(path, info) as handle:
                    reader.archive(handle, name, label, PurePosixPath(), _mtime(info), 1)
                    _choose(sub, reader.items, exercises, sole_file, course)
                return sub
        except _Refused as refused:
            sub.notes.append(refused.note)
            sub.refused = True
            sub.files.clear()
            return sub
        except Exception as exc:  # an archive damaged in a way no check above foresaw: this student only
            error = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            sub.notes.append(Note("intake.unreadable_entry", {"entry": label, "error": error}) if is_dir else
                             Note("intake.bad_archive", {"archive": label, "error": error}))
            sub.refused = True
            sub.files.clear()
            return sub
    return sub


# Kept for callers that read one kind of entry.
def read_folder(path: Path, exercises: list[Exercise]) -> StudentSubmission:
    return read_entry(path, exercises)


def read_zip(path: Path, exercises: list[Exercise], zip_timezone: tzinfo = timezone.utc) -> StudentSubmission:
    return read_entry(path, exercises, zip_timezone=zip_timezone)


# ----------------------------------------------------------------------------- the submissions folder
def _classify(entry: Path) -> tuple[str, str | None, Note | None]:
    """(kind, student id or None, why it is skipped or None) of one entry of the submissions folder."""
    name = decoded(entry.name)
    if _litter(entry.name) or entry.name.startswith("."):
        return "other", None, Note("intake.entry_hidden")
    try:
        info = entry.lstat()
    except OSError as exc:
        return "other", None, Note("intake.unreadable", {"error": exc.strerror or exc})
    if stat.S_ISLNK(info.st_mode):
        return "link", None, Note("intake.entry_link")
    if stat.S_ISDIR(info.st_mode):
        kind, student = "folder", student_id(name)
    elif stat.S_ISREG(info.st_mode) and archive_stem(name):
        kind, student = "archive", student_id(archive_stem(name))
    elif stat.S_ISREG(info.st_mode):
        return "file", None, Note("intake.entry_loose_code" if _code(name) else "intake.entry_stray")
    else:
        return "other", None, Note("intake.not_regular")
    if student is None:
        return kind, None, Note("intake.entry_no_id")
    return kind, student, None


def student_entries(folder: Path) -> list[tuple[str, Path]]:
    """(student id, folder or archive) of every student entry in a submissions folder, by name;
    hidden files, OS litter, symbolic links and stray files are passed over."""
    out = []
    for entry in sorted(Path(folder).iterdir()):
        _kind, student, note = _classify(entry)
        if note is None:
            out.append((student, entry))
    return out


def same_students(entries) -> dict[str, list[tuple[Path, str]]]:
    """Identity key → the (entry, student id) pairs of ``entries`` that name that student, in
    the order given: a key with more than one entry is a conflict (see
    dlgrade.bulk.identity), which the intake reports and does not read."""
    groups: dict[str, list[tuple[Path, str]]] = {}
    for entry, student in entries:
        groups.setdefault(identity_key(student), []).append((entry, student))
    return groups


def take_in(folder: Path, exercises: list[Exercise], *, zip_timezone: tzinfo = timezone.utc,
            only: set[str] | None = None) -> Intake:
    """What the submissions ``folder`` holds for ``exercises``: every entry accounted for, one
    StudentSubmission per student (only those in ``only``, when given: the others' entries are
    not read), conflicts between entries naming the same student reported and not read.
    Times inside archives are read in ``zip_timezone``."""
    folder = Path(folder)
    if not folder.exists():
        raise CollectError(f"{folder} does not exist")
    if not folder.is_dir():
        raise CollectError(f"{folder} is not a folder (expected one folder or zip file per student)")
    intake = Intake(folder=decoded(str(folder)), exercises=list(exercises), partial=only is not None)
    classified = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        kind, student, note = _classify(entry)
        classified.append((entry, kind, student, note))
    groups = same_students((entry, student) for entry, _kind, student, note in classified if note is None)
    clashing = {key for key, members in groups.items() if len(members) > 1}
    for key in sorted(clashing):
        members = groups[key]
        intake.conflicts.append(Conflict(key, [decoded(e.name) for e, _ in members],
                                         sorted({s for _, s in members})))
    found = []
    course = _course_exercises(exercises)
    for entry, kind, student, note in classified:
        if note is not None:
            intake.entries.append(Entry(decoded(entry.name), kind, "skipped", None, note))
            continue
        key = identity_key(student)
        if key in clashing:
            others = [decoded(e.name) for e, _ in groups[key] if e != entry]
            intake.entries.append(Entry(decoded(entry.name), kind, "conflict", student,
                                        Note("intake.conflict", {"entries": ", ".join(others)})))
            continue
        if only is not None and student not in only:
            continue
        intake.entries.append(Entry(decoded(entry.name), kind, "student", student))
        found.append(read_entry(entry, exercises, student=student, zip_timezone=zip_timezone, course=course))
    intake.submissions = sorted(found, key=lambda s: s.student)
    return intake


def collect(folder: Path, exercises: list[Exercise], zip_timezone: tzinfo = timezone.utc,
            only: set[str] | None = None) -> list[StudentSubmission]:
    """One StudentSubmission per student folder or archive, sorted by student id (see take_in)."""
    return take_in(folder, exercises, zip_timezone=zip_timezone, only=only).submissions
