"""The portable sandbox backend: a subprocess with pipes, for Windows (and any system
without fork or Unix sockets), selectable on Linux with ``DLGRADE_SANDBOX=portable``.

Each submission gets a process of its own (no state crosses students):
``python -I -S -c BOOTSTRAP`` with three pipes.  The parent sends it the harness
(``zygote.py``'s source followed by ``portable_child.py``'s) on standard input; the
process imports NumPy and says it is ready; then it receives the submission and its
limits, and answers the same frames as a session child of the zygote
(``zygote.run_session``), over stdin/stdout instead of a socket, with the same
strict decoding on this side.  One such process serves every check of the
submission; a worker keeps one started in advance, so a submission does not wait
for the interpreter and NumPy to start.

Limits: the parent ends the process when a request runs past its time limit or the
process prints past the output limit.  On Windows a Job Object bounds memory, CPU
time and processes and ends every process of the job at the close
(``dlgrade.sandbox.windows``); elsewhere the process sets resource limits on itself
before loading the submission (``portable_child.apply_limits``) and the parent ends
the processes it left (found through /proc where there is one).

Pipes cannot be waited on with ``select`` on Windows, so three threads per process
move the bytes (requests in, replies out, output out) and the parent waits on one
queue with a deadline.

There are no namespaces and no separate uid: the code can read what the user can
read and signal the user's processes.  That is what a student checking their own
work on their own computer needs; bulk grading of a class keeps requiring bubblewrap.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path

from dlgrade.sandbox import windows, wire
from dlgrade.sandbox.worker import (
    MiB, ZYGOTE_SOURCE, Limits, SandboxError, Session, StudentCrashed, StudentForbidden, StudentLoadError,
    FrameReader, Worker, _child_env, _death_message, _function_handles, _interpreter, _numpy_dirs,
)

CHILD_SOURCE = Path(__file__).with_name("portable_child.py")


def _try_parse(buffered: bytearray, limit: int):
    """The first complete frame at the start of ``buffered`` (header, blobs), or None while
    bytes are still missing: the zygote's reader (``FrameReader``: the same limits on bytes,
    values and depth), on bytes already received.  Malformed or too large: StudentReplyError."""
    return FrameReader(limit).feed(bytes(buffered))
#: the program given to ``-c``: read the harness from standard input and run it, as the main
#: module (where the zygote's child finds it too).  Kept short (Windows limits a command
#: line to 32767 characters; the harness is larger).
BOOTSTRAP = (
    "import os\n"
    "def _read(n):\n"
    "    data = b''\n"
    "    while len(data) < n:\n"
    "        chunk = os.read(0, n - len(data))\n"
    "        if not chunk:\n"
    "            raise SystemExit(70)\n"
    "        data += chunk\n"
    "    return data\n"
    "if os.name == 'nt':\n"
    "    import msvcrt\n"
    "    for _fd in (0, 1, 2):\n"
    "        msvcrt.setmode(_fd, os.O_BINARY)\n"
    "import sys, types\n"
    "_harness = sys.modules['__main__'] = types.ModuleType('dlgrade_sandbox')\n"
    "exec(compile(_read(int.from_bytes(_read(4), 'big')).decode('utf-8'), 'dlgrade-sandbox', 'exec'), "
    "_harness.__dict__)\n"
    "_harness.portable_main()\n"
)
#: committed memory allowed to a Windows job besides ``Limits.address_space`` (the
#: interpreter and NumPy's libraries)
JOB_BASE_MEMORY = 512 * MiB
START_SECONDS = 60.0


@lru_cache(maxsize=1)
def harness_source() -> bytes:
    """What the bootstrap runs: NumPy's folder on the path, the zygote's code, the portable main."""
    numpy_parent = str(_numpy_dirs()[0].parent)
    text = (f"import sys\nsys.path.append({numpy_parent!r})\n" + ZYGOTE_SOURCE.read_text(encoding="utf-8")
            + "\n\n" + CHILD_SOURCE.read_text(encoding="utf-8"))
    data = text.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


# --------------------------------------------------------------------------- one process
class SandboxProcess:
    """One started sandbox process and the threads that move its bytes."""

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="dlgrade-sandbox-")
        env = _child_env()
        env.update(windows.child_environment())
        # Marks the process and what it starts (they inherit it): one that outlived its parent
        # is still found at the end (where there is /proc to read it from).
        self.mark = f"{MARK}={uuid.uuid4().hex}"
        env[MARK] = self.mark.split("=", 1)[1]
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if windows.is_windows() else 0
        try:
            self.popen = subprocess.Popen([_interpreter(), "-I", "-S", "-c", BOOTSTRAP], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, env=env,
                                          cwd=self.workdir, close_fds=True, creationflags=flags)
        except OSError as exc:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise SandboxError(f"cannot start the sandbox: {exc}") from None
        self.pid = self.popen.pid
        self.job: windows.Job | None = None
        self.events: queue.Queue = queue.Queue(maxsize=64)  # ("reply"|"output", bytes); b"" at the end
        self.outgoing: queue.Queue = queue.Queue()
        self.strays = 0
        self.status: dict | None = None
        self._threads = [threading.Thread(target=self._pump, args=(self.popen.stdout, "reply"), daemon=True),
                         threading.Thread(target=self._pump, args=(self.popen.stderr, "output"), daemon=True),
                         threading.Thread(target=self._feed, daemon=True)]
        for thread in self._threads:
            thread.start()
        self.send(harness_source())
        self.info: dict = {}

    # ---- the threads
    def _pump(self, stream, kind: str) -> None:
        while True:
            try:
                data = stream.read(65536)
            except (OSError, ValueError):
                data = b""
            self.events.put((kind, data or b""))
            if not data:
                return

    def _feed(self) -> None:
        while True:
            data = self.outgoing.get()
            if data is None:
                return
            view = memoryview(data)
            try:
                while view:  # a pipe may take part of it (a write interrupted by a signal)
                    view = view[self.popen.stdin.write(view) or 0:]
            except (OSError, ValueError):
                return  # the process is gone; the reply side says how

    def send(self, data: bytes) -> None:
        self.outgoing.put(data)

    def send_frame(self, header: dict, blobs=()) -> None:
        self.send(_frame(header, blobs))

    def next_event(self, timeout: float):
        """("reply"|"output", bytes), or None when nothing came within ``timeout`` seconds."""
        try:
            return self.events.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    # ---- life
    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_ready(self) -> dict:
        """The ready frame, or SandboxError (the interpreter or NumPy did not start)."""
        deadline = time.monotonic() + START_SECONDS
        buffered, output = bytearray(), bytearray()
        while True:
            event = self.next_event(deadline - time.monotonic())
            if event is None or (event[0] == "reply" and not event[1]):
                self.end()
                text = output.decode("utf-8", errors="replace")[-2000:].strip()
                raise SandboxError(f"the sandbox did not start (portable): {text or 'no output'}")
            kind, data = event
            if kind == "output":
                output += data[:4096]
                continue
            buffered += data
            try:
                frame = _try_parse(buffered, MiB)
            except StudentCrashed:
                self.end()
                raise SandboxError("the sandbox did not start (portable): a malformed first message") from None
            if frame is not None:
                self.info = frame[0]
                return frame[0]

    def enter_job(self, limits: Limits) -> None:
        """On Windows, bound the process with a Job Object before it runs student code.  Where
        Windows refuses one (a job that forbids nested jobs), the process runs without: the
        session then measures its memory itself (``_tree_memory``)."""
        try:
            job = windows.open_job(memory_bytes=limits.address_space + JOB_BASE_MEMORY,
                                   cpu_seconds=limits.cpu_seconds, processes=limits.processes)
        except OSError:
            job = None
        if job is not None:
            try:
                # The process handle on Windows (the pid where a job is made with another kernel32).
                job.assign(getattr(self.popen, "_handle", self.pid))
            except OSError:
                job.close()
                job = None
        self.job = job

    def end(self) -> list:
        """End the process and whatever it started; the events not yet taken."""
        if self.job is not None:
            self.strays = max(0, self.job.active_processes() - (1 if self.alive else 0))
            self.job.terminate()
        else:
            # Until Popen has collected it, the number is our child's (alive, or a zombie).
            self.strays = _end_tree(self.pid if self.popen.returncode is None else None, self.mark)
        if self.alive:
            self.popen.kill()
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.job is not None:
            self.job.close()
            self.job = None
        self.outgoing.put(None)
        # Take what the threads still bring until both pipes end (a full queue would
        # block them for ever); a process that escaped and holds a pipe is not waited for.
        tail = []
        deadline = time.monotonic() + 2.0
        while any(t.is_alive() for t in self._threads[:2]) and time.monotonic() < deadline:
            event = self.next_event(0.05)
            if event is not None:
                tail.append(event)
        while True:
            event = self.next_event(0)
            if event is None:
                break
            tail.append(event)
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)
        return tail

    def exit_status(self, grace: float) -> dict | None:
        """How the process ended, waiting up to ``grace`` seconds for it to finish on its own."""
        try:
            code = self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            return None
        if code < 0:
            self.status = {"signal": -code}
        elif windows.is_windows() and windows.describe_exit(code):
            self.status = {"windows": windows.describe_exit(code)}
        else:
            self.status = {"code": code}
        return self.status


class _Bytes:
    """Collects what ``wire.send_frame`` would send, so that one framing serves sockets and pipes."""

    def sendall(self, data: bytes) -> None:
        self.data = data


def _frame(header: dict, blobs=()) -> bytes:
    collected = _Bytes()
    wire.send_frame(collected, header, list(blobs))
    return collected.data


# --------------------------------------------------------------------------- memory, where nothing bounds it
#: how often the parent measures the memory of a process no limit bounds
MEMORY_POLL_SECONDS = 0.05


def _tree_memory(pid: int) -> int:
    """Resident memory of ``pid`` and the processes below it, in bytes (psutil where it is
    installed, else /proc; 0 where neither can tell)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            total = 0
            for process in [root] + root.children(recursive=True):
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            return total
        except psutil.Error:
            return 0
    total = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            continue
    return total


def _tree(pid: int) -> list[int]:
    """``pid`` and the processes below it, from each thread's list of children (cheap), or
    from the whole process table where the system keeps no such lists."""
    if not os.path.exists(f"/proc/{pid}/task"):
        return [pid]
    found, todo = [pid], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    listed = [int(c) for c in children.read().split()]
            except FileNotFoundError:
                return [pid] + _descendants(pid)
            except (OSError, ValueError):
                continue
            for child in listed:
                if child not in found:
                    found.append(child)
                    todo.append(child)
    return found


# --------------------------------------------------------------------------- process trees (not Windows)
def _parents() -> dict[int, int]:
    parents = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return parents
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    return parents


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (through /proc; none known where there is no /proc)."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def _marked(mark: str) -> list[int]:
    """The processes whose environment holds ``mark`` (through /proc)."""
    found = []
    needle = mark.encode()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as environ:
                    if needle in environ.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _end_tree(pid: int | None, mark: str = "") -> int:
    """Stop, then kill, ``pid``, every process below it and every process marked ``mark``
    (one that outlived its parent); the number killed besides ``pid``.  Stopped first, so
    that none can start another between being found and being killed.  ``pid`` None: the
    process was collected (its number may be another's now), only the marked are looked for."""
    stop = getattr(signal, "SIGSTOP", None)
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    seen: set[int] = set()
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        tree = ([pid] + _descendants(pid) if pid is not None else []) + (_marked(mark) if mark else [])
        new = [p for p in tree if p not in seen]
        if not new:
            break
        for p in new:
            try:
                os.kill(p, stop if stop is not None else kill)
            except OSError:
                pass
        seen.update(new)
    for p in seen:
        try:
            os.kill(p, kill)
        except OSError:
            pass
    return len(seen - {pid})


MARK = "DLGRADE_SANDBOX_PROCESS"


# --------------------------------------------------------------------------- worker and session
class PortableWorker(Worker, backend_name="portable"):
    """Starts sandbox processes, one per submission, keeping the next one started."""

    session_class: type  # set below: a Session opened with this worker is a PortableSession

    def __init__(self, backend: str | None = None, slot: int = 0):
        self.backend = "portable"
        self.slot = slot
        self.process: SandboxProcess | None = None  #: the process started for the next submission
        self.control = None
        self.restarts = 0
        self.info: dict = {}
        self.ready = False
        self.served = 0  #: processes handed out

    def start(self) -> None:
        """Start a process for the next submission; it loads the interpreter and NumPy while
        the caller goes on (``ensure`` waits until it is ready)."""
        self.process = SandboxProcess()
        self.ready = False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.alive

    def ensure(self) -> None:
        if not self.alive:
            if self.process is not None:
                self.kill()
                self.restarts += 1
            self.start()
        if not self.ready:
            self.info = self.process.wait_ready()
            self.ready = True

    def take(self) -> SandboxProcess:
        """The started process, now the caller's.  From the second one on (a worker grading
        several submissions, or a submission whose process ended), the next one starts at
        once, so that it is ready when it is needed."""
        self.ensure()
        process, self.process = self.process, None
        self.served += 1
        if self.served > 1:
            self.start()
        return process

    def kill(self) -> None:
        if self.process is not None:
            self.process.end()
        self.process = None

    def close(self) -> None:
        self.kill()

    def spawn(self, *args, **kwargs):
        """The zygote's way to start a session; here a PortableSession takes a process instead."""
        raise TypeError("the portable backend has no zygote: open a Session with this worker")

    def reap(self) -> dict:
        """Nothing to collect here: a PortableSession ends its own process."""
        return {}


class PortableSession(Session):
    """One submission in one sandbox process of its own."""

    _watch_memory = False
    _next_measure = 0.0

    def open(self) -> None:
        if self.sock is not None:
            return
        if self.load_error is not None:
            raise self.load_error
        handle, self._progress_path = tempfile.mkstemp(prefix="dlgrade-progress-")
        os.close(handle)
        try:
            process = self.worker.take()
            process.enter_job(self.limits)
        except BaseException:
            os.unlink(self._progress_path)
            self._progress_path = None
            raise
        self.sock = process
        self.progress = 0
        self.generation += 1
        process.send_frame({"cmd": "load", "source": self.source, "filename": self.filename,
                            "forbidden": self.forbidden, "limits": self.limits.for_child(),
                            "progress": self._progress_path})
        self._buffered = bytearray()
        self._watch_memory = False
        what = f"importing {self.filename}"
        started = time.monotonic()
        applied, _ = self._receive(self.limits.wall_seconds, what=what)
        self._watch_memory = process.job is None and "RLIMIT_AS" not in (applied.get("limits") or [])
        reply, _ = self._receive(max(0.0, self.limits.wall_seconds - (time.monotonic() - started)) or 0.001,
                                 what=what)
        self.take_load_reply(reply)

    def _end_child(self, process: SandboxProcess) -> dict:
        """End the process (and what it started), keeping what it printed before it ended."""
        status = process.exit_status(0) if not process.alive else None
        for kind, data in process.end():
            if kind == "output":
                self.output.add(data)
        return {"status": status, "strays": process.strays}

    def _take_progress(self) -> int | None:
        path = getattr(self, "_progress_path", None)
        if path is None:
            return None
        try:
            with open(path, "rb") as progress:
                data = progress.read(4)
            taken = int.from_bytes(data, "little") if len(data) == 4 else 0
        except OSError:
            taken = 0
        try:
            os.unlink(path)
        except OSError:
            pass
        self._progress_path = None
        return taken

    def request(self, header: dict, blobs=(), timeout: float | None = None):
        self.open()
        self.sock.send_frame(header, list(blobs))
        return self._receive(timeout or self.limits.wall_seconds, what="the call")

    def _receive(self, timeout: float, what: str):
        process = self.sock
        deadline = time.monotonic() + timeout
        while True:
            # A frame may already be here: two frames can come in one read (the limits the
            # process set and its load reply), and the second is not followed by any event.
            frame = self._take_frame()
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._timed_out(what, timeout)
            event = process.next_event(min(left, MEMORY_POLL_SECONDS) if self._watch_memory else left)
            if self._watch_memory and time.monotonic() >= self._next_measure:
                self._next_measure = time.monotonic() + MEMORY_POLL_SECONDS
                if _tree_memory(process.pid) > self.limits.address_space:
                    self.close()
                    raise StudentCrashed(f"the process running your code was killed during {what} "
                                         f"(memory limit: more than {self.limits.address_space // MiB} MiB)")
            if event is None:
                continue
            kind, data = event
            if kind == "output":
                self.output.add(data)
                if self.output.total > self.limits.output_bytes:
                    raise self._printed_too_much()
                continue
            if not data:
                # The replies' pipe closed: the process is ending.  Give it a moment to end on
                # its own, so that how it ended (an exit code, a signal) is known, not raced.
                process.exit_status(2.0)
                info = self.close()
                raise StudentCrashed(_portable_death_message(info, what))
            self._buffered += data
            if len(self._buffered) > self.limits.result_bytes:
                raise self._reply_too_large(what)

    def _take_frame(self):
        """The first complete frame of what has been received (removed from it), or None."""
        try:
            frame = _try_parse(self._buffered, self.limits.result_bytes)
        except StudentCrashed:
            self.close()  # what follows a malformed frame cannot be read either
            raise
        if frame is None:
            return None
        header, blobs = frame
        used = 4 + wire.header_length(bytes(self._buffered[:4]), self.limits.result_bytes)
        del self._buffered[:used + sum(len(b) for b in blobs)]
        return header, blobs


def _portable_death_message(info: dict, what: str) -> str:
    status = info.get("status") or {}
    if "windows" in status:
        return f"the process running your code died during {what} ({status['windows']})"
    return _death_message(info, what)


PortableWorker.session_class = PortableSession
