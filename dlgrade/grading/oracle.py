"""Independent oracles, cached on disk.

TensorFlow is the independent oracle where it has the operation, but importing
it costs seconds and hundreds of megabytes, so its computations run in one
worker process per run (``dlgrade.grading.oracle_worker``), started only when
a result is not in the disk cache, which is keyed by a hash of the
computation's name and inputs.  The sandbox never sees this cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from dlgrade.tensorflow_handle import run_lock
from dlgrade.tensorflow_handle import tensorflow  # noqa: F401  (graders' name for it: dlgrade.grading.tensorflow)


def cache_dir() -> Path:
    """$DLGRADE_CACHE, else ~/.cache/dlgrade (XDG_CACHE_HOME respected)."""
    if os.environ.get("DLGRADE_CACHE"):
        return Path(os.environ["DLGRADE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dlgrade"


_run_lock = run_lock  #: held while an oracle computation runs (see dlgrade.tensorflow_handle.run_lock)
_memo: dict = {}


def memo(key, build: Callable):
    """``build()``'s result, built once per process for ``key`` and reused: compiled
    ``tf.function``s and Keras objects an oracle would otherwise rebuild on every call
    (a bulk run asks the same computation of hundreds of students' inputs)."""
    with _run_lock:
        if key not in _memo:
            _memo[key] = build()
        return _memo[key]


def _digest(name: str, args, params: dict) -> str:
    h = hashlib.sha256(name.encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for a in args:
        a = np.asarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:40]


class Oracle:
    """Runs oracle computations, returning cached results when it can."""

    def __init__(self, directory: Path | None = None, use_cache: bool = True):
        self.directory = (directory or cache_dir()) / "oracle"
        #: False in bulk runs: per-student seeds make every input new, so writing
        #: results to disk would cost time and never be read back.
        self.use_cache = use_cache
        self.computed = 0  #: how many results were computed (not from cache) in this process
        self.hits = 0

    def tf(self, name: str, fn: Callable, /, *args, **params):
        """``fn(tf, *args, **params)`` → array or tuple of arrays, cached."""
        def run(*a, **p):
            from dlgrade.grading.oracle_worker import addressable, oracle_process

            if addressable(fn):  # a grader's module-level function: TensorFlow's own process runs it
                return oracle_process().run(fn, a, p)
            tf = tensorflow()
            with _run_lock:
                return fn(tf, *a, **p)

        return self.cached(name, run, *args, **params)

    def cached(self, name: str, fn: Callable, /, *args, **params):
        if not self.use_cache:
            self.computed += 1
            result = fn(*args, **params)
            if isinstance(result, (tuple, list)):
                return tuple(np.asarray(r.numpy() if hasattr(r, "numpy") else r) for r in result)
            return np.asarray(result.numpy() if hasattr(result, "numpy") else result)
        return self._cached(name, fn, *args, **params)

    def _cached(self, name: str, fn: Callable, /, *args, **params):
        key = _digest(name, args, params)
        folder = self.directory / key[:2]
        single_path, multi_path = folder / f"{key}.npy", folder / f"{key}.npz"
        if self.use_cache:
            try:
                if single_path.exists():
                    value = np.load(single_path, allow_pickle=False)
                    self.hits += 1
                    return value
                if multi_path.exists():
                    with np.load(multi_path, allow_pickle=False) as data:
                        items = tuple(data[f"r{i}"] for i in range(len(data.files)))
                    self.hits += 1
                    return items
            except (OSError, ValueError, KeyError):
                pass  # a damaged entry is recomputed
        result = fn(*args, **params)
        single = not isinstance(result, (tuple, list))
        items = [result] if single else list(result)
        items = [np.asarray(r.numpy() if hasattr(r, "numpy") else r) for r in items]
        self.computed += 1
        if self.use_cache:
            # Written to a temporary name and renamed: a reader never sees half a file.
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            with open(tmp, "wb") as handle:
                if single:
                    np.save(handle, items[0], allow_pickle=False)
                else:
                    np.savez(handle, **{f"r{i}": r for i, r in enumerate(items)})
            os.replace(tmp, single_path if single else multi_path)
        return items[0] if single else tuple(items)
