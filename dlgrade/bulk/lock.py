"""One grading run per gradebook at a time.

A run holds an exclusive lock on ``<gradebook>.lock`` (an OS file lock: it goes away with
the process, even when killed, so a crash never leaves a stale lock) for as long as it
grades and stores results.  A second run on the same gradebook — another terminal, a
watcher and a bulk run — waits up to ``wait`` seconds, then refuses with a message naming
the process that holds it.  The lock is re-entrant within one process (a session run
grades through the bulk runner).
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

_held: dict[str, list] = {}  # lock path → [file, depth]
_guard = threading.RLock()


class GradebookLocked(Exception):
    """Another process is grading into the same gradebook."""

    def __init__(self, db: Path, holder: str):
        self.db, self.holder = db, holder
        super().__init__(f"{db} is being graded by another run ({holder})")

    def message(self, lang: str) -> str:
        from dlgrade.messages import say

        return say("lock.busy", lang, db=self.db, holder=self.holder or "?")


def lock_path(db: Path) -> Path:
    return Path(db).with_name(Path(db).name + ".lock")


def _try_lock(handle) -> bool:
    try:
        import fcntl

        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False


@contextmanager
def grading_lock(db: Path, wait: float = 0.0, poll: float = 0.2):
    """Hold the gradebook's grading lock for the ``with`` block; GradebookLocked when another
    process still holds it after ``wait`` seconds."""
    path = lock_path(db)
    key = str(path.resolve())
    with _guard:
        if key in _held:
            _held[key][1] += 1
            try:
                yield
            finally:
                _held[key][1] -= 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip()
                handle.close()
                raise GradebookLocked(Path(db), holder)
            time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _held[key] = [handle, 1]
    try:
        yield
    finally:
        with _guard:
            _held[key][1] -= 1
            if _held[key][1] == 0:
                del _held[key]
                handle.close()  # closing releases the lock
