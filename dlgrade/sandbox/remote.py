"""Calling the student's code as if it were local.

``student.correlate(x, w, mode="valid")`` sends a request to the session child
and returns the decoded value; objects that cannot cross (instances, methods)
come back as ``RemoteObject`` proxies that can be called and read in turn.
Every call is written to the session's transcript so that feedback can say
exactly what was called.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from dlgrade.sandbox import wire
from dlgrade.sandbox.worker import (
    Session, StudentCodeError, StudentCrashed, StudentException, StudentForbidden, StudentMissing, StudentNotDefinedAs,
    StudentReplyError,
    StudentTimeout,
)


class Transcript:
    """The calls made during one check, and which student names they reached."""

    def __init__(self):
        self.calls: list[tuple[str, tuple, dict]] = []
        self.names: set[str] = set()

    def clear(self):
        self.calls.clear()
        self.names.clear()


#: Decoded values that hold no handle (exact types: a subclass goes through the checks).
_PLAIN = frozenset({np.ndarray, float, int, bool, str, type(None)})


class RemoteObject:
    """A proxy for an object living in the sandbox child."""

    __slots__ = ("_session", "_transcript", "_handle", "_path", "_generation", "_methods")

    def __init__(self, session: Session, transcript: Transcript, handle: wire.Handle, path: str):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_transcript", transcript)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_generation", session.generation)
        object.__setattr__(self, "_methods", {})

    @property
    def _dlgrade_ref(self) -> int:
        return self._handle.id

    def _wrap(self, value, path: str):
        if type(value) in _PLAIN:  # most replies: an array or a number, nothing to wrap
            return value
        if isinstance(value, wire.Handle):
            return RemoteObject(self._session, self._transcript, value, path)
        if isinstance(value, (list, tuple)):
            items = [self._wrap(v, f"{path}[{i}]") for i, v in enumerate(value)]
            return type(value)(items)
        if isinstance(value, dict):
            return {k: self._wrap(v, f"{path}[{k!r}]") for k, v in value.items()}
        return value

    def _ask(self, header: dict, blobs=()):
        self._check_alive()
        reply, reply_blobs = self._session.request(header, blobs)
        with _ends_child_on_bad_reply(self._session):
            return self._answer(reply, reply_blobs)

    def _check_alive(self):
        if self._handle.id != 0 and self._generation != self._session.generation:
            raise StudentCrashed(f"{self._path or 'the object'} was lost when the process running the code ended")

    @staticmethod
    def _answer(reply, reply_blobs):
        """(reply, [decoded value], blobs), or the student's failure raised."""
        if not isinstance(reply, dict):
            raise StudentReplyError("the sandbox sent a malformed reply")
        if not reply.get("ok"):
            kind = reply.get("kind")
            message = str(reply.get("error", "failed"))[:2000]
            detail = str(reply.get("traceback", ""))[:4000]
            if kind == "forbidden":
                raise StudentForbidden(message)
            if kind == "missing":
                raise StudentMissing(message)
            if kind == "exit":
                raise StudentCrashed(message)
            raise StudentException(message, detail)
        try:
            return reply, [wire.decode(reply.get("value"), reply_blobs)], reply_blobs
        except wire.WireError as exc:
            raise StudentReplyError(f"the sandbox sent a malformed reply ({exc})") from None

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._lookup(name)

    def _lookup(self, name: str):
        # A bound method is looked up once per object (``opt.update`` called 50 times
        # is one round trip, not 50); data attributes are read afresh every time.
        cached = self._methods.get(name)
        if cached is not None:
            return cached
        _reply, (value,), _ = self._ask({"op": "getattr", "handle": self._handle.id, "name": name})
        value = self._wrap(value, f"{self._path}.{name}" if self._path else name)
        if isinstance(value, RemoteObject) and value._handle.type_name == "method":
            self._methods[name] = value
        return value

    def __setattr__(self, name, value):
        raise AttributeError("remote objects are read-only")

    def __call__(self, *args, **kwargs):
        return self.call(args, kwargs)[0]

    def call(self, args=(), kwargs=None, inputs_after: bool = False):
        """Call; returns (value, args after the call, kwargs after the call)."""
        kwargs = dict(kwargs or {})
        self._transcript.calls.append((self._path, args, kwargs))
        blobs: list[bytes] = []
        reply, (value,), reply_blobs = self._ask(_call_header(self._handle.id, args, kwargs, blobs, inputs_after),
                                                 blobs)
        if not inputs_after:
            return self._wrap(value, self._path + "()"), None, None
        with _ends_child_on_bad_reply(self._session):
            after = _inputs_after(self, reply, reply_blobs, self._path + "()")
        return (self._wrap(value, self._path + "()"), *after)

    def ref(self, *path) -> "RemoteObject":
        """A reference to the object reached by attribute names and indices
        (``rnn.ref("grads", 0)``), not a copy: ``.fetch()`` later shows whether
        it was changed in place."""
        steps = [p if isinstance(p, int) else str(p) for p in path]
        _reply, (handle,), _ = self._ask({"op": "ref", "handle": self._handle.id, "path": steps})
        label = self._path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in steps)
        return RemoteObject(self._session, self._transcript, handle, label)

    def batch(self) -> "Batch":
        """Queue calls, attribute reads and fetches, then send them in one round trip."""
        return Batch(self)

    def fetch(self):
        """The current value of a kept object (see Student.keep)."""
        _reply, (value,), _ = self._ask({"op": "fetch", "handle": self._handle.id})
        return self._wrap(value, self._path)

    @property
    def type_name(self) -> str:
        return self._handle.type_name

    def __repr__(self) -> str:
        return f"<{self._handle.type_name} {self._path}>"


@contextmanager
def _ends_child_on_bad_reply(session: Session):
    """A reply that cannot be read ends the child: what it sends next on that connection
    could not be told apart from a reply (and it may not be listening for requests)."""
    try:
        yield
    except StudentReplyError:
        session.close()
        raise


def _inputs_after(owner: RemoteObject, reply: dict, reply_blobs, label: str) -> tuple[list, dict]:
    """A call's arguments as they were after it (a reply to ``inputs_after``); an object
    that stays in the child comes back as a RemoteObject, as from any other reply."""
    try:
        after = [owner._wrap(wire.decode(a, reply_blobs), f"{label} argument {i}")
                 for i, a in enumerate(reply.get("args_after", []))]
        kw_after = {str(k): owner._wrap(wire.decode(v, reply_blobs), f"{label} argument {k}")
                    for k, v in dict(reply.get("kwargs_after", {})).items()}
    except (wire.WireError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise StudentReplyError(f"the sandbox sent a malformed reply ({exc})") from None
    return after, kw_after


class Pending:
    """The value a queued batch item will produce: it can be called in a later item of
    the same batch (``batch.call(obj.forward, xs)`` where ``obj`` is a Pending), passed
    as an argument, or reached into (``pair[1]``), without a round trip of its own.
    Used as a list index, it picks the item's value from ``Batch.run()``'s result."""

    __slots__ = ("_batch", "index", "label")

    def __init__(self, batch: "Batch", index: int, label: str):
        self._batch, self.index, self.label = batch, index, label

    def __repr__(self) -> str:  # as feedback shows it among a call's arguments
        return f"<{self.label}>"

    @property
    def _dlgrade_ref(self) -> int:
        return -(self.index + 1)  # where the child keeps item n's object during the batch

    def __index__(self) -> int:
        return self.index

    def __getattr__(self, name: str) -> "Pending":
        if name.startswith("__"):
            raise AttributeError(name)
        return self._batch._reach(self, name, f"{self.label}.{name}")

    def __getitem__(self, key: int) -> "Pending":
        return self._batch._reach(self, int(key), f"{self.label}[{key}]")


class Batch:
    """Calls and fetches sent to the child in one round trip and answered in order: for
    a sequence whose arguments the grader knows in advance (fifty optimizer updates with
    precomputed gradients), or can name as earlier items' results (``Pending``).
    ``run()`` returns each item's value, or raises what the first failing item raised,
    with the calls up to it in the transcript."""

    def __init__(self, student: "RemoteObject"):
        self._student = student  # any proxy of the session: its transcript records the calls
        self._blobs: list[bytes] = []
        self._items: list[tuple[dict, tuple | None, str]] = []

    def _queue(self, header: dict, call, label: str) -> Pending:
        self._items.append((header, call, label))
        return Pending(self, len(self._items) - 1, label)

    def call(self, target, *args, **kwargs) -> Pending:
        """Queue ``target(*args, **kwargs)``; target is a RemoteObject or a Pending."""
        return self._call(target, args, kwargs, inputs_after=False)

    def call_seeing_inputs(self, target, *args, **kwargs) -> Pending:
        """Queue a call as ``call`` does; its value is (result, the arguments as they were
        after the call, the keyword arguments after it), as ``RemoteObject.call(…,
        inputs_after=True)`` gives: did the call change the arrays it was given?"""
        return self._call(target, args, kwargs, inputs_after=True)

    def _call(self, target, args, kwargs, inputs_after: bool) -> Pending:
        if isinstance(target, RemoteObject):
            target._check_alive()
        label = target._path if isinstance(target, RemoteObject) else target.label
        return self._queue(_call_header(target._dlgrade_ref, args, kwargs, self._blobs, inputs_after),
                           (label, args, kwargs), label + "()")

    def keep(self, value, name: str = "value") -> Pending:
        """Queue placing a value in the child, as ``Student.keep`` does: later items can pass
        it (and mutate it), and its item's value is the RemoteObject for later batches."""
        return self._queue({"op": "keep", "value": wire.encode(value, self._blobs)}, None, name)

    def attr(self, target, name: str) -> Pending:
        """Queue reading ``target.name`` (a RemoteObject's or a Pending's attribute): its
        value, or, for a method, something a later item can call."""
        if isinstance(target, RemoteObject):
            target._check_alive()
        label = target._path if isinstance(target, RemoteObject) else target.label
        return self._queue({"op": "getattr", "handle": target._dlgrade_ref, "name": name}, None,
                           f"{label}.{name}" if label else name)

    def fetch(self, remote: RemoteObject | Pending) -> Pending:
        """Queue reading a kept object's current value (see RemoteObject.fetch): one kept in
        an earlier round trip, or by an earlier item of this batch (``Batch.keep``'s Pending),
        as the calls before this item left it."""
        if isinstance(remote, Pending):
            if remote._batch is not self:
                raise ValueError("a Pending can be fetched only in its own batch")
            return self._queue({"op": "fetch", "handle": remote._dlgrade_ref}, None, remote.label)
        remote._check_alive()
        return self._queue({"op": "fetch", "handle": remote._handle.id}, None, remote._path)

    def _reach(self, pending: Pending, step, label: str) -> Pending:
        return self._queue({"op": "ref", "handle": pending._dlgrade_ref, "path": [step]}, None, label)

    def run(self, timeout: float | None = None) -> list:
        """Send every queued item; the time limit is one request's unless given."""
        return list(self.results(timeout))

    def results(self, timeout: float | None = None):
        """Send every queued item, then yield their values in order.  A failing item's
        error is raised when it is reached, and each call enters the transcript as its
        value is taken: a grader judging the values one by one fails on the first wrong
        one and names its call, exactly as with one round trip per call."""
        return self._send(timeout, keep_going=False)

    def in_order(self, timeout: float | None = None) -> "InOrder":
        """Send every queued item; the values are taken as the check asks for them
        (``values[item]`` or ``values(item)``, ``item`` a Pending), every item before it
        first, as ``results()`` yields them."""
        return InOrder(self.results(timeout))

    def outcomes(self, timeout: float | None = None):
        """Send every queued item; the child answers each one even after one has failed.
        Yields, in order, each item's value or the error its call raised in the student's
        code (a StudentCodeError, yielded, not raised): for a check that expects several
        calls to fail (invalid arguments) and judges every one.  The process dying or the
        time limit still raises.  A later item must not use a failed item's value."""
        return self._send(timeout, keep_going=True)

    def _send(self, timeout: float | None, keep_going: bool):
        if not self._items:
            return iter(())
        items, self._items, blobs, self._blobs = self._items, [], self._blobs, []
        student = self._student
        header = {"op": "batch", "requests": [h for h, _, _ in items]}
        if keep_going:
            header["keep_going"] = True
        try:
            reply, reply_blobs = student._session.request(header, blobs, timeout=timeout)
        except (StudentCrashed, StudentTimeout):
            # The child died or hung inside the batch: the calls up to the one it was running
            # (it wrote that item's number as it began it) enter the transcript, so that the
            # feedback names that call as the last one.
            reached = student._session.progress
            for _header, call, _label in items[:reached if 0 < reached <= len(items) else 0]:
                if call is not None:
                    student._transcript.calls.append(call)
            raise
        replies = reply.get("replies") if isinstance(reply, dict) and reply.get("ok") else None
        if not isinstance(replies, list) or not 0 < len(replies) <= len(items):
            with _ends_child_on_bad_reply(student._session):
                RemoteObject._answer(reply, reply_blobs)  # the child's own failure, if it says one
                raise StudentReplyError("the sandbox sent a malformed reply")

        def values():
            with _ends_child_on_bad_reply(student._session):
                yield from each_value()

        def each_value():
            for (header, call, label), sub in zip(items, replies):
                if call is not None:
                    student._transcript.calls.append(call)
                try:
                    _reply, (value,), _ = RemoteObject._answer(sub, reply_blobs)
                except StudentReplyError:
                    raise
                except StudentCodeError as error:
                    if not keep_going:
                        raise
                    yield error
                    continue
                if header.get("inputs_after"):
                    yield (student._wrap(value, label), *_inputs_after(student, sub, reply_blobs, label))
                else:
                    yield student._wrap(value, label)
            if len(replies) < len(items):
                raise StudentReplyError("the sandbox answered only part of the requests")

        return values()


class InOrder:
    """A batch's values, taken in the order the check judges them: a call enters the
    transcript, and a failing call raises, only when its value (or a later one) is asked
    for — so the first wrong value fails the check and names its call, exactly as with one
    round trip per call.  Values already taken can be asked for again."""

    def __init__(self, values):
        self._values, self._taken = values, []

    def __getitem__(self, item: Pending):
        while len(self._taken) <= item.index:
            self._taken.append(next(self._values))
        return self._taken[item.index]

    __call__ = __getitem__


def _call_header(handle: int, args, kwargs: dict, blobs: list, inputs_after: bool = False) -> dict:
    return {"op": "call", "handle": handle, "inputs_after": inputs_after,
            "args": wire.encode(list(args), blobs)["$list"], "kwargs": wire.encode(dict(kwargs), blobs)["$dict"]}


class Student(RemoteObject):
    """The student's module, loaded in the sandbox."""

    __slots__ = ("_functions", "_kinds")  # module functions: looked up once per child

    def __init__(self, session: Session, transcript: Transcript | None = None, kinds: dict | None = None):
        super().__init__(session, transcript or Transcript(), wire.Handle(0, "module", False), "")
        object.__setattr__(self, "_functions", {})
        #: what the exercise asks each name to be ("function" or "class", from its stub)
        object.__setattr__(self, "_kinds", dict(kinds or {}))

    def _lookup(self, name: str):
        # Module-level functions are looked up once per child: a round trip saved per call.
        self._transcript.names.add(name)
        cached = self._functions.get(name)
        if cached is not None and cached._generation == self._session.generation:
            return cached
        self._session.open()  # the child lists the module's functions as it loads it
        listed = self._session.functions.get(name)
        if listed is not None:
            value = RemoteObject(self._session, self._transcript, listed, name)
        else:
            value = super()._lookup(name)
        self._as_asked(name, value)
        if isinstance(value, RemoteObject) and value._handle.callable:
            self._functions[name] = value
        return value

    def _as_asked(self, name: str, value) -> None:
        """Raise StudentNotDefinedAs when ``name``, which the exercise asks for as a function
        (or a class), is something that cannot be one: None, a number, a module, an instance
        that cannot be called — or, for a function, a class."""
        kind = self._kinds.get(name)
        if kind is None:
            return
        from dlgrade.messages import say

        remote = isinstance(value, RemoteObject)
        type_name = value._handle.type_name if remote else type(value).__name__
        callable_ = remote and value._handle.callable and type_name != "module"
        if callable_ and not (kind == "function" and type_name == "type"):
            return
        what = ("None" if value is None else "a class" if type_name == "type" else
                "a module" if type_name == "module" else f"an object of type {type_name}")
        raise StudentNotDefinedAs(say("feedback.not_a_" + kind, "en", name=name, what=what,
                                      file=self._session.filename))

    def in_one_round_trip(self, calls):
        """The values of ``calls`` — (function, args) or (function, args, kwargs), arguments
        known in advance — sent to the child in one round trip and taken one by one
        (``Batch.results``): a check judging each before taking the next fails on the first
        wrong one and names its call."""
        batch = self.batch()
        for function, args, *kwargs in calls:
            batch.call(function, *args, **(kwargs[0] if kwargs else {}))
        return batch.results()

    def functions_until_missing(self, names) -> list[RemoteObject]:
        """The module's functions ``names``, ready to queue in a batch, as many as can be from
        the start: looking them up stops at the first that is missing or not a function,
        whose failure must come when a call of it would, after the earlier calls' values
        are judged."""
        functions = []
        for name in names:
            try:
                function = getattr(self, name)
            except StudentCodeError:
                break
            if not isinstance(function, RemoteObject):
                break
            functions.append(function)
        return functions

    def keep(self, value, name: str = "value") -> RemoteObject:
        """Place a value in the child and return a reference to it, so that
        several calls can share it (and mutate it in place)."""
        blobs: list[bytes] = []
        _reply, (handle,), _ = self._ask({"op": "keep", "value": wire.encode(value, blobs)}, blobs)
        return RemoteObject(self._session, self._transcript, handle, name)

    @contextmanager
    def patched(self, name: str, replacement):
        """Temporarily replace a module-level name in the student's module
        (with a Function or a kept object), restoring it afterwards."""
        blobs: list[bytes] = []
        _reply, (previous,), _ = self._ask({"op": "setattr", "handle": 0, "name": name,
                                            "value": wire.encode(replacement, blobs)}, blobs)
        self._functions.pop(name, None)
        self._session.functions.pop(name, None)  # from now on looked up in the child
        try:
            yield
        finally:
            self._functions.pop(name, None)
            if self._session.sock is not None:  # a crash already discarded the patched module
                self._ask({"op": "setattr", "handle": 0, "name": name, "value": {"$ref": previous.id}})

    @property
    def source(self) -> str:
        """The text of the file the child loads (the student's, or a grader's rewriting of it)."""
        return self._session.source

    @contextmanager
    def loaded_from(self, source: str):
        """The same submission as the grader rewrote it (``source``), loaded in a fresh child
        for the calls made inside the block; the student's own file, in another fresh child,
        after it.  Nothing is patched in a loaded module: a check that needs the student's
        code to run on other definitions (XOR over gates with other truth tables) loads it
        with them, as if written so, instead of swapping names under running code."""
        session = self._session
        original, load_error = session.source, session.load_error
        session.close()
        session.source, session.load_error = source, None
        self._functions.clear()
        try:
            yield self
        finally:
            session.close()
            session.source, session.load_error = original, load_error
            self._functions.clear()

    @property
    def transcript(self) -> Transcript:
        return self._transcript


__all__ = ["Batch", "InOrder", "Pending", "RemoteObject", "Student", "Transcript", "StudentCodeError"]
