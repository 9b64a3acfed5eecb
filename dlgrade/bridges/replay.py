"""Recording the reference solution's and the oracle's answers, and replaying them.

The student bundle runs the real public checks, but holds neither the reference solution
nor the oracles.  When the bundle is built, each public check runs once with the
reference solution as the student, while ``reference`` and ``oracle`` are
:class:`Recorder` proxies that store every answer, keyed by a canonical hash of what was
asked (which function or method, with which arguments, on an object in which state).
In the bundle they are :class:`Replayer` proxies that answer from that recording — a
JSON file plus one ``.npz`` of arrays, read with ``allow_pickle=False`` — and fail
clearly when asked something that was not recorded.

Objects the reference returns (an optimizer, an RNN layer) become handles whose key is
the hash of every call made on them so far, so a stateful object replays exactly; an
argument the call changed in place (``update(params, grads)``) is recorded after the
call and written back into the caller's objects on replay.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import types
from pathlib import Path

import numpy as np

from dlgrade.grading.compare import CheckFailed

RECORDING_JSON = "recorded.json"
RECORDING_NPZ = "recorded.npz"
FORMAT = 1
DATA_SCALARS = (bool, int, float, str, type(None))


class ReplayMissing(CheckFailed):
    """The bundle has no recorded answer for what a check asked.

    Public checks ask the same questions whatever the student's code does, except while
    naming the mistake behind a wrong answer; what the reference solution, every test
    mutant and the stub made the checks ask is recorded, anything else is reported as a
    failure of the check that could not be finished here (it runs at grading time)."""


class RecordingError(Exception):
    """A value cannot be recorded deterministically (a tool error when building a bundle)."""


# ----------------------------------------------------------------------------- canonical keys
def _feed(h, value) -> None:
    if isinstance(value, _Proxy):
        h.update(b"P" + value._state.encode())
    elif isinstance(value, np.ndarray):
        h.update(b"A" + str(value.dtype).encode() + str(value.shape).encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.generic):
        h.update(b"G" + str(value.dtype).encode() + np.asarray(value).tobytes())
    elif isinstance(value, DATA_SCALARS):
        h.update(b"S" + type(value).__name__.encode() + repr(value).encode())
    elif isinstance(value, (list, tuple)):
        h.update(b"L" if isinstance(value, list) else b"T")
        h.update(str(len(value)).encode())
        for item in value:
            _feed(h, item)
    elif isinstance(value, dict):
        h.update(b"D" + str(len(value)).encode())
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
    elif hasattr(value, "spec"):  # a sandbox Function description
        h.update(b"F")
        _feed(h, value.spec)
    elif isinstance(value, types.FunctionType):  # e.g. a lambda describing a mistake: its code, not its address
        h.update(b"C" + value.__qualname__.encode())
        _feed_code(h, value.__code__)
    elif isinstance(value, (types.MethodType, types.BuiltinFunctionType)):
        h.update(b"M" + value.__qualname__.encode())
    else:
        text = repr(value)
        if " at 0x" in text:
            raise RecordingError(f"cannot record an argument of type {type(value).__name__}: its repr is not stable")
        h.update(b"R" + text.encode())


def _feed_code(h, code: types.CodeType) -> None:
    h.update(code.co_code + repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _feed_code(h, const)
        else:
            h.update(repr(const).encode())


def digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        _feed(h, part)
    return h.hexdigest()[:32]


# ----------------------------------------------------------------------------- data encoding
def _is_data(value) -> bool:
    if isinstance(value, (np.ndarray, np.generic, *DATA_SCALARS)):
        return not (isinstance(value, np.ndarray) and value.dtype.kind == "O")
    if isinstance(value, (list, tuple)):
        return all(_is_data(v) for v in value)
    if isinstance(value, dict):
        return all(_is_data(k) and _is_data(v) for k, v in value.items())
    return False


def encode(value, arrays: dict) -> object:
    """JSON-able form of a data value; arrays go into ``arrays`` (saved as .npz)."""
    if isinstance(value, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = value.copy()
        return {"__array__": name}
    if isinstance(value, np.generic):
        return {"__scalar__": str(value.dtype), "value": value.item()}
    if isinstance(value, float) and not np.isfinite(value):
        return {"__float__": repr(value)}
    if isinstance(value, DATA_SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        return {"__list__" if isinstance(value, list) else "__tuple__": [encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
    raise RecordingError(f"cannot record a value of type {type(value).__name__}")


def decode(data, arrays) -> object:
    if isinstance(data, dict):
        if "__array__" in data:
            return np.array(arrays[data["__array__"]])
        if "__scalar__" in data:
            return np.dtype(data["__scalar__"]).type(data["value"])
        if "__float__" in data:
            return float(data["__float__"])
        if "__list__" in data:
            return [decode(v, arrays) for v in data["__list__"]]
        if "__tuple__" in data:
            return tuple(decode(v, arrays) for v in data["__tuple__"])
        if "__dict__" in data:
            return {decode(k, arrays): decode(v, arrays) for k, v in data["__dict__"]}
    return data


def _write_back(target, value) -> None:
    """Make the caller's mutable argument equal the recorded after-call value, in place."""
    if isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and target.shape == value.shape:
        target[...] = value
    elif isinstance(target, dict) and isinstance(value, dict):
        for key in [k for k in target if k not in value]:
            del target[key]
        for key, v in value.items():
            if key in target and isinstance(target[key], (np.ndarray, dict, list)) and type(target[key]) is type(v):
                _write_back(target[key], v)
            else:
                target[key] = v
    elif isinstance(target, list) and isinstance(value, list) and len(target) == len(value):
        for i, v in enumerate(value):
            if isinstance(target[i], (np.ndarray, dict, list)) and type(target[i]) is type(v):
                _write_back(target[i], v)
            else:
                target[i] = v


# ----------------------------------------------------------------------------- proxies
class _Proxy:
    """A stand-in for the reference module, the oracle, or an object one of them returned.

    ``_state`` names the object and, for objects (``stateful``), everything done to it so
    far; it is the prefix of every key asked of it."""

    def __init__(self, book, state: str, label: str, stateful: bool, target=None):
        object.__setattr__(self, "_book", book)
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_stateful", stateful)
        object.__setattr__(self, "_target", target)

    def __setattr__(self, name, value):
        raise RecordingError(f"{self._label}: a check may not set attributes on a recorded object")

    def _advance(self, key: str) -> None:
        if self._stateful:
            object.__setattr__(self, "_state", key)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._book.attribute(self, name)


class _Method:
    def __init__(self, owner: _Proxy, name: str):
        self.owner, self.name = owner, name

    def __call__(self, *args, **kwargs):
        return self.owner._book.call(self, args, kwargs)


class Recorder:
    """Records the answers of ``reference`` and ``oracle`` while public checks run."""

    def __init__(self):
        self.entries: dict[str, dict] = {}
        self.arrays: dict[str, np.ndarray] = {}

    def root(self, target, label: str) -> _Proxy:
        return _Proxy(self, digest("root", label), label, stateful=False, target=target)

    def attribute(self, proxy: _Proxy, name: str):
        value = getattr(proxy._target, name)
        key = digest(proxy._state, "attr", name)
        if callable(value) and not _is_data(value):
            self.entries[key] = {"callable": True}
            method = _Method(proxy, name)
            method.target = value
            return method
        self.entries[key] = {"value": encode(value, self.arrays)}
        return decode(self.entries[key]["value"], self.arrays) if isinstance(value, np.ndarray) else value

    def call(self, method: _Method, args, kwargs):
        owner = method.owner
        key = digest(owner._state, "call", method.name, list(args), kwargs)
        before = [digest(a) for a in args]
        before_kw = {k: digest(v) for k, v in kwargs.items()}
        plain_args = [a._target if isinstance(a, _Proxy) else a for a in args]
        plain_kwargs = {k: v._target if isinstance(v, _Proxy) else v for k, v in kwargs.items()}
        result = method.target(*plain_args, **plain_kwargs)
        entry: dict = {"after": {}}
        for i, a in enumerate(args):
            if not isinstance(a, _Proxy) and _is_data(a) and digest(a) != before[i]:
                entry["after"][str(i)] = encode(a, self.arrays)
        for k, v in kwargs.items():
            if _is_data(v) and digest(v) != before_kw[k]:
                entry["after"][k] = encode(v, self.arrays)
        owner._advance(key)
        if _is_data(result):
            entry["result"] = encode(result, self.arrays)
            self.entries[key] = entry
            return result
        entry["handle"] = True
        self.entries[key] = entry
        return _Proxy(self, key, f"{owner._label}.{method.name}(…)", stateful=True, target=result)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RECORDING_JSON).write_text(json.dumps({"format": FORMAT, "entries": self.entries}, indent=0,
                                                        sort_keys=True) + "\n", encoding="utf-8")
        with open(folder / RECORDING_NPZ, "wb") as handle:
            np.savez_compressed(handle, **self.arrays)


class Replayer:
    """Answers ``reference`` and ``oracle`` from a recording, in a student bundle."""

    def __init__(self, folder: Path):
        data = json.loads((folder / RECORDING_JSON).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ReplayMissing(f"{folder / RECORDING_JSON}: unsupported format {data.get('format')!r}")
        self.entries = data["entries"]
        with np.load(folder / RECORDING_NPZ, allow_pickle=False) as npz:
            self.arrays = {name: npz[name] for name in npz.files}
        self.folder = folder

    def root(self, label: str) -> _Proxy:
        return _Proxy(self, digest("root", label), label, stateful=False)

    def _entry(self, key: str, what: str) -> dict:
        if key not in self.entries:
            raise ReplayMissing(f"this check could not be finished in the student bundle: it needs {what}, "
                                "which only the grader has. It runs in full at grading time.")
        return self.entries[key]

    def attribute(self, proxy: _Proxy, name: str):
        entry = self._entry(digest(proxy._state, "attr", name), f"{proxy._label}.{name}")
        if entry.get("callable"):
            return _Method(proxy, name)
        return decode(entry["value"], self.arrays)

    def call(self, method: _Method, args, kwargs):
        owner = method.owner
        key = digest(owner._state, "call", method.name, list(args), kwargs)
        entry = self._entry(key, f"{owner._label}.{method.name}(…) with these arguments")
        for where, value in entry.get("after", {}).items():
            target = args[int(where)] if where.isdigit() else kwargs[where]
            _write_back(target, decode(value, self.arrays))
        owner._advance(key)
        if entry.get("handle"):
            return _Proxy(self, key, f"{owner._label}.{method.name}(…)", stateful=True)
        return decode(entry["result"], self.arrays)


HELPERS = "helpers"  #: the root of a grader's sealed helper functions in a recording


@contextlib.contextmanager
def recording_helpers(recorder: Recorder, module, names):
    """While recording, route calls of the grader's sealed helpers through ``recorder``."""
    originals = {name: getattr(module, name) for name in names}
    root = recorder.root(types.SimpleNamespace(**originals), HELPERS)
    try:
        for name in names:
            setattr(module, name, getattr(root, name))
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


_replayers: dict[Path, tuple[tuple, Replayer]] = {}


def _replayer(folder: Path) -> Replayer | None:
    """The recording in ``folder``, read once per process (again if it changes: ``dlgrade
    watch`` grades on every save), or None if there is none.  Answers are decoded as
    copies, so one grading cannot change what the next one is told."""
    try:
        stamp = ((folder / RECORDING_JSON).stat().st_mtime_ns, (folder / RECORDING_NPZ).stat().st_mtime_ns)
    except OSError:
        return None
    cached = _replayers.get(folder)
    if cached is None or cached[0] != stamp:
        cached = _replayers[folder] = (stamp, Replayer(folder))
    return cached[1]


def sealed_helper(grader_file: str, name: str):
    """In a public grader, the stand-in for a helper whose body stays with the instructor."""
    folder = Path(grader_file).resolve().parent

    def replayed(*args, **kwargs):
        replayer = _replayer(folder)
        if replayer is None:
            raise ReplayMissing(f"{folder / RECORDING_JSON} is missing: the bundle is incomplete")
        return getattr(replayer.root(HELPERS), name)(*args, **kwargs)

    replayed.__name__ = replayed.__qualname__ = name
    return replayed


def bundle_replay(grader_folder: Path):
    """(reference, oracle) replayers when ``grader_folder`` holds a recording (a student
    bundle), else None."""
    replayer = _replayer(grader_folder)
    if replayer is None:
        return None
    return replayer.root("reference"), replayer.root("oracle")
