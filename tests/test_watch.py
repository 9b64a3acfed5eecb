"""`dlgrade watch` driven in a real terminal (tmux): a save regrades, full marks move on,
Ctrl-C exits with 0."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from conftest import ROOT, SUBMISSIONS, make_student_root

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux (apt-get install tmux)")

WAIT_SECONDS = 90  # generous: the first grading may import TensorFlow on a busy machine


class Terminal:
    """A tmux server of our own (its own socket) running one command in a 200×80 window."""

    def __init__(self, command: str, env: dict):
        self.socket = f"dlgrade-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        self._tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", "100",
                   # COLUMNS/LINES inherited from pytest would override the window's real size.
                   f"cd {shlex.quote(str(ROOT))} && env -u COLUMNS -u LINES {exports} {command}; "
                   "echo WATCH-EXIT=$?; sleep 600")

    def _tmux(self, *args) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def screen(self) -> str:
        """What the window shows now, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-t", "t")

    def wait_for(self, *texts: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {texts} on the screen:\n{screen}")
            time.sleep(0.2)

    def keys(self, *keys: str):
        self._tmux("send-keys", "-t", "t", *keys)

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def student(tmp_path):
    root = make_student_root(tmp_path / "course")
    # ex01–ex04 done: `watch` without an exercise starts at ex05.
    state = {"hints_seen": {}, "best": {ex: [p, p] for ex, p in (("ex01", 17), ("ex02", 19), ("ex03", 16),
                                                                   ("ex04", 21))}}
    (root / ".dlgrade" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    return root


def save_like_an_editor(path, text):
    """Write a temporary file and rename it over the original, as vim and VS Code do."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_watch_regrades_on_save_and_moves_on_after_full_marks(student):
    env = {"DLGRADE_HOME": str(student), "DLGRADE_LANG": "en", "TERM": "xterm-256color"}
    term = Terminal(f"{shlex.quote(sys.executable)} -m dlgrade.cli watch", env)
    try:
        stub = student / "exercises" / "ex05_correlate2d" / "conv.py"
        first = term.wait_for("dlgrade watch — ex05", "Score: 0 / 22", "Waiting for")
        assert "NotImplementedError" in first

        # A classic mistake: the feedback names it and points at the hint about it.
        mutant = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
        save_like_an_editor(stub, mutant.read_text(encoding="utf-8"))
        wrong = term.wait_for("Likely mistake", "→ hint", "Waiting for")
        assert "Score: 0 / 22" not in wrong
        assert "dlgrade watch — ex05" in wrong

        # A file that is gone is said so, and graded again when it comes back.
        stub.unlink()
        term.wait_for("Cannot grade:", "does not exist", "Trying again when the file is saved.")

        # The solution, written anew: full marks, then ex06.
        stub.write_text((ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8"),
                        encoding="utf-8")
        moved = term.wait_for("ex05: full marks! On to the next exercise: ex06", "dlgrade watch — ex06",
                              "Score: 0 / 24", "ex06_conv_sizes/sizes.py to be saved")
        assert "NotImplementedError" in moved
        best = json.loads((student / ".dlgrade" / "state.json").read_text(encoding="utf-8"))["best"]
        assert best["ex05"] == [22, 22]
        assert best["ex06"] == [0, 24]

        term.keys("C-c")
        assert "Stopped watching." in term.wait_for("WATCH-EXIT=0")
    finally:
        term.close()


def test_watch_in_korean_shows_korean(student):
    env = {"DLGRADE_HOME": str(student), "TERM": "xterm-256color"}
    term = Terminal(f"{shlex.quote(sys.executable)} -m dlgrade.cli watch ex06 --lang ko", env)
    try:
        term.wait_for("dlgrade watch — ex06 출력 크기와 파라미터 수", "점수: 0 / 24", "저장되기를 기다리는 중")
        term.keys("C-c")
        assert "watch를 마칩니다." in term.wait_for("WATCH-EXIT=0")
    finally:
        term.close()


def test_only_writes_of_the_watched_file_count_as_saves(tmp_path):
    from watchdog.events import (DirModifiedEvent, FileClosedEvent, FileClosedNoWriteEvent, FileCreatedEvent,
                                 FileModifiedEvent, FileMovedEvent, FileOpenedEvent)

    from dlgrade.student.watch import save_handler

    path = tmp_path / "conv.py"
    other = tmp_path / "other.py"
    saves = []
    handler = save_handler(path, lambda: saves.append(1))
    for event, counts in ((FileOpenedEvent(str(path)), False), (FileClosedNoWriteEvent(str(path)), False),
                          (DirModifiedEvent(str(tmp_path)), False), (FileModifiedEvent(str(other)), False),
                          (FileMovedEvent(str(path), str(other)), True),
                          (FileMovedEvent(str(tmp_path / ".conv.py.swp"), str(path)), True),
                          (FileModifiedEvent(str(path)), True), (FileClosedEvent(str(path)), True),
                          (FileCreatedEvent(str(path)), True)):
        before = len(saves)
        handler.dispatch(event)
        assert (len(saves) > before) == counts, event


def test_file_watcher_wakes_on_a_rename_over_the_file(tmp_path):
    import threading

    from dlgrade.student.watch import FileWatcher

    path = tmp_path / "conv.py"
    path.write_text("old = 1\n", encoding="utf-8")
    with FileWatcher(path) as watcher:
        assert watcher.snapshot(lambda p: p.read_text(encoding="utf-8")) == "old = 1\n"
        woke = threading.Event()
        waiter = threading.Thread(target=lambda: (watcher.wait(), woke.set()), daemon=True)
        waiter.start()
        save_like_an_editor(path, "new = 2\n")
        waiter.join(timeout=WAIT_SECONDS)
        assert woke.is_set()
        assert watcher.snapshot(lambda p: p.read_text(encoding="utf-8")) == "new = 2\n"
