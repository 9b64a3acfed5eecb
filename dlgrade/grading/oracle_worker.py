"""TensorFlow oracles in a process of their own.

The grading process never imports TensorFlow: the first oracle computation that
is not in the disk cache starts one trusted worker process, which imports
TensorFlow once and then answers every request of the run.  A request names a
module-level function of a grader (its file and qualified name) and its
arguments; the worker calls ``fn(tf, *args, **params)`` and sends back the
arrays.  Besides keeping ~550 MB and seconds of start-up out of the grading
process, this puts TensorFlow's work on another core: while a grading thread
waits for the worker, it holds no interpreter lock, and the other grading
threads go on.

Both ends are trusted dlgrade code; values still cross as JSON plus ``.npy``
blobs (never pickle), with the sandbox's framing.
"""

from __future__ import annotations

import atexit
import importlib
import os
import socket
import subprocess
import sys
import threading
import traceback
from pathlib import Path

import numpy as np

from dlgrade.sandbox.zygote import FrameError, npy_array, npy_bytes, recv_frame, send_frame


class OracleProcessError(RuntimeError):
    """The oracle process failed a computation, or ended."""


# --------------------------------------------------------------------------- values
def encode(value, blobs: list):
    """Arrays become blobs, tuples stay tuples; everything else is plain JSON."""
    if isinstance(value, np.ndarray):
        blobs.append(npy_bytes(value))
        return {"$nd": len(blobs) - 1}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, blobs) for v in value]}
    if isinstance(value, list):
        return [encode(v, blobs) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[k, encode(v, blobs)] for k, v in value.items()]}
    return value


def decode(value, blobs: list):
    if isinstance(value, list):
        return [decode(v, blobs) for v in value]
    if isinstance(value, dict):
        if "$nd" in value:
            return npy_array(blobs[value["$nd"]])
        if "$tuple" in value:
            return tuple(decode(v, blobs) for v in value["$tuple"])
        return {k: decode(v, blobs) for k, v in value["$dict"]}
    return value


def addressable(fn) -> bool:
    """Whether the worker can find ``fn`` again: a module-level function of a file."""
    qualname = getattr(fn, "__qualname__", "")
    return bool(getattr(fn, "__code__", None)) and "<" not in qualname and "." not in qualname


# --------------------------------------------------------------------------- parent side
class OracleProcess:
    """The worker, seen from the grading process: one request at a time."""

    def __init__(self, address: str | None = None):
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        #: a shared oracle process's socket (another process started it), else None
        self._address = address
        self._folder: str | None = None

    @property
    def address(self) -> str:
        """Where other processes of this run reach the same oracle process.  Only then does
        it listen (in a folder of this user's alone): a single `dlgrade check` opens no socket."""
        with self._lock:
            if self._alive() and not self._folder:
                self._stop()  # started without a listener: start again with one
            if not self._alive():
                self._start(listen=True)
        return os.path.join(self._folder, "oracle.sock")

    def _start(self, listen: bool = False):
        if self._address:  # another process owns the oracle process: connect to it
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.connect(self._address)
            return
        import tempfile

        fds, listener = [], None
        if listen:
            # Bound and listening here, before the worker starts: the address works as soon as
            # it is handed out (the worker inherits the socket and accepts on it).
            self._folder = tempfile.mkdtemp(prefix="dlgrade-oracle-")  # 0700: only this user connects
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(os.path.join(self._folder, "oracle.sock"))
            listener.listen(64)
            fds = [listener.fileno()]
        parent, child = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [
            str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])))
        from dlgrade.trusted import helper_options

        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "dlgrade.grading.oracle_worker", str(child.fileno()),
                                           *map(str, fds)],
                                          pass_fds=[child.fileno(), *fds], **helper_options(env),
                                          stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            child.close()
            if listener is not None:
                listener.close()  # the worker holds it now
        self._sock = parent

    def _alive(self) -> bool:
        if self._address:
            return self._sock is not None
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the worker now (it imports TensorFlow at once), not at the first request:
        a bulk run overlaps those seconds with grading that needs no oracle."""
        with self._lock:
            if not self._alive():
                self._start()

    def run(self, fn, args: tuple, params: dict):
        blobs: list[bytes] = []
        header = {"file": fn.__code__.co_filename, "module": fn.__module__, "function": fn.__qualname__,
                  "args": encode(tuple(args), blobs), "params": encode(dict(params), blobs)}
        with self._lock:
            if not self._alive():
                self._start()
            try:
                send_frame(self._sock, header, blobs)
                reply, reply_blobs = recv_frame(self._sock)
            except (OSError, FrameError):
                code = self._proc.wait() if self._proc else "unknown"
                self._proc, self._sock = None, None
                raise OracleProcessError(f"the TensorFlow oracle process ended (exit code {code}) "
                                         f"while computing {fn.__qualname__}") from None
        if not reply.get("ok"):
            raise OracleProcessError(f"{fn.__qualname__} failed in the oracle process:\n{reply.get('traceback')}")
        return decode(reply["value"], reply_blobs)

    def close(self):
        with self._lock:
            self._stop()

    def _stop(self):
        if self._sock is not None:
            self._sock.close()  # the worker sees the end of its input and exits
            self._sock = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._folder:
            import shutil

            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


#: Set by a bulk run for its grading processes: the oracle process they all share.
SHARED_ORACLE = "DLGRADE_ORACLE_SOCKET"

_process: OracleProcess | None = None
_process_lock = threading.Lock()


def oracle_process() -> OracleProcess:
    """This process's oracle worker (started on first use, stopped at exit)."""
    global _process
    with _process_lock:
        if _process is None:
            _process = OracleProcess(os.environ.get(SHARED_ORACLE) or None)
            atexit.register(_process.close)
        return _process


# --------------------------------------------------------------------------- worker side
def _function(header, modules: dict):
    path = header["file"]
    module = sys.modules.get(header["module"]) if header["module"].startswith("dlgrade.") else None
    if module is None:
        mtime = os.stat(path).st_mtime
        cached = modules.get(path)
        if cached is None or cached[0] != mtime:
            if header["module"].startswith("dlgrade."):
                module = importlib.import_module(header["module"])
            else:
                from dlgrade.grading.checks import load_module

                module = load_module(Path(path), header["module"])
            modules[path] = (mtime, module)
        module = modules[path][1]
    return getattr(module, header["function"])


def serve(owner: socket.socket, listener: socket.socket | None = None) -> None:
    """Answer requests from the process that started this one and, on ``listener`` (a
    listening socket it passed down), from the other processes of its run, one at a time;
    end when the owner closes its end."""
    import select

    from dlgrade.tensorflow_handle import run_lock, tensorflow

    try:
        tf, broken = tensorflow(), None
    except Exception:  # every request then says why (TensorFlow missing or broken)
        tf, broken = None, traceback.format_exc()
    modules: dict = {}
    clients: list[socket.socket] = []
    while True:
        ready, _, _ = select.select([owner, *clients, *([listener] if listener else [])], [], [])
        for sock in ready:
            if sock is listener:
                clients.append(listener.accept()[0])
                continue
            try:
                request, blobs = recv_frame(sock)
            except FrameError:
                if sock is owner:
                    return  # the run is over
                clients.remove(sock)
                sock.close()
                continue
            reply, out = _compute(request, blobs, tf, broken, modules, run_lock)
            try:
                send_frame(sock, reply, out)
            except OSError:
                if sock is owner:
                    return
                clients.remove(sock)
                sock.close()


def _compute(request, blobs, tf, broken, modules, lock):
    if broken:
        return {"ok": False, "traceback": "TensorFlow could not be imported (this grader asks it: "
                "pip install 'dlgrade[tensorflow]'):\n" + broken}, []
    out: list[bytes] = []
    try:
        fn = _function(request, modules)
        args, params = decode(request["args"], blobs), decode(request["params"], blobs)
        with lock:
            result = fn(tf, *args, **params)
        if isinstance(result, (tuple, list)):
            value = encode(tuple(np.asarray(r.numpy() if hasattr(r, "numpy") else r) for r in result), out)
        else:
            value = encode(np.asarray(result.numpy() if hasattr(result, "numpy") else result), out)
        return {"ok": True, "value": value}, out
    except Exception:
        return {"ok": False, "traceback": traceback.format_exc()}, []


if __name__ == "__main__":
    listening = socket.socket(fileno=int(sys.argv[2])) if len(sys.argv) > 2 else None
    serve(socket.socket(fileno=int(sys.argv[1])), listening)
