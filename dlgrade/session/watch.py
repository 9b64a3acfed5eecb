"""Watching a session's submissions folder: grade what is new or changed as it appears.

Each step scans the folder's student entries (size and modification time of every file, no
reading), and grades the students whose entry changed *and then held still for one scan*
(so a zip still being copied is not graded half-written).  Grading goes through the
gradebook like ``session grade``: a restarted watcher rescans everything, and the
gradebook's resume logic grades only what changed since (content hash, grader, seed).
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from dlgrade.bulk.collect import same_students, student_entries
from dlgrade.bulk.identity import identity_key
from dlgrade.session.config import Session
from dlgrade.session.grade_session import grade_session

Fingerprint = tuple


def fingerprint(entry: Path) -> Fingerprint:
    """What changes when a student's zip or folder changes: (name, size, mtime) of its files."""
    try:
        if not entry.is_dir():
            info = entry.stat()
            return (("", info.st_size, info.st_mtime_ns),)
        # Walked by descriptors, no link followed: a folder swapped for a link to somewhere
        # else while it is scanned is not entered (the intake reads the same way).
        files = []
        root = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
        try:
            for folder, dirs, names, dir_fd in os.fwalk(".", dir_fd=root, follow_symlinks=False):
                dirs.sort()
                for name in sorted(names):
                    info = os.lstat(name, dir_fd=dir_fd)
                    files.append((os.path.normpath(os.path.join(folder, name)), info.st_size, info.st_mtime_ns))
        finally:
            os.close(root)
        return tuple(files)
    except OSError:  # removed or renamed while scanning: treat as changing
        return (("?", -1, -1),)


@dataclass
class Event:
    """One line of the live view's log."""

    when: datetime
    student: str
    exercise: str
    score: float
    max_score: float


class Watcher:
    """Scan-and-grade steps over one session's submissions folder."""

    def __init__(self, session: Session, folder: Path, db_path: Path, *, jobs: int = 1, backend: str | None = None,
                 times: dict | None = None, on_event: Callable[[Event], None] | None = None):
        self.session, self.folder, self.db_path = session, Path(folder), Path(db_path)
        self.jobs, self.backend, self.times = jobs, backend, times or {}
        self.graded: dict[str, Fingerprint] = {}  #: student → fingerprint last graded
        self.last_scan: dict[str, Fingerprint] = {}
        self.events: deque[Event] = deque(maxlen=8)
        self.graded_count = 0
        self.on_event = on_event
        self.problems: list[str] = []
        self.conflicts: list[tuple[list[str], list[str]]] = []  #: (entries, ids) naming one student, last scan

    def scan(self) -> dict[str, Fingerprint]:
        """student → fingerprint of their entry.  Entries naming one student (a conflict the
        intake will not grade) carry the names of every entry in the conflict, so that removing
        or renaming one changes the other's fingerprint and it is graded then."""
        if not self.folder.is_dir():
            return {}
        entries = student_entries(self.folder)
        groups = same_students((entry, student) for student, entry in entries)
        self.conflicts = [([e.name for e, _ in members], sorted({s for _, s in members}))
                          for _key, members in sorted(groups.items()) if len(members) > 1]
        found: dict[str, Fingerprint] = {}
        for student, entry in entries:
            if student in found:
                continue
            group = [e.name for e, _ in groups[identity_key(student)]]
            prints = fingerprint(entry)
            found[student] = prints if len(group) == 1 else (("conflict", tuple(group), -1),) + prints
        return found

    def step(self, *, settle: bool = True) -> list[str]:
        """Scan once and grade the students whose entry changed (and, with ``settle``, has not
        changed since the previous scan). Returns the students graded."""
        current = self.scan()
        ready = sorted(s for s, fp in current.items()
                       if self.graded.get(s) != fp and (not settle or self.last_scan.get(s) == fp))
        self.last_scan = current
        if not ready:
            return []
        summary = grade_session(self.session, self.folder, self.db_path, jobs=self.jobs, backend=self.backend,
                                times=self.times, only=set(ready), progress=self._progress)
        self.problems += [p for p in summary.bulk.problems if p not in self.problems]
        for student in ready:
            self.graded[student] = current[student]
        return ready

    def _progress(self, done, total, task, result):
        self.graded_count += 1
        event = Event(datetime.now(self.session.tz), task.student, task.exercise.id, result.score, result.max_score)
        self.events.append(event)
        if self.on_event:
            self.on_event(event)
