"""dlgrade similarity on a synthetic class of ex05: independent correct solutions are not
flagged; a renamed, reformatted, commented and reordered copy is; the stub counts for nothing."""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT

from dlgrade.cli import main

HERE = Path(__file__).resolve().parent
STUB = (ROOT / "exercises" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
LOOPS = (HERE / "similarity" / "loops.py").read_text(encoding="utf-8")
DISGUISED = (HERE / "similarity" / "loops_disguised.py").read_text(encoding="utf-8")
MATMUL = (HERE / "similarity" / "gather_matmul.py").read_text(encoding="utf-8")
WINDOWS = (HERE / "submissions" / "ex05_correlate2d" / "correct" / "sliding_windows.py").read_text(encoding="utf-8")
REFERENCE = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
ENV = {"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def synthetic_class(tmp_path_factory) -> Path:
    """Four independent correct solutions (three keep the stub's docstrings, as students
    do), a disguised copy of one of them (in a zip), two students who handed in the stub
    itself, one with nothing, and a hostile id."""
    folder = tmp_path_factory.mktemp("class")
    files = {"kim": STUB + "\n" + LOOPS, "lee": STUB + "\n" + MATMUL, "park": WINDOWS, "choi": REFERENCE,
             "jung": STUB, "kang": STUB + "\n# 아직 못 했어요\n", "<script>x\x1b[31m": STUB + "\n" + MATMUL}
    for student, source in files.items():
        (folder / student).mkdir()
        (folder / student / "conv.py").write_text(source, encoding="utf-8")
    with zipfile.ZipFile(folder / "yoon.zip", "w") as archive:
        archive.writestr("hw5/ex05_correlate2d/conv.py", DISGUISED)
    (folder / "han").mkdir()
    return folder


def test_copy_is_flagged_and_independent_solutions_are_not(synthetic_class, course):
    from dlgrade.bulk.collect import collect
    from dlgrade.reporting.similarity import find_similar

    ex = course.resolve("ex05")
    report = find_similar(collect(synthetic_class, [ex]), ex)
    flagged = {frozenset((p.student_a, p.student_b)) for p in report.pairs}
    # lee and the hostile id both handed in MATMUL: a copy too.
    assert flagged == {frozenset(("kim", "yoon")), frozenset(("lee", "<script>x\x1b[31m"))}
    copy = next(p for p in report.pairs if {p.student_a, p.student_b} == {"kim", "yoon"})
    assert min(copy.share_a, copy.share_b) > 0.9
    assert {"jung", "kang", "han"} <= set(report.not_compared)  # the stub alone, or nothing
    assert report.students == 6  # kim, lee, park, choi, yoon and the hostile id


def test_no_independent_pair_comes_near_the_threshold(course):
    from dlgrade.reporting.similarity import DEFAULT_THRESHOLD, compare_sources

    independent = {"loops": STUB + LOOPS, "matmul": STUB + MATMUL, "windows": WINDOWS, "reference": REFERENCE}
    report = compare_sources(independent, stub=STUB, threshold=0.0)
    assert len(report.pairs) == 6
    assert max(p.score for p in report.pairs) < DEFAULT_THRESHOLD - 0.15


def test_scores_are_the_same_in_every_process():
    import subprocess
    import sys

    code = ("from pathlib import Path; from dlgrade.reporting.similarity import compare_sources; "
            f"r = compare_sources({{'a': Path({str(HERE / 'similarity' / 'loops.py')!r}).read_text(), "
            f"'b': Path({str(HERE / 'similarity' / 'gather_matmul.py')!r}).read_text()}}, threshold=0.0); "
            "print(r.pairs[0].share_a, r.pairs[0].share_b)")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (1, 2, 3)}
    assert len(runs) == 1


def test_the_stubs_code_is_never_a_match():
    from dlgrade.reporting.similarity import compare_sources

    with_stub = compare_sources({"a": STUB + LOOPS, "b": STUB + MATMUL}, stub=STUB, threshold=0.0)
    without = compare_sources({"a": LOOPS, "b": MATMUL}, stub=STUB, threshold=0.0)
    assert with_stub.pairs[0].score == pytest.approx(without.pairs[0].score, abs=0.05)
    unstubbed = compare_sources({"a": STUB + LOOPS, "b": STUB + MATMUL}, threshold=0.0)
    assert unstubbed.pairs[0].shared_tokens > with_stub.pairs[0].shared_tokens + 100  # the stub's code shared
    # Two students who handed in the stub are identical, and that means nothing.
    assert compare_sources({"a": STUB, "b": STUB + "\n# 모르겠어요\n"}, threshold=0.0).pairs[0].score == 1.0
    alike = compare_sources({"a": STUB, "b": STUB + "\n# 모르겠어요\n"}, stub=STUB, threshold=0.0)
    assert alike.pairs == [] and alike.not_compared == ["a", "b"]


def test_cli_json_and_html(synthetic_class, tmp_path):
    out = tmp_path / "similar.html"
    result = CliRunner().invoke(main, ["similarity", str(synthetic_class), "--exercises", "ex05", "--json",
                                       "--html", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    pairs = {tuple(p["students"]): p for p in report["pairs"]}
    assert ("kim", "yoon") in pairs and pairs[("kim", "yoon")]["score"] > 0.9
    regions = pairs[("kim", "yoon")]["regions"]
    assert regions[0] and regions[1]
    page = out.read_text(encoding="utf-8")
    assert page.count("<mark>") >= 4 and "<script>" not in page and html.escape("<script>x") in page
    assert "def correlate2d(img, k" in page.replace("<mark>", "").replace("</mark>", "")  # yoon's own file
    text = CliRunner().invoke(main, ["similarity", str(synthetic_class), "--exercises", "ex05"], env=ENV)
    assert text.exit_code == 0 and "kim — yoon" in text.stdout and "\x1b" not in text.stdout
    ko = CliRunner().invoke(main, ["similarity", str(synthetic_class), "--exercises", "ex05", "--lang", "ko"],
                            env=ENV)
    assert "유사도" in ko.stdout


def test_cli_usage_errors(tmp_path):
    missing = CliRunner().invoke(main, ["similarity", str(tmp_path / "none"), "--exercises", "ex05"], env=ENV)
    assert missing.exit_code == 2
    unknown = CliRunner().invoke(main, ["similarity", str(tmp_path), "--exercises", "ex99"], env=ENV)
    assert unknown.exit_code == 2
