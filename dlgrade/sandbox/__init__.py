"""The sandbox: student code runs only here, on the far side of a process boundary."""

from dlgrade.sandbox import portable  # noqa: F401  (its worker serves Worker("portable"))
from dlgrade.sandbox.remote import RemoteObject, Student, Transcript
from dlgrade.sandbox.worker import (
    Limits, SandboxChoice, SandboxConfigError, SandboxError, SandboxRefused, Session, StudentCodeError,
    StudentCrashed, StudentException, StudentForbidden, StudentLoadError, StudentMissing, StudentNotDefinedAs,
    StudentReplyError, StudentTimeout, Worker, bubblewrap_available, choose_backend, choose_sandbox,
    sandbox_notice,
)
from dlgrade.sandbox.wire import InvalidValue

__all__ = [
    "InvalidValue", "Limits", "RemoteObject", "SandboxChoice", "SandboxConfigError", "SandboxError",
    "SandboxRefused", "Session", "Student", "StudentCodeError", "StudentCrashed", "StudentException",
    "StudentForbidden", "StudentLoadError", "StudentMissing", "StudentNotDefinedAs", "StudentReplyError", "StudentTimeout",
    "Transcript", "Worker", "bubblewrap_available", "choose_backend", "choose_sandbox", "sandbox_notice",
]
