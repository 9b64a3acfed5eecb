"""Every check has a Korean title, and `dlgrade check --lang ko` shows it."""

import re

from rich.console import Console

from conftest import ROOT
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.grade_submission import load_grader
from dlgrade.student.feedback import render_check

HANGUL = re.compile(r"[가-힣]")


def test_every_check_has_a_korean_title(course):
    problems = []
    count = 0
    for exercise in course:
        for spec in collect_checks(load_grader(exercise)):
            count += 1
            where = f"{exercise.id} {spec.name}"
            if not spec.title_ko or not spec.title_ko.strip():
                problems.append(f"{where}: no title_ko")
            elif not HANGUL.search(spec.title_ko):
                problems.append(f"{where}: title_ko has no Hangul: {spec.title_ko!r}")
            elif spec.title_ko == spec.title:
                problems.append(f"{where}: title_ko is the English title")
    assert count > 0
    assert problems == []


def test_korean_report_shows_the_korean_titles(course, grade_file):
    exercise = course.resolve("ex05")
    specs = collect_checks(load_grader(exercise))
    result = grade_file("ex05", ROOT / "examples" / "student_conv.py")
    console = Console(record=True, width=200)
    console.print(render_check(result, lang="ko", file="conv.py"))
    text = console.export_text()
    assert [c.name for c in result.checks] == [s.name for s in specs]
    missing = [s.title_ko for s in specs if s.title_ko not in text]
    assert missing == []
