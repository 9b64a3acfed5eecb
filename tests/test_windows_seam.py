"""The seam between the portable sandbox and Windows (dlgrade/sandbox/windows.py), and how
the sandbox is chosen.

There is no Windows machine here.  The non-Windows behaviour is tested as it is; the
Windows branch is tested by passing a fake ``kernel32`` that records each call and
the limit structure it was given.  These are seam tests: they show what dlgrade asks
of Windows (which limits, which calls, in which order), not that Windows honours it.
"""

import ctypes
import functools
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from dlgrade.sandbox import Limits, SandboxConfigError, Session, Student, Worker, choose_backend
from dlgrade.sandbox import worker, windows
from dlgrade.sandbox.portable import JOB_BASE_MEMORY

MiB = 1 << 20


class FakeKernel32:
    """Records the Job Object calls; ``refuse`` names a call that fails."""

    def __init__(self, refuse: str = "", active: int = 1):
        self.calls = []
        self.refuse = refuse
        self.active = active
        self.limits = None

    def _result(self, name, value=1):
        self.calls.append(name)
        return 0 if name == self.refuse else value

    def CreateJobObjectW(self, attributes, name):
        assert (attributes, name) == (None, None)
        return self._result("CreateJobObjectW", 0x1234)

    def SetInformationJobObject(self, handle, klass, info, size):
        assert handle == 0x1234 and klass == windows.JobObjectExtendedLimitInformation
        structure = info._obj  # what ctypes.byref points at
        assert size == ctypes.sizeof(structure)
        self.limits = windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION.from_buffer_copy(structure)
        return self._result("SetInformationJobObject")

    def AssignProcessToJobObject(self, handle, process):
        self.assigned = process
        return self._result("AssignProcessToJobObject")

    def QueryInformationJobObject(self, handle, klass, info, size, returned):
        assert klass == windows.JobObjectBasicAccountingInformation
        info._obj.ActiveProcesses = self.active
        return self._result("QueryInformationJobObject")

    def TerminateJobObject(self, handle, code):
        assert code == windows.TERMINATED
        return self._result("TerminateJobObject")

    def CloseHandle(self, handle):
        assert handle == 0x1234
        return self._result("CloseHandle")


def test_off_windows_there_is_no_job():
    assert not windows.is_windows()
    assert windows.open_job(memory_bytes=MiB, cpu_seconds=1, processes=1) is None


def test_the_job_limits():
    info = windows.job_limits(memory_bytes=1536 * MiB, cpu_seconds=35, processes=16)
    basic = info.BasicLimitInformation
    for flag in (windows.JOB_OBJECT_LIMIT_JOB_MEMORY, windows.JOB_OBJECT_LIMIT_PROCESS_TIME,
                 windows.JOB_OBJECT_LIMIT_ACTIVE_PROCESS, windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
                 windows.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION):
        assert basic.LimitFlags & flag
    assert info.JobMemoryLimit == 1536 * MiB
    assert basic.PerProcessUserTimeLimit == 35 * 10_000_000  # 100 ns units
    assert basic.ActiveProcessLimit == 16


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_void_p) != 8, reason="the sizes below are those of 64-bit Windows")
def test_the_structures_have_the_sizes_of_64_bit_windows():
    # sizeof() in the Windows SDK headers, x64: 64, 144 and 48 bytes
    assert ctypes.sizeof(windows.JOBOBJECT_BASIC_LIMIT_INFORMATION) == 64
    assert ctypes.sizeof(windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION) == 144
    assert ctypes.sizeof(windows.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION) == 48


def test_a_job_through_a_fake_kernel32():
    fake = FakeKernel32(active=3)
    job = windows.open_job(memory_bytes=768 * MiB, cpu_seconds=20, processes=4, kernel32=fake)
    job.assign(777)
    assert fake.assigned == 777
    assert fake.limits.JobMemoryLimit == 768 * MiB
    assert fake.limits.BasicLimitInformation.ActiveProcessLimit == 4
    assert job.active_processes() == 3
    job.terminate()
    job.close()
    job.close()  # once only
    assert fake.calls == ["CreateJobObjectW", "SetInformationJobObject", "AssignProcessToJobObject",
                          "QueryInformationJobObject", "TerminateJobObject", "CloseHandle"]


def test_a_job_windows_refuses():
    fake = FakeKernel32(refuse="SetInformationJobObject")
    with pytest.raises(OSError):
        windows.open_job(memory_bytes=MiB, cpu_seconds=1, processes=1, kernel32=fake)
    assert fake.calls[-1] == "CloseHandle"  # the half-made job is not left open
    with pytest.raises(OSError):
        windows.open_job(memory_bytes=MiB, cpu_seconds=1, processes=1,
                         kernel32=FakeKernel32(refuse="CreateJobObjectW"))


def test_windows_exit_statuses_are_named():
    assert windows.describe_exit(0xC0000005) == "access violation"
    assert windows.describe_exit(windows.ERROR_NOT_ENOUGH_QUOTA) == "CPU time limit"
    assert windows.describe_exit(-1073741571 & 0xFFFFFFFF) == "stack overflow"
    assert windows.describe_exit(3) is None


def test_the_environment_passed_on():
    environ = {"SYSTEMROOT": r"C:\Windows", "PATH": r"C:\Anaconda3\Library\bin", "SECRET_TOKEN": "x",
               "HOME": "/root"}
    assert windows.child_environment(environ, windows=True) == {"SYSTEMROOT": r"C:\Windows",
                                                                "PATH": r"C:\Anaconda3\Library\bin"}
    assert windows.child_environment(environ, windows=False) == {}


def test_a_session_is_bounded_and_ended_through_the_job(monkeypatch):
    """The portable backend with the fake kernel32 at the seam: the process enters the job
    before the submission is sent, with the session's limits, and its end goes through the job."""
    fake = FakeKernel32(active=2)
    monkeypatch.setattr(windows, "open_job", functools.partial(windows.open_job, kernel32=fake))
    limits = Limits(wall_seconds=5, cpu_seconds=30, processes=8, address_space=512 * MiB)
    with Worker("portable") as worker:
        session = Session(worker, "import os\ndef pid():\n    return os.getpid()\n", "p.py", [], limits)
        try:
            pid = Student(session).pid()
        finally:
            session.close()
    assert fake.assigned == pid
    assert fake.calls[:3] == ["CreateJobObjectW", "SetInformationJobObject", "AssignProcessToJobObject"]
    assert fake.calls[-3:] == ["QueryInformationJobObject", "TerminateJobObject", "CloseHandle"]
    assert fake.limits.JobMemoryLimit == 512 * MiB + JOB_BASE_MEMORY
    assert fake.limits.BasicLimitInformation.PerProcessUserTimeLimit == 30 * 10_000_000
    assert fake.limits.BasicLimitInformation.ActiveProcessLimit == 8
    assert session.strays == 1  # the job's count, less the process itself


@pytest.mark.parametrize("refused", ["CreateJobObjectW", "AssignProcessToJobObject"])
def test_without_a_job_the_session_watches_the_memory_itself(monkeypatch, refused):
    fake = FakeKernel32(refuse=refused)
    monkeypatch.setattr(windows, "open_job", functools.partial(windows.open_job, kernel32=fake))
    # as on Windows, the sandbox process has no resource module to limit itself with
    import dlgrade.sandbox.portable as portable

    monkeypatch.setattr(portable, "BOOTSTRAP", "import sys\nsys.modules['resource'] = None\n" + portable.BOOTSTRAP)
    with Worker("portable") as worker:
        session = Session(worker, "def f():\n    return 1\n", "f.py", [], Limits(wall_seconds=5))
        try:
            assert Student(session).f() == 1
            assert session._watch_memory and session.sock.job is None
        finally:
            session.close()
    if refused == "AssignProcessToJobObject":
        assert fake.calls[-1] == "CloseHandle"  # the job Windows would not use is not left open


# --------------------------------------------------------------------------- choosing the backend
def test_portable_by_name(monkeypatch):
    monkeypatch.setenv("DLGRADE_SANDBOX", "portable")
    assert choose_backend() == "portable"
    assert type(Worker()).__name__ == "PortableWorker"


@pytest.mark.parametrize("missing", [("os", "fork"), ("socket", "AF_UNIX"), ("socket", "send_fds"),
                                     ("os", "setsid")])
def test_portable_where_fork_or_unix_sockets_are_missing(monkeypatch, missing):
    monkeypatch.delenv("DLGRADE_SANDBOX", raising=False)
    monkeypatch.delattr(__import__(missing[0]), missing[1])
    assert choose_backend() == "portable"
    for asked in ("rlimit", "bwrap"):
        with pytest.raises(SandboxConfigError, match=f"DLGRADE_SANDBOX={asked}"):
            choose_backend(asked)


def test_portable_on_windows(monkeypatch):
    monkeypatch.delenv("DLGRADE_SANDBOX", raising=False)
    monkeypatch.setattr(worker.os, "name", "nt")
    try:
        assert not worker.fork_sandbox_possible()
        assert choose_backend() == "portable"
    finally:
        monkeypatch.undo()


def test_an_unknown_sandbox_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("DLGRADE_SANDBOX", "portabel")
    with pytest.raises(SandboxConfigError, match="portabel"):
        choose_backend()
    env = dict(os.environ, DLGRADE_SANDBOX="portabel", DLGRADE_LANG="ko", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "dlgrade.cli", "check", "ex01"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2
    assert "알 수 없는 샌드박스" in done.stderr and "Traceback" not in done.stderr


def test_the_zygote_backends_are_kept_where_they_can_run(monkeypatch):
    monkeypatch.delenv("DLGRADE_SANDBOX", raising=False)
    assert choose_backend("rlimit") == "rlimit"
    assert choose_backend() in ("bwrap", "rlimit")


@pytest.mark.parametrize("asked", ["rlimit", "portable", "bwrap"])
def test_one_sandbox_choice_for_a_students_check_and_for_bulk_grading(monkeypatch, asked):
    from dlgrade.sandbox import SandboxRefused, choose_sandbox

    if asked == "bwrap" and not worker.bubblewrap_available():
        pytest.skip("needs bubblewrap")
    monkeypatch.setenv("DLGRADE_SANDBOX", asked)
    monkeypatch.setenv("DLGRADE_LANG", "en")
    student = choose_sandbox()
    assert student.backend == asked
    assert student.notice == {"rlimit": "sandbox.insecure", "portable": "sandbox.portable", "bwrap": None}[asked]
    if asked == "bwrap":
        assert choose_sandbox(bulk=True) == choose_sandbox(bulk=True, insecure=True) == student
        return
    with pytest.raises(SandboxRefused, match="--insecure") as refused:
        choose_sandbox(bulk=True)
    assert isinstance(refused.value, SandboxConfigError)  # a usage error wherever it is caught
    allowed = choose_sandbox(bulk=True, insecure=True)
    assert (allowed.backend, allowed.notice) == (asked, "sandbox.insecure")


def test_an_unknown_sandbox_is_refused_by_the_one_choice_for_every_use(monkeypatch):
    from dlgrade.sandbox import SandboxRefused, choose_sandbox

    monkeypatch.setenv("DLGRADE_SANDBOX", "portabel")
    for bulk, insecure in ((False, False), (True, False), (True, True)):
        with pytest.raises(SandboxConfigError, match="portabel") as refused:
            choose_sandbox(bulk=bulk, insecure=insecure)
        assert not isinstance(refused.value, SandboxRefused)


@pytest.mark.parametrize("asked", ["rlimit", "portable"])
def test_check_grades_in_the_sandbox_it_announced(asked):
    env = dict(os.environ, DLGRADE_SANDBOX=asked, DLGRADE_LANG="en", PYTHONPATH=str(ROOT), DLGRADE_HOME=str(ROOT))
    solution = ROOT / "solutions" / "ex01_perceptron" / "perceptron.py"
    shown = subprocess.run([sys.executable, "-m", "dlgrade.cli", "check", "ex01", "--file", str(solution)],
                           env=env, capture_output=True, text=True, timeout=600)
    quiet = subprocess.run([sys.executable, "-m", "dlgrade.cli", "check", "ex01", "--file", str(solution),
                            "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert shown.returncode == 0 and quiet.returncode == 0, shown.stderr + quiet.stderr
    note = {"rlimit": "resource limits only", "portable": "(no bubblewrap)"}[asked]
    assert note in " ".join(shown.stderr.split())
    assert note not in " ".join(quiet.stderr.split())  # --json: the data alone
    assert json.loads(quiet.stdout)["sandbox"] == asked


# --------------------------------------------------------------------------- limits set by the child itself
# The child's code as the parent sends it (the zygote's followed by portable_child's), run as one program.
LIMITS_PROBE = ("import json, sys, types\n"
                "from dlgrade.sandbox.portable import harness_source\n"
                "harness = types.ModuleType('dlgrade_sandbox')\n"
                "exec(compile(harness_source()[4:].decode('utf-8'), 'dlgrade-sandbox', 'exec'), harness.__dict__)\n"
                "print(json.dumps(harness.apply_limits(json.loads(sys.argv[1]))))\n")


def test_the_child_sets_resource_limits_where_resource_exists():
    import json

    asked = {"cpu_seconds": 30, "address_space": 512 * MiB, "open_files": 64, "file_size": MiB, "processes": 16}
    done = subprocess.run([sys.executable, "-c", LIMITS_PROBE, json.dumps(asked)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert set(json.loads(done.stdout)) == {"RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_NOFILE", "RLIMIT_FSIZE", "RLIMIT_CORE",
                                            "RLIMIT_NPROC"}


def test_the_child_sets_no_resource_limit_where_resource_is_missing():
    import json

    hide = "import sys; sys.modules['resource'] = None\n"  # import resource → ImportError
    done = subprocess.run([sys.executable, "-c", hide + LIMITS_PROBE, json.dumps({"cpu_seconds": 5})],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert json.loads(done.stdout) == []
