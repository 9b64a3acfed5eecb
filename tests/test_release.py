"""The student bundle: nothing hidden leaks into it, and its public checks grade as the full grader does."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SUBMISSIONS, expected_failures, submissions
from dlgrade.bridges.release import build_release, slice_grader
from dlgrade.bridges.replay import Replayer, ReplayMissing
from dlgrade.cli import main
from dlgrade.course import load_course
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.compare import CheckFailed
from dlgrade.grading.oracle import cache_dir
from dlgrade.grading.grade_submission import grade, load_grader, read_submission


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, course, grading_context):
    out = tmp_path_factory.mktemp("release") / "students"
    build_release(course, out, lang="en", context=grading_context)
    return out


@pytest.fixture(scope="module")
def bundle_course(bundle):
    return load_course(bundle)


def bundle_files(bundle: Path):
    return [p for p in bundle.rglob("*") if p.is_file()]


def bundle_texts(bundle: Path):
    return {p: p.read_bytes().decode("utf-8", errors="replace") for p in bundle_files(bundle)}


def run_in_bundle(bundle: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "DLGRADE_HOME": str(bundle), "DLGRADE_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "dlgrade.cli", *args], cwd=bundle, env=env, capture_output=True,
                          text=True, timeout=600)


def test_bundle_holds_no_solution_tests_or_oracle_cache(bundle, course):
    rel = [p.relative_to(bundle).as_posix() for p in bundle_files(bundle)]
    assert not [r for r in rel if r.startswith(("solutions/", "tests/", "benchmarks/", "examples/"))]
    arrays = [r for r in rel if r.endswith((".npy", ".npz"))]
    assert sorted(arrays) == sorted(f"graders/{ex.folder}/recorded.npz" for ex in course)
    cached = {p.name for p in (cache_dir() / "oracle").rglob("*") if p.is_file()}
    assert not cached & {Path(r).name for r in rel}
    for ex in course:
        assert (bundle / "exercises" / ex.folder / ex.file).read_bytes() == ex.stub_path.read_bytes()
        pristine = bundle / ".dlgrade" / "stubs" / ex.folder / ex.file
        assert pristine.read_bytes() == ex.stub_path.read_bytes()
        for lang in ("ko", "en"):
            assert (bundle / "exercises" / ex.folder / f"statement.{lang}.md").is_file()


def _distinctive_lines(path: Path, known: str) -> list[str]:
    """Lines of a solution that say something: long enough, and not in what students are given
    anyway (the stub, the statements, course.yaml's hints)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if len(text) >= 24 and not text.startswith(("#", '"""', "def ", "class ", "import ", "from ")) \
                and text not in known:
            lines.append(text)
    return lines


def test_no_hidden_check_or_solution_line_is_in_the_bundle(bundle, course):
    texts = bundle_texts(bundle)
    everything = "\n".join(texts.values())
    for ex in course:
        specs = collect_checks(load_grader(ex))
        hidden = [s for s in specs if s.hidden]
        assert hidden
        for spec in hidden:
            assert spec.name not in everything, f"{ex.id}: hidden check {spec.name} leaked"
        public_grader = texts[bundle / "graders" / ex.folder / "grader.py"]
        for spec in specs:
            assert (f"def {spec.name}(" in public_grader) == (not spec.hidden)
        known = (ROOT / "course.yaml").read_text(encoding="utf-8") + ex.stub_path.read_text(encoding="utf-8") + "".join(
            ex.statement_path(lang).read_text(encoding="utf-8") for lang in ("ko", "en"))
        lines = _distinctive_lines(ex.solution_path, known)
        assert len(lines) >= 3, f"{ex.id}: too few distinctive lines to test with"
        leaked = [line for line in lines if line in everything]
        assert leaked == [], f"{ex.id}: solution lines in the bundle: {leaked}"


def test_bundle_pyproject_does_not_need_tensorflow(bundle):
    text = (bundle / "pyproject.toml").read_text(encoding="utf-8")
    assert "tensorflow" not in text
    assert '"numpy>=' in text and "[project.scripts]" in text


def test_check_in_the_bundle_passes_a_correct_solution_and_names_the_hidden_checks(bundle, course):
    ex = course.resolve("ex05")
    correct = next((SUBMISSIONS / ex.folder / "correct").glob("*.py"))
    done = run_in_bundle(bundle, "check", "ex05", "--file", str(correct))
    assert done.returncode == 0, done.stdout + done.stderr
    hidden = [s for s in collect_checks(load_grader(ex)) if s.hidden]
    points = sum(s.points for s in hidden)
    assert f"{len(hidden)} hidden check(s) worth {points:g} points" in " ".join(done.stdout.split())
    ko = run_in_bundle(bundle, "check", "ex05", "--file", str(correct), "--lang", "ko")
    assert f"숨은 검사 {len(hidden)}개({points:g}점)" in " ".join(ko.stdout.split())


def test_check_in_the_bundle_fails_a_mutant_on_its_public_checks(bundle, course, grade_file):
    mutant = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
    done = run_in_bundle(bundle, "check", "ex05", "--file", str(mutant), "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    failed = {c["name"] for c in result["checks"] if c["status"] != "passed"}
    public = {s.name for s in collect_checks(load_grader(course.resolve("ex05"))) if not s.hidden}
    assert set(expected_failures(mutant)) & public <= failed
    full = grade_file("ex05", mutant, only=sorted(public))
    assert failed & public == {c.name for c in full.checks if not c.passed}
    assert "convolution, not the cross-correlation" in next(c["message"] for c in result["checks"]
                                                            if c["name"] == "lecture_correlate_valid")
    assert {c["visibility"] for c in result["checks"] if c["name"] in public} == {"public"}
    assert {c["visibility"] for c in result["checks"] if c["name"] not in public} == {"self"}  # no hidden check


@pytest.mark.parametrize("folder,path", submissions("mutants"))
def test_public_checks_in_the_bundle_grade_every_mutant_as_the_full_grader(bundle_course, course, grading_context,
                                                                           folder, path):
    ex, mine = course.resolve(folder), bundle_course.resolve(folder)
    public = [s.name for s in collect_checks(load_grader(ex)) if not s.hidden]
    source = read_submission(path)
    full = grade(ex, source, context=grading_context, only=public)
    replayed = grade(mine, source, context=grading_context)
    assert [c.to_dict() for c in replayed.checks if c.visibility != "self"] == [c.to_dict() for c in full.checks]


@pytest.mark.parametrize("exercise_id", [ex.id for ex in load_course(ROOT)])
def test_every_stub_scores_zero_in_the_bundle(bundle_course, grading_context, exercise_id):
    ex = bundle_course.resolve(exercise_id)
    result = grade(ex, read_submission(ex.stub_path), context=grading_context)
    assert result.checks and result.score == 0


def test_replay_refuses_a_question_it_was_not_asked(bundle):
    reference = Replayer(bundle / "graders" / "ex02_backprop").root("reference")
    import numpy as np

    with pytest.raises(ReplayMissing, match="could not be finished in the student bundle") as raised:
        reference.forward(np.zeros(2), np.eye(2), np.eye(2))
    assert isinstance(raised.value, CheckFailed)  # the check fails with this message; the tool does not crash
    recorded = Replayer(bundle / "graders" / "ex02_backprop").root("reference")
    h, o = recorded.forward(np.array([0.1, 0.2]), np.array([[0.3, 0.25], [0.4, 0.35]]),
                            np.array([[0.45, 0.4], [0.7, 0.6]]))
    np.testing.assert_allclose(o, [0.60944600, 0.66384491], atol=5e-9)  # the lecture's values


def test_slicing_keeps_public_checks_and_only_what_they_use():
    source = '''"""Grader: hidden checks use SECRET_SHAPES."""
import numpy as np
from dlgrade.grading import check

LECTURE = np.array([1, 2])
SECRET_SHAPES = (3, 4)


def shared(x):
    return x + 1


def only_hidden(rng):
    return rng.normal(size=SECRET_SHAPES)


@check(points=1)
def lecture(student):
    shared(LECTURE)


@check(points=2, hidden=True)
def secret(student, rng):
    shared(only_hidden(rng))
'''
    sliced = slice_grader(source, "ex99")
    assert sliced.public == ("lecture",) and sliced.hidden == (("secret", 2.0),)
    for gone in ("SECRET_SHAPES", "only_hidden", "def secret", "hidden checks use"):
        assert gone not in sliced.source
    for kept in ("import numpy as np", "LECTURE = np.array", "def shared", "def lecture"):
        assert kept in sliced.source
    compile(sliced.source, "grader.py", "exec")


def test_release_writes_a_zip_and_replaces_only_an_earlier_bundle(tmp_path):
    out = tmp_path / "students"
    env = {"DLGRADE_HOME": str(ROOT)}
    first = CliRunner().invoke(main, ["release", str(out), "--zip", "--lang", "en"], env=env)
    assert first.exit_code == 0, first.output
    import zipfile

    with zipfile.ZipFile(tmp_path / "students.zip") as archive:
        names = archive.namelist()
    assert "students/graders/ex05_correlate2d/grader.py" in names and "students/.dlgrade/bundle.json" in names
    assert not [n for n in names if "/solutions/" in n or "/tests/" in n]
    again = CliRunner().invoke(main, ["release", str(out), "--lang", "en"], env=env)
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["release", str(out), "--force", "--lang", "en"], env=env).exit_code == 0


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["release", str(tmp_path), "--lang", "en"], env={"DLGRADE_HOME": str(ROOT)})
    assert result.exit_code == 2 and "not empty" in result.output
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    inside = CliRunner().invoke(main, ["release", str(ROOT / "solutions" / "x")], env={"DLGRADE_HOME": str(ROOT)})
    assert inside.exit_code == 2 and "solutions/" in inside.output
    forced = CliRunner().invoke(main, ["release", str(tmp_path), "--force", "--lang", "en"],
                                env={"DLGRADE_HOME": str(ROOT)})
    assert forced.exit_code == 2 and (tmp_path / "mine.txt").exists()  # --force replaces only a bundle


def test_dev_check_in_the_bundle_points_to_the_course_repository(bundle):
    done = run_in_bundle(bundle, "dev", "check", "--quick")
    assert done.returncode == 2 and "student bundle" in done.stderr


def test_the_bundle_is_an_installable_package(bundle, tmp_path):
    copy = shutil.copytree(bundle, tmp_path / "students")  # building writes into the folder
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                           "--quiet", "-w", str(tmp_path)], cwd=copy, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("dlgrade-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "dlgrade/cli.py" in names and "Requires-Dist: numpy" in metadata and "tensorflow" not in metadata


def test_a_check_the_slicer_cannot_see_is_refused_not_shipped():
    """A check inside a top-level try (or if, with…) would ship whole: slicing refuses."""
    from dlgrade.bridges.release import ReleaseError, slice_grader

    source = ("from dlgrade.grading import check\n\n"
              "try:\n"
              "    @check(points=1, hidden=True)\n"
              "    def secret(student):\n"
              "        assert student.f() == 42\n"
              "except ImportError:\n"
              "    pass\n")
    with pytest.raises(ReleaseError, match="line 3"):
        slice_grader(source, "ex99")


def test_a_recorded_object_passed_by_keyword_reaches_the_reference_itself():
    from dlgrade.bridges.replay import Recorder

    class Box:
        def __init__(self, v):
            self.v = v

    class Reference:
        def make(self, v):
            return Box(v)

        def double(self, box=None):
            if not isinstance(box, Box):
                raise TypeError(f"expected a Box, got {type(box).__name__}")
            return 2 * box.v

    reference = Recorder().root(Reference(), "reference")
    box = reference.make(3)
    assert reference.double(box) == 6
    assert reference.double(box=box) == 6


def test_a_local_result_never_says_full_marks_while_hidden_checks_wait(bundle, course):
    ex = course.resolve("ex05")
    correct = next((SUBMISSIONS / ex.folder / "correct").glob("*.py"))
    hidden = [s for s in collect_checks(load_grader(ex)) if s.hidden]
    points = sum(s.points for s in hidden)
    english = " ".join(run_in_bundle(bundle, "check", "ex05", "--file", str(correct)).stdout.split())
    korean = " ".join(run_in_bundle(bundle, "check", "ex05", "--file", str(correct), "--lang", "ko").stdout.split())
    for text in (english, korean):
        assert "만점" not in text and "full marks" not in text.lower()
        assert "All checks passed" not in text and "모든 검사를 통과했습니다" not in text
    assert "The public checks and self-checks all passed" in english
    assert f"the exercise is worth {ex.points:g} points at grading" in english
    assert f"{len(hidden)} hidden check(s) worth {points:g} points" in english
    assert "공개 검사와 자가 검사를 모두 통과했습니다" in korean and f"숨은 검사 {len(hidden)}개({points:g}점)" in korean
    done = run_in_bundle(bundle, "check", "ex05", "--file", str(correct), "--json")
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert result["score"] == result["max_score"] == ex.points - points
    assert result["complete"] is False
    assert result["pending"] == {"hidden_checks": len(hidden), "hidden_points": points,
                                 "max_score_at_grading": ex.points}
    assert {c["visibility"] for c in result["checks"]} == {"public", "self"}


def test_what_loses_points_at_grading_mostly_fails_at_home_too(bundle_course, course, grading_context):
    from dlgrade.bridges.home_coverage import home_outcomes

    outcomes = home_outcomes(course, grading_context, bundle_course=bundle_course)
    assert {o.exercise for o in outcomes} == {ex.id for ex in course}
    assert len(outcomes) >= 50  # every test mutant loses points at grading
    missed = [f"{o.exercise}/{o.mutant}" for o in outcomes if not o.caught]
    assert sum(o.caught for o in outcomes) >= 0.9 * len(outcomes), missed
    public = {ex.id: {s.name for s in collect_checks(load_grader(ex)) if not s.hidden} for ex in course}
    by_self_checks_only = [o for o in outcomes if o.caught and not set(o.failed_at_home) & public[o.exercise]]
    assert by_self_checks_only  # the self-checks catch what the public checks alone do not


def test_status_list_and_watch_in_the_bundle_say_the_hidden_checks_are_still_to_come(bundle, course, tmp_path):
    mine = tmp_path / "bundle"
    shutil.copytree(bundle, mine)
    ex = course.resolve("ex05")
    hidden = [s for s in collect_checks(load_grader(ex)) if s.hidden]
    points = sum(s.points for s in hidden)
    shutil.copy(ex.solution_path, mine / "exercises" / ex.folder / ex.file)
    assert run_in_bundle(mine, "check", "ex05").returncode == 0
    status = json.loads(run_in_bundle(mine, "status", "--json").stdout)
    assert status["status"]["ex05"] == "public_passed" and status["done"] == 0
    assert status["pending_points"] == points and status["next"] == "ex01"
    listed = {e["id"]: e for e in json.loads(run_in_bundle(mine, "list", "--json").stdout)}
    assert listed["ex05"]["status"] == "public_passed" and listed["ex05"]["best"] == ex.points - points
    text = " ".join(run_in_bundle(mine, "status").stdout.split())
    assert f"1 exercise(s) pass every check that runs here; their hidden checks ({points:g} points) run at grading" \
        in text


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux (apt-get install tmux)")
def test_watch_in_the_bundle_moves_on_without_claiming_full_marks(bundle, course, tmp_path):
    from test_watch import Terminal

    mine = tmp_path / "bundle"
    shutil.copytree(bundle, mine)
    ex = course.resolve("ex05")
    hidden = [s for s in collect_checks(load_grader(ex)) if s.hidden]
    shutil.copy(ex.solution_path, mine / "exercises" / ex.folder / ex.file)
    env = {"DLGRADE_HOME": str(mine), "DLGRADE_LANG": "en", "TERM": "xterm-256color"}
    term = Terminal(f"{sys.executable} -m dlgrade.cli watch ex05", env)
    try:
        screen = term.wait_for(f"ex05: the public checks and self-checks pass ({len(hidden)} hidden checks, "
                               f"{sum(s.points for s in hidden):g} points, run at grading). On to the next exercise: "
                               "ex06", "dlgrade watch — ex06")
        assert "full marks" not in screen
        term.keys("C-c")
        term.wait_for("WATCH-EXIT=0")
    finally:
        term.close()


def test_the_bundle_has_no_instructor_commands(bundle):
    helped = run_in_bundle(bundle, "--help")
    assert helped.returncode == 0 and "Student commands:" in helped.stdout
    assert "Instructor commands" not in helped.stdout
    for name in ("grade", "release", "session", "export", "report"):
        assert f"  {name} " not in helped.stdout
        refused = run_in_bundle(bundle, name, "anything", "--lang", "ko")
        assert refused.returncode == 2
        assert f"dlgrade {name}은(는) 강사용 명령이라 학생용 배포본에는 없습니다" in refused.stderr


def test_the_bundle_readme_guides_in_korean_and_english(bundle, course):
    text = (bundle / "README.md").read_text(encoding="utf-8")
    korean, english = text.split("## Guide in English")
    for part in (korean, english):
        assert "Anaconda Prompt" in part and "Colab" in part and "pip install -e ." in part
        for command in ("dlgrade check ex01", "dlgrade hint ex01", "dlgrade watch", "dlgrade submit"):
            assert command in part, command
    assert "## 한국어 안내" in korean and "숨은 검사" in korean and "제출" in korean
    hidden = sum(len([s for s in collect_checks(load_grader(ex)) if s.hidden]) for ex in course)
    assert f"The {hidden} **hidden checks**" in english
    assert 'cd "F:\\텐서플로우 수업자료\\students"' in text  # quoted: Korean letters and a space
