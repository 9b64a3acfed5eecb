"""Warm sandboxed workers and the sessions that run one submission each.

A ``Worker`` is a zygote process — under bubblewrap when it is available, in
its own mount, network, PID and IPC namespaces, seeing only the interpreter,
NumPy and nothing of the repository — that has imported NumPy once.  For each
submission the parent opens a ``Session``: the zygote forks a child, which makes
namespaces of its own (IPC, network, mounts with fresh scratch folders), takes a
uid of its own (as root), drops every privilege, applies rlimits and only then
receives the student's source from the parent over its own connection: the
zygote, which every child starts as a copy of, never holds any student's code,
values or replies.  The parent then calls the student's functions through that
child, one request at a time, with a wall-clock deadline on each.

After every session the zygote kills whatever the child left behind; if the
zygote itself stops answering (the student killed or stopped it), the whole
worker — its process group and namespace — is killed and started afresh.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dlgrade.sandbox import wire

ZYGOTE_SOURCE = Path(__file__).with_name("zygote.py")
MiB = 1 << 20


# --------------------------------------------------------------------------- outcomes
class StudentCodeError(Exception):
    """The student's code did not produce a value; carries a message for them."""

    status = "error"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class StudentException(StudentCodeError):
    """The student's code raised an exception."""


class StudentLoadError(StudentCodeError):
    """The module could not be loaded (syntax error, exception at import, exit)."""


class StudentMissing(StudentCodeError):
    """A function or attribute the check needs is not defined."""


class StudentNotDefinedAs(StudentMissing):
    """A name the exercise asks for is defined, but as something else (``convolve = None``, a
    module, a class where a function is expected): the checks that need it fail."""

    status = "failed"


class StudentTimeout(StudentCodeError):
    status = "timeout"


class StudentForbidden(StudentCodeError):
    status = "forbidden"


class StudentCrashed(StudentCodeError):
    """The child process died (exit, signal, resource limit)."""


class StudentReplyError(StudentCrashed):
    """The child's reply could not be read (malformed, or past a limit): the child is ended,
    since nothing it sends on that connection can be trusted to be a reply again."""


class SandboxError(Exception):
    """The sandbox itself failed (cannot start): a tool problem, not the student's."""


class SandboxConfigError(SandboxError):
    """The sandbox asked for (DLGRADE_SANDBOX) is unknown or cannot run here: a usage error."""


class SandboxRefused(SandboxConfigError):
    """Bulk grading without bubblewrap, and without the instructor's ``--insecure``: a usage error."""

    key = "grade.needs_bwrap"  #: the message that says how to install it, or to pass --insecure


def sandbox_notice(backend: str) -> str | None:
    """The message key of the note shown before student code runs with ``backend``
    (None for bubblewrap)."""
    return {"bwrap": None, "portable": "sandbox.portable"}.get(backend, "sandbox.insecure")


@dataclass(frozen=True)
class SandboxChoice:
    """The sandbox a command runs student code in, and what it says about it first."""

    backend: str  #: 'bwrap', 'rlimit' or 'portable'
    notice: str | None  #: message key of the note shown before student code runs (None: nothing to say)


def choose_sandbox(*, bulk: bool = False, insecure: bool = False, requested: str | None = None) -> SandboxChoice:
    """The one decision of which sandbox runs student code (see :func:`choose_backend` for
    ``DLGRADE_SANDBOX``).  A student's own check runs in whatever this computer has, with a
    note when it is not bubblewrap.  Bulk grading (``bulk``) needs bubblewrap: anything else
    raises :class:`SandboxRefused` unless the instructor passed ``insecure``, and then the
    note is the warning that namespaces are missing."""
    backend = choose_backend(requested)
    if not bulk or backend == "bwrap":
        return SandboxChoice(backend, sandbox_notice(backend))
    if not insecure:
        from dlgrade.messages import detect_language, say

        raise SandboxRefused(say(SandboxRefused.key, detect_language()))
    return SandboxChoice(backend, "sandbox.insecure")


# --------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limits:
    """Resource limits of one session child."""

    wall_seconds: float = 10.0  #: per request, enforced by the parent
    cpu_seconds: int = 60  #: RLIMIT_CPU of the whole session
    address_space: int = 1024 * MiB  #: RLIMIT_AS on top of what the warm zygote maps
    processes: int = 16  #: RLIMIT_NPROC on top of what the sandbox uid runs
    open_files: int = 64
    file_size: int = 1 * MiB
    output_bytes: int = 1 * MiB  #: stdout+stderr; a flood past this ends the session
    result_bytes: int = 64 * MiB  #: the largest reply the parent accepts

    def for_child(self) -> dict:
        return {"cpu_seconds": self.cpu_seconds, "address_space": self.address_space,
                "processes": self.processes, "open_files": self.open_files, "file_size": self.file_size}


# --------------------------------------------------------------------------- backends
@lru_cache(maxsize=None)
def bubblewrap_available() -> bool:
    """True when bwrap exists and can create namespaces here."""
    path = shutil.which("bwrap")
    if not path:
        return False
    try:
        probe = subprocess.run([path, "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                                "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


BACKENDS = ("auto", "bwrap", "rlimit", "portable")


def fork_sandbox_possible() -> bool:
    """True where the zygote can run: fork, Unix sockets and descriptor passing exist
    (not on Windows)."""
    return (os.name != "nt" and hasattr(os, "fork") and hasattr(socket, "AF_UNIX")
            and hasattr(socket, "send_fds") and hasattr(os, "setsid"))


def choose_backend(requested: str | None = None) -> str:
    """'bwrap', 'rlimit' or 'portable'.  DLGRADE_SANDBOX=rlimit forces the fallback,
    DLGRADE_SANDBOX=portable the subprocess-with-pipes backend
    (:mod:`dlgrade.sandbox.portable`), which is also what Windows, or any system without
    fork and Unix sockets, gets."""
    requested = (requested or os.environ.get("DLGRADE_SANDBOX") or "auto").strip().lower()
    if requested not in BACKENDS:
        from dlgrade.messages import detect_language, say

        raise SandboxConfigError(say("sandbox.unknown_backend", detect_language(), name=requested,
                               known=", ".join(BACKENDS)))
    if requested == "portable":
        return "portable"
    if not fork_sandbox_possible():
        if requested != "auto":
            from dlgrade.messages import detect_language, say

            raise SandboxConfigError(say("sandbox.backend_unavailable", detect_language(), name=requested))
        return "portable"
    if requested == "rlimit":
        return "rlimit"
    if requested == "bwrap":
        if not bubblewrap_available():
            raise SandboxError("bubblewrap (bwrap) is not available: install it (apt-get install bubblewrap)")
        return "bwrap"
    return "bwrap" if bubblewrap_available() else "rlimit"


def _interpreter() -> str:
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


def _numpy_dirs() -> list[Path]:
    import numpy

    pkg = Path(numpy.__file__).resolve().parent
    dirs = [pkg]
    libs = pkg.with_name("numpy.libs")
    if libs.is_dir():
        dirs.append(libs)
    return dirs


def _site_dirs() -> set[str]:
    import site

    found = set(site.getsitepackages())
    found.add(site.getusersitepackages())
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            found.add(entry)
    for root in ("/usr/lib", "/usr/local/lib", "/usr/lib64"):
        for pattern in ("python3*/site-packages", "python3*/dist-packages", "python3/dist-packages"):
            found.update(str(p) for p in Path(root).glob(pattern))
    return {os.path.realpath(p) for p in found if os.path.isdir(p)}


SANDBOX_LIB = "/sandbox/lib"


def bwrap_command(python: str, argv: list[str]) -> list[str]:
    """The bubblewrap command line: a read-only root holding the system
    libraries, the interpreter's standard library and NumPy, with every
    site-packages directory hidden and no network."""
    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session", "--clearenv"]
    if os.getuid() != 0:
        cmd += ["--unshare-user", "--cap-drop", "ALL"]
    # As root there is no user namespace: the zygote keeps root inside its own
    # namespaces only until each session child drops to an unprivileged uid
    # (a user namespace would map no uid to drop to).
    bound: list[str] = []
    for top in ("bin", "lib", "lib64", "lib32", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            cmd += ["--ro-bind", str(path), str(path)]
            bound.append(str(path))
    cmd += ["--ro-bind", "/usr", "/usr"]
    bound.append("/usr")
    for extra in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"):
        if os.path.exists(extra):
            cmd += ["--ro-bind", extra, extra]
    prefix = os.path.realpath(sys.base_prefix)
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    interpreter_dir = os.path.dirname(python)
    made: set[str] = set()
    for path in (prefix, stdlib, interpreter_dir):
        if not any(path == b or path.startswith(b + "/") for b in bound):
            # Parent folders bwrap creates would copy the host's modes (/root is
            # 0700): make them traversable for the unprivileged sandbox uid.
            for parent in reversed(Path(path).parents):
                if str(parent) != "/" and str(parent) not in made:
                    cmd += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
            cmd += ["--ro-bind", path, path]
            bound.append(path)
    for site_dir in sorted(_site_dirs()):
        if any(site_dir == b or site_dir.startswith(b + "/") for b in bound):
            cmd += ["--tmpfs", site_dir]
    # Folders bwrap makes for its own mount points are 0700: the unprivileged uid of a child
    # (as root) could not reach NumPy's submodules through them.  --dir makes them 0755.
    for folder in ("/sandbox", SANDBOX_LIB):
        cmd += ["--dir", folder]
    for directory in _numpy_dirs():
        cmd += ["--ro-bind", str(directory), f"{SANDBOX_LIB}/{directory.name}"]
    # Mount points for the fresh tmpfs each session child mounts for itself.
    for folder in ("/tmp", "/var", "/var/tmp"):
        cmd += ["--dir", folder]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/", "--chdir", "/"]
    for key, value in _child_env().items():
        cmd += ["--setenv", key, value]
    return cmd + ["--", python] + argv


def _child_env() -> dict[str, str]:
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:  # some processors need these to run OpenBLAS correctly
            env[key] = os.environ[key]
    return env


#: As root, the uids a worker's children take in turn: consecutive children never share one.
UIDS_PER_WORKER = 8


def _sandbox_uids(slot: int) -> str:
    """As root, the first of the worker's own unprivileged uids and how many ("first:count");
    "-" otherwise (a user namespace of each child's own stands in for a uid of its own).
    Workers of one process differ by slot, processes by pid: no two running workers share one."""
    if os.getuid() != 0:
        return "-"
    first = 200000 + ((os.getpid() % 16384) * 64 + slot % 64) * UIDS_PER_WORKER
    return f"{first}:{UIDS_PER_WORKER}"


# --------------------------------------------------------------------------- worker
class Worker:
    """One warm zygote; runs one session at a time.

    ``Worker(backend)`` is the worker class of the backend chosen: a subclass naming its
    backend (``PortableWorker``: ``backend_name = "portable"``) serves that backend.  The
    subclasses live in modules of their own, above this one; importing :mod:`dlgrade.sandbox`
    (which Python does before any of its modules) imports them all."""

    #: backend name → the subclass serving it (filled in as the subclasses are defined)
    _by_backend: dict[str, type] = {}

    def __init_subclass__(cls, backend_name: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if backend_name is not None:
            Worker._by_backend[backend_name] = cls

    def __new__(cls, backend: str | None = None, slot: int = 0):
        if cls is Worker:
            chosen = choose_backend(backend)
            if chosen not in ("bwrap", "rlimit"):
                cls = Worker._by_backend[chosen]
        return super().__new__(cls)

    def __init__(self, backend: str | None = None, slot: int = 0):
        self.backend = choose_backend(backend)
        self.slot = slot
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.restarts = 0
        self.info: dict = {}

    # ---- lifecycle
    def start(self) -> None:
        parent_end, child_end = socket.socketpair()
        python = _interpreter()
        source = ZYGOTE_SOURCE.read_text()
        # Under bubblewrap the root holds nothing but the system's folders: a child may list
        # any folder there (it still reads only the files it needs); on the host, no folder.
        argv = ["-I", "-S", "-c", source, str(child_end.fileno()), _sandbox_uids(self.slot),
                "listable-root" if self.backend == "bwrap" else "-"]
        if self.backend == "bwrap":
            bootstrap = f"import sys; sys.path.append({SANDBOX_LIB!r}); "
            argv[3] = bootstrap + source
            cmd = bwrap_command(python, argv)
            env = {"PATH": "/usr/bin:/bin"}
        else:
            numpy_parent = str(_numpy_dirs()[0].parent)
            argv[3] = f"import sys; sys.path.append({numpy_parent!r}); " + source
            cmd = [python] + argv
            env = _child_env()
        self._stderr = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(cmd, pass_fds=[child_end.fileno()], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=self._stderr, env=env,
                                            cwd="/", start_new_session=True, close_fds=True)
        except OSError as exc:
            raise SandboxError(f"cannot start the sandbox: {exc}") from None
        finally:
            child_end.close()
        self.control = parent_end
        self.control.settimeout(60)
        try:
            ready, _ = wire.recv_frame(self.control, max_bytes=MiB)
        except (OSError, wire.FrameError):
            self._stderr.seek(0)
            err = self._stderr.read().decode(errors="replace")[-2000:]
            self.kill()
            raise SandboxError(f"the sandbox did not start ({self.backend}): {err.strip() or 'no output'}") from None
        self.info = ready

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure(self) -> None:
        if not self.alive:
            if self.process is not None:
                self.kill()
                self.restarts += 1
            self.start()

    def kill(self) -> None:
        """Kill the zygote and everything in its process group / namespace."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.control is not None:
            self.control.close()
        self.process = None
        self.control = None

    def close(self) -> None:
        if self.alive and self.control is not None:
            try:
                wire.send_frame(self.control, {"cmd": "exit"})
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    # ---- sessions
    def spawn(self, source: str, filename: str, forbidden: list[str], limits: Limits, progress_fd: int):
        """Fork a session child; returns (socket to it, read end of its output).  The child
        writes the number of the batch item it is running at the start of ``progress_fd``.

        The zygote is only told to fork: the source goes to the child over its own
        connection afterwards, so the process every child starts from never holds any
        student's code (a child can read its own memory, which begins as the zygote's)."""
        self.ensure()
        ours, theirs = socket.socketpair()
        out_r, out_w = os.pipe()
        try:
            wire.send_frame(self.control, {"cmd": "spawn", "limits": limits.for_child()},
                            fds=[theirs.fileno(), out_w, progress_fd])
            wire.recv_frame(self.control, max_bytes=MiB)
        except (OSError, wire.FrameError):
            ours.close()
            os.close(out_r)
            self.kill()
            raise SandboxError("the sandbox stopped answering while starting a session") from None
        finally:
            theirs.close()
            os.close(out_w)
        try:
            ours.settimeout(limits.wall_seconds)
            wire.send_frame(ours, {"filename": filename, "forbidden": list(forbidden), "source": source})
        except OSError:
            pass  # the child is gone before reading it: the load reply says how it ended
        finally:
            ours.settimeout(None)
        return ours, out_r

    def reap(self) -> dict:
        """Kill the session child and anything it left; its exit status if known."""
        if not self.alive:
            self.kill()
            return {"status": None, "strays": 0, "worker_lost": True}
        try:
            self.control.settimeout(5)
            wire.send_frame(self.control, {"cmd": "reap"})
            reply, _ = wire.recv_frame(self.control, max_bytes=MiB)
            self.control.settimeout(60)
        except (OSError, wire.FrameError):
            self.kill()  # the zygote was killed or stopped: start afresh next time
            return {"status": None, "strays": 0, "worker_lost": True}
        if not reply.get("clean", True):
            self.kill()
        return reply

    def __enter__(self):
        self.ensure()
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------- session
@dataclass
class Output:
    """What the student's code printed (the first bytes of it)."""

    head: bytearray = field(default_factory=bytearray)
    total: int = 0
    keep: int = 4096

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.keep - len(self.head)
        if room > 0:
            self.head += data[:room]

    def text(self) -> str:
        text = self.head.decode("utf-8", errors="replace")
        if self.total > len(self.head):
            text += f"\n… ({self.total - len(self.head)} more bytes)"
        return text


class Session:
    """One submission loaded in one sandboxed child.

    A session of a worker that names its own ``session_class`` (the portable backend's)
    is an instance of that class."""

    def __new__(cls, worker=None, *args, **kwargs):
        own = getattr(worker, "session_class", None)
        if cls is Session and own is not None:
            return super().__new__(own)
        return super().__new__(cls)

    def __init__(self, worker: Worker, source: str, filename: str, forbidden=(), limits: Limits | None = None):
        self.worker = worker
        self.source = source
        self.filename = filename
        self.forbidden = list(forbidden)
        self.limits = limits or Limits()
        self.sock: socket.socket | None = None
        self.out_fd: int | None = None
        self.output = Output()
        self.load_error: StudentLoadError | None = None
        self.strays = 0
        #: increases each time a fresh child is started: handles from an earlier
        #: child are meaningless in a new one
        self.generation = 0
        #: the module's functions and classes as the child listed them when it loaded
        #: the module (name → wire.Handle), for this generation of child
        self.functions: dict[str, wire.Handle] = {}
        self._progress_fd: int | None = None
        #: the number (from 1) of the batch item the last child was running when it ended,
        #: as it wrote it; 0 if it ran no batch (the child's word: check the range)
        self.progress = 0
        #: seconds spent waiting on requests that ended in a time-out or the child's death,
        #: each counted once
        self.lost_seconds = 0.0
        #: a notebook's cells that raised while the module loaded, as the child reported them
        #: (its word, about its own code): [{"line": module line, "error": "…", "traceback": "…"}]
        self.cell_errors: list[dict] = []

    # ---- lifecycle
    def open(self) -> None:
        """Start the child and load the module; raises StudentCodeError if it cannot."""
        if self.sock is not None:
            return
        if self.load_error is not None:
            raise self.load_error
        self._progress_fd = _progress_file()
        try:
            self.sock, self.out_fd = self.worker.spawn(self.source, self.filename, self.forbidden, self.limits,
                                                       self._progress_fd)
        except BaseException:
            os.close(self._progress_fd)
            self._progress_fd = None
            raise
        self.progress = 0
        self.generation += 1
        try:
            reply, _ = self._receive(self.limits.wall_seconds, what=f"importing {self.filename}")
        except (StudentTimeout, StudentCrashed) as exc:
            # The module itself hangs or ends the process: every later check would only meet
            # (and wait for) the same again, so it is the load's result from now on.
            self.load_error = exc
            raise
        self.take_load_reply(reply)

    def take_load_reply(self, reply: dict) -> None:
        """What the reply to loading the module says, for every backend: the module's functions
        and a notebook's cells that raised; or the load's error, kept and raised."""
        self.functions = _function_handles(reply.get("functions")) if reply.get("ok") else {}
        if reply.get("ok") and not self.cell_errors:
            self.cell_errors = _cell_errors(reply.get("notes"))
        if not reply.get("ok"):
            kind = reply.get("kind")
            message = str(reply.get("error", "could not be loaded"))
            self.close()
            if kind == "forbidden":
                self.load_error = StudentForbidden(message)
            else:
                detail = str(reply.get("traceback") or reply.get("text") or "")
                self.load_error = StudentLoadError(f"{self.filename} could not be loaded: {message}", detail)
            raise self.load_error

    def close(self) -> dict:
        """End the child, if one runs, and take what it leaves: how it ended (``status``),
        the processes it left behind (counted in ``strays``), the batch progress it wrote and
        what it printed.  The same steps for every backend; :meth:`_end_child`,
        :meth:`_take_progress` and :meth:`_release` are each backend's own."""
        info = {}
        if self.sock is not None:
            child, self.sock = self.sock, None
            info = self._end_child(child)
            # Handles of the child that ends here mean nothing to the next one: every proxy
            # made for it is lost from now on, not sent to a fresh child by mistake.
            self.generation += 1
            self.functions = {}
            self.strays += int(info.get("strays") or 0)
        progress = self._take_progress()
        if progress is not None:
            self.progress = progress
        self._release()
        return info

    def _end_child(self, sock) -> dict:
        """Close the child's socket and collect it from the zygote: its exit status, strays."""
        sock.close()
        return self.worker.reap()

    def _take_progress(self) -> int | None:
        """The batch item the child wrote it was at (None when no progress file is open)."""
        if self._progress_fd is None:
            return None
        data = os.pread(self._progress_fd, 4, 0)
        os.close(self._progress_fd)
        self._progress_fd = None
        return int.from_bytes(data, "little") if len(data) == 4 else 0

    def _release(self) -> None:
        """What the child printed last, then its output pipe closed."""
        if self.out_fd is not None:
            self._drain(0)
            os.close(self.out_fd)
            self.out_fd = None

    # ---- a limit reached: the child is ended, and the student is told which limit
    def _timed_out(self, what: str, timeout: float) -> StudentTimeout:
        self.close()
        return StudentTimeout(f"{what} did not finish within {timeout:g} s (time limit); "
                              "look for an infinite loop or a very slow computation")

    def _printed_too_much(self) -> StudentCrashed:
        self.close()
        return StudentCrashed(f"the code printed more than {self.limits.output_bytes // 1024} KiB "
                              "of output (output limit); the process was stopped")

    def _reply_too_large(self, what: str) -> StudentCrashed:
        self.close()
        return StudentCrashed(f"the result of {what} is larger than {self.limits.result_bytes // MiB} MiB (size limit)")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- requests
    def request(self, header: dict, blobs=(), timeout: float | None = None):
        self.open()
        try:
            wire.send_frame(self.sock, header, list(blobs))
        except OSError:
            pass  # the child is gone; _receive says how
        return self._receive(timeout or self.limits.wall_seconds, what="the call")

    def _drain(self, wait: float) -> None:
        if self.out_fd is None:
            return
        while True:
            ready, _, _ = select.select([self.out_fd], [], [], wait)
            if not ready:
                return
            data = os.read(self.out_fd, 65536)
            if not data:
                return
            self.output.add(data)
            wait = 0

    def _receive(self, timeout: float, what: str):
        """Wait for one reply, draining output; enforce the deadline and limits."""
        started = time.monotonic()
        try:
            return self._receive_until(started + timeout, timeout, what)
        except (StudentTimeout, StudentCrashed):
            # Each wait that ended with the child killed or dead is counted once, here: the
            # submission's time budget (see grading.grade_submission) is the sum of these.
            self.lost_seconds += time.monotonic() - started
            raise

    def _receive_until(self, deadline: float, timeout: float, what: str):
        self.sock.setblocking(False)
        reader = FrameReader(self.limits.result_bytes)
        out_open = True
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._timed_out(what, timeout)
            watch = [self.sock] + ([self.out_fd] if out_open else [])
            ready, _, _ = select.select(watch, [], [], left)
            if self.out_fd in ready:
                data = os.read(self.out_fd, 65536)
                if not data:
                    out_open = False
                self.output.add(data)
                if self.output.total > self.limits.output_bytes:
                    raise self._printed_too_much()
            if self.sock in ready:
                try:
                    chunk = self.sock.recv(65536)  # below malloc's mmap threshold: no mapping per call
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    info = self.close()
                    raise StudentCrashed(_death_message(info, what))
                if len(reader.buffered) + len(chunk) > self.limits.result_bytes + 4:
                    raise self._reply_too_large(what)
                try:
                    frame = reader.feed(chunk)
                except StudentCrashed:
                    self.close()
                    raise
                if frame is not None:
                    self.sock.setblocking(True)
                    return frame


def _progress_file() -> int:
    """A four-byte file the child writes its batch progress to (in memory where the system
    allows it)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("dlgrade-progress")
    handle, path = tempfile.mkstemp(prefix="dlgrade-progress-")
    os.unlink(path)
    return handle


def _function_handles(listed) -> dict[str, wire.Handle]:
    """The load reply's function handles, validated (the child's word: malformed entries
    are dropped and those names are looked up on demand instead)."""
    handles = {}
    if isinstance(listed, dict):
        for name, encoded in list(listed.items())[:256]:
            try:
                value = wire.decode(encoded, [])
            except wire.WireError:
                continue
            if isinstance(name, str) and isinstance(value, wire.Handle) and value.callable:
                handles[name] = value
    return handles


class FrameReader:
    """Assembles one frame from the bytes received so far: the header is parsed once, when
    it is complete (not again for every later chunk of its blobs), with the limits of
    ``wire.parse_header``; anything malformed or past a limit is the child's failure."""

    def __init__(self, limit: int):
        self.limit = limit
        self.buffered = bytearray()
        self.header = None
        self.sizes: list[int] = []
        self.start = 0  #: where the blobs begin

    def feed(self, chunk: bytes):
        """The complete frame (header, blobs), or None while bytes are still missing."""
        self.buffered += chunk
        buffered = self.buffered
        try:
            if self.header is None:
                if len(buffered) < 4:
                    return None
                length = wire.header_length(bytes(buffered[:4]), self.limit)
                if len(buffered) < 4 + length:
                    return None
                self.header, self.sizes = wire.parse_header(bytes(buffered[4:4 + length]), self.limit)
                self.start = 4 + length
        except wire.FrameError as exc:
            raise StudentReplyError(f"the reply from the sandbox was malformed or too large ({exc})") from None
        if len(buffered) < self.start + sum(self.sizes):
            return None
        blobs, offset = [], self.start
        for size in self.sizes:
            blobs.append(bytes(buffered[offset:offset + size]))
            offset += size
        return self.header, blobs


def _death_message(info: dict, what: str) -> str:
    status = info.get("status") or {}
    if info.get("worker_lost"):
        return f"the process running your code was killed during {what} (did the code kill its parent?)"
    if "signal" in status:
        sig = status["signal"]
        name = {signal.SIGXCPU: "SIGXCPU: CPU time limit", signal.SIGKILL: "SIGKILL",
                signal.SIGSEGV: "SIGSEGV: segmentation fault", signal.SIGXFSZ: "SIGXFSZ: file size limit",
                signal.SIGABRT: "SIGABRT"}.get(sig, f"signal {sig}")
        return f"the process running your code died during {what} ({name})"
    if "code" in status:
        return f"your code ended the process during {what} (exit code {status['code']})"
    return f"the process running your code ended during {what}"


def _cell_errors(notes) -> list[dict]:
    """The child's list of cells that raised, kept only as far as it has the expected shape."""
    out = []
    for note in notes if isinstance(notes, list) else []:
        if len(out) >= 20:
            break
        if isinstance(note, dict) and type(note.get("line")) is int and isinstance(note.get("error"), str):
            out.append({"line": note["line"], "error": note["error"][:2000],
                        "traceback": str(note.get("traceback") or "")[:4000],
                        "skipped_import": note.get("skipped_import") is True})
    return out
