"""The Windows-only calls of the portable sandbox, behind one small seam.

A Job Object bounds what a sandbox process and everything it starts may use:
committed memory, CPU time, the number of processes; closing or terminating the
job ends them all (Windows has no process groups to kill).  The calls go through
``kernel32`` with ctypes, so nothing beyond the standard library is needed.

Everywhere but Windows ``open_job`` returns None and the caller falls back to
resource limits.  The tests exercise the Windows branch by passing a fake
``kernel32`` that records the calls: that shows what this module asks of
Windows, not that Windows does it.
"""

from __future__ import annotations

import ctypes
import os
DWORD = ctypes.c_uint32  # (ctypes.wintypes.DWORD is c_ulong: 8 bytes on Linux, 4 on Windows)

JOB_OBJECT_LIMIT_PROCESS_TIME = 0x00000002
JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008
JOB_OBJECT_LIMIT_JOB_MEMORY = 0x00000200
JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JobObjectBasicAccountingInformation = 1
JobObjectExtendedLimitInformation = 9
#: the exit status Windows gives the processes of a job that ran over its CPU time
ERROR_NOT_ENOUGH_QUOTA = 1816
#: how a process ended on Windows, by exit status (NTSTATUS), for the student's message
EXIT_STATUS_NAMES = {
    0xC0000005: "access violation",
    0xC00000FD: "stack overflow",
    0xC0000409: "stack buffer overrun",
    0xC0000017: "out of memory",
    0xC000001D: "illegal instruction",
    0xC0000094: "integer division by zero",
    ERROR_NOT_ENOUGH_QUOTA: "CPU time limit",
}
#: the exit status the sandbox's own termination gives (told apart from the student's exits)
TERMINATED = 0xDEAD


class IO_COUNTERS(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", DWORD),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", DWORD),
                ("SchedulingClass", DWORD)]


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = [("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION), ("IoInfo", IO_COUNTERS),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


class JOBOBJECT_BASIC_ACCOUNTING_INFORMATION(ctypes.Structure):
    _fields_ = [("TotalUserTime", ctypes.c_int64), ("TotalKernelTime", ctypes.c_int64),
                ("ThisPeriodTotalUserTime", ctypes.c_int64), ("ThisPeriodTotalKernelTime", ctypes.c_int64),
                ("TotalPageFaultCount", DWORD), ("TotalProcesses", DWORD),
                ("ActiveProcesses", DWORD), ("TotalTerminatedProcesses", DWORD)]


def _last_error() -> int:
    get = getattr(ctypes, "get_last_error", None)  # Windows only
    return get() if get else 0


def is_windows() -> bool:
    return os.name == "nt"


def load_kernel32():
    """kernel32 through ctypes (Windows only), with the prototypes of the calls made here
    (without them ctypes would cut 64-bit handles to a C int)."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle, ok = ctypes.c_void_p, ctypes.c_int
    prototypes = {
        "CreateJobObjectW": ((ctypes.c_void_p, ctypes.c_wchar_p), handle),
        "SetInformationJobObject": ((handle, ctypes.c_int, ctypes.c_void_p, DWORD), ok),
        "QueryInformationJobObject": ((handle, ctypes.c_int, ctypes.c_void_p, DWORD, ctypes.c_void_p), ok),
        "AssignProcessToJobObject": ((handle, handle), ok),
        "TerminateJobObject": ((handle, ctypes.c_uint), ok),
        "CloseHandle": ((handle,), ok),
    }
    for name, (argtypes, restype) in prototypes.items():
        function = getattr(kernel32, name)
        function.argtypes, function.restype = argtypes, restype
    return kernel32


def job_limits(*, memory_bytes: int, cpu_seconds: float, processes: int) -> JOBOBJECT_EXTENDED_LIMIT_INFORMATION:
    """The limit structure of a sandbox job: memory committed by all its processes together,
    user-mode CPU time per process (100 ns units), a number of processes, every process
    ended when the job's last handle closes, and no error dialog for a crash."""
    info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
    basic = info.BasicLimitInformation
    basic.LimitFlags = (JOB_OBJECT_LIMIT_JOB_MEMORY | JOB_OBJECT_LIMIT_PROCESS_TIME | JOB_OBJECT_LIMIT_ACTIVE_PROCESS
                        | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION)
    basic.PerProcessUserTimeLimit = int(cpu_seconds * 10_000_000)
    basic.ActiveProcessLimit = max(1, int(processes))
    info.JobMemoryLimit = int(memory_bytes)
    return info


class Job:
    """A Job Object holding one sandbox process (and whatever it starts)."""

    def __init__(self, kernel32, handle):
        self.kernel32 = kernel32
        self.handle = handle

    def assign(self, process_handle) -> None:
        """Put a process in the job; it must not have run student code yet."""
        if not self.kernel32.AssignProcessToJobObject(self.handle, int(process_handle)):
            raise OSError(_last_error(), "AssignProcessToJobObject failed")

    def active_processes(self) -> int:
        info = JOBOBJECT_BASIC_ACCOUNTING_INFORMATION()
        if not self.kernel32.QueryInformationJobObject(self.handle, JobObjectBasicAccountingInformation,
                                                       ctypes.byref(info), ctypes.sizeof(info), None):
            return 0
        return int(info.ActiveProcesses)

    def terminate(self) -> None:
        """End every process in the job."""
        if self.handle:
            self.kernel32.TerminateJobObject(self.handle, TERMINATED)

    def close(self) -> None:
        if self.handle:
            self.kernel32.CloseHandle(self.handle)
            self.handle = None


def open_job(*, memory_bytes: int, cpu_seconds: float, processes: int, kernel32=None) -> Job | None:
    """A Job Object with the sandbox's limits; None where there are none (not Windows
    and no ``kernel32`` given).  Raises OSError when Windows refuses to make one."""
    if kernel32 is None:
        if not is_windows():
            return None
        kernel32 = load_kernel32()
    handle = kernel32.CreateJobObjectW(None, None)
    if not handle:
        raise OSError(_last_error(), "CreateJobObjectW failed")
    info = job_limits(memory_bytes=memory_bytes, cpu_seconds=cpu_seconds, processes=processes)
    if not kernel32.SetInformationJobObject(handle, JobObjectExtendedLimitInformation, ctypes.byref(info),
                                            ctypes.sizeof(info)):
        error = _last_error()
        kernel32.CloseHandle(handle)
        raise OSError(error, "SetInformationJobObject failed")
    return Job(kernel32, handle)


def describe_exit(code: int) -> str | None:
    """What a Windows exit status means when it is not an ordinary exit code."""
    return EXIT_STATUS_NAMES.get(code & 0xFFFFFFFF)


#: what a sandbox process needs from the environment on Windows to start at all
#: (the system folders, and PATH for Anaconda's DLLs); nothing else is passed on
WINDOWS_ENVIRONMENT = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "PATH", "PATHEXT", "TEMP", "TMP", "COMSPEC",
                       "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE", "CONDA_PREFIX")


def child_environment(environ=None, windows: bool | None = None) -> dict[str, str]:
    """The variables passed on to a sandbox process besides dlgrade's own: on Windows the
    few it cannot start without; elsewhere none."""
    environ = os.environ if environ is None else environ
    if not (is_windows() if windows is None else windows):
        return {}
    return {key: environ[key] for key in WINDOWS_ENVIRONMENT if key in environ}
