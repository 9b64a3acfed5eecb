"""Every message the CLI prints, in Korean and English.

``say(key, lang, **fields)`` looks a message up; a test checks that every key
exists in both languages.
"""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, dict[str, str]] = {
    "col.number": {"ko": "#", "en": "#"},
    "col.exercise": {"ko": "과제", "en": "Exercise"},
    "col.title": {"ko": "제목", "en": "Title"},
    "col.points": {"ko": "배점", "en": "Points"},
    "col.check": {"ko": "검사", "en": "Check"},
    "col.kind": {"ko": "종류", "en": "Kind"},
    "col.score": {"ko": "점수", "en": "Score"},
    "col.status": {"ko": "결과", "en": "Result"},
    "col.file": {"ko": "파일", "en": "File"},
    "visibility.public": {"ko": "공개", "en": "public"},
    "visibility.hidden": {"ko": "숨김", "en": "hidden"},
    "status.passed": {"ko": "통과", "en": "passed"},
    "status.failed": {"ko": "실패", "en": "failed"},
    "status.error": {"ko": "오류", "en": "error"},
    "status.timeout": {"ko": "시간 초과", "en": "timeout"},
    "status.forbidden": {"ko": "금지됨", "en": "forbidden"},
    "check.title": {"ko": "{exercise} 채점 결과 — {file}", "en": "{exercise} results — {file}"},
    "check.score": {"ko": "점수: {score:g} / {max_score:g}", "en": "Score: {score:g} / {max_score:g}"},
    "check.all_passed": {"ko": "모든 검사를 통과했습니다! 🎉", "en": "All checks passed! 🎉"},
    "check.some_failed": {"ko": "통과하지 못한 검사가 있습니다. 아래 설명을 확인하세요.",
                          "en": "Some checks did not pass; see below."},
    "check.hint_pointer": {"ko": "막히면: dlgrade hint {exercise}", "en": "Stuck? dlgrade hint {exercise}"},
    "check.output": {"ko": "코드가 출력한 내용 (앞부분)", "en": "What your code printed (start)"},
    "check.seed": {"ko": "숨김 검사 시드: {seed}", "en": "hidden checks' seed: {seed}"},
    "check.likely": {"ko": "예상되는 실수", "en": "Likely mistake"},
    "sandbox.insecure": {
        "ko": "경고: bubblewrap(bwrap)이 없어 네임스페이스 없이 자원 제한만으로 실행합니다. "
              "설치: sudo apt-get install bubblewrap",
        "en": "warning: bubblewrap (bwrap) is not available, so student code runs with resource limits "
              "only, without namespaces. Install it: sudo apt-get install bubblewrap"},
    "hint.none": {"ko": "{exercise}에는 힌트가 없습니다.", "en": "{exercise} has no hints."},
    "hint.header": {"ko": "힌트 {n}/{total} — {exercise}", "en": "Hint {n}/{total} — {exercise}"},
    "hint.more": {"ko": "다음 힌트: dlgrade hint {exercise} (다시 실행)",
                  "en": "Next hint: run dlgrade hint {exercise} again"},
    "hint.last": {"ko": "마지막 힌트입니다. 처음부터 보려면 --reset", "en": "That was the last hint; --reset to start over"},
    "list.title": {"ko": "과제 목록", "en": "Exercises"},
    "list.total": {"ko": "총점 {points:g}점", "en": "{points:g} points in all"},
    "error.missing_file": {"ko": "파일이 없습니다: {path}", "en": "file not found: {path}"},
    "error.statement_missing": {"ko": "{exercise}의 문제 설명이 없습니다 ({path})",
                                "en": "{exercise} has no statement ({path})"},
}


def detect_language() -> str:
    """ko or en, from DLGRADE_LANG or the locale (LC_ALL, LC_MESSAGES, LANG)."""
    explicit = os.environ.get("DLGRADE_LANG", "").lower()
    if explicit in ("ko", "en"):
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "ko" if code.lower().startswith("ko") else "en"


def say(key: str, lang: str, **fields) -> str:
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text

MESSAGES.update({
    "feedback.not_submitted": {"ko": "제출하지 않았습니다.", "en": "Not submitted."},
    "feedback.refused": {"ko": "제출 파일을 열 수 없어 채점하지 않았습니다 (안전하지 않은 압축 파일).",
                         "en": "The submission could not be opened safely and was not graded."},
    "grade.needs_bwrap": {
        "ko": "일괄 채점은 bubblewrap 샌드박스가 필요합니다. 설치: sudo apt-get install bubblewrap "
              "(격리 없이 실행하려면 --insecure)",
        "en": "bulk grading needs the bubblewrap sandbox: install it with sudo apt-get install bubblewrap "
              "(or pass --insecure to grade without namespaces)"},
    "grade.progress": {"ko": "채점 중", "en": "Grading"},
    "grade.summary": {"ko": "채점 요약", "en": "Summary"},
    "grade.mean": {"ko": "평균", "en": "mean"},
    "grade.median": {"ko": "중앙값", "en": "median"},
    "grade.submitted": {"ko": "제출", "en": "submitted"},
    "grade.failures": {"ko": "많이 실패한 검사", "en": "Checks failed most"},
    "grade.counts": {"ko": "학생 {students}명 · 채점 {graded} · 변경 없음(건너뜀) {skipped} · 미제출 {missing} · 거부 {refused}"
                           " · {seconds:.1f}초",
                     "en": "{students} students · {graded} graded · {skipped} unchanged (skipped) · "
                           "{missing} not submitted · {refused} refused · {seconds:.1f} s"},
    "grade.total": {"ko": "합계", "en": "total"},
    "grade.feedback_written": {"ko": "피드백 파일 {n}개: {folder}", "en": "{n} feedback files in {folder}"},
    "export.written": {"ko": "{path}에 저장했습니다", "en": "written to {path}"},
})

MESSAGES.update({
    "gradescope.summary": {"ko": "{exercise}: {score:g}/{max_score:g}점 (숨은 검사 시드 {seed})",
                           "en": "{exercise}: {score:g}/{max_score:g} points (hidden checks' seed {seed})"},
    "gradescope.load_failed": {
        "ko": "제출한 파일을 불러오지 못해서 어떤 검사도 실행하지 못했습니다:\n{message}\n"
              "먼저 내 컴퓨터에서 dlgrade check로 이 오류를 고친 뒤 다시 제출하세요.",
        "en": "Your file could not be loaded, so no check could run:\n{message}\n"
              "Fix this first with dlgrade check on your own computer, then submit again."},
    "gradescope.rlimit": {
        "ko": "이 채점 컨테이너에서는 bubblewrap 격리를 쓸 수 없어 자원 제한만 걸고 코드를 실행했습니다.",
        "en": "bubblewrap cannot run in this grading container: your code ran under resource limits only."},
    "gradescope.missing": {
        "ko": "제출물에서 {file} 파일을 찾지 못했습니다 (찾은 파이썬 파일: {seen}). 과제 파일을 {file} 이름 그대로 제출하세요.",
        "en": "No {file} was found in your submission (Python files found: {seen}). Submit the exercise's file, "
              "named {file}."},
    "gradescope.nothing": {"ko": "없음", "en": "none"},
    "gradescope.graded_file": {"ko": "채점한 파일: {path}", "en": "Graded file: {path}"},
    "gradescope.tool_failed": {
        "ko": "여러분의 코드가 아니라 자동 채점기 자체에 문제가 생겼습니다. 담당 강사에게 알려 주세요.",
        "en": "The autograder itself failed (not your code). Please tell your instructor."},
    "export.gradescope_written": {
        "ko": "{exercise}의 Gradescope 자동 채점기를 {path}에 만들었습니다. 과제의 autograder로 업로드하세요.",
        "en": "Gradescope autograder for {exercise} written to {path}: upload it as the assignment's autograder."},
    "export.no_results": {"ko": "{db}에 채점 결과가 없습니다. 먼저 dlgrade grade를 실행하세요.",
                          "en": "{db} holds no results yet; run dlgrade grade first."},
    "release.hidden_pending": {
        "ko": "숨은 검사 {n}개({points:g}점)는 이 배포본에 없으며 채점할 때 실행됩니다.",
        "en": "{n} hidden check(s) worth {points:g} points are not in this bundle: they run at grading time."},
    "release.written": {
        "ko": "학생용 배포본을 {path}에 만들었습니다: 과제 {exercises}개, 공개 검사 {public}개 (숨은 검사와 해답은 빠져 있습니다).",
        "en": "Student bundle written to {path}: {exercises} exercises, {public} public checks "
              "(no hidden checks, no solutions)."},
    "release.dev_check_in_bundle": {
        "ko": "여기는 학생용 배포본이라 해답과 숨은 검사가 없습니다. dlgrade dev check는 과정 저장소에서 실행하세요.",
        "en": "this is a student bundle, without solutions or hidden checks: run dlgrade dev check in the course "
              "repository."},
    "release.not_empty": {
        "ko": "{path}가 이미 있고 비어 있지 않습니다. 새 폴더를 지정하거나 --force로 덮어쓰세요.",
        "en": "{path} exists and is not empty: choose a new folder or pass --force to replace it."},
    "release.inside_course": {
        "ko": "배포본 폴더 {path}가 과정 폴더 안의 exercises/, solutions/, graders/ 또는 dlgrade/ 안에 있습니다. 다른 곳을 지정하세요.",
        "en": "{path} is inside the course's exercises/, solutions/, graders/ or dlgrade/: choose a folder elsewhere."},
})
