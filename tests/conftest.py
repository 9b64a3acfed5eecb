import os
from pathlib import Path

import pytest

from dlgrade.course import load_course
from dlgrade.grading.oracle import Oracle
from dlgrade.bridges.release import grade_in_bundles
from dlgrade.grading.grade_submission import GradingContext, grade, read_submission

# Exercises of a student bundle built by a test are graded as the bundle's `dlgrade check` grades them.
grade_in_bundles()

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="session")
def course():
    return load_course(ROOT)


@pytest.fixture(scope="session")
def grading_context():
    """One warm sandbox worker and one oracle cache for the whole test run."""
    with GradingContext.create(oracle=Oracle()) as context:
        yield context


@pytest.fixture(scope="session")
def grade_file(course, grading_context):
    """grade_file("ex05", path_or_source, seed=0) -> ExerciseResult."""
    def run(exercise_id, submission, seed=0, **kwargs):
        exercise = course.resolve(exercise_id)
        source = read_submission(submission) if isinstance(submission, Path) else submission
        return grade(exercise, source, seed=seed, context=grading_context, **kwargs)

    return run


def expected_failures(path: Path) -> list[str]:
    """The checks a mutant must fail, from its '# expect-fail: a, b' line."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-fail:"):
            return [name.strip() for name in line.split(":", 1)[1].split(",") if name.strip()]
    raise AssertionError(f"{path} has no '# expect-fail:' line")


def submissions(kind: str):
    """(exercise folder, file) pairs under tests/submissions/<folder>/<kind>/."""
    found = []
    for folder in sorted(SUBMISSIONS.glob(f"*/{kind}")):
        for path in sorted(folder.glob("*.py")):
            found.append(pytest.param(folder.parent.name, path, id=f"{folder.parent.name}/{path.stem}"))
    return found


requires_bwrap = pytest.mark.skipif(
    os.environ.get("DLGRADE_SANDBOX") in ("rlimit", "portable") or not __import__("shutil").which("bwrap"),
    reason="needs bubblewrap (apt-get install bubblewrap); absent or DLGRADE_SANDBOX=rlimit/portable")
#: for what only the zygote's sandbox does (a process between the grader and the student's
#: code, fork per submission): the portable backend (DLGRADE_SANDBOX=portable) runs the
#: code as a direct child of the grading process, which that code could end
requires_zygote = pytest.mark.skipif(os.environ.get("DLGRADE_SANDBOX") == "portable",
                                     reason="the zygote's sandbox only (DLGRADE_SANDBOX=portable)")


def make_student_root(target: Path) -> Path:
    """A student's copy of the course in ``target``: course.yaml, exercises/, graders/,
    solutions/, and the pristine stubs in .dlgrade/stubs/ (as a release bundle holds them)."""
    from dlgrade.course import load_course

    shutil = __import__("shutil")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "course.yaml", target / "course.yaml")
    for tree in ("exercises", "graders", "solutions"):
        shutil.copytree(ROOT / tree, target / tree, ignore=shutil.ignore_patterns("__pycache__"))
    for ex in load_course(target):
        ex.pristine_stub_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ex.stub_path, ex.pristine_stub_path)
    return target


@pytest.fixture
def student_root(tmp_path, monkeypatch):
    """A student's copy of the course, with DLGRADE_HOME pointing at it."""
    root = make_student_root(tmp_path / "course")
    monkeypatch.setenv("DLGRADE_HOME", str(root))
    return root


def descendants(pid: int) -> list[int]:
    """Every process below pid in the process tree (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def load_copy(path: Path, name: str):
    """A fresh copy of the module at ``path`` under its own name: a test may change it, or
    hold its state, without touching the copy that grading loads."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
