"""``dlgrade watch``: grade an exercise each time its file is saved.

Saves are learnt from the operating system (inotify on Linux, FSEvents/kqueue on
macOS, through ``watchdog``), never by polling the file.  Editors write a file in
several steps (truncate then write, or write a temporary file and rename it over
the original), so the events of one save are gathered until the folder has been
quiet for ``DEBOUNCE_SECONDS``, and a save that leaves the text as it was graded
last is not graded again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

DEBOUNCE_SECONDS = 0.3
SAVE_EVENTS = frozenset({"created", "modified", "moved", "deleted", "closed"})  #: watchdog's event types of a write


class FileWatcher:
    """Wakes up when one file's content changes.  Use as a context manager."""

    def __init__(self, path: Path, *, debounce: float = DEBOUNCE_SECONDS):
        self.path = Path(path)
        self.debounce = debounce
        self._changed = threading.Event()
        self._digest: str | None = None
        self._observer = None

    def __enter__(self) -> "FileWatcher":
        from watchdog.observers import Observer

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._observer = Observer()
        self._observer.schedule(save_handler(self.path, self._changed.set), str(self.path.parent), recursive=False)
        self._observer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    def snapshot(self, read: Callable[[Path], str]) -> str:
        """The file's text now (``read`` may raise); later ``wait`` returns only after it changes."""
        self._changed.clear()
        try:
            text = read(self.path)
        except BaseException:
            self._digest = None  # any text saved later is a change
            raise
        self._digest = _digest(text)
        return text

    def wait(self) -> None:
        """Block until the file has been saved with a text other than the last snapshot's."""
        while True:
            # The timeout only lets Ctrl-C through on every platform; nothing is polled.
            while not self._changed.wait(timeout=1.0):
                pass
            while self._changed.wait(timeout=self.debounce):  # the rest of this save's events
                self._changed.clear()
            try:
                current = _digest(self.path.read_bytes().decode("utf-8", errors="replace"))
            except OSError:
                current = None
            if current != self._digest:
                return


def save_handler(path: Path, on_save: Callable[[], None]):
    """A watchdog event handler calling ``on_save`` for each event that writes ``path``."""
    from watchdog.events import FileSystemEventHandler

    target = os.path.realpath(path)  # realpath: macOS reports /private/var for /var

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            # Only writes count: opening and reading the file (as grading it does) must not
            # wake the watcher.  dest_path: an editor's temporary file renamed over ours is
            # a save of ours.
            if event.is_directory or event.event_type not in SAVE_EVENTS:
                return
            paths = (event.src_path, getattr(event, "dest_path", "") or "")
            if target in (os.path.realpath(os.fsdecode(p)) for p in paths if p):
                on_save()

    return Handler()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()


@dataclass
class Step:
    """What the watch loop shows after grading: the exercise, its result (or the reason
    there is none), and the exercise it moves on to after full marks (None: course finished)."""

    exercise: object
    result: object = None  #: ExerciseResult, or None when the file could not be read
    problem: str = ""  #: why the file could not be graded (missing, unreadable)
    moved_to: object = None
    finished: bool = False  #: the exercise reached full marks and every exercise is done


def watch_course(exercise, *, grade_source: Callable, read: Callable[[Path], str],
                 unreadable: tuple[type[Exception], ...], on_progress: Callable[[object, object], None],
                 next_unfinished: Callable, stay: bool = False) -> Iterator[Step]:
    """Grade ``exercise`` now and after each save; after full marks, move to
    ``next_unfinished(after=exercise)``.  Yields one Step per grading; ends when the course is done.
    ``stay``: keep watching ``exercise`` even when it passes (the student asked for an
    exercise already finished, to go on working on it).

    ``read(path)`` gives the file's text or raises one of ``unreadable`` (the file is missing,
    too large…), in which case the Step says why and the watch goes on."""
    while exercise is not None:
        with FileWatcher(exercise.stub_path) as watcher:
            while True:
                try:
                    source = watcher.snapshot(read)
                except unreadable as exc:
                    yield Step(exercise, problem=str(exc))
                    watcher.wait()
                    continue
                result = grade_source(exercise, source)
                on_progress(exercise, result)
                if result.passed and not stay:
                    following = next_unfinished(after=exercise)
                    yield Step(exercise, result, moved_to=following, finished=following is None)
                    exercise = following
                    break
                yield Step(exercise, result)
                watcher.wait()
