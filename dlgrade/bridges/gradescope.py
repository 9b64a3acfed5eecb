"""Gradescope: the results.json rendering of a result, and the autograder bundle.

Gradescope runs ``/autograder/run_autograder`` in a Docker container (Ubuntu, as root)
after ``setup.sh`` has installed what it needs; the student's files are in
``/autograder/submission`` and the grade must be written to
``/autograder/results/results.json``::

    {"score": 16.0, "execution_time": 3, "output": "...", "visibility": "visible",
     "stdout_visibility": "hidden",
     "tests": [{"name": "...", "number": "1", "score": 1.0, "max_score": 1.0,
                "status": "passed" | "failed", "output": "...", "visibility": "visible"}]}

Hidden checks are ``after_published``: students see them once the instructor publishes
the grades, with the same messages as in every other rendering (which never hold a
hidden check's expected values).  ``$DLGRADE_AUTOGRADER_ROOT`` replaces ``/autograder``,
so the bundle can be run anywhere (the tests run it in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
import zipfile
from pathlib import Path

from dlgrade.bulk.identity import student_id
from dlgrade.course import Course, Exercise
from dlgrade.inert import clean
from dlgrade.messages import say
from dlgrade.results import CheckResult, ExerciseResult

ROOT_ENV = "DLGRADE_AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
CONFIG_FILE = "gradescope.json"  #: in the bundle: which exercise, language, seed salt
VISIBILITY = {"public": "visible", "hidden": "after_published"}
GRADESCOPE_STATUS = {"passed": "passed"}  #: every other status is "failed" on Gradescope


def results_json(result: ExerciseResult, *, output: str = "", execution_time: float | None = None,
                 lang: str = "en") -> dict:
    """Gradescope's results.json for one exercise: one test per check."""
    tests = []
    for number, check in enumerate(result.checks, 1):
        text = check.message if not check.passed else ""
        if check.status not in ("passed", "failed"):
            text = f"[{check.status}] {text}".rstrip()
        tests.append({"name": f"{check.name}: {check.title}" if check.title else check.name,
                      "number": str(number), "score": check.score, "max_score": check.max_score,
                      "status": GRADESCOPE_STATUS.get(check.status, "failed"), "output": text,
                      "visibility": VISIBILITY[check.visibility]})
    data = {"score": result.score, "output": output or _summary(result, lang), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}
    if execution_time is not None:
        data["execution_time"] = max(0, int(round(execution_time)))
    return data


def _summary(result: ExerciseResult, lang: str) -> str:
    lines = [say("gradescope.summary", lang, exercise=result.exercise, score=result.score,
                 max_score=result.max_score, seed=result.seed)]
    errors = [c for c in result.checks if c.status == "error"]
    if result.checks and len(errors) == len(result.checks) and len({c.message for c in errors}) == 1:
        lines.append(say("gradescope.load_failed", lang, message=errors[0].message))
    if result.sandbox == "rlimit":
        lines.append(say("gradescope.rlimit", lang))
    lines.extend(result.notes)
    return "\n".join(lines)


def not_graded(exercise: Exercise, message: str, seed: int) -> ExerciseResult:
    """Every check of the exercise at 0 with ``message`` (the file is missing): the
    gradebook still sees each check and the points it was worth."""
    from dlgrade.grading.checks import collect_checks
    from dlgrade.grading.grade_submission import load_grader

    checks = [CheckResult(name=s.name, visibility=s.visibility, status="error", score=0.0, max_score=s.points,
                          message=message, title=s.title) for s in collect_checks(load_grader(exercise))]
    return ExerciseResult(exercise=exercise.id, seed=seed, checks=checks, grader_version=exercise.grader_version())


# ----------------------------------------------------------------------------- finding the file
def take_submission(folder: Path, exercise: Exercise):
    """The upload in ``folder`` as the intake reads it (a StudentSubmission): the same rules as
    bulk grading, plus the only Python file or notebook handed in when no name matches."""
    from dlgrade.bulk.collect import read_entry

    return read_entry(folder, [exercise], student="", shown="", sole_file=True)


# ----------------------------------------------------------------------------- running in the container
def _student_id(root: Path) -> str | None:
    """The submitter's id as the intake reads a student's folder name (NFC, stripped, readable
    text; see dlgrade.bulk.identity.student_id), so that a student's hidden inputs are the
    same here as in ``dlgrade grade``: the first of Gradescope's sid, email and name that
    names someone, or None."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        user = (meta.get("users") or [{}])[0]
        named = (student_id(str(user.get(key) or "")) for key in ("sid", "email", "name"))
        return next((student for student in named if student), None)
    except (OSError, ValueError, AttributeError, IndexError, TypeError):
        return None


def run_autograder(root: Path) -> dict:
    """Grade ``root/submission`` with the bundle in ``root/source`` and write
    ``root/results/results.json``; always writes one, whatever happens."""
    started = time.monotonic()
    results_file = root / "results" / "results.json"
    results_file.parent.mkdir(parents=True, exist_ok=True)
    lang = "en"
    try:
        from dlgrade.bulk.grade_class import student_seed
        from dlgrade.course import load_course
        from dlgrade.grading.grade_submission import DEFAULT_SEED, grade

        config = json.loads((root / "source" / CONFIG_FILE).read_text(encoding="utf-8"))
        lang = config.get("lang", "en")
        exercise = load_course(root / "source").resolve(config["exercise"])
        student = _student_id(root)
        seed = student_seed(student, exercise.id, config.get("seed_salt", "")) if student else DEFAULT_SEED
        taken = take_submission(root / "submission", exercise)
        found = taken.files.get(exercise.id)
        source, where = (found.source, found.path) if found else (None, "")
        seen = sorted(s.path for s in taken.skipped if s.path.lower().endswith((".py", ".ipynb")))
        if source is None:
            message = say("gradescope.missing", lang, file=exercise.file,
                          seen=", ".join(seen) if seen else say("gradescope.nothing", lang))
            if taken.notes:  # a refused archive, a file too large: say why
                message += "\n" + "\n".join(n.text(lang) for n in taken.notes)
            result = not_graded(exercise, message, seed)
            output = message
        else:
            result = grade(exercise, source, seed=seed)
            output = (say("gradescope.graded_file", lang, path=where) + "\n" + _summary(result, lang))
        data = results_json(result, output=output, execution_time=time.monotonic() - started)
    except BaseException:  # the tool broke (MemoryError, RecursionError, …): still a valid results.json, worth 0
        # The traceback quotes graders and solutions: it goes to stdout, which students never see.
        _print_safely(traceback.format_exc())
        data = _tool_failed(lang, started)
    try:
        text = json.dumps(clean_strings(data), indent=1)  # ASCII: valid whatever the messages hold
    except BaseException:
        _print_safely(traceback.format_exc())
        data = _tool_failed(lang, started)
        text = json.dumps(data, indent=1)
    partial = results_file.with_name(".results.json.tmp")  # renamed: never a symlink followed, never half a file
    partial.unlink(missing_ok=True)
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, results_file)
    return data


def _tool_failed(lang: str, started: float) -> dict:
    return {"score": 0.0, "execution_time": int(time.monotonic() - started), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [], "output": say("gradescope.tool_failed", lang)}


def _print_safely(text: str) -> None:
    try:
        print(clean(text, None).encode("ascii", "backslashreplace").decode("ascii"))
    except BaseException:
        pass  # nowhere to say it: results.json is what counts


def clean_strings(value):
    """``value`` (JSON data) with every string made encodable (lone surrogates → U+FFFD)."""
    if isinstance(value, str):
        return clean(value, None)
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_strings(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the dlgrade Gradescope autograder.")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT))
    args = parser.parse_args(argv)
    data = run_autograder(args.root)
    print(f"score {data['score']:g}; results written to {args.root / 'results' / 'results.json'}")
    return 0


# ----------------------------------------------------------------------------- building the bundle
SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image, when the autograder is built.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-pip bubblewrap >/dev/null || apt-get install -y -qq python3 python3-pip
# The package with its dependencies (NumPy, SciPy; grading needs no TensorFlow).
python3 -m pip install --quiet --break-system-packages . 2>/dev/null || python3 -m pip install --quiet .
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope copies this file to /autograder/run_autograder and runs it for each submission.
# It always writes $ROOT/results/results.json (score 0 and a message when the file is missing).
ROOT="${DLGRADE_AUTOGRADER_ROOT:-/autograder}"
# Gradescope runs this as root; student code runs as an unprivileged uid (see dlgrade's sandbox):
# without bubblewrap's private filesystem, file permissions are what keeps it out of the
# graders, the reference solution and the submission folder.
chmod -R go-rwx "$ROOT/source" "$ROOT/submission" || exit 1
mkdir -p "$ROOT/results" && chmod 700 "$ROOT/results" || exit 1
[ ! -e "$ROOT/submission_metadata.json" ] || chmod go-rwx "$ROOT/submission_metadata.json" || exit 1
cd "$ROOT/source" || exit 1
export DLGRADE_HOME="$ROOT/source" OPENBLAS_NUM_THREADS=1
exec "${DLGRADE_PYTHON:-python3}" -m dlgrade.bridges.gradescope --root "$ROOT"
"""

BUNDLE_README = """# dlgrade autograder for {exercise}

Upload this zip as a Gradescope programming assignment's autograder (Ubuntu base image).
Students submit `{file}` (in any folder). `setup.sh` installs the package; `run_autograder`
grades with the same checks as `dlgrade check` and writes results.json. Hidden checks are
shown to students after the grades are published.
"""


def tree_files(folder: Path) -> list[tuple[Path, str]]:
    """(file, its path below ``folder``) for every file there, compiled caches left out."""
    return [(path, path.relative_to(folder).as_posix()) for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.relative_to(folder).parts and path.suffix != ".pyc"]


def package_files(repo: Path) -> list[tuple[Path, str]]:
    """(file, name in a bundle) for the dlgrade package and pyproject.toml."""
    return [(repo / "pyproject.toml", "pyproject.toml")] + [
        (path, f"dlgrade/{name}") for path, name in tree_files(repo / "dlgrade")]


def package_root() -> Path:
    """The folder holding the dlgrade package (and pyproject.toml) in use."""
    return Path(__file__).resolve().parent.parent.parent


def build_autograder(course: Course, exercise: Exercise, out: Path, *, lang: str = "en",
                     seed_salt: str = "") -> Path:
    """Write the Gradescope autograder zip for one exercise to ``out``."""
    files = package_files(package_root())
    files += [(course.root / "course.yaml", "course.yaml"),
              (exercise.grader_path, exercise.grader_path.relative_to(course.root).as_posix()),
              (exercise.solution_path, exercise.solution_path.relative_to(course.root).as_posix())]
    if exercise.stub_path.is_file():  # the stub as handed out: a .py equal to it is not the work
        files.append((exercise.stub_path, exercise.stub_path.relative_to(course.root).as_posix()))
    texts = {"setup.sh": SETUP_SH, "run_autograder": RUN_AUTOGRADER,
             "README.md": BUNDLE_README.format(exercise=exercise.folder, file=exercise.file),
             CONFIG_FILE: json.dumps({"exercise": exercise.id, "lang": lang, "seed_salt": seed_salt}, indent=1) + "\n"}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if name in ("setup.sh", "run_autograder") else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
        for path, name in files:
            archive.write(path, name)
    shutil.move(partial, out)
    return out


if __name__ == "__main__":
    sys.exit(main())
