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
    if n == 0:
        return b""
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


#: The most JSON a header may hold, and the most values in it (arrays travel as blobs, so a
#: real reply is far below both): a reply past them is refused before it is parsed, and
#: parsing what is left takes a bounded time and memory.
MAX_HEADER_BYTES = 16 << 20
MAX_HEADER_ITEMS = 1 << 20


def header_length(prefix, max_bytes):
    """The JSON header's length from a frame's first 4 bytes, within the limit."""
    (length,) = HEADER.unpack(prefix)
    if length > min(max_bytes, MAX_HEADER_BYTES):
        raise FrameError("header of %d bytes exceeds the limit" % length)
    return length


def parse_header(payload, max_bytes):
    """The header object and its blob sizes, validated; the one parser of both readers."""
    # Every JSON object, array and value but the first follows one of these bytes: counting
    # them (at memchr speed) bounds the objects json.loads would build, before it builds any.
    items = payload.count(b",") + payload.count(b"[") + payload.count(b"{")
    if items > MAX_HEADER_ITEMS:
        raise FrameError("header of more than %d values exceeds the limit" % MAX_HEADER_ITEMS)
    try:
        header = json.loads(payload)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the parser goes
        raise FrameError("malformed header: %s" % (str(exc)[:200] or type(exc).__name__)) from None
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
    # The blobs follow one another: read together (a request may carry dozens of arrays, and
    # a system call each would cost more than decoding them), then cut apart.
    if len(sizes) > 1:
        data = _read_exact(sock, sum(sizes))
        blobs, offset = [], 0
        for size in sizes:
            blobs.append(data[offset:offset + size])
            offset += size
    else:
        blobs = [_read_exact(sock, s) for s in sizes]
    if with_fds:
        return header, blobs, fds
    return header, blobs


# --------------------------------------------------------------------------- arrays
# Arrays travel in the .npy format (version 1.0, never pickled).  NumPy's own
# reader parses the header with ast.literal_eval, which costs more than the
# rest of a round trip, so the common header is written and read here with a
# strict pattern; anything else is left to numpy.load(allow_pickle=False).

import functools as _functools
import re as _re

_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = _re.compile(rb"\{'descr': '([<|][biuf][1248])', 'fortran_order': False, 'shape': \(((?:\d+, )*\d*|\d+,)\), \} *\n")


#: The .npy headers met most recently: (dtype, shape) -> the bytes before the data, and the
#: header's bytes -> (dtype, shape, data size).  A few shapes recur thousands of times per
#: submission; each table keeps the _NPY_KNOWN_MAX used last (least recently used out), so
#: that a reply of any number of shapes, never met again, cannot fill it for later replies.
_NPY_KNOWN_MAX = 1024


@_functools.lru_cache(maxsize=_NPY_KNOWN_MAX)
def _npy_prefix(dtype, shape):
    """The bytes before the data of an array of this dtype and shape (C order), or None for a
    dtype written by numpy.save."""
    descr = dtype.str
    if descr[0] == "=":
        descr = "<" + descr[1:]
    if descr[0] not in "<|" or dtype.kind not in "biuf":
        return None
    text = "(%s)" % ("%d," % shape[0] if len(shape) == 1 else ", ".join(str(n) for n in shape))
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, text)
    pad = 64 - (len(_NPY_MAGIC) + 2 + len(header) + 1) % 64
    header = (header + " " * pad + "\n").encode("latin1")
    return _NPY_MAGIC + struct.pack("<H", len(header)) + header


def npy_bytes(array):
    if not array.flags.c_contiguous:
        array = array.copy(order="C")  # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    prefix = _npy_prefix(array.dtype, array.shape)
    if prefix is None:
        import io

        import numpy as np

        buf = io.BytesIO()
        np.save(buf, array, allow_pickle=False)
        return buf.getvalue()
    return prefix + array.tobytes()


@_functools.lru_cache(maxsize=_NPY_KNOWN_MAX)
def _npy_layout(header):
    """(dtype, shape, data size) of a header in the common form, or None."""
    import numpy as np

    match = _NPY_HEADER.fullmatch(header)
    if not match:
        return None
    dtype = np.dtype(match.group(1).decode())
    dims = match.group(2).decode().replace(",", " ").split()
    shape = tuple(int(d) for d in dims)
    count = 1
    for d in shape:
        count *= d
    return (dtype, shape, count * dtype.itemsize)


def npy_array(blob):
    """An ndarray from .npy bytes; never unpickles."""
    import numpy as np

    if blob[:8] == _NPY_MAGIC and len(blob) >= 10:
        start = 10 + (blob[8] | blob[9] << 8)
        header = bytes(blob[10:start])
        layout = _npy_layout(header)
        if layout is not None:
            dtype, shape, size = layout
            if len(blob) - start != size:
                raise ValueError("array data does not match its header")
            return np.frombuffer(blob, dtype, size // dtype.itemsize, start).reshape(shape).copy()
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
        import numpy

        self.np = numpy
        self.handles = {}
        self.next_handle = 1
        self.last = None  # the object the last request produced (see the batch request)

    def keep(self, obj):
        h = self.next_handle
        self.next_handle += 1
        self.handles[h] = obj
        return h

    def encode(self, value, blobs, depth=0):
        if depth > 20:
            return {"$bad": "value nested too deeply"}
        np = self.np
        t = type(value)
        # The common types first, by exact type: a request's reply may hold hundreds of values.
        if t is np.ndarray:
            if value.dtype.kind not in "biuf":
                return {"$bad": "ndarray of dtype %s" % value.dtype}
            blobs.append(npy_bytes(value))
            return {"$nd": len(blobs) - 1}
        if value is None:
            return None
        if t is float:
            return {"$float": repr(value), "dtype": "float64"}
        if t is int:
            return value if abs(value) < 2 ** 63 else {"$bad": "integer too large"}
        if t is bool or t is np.bool_:
            return {"$bool": bool(value)}
        if t is tuple:
            return {"$tuple": [self.encode(v, blobs, depth + 1) for v in value]}
        if t is list:
            return {"$list": [self.encode(v, blobs, depth + 1) for v in value]}
        if isinstance(value, np.integer) and t.__module__ == "numpy":
            return {"$int": int(value), "dtype": str(value.dtype)}
        if isinstance(value, np.floating) and t.__module__ == "numpy":
            return {"$float": repr(float(value)), "dtype": str(value.dtype)}
        if isinstance(value, np.ndarray):
            return {"$bad": "an ndarray subclass (%s), not a numpy.ndarray" % t.__name__}
        if t is str:
            return {"$str": value[:_MAX_STR]}
        if t is dict and all(type(k) is str for k in value):
            return {"$dict": {k: self.encode(v, blobs, depth + 1) for k, v in value.items()}}
        if t in (complex,) or isinstance(value, (np.complexfloating,)):
            return {"$bad": "a complex number"}
        return {"$handle": self.keep(value), "type": _type_name(value), "callable": callable(value)}

    def decode(self, enc, blobs):
        t = type(enc)
        if t is dict:
            for tag, val in enc.items():
                break
            else:
                raise ValueError("empty value")
            if tag == "$nd":
                return npy_array(blobs[val])
            if tag == "$float":
                return float(val)
            if tag == "$list":
                return [self.decode(v, blobs) for v in val]
            if tag == "$tuple":
                return tuple([self.decode(v, blobs) for v in val])
            if tag == "$bool":
                return bool(val)
            if tag == "$str":
                return val
            if tag == "$dict":
                return {k: self.decode(v, blobs) for k, v in val.items()}
            if tag == "$ref":
                return self.handles[val]
            if tag == "$fn":
                return build_function(val)
            raise ValueError("unknown tag %r" % tag)
        if enc is None or t is int or t is bool:
            return enc
        if t is list:
            return [self.decode(v, blobs) for v in enc]
        raise ValueError("unknown value %r" % t.__name__)


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
    # f reaches ev through its closure, and ev itself (recursive) through the same cell.
    cell = f.__closure__[f.__code__.co_freevars.index("ev")]
    cell.cell_contents = _rehome(ev)
    return _rehome(f)


def _rehome(function):
    """``function`` with a globals dict of its own holding only the names its code reads.
    A harness function handed to student code (a function argument, a guard, an import hook)
    must not lead to the harness's objects through ``__globals__``, which no audit event
    covers (see ``_introspection_guard``)."""
    import types

    names, stack = set(), [function.__code__]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    home = function.__globals__
    fresh = {name: home[name] for name in names if name in home}
    fresh["__builtins__"] = home.get("__builtins__", __builtins__)
    rehomed = types.FunctionType(function.__code__, fresh, function.__name__, function.__defaults__,
                                 function.__closure__)
    rehomed.__kwdefaults__ = function.__kwdefaults__
    rehomed.__qualname__ = function.__qualname__
    return rehomed


# --------------------------------------------------------------------------- forbidden names
class ForbiddenName(BaseException):
    """Raised in the child when student code reaches a forbidden name.

    A BaseException, so that a bare ``except Exception`` in student code does
    not swallow it; the harness also records it, and the parent checks the
    source statically, so swallowing it anyway gains nothing."""


_violations = []
#: Checks install_guards adds, run after every request (see _guarded): a forbidden module
#: found loaded however it got there (the import system changed, say) is a violation.
_after_each_request = []
#: The forbidden NumPy functions of this exercise (install_guards), for the audit hook.
_refused_numpy = []

# The C functions NumPy builds a forbidden function on, guarded with it: np.convolve is the
# legacy C correlate of the flipped kernel, reachable as numpy._core.multiarray.correlate.
_BUILT_ON = {"convolve": ("correlate",), "correlate": ("correlate2",)}


def _refusing(*args, _dlgrade_refused=None, **kwargs):
    """The code a forbidden NumPy function's own implementation is given: wherever that
    function object is reached from (a registry, the garbage collector, a closure), calling
    it calls the refusal instead (its keyword default, set by install_guards)."""
    return _dlgrade_refused(*args, **kwargs)


def install_guards(forbidden):
    """Refuse forbidden modules and forbidden NumPy functions by every path to them.

    Modules: a finder first on sys.meta_path refuses their import by any route through the
    import system (import, __import__, importlib, exec); after every request, a forbidden
    module found loaded anyway (the finder removed, say) is a violation too.

    NumPy functions ``numpy.X``: every attribute named X (and X2, and the C functions NumPy
    builds X on) of every NumPy module, public or private (numpy._core.numeric,
    numpy._core._multiarray_umath, ...), loaded now or later, is replaced by a refusal; the
    Python implementation itself is made to refuse, so a reference found some other way
    (numpy's registry of array functions, gc) refuses too; and a NumPy module already loaded
    cannot be loaded afresh (which would bring the originals back).  The refusal names the
    forbidden function and the path it was reached by."""
    import importlib.abc
    import importlib.machinery

    modules = [name for name in forbidden if not name.startswith("numpy.")]
    attributes = [name.split(".", 1)[1] for name in forbidden if name.startswith("numpy.")]
    refused = {}  # attribute key -> (forbidden name, C functions only)
    for attr in attributes:
        for key in (attr, attr + "2"):
            refused[key] = ("numpy." + attr, False)
    for attr in attributes:
        for key in _BUILT_ON.get(attr, ()):
            refused.setdefault(key, ("numpy." + attr, True))
    numpy_modules = _numpy_modules()
    numpy_loaded = frozenset(name for name, _module in numpy_modules) if refused else frozenset()
    _refused_numpy[:] = ["numpy." + attr for attr in attributes]

    def violation(name, via):
        _violations.append(name)
        return ForbiddenName("%s is not allowed in this exercise%s"
                             % (name, " (reached as %s)" % via if via and via != name else ""))

    # Every function below can be reached by student code (a refusal, an import hook, a
    # loader): each gets globals of its own (``_rehome``), and the closures they share hold
    # rehomed functions too.
    violation = _rehome(violation)

    def refusal(name, via):
        def refused_call(*args, **kwargs):
            raise violation(name, via)

        refused_call = _rehome(refused_call)
        refused_call.__dlgrade_refusal__ = True
        return refused_call

    refusal = _rehome(refusal)

    def guard_module(modname, mod):
        for key, (name, c_only) in refused.items():
            try:
                current = vars(mod).get(key)
            except TypeError:
                continue
            if current is None or not callable(current) or getattr(current, "__dlgrade_refusal__", False):
                continue
            if c_only and type(current).__name__ != "builtin_function_or_method":
                continue
            try:
                setattr(mod, key, refusal(name, "%s.%s" % (modname, key)))
            except Exception:
                pass

    guard_module = _rehome(guard_module)

    class GuardedLoader(importlib.abc.Loader):
        """A NumPy module imported after the guards are guarded as it finishes loading."""

        def __init__(self, loader):
            self.loader = loader

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            guard_module(module.__name__, module)

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            for name in modules:
                if fullname == name or fullname.startswith(name + "."):
                    raise violation(name, fullname)
            if not refused or not (fullname == "numpy" or fullname.startswith("numpy.")):
                return None
            if fullname in numpy_loaded:
                name = next(iter(refused.values()))[0]
                raise violation(name, "a fresh load of %s" % fullname)
            spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = GuardedLoader(spec.loader)
            return spec

    for cls, method in ((GuardedLoader, "create_module"), (GuardedLoader, "exec_module"), (Refuse, "find_spec")):
        setattr(cls, method, _rehome(getattr(cls, method)))
    finder = Refuse()
    sys.meta_path.insert(0, finder)

    scanned = [0]  # len(sys.modules) at the last full scan: the check runs after every call

    def forbidden_modules_loaded():
        if not sys.meta_path or sys.meta_path[0] is not finder:
            if finder in sys.meta_path:
                sys.meta_path.remove(finder)
            sys.meta_path.insert(0, finder)
        for name in modules:
            if name in sys.modules:
                _violations.append(name)
                return
        if len(sys.modules) == scanned[0]:
            return
        scanned[0] = len(sys.modules)
        prefixes = tuple(name + "." for name in modules)
        for loaded in list(sys.modules):
            if loaded.startswith(prefixes):
                _violations.append(next(name for name in modules if loaded.startswith(name + ".")))
                return

    if modules:
        _after_each_request.append(forbidden_modules_loaded)
    if not refused:
        return
    import numpy as np

    for attr in attributes:
        original = getattr(np, attr, None)
        implementation = getattr(original, "_implementation", original)
        code = getattr(implementation, "__code__", None)
        if code is not None and not code.co_freevars:
            implementation.__code__ = _refusing.__code__
            implementation.__defaults__ = None
            implementation.__kwdefaults__ = {"_dlgrade_refused": refusal("numpy." + attr, "numpy." + attr)}
    for modname, mod in numpy_modules:
        if mod is not None:
            guard_module(modname, mod)


#: What the zygote had imported when it started forking: [len(sys.modules), the NumPy modules
#: as (name, module) pairs].  A child that has imported nothing more reads these instead of
#: walking sys.modules: a walk touches every module and name, and each page touched after the
#: fork is a page copied, child after child.
_AT_FORK = []


def _note_modules_at_fork():
    _AT_FORK[:] = [len(sys.modules), tuple((name, module) for name, module in sys.modules.items()
                                           if name == "numpy" or name.startswith("numpy."))]


def _as_at_fork():
    """Whether sys.modules still holds what the zygote had imported, and no more (before any
    student code runs, modules are only ever added)."""
    return bool(_AT_FORK) and len(sys.modules) == _AT_FORK[0]


def _numpy_modules():
    if _as_at_fork():
        return _AT_FORK[1]
    return [(name, module) for name, module in list(sys.modules.items())
            if name == "numpy" or name.startswith("numpy.")]


# --------------------------------------------------------------------------- the harness out of reach
# Judgements made after a call (were the inputs changed? was the state updated in place?)
# rest on what the harness reads from its own objects: the argument list of the call, the
# table of kept objects.  Student code must not reach them: an audit hook, installed before
# the student's module runs, refuses every way Python offers to a frame (whose f_back and
# f_locals lead to the harness's) or to objects not handed over (the collector's lists),
# and tracing; the harness's functions that student code is handed carry globals of their
# own (``_rehome``); the zygote's module is no longer ``__main__``.
REFUSED_EVENTS = frozenset({
    "sys._getframe", "sys._current_frames", "sys._current_exceptions", "sys.settrace", "sys.setprofile",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.addaudithook",
})
#: Attributes that hand out a frame (audited as "object.__getattr__").
REFUSED_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
#: Every event the audit hook looks at; any other passes through untouched.
_WATCHED_EVENTS = REFUSED_EVENTS | {"import", "object.__getattr__", "ctypes.dlsym", "ctypes.dlsym/handle"}


class IntrospectionRefused(ValueError):
    """Student code asked for a frame or the collector's view of objects.  A ValueError, as
    sys._getframe raises past the stack's end: the standard library's own callers
    (typing, collections.namedtuple, enum) fall back as they do there."""


def _extension_rule():
    """``refused(name, path)``: None when the extension module file ``path`` may be created as
    module ``name`` (a first import of NumPy's own under the name its place gives it, or one in
    the interpreter's own import folders), else what the file is.  The same file under a name of the
    student's is a new module to the interpreter: NumPy's C functions as they were before the
    guards replaced them."""
    import numpy

    numpy_dir = os.path.realpath(os.path.dirname(os.path.abspath(numpy.__file__)))
    top = os.path.dirname(numpy_dir)
    # The interpreter's own import folders (lib-dynload; DLLs on Windows), not where packages are installed.
    dynload = {os.path.realpath(p) for p in sys.path if type(p) is str and p}
    dynload = {p for p in dynload if p != os.path.realpath(top) and os.path.basename(p) not in PACKAGE_FOLDERS}

    def refused(name, path):
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return "an extension module"
        if real.startswith(numpy_dir + os.sep):
            parts = os.path.relpath(real, top).split(os.sep)
            own = ".".join(parts[:-1] + [parts[-1].split(".")[0]])
            return None if name == own else "NumPy's %s" % own
        if os.path.dirname(real) in dynload:
            return None
        return os.path.basename(real) or "an extension module"

    return refused


def _introspection_guard(source, filename):
    """(install, traceback): ``install()`` adds the audit hook; ``traceback(exc)`` formats the
    student's frames of ``exc`` — the one place the harness itself reads frames, with the hook
    let through only while it does (no student code runs there: C attributes only)."""
    lines = source.splitlines()
    reading = [False]
    watched = _WATCHED_EVENTS
    extensions = _extension_rule()

    def hook(event, args):
        # Every event of a running program reaches this hook (opening a file, compiling...):
        # those it has nothing to say about leave at once.
        if event not in watched:
            return
        if event == "sys.addaudithook":
            # A hook of the student's would see the objects the harness's own reads are
            # audited with; only a RuntimeError stops it being added (and is suppressed).
            raise RuntimeError("audit hooks cannot be added")
        if reading[0]:
            return
        if event == "import" and len(args) > 2 and args[2] is None and args[0] in sys.modules:
            # An extension module created afresh (its loader's create_module, _imp.create_dynamic,
            # a reload) starts from the interpreter's saved copy of its first namespace: the
            # functions the guards replaced would come back.  A first import is not refused.
            name = args[0]
            if _refused_numpy and (name == "numpy" or name.startswith("numpy.")):
                _violations.append(_refused_numpy[0])
                raise ForbiddenName("%s is not allowed in this exercise (reached as a fresh copy of %s)"
                                    % (_refused_numpy[0], name))
            raise IntrospectionRefused("a fresh copy of %s is not available to submissions" % name)
        if event == "import" and len(args) > 2 and args[2] is None and len(args) > 1:
            refused = extensions(args[0], args[1])
            if refused is not None:
                if _refused_numpy and refused.startswith("NumPy"):
                    _violations.append(_refused_numpy[0])
                    raise ForbiddenName("%s is not allowed in this exercise (reached as %s loaded as %s)"
                                        % (_refused_numpy[0], refused, args[0]))
                raise IntrospectionRefused("%s cannot be loaded as %s: extension modules load under their own "
                                           "name, from the interpreter's and NumPy's folders" % (refused, args[0]))
        if (event in REFUSED_EVENTS
                or (event == "object.__getattr__" and len(args) > 1 and args[1] in REFUSED_ATTRIBUTES)
                # The interpreter's own C API through ctypes (PyEval_GetFrame, PyFrame_GetBack…).
                or (event in ("ctypes.dlsym", "ctypes.dlsym/handle") and len(args) > 1
                    and isinstance(args[1], str) and args[1].lstrip("_").startswith("Py"))):
            what = args[1] if event in ("object.__getattr__", "ctypes.dlsym", "ctypes.dlsym/handle") else event
            raise IntrospectionRefused("%s is not available to submissions: the grader's own frames "
                                       "and objects are out of reach" % what)

    def install():
        sys.addaudithook(hook)

    def traceback(exc):
        rows = []
        reading[0] = True
        try:
            tb = exc.__traceback__
            while tb is not None and len(rows) < 1000:
                code = tb.tb_frame.f_code
                if code.co_filename == filename:
                    rows.append((tb.tb_lineno, code.co_name))
                tb = tb.tb_next
        finally:
            reading[0] = False
        out = []
        for number, name in rows[-6:]:
            out.append('  File "%s", line %d, in %s\n' % (filename, number, name))
            if 0 < number <= len(lines) and lines[number - 1].strip():
                out.append("    %s\n" % lines[number - 1].strip()[:200])
        return "".join(out)

    return install, traceback


# --------------------------------------------------------------------------- notebooks
#: The headers of a notebook's module: a notebook file, or the cells of a running notebook.
_NOTEBOOK_HEADERS = ('# dlgrade-source: {"kind": "notebook"', '# dlgrade-source: {"kind": "kernel"')
_CELL_MARKER = "# dlgrade-cell: "
#: At most this many cells that raised are reported (each once, in the order they ran).
MAX_CELL_NOTES = 20


def notebook_cells(source):
    """A notebook's module (dlgrade.grading.source: a header, then a marker before each
    cell's lines; dlgrade.notebook.live: before each definition) as its parts:
    [(0, preamble)] + [(line of the cell's marker, the cell's text padded with empty lines so
    that its line numbers are the module's)], or None for any other source."""
    if not source.startswith(_NOTEBOOK_HEADERS):
        return None
    lines = source.split("\n")
    starts = [n for n, line in enumerate(lines) if line.startswith(_CELL_MARKER)]
    parts = [(0, "\n".join(lines[:starts[0]] if starts else lines))]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines)
        parts.append((start + 1, "\n" * start + "\n".join(lines[start:end])))
    return parts


def _run_cells(cells, module, filename, traceback):
    """Run a notebook's cells in order in ``module``, each on its own, as Jupyter does: a
    cell that raises stops there (its later statements do not run) and the next cell runs;
    a top-level import of a module the sandbox lacks (matplotlib, pandas…) is skipped and
    the cell goes on, its name left undefined.  Returns what raised and where (the module's
    line), at most MAX_CELL_NOTES.  A forbidden name (a BaseException, recorded as a violation
    even when the student's code catches it), an exit and a refused introspection stop the
    whole load as in a .py file."""
    import ast

    notes = []

    def note(line, error, trace="", skipped=False):
        if len(notes) < MAX_CELL_NOTES:
            notes.append({"line": int(line or 0), "error": error[:_MAX_STR], "traceback": trace,
                          "skipped_import": skipped})

    for start, text in cells:
        try:
            tree = ast.parse(text, filename)
        except SyntaxError as exc:  # a cell that parses only with the next one's lines: not run alone
            note(exc.lineno or start, "SyntaxError: %s" % exc.msg)
            continue
        for statement in tree.body:
            try:
                code = compile(ast.Module(body=[statement], type_ignores=[]), filename, "exec", dont_inherit=True)
                exec(code, module.__dict__)
            except IntrospectionRefused:
                raise
            except Exception as exc:
                trace = traceback(exc)
                at = _re.findall(r'line (\d+), in <module>', trace)
                skipped = isinstance(exc, ImportError) and isinstance(statement, (ast.Import, ast.ImportFrom))
                note(int(at[0]) if at else statement.lineno, _describe(exc), trace, skipped)
                exc.__traceback__ = None
                if skipped:
                    continue
                break
    return notes


# --------------------------------------------------------------------------- harness
def _student_traceback(exc, filename):
    """The traceback limited to frames of the student's file (without the guard installed;
    run_session uses the guard's own)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = traceback.format_list(frames[-6:])
    return "".join(lines)


def _describe(exc):
    try:
        text = str(exc)
    except BaseException as failure:
        failure.__traceback__ = None  # it ran through this frame (see _guarded)
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

    if source.startswith(_NOTEBOOK_HEADERS):
        import ast  # noqa: F401  (for _run_cells, imported before the guards are in place)
    install_guards(forbidden)
    install_guard, traceback = _introspection_guard(source, filename)

    cells = notebook_cells(source)

    def load():
        try:
            # The whole source first, a notebook's too: code Python cannot parse anywhere is not
            # graded at all (as a .py file), and what the parent scanned is what runs.
            code = compile(source, filename, "exec", dont_inherit=True)
            if cells is not None:
                code = compile(cells[0][1], filename, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return {"ok": False, "kind": "syntax", "error": "%s (line %s)" % (exc.msg, exc.lineno),
                    "line": exc.lineno, "text": (exc.text or "").rstrip()[:200]}
        sys.modules[modname] = module
        # The submission is the program now: ``import __main__`` is its own module, not the
        # harness's (whose functions and tables it would otherwise reach and replace).
        sys.modules["__main__"] = module
        install_guard()
        exec(code, module.__dict__)
        reply = {"ok": True}
        if cells is not None:
            notes = _run_cells(cells[1:], module, filename, traceback)
            if notes:
                reply["notes"] = notes
        reply["functions"] = _module_functions(codec, module)
        return reply

    note_progress = _progress_noter(progress_fd)
    reply = _guarded(load, filename, "the module called exit(%r) while being imported", traceback)
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
                if note_progress is not None:
                    note_progress(n + 1)
                replies.append(_answer(codec, sub, blobs, out_blobs, filename, traceback))
                if not replies[-1]["ok"]:
                    if request.get("keep_going"):
                        codec.handles.pop(-(n + 1), None)  # not an earlier batch's item n
                        continue
                    break
                codec.handles[-(n + 1)] = codec.last
            response = {"ok": True, "replies": replies}
        else:
            response = _answer(codec, request, blobs, out_blobs, filename, traceback)
            if not response["ok"]:
                out_blobs = []
        try:
            send_frame(conn, response, out_blobs)
        except (OSError, ValueError) as exc:
            send_frame(conn, {"ok": False, "kind": "exception", "error": "result could not be sent: %s" % exc})


def _progress_noter(progress_fd):
    """A function writing a batch item's number at the start of ``progress_fd`` (None without
    one).  Where the system maps files, the first four bytes are mapped once and written in
    place: a request then costs no system call for it."""
    if progress_fd is None:
        return None
    pack = struct.Struct("<I").pack
    if os.name == "posix":
        try:
            import mmap

            if os.fstat(progress_fd).st_size < 4:
                os.ftruncate(progress_fd, 4)
            mapped = mmap.mmap(progress_fd, 4)
        except (ImportError, OSError, ValueError):
            pass
        else:
            def note(n):
                mapped[0:4] = pack(n)

            return note

    def write(n):
        os.pwrite(progress_fd, pack(n), 0)

    return write


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


def _answer(codec, request, blobs, out_blobs, filename, traceback=None):
    """The response to one request: its result, or what went wrong in the student's code."""
    return _guarded(lambda: _serve(codec, request, blobs, out_blobs, filename), filename,
                    "the code called exit(%r)", traceback)


def _guarded(run, filename, exit_text, traceback=None):
    """``run()``'s response, or what went wrong in the student's code while it ran
    (``traceback(exc)`` formats the student's frames; see ``_introspection_guard``)."""
    del _violations[:]
    try:
        response = run()
    except ForbiddenName as exc:
        response = {"ok": False, "kind": "forbidden", "error": str(exc)}
        exc.__traceback__ = None
    except SystemExit as exc:
        response = {"ok": False, "kind": "exit", "error": exit_text % (exc.code,)}
        exc.__traceback__ = None
    except BaseException as exc:
        response = {"ok": False, "kind": "exception", "error": _describe(exc),
                    "traceback": traceback(exc) if traceback else _student_traceback(exc, filename)}
        # The harness's frames leave with their traceback now, not with the exception, which
        # the student's code may have kept (and whose frames the collector could later save).
        exc.__traceback__ = None
    for check in _after_each_request:
        check()
    if _violations and response.get("kind") != "forbidden":
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
        resource.setrlimit(resource.RLIMIT_NPROC, (_process_count(os.getuid()) + int(procs),) * 2)


def _process_count(uid):
    """How many processes ``uid`` runs (from /proc): what RLIMIT_NPROC counts besides the
    budget, here and in the portable sandbox's child (portable_child.apply_limits)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat("/proc/" + entry).st_uid == uid:
                    count += 1
            except OSError:
                pass
    return count


_libc = []  # the C library, opened once by the zygote (a child's prctl then costs no dlopen)


def _c_library():
    if not _libc:
        import ctypes

        _libc.append(ctypes.CDLL(None, use_errno=True))
    return _libc[0]


def _prctl(option, value):
    try:
        return _c_library().prctl(option, value, 0, 0, 0)
    except Exception:
        return -1


PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


# --------------------------------------------------------------------------- one child, one world
# Every session child gets namespaces of its own before it reads a byte of the student's
# source: System V and POSIX IPC, network (abstract unix sockets live there), mounts (every
# mount made read-only, a fresh empty tmpfs on each folder programs write to) and host
# name.  Nothing one student leaves there is seen by the next, and the zygote, which
# creates none of it, has nothing to hand on.
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PER_CHILD = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
MS_PRIVATE = 1 << 18
#: The folders any program may write to; each child gets each of them empty, its own.
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock", "/var/lock")
SCRATCH_OPTIONS = b"mode=1777,size=16m,nr_inodes=1024"  # memory a child may fill there


class IsolationError(Exception):
    """A namespace, mount or privilege change the zygote found possible failed in a child."""


def _check(result, what):
    if result != 0:
        import ctypes

        raise IsolationError("%s failed: %s" % (what, os.strerror(ctypes.get_errno())))


def _isolate(as_root):
    """Namespaces of this child's own (see above).  As root they need no user namespace (and
    the uid is changed afterwards); otherwise a user namespace of the child's own, mapping
    only its own uid, gives the capability to make them, and every capability is dropped
    afterwards (``_drop_capabilities``).  Raises IsolationError where the system refuses."""
    libc = _c_library()
    uid, gid = os.geteuid(), os.getegid()
    _check(libc.unshare(PER_CHILD if as_root else PER_CHILD | CLONE_NEWUSER), "unshare")
    if not as_root:
        # A process that is not dumpable (the zygote made itself so; so is one whose uid
        # changed) has its /proc files owned by root: the maps could not be written.  It is
        # dumpable only while it writes them, and must not have been attached to meanwhile.
        _check(_prctl(PR_SET_DUMPABLE, 1), "making the maps writable")
        try:
            for name, text in (("setgroups", "deny"), ("uid_map", "%d %d 1" % (uid, uid)),
                               ("gid_map", "%d %d 1" % (gid, gid))):
                with open("/proc/self/" + name, "w") as handle:
                    handle.write(text)
        finally:
            _prctl(PR_SET_DUMPABLE, 0)
        with open("/proc/self/status") as status:
            if any(line.split() != ["TracerPid:", "0"] for line in status if line.startswith("TracerPid:")):
                raise IsolationError("the child was attached to while its maps were written")
    # Private first: nothing mounted here may propagate back to the host's folders.
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    _read_only_everywhere(libc)
    for path in SCRATCH:
        if os.path.isdir(path) and not os.path.islink(path):
            _check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, SCRATCH_OPTIONS),
                   "mounting a fresh " + path)
    # The POSIX message queues of the child's own (fresh, empty) IPC namespace, held by a
    # descriptor only: the file rules (confine_files) grant the child its own queues by it.
    del _OWN_QUEUES[:]
    here = "/tmp/.queues"
    try:
        os.mkdir(here, 0o700)
        if libc.mount(b"mqueue", here.encode(), b"mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) == 0:
            _OWN_QUEUES.append(os.open(here, os.O_PATH | os.O_DIRECTORY))
            libc.umount2(here.encode(), 2)  # MNT_DETACH
        os.rmdir(here)
    except OSError:
        pass


_OWN_QUEUES = []  # in a child: a descriptor of its own IPC namespace's message queues


_MOUNT_ATTR = []  # struct mount_attr, made once by the zygote rather than by every child


def _mount_attr():
    if not _MOUNT_ATTR:
        import ctypes

        class MountAttr(ctypes.Structure):
            _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                        ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]

        _MOUNT_ATTR.append(MountAttr)
    return _MOUNT_ATTR[0]


def _read_only_everywhere(libc):
    """Every mount of this child's namespace read-only: no folder a later child sees can be
    written (the scratch folders are mounted afresh afterwards)."""
    import ctypes

    attr = _mount_attr()(1, 0, 0, 0)  # MOUNT_ATTR_RDONLY, on the whole tree at once (Linux 5.12)
    if libc.syscall(ctypes.c_long(442), ctypes.c_long(-100), b"/", ctypes.c_long(0x8000), ctypes.byref(attr),
                    ctypes.c_long(ctypes.sizeof(attr))) == 0:
        return
    # Older kernels: one remount per mount point, keeping each one's other flags.
    keep = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": 1024, "nodiratime": 2048,
            "relatime": 1 << 21, "strictatime": 1 << 24}
    with open("/proc/self/mountinfo", "rb") as handle:
        lines = handle.read().decode("utf-8", "surrogateescape").splitlines()
    for line in lines:
        fields = line.split()
        point = fields[4].encode("utf-8", "surrogateescape")
        point = (point.replace(b"\\040", b" ").replace(b"\\011", b"\t").replace(b"\\012", b"\n")
                 .replace(b"\\134", b"\\"))
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in fields[5].split(","):
            flags |= keep.get(option, 0)
        _check(libc.mount(None, point, None, flags, None), "remounting %s read-only" % fields[4])


def _drop_capabilities():
    """In a user namespace of the child's own: no capability left, none to be regained."""
    import ctypes

    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    _check(_c_library().capset(header, data), "dropping capabilities")


KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR = 1, 7
KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -4, -5
_SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "i686": 288, "i386": 288}


_KEYCTL_NUMBER = []


def _keyctl_number():
    if not _KEYCTL_NUMBER:
        _KEYCTL_NUMBER.append(_SYS_KEYCTL.get(os.uname().machine) if sys.platform.startswith("linux") else None)
    return _KEYCTL_NUMBER[0]


def _keyctl(operation, argument):
    """keyctl(2), where the system has it (a container may refuse it to everyone alike)."""
    import ctypes

    number = _keyctl_number()
    if number is not None:
        _c_library().syscall(ctypes.c_long(number), ctypes.c_long(operation), ctypes.c_long(argument))


# Kernel keyrings outlive processes, and every keyring a process makes or drops costs the
# kernel a walk over all keys of the system.  A child needs none: add_key, request_key and
# keyctl are refused to it by a seccomp filter (no privilege needed once no_new_privs is
# set), so it can neither leave a key for a later child nor read one, and no keyring of its
# own (nor of its uid) is ever made.  The numbers, per architecture a process of this
# machine may call the kernel with (the native one and its 32-bit compatibility mode).
AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 = 0xC000003E, 0x40000003
AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM = 0xC00000B7, 0x40000028
_KEY_SYSCALLS = {
    "x86_64": {AUDIT_ARCH_X86_64: (248, 249, 250), AUDIT_ARCH_I386: (286, 287, 288)},
    "aarch64": {AUDIT_ARCH_AARCH64: (217, 218, 219), AUDIT_ARCH_ARM: (309, 310, 311)},
}
_X32_SYSCALL_BIT = 0x40000000  # x86_64's x32 calls: the same numbers with this bit set
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
_KEYRING_FILTER = []


def keyring_filter_program(table):
    """The classic-BPF instructions (code, jt, jf, k) of a filter refusing (EPERM) the system
    calls ``table`` names per audit architecture, and allowing every other call.  A call of
    an architecture the table does not name is refused too: it can only be a way round."""
    BPF_LD_W_ABS, BPF_JEQ_K, BPF_AND_K, BPF_RET_K = 0x20, 0x15, 0x54, 0x06
    allow, deny = (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW), (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | 1)
    blocks = []
    for arch, numbers in table.items():
        block = [(BPF_LD_W_ABS, 0, 0, 0)]  # seccomp_data.nr
        if arch == AUDIT_ARCH_X86_64:
            block.append((BPF_AND_K, 0, 0, ~_X32_SYSCALL_BIT & 0xFFFFFFFF))
        for i, number in enumerate(numbers):
            # to the refusal after this block's allow: skip the remaining tests and the allow
            block.append((BPF_JEQ_K, len(numbers) - i, 0, number))
        block += [allow, deny]
        blocks.append((arch, block))
    program = [(BPF_LD_W_ABS, 0, 0, 4)]  # seccomp_data.arch
    # arch tests first, each jumping to its block; none matched: refused
    offsets, position = [], len(blocks) + 1
    for arch, block in blocks:
        offsets.append(position)
        position += len(block)
    for i, (arch, _) in enumerate(blocks):
        program.append((BPF_JEQ_K, offsets[i] - (i + 1), 0, arch))
    program.append(deny)
    for _, block in blocks:
        program += block
    return program


def _keyring_filter():
    """The filter for this machine, built once in the zygote (a ctypes sock_fprog), or None."""
    if not _KEYRING_FILTER:
        table = _KEY_SYSCALLS.get(os.uname().machine) if sys.platform.startswith("linux") else None
        made = None
        if table:
            import ctypes

            class Instruction(ctypes.Structure):
                _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                            ("k", ctypes.c_uint32)]

            class Program(ctypes.Structure):
                _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(Instruction))]

            instructions = keyring_filter_program(table)
            array = (Instruction * len(instructions))(*[Instruction(*i) for i in instructions])
            made = (Program(len(instructions), array), array)
        _KEYRING_FILTER.append(made)
    return _KEYRING_FILTER[0]


def _refuse_keyrings():
    """Install the keyring filter in this process (no_new_privs already set); False where
    the system cannot."""
    import ctypes

    made = _keyring_filter()
    if made is None:
        return False
    try:
        return _c_library().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(made[0]), 0, 0) == 0
    except Exception:
        return False


def _enter_own_world(uid, isolated):
    """What a session child does first, before anything of the student's arrives: its own
    namespaces (when the system allows them), its own uid (as root), no privileges, and no
    kernel keyrings."""
    as_root = os.geteuid() == 0 and uid is not None
    if isolated:
        _isolate(as_root)
    if as_root:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # from root to a uid of its own: every capability goes
    elif isolated:
        _drop_capabilities()
    if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0 and isolated:
        raise IsolationError("no_new_privs could not be set")
    if not _refuse_keyrings():
        # Where no filter can be set: a session keyring of the child's own (not the one every
        # child of the zygote would share), and the uid's own keyrings emptied of whatever an
        # earlier child with this uid left in them.
        _keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)
        for keyring in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING):
            _keyctl(KEYCTL_CLEAR, keyring)
    os.environ["HOME"] = os.environ["TMPDIR"] = "/tmp"


# --------------------------------------------------------------------------- files a child may open
# Whatever the namespaces (none at all in some containers), a child opens only what it needs:
# the interpreter's standard library, NumPy, the shared libraries they load, /dev/null and the
# like, and its own fresh scratch folders.  Every other file of the machine — the course, its
# graders and reference solutions, the oracle cache, the gradebook, the other submissions — is
# refused by the kernel (Landlock, Linux 5.13+), even where the world may read it, even as root
# would.  The parent hands the child the source; the child needs no file of the course.
# (ctypes rather than a binding package: this file runs alone, with -I -S, in the sandbox.)
_SYS_LANDLOCK = (444, 445, 446)  # create_ruleset, add_rule, restrict_self: the same on every architecture
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
_FS_READ = 1 | 4 | 8  # EXECUTE, READ_FILE, READ_DIR
_FS_FILE = 1 | 2 | 4  # what a rule on a file (not a folder) may allow
#: every file-system right the kernel knows, by Landlock ABI version
_FS_ALL = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
#: Files a program may open although no folder of them is granted.
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full", "/etc/ld.so.cache")
#: Folders of the shared libraries an extension module may load (besides those already mapped).
LIBRARY_FOLDERS = ("/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/local/lib")
_READABLE = []  # the folders a child may read, found once by the zygote
_LISTABLE_ROOT = [False]  # whether every folder may be listed (a root made of system folders only)


def landlock_abi():
    """The Landlock ABI version this kernel offers, 0 where it has none (or refuses it)."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return 0
    try:
        version = _c_library().syscall(ctypes.c_long(_SYS_LANDLOCK[0]), None, ctypes.c_size_t(0),
                                       ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    except Exception:
        return 0
    return version if version > 0 else 0


#: Folders of installed packages.  A file rule grants a folder with everything beneath it, and
#: the folders a child must read hold these (the standard library holds site-packages, /usr/lib
#: and /usr/local/lib hold python3*/dist-packages): every package installed there would be the
#: child's to read and to load under a module name of its own (SciPy's compiled correlation
#: among them, which no forbidden module name matches).  NumPy's own folders are granted alone.
PACKAGE_FOLDERS = ("site-packages", "dist-packages")


def _without_installed_packages(path, depth=2):
    """[(path, listing only)]: ``path`` alone when no folder of installed packages lies within
    ``depth`` levels beneath it; else the folder to be listed (names only: the import system
    lists a folder before it opens a module there) and what it holds, entry by entry (each
    split the same way), without them."""
    try:
        with os.scandir(path) as listing:
            entries = list(listing)
    except OSError:
        return [(path, False)]
    parts, split = [(path, True)], False
    for entry in entries:
        try:
            link = entry.is_symlink()
            if entry.name in PACKAGE_FOLDERS or (link and os.path.basename(os.path.realpath(entry.path))
                                                 in PACKAGE_FOLDERS):
                split = True
                continue
            folder = depth > 1 and entry.is_dir()
        except OSError:
            folder = False
        if folder:
            inner = _without_installed_packages(entry.path, depth - 1)
            split = split or inner != [(entry.path, False)]
            parts += inner
        else:
            parts.append((entry.path, False))
    return parts if split else [(path, False)]


def _readable_folders():
    """Where a child's imports and shared libraries come from: each import folder of this
    interpreter that is not a site-packages (NumPy's own folders instead), the folders of
    every shared object already mapped, and the system's library folders.  Nothing else."""
    if _READABLE:
        return _READABLE[0]
    import numpy

    package = os.path.dirname(os.path.abspath(numpy.__file__))
    try:
        beside_numpy = os.stat(os.path.dirname(package))
        beside_numpy = (beside_numpy.st_dev, beside_numpy.st_ino)
    except OSError:
        beside_numpy = None
    found = []
    for entry in sys.path:
        # Not the folder NumPy is installed in (whatever it is called): NumPy's own folders
        # are granted below, and whatever else is installed beside it is not the child's.
        if not entry or entry.rstrip("/").endswith(("site-packages", "dist-packages")):
            continue
        try:
            st = os.stat(entry)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) != beside_numpy:
            found.append(entry)
    found += [package, package + ".libs", os.path.join(os.path.dirname(package), "numpy.libs")]
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].startswith("/") and ".so" in fields[5]:
                    found.append(os.path.dirname(fields[5].rstrip("\n")))
    except OSError:
        pass
    found += list(LIBRARY_FOLDERS)
    unique = {}
    for path in found:
        real = os.path.realpath(path)
        if os.path.basename(real) not in PACKAGE_FOLDERS:  # a shared object mapped from one: not it whole
            unique.setdefault(real, path)
    found = [part for path in unique.values() for part in _without_installed_packages(path)]
    # Opened here, by the zygote (as root it reaches folders the sandbox uid cannot walk to,
    # such as an interpreter under /root): each child names its rules by these descriptors.
    folders, seen = [], set()
    for path, listing_only in found:
        try:
            if not os.path.exists(path) or os.path.realpath(path) == "/":
                continue
            fd = os.open(path, os.O_PATH | (os.O_DIRECTORY if os.path.isdir(path) else 0))
        except OSError:
            continue
        key = os.fstat(fd)
        if (key.st_dev, key.st_ino) in seen:
            os.close(fd)
            continue
        seen.add((key.st_dev, key.st_ino))
        folders.append((path, fd, 8 if listing_only else _FS_READ))  # 8: READ_DIR
    _READABLE.append(folders)
    return folders


def confine_files(abi, scratch, close=False):
    """Restrict this process (and all it starts) to the folders above, read-only, and to the
    ``scratch`` folders (its own fresh ones) read-write; with ``close``, a child's, the
    descriptors the rules were named by are closed then.  Raises IsolationError if the kernel
    refuses; no-op where ``abi`` is 0."""
    import ctypes

    if not abi:
        if close:
            for _folder, fd, _access in _READABLE[0] if _READABLE else ():
                os.close(fd)
        return
    libc = _c_library()
    handled = _FS_ALL.get(abi, _FS_ALL[5])
    fields = [("handled_access_fs", ctypes.c_uint64)]
    values = [handled]
    if abi >= 4:
        fields.append(("handled_access_net", ctypes.c_uint64))
        values.append(1 | 2)  # TCP bind and connect: no rule grants either
    if abi >= 6:
        fields.append(("scoped", ctypes.c_uint64))
        values.append(1 | 2)  # abstract unix sockets and signals outside the child's own domain
    attr_type = type("RulesetAttr", (ctypes.Structure,), {"_fields_": fields})
    attr = attr_type(*values)
    ruleset = libc.syscall(ctypes.c_long(_SYS_LANDLOCK[0]), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        _check(-1, "creating the file rules")

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    def allow(path, access, fd=None):
        own = fd is None
        if own:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return
        try:
            if not os.path.isdir(fd if not own else path):
                access &= _FS_FILE | (16384 if abi >= 3 else 0)
            rule = PathBeneath(access & handled, fd)
            _check(libc.syscall(ctypes.c_long(_SYS_LANDLOCK[1]), ctypes.c_long(ruleset),
                                ctypes.c_long(LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)),
                   "allowing " + path)
        finally:
            if own:
                os.close(fd)

    try:
        for folder, fd, access in _readable_folders():
            allow(folder, access, fd)
        for device in DEVICES:
            allow(device, _FS_READ | 2)
        # /proc as any process sees it: another process's memory, environment, descriptors and
        # root are still refused (the kernel's ptrace rule, which Landlock narrows to the
        # child's own processes), and a file reached through /proc/<pid>/root is judged by
        # where it really is.
        allow("/proc", _FS_READ)
        if _LISTABLE_ROOT[0]:
            allow("/", 8)  # READ_DIR: names only, no file's content
        for folder in scratch:
            allow(folder, handled)
        while _OWN_QUEUES:
            fd = _OWN_QUEUES.pop()
            allow("message queues", handled, fd)
            os.close(fd)
        if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0:
            raise IsolationError("no_new_privs could not be set")
        _check(libc.syscall(ctypes.c_long(_SYS_LANDLOCK[2]), ctypes.c_long(ruleset), ctypes.c_uint32(0)),
               "confining the child's files")
    finally:
        os.close(ruleset)
    if close:
        for _folder, fd, _access in _readable_folders():
            os.close(fd)


def _own_scratch():
    """The scratch folders a child mounted afresh for itself (``_isolate``)."""
    return [path for path in SCRATCH if os.path.isdir(path) and not os.path.islink(path)]


def _confinement_works(abi):
    """The Landlock ABI a child can confine itself with here (0: none), tried once in a
    throwaway child: a kernel may offer Landlock and a container's policy still refuse it."""
    if not abi:
        return 0
    _readable_folders()
    pid = os.fork()
    if pid == 0:
        try:
            confine_files(abi, ())
            code = 0
        except BaseException:
            code = 1
        os._exit(code)
    _pid, raw = os.waitpid(pid, 0)
    return abi if os.WIFEXITED(raw) and os.WEXITSTATUS(raw) == 0 else 0


def _off_the_main_thread(run):
    """``run()`` in a thread of its own, the main thread waiting.  Python calls a signal
    handler with the frame running when the signal came, in the main thread only: there, a
    handler of the student's (a timer firing again and again) would be handed the harness's
    frames as it judges a call.  Off the main thread, no handler can be set at all."""
    import threading

    failed = []

    def target():
        try:
            run()
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=target, name="session")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def _isolation_works(as_root):
    """Whether this system lets a child make its own namespaces (a container's seccomp policy
    may refuse): tried once, in a throwaway child."""
    pid = os.fork()
    if pid == 0:
        try:
            _isolate(as_root)
            code = 0
        except BaseException:
            code = 1
        os._exit(code)
    _pid, raw = os.waitpid(pid, 0)
    return os.WIFEXITED(raw) and os.WEXITSTATUS(raw) == 0


def _sweep_uid(uid):
    """Without namespaces, as root: remove what a finished child's uid left where the next
    child could find it — files in the scratch folders, System V IPC objects (POSIX queues
    live in /dev/mqueue, shared memory in /dev/shm).  Runs in a throwaway child so that no
    name or byte of it enters the zygote's memory."""
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        def sweep(path, depth):
            try:
                entries = list(os.scandir(path))
            except OSError:
                return
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                    if entry.is_dir(follow_symlinks=False) and depth < 32:
                        sweep(entry.path, depth + 1)
                    if st.st_uid == uid:
                        (os.rmdir if entry.is_dir(follow_symlinks=False) else os.unlink)(entry.path)
                except OSError:
                    pass

        for top in SCRATCH:
            if os.path.isdir(top):
                sweep(top, 0)
        libc = _c_library()
        for kind, column, remove in (("shm", "shmid", libc.shmctl), ("msg", "msqid", libc.msgctl),
                                     ("sem", "semid", libc.semctl)):
            try:
                with open("/proc/sysvipc/" + kind) as table:
                    names = table.readline().split()
                    for row in table:
                        values = row.split()
                        if int(values[names.index("uid")]) == uid or int(values[names.index("cuid")]) == uid:
                            remove(int(values[names.index(column)]), 0, None)  # IPC_RMID
            except (OSError, ValueError, IndexError):
                pass
    finally:
        os._exit(0)


_STAT_BUFFER = bytearray(1024)


def _parent_pid(pid):
    """The parent of ``pid`` from /proc/<pid>/stat, read into one reused buffer that is wiped
    afterwards: the process name in that file is the student's to choose (prctl, exec), and
    no byte of it may stay in the zygote's memory, which every later child starts from."""
    buf = _STAT_BUFFER
    try:
        fd = os.open("/proc/%d/stat" % pid, os.O_RDONLY)
    except OSError:
        return None
    try:
        n = os.readv(fd, [buf])
    except OSError:
        n = 0
    finally:
        os.close(fd)
    try:
        end = buf.rfind(b")", 0, n)
        if end < 0:
            return None
        # After the name: " S ppid …" — only the state letter and numbers are parsed.
        start = end + 4
        stop = buf.find(b" ", start, n)
        return int(buf[start:stop]) if stop > start else None
    except ValueError:
        return None
    finally:
        buf[:n] = bytes(n)


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
            owners[pid] = os.stat("/proc/%d" % pid).st_uid
        except OSError:
            continue
        parent = _parent_pid(pid)
        if parent is not None:
            parents[pid] = parent
    for pid in owners:
        if pid in (me, 1):
            continue
        if sandbox_uid is not None and owners.get(pid) == sandbox_uid:
            result.append(pid)
            continue
        p = parents.get(pid, 0)
        seen = 0
        while p not in (0, 1, me) and seen < 4096:
            p = parents.get(p, 0)
            seen += 1
        if p == me:
            result.append(pid)
    return result


def _end_watch(pid):
    """``wait(seconds)``: returns once process ``pid`` (a child) has ended or ``seconds`` have
    passed, whichever is first; ``wait(None)`` releases what it holds.  Through a pidfd, one
    system call whenever the child takes to end; where there is none, a short sleep."""
    import select
    import time

    try:
        fd = os.pidfd_open(pid) if pid is not None else None
    except (AttributeError, OSError):
        fd = None

    def wait(seconds):
        if seconds is None:
            if fd is not None:
                os.close(fd)
        elif fd is not None:
            select.select([fd], [], [], max(seconds, 0))
        else:
            time.sleep(0.0002)

    return wait


def _exit_status(raw):
    if os.WIFSIGNALED(raw):
        return {"signal": os.WTERMSIG(raw)}
    return {"code": os.WEXITSTATUS(raw)}


# Modules a submission may reasonably import, loaded before privileges are
# dropped so that they import even where the sandbox uid could not read them.
PRELOAD = ("math", "cmath", "itertools", "functools", "collections", "random", "copy", "typing",
           "dataclasses", "fractions", "decimal", "statistics", "operator", "string", "re",
           "numbers", "abc", "enum", "warnings", "time", "traceback", "io", "json", "resource", "ctypes",
           "types", "importlib.abc", "importlib.util", "signal", "heapq", "bisect", "array", "struct",
           "threading")  # the session's own thread (_off_the_main_thread), not imported per child


def _world_reachable(path):
    """Whether a uid that owns nothing here can list ``path`` (every folder above it searchable)."""
    import stat

    parts = [p for p in path.split("/") if p]
    for i in range(len(parts) + 1):
        folder = "/" + "/".join(parts[:i])
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            return True  # nothing there to import from anyway
        if not mode & stat.S_IXOTH or (i == len(parts) and not mode & stat.S_IROTH):
            return False
    return True


def _reach_import_folders(sandbox_uid):
    """As root, the sandbox uid may be unable to reach the interpreter's own folders (Python
    installed under /root, which is 0700): NumPy's submodules and most of the standard library
    would then fail to import in a child, though they import for any ordinary user.  Each
    import folder the sandbox uid cannot reach is opened here, by root, and every import path
    through it (sys.path, each package's __path__) goes through /proc/self/fd from then on:
    the child reaches that folder's own files, exactly what a user running Python reads."""
    if sandbox_uid is None or os.geteuid() != 0:
        return {}
    replaced = {}
    for entry in list(sys.path):
        if entry and os.path.isdir(entry) and not _world_reachable(entry):
            fd = os.open(entry, os.O_PATH | os.O_DIRECTORY)
            os.set_inheritable(fd, True)
            replaced[entry.rstrip("/")] = "/proc/self/fd/%d" % fd
    if not replaced:
        return {}

    def through(path):
        for old, new in replaced.items():
            if path == old or path.startswith(old + "/"):
                return new + path[len(old):]
        return path

    sys.path[:] = [through(p) for p in sys.path]
    for module in list(sys.modules.values()):
        search = getattr(module, "__path__", None)
        if type(search) is list:
            search[:] = [through(p) if type(p) is str else p for p in search]
    sys.path_importer_cache.clear()
    return replaced


class _NumPyOnly:
    """The import finder of the folder NumPy is installed in, answering for NumPy's own modules
    only.  Whatever else is installed beside NumPy is not the child's to read (see
    PACKAGE_FOLDERS): ``import scipy`` is a ModuleNotFoundError there, as under bubblewrap,
    never the refusal to open a file that a finder listed."""

    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, fullname, target=None):
        if fullname.partition(".")[0] != "numpy":
            return None
        return self.finder.find_spec(fullname, target)

    def invalidate_caches(self):
        self.finder.invalidate_caches()


def _only_numpy_beside_numpy():
    """Every import folder that is the folder NumPy is installed in answers for NumPy only."""
    import numpy

    try:
        beside = os.stat(os.path.dirname(os.path.dirname(os.path.abspath(numpy.__file__))))
    except OSError:
        return
    for entry in sys.path:
        try:
            st = os.stat(entry)
        except (OSError, TypeError, ValueError):
            continue
        if (st.st_dev, st.st_ino) != (beside.st_dev, beside.st_ino):
            continue
        for hook in sys.path_hooks:
            try:
                finder = hook(entry)
            except ImportError:
                continue
            sys.path_importer_cache[entry] = _NumPyOnly(finder)
            break


def _lower(fd):
    """``fd`` moved to the lowest free descriptor number, if that is lower."""
    low = os.dup(fd)
    if low < fd:
        os.close(fd)
        return low
    os.close(low)
    return fd


def _uids(spec):
    """The uids the zygote's children take in turn ("first:count"), or None (not root)."""
    if spec == "-":
        return None
    first, _, count = spec.partition(":")
    return [int(first) + i for i in range(int(count or 1))]


def zygote_main(control_fd, uid_spec, root="-"):
    import gc
    import signal
    import time

    import importlib

    import mmap  # noqa: F401  (each child maps its progress file: not loaded once per child)

    import numpy  # noqa: F401  (the whole point: import once, fork many)

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    uids = _uids(uid_spec)
    _reach_import_folders(uids[0] if uids else None)
    _only_numpy_beside_numpy()

    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    as_root = os.geteuid() == 0 and uids is not None
    _mount_attr()
    # The C functions a child calls to make its world, looked up here once (ctypes keeps each
    # on the library object): not looked up again, and allocated again, by every child.
    for name in ("unshare", "mount", "syscall", "capset"):
        getattr(_c_library(), name, None)
    _keyctl_number()
    _keyring_filter()
    isolated = _isolation_works(as_root)
    _LISTABLE_ROOT[:] = [root == "listable-root"]
    confined = _confinement_works(landlock_abi())
    # A child's standard streams, made once: each child points descriptors 1 and 2 at its
    # own output pipe, and these line-buffered writers (empty at every fork) follow them.
    child_stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
    child_stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
    # Everything imported so far moves out of the collector's sight: a child's collections
    # then never walk (and so never copy, page by page) the objects it shares with us.
    _note_modules_at_fork()
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    me = os.getpid()
    send_frame(control, {"ready": True, "pid": me, "numpy": numpy.__version__,
                         "python": sys.version.split()[0],
                         "isolation": {"namespaces": isolated, "uids": len(uids) if uids else 0,
                                       "files": bool(confined)}})
    # Nothing of a student ever passes through this loop: the parent sends the source, and
    # every call and reply, over the child's own connection after the fork.  What the zygote
    # reads about a child (its exit status, /proc) holds no byte the student chose.
    current = None
    current_uid = None
    spawned = 0
    while True:
        try:
            command, _blobs, fds = recv_frame(control, with_fds=3)
        except FrameError:
            break
        cmd = command.get("cmd")
        if cmd == "spawn":
            session_fd, output_fd = fds[:2]
            progress_fd = fds[2] if len(fds) > 2 else None
            if current is not None:
                # A child never reaped (its session was not closed): it and what it started
                # end before the next child starts.
                for pid in _descendants_and_strays(me, current_uid) + [current]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                current = None
            # Consecutive children never share a uid: whatever one leaves running or owns
            # is not the next one's.
            current_uid = uids[spawned % len(uids)] if uids else None
            spawned += 1
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
                    _enter_own_world(current_uid, isolated)
                    # Confined before the limits: the rules are named by the zygote's
                    # descriptors, which the child closes once they are in force (they would
                    # hold slots of its few open files).
                    confine_files(confined, _own_scratch() if isolated else (), close=True)
                    # The connection and the progress file down to the numbers the rules' closed
                    # descriptors held: among the child's first open files, as before the rules.
                    session_fd = _lower(session_fd)
                    progress_fd = _lower(progress_fd) if progress_fd is not None else None
                    _set_limits(command.get("limits", {}))
                    conn = socket.socket(fileno=session_fd)
                    load, _ = recv_frame(conn, max_bytes=8 << 20)
                    _off_the_main_thread(lambda: run_session(conn, load["source"], load["filename"],
                                                             load.get("forbidden", []), progress_fd))
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
            ended = _end_watch(current)
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
                    ended(own_end - time.monotonic())
                else:
                    break
            ended(None)
            killed = 0
            deadline = time.monotonic() + 2.0
            while True:
                strays = _descendants_and_strays(me, current_uid)
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
            if as_root and not isolated and current_uid is not None:
                _sweep_uid(current_uid)
            send_frame(control, {"reaped": True, "status": status, "strays": killed, "clean": not strays})
        elif cmd == "exit":
            break


if __name__ == "__main__":
    zygote_main(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "-")
