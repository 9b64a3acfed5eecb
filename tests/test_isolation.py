"""Students never see or touch each other: student A plants unique markers everywhere a
session child can reach, and student B, graded next by the same worker (the same zygote),
looks for every one of them and finds none.

A's marker is ``PREFIX + SECRET``.  B's source holds only ``PREFIX`` and a digest of
``SECRET``, so that B never has the whole marker unless something of A reached it: B scans
its own memory (/proc/self/mem) for ``PREFIX`` followed by bytes whose digest is that of
``SECRET``.  The same scan finds B's own marker, written whole in B's source (the scan works).
"""

import hashlib
import os
import textwrap
import uuid

import pytest

from conftest import requires_bwrap
from dlgrade.sandbox import Limits, Session, Student, Worker

LIMITS = Limits(wall_seconds=60, cpu_seconds=120)
IPC_KEY = 0x5EED0000 + os.getpid() % 0xFFFF

PLANTER = r'''
import ctypes, os, socket, struct, time
import numpy as np

MARK = "@MARK@"
KEPT = [MARK * 2, MARK.encode(), np.frombuffer(MARK.encode(), dtype=np.uint8).copy()]
LIBC = ctypes.CDLL(None, use_errno=True)
try:
    LIBRT = ctypes.CDLL("librt.so.1", use_errno=True)  # POSIX queues (in the C library itself since glibc 2.34)
except OSError:
    LIBRT = LIBC
KEY = @KEY@
NAME = "@NAME@"
LISTENERS = []


def _file(folder, planted):
    try:
        with open(os.path.join(folder, NAME + "-file"), "wb") as handle:
            handle.write(MARK.encode())
        planted[folder] = True
    except OSError:
        planted[folder] = False


def plant():
    planted = {"uid": os.getuid()}
    for folder in ("/dev/shm", "/tmp", "/var/tmp", "/run/lock", "/var/lock", "/dev/mqueue", os.getcwd(),
                   os.path.expanduser("~"), os.environ.get("HOME") or "/", os.environ.get("TMPDIR") or "/tmp"):
        _file(folder, planted)
    data = MARK.encode()
    LIBC.shmat.restype = ctypes.c_void_p
    shm = LIBC.shmget(KEY, 4096, 0o1666)  # IPC_CREAT | 0666
    if shm >= 0:
        address = LIBC.shmat(shm, None, 0)
        ctypes.memmove(address, data, len(data))
    planted["sysv shm"] = shm >= 0
    queue = LIBC.msgget(KEY, 0o1666)
    message = struct.pack("l", 1) + data
    planted["sysv msg"] = queue >= 0 and LIBC.msgsnd(queue, message, len(data), 0) == 0
    semaphores = LIBC.semget(KEY, 1, 0o1666)
    planted["sysv sem"] = semaphores >= 0 and LIBC.semctl(semaphores, 0, 16, 4242) == 0  # SETVAL
    LIBRT.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
    mq = LIBRT.mq_open(("/" + NAME).encode(), 0o100 | 2, 0o666, None)  # O_CREAT | O_RDWR
    planted["posix mq"] = mq >= 0 and LIBRT.mq_send(mq, data, len(data), 0) == 0
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("\0" + NAME)
    listener.listen(8)
    LISTENERS.append(listener)
    planted["abstract socket"] = True
    if os.fork() == 0:  # a process left behind, holding the listener, named after the marker
        os.setsid()
        LIBC.prctl(15, NAME[:15].encode(), 0, 0, 0)  # PR_SET_NAME
        time.sleep(600)
        os._exit(0)
    LIBC.prctl(15, NAME[:15].encode(), 0, 0, 0)
    planted["process"] = True
    add_key = {"x86_64": 248, "aarch64": 217}.get(os.uname().machine)
    if add_key:
        for keyring in (-3, -4, -5):  # the session, user and user-session keyrings
            serial = LIBC.syscall(add_key, b"user", (NAME + str(keyring)).encode(), data, len(data), keyring)
            # planted, or refused to every child (then there is nothing to leave behind)
            planted["keyring %d" % keyring] = serial > 0 or ("refused" if ctypes.get_errno() == 1 else False)
    return planted


def reply():
    """A's marker as a reply value, an array and an error: the values a zygote must not hold."""
    return {"mark": MARK, "array": np.frombuffer(MARK.encode(), dtype=np.uint8).copy()}


def fail():
    raise ValueError(MARK)
'''

SEEKER = r'''
import ctypes, hashlib, os, socket

PREFIX = "@PREFIX@"
DIGEST = "@DIGEST@"
LENGTH = @LENGTH@
OWN = "@OWN@"  # B's own marker, whole: the memory scan must find it
KEY = @KEY@
NAME = "@NAME@"
LIBC = ctypes.CDLL(None, use_errno=True)
try:
    LIBRT = ctypes.CDLL("librt.so.1", use_errno=True)  # POSIX queues (in the C library itself since glibc 2.34)
except OSError:
    LIBRT = LIBC


def memory_hits(prefix, digest, length):
    """Places in this process's memory where ``prefix`` is followed by ``length`` bytes
    whose SHA-256 is ``digest`` (read with process_vm_readv: a non-dumpable process may not
    open /proc/self/mem, but reads its own memory freely)."""
    prefix = prefix.encode()
    regions = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if "r" in fields[1] and not line.rstrip().endswith(("[vvar]", "[vvar_vclock]", "[vsyscall]")):
                regions.append((start, end))
    hits = 0
    step = 8 << 20

    class IoVec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("length", ctypes.c_size_t)]

    LIBC.process_vm_readv.restype = ctypes.c_ssize_t
    buffer = ctypes.create_string_buffer(step + 256)
    for start, end in regions:
        at = start
        while at < end:
            size = min(step + 256, end - at)
            local, remote = IoVec(ctypes.addressof(buffer), size), IoVec(at, size)
            got = LIBC.process_vm_readv(os.getpid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
            if got <= 0:
                break
            chunk = buffer.raw[:got]
            i = chunk.find(prefix)
            while i >= 0:
                tail = chunk[i + len(prefix):i + len(prefix) + length]
                if len(tail) == length and hashlib.sha256(tail).hexdigest() == digest:
                    hits += 1
                i = chunk.find(prefix, i + 1)
            at += step
    return hits


def files_with_marker():
    found = []
    for top in ("/dev/shm", "/tmp", "/var/tmp", "/run/lock", "/var/lock", "/dev/mqueue", os.getcwd(),
                os.path.expanduser("~"), os.environ.get("HOME") or "/", os.environ.get("TMPDIR") or "/tmp"):
        try:
            names = os.listdir(top)
        except OSError:
            continue
        for name in names:
            path = os.path.join(top, name)
            if PREFIX in name:
                found.append(path)
                continue
            try:
                with open(path, "rb") as handle:
                    if PREFIX.encode() in handle.read(1 << 16):
                        found.append(path)
            except OSError:
                pass
    return found


def search():
    found = {"uid": os.getuid()}
    found["memory"] = memory_hits(PREFIX, DIGEST, LENGTH)
    own = OWN.encode()
    found["own marker in memory"] = memory_hits(OWN[:len(OWN) // 2], hashlib.sha256(own[len(OWN) // 2:]).hexdigest(),
                                                len(own) - len(OWN) // 2)
    found["files"] = files_with_marker()
    found["sysv shm"] = LIBC.shmget(KEY, 0, 0) >= 0
    found["sysv msg"] = LIBC.msgget(KEY, 0) >= 0
    found["sysv sem"] = LIBC.semget(KEY, 0, 0) >= 0
    found["sysv objects"] = []
    for kind in ("shm", "msg", "sem"):
        try:
            with open("/proc/sysvipc/" + kind) as table:
                found["sysv objects"] += [kind + ":" + row.split()[1] for row in list(table)[1:]]
        except OSError:
            pass
    LIBRT.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int]
    found["posix mq"] = LIBRT.mq_open(("/" + NAME).encode(), 0) >= 0
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect("\0" + NAME)
        found["abstract socket"] = True
    except OSError:
        found["abstract socket"] = False
    try:
        with open("/proc/net/unix") as table:
            found["abstract socket listed"] = any(("@" + NAME) in line for line in table)
    except OSError:
        found["abstract socket listed"] = False
    try:
        with open("/proc/keys") as keys:
            found["keys"] = [line.split()[-2] for line in keys if NAME in line]
    except OSError:
        found["keys"] = []
    found["processes"] = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as comm:
                    if NAME[:15] in comm.read():
                        found["processes"].append(int(entry))
            except OSError:
                pass
    return found
'''


def _fill(template: str, **values) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", str(value))
    return template


def markers():
    """A's marker (PREFIX + SECRET), and what B may hold of it."""
    prefix = "isolation" + uuid.uuid4().hex[:10]
    secret = "S" + uuid.uuid4().hex
    name = "q" + uuid.uuid4().hex[:14]
    return prefix, secret, name


@pytest.fixture(params=["bwrap", "rlimit"])
def worker(request):
    if request.param == "bwrap":
        if not __import__("shutil").which("bwrap") or os.environ.get("DLGRADE_SANDBOX") == "rlimit":
            pytest.skip("needs bubblewrap")
    with Worker(backend=request.param) as w:
        yield w


def _plant_and_seek(worker, between=0):
    prefix, secret, name = markers()
    mark = prefix + secret
    planter = _fill(PLANTER, MARK=mark, KEY=IPC_KEY, NAME=name)
    own = "own" + uuid.uuid4().hex
    seeker = _fill(SEEKER, PREFIX=prefix, DIGEST=hashlib.sha256(secret.encode()).hexdigest(), LENGTH=len(secret),
                   OWN=own, KEY=IPC_KEY, NAME=name)
    assert mark not in seeker
    zygote = worker.process.pid
    with Session(worker, planter, "planter.py", [], LIMITS) as session:
        student = Student(session)
        planted = student.plant()
        assert student.reply()["mark"] == mark
        with pytest.raises(Exception, match=mark):
            student.fail()
    for _ in range(between):
        with Session(worker, "def f():\n    return 1\n", "other.py", [], LIMITS) as session:
            assert Student(session).f() == 1
    with Session(worker, seeker, "seeker.py", [], LIMITS) as session:
        found = Student(session).search()
    assert worker.process.pid == zygote and worker.alive, "B must be graded by the same zygote as A"
    return planted, found


def _assert_found_nothing(planted, found):
    # A really planted each thing B looks for (else finding nothing would prove nothing).
    for what in ("/dev/shm", "/tmp", "/var/tmp", "sysv shm", "sysv msg", "sysv sem", "posix mq", "abstract socket",
                 "process"):
        assert planted[what] is True, f"student A could not plant in {what}: the test proves nothing there"
    for what in ("keyring -3", "keyring -4", "keyring -5"):  # where the system has keyrings at all
        assert planted[what] in (True, "refused"), f"student A could not plant in {what}: the test proves nothing there"
    assert found["own marker in memory"] >= 1, "the memory scan does not work"
    assert found["memory"] == 0, "A's source, values or replies are in the memory B starts from"
    assert found["files"] == []
    for what in ("sysv shm", "sysv msg", "sysv sem", "posix mq", "abstract socket", "abstract socket listed"):
        assert found[what] is False, what
    assert found["sysv objects"] == []
    assert found["processes"] == []
    assert found["keys"] == []


def test_what_one_student_plants_the_next_does_not_find(worker):
    planted, found = _plant_and_seek(worker)
    _assert_found_nothing(planted, found)
    if os.getuid() == 0:
        assert planted["uid"] != found["uid"] and 0 not in (planted["uid"], found["uid"])


def test_a_child_given_a_uid_used_before_finds_nothing_of_the_earlier_child(worker):
    """The worker's uids come round again: the child that gets A's uid back finds nothing."""
    planted, found = _plant_and_seek(worker, between=max(0, worker.info["isolation"]["uids"] - 1))
    _assert_found_nothing(planted, found)
    if os.getuid() == 0:
        assert planted["uid"] == found["uid"]


def test_nothing_is_writable_but_the_childs_own_scratch_folders(worker):
    source = textwrap.dedent(r'''
        import os
        def writable():
            found = []
            for top in ("/", "/etc", "/usr", "/var", "/root", "/home", "/sandbox", "/proc/sys", "/dev", "/run"):
                try:
                    below = [os.path.join(top, n) for n in os.listdir(top)]
                except OSError:
                    below = []
                for folder in [top] + below:
                    if os.path.isdir(folder) and not os.path.islink(folder):
                        try:
                            with open(os.path.join(folder, ".probe-%d" % os.getpid()), "w"):
                                pass
                            found.append(folder)
                            os.unlink(os.path.join(folder, ".probe-%d" % os.getpid()))
                        except OSError:
                            pass
            return sorted(set(found))
        ''')
    with Session(worker, source, "probe.py", [], LIMITS) as session:
        writable = Student(session).writable()
    scratch = {"/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue", "/run/lock", "/var/lock"}
    assert set(writable) <= scratch, sorted(set(writable) - scratch)


def test_the_zygote_says_each_child_is_isolated(worker):
    assert worker.info["isolation"]["namespaces"] is True
    if os.getuid() == 0:
        assert worker.info["isolation"]["uids"] >= 2


def test_consecutive_children_never_share_a_uid(worker):
    source = "import os\ndef uid():\n    return os.getuid()\n"
    seen = []
    for _ in range(3):
        with Session(worker, source, "who.py", [], LIMITS) as session:
            seen.append(Student(session).uid())
    if os.getuid() == 0:
        assert seen[0] != seen[1] != seen[2] and 0 not in seen


def test_bulk_grading_isolates_consecutive_students_of_one_worker(tmp_path, course):
    """``dlgrade grade`` (and ``session grade/watch``, which grade through it): one worker grades
    student a then student b; b's file looks, at import, for what a's planted at import."""
    import json

    from dlgrade.bulk.grade_class import grade_class

    prefix, secret, name = markers()
    own = "own" + uuid.uuid4().hex
    planter = _fill(PLANTER, MARK=prefix + secret, KEY=IPC_KEY, NAME=name) + "\nplant()\n"
    seeker = (_fill(SEEKER, PREFIX=prefix, DIGEST=hashlib.sha256(secret.encode()).hexdigest(), LENGTH=len(secret),
                    OWN=own, KEY=IPC_KEY, NAME=name)
              + "\nimport json\nprint('FOUND=' + json.dumps(search()))\n")
    exercise = course.resolve("ex01")
    for student, source in (("a_planter", planter), ("b_seeker", seeker)):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / exercise.file).write_text(source)
    outputs = {}
    grade_class(tmp_path / "class", [exercise], tmp_path / "book.db", jobs=1,
                backend=os.environ.get("DLGRADE_SANDBOX") or None,
                progress=lambda _n, _total, task, result: outputs.__setitem__(task.student, result.output))
    line = next(x for x in outputs["b_seeker"].splitlines() if x.startswith("FOUND="))
    found = json.loads(line[len("FOUND="):])
    assert found["own marker in memory"] >= 1
    assert found["memory"] == 0 and found["files"] == [] and found["sysv objects"] == [] and found["processes"] == []
    assert not any(found[k] for k in ("sysv shm", "sysv msg", "sysv sem", "posix mq", "abstract socket"))


# --------------------------------------------------------------------------- root is not different
def _public_numpy_submodules():
    import importlib
    import pkgutil

    import numpy

    names = []
    for info in pkgutil.iter_modules(numpy.__path__):
        if info.name.startswith("_") or info.name in ("tests", "conftest", "f2py", "distutils", "typing"):
            continue
        try:
            with __import__("warnings").catch_warnings():
                __import__("warnings").simplefilter("ignore")  # numpy.matlib's deprecation
                importlib.import_module(f"numpy.{info.name}")
        except Exception:
            continue  # what does not import here is not expected to import in the child
        names.append(f"numpy.{info.name}")
    return names


def test_every_numpy_submodule_imports_in_the_child_as_in_the_grader(worker):
    names = _public_numpy_submodules()
    assert {"numpy.random", "numpy.fft", "numpy.linalg", "numpy.polynomial", "numpy.ma"} <= set(names)
    source = "import importlib\nNAMES = %r\n" % names + textwrap.dedent('''
        def failures():
            failed = {}
            for name in NAMES:
                try:
                    importlib.import_module(name)
                except BaseException as exc:
                    failed[name] = "%s: %s" % (type(exc).__name__, exc)
            return failed
        ''')
    with Session(worker, source, "imports.py", [], LIMITS) as session:
        assert Student(session).failures() == {}


@pytest.mark.parametrize("header", [
    "import numpy as np\n_rng = np.random.default_rng(0)\n",
    "import numpy as np\nimport numpy.fft\n_spectrum = np.fft.rfft(np.ones(4))\n",
    "import numpy as np\nfrom numpy.polynomial import polynomial as P\n_p = P.polyval(2.0, [1, 2])\n",
    "import numpy as np\nimport numpy.ma as ma\nimport numpy.linalg\n_n = np.linalg.norm(ma.masked_array([3.0, 4.0]))\n",
])
def test_a_correct_file_using_numpy_submodules_at_import_scores_full_marks(grade_file, header):
    from conftest import ROOT

    source = header + (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text()
    result = grade_file("ex05", source)
    assert result.score == result.max_score, [(c.name, c.message) for c in result.checks if c.status != "passed"]


# --------------------------------------------------------------------------- the mechanisms alone
def _in_child(body):
    """Run ``body()`` in a forked child of this process; its return value (a dict) comes back."""
    import json

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            result = body()
        except BaseException as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.mark.skipif(os.getuid() != 0, reason="drops from root to an unprivileged uid first")
def test_an_unprivileged_child_makes_its_own_namespaces_through_a_user_namespace():
    """What a non-root instructor's children do (no uid to change to): a user namespace of
    their own, then the same namespaces and mounts, then no capability at all."""
    from dlgrade.sandbox import zygote

    before = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in ("ipc", "net", "mnt", "user")}

    def body():
        os.setgroups([])
        os.setresgid(65534, 65534, 65534)
        os.setresuid(65534, 65534, 65534)
        zygote._enter_own_world(None, True)
        namespaces = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in ("ipc", "net", "mnt", "user")}
        with open("/proc/self/status") as status:
            caps = {line.split(":")[0]: line.split()[1] for line in status if line.startswith("Cap")}
        written = []
        for folder in ("/tmp", "/dev/shm", "/var/tmp", "/", "/etc", "/usr"):
            try:
                with open(os.path.join(folder, "probe-%d" % os.getpid()), "w"):
                    written.append(folder)
            except OSError:
                pass
        return {"namespaces": namespaces, "caps": caps, "written": written, "tmp": os.listdir("/tmp"),
                "uid": os.getuid()}

    got = _in_child(body)
    assert "error" not in got, got
    assert all(got["namespaces"][k] != before[k] for k in before), got["namespaces"]
    assert got["caps"]["CapEff"] == got["caps"]["CapPrm"] == "0000000000000000"
    assert set(got["written"]) == {"/tmp", "/dev/shm", "/var/tmp"}
    assert len(got["tmp"]) == 1 and got["tmp"][0].startswith("probe-")  # a fresh /tmp: only what it wrote


@pytest.mark.skipif(os.getuid() != 0, reason="creates objects as another uid")
def test_without_namespaces_what_a_uid_left_is_swept():
    """Where a container refuses namespaces, the zygote (root) removes what the finished
    child's uid left in the scratch folders and in System V IPC.  Run here inside private
    IPC and mount namespaces, so that the host's objects and folders are not touched."""
    import ctypes

    from dlgrade.sandbox import zygote

    uid = 4_000_000 + os.getpid() % 1000

    def body():
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.unshare(zygote.CLONE_NEWIPC | zygote.CLONE_NEWNS) == 0
        libc.mount(b"none", b"/", None, zygote.MS_REC | zygote.MS_PRIVATE, None)
        for folder in ("/tmp", "/dev/shm"):
            libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0, b"mode=1777")
        keep = os.open("/tmp/instructors-file", os.O_CREAT | os.O_WRONLY, 0o644)
        os.close(keep)
        child = os.fork()
        if child == 0:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.makedirs("/tmp/left/deeper")
            for path in ("/tmp/left/deeper/f", "/dev/shm/g"):
                with open(path, "w") as handle:
                    handle.write("left behind")
            libc.shmget(0x1234, 4096, 0o1666)
            libc.msgget(0x1235, 0o1666)
            libc.semget(0x1236, 1, 0o1666)
            os._exit(0)
        os.waitpid(child, 0)

        def ipc_rows():
            rows = 0
            for kind in ("shm", "msg", "sem"):
                with open(f"/proc/sysvipc/{kind}") as table:
                    rows += len(table.readlines()) - 1
            return rows

        left = {"files": sorted(os.listdir("/tmp")) + sorted(os.listdir("/dev/shm")), "ipc": ipc_rows()}
        zygote._sweep_uid(uid)
        return {"left": left, "after": {"files": sorted(os.listdir("/tmp")) + sorted(os.listdir("/dev/shm")),
                                        "ipc": ipc_rows()}}

    got = _in_child(body)
    assert "error" not in got, got
    assert got["left"] == {"files": ["instructors-file", "left", "g"], "ipc": 3}  # it was there
    assert got["after"] == {"files": ["instructors-file"], "ipc": 0}


def test_the_workers_of_one_process_never_share_a_uid(monkeypatch):
    from dlgrade.sandbox import worker

    monkeypatch.setattr(worker.os, "getuid", lambda: 0)
    blocks = []
    for slot in range(64):  # dlgrade grade's processes number their workers' slots k * 16 + i
        first, count = (int(n) for n in worker._sandbox_uids(slot).split(":"))
        assert count >= 2
        blocks.append(set(range(first, first + count)))
    assert all(not (a & b) for i, a in enumerate(blocks) for b in blocks[i + 1:])
    assert min(min(b) for b in blocks) > 65535  # never a system or regular user's uid


def test_a_child_whose_session_was_never_closed_ends_before_the_next_starts():
    with Worker(backend="rlimit") as worker:  # host pids: the test can look at the child itself
        first = Session(worker, "import os\ndef pid():\n    return os.getpid()\n", "first.py", [], LIMITS)
        pid = Student(first).pid()
        second = Session(worker, "def f():\n    return 2\n", "second.py", [], LIMITS)
        try:
            assert Student(second).f() == 2
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    state = stat.read().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                state = "gone"
            assert state in ("gone", "Z", "X"), state
        finally:
            second.close()
            first.sock.close()


KEYRING_CALLS = r'''
import ctypes, os
LIBC = ctypes.CDLL(None, use_errno=True)
NUMBERS = {"x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250},
           "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219}}[os.uname().machine]


def calls():
    out = {}
    for name, args in (("add_key", (b"user", b"left-behind", b"data", 4, -3)), ("request_key", (b"user", b"x", None, 0)),
                       ("keyctl", (0, -4, 1))):  # KEYCTL_GET_KEYRING_ID of the uid's keyring, made if missing
        numbers = [NUMBERS[name]] + ([NUMBERS[name] | 0x40000000] if os.uname().machine == "x86_64" else [])
        for number in numbers:  # x86_64: its x32 calls too
            ctypes.set_errno(0)
            result = LIBC.syscall(number, *args)
            out["%s %#x" % (name, number)] = (result, ctypes.get_errno())
    out["getpid"] = LIBC.syscall({"x86_64": 39, "aarch64": 172}[os.uname().machine]) == os.getpid()
    out["uid"] = os.getuid()
    return out
'''


def test_a_child_can_make_no_kernel_key_and_no_keyring_is_made_for_it(worker):
    """Keyrings outlive processes: a child is refused every keyring call (so it leaves none
    for a later child, and none is made for its uid on the host), everything else works."""
    if os.uname().machine not in ("x86_64", "aarch64"):
        pytest.skip("the keyring filter's numbers are written for x86_64 and aarch64")

    def key_users():
        try:
            with open("/proc/key-users") as listing:
                return {line.split(":")[0].strip() for line in listing}
        except OSError:
            return set()

    before = key_users()
    with Session(worker, KEYRING_CALLS, "keys.py", [], LIMITS) as session:
        seen = Student(session).calls()
    assert seen.pop("getpid") is True
    uid = seen.pop("uid")
    assert seen and all(result == (-1, 1) for result in seen.values()), seen  # EPERM, every one
    if os.getuid() == 0:
        assert str(uid) not in key_users() - before, "a keyring was made for the child's uid"


def _run_filter(program, arch, number):
    """What the classic-BPF ``program`` returns for a call (the four instructions it uses)."""
    accumulator, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:  # BPF_LD|BPF_W|BPF_ABS: seccomp_data.nr (0) or .arch (4)
            accumulator = {0: number, 4: arch}[k]
        elif code == 0x54:  # BPF_ALU|BPF_AND|BPF_K
            accumulator &= k
        elif code == 0x15:  # BPF_JMP|BPF_JEQ|BPF_K
            pc += jt if accumulator == k else jf
        elif code == 0x06:  # BPF_RET|BPF_K
            return k
        else:
            raise AssertionError("unexpected instruction %#x" % code)
        pc += 1


def test_the_keyring_filter_refuses_exactly_the_keyring_calls_of_every_architecture():
    from dlgrade.sandbox.zygote import (
        _KEY_SYSCALLS, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, keyring_filter_program,
    )

    refused = SECCOMP_RET_ERRNO | 1
    for machine, table in _KEY_SYSCALLS.items():
        program = keyring_filter_program(table)
        assert len(program) < 64
        for arch, numbers in table.items():
            assert len(numbers) == 3, (machine, arch)
            for number in range(0, 600):
                expected = refused if number in numbers else SECCOMP_RET_ALLOW
                assert _run_filter(program, arch, number) == expected, (machine, hex(arch), number)
        for stranger in (0, 0xC00000B7 if machine == "x86_64" else 0xC000003E, 0x40000028 ^ 1):
            if stranger not in table:
                assert _run_filter(program, stranger, 39) == refused, (machine, hex(stranger))
    x86 = keyring_filter_program(_KEY_SYSCALLS["x86_64"])
    assert _run_filter(x86, 0xC000003E, 0x40000000 | 250) == refused  # x32's keyctl
    assert _run_filter(x86, 0xC000003E, 0x40000000 | 39) == SECCOMP_RET_ALLOW
    assert _run_filter(x86, 0x40000003, 250) == SECCOMP_RET_ALLOW  # 250 is not a keyring call in i386
