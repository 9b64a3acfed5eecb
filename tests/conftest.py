import os
from pathlib import Path

import pytest

from dlgrade.course import load_course
from dlgrade.grading.oracle import Oracle
from dlgrade.grading.runner import GradingContext, grade, read_submission

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
    os.environ.get("DLGRADE_SANDBOX") == "rlimit" or not __import__("shutil").which("bwrap"),
    reason="needs bubblewrap (apt-get install bubblewrap); absent or DLGRADE_SANDBOX=rlimit")
