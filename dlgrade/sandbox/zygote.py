"""The code that runs on the untrusted side of the sandbox.

This one file is both a module the trusted parent imports (for the wire framing,
so both sides share one definition of it) and the program the sandbox runs: the
parent passes its source to ``python -I -S -c`` inside bubblewrap, so nothing of
the repository is mounted there.  It must therefore import only the standard
library at module level, and NumPy inside functions.

Two roles live here:

* the *zygote*: a long-lived process that has imported NumPy once and forks a
  fresh child per submission (a *session*), then cleans up after it;
* the *harness*: what a session child runs — it loads the student's module from
  source and answers call requests from the parent over a socket.

Nothing the child sends can be more than a claim about a value: the parent
decodes every message strictly (see ``dlgrade.sandbox.wire``), never unpickles,
and does every comparison itself.
"""

import json
import os
import socket
import struct
import sys

# --------------------------------------------------------------------------- framing
# A frame is: 4-byte big-endian length of a JSON header, the header, then the
# binary blobs whose sizes the header lists under "blobs".  The same reader runs
# in the parent with a size cap, so a flood of bytes cannot exhaust its memory.

HEADER = struct.Struct(">I")


class FrameError(Exception):
    """A frame could not be read: closed connection, bad length, bad JSON."""


def _read_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise FrameError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def send_frame(sock, header, blobs=(), fds=()):
    header = dict(header)
    header["blobs"] = [len(b) for b in blobs]
    payload = json.dumps(header, allow_nan=False).encode()
    # One buffer, one system call: round trips dominate the cost of a check.
    data = b"".join([HEADER.pack(len(payload)), payload, *blobs])
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        if sent < len(data):
            sock.sendall(data[sent:])
    else:
        sock.sendall(data)


def header_length(prefix, max_bytes):
    """The JSON header's length from a frame's first 4 bytes, within the limit."""
    (length,) = HEADER.unpack(prefix)
    if length > max_bytes:
        raise FrameError("header of %d bytes exceeds the limit" % length)
    return length


def parse_header(payload, max_bytes):
    """The header object and its blob sizes, validated; the one parser of both readers."""
    try:
        header = json.loads(payload)
    except ValueError as exc:
        raise FrameError("malformed header: %s" % exc) from None
    if not isinstance(header, dict):
        raise FrameError("header is not an object")
    sizes = header.get("blobs", [])
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes):
        raise FrameError("bad blob sizes")
    if sum(sizes) + len(payload) > max_bytes:
        raise FrameError("message of %d bytes exceeds the limit of %d" % (sum(sizes) + len(payload), max_bytes))
    return header, sizes


def recv_frame(sock, max_bytes=1 << 40, with_fds=0):
    fds = []
    if with_fds:
        data, fds, _flags, _addr = socket.recv_fds(sock, HEADER.size, with_fds)
        if not data:
            raise FrameError("connection closed")
        data += _read_exact(sock, HEADER.size - len(data))
    else:
        data = _read_exact(sock, HEADER.size)
    length = header_length(data, max_bytes)
    header, sizes = parse_header(_read_exact(sock, length), max_bytes)
    blobs = [_read_exact(sock, s) for s in sizes]
    if with_fds:
        return header, blobs, fds
    return header, blobs


# --------------------------------------------------------------------------- arrays
# Arrays travel in the .npy format (version 1.0, never pickled).  NumPy's own
# reader parses the header with ast.literal_eval, which costs more than the
# rest of a round trip, so the common header is written and read here with a
# strict pattern; anything else is left to numpy.load(allow_pickle=False).

import re as _re

_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = _re.compile(rb"\{'descr': '([<|][biuf][1248])', 'fortran_order': False, 'shape': \(((?:\d+, )*\d*|\d+,)\), \} *\n")


def npy_bytes(array):
    import numpy as np

    if not array.flags.c_contiguous:
        array = array.copy(order="C")  # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    descr = array.dtype.str
    if descr[0] == "=":
        descr = "<" + descr[1:]
    if descr[0] not in "<|" or array.dtype.kind not in "biuf":
        import io

        buf = io.BytesIO()
        np.save(buf, array, allow_pickle=False)
        return buf.getvalue()
    shape = "(%s)" % ("%d," % array.shape[0] if array.ndim == 1 else ", ".join(str(n) for n in array.shape))
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    pad = 64 - (len(_NPY_MAGIC) + 2 + len(header) + 1) % 64
    header = (header + " " * pad + "\n").encode("latin1")
    return _NPY_MAGIC + struct.pack("<H", len(header)) + header + array.tobytes()


def npy_array(blob):
    """An ndarray from .npy bytes; never unpickles."""
    import numpy as np

    if blob[:8] == _NPY_MAGIC and len(blob) >= 10:
        (length,) = struct.unpack("<H", blob[8:10])
        match = _NPY_HEADER.fullmatch(blob[10:10 + length])
        if match:
            dtype = np.dtype(match.group(1).decode())
            dims = match.group(2).decode().replace(",", " ").split()
            shape = tuple(int(d) for d in dims)
            count = 1
            for d in shape:
                count *= d
            data = blob[10 + length:]
            if len(data) != count * dtype.itemsize:
                raise ValueError("array data does not match its header")
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    import io

    return np.load(io.BytesIO(blob), allow_pickle=False)


# --------------------------------------------------------------------------- values
# Values are JSON with tags; arrays travel as .npy bytes.  Whatever is not a
# plain value (a class instance, a bound method, a function) stays in the child
# and crosses as a handle the parent can call or read attributes of.

_MAX_STR = 2000


class Codec:
    """Encodes the student's values to tagged JSON + npy blobs, and decodes the
    parent's arguments (arrays, functions from a whitelisted description)."""

    def __init__(self):
        self.handles = {}
        self.next_handle = 1
        self.last = None  # the object the last request produced (see the batch request)

    def keep(self, obj):
        h = self.next_handle
        self.next_handle += 1
        self.handles[h] = obj
        return h

    def encode(self, value, blobs, depth=0):
        import numpy as np

        if depth > 20:
            return {"$bad": "value nested too deeply"}
        t = type(value)
        if value is None:
            return None
        if t is bool or t is np.bool_:
            return {"$bool": bool(value)}
        if t is int:
            return value if abs(value) < 2 ** 63 else {"$bad": "integer too large"}
        if isinstance(value, np.integer) and t.__module__ == "numpy":
            return {"$int": int(value), "dtype": str(value.dtype)}
        if t is float:
            return {"$float": repr(value), "dtype": "float64"}
        if isinstance(value, np.floating) and t.__module__ == "numpy":
            return {"$float": repr(float(value)), "dtype": str(value.dtype)}
        if t is np.ndarray:
            if value.dtype.kind not in "biuf":
                return {"$bad": "ndarray of dtype %s" % value.dtype}
            blobs.append(npy_bytes(value))
            return {"$nd": len(blobs) - 1}
        if isinstance(value, np.ndarray):
            return {"$bad": "an ndarray subclass (%s), not a numpy.ndarray" % t.__name__}
        if t is str:
            return {"$str": value[:_MAX_STR]}
        if t is tuple:
            return {"$tuple": [self.encode(v, blobs, depth + 1) for v in value]}
        if t is list:
            return {"$list": [self.encode(v, blobs, depth + 1) for v in value]}
        if t is dict and all(type(k) is str for k in value):
            return {"$dict": {k: self.encode(v, blobs, depth + 1) for k, v in value.items()}}
        if t in (complex,) or isinstance(value, (np.complexfloating,)):
            return {"$bad": "a complex number"}
        return {"$handle": self.keep(value), "type": _type_name(value), "callable": callable(value)}

    def decode(self, enc, blobs):
        if enc is None or type(enc) in (int, bool):
            return enc
        if type(enc) is list:
            return [self.decode(v, blobs) for v in enc]
        tag = next(iter(enc))
        val = enc[tag]
        if tag == "$nd":
            return npy_array(blobs[val])
        if tag == "$float":
            return float(val)
        if tag == "$bool":
            return bool(val)
        if tag == "$str":
            return val
        if tag == "$tuple":
            return tuple(self.decode(v, blobs) for v in val)
        if tag == "$list":
            return [self.decode(v, blobs) for v in val]
        if tag == "$dict":
            return {k: self.decode(v, blobs) for k, v in val.items()}
        if tag == "$ref":
            return self.handles[val]
        if tag == "$fn":
            return build_function(val)
        raise ValueError("unknown tag %r" % tag)


def _type_name(value):
    t = type(value)
    return getattr(t, "__qualname__", t.__name__)


# Functions cannot cross a process boundary; the parent describes them as small
# expression trees over a whitelist of NumPy operations, built here.
_UNARY = ("exp", "sin", "cos", "tanh", "log", "sqrt", "square", "abs")
_BINARY = ("add", "subtract", "multiply", "divide", "power")


def build_function(spec):
    import numpy as np

    def ev(node, x):
        op = node[0]
        if op == "x":
            return x
        if op == "const":
            return float(node[1])
        if op == "array":
            return np.asarray(node[1], dtype=float)
        if op in _UNARY:
            return getattr(np, op)(ev(node[1], x))
        if op in _BINARY:
            return getattr(np, op)(ev(node[1], x), ev(node[2], x))
        if op == "sum":
            return np.sum(ev(node[1], x))
        if op == "dot":
            return np.dot(ev(node[1], x).ravel(), ev(node[2], x).ravel())
        if op == "poly":  # coefficients, highest degree first
            return np.polyval(node[1], ev(node[2], x))
        raise ValueError("operation %r is not allowed" % (op,))

    def f(x, *_ignored):
        value = ev(spec, x)
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return float(value)
        return value

    f.__name__ = "f"
    f.__qualname__ = "f"
    return f


# --------------------------------------------------------------------------- forbidden names
class ForbiddenName(BaseException):
    """Raised in the child when student code reaches a forbidden name.

    A BaseException, so that a bare ``except Exception`` in student code does
    not swallow it; the harness also records it, and the parent checks the
    source statically, so swallowing it anyway gains nothing."""


_violations = []


def install_guards(forbidden):
    """Refuse imports of forbidden modules and calls of forbidden attributes."""
    import importlib.abc
    import importlib.util

    modules = []
    attributes = []
    for name in forbidden:
        if name.startswith("numpy."):
            attributes.append(name)
        else:
            modules.append(name)

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            for name in modules:
                if fullname == name or fullname.startswith(name + "."):
                    _violations.append(name)
                    raise ForbiddenName("import of %s is not allowed in this exercise" % name)
            return None

    sys.meta_path.insert(0, Refuse())
    if not attributes:
        return
    import numpy as np

    def guard(qualname):
        def refused(*args, **kwargs):
            _violations.append(qualname)
            raise ForbiddenName("%s is not allowed in this exercise" % qualname)

        return refused

    # Replace the attribute wherever NumPy exposes the same object, so an alias
    # such as numpy._core.numeric.convolve is refused too, and the compiled functions
    # of the same name that do its work (numpy._core.multiarray.correlate and
    # correlate2 behind np.convolve and np.correlate), which are other paths to it.
    # Each replacement names the path it stands in.
    for qualname in attributes:
        attr = qualname.split(".", 1)[1]
        original = getattr(np, attr, None)
        for modname, mod in list(sys.modules.items()):
            if mod is None or not (modname == "numpy" or modname.startswith("numpy.")):
                continue
            for key in (attr, attr + "2"):
                try:
                    current = getattr(mod, key, None)
                except Exception:
                    continue
                compiled = type(current).__name__ == "builtin_function_or_method"
                if current is not None and (current is original or (key == attr + "2" and callable(current))
                                            or compiled):
                    path = "%s.%s" % (modname, key)
                    try:
                        setattr(mod, key, guard(qualname if path == qualname
                                                else "%s (another path to %s)" % (path, qualname)))
                    except Exception:
                        pass


# --------------------------------------------------------------------------- harness
def _student_traceback(exc, filename):
    """The traceback limited to frames of the student's file."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = traceback.format_list(frames[-6:])
    return "".join(lines)


def _describe(exc):
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable>"
    return "%s: %s" % (type(exc).__name__, text[:_MAX_STR]) if text else type(exc).__name__


def run_session(conn, source, filename, forbidden, progress_fd=None):
    """Load the student's module and answer requests until the parent closes.  Before each
    item of a batch, its number (from 1) is written at the start of ``progress_fd``: if the
    process dies or hangs during a batch, the parent still knows which call was running."""
    import types

    codec = Codec()
    modname = filename[:-3] if filename.endswith(".py") else filename
    module = types.ModuleType(modname)
    module.__file__ = filename
    codec.handles[0] = module

    install_guards(forbidden)
    def load():
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return {"ok": False, "kind": "syntax", "error": "%s (line %s)" % (exc.msg, exc.lineno),
                    "line": exc.lineno, "text": (exc.text or "").rstrip()[:200]}
        sys.modules[modname] = module
        exec(code, module.__dict__)
        return {"ok": True, "functions": _module_functions(codec, module)}

    reply = _guarded(load, filename, "the module called exit(%r) while being imported")
    send_frame(conn, reply)
    if not reply["ok"]:
        return

    while True:
        try:
            request, blobs = recv_frame(conn)
        except FrameError:
            return
        out_blobs = []
        if request.get("op") == "batch":
            # Several requests in one round trip, answered in order, up to the first
            # that fails.  Their blobs share one list each way.
            # Item n's object is also kept as handle -(n + 1), so that a later item can
            # call it, or pass it on, without a round trip (``$ref`` to a negative id).
            # With "keep_going", every request is answered, failed ones included.
            replies = []
            for n, sub in enumerate(request.get("requests") or []):
                codec.last = None
                if progress_fd is not None:
                    os.pwrite(progress_fd, struct.pack("<I", n + 1), 0)
                replies.append(_answer(codec, sub, blobs, out_blobs, filename))
                if not replies[-1]["ok"]:
                    if request.get("keep_going"):
                        codec.handles.pop(-(n + 1), None)  # not an earlier batch's item n
                        continue
                    break
                codec.handles[-(n + 1)] = codec.last
            response = {"ok": True, "replies": replies}
        else:
            response = _answer(codec, request, blobs, out_blobs, filename)
            if not response["ok"]:
                out_blobs = []
        try:
            send_frame(conn, response, out_blobs)
        except (OSError, ValueError) as exc:
            send_frame(conn, {"ok": False, "kind": "exception", "error": "result could not be sent: %s" % exc})


def _module_functions(codec, module, limit=256):
    """Handles to the module's own functions and classes, sent with the load reply so that
    the parent calls them without a round trip to look each one up.  Plain functions and
    classes only (reading them runs no student code); anything else is looked up on demand."""
    import types

    found = {}
    for name, value in list(module.__dict__.items()):
        if len(found) >= limit:
            break
        if type(name) is str and not name.startswith("_") and type(value) in (types.FunctionType, type):
            found[name] = {"$handle": codec.keep(value), "type": _type_name(value), "callable": True}
    return found


def _answer(codec, request, blobs, out_blobs, filename):
    """The response to one request: its result, or what went wrong in the student's code."""
    return _guarded(lambda: _serve(codec, request, blobs, out_blobs, filename), filename,
                    "the code called exit(%r)")


def _guarded(run, filename, exit_text):
    """``run()``'s response, or what went wrong in the student's code while it ran."""
    del _violations[:]
    try:
        response = run()
    except ForbiddenName as exc:
        response = {"ok": False, "kind": "forbidden", "error": str(exc)}
    except SystemExit as exc:
        response = {"ok": False, "kind": "exit", "error": exit_text % (exc.code,)}
    except BaseException as exc:
        response = {"ok": False, "kind": "exception", "error": _describe(exc),
                    "traceback": _student_traceback(exc, filename)}
    if _violations:
        response = {"ok": False, "kind": "forbidden",
                    "error": "%s is not allowed in this exercise" % _violations[0]}
    return response


def _serve(codec, request, blobs, out_blobs, filename):
    op = request["op"]
    if op == "getattr":
        obj = codec.handles[request["handle"]]
        name = request["name"]
        if not hasattr(obj, name):
            kind = "module" if request["handle"] == 0 else "object"
            return {"ok": False, "kind": "missing",
                    "error": "%s has no attribute %r" % (filename if kind == "module" else _type_name(obj), name)}
        codec.last = getattr(obj, name)
        return {"ok": True, "value": codec.encode(codec.last, out_blobs)}
    if op == "call":
        fn = codec.handles[request["handle"]]
        args = codec.decode(request["args"], blobs)
        kwargs = {str(k): codec.decode(v, blobs) for k, v in request["kwargs"].items()}
        result = codec.last = fn(*args, **kwargs)
        reply = {"ok": True, "value": codec.encode(result, out_blobs)}
        if request.get("inputs_after"):
            reply["args_after"] = [codec.encode(a, out_blobs) for a in args]
            reply["kwargs_after"] = {k: codec.encode(v, out_blobs) for k, v in kwargs.items()}
        return reply
    if op == "setattr":
        # Graders replace a student function to see whether another one really
        # calls it (XOR built from the gates); the previous value comes back as
        # a handle so the grader can put it back.
        obj = codec.handles[request["handle"]]
        name = request["name"]
        previous = getattr(obj, name, None)
        setattr(obj, name, codec.decode(request["value"], blobs))
        return {"ok": True, "value": {"$handle": codec.keep(previous), "type": _type_name(previous),
                                      "callable": callable(previous)}}
    if op == "keep":
        value = codec.last = codec.decode(request["value"], blobs)
        return {"ok": True, "value": {"$handle": codec.keep(value), "type": _type_name(value), "callable": False}}
    if op == "ref":
        # A handle to the object itself, not a copy: graders hold one across
        # calls to see whether a method changed it in place or rebound it.
        obj = codec.handles[request["handle"]]
        for step in request["path"]:
            obj = obj[step] if isinstance(step, int) else getattr(obj, step)
        codec.last = obj
        return {"ok": True, "value": {"$handle": codec.keep(obj), "type": _type_name(obj), "callable": False}}
    if op == "fetch":
        return {"ok": True, "value": codec.encode(codec.handles[request["handle"]], out_blobs)}
    if op == "release":
        codec.handles.pop(request["handle"], None)
        return {"ok": True, "value": None}
    raise ValueError("unknown request %r" % op)


# --------------------------------------------------------------------------- zygote
def _set_limits(limits):
    import resource

    cpu = int(limits.get("cpu_seconds", 30))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if limits.get("address_space"):
        with open("/proc/self/statm") as statm:  # the first field: the address space, in pages
            base = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = base + int(limits["address_space"])
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    files = int(limits.get("open_files", 64))
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limits.get("file_size", 1 << 20)),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    procs = limits.get("processes")
    if procs:
        # RLIMIT_NPROC counts every process of the real uid, so allow what that
        # uid already runs plus the budget.
        uid = os.getuid()
        count = 0
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat("/proc/" + entry).st_uid == uid:
                        count += 1
                except OSError:
                    pass
        resource.setrlimit(resource.RLIMIT_NPROC, (count + int(procs),) * 2)


def _drop_privileges(uid):
    """As root, become an unprivileged uid: capability-free, unable to signal
    or trace the zygote, and subject to RLIMIT_NPROC (root is exempt)."""
    if os.getuid() != 0 or uid is None:
        return
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


_libc = []  # the C library, opened once by the zygote (a child's prctl then costs no dlopen)


def _prctl(option, value):
    try:
        if not _libc:
            import ctypes

            _libc.append(ctypes.CDLL(None, use_errno=True))
        _libc[0].prctl(option, value, 0, 0, 0)
    except Exception:
        pass


PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1


def _descendants_and_strays(me, sandbox_uid):
    """Pids to kill after a session: every process in this namespace that is
    not us or the namespace's init, or, outside a namespace, every process of
    the sandbox uid or below us in the process tree."""
    result = []
    parents = {}
    owners = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            with open("/proc/%d/stat" % pid) as stat:
                text = stat.read()
            parents[pid] = int(text.rsplit(")", 1)[1].split()[1])
            owners[pid] = os.stat("/proc/%d" % pid).st_uid
        except (OSError, ValueError, IndexError):
            continue
    for pid in parents:
        if pid in (me, 1):
            continue
        if sandbox_uid is not None and owners.get(pid) == sandbox_uid:
            result.append(pid)
            continue
        p = parents[pid]
        seen = 0
        while p not in (0, 1, me) and seen < 4096:
            p = parents.get(p, 0)
            seen += 1
        if p == me:
            result.append(pid)
    return result


def _exit_status(raw):
    if os.WIFSIGNALED(raw):
        return {"signal": os.WTERMSIG(raw)}
    return {"code": os.WEXITSTATUS(raw)}


# Modules a submission may reasonably import, loaded before privileges are
# dropped so that they import even where the sandbox uid could not read them.
PRELOAD = ("math", "cmath", "itertools", "functools", "collections", "random", "copy", "typing",
           "dataclasses", "fractions", "decimal", "statistics", "operator", "string", "re",
           "numbers", "abc", "enum", "warnings", "time", "traceback", "io", "json", "resource", "ctypes",
           "types", "importlib.abc", "importlib.util", "signal", "heapq", "bisect", "array", "struct")


def zygote_main(control_fd, sandbox_uid):
    import gc
    import signal
    import time

    import importlib

    import numpy  # noqa: F401  (the whole point: import once, fork many)

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass

    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # A child's standard streams, made once: each child points descriptors 1 and 2 at its
    # own output pipe, and these line-buffered writers (empty at every fork) follow them.
    child_stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
    child_stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
    # Everything imported so far moves out of the collector's sight: a child's collections
    # then never walk (and so never copy, page by page) the objects it shares with us.
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    me = os.getpid()
    send_frame(control, {"ready": True, "pid": me, "numpy": numpy.__version__,
                         "python": sys.version.split()[0]})
    current = None
    while True:
        try:
            command, _blobs, fds = recv_frame(control, with_fds=3)
        except FrameError:
            break
        cmd = command.get("cmd")
        if cmd == "spawn":
            session_fd, output_fd = fds[:2]
            progress_fd = fds[2] if len(fds) > 2 else None
            pid = os.fork()
            if pid == 0:
                try:
                    control.close()
                    os.setsid()
                    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                    devnull = os.open("/dev/null", os.O_RDONLY)
                    os.dup2(devnull, 0)
                    os.dup2(output_fd, 1)
                    os.dup2(output_fd, 2)
                    for fd in (devnull, output_fd):
                        if fd > 2:
                            os.close(fd)
                    sys.stdout, sys.stderr = child_stdout, child_stderr
                    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                    _drop_privileges(sandbox_uid)
                    _set_limits(command.get("limits", {}))
                    conn = socket.socket(fileno=session_fd)
                    run_session(conn, command["source"], command["filename"], command.get("forbidden", []),
                                progress_fd)
                except BaseException:
                    import traceback

                    try:
                        os.write(2, ("sandbox harness failure:\n" + traceback.format_exc()).encode())
                    finally:
                        os._exit(70)
                os._exit(0)
            for fd in fds:
                os.close(fd)
            current = pid
            send_frame(control, {"pid": pid})
        elif cmd == "reap":
            status = None
            # The parent asks once it has closed its end, or has seen the child's end close:
            # a child that is ending (its sockets close before it can be collected), or that
            # sees the end of its input, is given a moment to finish on its own, so that how
            # it ended (an exit code, a signal) is known for certain, not by a race.
            own_end = time.monotonic() + 0.1
            while current is not None:
                try:
                    pid, raw = os.waitpid(current, os.WNOHANG)
                except ChildProcessError:
                    current = None
                    break
                if pid:
                    status = _exit_status(raw)
                    current = None
                elif time.monotonic() < own_end:
                    time.sleep(0.0002)
                else:
                    break
            killed = 0
            deadline = time.monotonic() + 2.0
            while True:
                strays = _descendants_and_strays(me, sandbox_uid)
                if current is not None and current not in strays:
                    try:
                        os.kill(current, 0)
                        strays.append(current)
                    except OSError:
                        pass
                for pid in strays:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        if pid != current:
                            killed += 1
                    except OSError:
                        pass
                # Collect what was killed (as subreaper, orphans are our children too):
                # a killed process is gone within a fraction of a millisecond, so poll
                # finely rather than sleep a fixed time before looking again.
                waiting = set(strays)
                while waiting and time.monotonic() <= deadline:
                    for pid in list(waiting):
                        try:
                            if os.waitpid(pid, os.WNOHANG)[0]:
                                waiting.discard(pid)
                        except ChildProcessError:
                            waiting.discard(pid)  # not ours to wait for, or already collected
                    if waiting:
                        time.sleep(0.0002)
                while True:
                    try:
                        if os.waitpid(-1, os.WNOHANG)[0] == 0:
                            break
                    except ChildProcessError:
                        break
                if not strays or time.monotonic() > deadline:
                    break
            current = None
            send_frame(control, {"reaped": True, "status": status, "strays": killed, "clean": not strays})
        elif cmd == "exit":
            break


if __name__ == "__main__":
    zygote_main(int(sys.argv[1]), None if sys.argv[2] == "-" else int(sys.argv[2]))
