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
    "col.best": {"ko": "최고 점수", "en": "Best"},
    "col.progress": {"ko": "진행", "en": "Progress"},
    "progress.not_started": {"ko": "시작 전", "en": "not started"},
    "progress.in_progress": {"ko": "진행 중", "en": "in progress"},
    "progress.done": {"ko": "완료", "en": "done"},
    "progress.counts": {"ko": "과제 {total}개 중 완료 {done} · 진행 중 {in_progress} · 시작 전 {not_started}",
                        "en": "{done} of {total} exercises done · {in_progress} in progress · "
                              "{not_started} not started"},
    "progress.points": {"ko": "최고 점수 합계: {best:g} / {total:g}점", "en": "Best scores: {best:g} / {total:g} points"},
    "progress.next": {"ko": "다음 과제: {exercise} — {title}  (dlgrade watch {exercise})",
                      "en": "Next: {exercise} — {title}  (dlgrade watch {exercise})"},
    "error.unknown_exercise": {"ko": "{query!r}(이)라는 과제가 없습니다. 과제 목록: {known}",
                               "en": "unknown exercise {query!r}; the exercises are: {known}"},
    "col.student": {"ko": "학생", "en": "student"},
    "col.failed": {"ko": "실패", "en": "failed"},
    "grade.refused": {"ko": "거부됨", "en": "refused"},
    "check.more_failures": {"ko": "… 실패한 검사 {n}개 더: dlgrade check {exercise}에서 모두 볼 수 있습니다",
                            "en": "… {n} more failed checks: dlgrade check {exercise} shows them all"},
    "check.see_hint": {"ko": "→ 힌트 {n}: dlgrade hint {exercise} {n}", "en": "→ hint {n}: dlgrade hint {exercise} {n}"},
    "hint.no_such": {"ko": "{exercise}의 힌트는 {total}개뿐입니다 (요청: {n})",
                     "en": "{exercise} has {total} hints (asked for hint {n})"},
    "watch.header": {"ko": "dlgrade watch — {exercise} {title} · {file} 파일을 저장할 때마다 다시 채점합니다 "
                           "(끝내려면 Ctrl-C)",
                     "en": "dlgrade watch — {exercise} {title} · regrading each time you save {file} "
                           "(Ctrl-C to stop)"},
    "watch.grading": {"ko": "{exercise} 채점 중…", "en": "Grading {exercise}…"},
    "watch.waiting": {"ko": "{file} 파일이 저장되기를 기다리는 중…", "en": "Waiting for {file} to be saved…"},
    "watch.unreadable": {"ko": "채점할 수 없습니다: {problem}. 파일을 저장하면 다시 시도합니다.",
                         "en": "Cannot grade: {problem}. Trying again when the file is saved."},
    "watch.moved": {"ko": "{done} 만점입니다! 다음 과제로 넘어갑니다: {exercise} — {title}",
                    "en": "{done}: full marks! On to the next exercise: {exercise} — {title}"},
    "watch.all_done": {"ko": "모든 과제를 만점으로 마쳤습니다! 🎉", "en": "Every exercise is done with full marks! 🎉"},
    "watch.bye": {"ko": "watch를 마칩니다.", "en": "Stopped watching."},
    "reset.course_source": {
        "ko": "{stub}은(는) 과제의 원본 스텁입니다 (강의 저장소). 학생용 사본에만 되돌릴 원본({pristine})이 있습니다. "
              "원본 상태로 되돌리려면 git checkout -- {stub}",
        "en": "{stub} is the exercise's own stub (this is the course's source repository); only a student copy "
              "has the pristine stub to restore ({pristine}). To undo changes here: git checkout -- {stub}"},
    "reset.unchanged": {"ko": "{file}은(는) 이미 처음 받은 스텁과 같습니다.",
                        "en": "{file} is already the stub as you received it."},
    "reset.restored": {"ko": "{file}을(를) 처음 받은 스텁으로 되돌렸습니다.", "en": "{file} is the stub again."},
    "devcheck.line": {"ko": "✗ {exercise}: {message}\n    고치는 법: {fix}", "en": "✗ {exercise}: {message}\n    fix: {fix}"},
    "devcheck.count": {"ko": "문제 {n}개", "en": "{n} problem(s)"},
    "devcheck.ok": {"ko": "✓ 과제 {n}개: 모든 검사를 통과했습니다", "en": "✓ {n} exercises: all checks passed"},
    "devcheck.stray_folder": {"ko": "{folder}은(는) course.yaml의 어느 과제에도 속하지 않습니다",
                              "en": "{folder} belongs to no exercise in course.yaml"},
    "devcheck.stray_folder.fix": {"ko": "course.yaml에 이 폴더의 항목을 추가하거나 폴더를 지우세요",
                                  "en": "add an entry for it to course.yaml, or remove the folder"},
    "devcheck.statement_missing": {"ko": "{language} 문제 설명이 없거나 비어 있습니다 ({path})",
                                   "en": "the {language} statement is missing or empty ({path})"},
    "devcheck.statement_missing.fix": {"ko": "exercises/{folder}/statement.{language}.md를 작성하세요",
                                       "en": "write exercises/{folder}/statement.{language}.md"},
    "devcheck.no_hints": {"ko": "힌트가 없습니다", "en": "no hints"},
    "devcheck.no_hints.fix": {"ko": "course.yaml의 {folder}에 힌트(ko, en)를 추가하세요",
                              "en": "add hints (ko and en) to {folder} in course.yaml"},
    "devcheck.missing_stub": {"ko": "스텁이 없습니다 ({path})", "en": "the stub is missing ({path})"},
    "devcheck.missing_stub.fix": {"ko": "{path}을(를) 만드세요", "en": "create {path}"},
    "devcheck.missing_solution": {"ko": "참고 답안이 없습니다 ({path})", "en": "the reference solution is missing ({path})"},
    "devcheck.missing_solution.fix": {"ko": "{path}을(를) 만드세요", "en": "create {path}"},
    "devcheck.missing_grader": {"ko": "채점기가 없습니다 ({path})", "en": "the grader is missing ({path})"},
    "devcheck.missing_grader.fix": {"ko": "{path}을(를) 만드세요", "en": "create {path}"},
    "devcheck.no_todo": {"ko": "스텁에 '# TODO:' 표시가 없습니다", "en": "the stub has no '# TODO:' marker"},
    "devcheck.no_todo.fix": {"ko": "학생이 고쳐야 할 곳마다 '# TODO: …'를 다세요",
                             "en": "mark each place the student must change with '# TODO: …'"},
    "devcheck.stub_lacks": {"ko": "답안에는 있는 {names}이(가) 스텁에 없습니다",
                            "en": "the stub lacks {names}, which the solution defines"},
    "devcheck.stub_lacks.fix": {"ko": "계약의 모든 함수와 클래스를 시그니처, 독스트링과 함께 스텁에 넣으세요",
                                "en": "give the stub every function and class of the contract, with its signature "
                                      "and docstring"},
    "devcheck.grader_broken": {"ko": "채점기를 불러올 수 없습니다: {error}", "en": "the grader cannot be loaded: {error}"},
    "devcheck.grader_broken.fix": {"ko": "graders/{folder}/grader.py를 고치세요", "en": "fix graders/{folder}/grader.py"},
    "devcheck.no_public_check": {"ko": "채점기에 공개 검사가 없습니다", "en": "the grader has no public check"},
    "devcheck.no_public_check.fix": {"ko": "강의의 풀이 예제마다 @check를 추가하세요",
                                     "en": "add a @check for each worked example of the lecture"},
    "devcheck.no_hidden_check": {"ko": "채점기에 숨김 검사가 없습니다", "en": "the grader has no hidden check"},
    "devcheck.no_hidden_check.fix": {"ko": "무작위 입력으로 @check(hidden=True) 검사를 추가하세요",
                                     "en": "add @check(hidden=True) checks on random inputs"},
    "devcheck.hint_unknown_check": {"ko": "힌트 #{n}의 checks: {name}은(는) 채점기에 없는 검사입니다",
                                    "en": "hint #{n} lists checks: {name}, which the grader does not have"},
    "devcheck.hint_unknown_check.fix": {"ko": "graders/{folder}/grader.py의 검사 이름 중 하나를 쓰세요 ({names})",
                                        "en": "use one of the check names of graders/{folder}/grader.py ({names})"},
    "devcheck.hint_unknown_mistake": {"ko": "힌트 #{n}의 mistakes: {mistake}은(는) course.yaml의 mistakes:에 없습니다",
                                      "en": "hint #{n} lists mistakes: {mistake}, which is not under mistakes: in "
                                            "course.yaml"},
    "devcheck.hint_unknown_mistake.fix": {"ko": "{folder}의 mistakes:에 {mistake}(ko, en)를 추가하거나 이름을 고치세요",
                                          "en": "add {mistake} (ko and en) under {folder}'s mistakes:, or correct the "
                                                "name"},
    "devcheck.points_mismatch": {"ko": "course.yaml의 배점은 {points:g}점인데 검사 배점의 합은 {total:g}점입니다",
                                 "en": "course.yaml gives {points:g} points but the checks add up to {total:g}"},
    "devcheck.points_mismatch.fix": {"ko": "course.yaml에서 {folder}의 points를 {total:g}(으)로 고치세요",
                                     "en": "set points: {total:g} for {folder} in course.yaml"},
    "devcheck.worked_example_missing": {"ko": "풀이 예제의 값 {number}(docs/exercises.md)이(가) 어느 검사에도 없습니다",
                                        "en": "the worked example's value {number} (docs/exercises.md) appears in no "
                                              "check"},
    "devcheck.worked_example_missing.fix": {"ko": "graders/{folder}/grader.py에 {number}을(를) 기대하는 공개 검사를 "
                                                  "추가하세요",
                                            "en": "add a public check in graders/{folder}/grader.py that expects "
                                                  "{number}"},
    "devcheck.stub_scores": {"ko": "스텁이 {score:g}점을 받습니다 (통과: {passed})",
                             "en": "the stub scores {score:g} (passes {passed})"},
    "devcheck.stub_scores.fix": {"ko": "스텁의 모든 함수가 NotImplementedError를 일으키게 하세요",
                                 "en": "make every stub function raise NotImplementedError"},
    "devcheck.solution_fails": {"ko": "참고 답안이 실패합니다: {failed}", "en": "the reference solution fails {failed}"},
    "devcheck.solution_fails.fix": {"ko": "답안이나 채점기를 고치세요", "en": "fix the solution or the grader"},
    "reset.done": {"ko": "{file}을(를) 처음 받은 스텁으로 되돌렸습니다. 작성하던 코드는 {backup}에 백업했습니다.",
                   "en": "{file} is the stub again; your work is backed up in {backup}."},
})
