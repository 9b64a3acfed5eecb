"""What a process of the portable sandbox runs (the untrusted side).

The parent starts ``python -I -S -c BOOTSTRAP`` with three pipes and sends this
file's source, appended to ``zygote.py``'s, over standard input; the two run as
one program whose globals are ``zygote.py``'s (``run_session``, the framing, ``_process_count``).  So, like ``zygote.py``, it imports only the standard library at
module level, and nothing that Windows lacks: no fork, no AF_UNIX socket, no
``resource``/``fcntl``/``termios``/``pwd`` unless guarded, no sessions or uids.

Descriptors: 0 carries the parent's frames in, 1 the replies out; both are
moved to new numbers before any student code runs, and 0/1/2 then become
/dev/null, the output pipe and the output pipe, so what the student prints
(from Python or from C) never mixes with the frames.
"""

import os
import sys


class PipeConnection:
    """The two ends of the frame channel, with the two socket methods the framing uses
    (``recv`` and ``sendall``), so ``run_session`` serves pipes as it serves a socket."""

    def __init__(self, read_fd, write_fd):
        self.read_fd = read_fd
        self.write_fd = write_fd

    def recv(self, size):
        return os.read(self.read_fd, size)

    def sendall(self, data):
        view = memoryview(data)
        while view:
            view = view[os.write(self.write_fd, view):]


def _add_conda_dll_folder():
    """Anaconda on Windows keeps NumPy's math libraries in Library\\bin, which only its
    site set-up (skipped here by -S) adds to the DLL search path."""
    if os.name != "nt" or not hasattr(os, "add_dll_directory"):
        return
    folder = os.path.join(sys.base_prefix, "Library", "bin")
    if os.path.isdir(folder):
        try:
            os.add_dll_directory(folder)
        except OSError:
            pass


def apply_limits(limits):
    """Resource limits where the ``resource`` module exists (Linux, macOS); on Windows
    the parent's Job Object bounds memory, CPU time and processes instead.
    Returns the names of the limits applied."""
    try:
        import resource
    except ImportError:
        return []
    applied = []

    def limit(name, value):
        which = getattr(resource, name, None)
        if which is None:
            return
        try:
            resource.setrlimit(which, (value, value))
            applied.append(name)
        except (ValueError, OSError):
            pass

    cpu = int(limits.get("cpu_seconds", 30))
    which = getattr(resource, "RLIMIT_CPU", None)
    if which is not None:
        try:
            resource.setrlimit(which, (cpu, cpu + 1))
            applied.append("RLIMIT_CPU")
        except (ValueError, OSError):
            pass
    if limits.get("address_space") and os.path.exists("/proc/self/statm"):
        # On top of what this process already maps (the interpreter and NumPy).
        with open("/proc/self/statm") as statm:
            base = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit("RLIMIT_AS", base + int(limits["address_space"]))
    limit("RLIMIT_NOFILE", int(limits.get("open_files", 64)))
    limit("RLIMIT_FSIZE", int(limits.get("file_size", 1 << 20)))
    limit("RLIMIT_CORE", 0)
    if limits.get("processes") and os.path.isdir("/proc") and hasattr(os, "getuid"):
        # RLIMIT_NPROC counts every process of the uid: allow what it runs already plus the budget.
        limit("RLIMIT_NPROC", _process_count(os.getuid()) + int(limits["processes"]))  # noqa: F821 (zygote's)
    return applied


def _write_at_start(fd, data, offset):
    os.lseek(fd, offset, 0)
    return os.write(fd, data)


def portable_main():
    requests = os.dup(0)
    replies = os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = None
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    conn = PipeConnection(requests, replies)

    _add_conda_dll_folder()
    # NumPy only: the zygote's other preloads are there for a child that drops its uid,
    # and each costs start-up time, which here is paid once per submission.
    import numpy

    send_frame(conn, {"ready": True, "pid": os.getpid(), "numpy": numpy.__version__,  # noqa: F821
                      "python": sys.version.split()[0]})
    try:
        command, _blobs = recv_frame(conn, max_bytes=1 << 26)  # noqa: F821
    except FrameError:  # noqa: F821  (the parent closed: a spare process never used)
        return
    if command.get("cmd") != "load":
        return
    # The parent watches the memory itself where no limit bounds it here (no resource
    # module and no Job Object).
    send_frame(conn, {"limits": apply_limits(command.get("limits") or {})})  # noqa: F821
    progress = None
    if command.get("progress"):
        progress = os.open(command["progress"], os.O_RDWR | getattr(os, "O_BINARY", 0))
        if not hasattr(os, "pwrite"):  # Windows: run_session notes its progress with pwrite
            os.pwrite = _write_at_start
    run_session(conn, command["source"], command["filename"], command.get("forbidden") or [],  # noqa: F821
                progress)
