"""The student's commands where Windows' pieces are missing, and on consoles that cannot
encode every character.

Each command runs in a subprocess whose Python has been made to lack what Windows
lacks (a ``sitecustomize`` on its path): ``resource``, ``fcntl``, ``termios``,
``pwd`` and ``grp`` cannot be imported, and ``os.fork``, ``os.setsid``, ``os.killpg``,
``socket.AF_UNIX``, descriptor passing, uids, ``pread``/``pwrite`` and ``memfd_create``
are gone — in the command's process and, through the same code put before the
``-c`` program of every ``python -I`` it starts, in the sandbox process too.  An
import or call of any of them makes the command fail, and so the test.  The sandbox
is not named: it must be chosen because fork and Unix sockets are missing.
(This simulates what is absent on Windows; it is not Windows.)
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, make_student_root

#: What Windows lacks, taken away from a Linux Python.
WINDOWS_SHIM = textwrap.dedent('''
    import importlib.abc as _abc, os as _os, socket as _socket, sys as _sys
    _MISSING = ("resource", "fcntl", "termios", "pwd", "grp")
    class _NotOnWindows(_abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in _MISSING:
                raise ModuleNotFoundError("No module named %r (simulated Windows)" % name, name=name)
            return None
    _sys.meta_path.insert(0, _NotOnWindows())
    for _name in _MISSING:
        _sys.modules.pop(_name, None)
    for _name in ("fork", "forkpty", "setsid", "setpgid", "getpgid", "killpg", "getuid", "geteuid", "getgid",
                  "setuid", "setgid", "setresuid", "setresgid", "setgroups", "memfd_create", "pread", "pwrite",
                  "register_at_fork"):
        if hasattr(_os, _name):
            delattr(_os, _name)
    for _name in ("AF_UNIX", "send_fds", "recv_fds", "sendmsg", "recvmsg"):
        if hasattr(_socket, _name):
            delattr(_socket, _name)
''')

#: The sitecustomize of the simulated command: the shim, and the shim again in front of the
#: program of every isolated interpreter (``python -I … -c PROGRAM``) it starts.
SITECUSTOMIZE = WINDOWS_SHIM + textwrap.dedent('''
    import subprocess as _subprocess
    _SHIM = %r
    _original_init = _subprocess.Popen.__init__
    def _init(self, args, *rest, **kwargs):
        if isinstance(args, (list, tuple)) and "-I" in args and "-c" in args:
            args = list(args)
            at = args.index("-c") + 1
            args[at] = _SHIM + "\\n" + args[at]
        _original_init(self, args, *rest, **kwargs)
    _subprocess.Popen.__init__ = _init
''') % WINDOWS_SHIM


@pytest.fixture
def windowsish(tmp_path):
    """(environment, course root): a student's course under a folder with Korean characters
    and spaces, and a Python without Windows' missing pieces."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    root = make_student_root(tmp_path / "텐서플로우 수업자료" / "동영상 컨텐츠")
    env = {k: v for k, v in os.environ.items() if k not in ("DLGRADE_SANDBOX", "PYTHONPATH", "DLGRADE_LANG")}
    env.update({"PYTHONPATH": os.pathsep.join([str(shim), str(ROOT)]), "DLGRADE_HOME": str(root),
                "PYTHONIOENCODING": "utf-8", "COLUMNS": "250"})  # wide: long paths on one line
    return env, root


def dlgrade(env, *args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dlgrade.cli", *args], env=env, cwd=cwd, capture_output=True,
                          timeout=600)


def flat(output: str) -> str:
    return " ".join(output.split())


def text(completed) -> str:
    return completed.stdout.decode("utf-8") + completed.stderr.decode("utf-8")


def test_the_shim_takes_away_what_windows_lacks(windowsish):
    env, _root = windowsish
    probe = ("import importlib, os, socket\n"
             "missing = []\n"
             "for name in ('resource', 'fcntl', 'termios', 'pwd'):\n"
             "    try:\n"
             "        importlib.import_module(name)\n"
             "    except ImportError:\n"
             "        missing.append(name)\n"
             "missing += [n for n in ('fork', 'setsid', 'killpg') if not hasattr(os, n)]\n"
             "missing += [n for n in ('AF_UNIX',) if not hasattr(socket, n)]\n"
             "print(','.join(missing))\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "resource,fcntl,termios,pwd,fork,setsid,killpg,AF_UNIX"
    # and in the isolated interpreter the sandbox starts
    done = subprocess.run([sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-I', "
                           "'-S', '-c', 'import os; print(hasattr(os, \"fork\"))'])"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip() == "False"


def test_student_commands_run_without_windows_missing_pieces(windowsish):
    env, root = windowsish
    env = dict(env, DLGRADE_LANG="en")

    listed = dlgrade(env, "list", "--json")
    assert listed.returncode == 0, text(listed)
    assert [e["id"] for e in json.loads(listed.stdout)][:2] == ["ex01", "ex02"]

    shown = dlgrade(env, "show", "ex01")
    assert shown.returncode == 0, text(shown)
    assert "perceptron" in text(shown)

    hint = dlgrade(env, "hint", "ex01")
    assert hint.returncode == 0, text(hint)
    assert "Hint 1/" in text(hint)

    stub_check = dlgrade(env, "check", "ex01")
    assert stub_check.returncode == 1, text(stub_check)
    assert "NotImplementedError" in text(stub_check)
    assert "(no bubblewrap)" in flat(stub_check.stderr.decode())  # the portable sandbox was chosen

    stub = root / "exercises" / "ex01_perceptron" / "perceptron.py"
    stub.write_text((ROOT / "solutions" / "ex01_perceptron" / "perceptron.py").read_text(encoding="utf-8"),
                    encoding="utf-8")
    solved = dlgrade(env, "check", "ex01", "--json")
    assert solved.returncode == 0, text(solved)
    result = json.loads(solved.stdout)
    assert result["sandbox"] == "portable"
    assert result["score"] == result["max_score"] > 0

    mutant = next(iter(sorted((SUBMISSIONS / "ex05_correlate2d" / "mutants").glob("*.py"))))
    wrong = dlgrade(env, "check", "ex05", "--file", str(mutant), "--json")
    assert wrong.returncode == 1, text(wrong)
    wrong_result = json.loads(wrong.stdout)
    assert 0 < wrong_result["score"] < wrong_result["max_score"]

    status = dlgrade(env, "status", "--json")
    assert status.returncode == 0, text(status)
    assert "ex01" in status.stdout.decode()

    reset = dlgrade(env, "reset", "ex01")
    assert reset.returncode == 0, text(reset)
    assert "NotImplementedError" in stub.read_text(encoding="utf-8")


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux (apt-get install tmux)")
def test_watch_grades_without_windows_missing_pieces(windowsish):
    from test_watch import Terminal

    env, root = windowsish
    keep = {k: env[k] for k in ("PYTHONPATH", "DLGRADE_HOME", "PYTHONIOENCODING")}
    term = Terminal(f"{sys.executable} -m dlgrade.cli watch ex01", dict(keep, DLGRADE_LANG="en",
                                                                         TERM="xterm-256color"))
    try:
        first = term.wait_for("dlgrade watch — ex01", "Score: 0 /", "Waiting for")
        assert "NotImplementedError" in first
        assert "(no bubblewrap)" in flat(first)
    finally:
        term.close()


ENCODINGS = ["cp949", "cp437", "ascii"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_console_that_cannot_encode_gets_plain_forms(encoding, windowsish):
    env, root = windowsish
    env = dict(env, PYTHONIOENCODING=encoding)
    submission = root.parent / "conv.py"  # …/텐서플로우 수업자료/conv.py
    submission.write_text((ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8"),
                          encoding="utf-8")
    for lang in ("en", "ko"):
        done = dlgrade(env, "check", "ex05", "--file", str(submission), "--lang", lang)
        out = done.stdout.decode(encoding)  # decodes: nothing unencodable was written
        err = done.stderr.decode(encoding)
        assert done.returncode == 0, out + err
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        assert "\u2014" not in out and "\u2713" not in out and "\U0001f389" not in out
        title = "results - " if lang == "en" else " - "  # the em dash of the title, plain
        assert title in out
        assert "OK " in out  # the ✓ of each passed check
        if lang == "en":
            assert "All checks passed!" in out
        if encoding == "cp949":  # Korean itself is encodable there, and kept
            assert str(submission) in out
            if lang == "ko":
                assert "모든 검사를 통과했습니다!" in out


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_help_and_usage_errors_on_a_console_that_cannot_encode(encoding, windowsish):
    env, _root = windowsish
    env = dict(env, PYTHONIOENCODING=encoding)
    done = dlgrade(env, "--help")
    assert done.returncode == 0, done.stderr.decode(encoding, errors="replace")
    if encoding == "ascii":
        # click writes its help as UTF-8 where the stream claims ASCII (a misconfigured
        # locale, in its view): no error, but not our plain forms either
        assert "dlgrade — exercises and grading" in done.stdout.decode("utf-8")
    else:
        assert "dlgrade - exercises and grading" in done.stdout.decode(encoding)
    wrong = dlgrade(dict(env, DLGRADE_LANG="ko"), "check", "ex99")
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr.decode(encoding, errors="replace")


def test_a_path_with_korean_characters_and_spaces(windowsish):
    env, root = windowsish
    folder = Path("/tmp") / "텐서플로우 수업자료" / "동영상 컨텐츠"
    folder.mkdir(parents=True, exist_ok=True)
    submission = folder / "conv.py"
    submission.write_text((ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8"),
                          encoding="utf-8")
    done = dlgrade(env, "check", "ex05", "--file", str(submission), "--lang", "ko", cwd=folder)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, out + done.stderr.decode("utf-8")
    assert str(submission) in out
    assert "점수: 22 / 22" in out


def test_plain_forms():
    from dlgrade.console import plain

    assert plain("ex05 results — conv.py ✓ 🎉 …") == "ex05 results - conv.py OK  ..."
    assert plain("텐서플로우 수업자료") == "텐서플로우 수업자료"


def test_the_error_handler_never_raises():
    from dlgrade.console import ERRORS

    encoded = "점수 — ✓ 🎉 \u2603 x".encode("ascii", errors=ERRORS)
    assert encoded == b"?? - OK   x"
    assert "점수 — ✓".encode("cp949", errors=ERRORS) == "점수 - OK".encode("cp949")


def test_the_student_bundle_checks_without_windows_missing_pieces(tmp_path, course, grading_context):
    """What students install (``dlgrade release``), in a folder with Korean characters and
    spaces, run with its own copy of the package where Windows' pieces are missing."""
    from dlgrade.bridges.release import build_release

    bundle = tmp_path / "텐서플로우 수업자료" / "동영상 컨텐츠" / "TF2-AI-main"
    build_release(course, bundle, lang="ko", context=grading_context)
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DLGRADE_SANDBOX", "PYTHONPATH", "DLGRADE_HOME")}
    env.update({"PYTHONPATH": os.pathsep.join([str(shim), str(bundle)]), "PYTHONIOENCODING": "cp949",
                "DLGRADE_LANG": "ko", "COLUMNS": "250"})
    where = subprocess.run([sys.executable, "-c", "import dlgrade; print(dlgrade.__file__)"], env=env, cwd=bundle,
                           capture_output=True, timeout=120)
    assert where.stdout.decode("cp949").strip() == str(bundle / "dlgrade" / "__init__.py")

    stub = dlgrade(env, "check", "ex05", cwd=bundle)
    out = stub.stdout.decode("cp949")
    assert stub.returncode == 1, out + stub.stderr.decode("cp949")
    assert "NotImplementedError" in out

    mutant = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
    (bundle / "exercises" / "ex05_correlate2d" / "conv.py").write_text(mutant.read_text(encoding="utf-8"),
                                                                       encoding="utf-8")
    wrong = dlgrade(env, "check", "ex05", "--json", cwd=bundle)
    assert wrong.returncode == 1, wrong.stderr.decode("cp949")
    result = json.loads(wrong.stdout.decode("cp949"))
    assert result["sandbox"] == "portable" and result["score"] < result["max_score"]

    (bundle / "exercises" / "ex05_correlate2d" / "conv.py").write_text(
        (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8"), encoding="utf-8")
    right = dlgrade(env, "check", "ex05", cwd=bundle)
    out = right.stdout.decode("cp949")
    assert right.returncode == 0, out + right.stderr.decode("cp949")
    assert "UnicodeEncodeError" not in right.stderr.decode("cp949")
