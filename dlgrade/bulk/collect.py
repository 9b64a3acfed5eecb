"""Finding each student's files in a folder of student folders or LMS zip files.

Nothing from a zip is ever written to disk: the files an exercise needs are read
from the archive into memory, after the archive as a whole has been checked —
a zip bomb, an entry that climbs out of the archive (``../``, an absolute
path) or a symlink refuses the whole archive with a message, and a symlink in a
student's folder is never followed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath

from dlgrade.course import Exercise

MAX_FILES = 2000  #: entries in one student's zip or folder
MAX_TOTAL_BYTES = 64 << 20  #: uncompressed size of one student's zip
MAX_RATIO = 200  #: uncompressed / compressed size of one zip entry
MAX_FILE_BYTES = 1 << 20  #: a single source file


def file_limit(name: str) -> int:
    """The largest file accepted as ``name``: a notebook's outputs (plots) are read, not graded."""
    from dlgrade.grading.source import MAX_NOTEBOOK_BYTES, is_notebook

    return MAX_NOTEBOOK_BYTES if is_notebook(name) else MAX_FILE_BYTES
IGNORED_PARTS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}


@dataclass
class SubmittedFile:
    """One exercise's file from one student."""

    source: str  #: the text graded: the file's, as Python reads it, or a notebook's code cells
    path: str  #: where it was found (for the gradebook), e.g. "kim.zip:hw/conv.py"
    submitted_at: str  #: ISO time: the zip entry's or the file's modification time
    content_hash: str  #: sha256 of the bytes

    @classmethod
    def from_bytes(cls, data: bytes, path: str, when: datetime) -> "SubmittedFile":
        from dlgrade.grading.source import submission_source

        return cls(source=submission_source(data, path), path=path,
                   submitted_at=when.astimezone(timezone.utc).isoformat(timespec="seconds"),
                   content_hash=hashlib.sha256(data).hexdigest())


@dataclass
class StudentSubmission:
    """Everything one student handed in."""

    student: str  #: the student id: the folder's or zip's name
    origin: str  #: the folder or zip it came from
    files: dict[str, SubmittedFile] = field(default_factory=dict)  #: exercise id → file
    problems: list[str] = field(default_factory=list)  #: why something could not be read
    refused: bool = False  #: the whole submission was refused (unsafe archive)


class CollectError(Exception):
    """The submissions folder itself is unusable (missing, not a folder)."""


def normalise_id(name: str) -> str:
    """Student ids are compared in Unicode NFC (macOS writes Korean names in NFD)."""
    return unicodedata.normalize("NFC", name).strip()


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: zips made on Korean Windows store CP949 without the UTF-8 flag,
    which zipfile decodes as CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("cp949")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return normalise_id(name)


def _ignored(parts) -> bool:
    return any(p in IGNORED_PARTS or p.startswith("._") or p == ".DS_Store" for p in parts)


def _choose(candidates: list[tuple[PurePosixPath, object]], exercise: Exercise):
    """Among files with the exercise's file name, prefer one inside its folder
    (exNN_name/ or exNN/), then the shallowest."""
    def rank(item):
        path = item[0]
        parents = [p.lower() for p in path.parts[:-1]]
        in_folder = any(p == exercise.folder or p == exercise.id or p.startswith(exercise.id + "_") for p in parents)
        return (0 if in_folder else 1, len(path.parts), str(path))

    return sorted(candidates, key=rank)[0] if candidates else None


def _match(entries, exercises):
    """exercise id → (path, handle) of the student's file for it, from (path, handle) entries."""
    chosen = {}
    for ex in exercises:
        candidates = [(p, h) for p, h in entries if p.name == ex.file]
        pick = _choose(candidates, ex)
        if pick:
            chosen[ex.id] = pick
    return chosen


def read_zip(path: Path, exercises: list[Exercise], zip_timezone: tzinfo = timezone.utc) -> StudentSubmission:
    """A student's files from a zip; an entry's date_time has no zone and is read in ``zip_timezone``
    (LMS exports write the server's local time: a session passes its own zone)."""
    sub = StudentSubmission(student=normalise_id(path.stem), origin=str(path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        sub.problems.append(f"{path.name} is not a readable zip file ({exc})")
        sub.refused = True
        return sub
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_FILES:
            return _refuse(sub, f"{path.name} holds {len(infos)} entries (more than {MAX_FILES})")
        total = 0
        entries = []
        for info in infos:
            name = _entry_name(info)
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
                return _refuse(sub, f"{path.name}: entry {name!r} points outside the archive; the zip was refused")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                return _refuse(sub, f"{path.name}: entry {name!r} is a symbolic link; the zip was refused")
            total += info.file_size
            if total > MAX_TOTAL_BYTES or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                           and info.file_size > 1 << 20):
                return _refuse(sub, f"{path.name} expands to more than it plausibly should (a zip bomb?); refused")
            if info.is_dir() or _ignored(pure.parts):
                continue
            entries.append((pure, info))
        for ex_id, (pure, info) in _match(entries, exercises).items():
            if info.file_size > file_limit(pure.name):
                sub.problems.append(f"{path.name}:{pure} is larger than {file_limit(pure.name) >> 20} MiB; not graded")
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(file_limit(pure.name) + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                sub.problems.append(f"{path.name}:{pure} cannot be read ({exc})")
                continue
            when = datetime(*info.date_time).replace(tzinfo=zip_timezone) if info.date_time[0] >= 1980 else \
                datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            sub.files[ex_id] = SubmittedFile.from_bytes(data, f"{path.name}:{pure}", when)
    return sub


def _refuse(sub: StudentSubmission, message: str) -> StudentSubmission:
    sub.problems.append(message)
    sub.refused = True
    sub.files.clear()
    return sub


def read_folder(path: Path, exercises: list[Exercise]) -> StudentSubmission:
    sub = StudentSubmission(student=normalise_id(path.name), origin=str(path))
    root = path.resolve()
    entries = []
    count = 0
    for folder, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = [d for d in dirs if not _ignored([d]) and not os.path.islink(os.path.join(folder, d))]
        for name in files:
            count += 1
            if count > MAX_FILES:
                sub.problems.append(f"{path.name} holds more than {MAX_FILES} files; the rest were not read")
                break
            full = Path(folder) / name
            rel = PurePosixPath(full.relative_to(path).as_posix())
            if _ignored(rel.parts):
                continue
            if full.is_symlink():
                target = full.resolve()
                if not str(target).startswith(str(root) + os.sep):
                    if name in {ex.file for ex in exercises}:
                        sub.problems.append(f"{path.name}/{rel} is a symbolic link out of the folder; refused")
                    continue
            entries.append((PurePosixPath(normalise_id(str(rel))), full))
    for ex_id, (rel, full) in _match(entries, exercises).items():
        try:
            if full.is_symlink():
                continue
            size = full.stat().st_size
            if size > file_limit(rel.name):
                sub.problems.append(f"{path.name}/{rel} is larger than {file_limit(rel.name) >> 20} MiB; not graded")
                continue
            data = full.read_bytes()
        except OSError as exc:
            sub.problems.append(f"{path.name}/{rel} cannot be read ({exc.strerror})")
            continue
        when = datetime.fromtimestamp(full.stat().st_mtime, timezone.utc)
        sub.files[ex_id] = SubmittedFile.from_bytes(data, f"{path.name}/{rel}", when)
    return sub


def student_entries(folder: Path) -> list[tuple[str, Path]]:
    """(student id, folder or zip file) of every student entry in a submissions folder, by name;
    dot-files, OS litter, symbolic links and other files are passed over."""
    out = []
    for entry in sorted(Path(folder).iterdir()):
        if _ignored([entry.name]) or entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            out.append((normalise_id(entry.name), entry))
        elif entry.suffix.lower() == ".zip":
            out.append((normalise_id(entry.stem), entry))
    return out


def collect(folder: Path, exercises: list[Exercise], zip_timezone: tzinfo = timezone.utc,
            only: set[str] | None = None) -> list[StudentSubmission]:
    """One StudentSubmission per student folder or zip file, sorted by student id (only the
    students in ``only``, when given: the others' entries are not read).
    Zip entries' times are read in ``zip_timezone``; files' times are their modification times."""
    folder = Path(folder)
    if not folder.exists():
        raise CollectError(f"{folder} does not exist")
    if not folder.is_dir():
        raise CollectError(f"{folder} is not a folder (expected one folder or zip file per student)")
    found: dict[str, StudentSubmission] = {}
    for student, entry in student_entries(folder):
        if only is not None and student not in only:
            continue
        sub = read_folder(entry, exercises) if entry.is_dir() else read_zip(entry, exercises, zip_timezone)
        if sub.student in found:
            found[sub.student].problems.append(f"{entry.name}: a second submission for {sub.student}; ignored")
            continue
        found[sub.student] = sub
    return [found[k] for k in sorted(found)]
