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
    "visibility.public": {"ko": "공개 검사", "en": "public"},
    "visibility.hidden": {"ko": "숨은 검사", "en": "hidden"},
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
    "check.seed": {"ko": "숨은 검사 시드: {seed}", "en": "hidden checks' seed: {seed}"},
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


# The sandbox: isolation between students, bounded replies.
MESSAGES.update({
    "sandbox.files_without_bwrap": {
        "ko": "bubblewrap 없이는 학생 코드가 자신만의 네임스페이스 없이 실행되고, 커널에 Landlock(Linux 5.13 이상)도 없으면 "
              "이 컴퓨터에서 누구나 읽을 수 있는 파일(과제 폴더, 채점기, 다른 학생의 제출물)을 읽을 수 있습니다.",
        "en": "Without bubblewrap, student code runs without namespaces of its own and, where the kernel has no "
              "Landlock either (Linux 5.13+), can read every file that anyone may read on this machine (the "
              "course, its graders, other students' submissions)."},
})


# Trust: tool errors as results, identity, encodings, inert output, the trusted process.
MESSAGES.update({
    "feedback.not_a_function": {
        "ko": "{name}은(는) 함수가 아닙니다: {file}에서 {name}이(가) {what}입니다 (def {name}(…):로 정의하세요)",
        "en": "{name} is not a function: in {file}, {name} is {what} (define it with def {name}(…):)"},
    "feedback.not_a_class": {
        "ko": "{name}은(는) 클래스가 아닙니다: {file}에서 {name}이(가) {what}입니다 (class {name}:로 정의하세요)",
        "en": "{name} is not a class: in {file}, {name} is {what} (define it with class {name}:)"},
    "source.notebook_too_many_values": {
        "ko": "{file} 노트북에 JSON 값이 {limit}개보다 많습니다 (대부분 셀 출력이나 메타데이터). 셀 출력을 지우고"
              "(Kernel → Restart & Clear Output) 다시 저장하세요.",
        "en": "{file} holds more than {limit} JSON values (mostly cell outputs or metadata). Clear the cells' "
              "outputs (Kernel → Restart & Clear Output) and save it again."},
    "status.tool-error": {"ko": "채점 도구 오류", "en": "tool error"},
    "trust.internal_error": {
        "ko": "dlgrade 내부 오류입니다 (여러분의 코드 탓이 아닙니다). 이미 채점된 결과는 채점부에 저장되어 있습니다. "
              "자세한 내용: {path} — 강사나 개발자에게 알려 주세요.",
        "en": "dlgrade itself failed (not your code). Results already graded are saved in the gradebook. "
              "Details: {path} — please tell your instructor or the developers."},
    "trust.no_course": {
        "ko": "과목을 지정하세요: --course 폴더 또는 DLGRADE_COURSE 환경 변수 (채점 명령은 현재 폴더에서 찾은 "
              "course.yaml을 쓰지 않습니다).",
        "en": "say which course to grade with: --course DIR or the DLGRADE_COURSE environment variable (grading "
              "commands never use a course.yaml found in the current folder)."},
    "trust.course_in_submissions": {
        "ko": "과목 {course}이(가) 제출물 폴더 {folder} 안에 있습니다. 학생이 다루는 폴더의 course.yaml, 채점기, "
              "정답은 쓰지 않습니다. --course로 강사의 과목 폴더를 지정하세요.",
        "en": "the course {course} is inside the submissions folder {folder}: students control that folder, so "
              "its course.yaml, graders and solutions are never used. Give your own course with --course DIR."},
    "trust.too_large": {"ko": "{path}: 파일이 {limit} MiB보다 커서 채점하지 않았습니다. 과제의 소스 파일 하나만 내세요.",
                        "en": "{path}: the file is larger than {limit} MiB and was not graded; submit only the "
                              "exercise's source file."},
    "trust.render_failed": {"ko": "결과를 화면에 보여 주지 못했습니다 (채점 도구 오류). 점수: {score:g} / {max_score:g}. "
                                  "강사에게 알려 주세요.",
                            "en": "The result could not be shown (a tool error). Score: {score:g} / {max_score:g}. "
                                  "Please tell your instructor."},
    "report.help.tool-error": {"ko": "{exercise}: 채점 도구 오류 (강사 확인 필요)",
                               "en": "{exercise}: the grading tool failed (instructor to check)"},
})


# Graders: types, diagnoses, statement coverage.
MESSAGES.update({
    "feedback.wrong_type": {"ko": "값은 맞지만 자료형이 틀렸습니다: {got} 대신 {kind}({want})를 돌려주세요",
                            "en": "right value, wrong type: return {kind} ({want}), not {got}"},
})

#: The graders' fixed feedback phrases in Korean (pattern, replacement), applied by
#: localize_feedback after FEEDBACK_KO's.
GRADERS_FEEDBACK_KO: tuple[tuple[str, str], ...] = (
    (r"^right value, wrong type: return an int \(and shapes as tuples of ints\)$",
     r"값은 맞지만 타입이 다릅니다: int를 돌려주세요 (형상은 int로 된 튜플)"),
    (r"the float (\S+) \(np\.ceil and / give floats: use // or int\(\.\.\.\)\)$",
     r"실수 \1 (np.ceil과 /는 실수를 돌려줍니다: //나 int(...)를 쓰세요)"),
    (r"the NumPy integer (.+) \(wrap it in int\(\.\.\.\)\)$", r"NumPy 정수 \1 (int(...)로 감싸세요)"),
    (r": the bool (\S+)$", r": bool 값 \1"),
    (r", layer (\d+): the shape (.+) is not a tuple of ints$", r", \1번 층: 형상 \2이(가) int로 된 튜플이 아닙니다"),
    (r", layer (\d+): the parameter count is ", r", \1번 층: 파라미터 수가 "),
    (r"^  … and (\d+) more$", r"  … 그 밖에 \1개"),
    (r": no number came back: (.+)$", r": 숫자가 돌아오지 않았습니다: \1"),
    (r": got (.+) \(NaN or infinity\), not a count$", r": 받은 값 \1은(는) NaN 또는 무한대로, 개수가 아닙니다"),
    (r": returned (.+) instead of raising ValueError \(an impossible configuration must not be rounded or answered "
     r"with 0\)$", r": ValueError를 일으키지 않고 \1을(를) 돌려주었습니다 (불가능한 설정을 반올림하거나 0으로 답하면 안 됩니다)"),
    (r": returned (.+) instead of raising ValueError: in 'valid' mode one of x and w must be at least as large as "
     r"the other on every axis$",
     r": ValueError를 일으키지 않고 \1을(를) 돌려주었습니다: 'valid'에서는 x와 w 중 하나가 모든 축에서 다른 쪽 이상이어야 합니다"),
    (r"^(\S+) gives a wrong result \(its own checks say how\), so leaving the inputs unchanged earns nothing yet$",
     r"\1의 결과가 틀렸으므로 (어떻게 다른지는 그 함수의 검사가 알려 줍니다) 입력을 바꾸지 않은 것만으로는 아직 점수가 없습니다"),
    (r"^(.+) \(another path to (\S+)\) is not allowed in this exercise$",
     r"\1 (\2로 가는 다른 경로)은(는) 이 과제에서 쓸 수 없습니다"),
)


# The portable sandbox and consoles that cannot print every character (Windows).
MESSAGES.update({
    "sandbox.unknown_backend": {
        "ko": "DLGRADE_SANDBOX={name}: 알 수 없는 샌드박스입니다. 다음 중 하나를 쓰세요: {known}",
        "en": "DLGRADE_SANDBOX={name}: unknown sandbox; use one of {known}"},
    "sandbox.backend_unavailable": {
        "ko": "DLGRADE_SANDBOX={name}: 이 컴퓨터에는 fork와 Unix 소켓이 없어 쓸 수 없습니다 (Windows). "
              "DLGRADE_SANDBOX를 지우거나 portable로 두세요",
        "en": "DLGRADE_SANDBOX={name} needs fork and Unix sockets, which this computer lacks (Windows); "
              "unset DLGRADE_SANDBOX or set it to portable"},
    "sandbox.portable": {
        "ko": "참고: 이 컴퓨터에서는 코드를 별도 프로세스에서 시간·메모리 제한만 두고 실행합니다 (bubblewrap 없음). "
              "강사의 채점은 Linux의 bubblewrap 샌드박스에서 합니다.",
        "en": "note: your code runs in a separate process with time and memory limits only (no bubblewrap); "
              "the instructor grades in the bubblewrap sandbox on Linux."},
})


# Notebooks as submissions, and checking from inside Jupyter or Colab.
MESSAGES.update({
    # Files read as Python reads them (PEP 263); the English text is what a result stores.
    "source.not_utf8_guess": {
        "ko": "{file} 파일이 UTF-8이 아닙니다 ({line}번째 줄부터 읽을 수 없음). 한국어 Windows에서 저장한 {encoding} "
              "인코딩으로 보입니다. 편집기에서 UTF-8로 다시 저장하거나(VS Code: '인코딩하여 저장' → UTF-8, 메모장: "
              "다른 이름으로 저장 → 인코딩 UTF-8), 파일 첫 줄에 # -*- coding: cp949 -*- 를 쓰세요.",
        "en": "{file} is not UTF-8 (unreadable from line {line}): it looks like {encoding}, as Korean Windows "
              "saves it. Save it again as UTF-8 in the editor (VS Code: Save with Encoding → UTF-8; Notepad: "
              "Save as → Encoding UTF-8), or make its first line # -*- coding: cp949 -*-"},
    "source.not_utf8": {
        "ko": "{file} 파일이 UTF-8이 아니고 인코딩 선언도 없습니다 ({line}번째 줄부터 읽을 수 없음). 편집기에서 UTF-8로 "
              "다시 저장하거나, 파일 첫 줄에 # -*- coding: <인코딩> -*- 를 쓰세요.",
        "en": "{file} is not UTF-8 and has no coding line (unreadable from line {line}). Save it again as UTF-8 "
              "in the editor, or declare its encoding in the first line: # -*- coding: <encoding> -*-"},
    "source.not_declared_encoding": {
        "ko": "{file} 파일은 {encoding} 인코딩이라고 선언했지만 {line}번째 줄을 {encoding}(으)로 읽을 수 없습니다. "
              "파일을 UTF-8로 저장하고 coding 줄을 지우세요.",
        "en": "{file} declares the encoding {encoding}, but line {line} is not {encoding}. Save the file as "
              "UTF-8 and remove the coding line."},
    "source.bad_coding_line": {
        "ko": "{file} 파일의 인코딩 선언을 Python이 받아들이지 않습니다 ({problem}). 파일을 UTF-8로 저장하고 "
              "coding 줄을 지우세요.",
        "en": "Python does not accept the encoding declared in {file} ({problem}). Save the file as UTF-8 and "
              "remove the coding line."},
    "source.unreadable": {"ko": "{file} 파일을 읽을 수 없습니다.", "en": "{file} cannot be read."},
    # A notebook handed in.
    "source.notebook_not_utf8": {
        "ko": "{file} 파일은 노트북(JSON, UTF-8)이 아닙니다. Jupyter나 Colab에서 다시 저장하세요.",
        "en": "{file} is not a notebook (JSON in UTF-8). Save it again from Jupyter or Colab."},
    "source.notebook_invalid": {
        "ko": "{file} 파일을 노트북으로 읽을 수 없습니다 ({problem}). Jupyter, VS Code나 Colab에서 열어 다시 저장하세요.",
        "en": "{file} cannot be read as a notebook ({problem}). Open it in Jupyter, VS Code or Colab and save "
              "it again."},
    "source.notebook_too_large": {
        "ko": "{file} 노트북이 {mib} MiB보다 큽니다. 셀 출력을 지우고(Kernel → Restart & Clear Output) 다시 "
              "저장하세요.",
        "en": "{file} is larger than {mib} MiB. Clear the cells' outputs (Kernel → Restart & Clear Output) and "
              "save it again."},
    "source.kernel_unsendable": {
        "ko": "{name}({kind})은(는) 함수 밖에서 만든 값이라 채점으로 보낼 수 없습니다. 함수 안에서 만들거나 숫자·문자열 "
              "같은 리터럴로 정의하세요.",
        "en": "{name} (a {kind}) is a value made outside any function, which cannot be sent to grading: create it "
              "inside the function, or define it as a literal (numbers, strings, tuples)."},
    "source.kernel_missing": {
        "ko": "노트북에 아직 정의되지 않은 것: {names}. 해당 셀을 실행했는지 확인하세요.",
        "en": "not defined in the notebook yet: {names}. Did you run the cells that define them?"},
    "notebook.no_course": {
        "ko": "과정 폴더(course.yaml이 있는 폴더)를 찾지 못했습니다 ({problem}; 현재 폴더: {cwd}). "
              "dlgrade.check(\"ex05\", course=\"과정 폴더 경로\")처럼 알려 주거나 DLGRADE_HOME을 설정하세요.",
        "en": "no course folder (one holding course.yaml) was found ({problem}; current folder: {cwd}). Say "
              "where it is, as in dlgrade.check(\"ex05\", course=\"path/to/course\"), or set DLGRADE_HOME."},
    "source.notebook_code_too_large": {
        "ko": "{file} 노트북의 코드 셀을 합치면 {mib} MiB보다 큽니다. 과제의 코드만 남기고 다시 저장하세요.",
        "en": "the code cells of {file} add up to more than {mib} MiB. Keep the exercise's code only and save it "
              "again."},
    "source.cell_raised": {
        "ko": "{file}, {where}: 이 셀은 {error} 오류로 여기서 멈췄습니다. 나머지 셀은 채점했습니다 (채점 환경에는 "
              "NumPy만 있어 그림, 데이터 파일, 다른 라이브러리를 쓸 수 없습니다).",
        "en": "{file}, {where}: the cell stopped here with {error}; the other cells were graded (grading has "
              "NumPy only: no plots, data files or other libraries)."},
    "source.cell_import_skipped": {
        "ko": "{file}, {where}: {error}. 채점 환경에는 NumPy만 있어 이 import는 건너뛰고 셀의 나머지를 실행했습니다.",
        "en": "{file}, {where}: {error}; grading has NumPy only, so this import was skipped and the rest of the "
              "cell ran."},
    # A notebook handed in beside a .py that is not the student's work (dlgrade.grading.notebook_choice).
    "intake.how.notebook_over_stub": {
        "ko": "노트북: 함께 낸 .py는 손대지 않은 과제 원본",
        "en": "notebook: the .py handed in with it is the exercise's untouched stub"},
    "intake.how.notebook_over_empty": {
        "ko": "노트북: 함께 낸 .py에는 과제의 함수가 하나도 없음",
        "en": "notebook: the .py handed in with it defines none of the exercise's functions"},
    "intake.py_not_the_work.stub": {
        "ko": "{exercise}의 손대지 않은 원본이라 노트북 {taken}을(를) 채점함",
        "en": "the untouched stub of {exercise}; the notebook {taken} was graded"},
    "intake.py_not_the_work.empty": {
        "ko": "{exercise}의 함수가 하나도 없어 노트북 {taken}을(를) 채점함",
        "en": "defines none of {exercise}'s functions; the notebook {taken} was graded"},
    "check.graded_notebook.stub": {
        "ko": "채점한 파일: {notebook} ({file}은(는) 손대지 않은 원본입니다). .py 파일을 채점하려면 --file {file}",
        "en": "graded: {notebook} ({file} is the untouched stub). To grade the .py file: --file {file}"},
    "check.graded_notebook.empty": {
        "ko": "채점한 파일: {notebook} ({file}에는 과제의 함수가 하나도 없습니다). .py 파일을 채점하려면 --file {file}",
        "en": "graded: {notebook} ({file} defines none of the exercise's functions). To grade the .py file: "
              "--file {file}"},
    "source.notebook_needs_nbformat": {
        "ko": "{file} 노트북을 읽으려면 nbformat 패키지가 필요합니다: pip install nbformat",
        "en": "reading the notebook {file} needs the nbformat package: pip install nbformat"},
})


# The student's flow: local results that tell the truth, self-checks, submit.
MESSAGES.update({
    "visibility.self": {"ko": "자가 검사", "en": "self-check"},
    "check.public_score": {"ko": "공개 검사 점수: {score:g} / {max_score:g} (채점 때 전체 배점 {total:g}점)",
                           "en": "Public checks: {score:g} / {max_score:g} (the exercise is worth {total:g} points "
                                 "at grading)"},
    "progress.public_passed": {"ko": "공개 검사 통과", "en": "public passed"},
    "list.public_passed_note": {
        "ko": "공개 검사 통과: 여기서 실행하는 검사는 모두 통과했고, 숨은 검사({points:g}점)는 채점할 때 실행됩니다.",
        "en": "public passed: every check that runs here passes; the hidden checks ({points:g} points) run at "
              "grading."},
    "progress.public_passed_count": {
        "ko": "{n}개 과제는 여기서 실행하는 검사를 모두 통과했습니다. 숨은 검사({points:g}점)는 채점할 때 실행됩니다.",
        "en": "{n} exercise(s) pass every check that runs here; their hidden checks ({points:g} points) run at "
              "grading."},
    "progress.all_public_passed": {
        "ko": "모든 과제가 여기서 실행하는 검사를 통과했습니다. 남은 {points:g}점은 채점할 때 숨은 검사로 정해집니다. "
              "과제를 제출하세요.",
        "en": "Every exercise passes the checks that run here. The remaining {points:g} points are decided by the "
              "hidden checks at grading: hand in your work."},
    "watch.moved_public": {
        "ko": "{done}: 공개 검사와 자가 검사를 통과했습니다 (숨은 검사 {n}개, {points:g}점은 채점 때). 다음 과제로 넘어갑니다: "
              "{exercise} — {title}",
        "en": "{done}: the public checks and self-checks pass ({n} hidden checks, {points:g} points, run at grading). "
              "On to the next exercise: {exercise} — {title}"},
    "reset.progress_forgotten": {"ko": "{exercise}의 기록된 진행(최고 점수)도 처음부터 다시 시작합니다.",
                                 "en": "{exercise}'s recorded progress (best score) starts over too."},
    "error.did_you_mean": {"ko": "{message}\n혹시 {suggestion}을(를) 찾으셨나요?", "en": "{message}\nDid you mean {suggestion}?"},
    "check.file_problem": {"ko": "파일 전체의 문제 (그래서 모든 검사가 실패했습니다)",
                           "en": "A problem with the file as a whole (so every check failed)"},
    # click's own messages (dlgrade.commands.click_messages): the key holds click's English text exactly.
    "click:Usage:": {"ko": "사용법:", "en": "Usage:"},
    "click:Try '{command} {option}' for help.": {"ko": "도움말을 보려면: '{command} {option}'",
                                                 "en": "Try '{command} {option}' for help."},
    "click:Error: {message}": {"ko": "오류: {message}", "en": "Error: {message}"},
    "click:Missing argument": {"ko": "인자가 빠졌습니다:", "en": "Missing argument"},
    "click:Missing option": {"ko": "옵션이 빠졌습니다:", "en": "Missing option"},
    "click:Missing parameter": {"ko": "값이 빠졌습니다:", "en": "Missing parameter"},
    "click:Missing command.": {"ko": "명령이 빠졌습니다.", "en": "Missing command."},
    "click:No such option {name!r}.": {"ko": "{name!r}(이)라는 옵션은 없습니다.", "en": "No such option {name!r}."},
    "click:No such command {name!r}.": {"ko": "{name!r}(이)라는 명령은 없습니다.", "en": "No such command {name!r}."},
    "click:Did you mean {possibility}?": {"ko": "혹시 {possibility}을(를) 찾으셨나요?", "en": "Did you mean {possibility}?"},
    "click:(Did you mean one of: {possibilities}?)": {"ko": "(혹시 이 중 하나인가요: {possibilities}?)",
                                                       "en": "(Did you mean one of: {possibilities}?)"},
    "click:Invalid value for {param_hint}: {message}": {"ko": "{param_hint}의 값이 올바르지 않습니다: {message}",
                                                         "en": "Invalid value for {param_hint}: {message}"},
    "click:Invalid value: {message}": {"ko": "값이 올바르지 않습니다: {message}", "en": "Invalid value: {message}"},
    "click:Option {name!r} requires an argument.": {"ko": "{name!r} 옵션에는 값이 필요합니다.",
                                                    "en": "Option {name!r} requires an argument."},
    "click:Option {name!r} requires {nargs} arguments.": {"ko": "{name!r} 옵션에는 값이 {nargs}개 필요합니다.",
                                                          "en": "Option {name!r} requires {nargs} arguments."},
    "click:Option {name!r} does not take a value.": {"ko": "{name!r} 옵션은 값을 받지 않습니다.",
                                                     "en": "Option {name!r} does not take a value."},
    "click:Got unexpected extra argument ({args})": {"ko": "필요 없는 인자가 더 있습니다 ({args})",
                                                     "en": "Got unexpected extra argument ({args})"},
    "click:Got unexpected extra arguments ({args})": {"ko": "필요 없는 인자가 더 있습니다 ({args})",
                                                      "en": "Got unexpected extra arguments ({args})"},
    "click:{value!r} is not {choice}.": {"ko": "{value!r}은(는) {choice}이(가) 아닙니다.",
                                         "en": "{value!r} is not {choice}."},
    "click:{value!r} is not one of {choices}.": {"ko": "{value!r}은(는) {choices} 중 하나가 아닙니다.",
                                                 "en": "{value!r} is not one of {choices}."},
    "click:{value!r} is not a valid {number_type}.": {"ko": "{value!r}은(는) 올바른 {number_type}이(가) 아닙니다.",
                                                      "en": "{value!r} is not a valid {number_type}."},
    "click:{value} is not in the range {range}.": {"ko": "{value}은(는) 범위 {range} 밖입니다.",
                                                   "en": "{value} is not in the range {range}."},
    "click:{name} {filename!r} does not exist.": {"ko": "{name} {filename!r}이(가) 없습니다.",
                                                  "en": "{name} {filename!r} does not exist."},
    "click:{name} {filename!r} is a directory.": {"ko": "{name} {filename!r}은(는) 폴더입니다.",
                                                  "en": "{name} {filename!r} is a directory."},
    "click:{name} {filename!r} is a file.": {"ko": "{name} {filename!r}은(는) 파일입니다.",
                                             "en": "{name} {filename!r} is a file."},
    "click:file": {"ko": "파일", "en": "file"},
    "click:directory": {"ko": "폴더", "en": "directory"},
    "click:path": {"ko": "경로", "en": "path"},
    "click:Options": {"ko": "옵션", "en": "Options"},
    "click:Commands": {"ko": "명령", "en": "Commands"},
    "click:Show this message and exit.": {"ko": "이 도움말을 보여 주고 끝냅니다.", "en": "Show this message and exit."},
    "click:Show the version and exit.": {"ko": "버전을 보여 주고 끝냅니다.", "en": "Show the version and exit."},
    "click:%(prog)s, version %(version)s": {"ko": "%(prog)s, 버전 %(version)s", "en": "%(prog)s, version %(version)s"},
    "click:Aborted!": {"ko": "중단했습니다!", "en": "Aborted!"},
    "click:default: {default}": {"ko": "기본값: {default}", "en": "default: {default}"},
    "click.placeholder:OPTIONS": {"ko": "옵션", "en": "OPTIONS"},
    "click.placeholder:COMMAND": {"ko": "명령", "en": "COMMAND"},
    "click.placeholder:ARGS": {"ko": "인자", "en": "ARGS"},
    "click.placeholder:EXERCISE": {"ko": "과제", "en": "EXERCISE"},
    "click.placeholder:NUMBER": {"ko": "번호", "en": "NUMBER"},
    "click.placeholder:STUDENT_ID": {"ko": "학번", "en": "STUDENT_ID"},
    "click.placeholder:TEXT": {"ko": "텍스트", "en": "TEXT"},
    "click.placeholder:INTEGER": {"ko": "정수", "en": "INTEGER"},
    "click.placeholder:FILE": {"ko": "파일", "en": "FILE"},
    "click.placeholder:PATH": {"ko": "경로", "en": "PATH"},
    "click.placeholder:DIRECTORY": {"ko": "폴더", "en": "DIRECTORY"},
    "click.placeholder:INTEGER RANGE": {"ko": "정수 범위", "en": "INTEGER RANGE"},
    "help.section.student": {"ko": "학생 명령", "en": "Student commands"},
    "help.section.instructor": {"ko": "강사 명령 (과정 저장소에서)", "en": "Instructor commands (in the course repository)"},
    "help.not_in_bundle": {
        "ko": "dlgrade {command}은(는) 강사용 명령이라 학생용 배포본에는 없습니다. 과정 저장소에서 실행하세요.",
        "en": "dlgrade {command} is an instructor's command: it is not part of the student bundle. Run it in the "
              "course repository."},
    "help.main": {"ko": "dlgrade — 딥러닝 과정의 실습 과제와 채점.\n\n학생: dlgrade list · dlgrade show ex05 · dlgrade check ex05 · "
                        "dlgrade hint ex05 · dlgrade watch · dlgrade status · dlgrade reset ex05 · dlgrade submit",
                  "en": "dlgrade — exercises and grading for the deep-learning course."},
    "help.list": {"ko": "과제 목록을 과정 순서대로, 배점과 최고 점수, 진행 상황과 함께 보여 줍니다.\n\n예: dlgrade list --lang ko",
                  "en": "List the exercises in course order, with points, your best score and progress."},
    "help.show": {"ko": "과제의 문제 설명을 보여 줍니다.\n\n예: dlgrade show ex05", "en": "Show an exercise's statement."},
    "help.hint": {"ko": "과제의 다음 힌트를 보여 줍니다 (실행할 때마다 하나씩), 또는 번호로 지정한 힌트.\n\n"
                        "실패한 검사가 관련된 힌트를 알려 줍니다: dlgrade hint ex05 3\n\n예: dlgrade hint ex05",
                  "en": "Show the next hint for an exercise (one more each time), or hint NUMBER."},
    "help.check": {"ko": "과제의 풀이를 채점합니다.\n\nEXERCISE(과제)는 ex05, 5, correlate2d 또는 폴더 이름으로 지정합니다. 종료 코드: 모든 검사 "
                         "통과 0, 실패한 검사가 있으면 1, 사용법 오류 2. 학생용 배포본에서는 공개 검사와 자가 검사를 실행하고, 숨은 "
                         "검사는 채점할 때 실행됩니다.\n\n예: dlgrade check ex05\n    dlgrade check 5 --file my_conv.py --json",
                   "en": "Grade your solution of an exercise."},
    "help.watch": {"ko": "파일을 저장할 때마다 과제를 채점합니다. 통과하면 다음 과제로 넘어갑니다.\n\n과제를 지정하지 않으면 아직 마치지 "
                         "않은 첫 과제부터 시작합니다. 이미 마친 과제를 지정하면 끝낼 때까지 그 과제를 계속 봅니다. 끝내려면 "
                         "Ctrl-C.\n\n예: dlgrade watch\n    dlgrade watch ex05",
                   "en": "Grade an exercise every time you save its file; once it passes, go on to the next."},
    "help.status": {"ko": "과정 전체의 진행 상황을 요약합니다: 마친 과제, 점수, 다음 과제.\n\n예: dlgrade status",
                    "en": "Summarise your progress through the course: exercises done, points, what is next."},
    "help.reset": {"ko": "과제 파일을 처음 받은 스텁으로 되돌리고, 작성하던 코드는 백업합니다.\n\n백업은 "
                         ".dlgrade/backups/<폴더>/<파일>.<날짜-시각>에 남습니다. 그 과제의 기록된 진행(최고 점수)도 처음부터 "
                         "다시 시작합니다.\n\n예: dlgrade reset ex05",
                   "en": "Put the exercise's stub back in place of your file, keeping a backup of your work."},
    "help.submit": {"ko": "강사에게 제출할 zip 파일을 만듭니다 (파일 이름에 학번).\n\n먼저 각 과제를 채점할 수 있는지(파일을 불러올 수 "
                          "있는지) 확인하고, 과제 파일(.py 또는 .ipynb)을 course.yaml의 이름 그대로 담습니다.\n\n예: dlgrade "
                          "submit 20231234",
                    "en": "Build the zip file to hand in, named by your student id."},
    "help.option:Language of the output (default: from the locale or DLGRADE_LANG).": {
        "ko": "출력 언어 (기본값: 시스템 로케일 또는 DLGRADE_LANG)",
        "en": "Language of the output (default: from the locale or DLGRADE_LANG)."},
    "help.option:Plain output without colours.": {"ko": "색 없이 출력합니다.", "en": "Plain output without colours."},
    "help.option:Print the exercises as JSON.": {"ko": "과제 목록을 JSON으로 출력합니다.", "en": "Print the exercises as JSON."},
    "help.option:Show every hint at once.": {"ko": "모든 힌트를 한꺼번에 보여 줍니다.", "en": "Show every hint at once."},
    "help.option:Start the hints over from the first.": {"ko": "힌트를 처음부터 다시 봅니다.",
                                                         "en": "Start the hints over from the first."},
    "help.option:The file to grade (default: your copy in exercises/).": {
        "ko": "채점할 파일 (기본값: exercises/ 안의 내 파일)", "en": "The file to grade (default: your copy in exercises/)."},
    "help.option:Seed of the hidden checks' inputs (default 0).": {"ko": "숨은 검사 입력의 시드 (기본값 0)",
                                                                   "en": "Seed of the hidden checks' inputs (default 0)."},
    "help.option:Print one JSON object (the result) and nothing else.": {
        "ko": "결과를 JSON 객체 하나로만 출력합니다.", "en": "Print one JSON object (the result) and nothing else."},
    "help.option:Print the summary as JSON.": {"ko": "요약을 JSON으로 출력합니다.", "en": "Print the summary as JSON."},
    "help.option:text (the report), json (the result; --json), results-json (Gradescope's results.json) or junit (XML).": {
        "ko": "text (보고서), json (결과; --json), results-json (Gradescope의 results.json) 또는 junit (XML)",
        "en": "text (the report), json (the result; --json), results-json (Gradescope's results.json) or junit (XML)."},
    "submit.title": {"ko": "제출물 — 학번 {student}", "en": "Submission — student {student}"},
    "submit.state.included": {"ko": "넣음", "en": "included"},
    "submit.state.not_started": {"ko": "시작 전 (뺌)", "en": "not started (left out)"},
    "submit.state.problem": {"ko": "채점할 수 없음", "en": "cannot be graded"},
    "submit.written": {"ko": "{path}을(를) 만들었습니다 (과제 {n}개). 이 파일을 강사가 안내한 곳에 제출하세요. 숨은 검사는 채점할 때 "
                             "실행됩니다.",
                       "en": "Wrote {path} ({n} exercise(s)). Hand this file in where your instructor asks; the hidden "
                             "checks run at grading."},
    "submit.not_written": {"ko": "채점할 수 없는 파일이 있어 zip을 만들지 않았습니다. 위의 문제를 고치고 dlgrade check로 확인한 뒤 다시 "
                                 "실행하세요.",
                           "en": "No zip was written: a file cannot be graded. Fix the problems above, check with "
                                 "dlgrade check, then run this again."},
    "submit.nothing": {"ko": "제출할 것이 없습니다: 모든 과제 파일이 아직 처음 받은 스텁 그대로입니다.",
                       "en": "Nothing to hand in: every exercise file is still the stub."},
    "submit.bad_id": {"ko": "학번 {student_id!r}은(는) 파일 이름으로 쓸 수 없습니다. 글자, 숫자, -, _, . 만 쓰세요 (예: 20231234).",
                      "en": "{student_id!r} cannot name a file: use letters, digits, -, _ and . only (e.g. 20231234)."},
    "submit.write_failed": {"ko": "zip 파일을 쓰지 못했습니다: {reason}", "en": "the zip could not be written: {reason}"},
    "submit.unreadable": {"ko": "{file}을(를) 읽을 수 없습니다: {reason}", "en": "{file} cannot be read: {reason}"},
    "submit.too_large": {"ko": "{file}이(가) 1 MiB보다 큽니다. 과제 파일만 제출하세요 (출력이 많은 노트북이면 출력을 지우세요).",
                         "en": "{file} is larger than 1 MiB: hand in the exercise's file only (clear a notebook's "
                               "outputs)."},
    "submit.not_utf8": {"ko": "{file}이(가) UTF-8이 아닙니다 (메모장의 ANSI/CP949 저장일 수 있습니다). UTF-8로 다시 저장하세요.",
                        "en": "{file} is not UTF-8 (perhaps saved as ANSI/CP949 by Notepad): save it again as UTF-8."},
    "submit.syntax": {"ko": "{file} {line}번째 줄에 문법 오류가 있습니다: {reason}",
                      "en": "{file} has a syntax error on line {line}: {reason}"},
    "submit.forbidden": {"ko": "{file} {line}번째 줄: {name}은(는) 이 과제에서 금지되어 있습니다.",
                         "en": "{file} line {line}: {name} is forbidden in this exercise."},
    "submit.unavailable": {"ko": "{file} {line}번째 줄: {module}은(는) 채점할 때 없습니다 (파이썬 표준 라이브러리와 NumPy만 있습니다). "
                                 "import를 지우세요.",
                           "en": "{file} line {line}: {module} is not there at grading (only Python's standard library "
                                 "and NumPy are): remove the import."},
    "help.option:Comma-separated exercises, or all.": {"ko": "쉼표로 구분한 과제들, 또는 all",
                                                       "en": "Comma-separated exercises, or all."},
    "help.option:Folder to write the zip into (default: the course folder).": {
        "ko": "zip을 쓸 폴더 (기본값: 과정 폴더)", "en": "Folder to write the zip into (default: the course folder)."},
    "help.option:Print what went in as JSON.": {"ko": "무엇을 넣었는지 JSON으로 출력합니다.", "en": "Print what went in as JSON."},
    "release.readme.guide": {
        "ko": """## 한국어 안내

각 과제의 `exercises/<폴더>/` 안에 있는 파일에서 `# TODO:` 부분을 채우고, dlgrade로 확인한 뒤 제출합니다.

### 설치 — Windows (Anaconda Prompt)

시작 메뉴에서 **Anaconda Prompt**를 열고, 이 폴더({folder})로 옮겨 가서 설치합니다. 경로에 한글이나 빈칸이 있으면 따옴표로 감싸세요.

```
cd "F:\\텐서플로우 수업자료\\{folder}"
pip install -e .
dlgrade list
```

`dlgrade` 명령을 찾지 못하면 `python -m dlgrade.cli list`처럼 실행하세요.

### 설치 — Google Colab

이 폴더를 Google Drive에 올리고, 노트북의 셀에서:

```
from google.colab import drive
drive.mount('/content/drive')
%cd /content/drive/MyDrive/{folder}
!pip install -q -e .
!dlgrade list
```

### 과제 확인

```
dlgrade show {example}             # 문제 설명
dlgrade check {example}            # 공개 검사와 자가 검사를 실행합니다
dlgrade hint {example}             # 다음 힌트 (실행할 때마다 하나씩)
dlgrade watch                 # 파일을 저장할 때마다 다시 채점합니다 (끝내려면 Ctrl-C)
dlgrade status                # 전체 진행 상황
dlgrade reset {example}            # 처음 받은 스텁으로 되돌리기 (작성하던 코드는 백업)
```

`dlgrade check`는 강의 예제인 **공개 검사**와, 정답 없이 여러분의 함수끼리 맞춰 보는 **자가 검사**를 실행합니다.
**숨은 검사** {n}개({points:g}점)는 이 배포본에 없으며 채점할 때 실행됩니다. 그래서 여기서 모두 통과해도 만점이 확정된
것은 아닙니다.

### 제출

```
dlgrade submit 학번
```

모든 파일을 채점할 수 있는지 먼저 확인한 뒤 `학번.zip`을 만듭니다. 그 파일을 강사가 안내한 곳(LMS 등)에 올리세요.
노트북으로 작업했다면 과제 폴더에 `conv.ipynb`처럼 과제 파일과 같은 이름(또는 `ex05.ipynb`)으로 저장하면 노트북이 들어갑니다.""",
        "en": """## Guide in English

Fill in each `# TODO:` in the file under `exercises/<folder>/`, check your work with dlgrade, then hand it in.

### Install — Windows (Anaconda Prompt)

Open **Anaconda Prompt** from the Start menu, go to this folder ({folder}) and install it. Put a path with Korean
letters or spaces in quotes.

```
cd "F:\\텐서플로우 수업자료\\{folder}"
pip install -e .
dlgrade list
```

If the `dlgrade` command is not found, run `python -m dlgrade.cli list` and so on instead.

### Install — Google Colab

Upload this folder to Google Drive, then in a notebook cell:

```
from google.colab import drive
drive.mount('/content/drive')
%cd /content/drive/MyDrive/{folder}
!pip install -q -e .
!dlgrade list
```

### Checking your work

```
dlgrade show {example}             # the statement
dlgrade check {example}            # runs the public checks and the self-checks
dlgrade hint {example}             # the next hint (one more each time)
dlgrade watch                 # regrade each time you save (Ctrl-C to stop)
dlgrade status                # your progress
dlgrade reset {example}            # back to the stub (your work is backed up)
```

`dlgrade check` runs the **public checks** (the lectures' examples) and the **self-checks**, which compare your
functions with each other and need no answers. The {n} **hidden checks** ({points:g} points) are not in this bundle:
they run at grading, so passing everything here does not yet mean full marks.

### Handing in

```
dlgrade submit YOUR_STUDENT_ID
```

It first checks that every file can be graded, then writes `YOUR_STUDENT_ID.zip`: upload that file where your
instructor asks (the LMS…). If you worked in a notebook, save it in the exercise's folder under the exercise file's
name (`conv.ipynb`, or `ex05.ipynb`) and the notebook goes in."""},
    "check.public_passed": {
        "ko": "공개 검사와 자가 검사를 모두 통과했습니다. 점수는 채점할 때 숨은 검사까지 실행한 뒤 정해집니다.",
        "en": "The public checks and self-checks all passed. Your score is decided at grading, once the hidden "
              "checks have run too."},
})


# The instructor's term: exports, overrides, extensions, history, locks, times, reports.
MESSAGES.update({
    "session.error.extensions_shape": {
        "ko": "extensions는 학생별 항목이어야 합니다. 예: extensions: {s2: {closes: 2026-11-27 15:30}, s3: {minutes: 20}}",
        "en": "extensions must map students to entries, e.g. extensions: {s2: {closes: 2026-11-27 15:30}, "
              "s3: {minutes: 20}}"},
    "session.error.extension_entry": {
        "ko": "{student}의 연장은 closes(늦춘 마감 시각) 또는 minutes(추가 시간, 분) 중 하나만 적어야 합니다. "
              "예: {{closes: 2026-11-27 15:30}} 또는 {{minutes: 20}}",
        "en": "the extension of {student} takes exactly one of closes (a later close) or minutes (extra minutes), "
              "e.g. {{closes: 2026-11-27 15:30}} or {{minutes: 20}}"},
    "session.error.extension_minutes": {"ko": "추가 시간은 0보다 큰 분 단위 숫자여야 합니다: {value}",
                                        "en": "extra minutes must be a number above 0: {value}"},
    "session.error.extension_before_close": {
        "ko": "연장된 마감 {value}이(가) 세션 마감 {closes}보다 늦지 않습니다",
        "en": "the extended close {value} is not after the session's close {closes}"},
    "session.changed": {
        "ko": "세션 {session}의 설정이 이 성적부에 저장된 것과 다릅니다 ({fields}). 점수가 달라집니다. "
              "의도한 변경이면 --force를 붙여 다시 실행하고, 아니면 세션 이름을 바꾸세요.",
        "en": "session {session} differs from the one stored in this gradebook ({fields}); scores would change. "
              "Rerun with --force if this is intended, or give the session another name."},
    "session.times_stored": {
        "ko": "--times의 제출 시각 {n}개를 성적부에 저장했습니다: 이후 실행에도 적용됩니다.",
        "en": "{n} submission times from --times stored in the gradebook: later runs use them too."},
    "override.set": {"ko": "{student} {exercise}: 점수를 {score:g}/{max_score:g}점으로 조정했습니다 (채점 점수: {graded}).",
                     "en": "{student} {exercise}: score set to {score:g}/{max_score:g} (graded: {graded})."},
    "override.cleared": {"ko": "{student} {exercise}: 점수 조정을 취소했습니다. 채점 점수가 다시 적용됩니다.",
                         "en": "{student} {exercise}: override cleared; the graded score counts again."},
    "override.sessions": {"ko": "저장된 세션 점수 {n}개를 다시 계산했습니다.",
                          "en": "{n} stored session scores recomputed."},
    "override.feedback": {"ko": "강사가 이 과제의 점수를 {score:g}/{max_score:g}점으로 조정했습니다. 사유: {reason}",
                          "en": "Your instructor set this exercise's score to {score:g}/{max_score:g}. Reason: {reason}"},
    "override.clear_and_score": {"ko": "--clear와 --score는 함께 쓸 수 없습니다.",
                                 "en": "--clear and --score cannot be used together."},
    "override.needs_score": {"ko": "--score N --reason 사유 (또는 --clear)가 필요합니다.",
                             "en": "give --score N --reason TEXT (or --clear)."},
    "override.bad_score": {"ko": "점수 {score}은(는) 0에서 {max_score:g} 사이여야 합니다.",
                           "en": "the score {score} must be between 0 and {max_score:g}."},
    "override.no_reason": {"ko": "점수 조정에는 사유가 필요합니다: --reason \"...\"",
                           "en": "an override needs a reason: --reason \"...\""},
    "override.unknown_exercise": {"ko": "알 수 없는 과제 {exercise}; 과제: {valid}",
                                  "en": "unknown exercise {exercise}; the exercises are: {valid}"},
    "override.unknown_student": {"ko": "성적부에 학생 {student}이(가) 없습니다.",
                                 "en": "no student {student} in the gradebook."},
    "override.student_alike": {
        "ko": "성적부에 {student}은(는) 없지만 대소문자나 구분자만 다른 {alike}이(가) 있습니다. 그 학번을 쓰세요.",
        "en": "no student {student} in the gradebook, but {alike} differs only in case or separators; use that id."},
    "override.none_to_clear": {"ko": "{student} {exercise}에는 취소할 점수 조정이 없습니다.",
                               "en": "{student} {exercise} has no override to clear."},
    "gradebook.migrated": {
        "ko": "성적부 {path}를 스키마 {old}에서 {new}(으)로 올렸습니다. 이전 파일은 {backup}에 보관했습니다.",
        "en": "gradebook {path} upgraded from schema {old} to {new}; the previous file is kept as {backup}."},
    "lock.busy": {"ko": "다른 채점 실행이 이 성적부 {db}에 쓰고 있습니다 ({holder}). 끝난 뒤 다시 실행하거나 "
                        "--wait 초를 주어 기다리세요.",
                  "en": "another grading run is writing to the gradebook {db} ({holder}); rerun when it has finished, "
                        "or give --wait SECONDS to wait for it."},
    "grade.interrupted": {"ko": "중단했습니다. 채점 결과 {n}개는 {db}에 저장되어 있습니다. 같은 명령을 다시 실행하면 "
                                "이어서 채점합니다.",
                          "en": "interrupted: {n} results are saved in {db}. Run the same command again to resume."},
    "grade.changes_up": {"ko": "다시 채점해 점수가 오른 제출 {n}개: {students}",
                         "en": "{n} regraded submissions went up: {students}"},
    "grade.changes_down": {"ko": "다시 채점해 점수가 내려간 제출 {n}개: {students}",
                           "en": "{n} regraded submissions went down: {students}"},
    "grade.no_students": {"ko": "--students에 학번을 쉼표로 나눠 적으세요. 예: --students s1,s2",
                          "en": "give --students as comma-separated ids, e.g. --students s1,s2"},
    "grade.students_missing": {"ko": "제출 폴더에 없는 학생: {students}",
                               "en": "not in the submissions folder: {students}"},
    "history.title": {"ko": "{student}의 채점 이력 (◀ 현재 점수)", "en": "History of {student} (◀ current)"},
    "history.when": {"ko": "채점 시각 (UTC)", "en": "Graded at (UTC)"},
    "history.changed": {"ko": "바뀐 점", "en": "What changed"},
    "history.new_submission": {"ko": "새 제출", "en": "new submission"},
    "history.new_grader": {"ko": "채점기 변경", "en": "new grader"},
    "history.fixed": {"ko": "새로 통과: {checks}", "en": "now passing: {checks}"},
    "history.broke": {"ko": "새로 실패: {checks}", "en": "now failing: {checks}"},
    "history.status.not_submitted": {"ko": "미제출", "en": "not submitted"},
    "history.status.refused": {"ko": "거부됨", "en": "refused"},
    "history.override": {"ko": "점수 조정 {score:g}점 ({by}): {reason}", "en": "override {score:g} ({by}): {reason}"},
    "history.override_cleared": {"ko": "점수 조정 취소 ({by})", "en": "override cleared ({by})"},
    "session.error.resubmission": {
        "ko": "resubmission은 {valid} 중 하나여야 합니다 (지금: {value}). latest: 마지막 제출, best: 가장 높은 점수, "
              "last_before_close: 마감 전 마지막 제출",
        "en": "resubmission must be one of {valid} (not {value}): latest — the last handed in, best — the highest "
              "score, last_before_close — the last handed in by the close"},
    "session.error.time_number": {
        "ko": "{value}을(를) YAML은 시각이 아닌 숫자로 읽습니다. 날짜와 시각을 함께 적으세요. "
              "예: {field}: 2026-11-27 {value}",
        "en": "YAML reads {value} as a number, not a time. Write the date and the time, "
              "e.g. {field}: 2026-11-27 {value}"},
    "session.error.encoding": {
        "ko": "{path}를 UTF-8로도 CP949(한국어 Windows의 Excel)로도 읽을 수 없습니다. Excel에서 'CSV UTF-8'로 저장하세요.",
        "en": "{path} is neither UTF-8 nor CP949 (Excel on Korean Windows); save it from Excel as 'CSV UTF-8'."},
    "session.warn.long": {
        "ko": "주의: 세션이 {hours:.1f}시간입니다 ({limit}시간 초과). opens/closes가 맞는지 확인하세요.",
        "en": "note: the session lasts {hours:.1f} hours (more than {limit}); check opens and closes."},
    "session.warn.days": {
        "ko": "주의: 세션이 여러 날에 걸칩니다 ({opens} ~ {closes}, {hours:.1f}시간). 날짜가 맞는지 확인하세요.",
        "en": "note: the session spans days ({opens} to {closes}, {hours:.1f} hours); check the dates."},
    "session.alike_ids": {
        "ko": "명단의 학번과 대소문자나 구분자만 다른 제출: {pairs}. 명단 밖 학생으로 처리했습니다. 제출 이름이나 명단을 고치세요.",
        "en": "submissions whose id differs from a roster id only in case or separators: {pairs}. They were "
              "treated as not on the roster; fix the submission's name or the roster."},
    "report.history_single": {"ko": "{session}이(가) 이 성적부의 첫 세션입니다 (평균 합계 {mean:.0f}%). 두 번째 세션부터 추이를 그립니다.",
                               "en": "{session} is this gradebook's first session (mean total {mean:.0f}%); the trend "
                                     "is drawn from the second session on."},
    "report.broken_line": {"ko": "{exercise}: 코드가 실행되지 않은 학생 {n}명 — {message} ({students})",
                           "en": "{exercise}: the code of {n} did not run — {message} ({students})"},
    "report.roster_counts": {"ko": "명단 {roster}명 · 미제출 {absent}명 · 명단 밖 제출 {unknown}명",
                             "en": "roster: {roster} students · absent: {absent} · not on the roster: {unknown}"},
    "report.extended": {"ko": "연장 마감", "en": "own close"},
    "report.badge.override": {"ko": "조정됨", "en": "override"},
    "report.badge.late_minutes": {"ko": "{minutes} 지각", "en": "{minutes} late"},
    "report.card.roster": {"ko": "명단 인원", "en": "On the roster"},
    "report.card.absent": {"ko": "미제출", "en": "Absent"},
    "report.broken": {"ko": "실행되지 않은 코드 (모든 검사가 같은 오류)",
                      "en": "Code that did not run (every check failed the same way)"},
    "report.col.count": {"ko": "학생 수", "en": "Students"},
    "report.col.message": {"ko": "오류", "en": "Error"},
    "report.col.who": {"ko": "학생", "en": "Who"},
    "report.col.by": {"ko": "조정한 사람 · 시각", "en": "By · when"},
    "report.col.messages_readable": {"ko": "주요 실패 메시지 (펼치면 전체)", "en": "Most common failure messages (open for the whole)"},
    "report.overrides": {"ko": "강사가 조정한 점수", "en": "Scores set by the instructor"},
    "report.feedback_written": {"ko": "피드백 파일 {n}개를 {folder}에 썼고 보고서에서 링크했습니다.",
                                "en": "{n} feedback files written to {folder}, linked from the report."},
    "export.no_session": {"ko": "성적부에 세션 {session}이(가) 없습니다. 있는 세션: {known}",
                          "en": "no session {session} in the gradebook; sessions: {known}"},
    "session.times_reused": {
        "ko": "성적부에 저장된 --times 제출 시각 {n}개를 적용합니다.",
        "en": "applying {n} submission times stored from an earlier --times."},
})


# Intake and similarity.
MESSAGES.update({
    "intake.folders_too_deep": {"ko": "폴더가 {depth}단계보다 깊어서 그 안은 읽지 않음",
                                "en": "folders nested deeper than {depth} levels; not read"},
    "similarity.title": {"ko": "코드 유사도", "en": "Code similarity"},
    "similarity.needs_copydetect": {"ko": "유사도 비교에는 copydetect가 필요합니다: pip install 'dlgrade[similarity]'",
                                    "en": "the similarity report needs copydetect: pip install 'dlgrade[similarity]'"},
    "similarity.intro": {
        "ko": "변수 이름, 서식, 주석, 함수 순서와 상관없이 코드가 많이 겹치는 학생 쌍입니다 (copydetect, winnowing). "
              "스텁 코드는 제외했습니다. 점수는 살펴볼 근거이지 판정이 아닙니다.",
        "en": "Pairs of students whose code overlaps whatever the names, layout, comments and order of functions "
              "(copydetect, winnowing); the stub's code is left out. A score is a reason to look, not a verdict."},
    "similarity.summary": {"ko": "학생 {students}명 비교, 기준 {threshold:.0%} 이상인 쌍 {pairs}개",
                           "en": "{students} students compared; {pairs} pair(s) at or above {threshold:.0%}"},
    "similarity.not_compared": {"ko": "비교하지 않음 (파일 없음 또는 스텁 외 코드가 거의 없음): {students}",
                                "en": "not compared (no file, or hardly any code beyond the stub): {students}"},
    "similarity.col.pair": {"ko": "학생 쌍", "en": "Students"},
    "similarity.col.score": {"ko": "유사도", "en": "Similarity"},
    "similarity.col.shares": {"ko": "각 파일에서 겹친 비율", "en": "Share of each file"},
    "similarity.none": {"ko": "{exercise}: 기준 이상으로 비슷한 쌍이 없습니다.",
                        "en": "{exercise}: no pair at or above the threshold."},
    "similarity.html_written": {"ko": "HTML 보고서를 썼습니다: {path}", "en": "HTML report written: {path}"},
    # why an entry of the submissions folder, or a file of a student's entry, was not taken
    "intake.entry_hidden": {"ko": "숨김 파일이나 운영체제가 만든 파일이라 건너뜀",
                            "en": "a hidden file or operating-system litter; passed over"},
    "intake.entry_link": {"ko": "심볼릭 링크라서 따라가지 않음 (학생 폴더나 압축 파일을 그대로 두세요)",
                          "en": "a symbolic link; not followed (put the student's folder or archive itself here)"},
    "intake.entry_stray": {"ko": "학생 폴더도 압축 파일(.zip, .tar.gz)도 아니라서 건너뜀",
                           "en": "neither a student folder nor an archive (.zip, .tar.gz); passed over"},
    "intake.entry_loose_code": {
        "ko": "어느 학생의 파일인지 알 수 없는 낱개 파일이라 건너뜀: 학생마다 학번 이름의 폴더나 zip에 넣으세요",
        "en": "a loose file that belongs to no student; put each student's files in a folder or zip named by "
              "the student id"},
    "intake.entry_no_id": {"ko": "이름에 학번으로 쓸 글자가 없어 건너뜀", "en": "its name holds no usable student id; passed over"},
    "intake.conflict": {
        "ko": "{entries}와(과) 같은 학생으로 읽힙니다 (대소문자, NFC/NFD, 공백·구분 기호만 다름). 어느 쪽도 채점하지 "
              "않았습니다: 하나의 이름을 고치거나 지운 뒤 다시 실행하세요",
        "en": "names the same student as {entries} (differing only in case, NFC/NFD, spaces or separators); "
              "neither was graded: rename or remove one and run again"},
    "intake.not_regular": {"ko": "일반 파일이 아니라서 건너뜀", "en": "not a regular file; passed over"},
    "intake.unreadable": {"ko": "읽을 수 없음 ({error})", "en": "cannot be read ({error})"},
    "intake.unreadable_file": {"ko": "{path}을(를) 읽을 수 없습니다 ({error})", "en": "{path} cannot be read ({error})"},
    "intake.too_large": {"ko": "{limit} MiB보다 커서 채점하지 않음", "en": "larger than {limit} MiB; not graded"},
    "intake.too_large_file": {"ko": "{path}은(는) {limit} MiB보다 커서 채점하지 않았습니다",
                              "en": "{path} is larger than {limit} MiB; not graded"},
    "intake.nested_too_large": {"ko": "안에 든 압축 파일이 {limit} MiB보다 커서 열지 않음",
                                "en": "an archive inside the submission larger than {limit} MiB; not opened"},
    "intake.too_deep": {"ko": "압축 파일 안의 압축 파일이 {depth}단계보다 깊어서 열지 않음",
                        "en": "archives nested deeper than {depth} levels; not opened"},
    "intake.link_skipped": {"ko": "심볼릭 링크라서 따라가지 않음", "en": "a symbolic link; not followed"},
    "intake.link_outside": {"ko": "{path}은(는) 폴더 밖을 가리키는 심볼릭 링크라서 거부했습니다",
                            "en": "{path} is a symbolic link out of the folder; refused"},
    "intake.not_taken": {"ko": "{exercise}에는 다른 파일({taken})을 채점함",
                         "en": "another file was taken for {exercise} ({taken})"},
    "intake.no_exercise": {"ko": "어느 과제의 파일 이름과도 맞지 않음", "en": "matches no exercise's file name"},
    # a whole student's entry refused
    "intake.unreadable_entry": {"ko": "{entry}을(를) 읽을 수 없어 채점하지 않았습니다 ({error})",
                                "en": "{entry} could not be read ({error}); not graded"},
    "intake.too_many_files": {"ko": "{entry}에 파일이 {limit}개보다 많아 나머지는 읽지 않았습니다",
                              "en": "{entry} holds more than {limit} files; the rest were not read"},
    "intake.too_many": {"ko": "{entry}에 파일이 {limit}개보다 많아 전체를 거부했습니다",
                        "en": "{entry} holds more than {limit} files; refused as a whole"},
    "intake.bad_archive": {"ko": "{archive}은(는) 읽을 수 있는 zip이나 tar 압축 파일이 아닙니다 ({error})",
                           "en": "{archive} is not a readable zip or tar archive ({error})"},
    "intake.outside": {"ko": "{archive}: 항목 {entry}이(가) 압축 파일 밖을 가리켜서 압축 파일 전체를 거부했습니다",
                       "en": "{archive}: entry {entry} points outside the archive; the archive was refused"},
    "intake.duplicate_entry": {
        "ko": "{archive}: 같은 이름의 항목 {entry}이(가) 두 번 들어 있어 어느 쪽을 채점할지 정할 수 없으므로 압축 파일 "
              "전체를 거부했습니다",
        "en": "{archive}: two entries are named {entry}, so which one to grade is ambiguous; the archive was refused"},
    "intake.link_in_archive": {
        "ko": "{archive}: 항목 {entry}이(가) 심볼릭 링크(또는 하드 링크)라서 압축 파일 전체를 거부했습니다",
        "en": "{archive}: entry {entry} is a symbolic link (or hard link); the archive was refused"},
    "intake.special_in_archive": {"ko": "{archive}: 항목 {entry}이(가) 장치나 파이프라서 압축 파일 전체를 거부했습니다",
                                  "en": "{archive}: entry {entry} is a device or pipe; the archive was refused"},
    "intake.bomb": {"ko": "{archive}은(는) 압축을 풀면 비정상적으로 커집니다 (zip bomb?). 거부했습니다",
                    "en": "{archive} expands to more than it plausibly should (a zip bomb?); refused"},
    # the summary
    "intake.title": {"ko": "제출물 접수 요약", "en": "Intake"},
    "intake.counts": {
        "ko": "항목 {entries}개 · 학생 {students}명 · 채점할 파일 {taken}개 · 미제출 {not_submitted}건 · "
              "거부된 학생 {refused_students}명 · 충돌 {conflicts}건 · 건너뛴 항목 {skipped_entries}개 · "
              "채점하지 않은 파일 {skipped_files}개",
        "en": "{entries} entries · {students} students · {taken} files to grade · {not_submitted} not submitted · "
              "{refused_students} refused · {conflicts} conflicts · {skipped_entries} entries skipped · "
              "{skipped_files} files not taken"},
    "intake.line.skipped_entry": {"ko": "건너뜀: {name} — {reason}", "en": "skipped: {name} — {reason}"},
    "intake.line.conflict": {"ko": "충돌: {entries} → 같은 학생 ({students}); 채점하지 않음",
                             "en": "conflict: {entries} → one student ({students}); not graded"},
    "intake.line.refused": {"ko": "거부: {student} — {reason}", "en": "refused: {student} — {reason}"},
    "intake.line.problem": {"ko": "{student}: {reason}", "en": "{student}: {reason}"},
    "intake.line.taken": {"ko": "{student} {exercise}: {path} ({how})", "en": "{student} {exercise}: {path} ({how})"},
    "intake.line.not_taken": {"ko": "{student}: 채점하지 않은 파일 {path} — {reason}",
                              "en": "{student}: not taken {path} — {reason}"},
    "intake.line.more": {"ko": "{student}: 채점하지 않은 파일 {n}개 더 (--json에 전부)",
                         "en": "{student}: {n} more files not taken (all of them in --json)"},
    "intake.how.renamed": {"ko": "이름이 바뀐 파일로 인식", "en": "recognised under a changed name"},
    "intake.how.notebook": {"ko": "노트북", "en": "notebook"},
    "intake.how.sole": {"ko": "제출한 유일한 파일", "en": "the only file handed in"},
    # where a submission time came from
    "intake.time.folder": {"ko": "제출 폴더에 도착한 파일의 수정 시각", "en": "modification time in the submissions folder"},
    "intake.time.archive_entry": {"ko": "압축 파일 안에 적힌 시각 (학생이 바꿀 수 있음)",
                                  "en": "time written inside the archive (the student can set it)"},
    "intake.time.times": {"ko": "--times 파일", "en": "the --times file"},
    "intake.time_short.folder": {"ko": "폴더", "en": "folder"},
    "intake.time_short.archive_entry": {"ko": "압축 파일 안 시각", "en": "inside the archive"},
    "intake.time_short.times": {"ko": "--times", "en": "--times"},
    "intake.time_short.None": {"ko": "출처 모름", "en": "source unknown"},
    "intake.time.None": {"ko": "알 수 없음 (출처를 기록하기 전에 저장됨)", "en": "unknown (stored before sources were kept)"},
    "intake.time.line": {"ko": "{student} {exercise}: 제출 시각 {time} — 출처: {source}",
                         "en": "{student} {exercise}: submitted {time} — from: {source}"},
    "session.error.times_from": {
        "ko": "times_from은 folder(기본값: 제출 폴더에 도착한 시각) 또는 archive_entries(압축 파일 안에 적힌 시각, "
              "학생이 바꿀 수 있음) 중 하나여야 합니다 (받은 값: {value})",
        "en": "times_from must be folder (the default: when the file arrived in the submissions folder) or "
              "archive_entries (the times written inside archives, which students can set); got {value}"},
    "session.error.roster_same_student": {
        "ko": "{student}와(과) {first}번째 줄의 {other}은(는) 대소문자, NFC/NFD, 공백·구분 기호만 달라서 제출물로는 두 "
              "학생을 구별할 수 없습니다. 학번을 고치세요",
        "en": "{student} and {other} (line {first}) differ only in case, NFC/NFD, spaces or separators, so "
              "submissions could not tell the two students apart; correct the id"},
    "session.times_from": {"ko": "제출 시각의 출처: {source}", "en": "submission times from: {source}"},
})


# Korean help for the instructor's commands.
MESSAGES.update({
    'help.grade': {
        "ko": '반 전체를 채점해 SQLite 성적부에 기록합니다.\n\n제출물에는 학생마다 폴더 하나 또는 zip 파일 하나가 있고(이름이 학번), 그 안 어디에든 스텁과 같은 이름의 학생 파일이 있습니다. 결과는 하나 끝날 때마다 기록되므로 중단되어도 잃는 것이 없고, 다시 실행하면 이어서 채점합니다(바뀌지 않은 제출물은 두 번 채점하지 않습니다). --format json/results-json은 학생과 과제마다 JSON 한 줄({"student", "exercise", "result"})을, --format junit은 XML 문서 하나를 출력합니다.\n\n제출물의 모든 항목은 접수 요약(--json: "intake")에 채점됨, 미제출, 또는 건너뜀(이유와 함께)으로 빠짐없이 나옵니다. 이름이 바뀐 파일(Conv.py, conv (1).py), 노트북(conv.ipynb, ex05.ipynb), 제출물 안의 폴더와 zip, .tar.gz 압축 파일도 받습니다. 한 과제에 .py와 노트북을 함께 내면 .py를 채점합니다. 같은 학생을 가리키는 두 항목(대소문자, NFC/NFD, 공백, - _ .만 다름)은 충돌이며, 하나의 이름을 바꾸거나 지울 때까지 둘 다 채점하지 않고 종료 코드는 1입니다. 안전하지 않은 압축 파일은 이유와 함께 거부되어 그 학생의 결과가 됩니다.\n\n예:\n  dlgrade grade examples/class --db gradebook.db\n  dlgrade grade lms_export/ --exercises ex04,ex05 --seed-salt week3 --json\n  dlgrade grade examples/class --format junit > grades.xml',
        "en": 'Grade a whole class into a SQLite gradebook.\n\nSUBMISSIONS holds one folder or one zip file per student (the student id is\nits name), with the students\' files by the stub\'s name, anywhere inside.\nEach result is committed as it completes: an interrupted run loses nothing,\nand rerunning resumes (unchanged submissions are not graded twice).\n--format json/results-json prints one JSON line per student and exercise\n({"student", "exercise", "result"}); --format junit one XML document.\n\nEvery entry of SUBMISSIONS is accounted for in the intake summary (--json:\n"intake"): graded, not submitted, or skipped with the reason. Renamed files\n(Conv.py, conv (1).py), notebooks (conv.ipynb, ex05.ipynb), folders and zips\ninside a submission and .tar.gz archives are taken; when both a .py and a\nnotebook are handed in for one exercise, the .py is graded. Two entries that\nname the same student (case, NFC/NFD, spaces, - _ .) are a conflict: neither\nis graded until one is renamed or removed, and the exit code is 1. An unsafe\narchive is refused, with the reason, as that student\'s result.\n\nExamples:  dlgrade grade examples/class --db gradebook.db\n           dlgrade grade lms_export/ --exercises ex04,ex05 --seed-salt week3 --json\n           dlgrade grade examples/class --format junit > grades.xml'},
    'help.export': {
        "ko": '성적과 채점기를 다른 도구로 내보냅니다: csv, json, lms, gradescope.\n\n예:\n  dlgrade export csv --db gradebook.db --out grades.csv\n  dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv\n  dlgrade export gradescope ex05 --out autograder.zip',
        "en": 'Export grades and graders to other tools: csv, json, lms, gradescope.\n\nExamples:  dlgrade export csv --db gradebook.db --out grades.csv\n           dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv\n           dlgrade export gradescope ex05 --out autograder.zip'},
    'help.export csv': {
        "ko": '성적부를 CSV로 내보냅니다.\n\n학생마다 한 행, 과제마다 한 열, 그리고 합계(수동 점수 조정 반영). --session을 주면: 세션의 가중치와 지각 감점을 반영한 점수, 명단의 이름, points_possible 행, 상태 열(graded, late, not_submitted, refused).\n\n예:\n  dlgrade export csv --db gradebook.db --out grades.csv\n  dlgrade export csv --db week3.db --session week3 --out week3.csv',
        "en": "The gradebook as CSV: one row per student, one column per exercise, and the total\n(overrides applied). With --session: the session's weighted, late-adjusted scores, the\nroster name, a points_possible row and a status column (graded, late, not_submitted,\nrefused).\n\nExample:  dlgrade export csv --db gradebook.db --out grades.csv\n          dlgrade export csv --db week3.db --session week3 --out week3.csv"},
    'help.export json': {
        "ko": '성적부를 JSON으로 내보냅니다.\n\n학생마다 각 과제의 점수, 상태, 시드, 채점기 버전.\n\n예:\n  dlgrade export json --db gradebook.db',
        "en": "The gradebook as JSON: per student, each exercise's score, status, seed and grader version.\n\nExample:  dlgrade export json --db gradebook.db"},
    'help.export gradescope': {
        "ko": '과제 하나의 Gradescope 자동 채점기 묶음을 만듭니다.\n\nzip을 프로그래밍 과제의 autograder로 올리세요: setup.sh가 dlgrade를 설치하고, run_autograder가 학생 파일을 모든 검사로 채점해 results.json을 씁니다(숨은 검사는 성적을 공개한 뒤에 보입니다).\n\n예:\n  dlgrade export gradescope ex05 --out autograder.zip',
        "en": "A Gradescope autograder bundle for one exercise.\n\nUpload the zip as a programming assignment's autograder: setup.sh installs\ndlgrade, run_autograder grades the student's file with every check and writes\nresults.json (hidden checks visible after the grades are published).\n\nExample:  dlgrade export gradescope ex05 --out autograder.zip"},
    'help.export lms': {
        "ko": '성적부를 LMS 성적부(Canvas 또는 Moodle)가 가져올 수 있는 CSV로 내보냅니다.\n\n--session을 주면: 세션을 과제 하나로, 가중치와 지각 감점을 반영한 합계를 세션 만점에 대한 점수로 내보냅니다. 아무것도 내지 않은 학생은 0점이 아니라 빈칸(성적 없음)입니다.\n\n예:\n  dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv\n  dlgrade export lms --lms canvas --db week3.db --session week3 --out week3_canvas.csv',
        "en": "The gradebook as a CSV the LMS gradebook imports (Canvas or Moodle). With --session:\nthe session as one assignment, its weighted late-adjusted total out of the session's\nmaximum; a student who handed in nothing gets no grade (empty), not 0.\n\nExample:  dlgrade export lms --lms canvas --db gradebook.db --out canvas.csv\n          dlgrade export lms --lms canvas --db week3.db --session week3 --out week3_canvas.csv"},
    'help.dev': {
        "ko": '과정 작성자를 위한 명령.',
        "en": "Commands for the course's authors."},
    'help.dev check': {
        "ko": '과정의 모든 과제를 검증하고 고치는 방법을 알려 줍니다.\n\n검사 항목: 두 언어의 문제 설명, 힌트, 모든 스텁의 TODO, 스텁이 풀이와 같은 것을 정의하는지, 공개 검사와 숨은 검사가 있고 배점이 course.yaml과 맞는 채점기, docs/exercises.md의 모든 풀이 예시가 채점기에 있는지, 모든 스텁이 0점이고 모든 풀이가 만점인지.\n\n예:\n  dlgrade dev check',
        "en": 'Verify every exercise of the course and say how to fix each problem.\n\nChecks: statements in both languages, hints, a TODO in every stub, the stub\ndefines what the solution does, graders with public and hidden checks whose\npoints match course.yaml, every worked example of docs/exercises.md in a\ngrader, every stub scores 0 and every solution full marks.\n\nExample:  dlgrade dev check'},
    'help.release': {
        "ko": '학생용 배포본을 만듭니다: 패키지, 스텁, 문제 설명, 공개 검사.\n\n풀이도, 숨은 검사도, 오라클 캐시도 넣지 않습니다. 공개 검사의 기댓값은 배포본을 만들 때 참조 풀이로 기록합니다. 배포본에서 dlgrade check는 공개 검사를 실행합니다.\n\n예:\n  dlgrade release dist/students --zip',
        "en": "Build the student bundle: package, stubs, statements and public checks.\n\nNo solutions, no hidden checks, no oracle cache: the public checks' expected\nvalues are recorded from the reference solution when the bundle is built.\nIn the bundle, dlgrade check runs the public checks.\n\nExample:  dlgrade release dist/students --zip"},
    'help.session': {
        "ko": '금요일 평가 세션: 세션 파일 검사, 채점, 실시간 지켜보기.\n\n예:\n  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db',
        "en": 'Friday evaluation sessions: check a session file, grade, watch live.\n\nExample:  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db'},
    'help.session check': {
        "ko": '세션 파일을 검증하고 그 뜻을 보여 줍니다.\n\n세션 시간대의 시각, 가중치, 지각 규칙을 보여 줍니다.\n\n예:\n  dlgrade session check examples/sessions/week3.yaml',
        "en": 'Validate a session file and show what it means (times in its zone, weights, late policy).\n\nExample:  dlgrade session check examples/sessions/week3.yaml'},
    'help.session grade': {
        "ko": '세션을 채점합니다.\n\n세션의 과제를 세션의 시드 솔트로 채점하고, 각 제출물의 시각에 지각 규칙을 적용해 가중 합계를 세션 이름으로 성적부에 기록합니다.\n\n시각은 각 파일이 제출물에 도착한 때입니다(학생 압축 파일의 수정 시각, 또는 학생 폴더 안 파일의 수정 시각). --times로 이를 덮어씁니다. zip 안에 적힌 시각은 학생이 마음대로 정할 수 있으므로, 세션 파일에 times_from: archive_entries라고 적혀 있을 때만(세션 시간대로 읽어) 인정합니다. 보고서에 각 시각의 출처가 나옵니다. 제출물의 모든 항목은 접수 요약에 빠짐없이 나오며, 같은 학생을 가리키는 항목들은 충돌로서 채점하지 않습니다(종료 코드 1). 다시 실행하면 이어서 채점합니다.\n\n예:\n  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db \\\n      --times examples/sessions/week3_times.csv',
        "en": "Grade a session: its exercises with its seed salt, the late policy applied to each\nsubmission's time, and weighted totals, into the gradebook under the session's name.\n\nTimes are when each file arrived in SUBMISSIONS (the modification time of the\nstudent's archive, or of the file in the student's folder); --times overrides\nthem. The times written inside zips are the students' to set: they count only\nif the session file says times_from: archive_entries (read in its time zone).\nThe report says where each time came from. Every entry of SUBMISSIONS is\naccounted for in the intake summary; entries that name the same student are a\nconflict, not graded (exit code 1). Rerunning resumes.\n\nExample:  dlgrade session grade examples/sessions/week3.yaml examples/class --db week3.db \\\n              --times examples/sessions/week3_times.csv"},
    'help.session watch': {
        "ko": '세션을 실시간으로 지켜봅니다.\n\n폴더에 새로 들어오거나 바뀐 제출물을 채점하고, 누가 제출했는지, 현재 점수와 분포를 보여 줍니다. Ctrl-C로 멈추고, 다시 시작하면 성적부에서 이어 갑니다(두 번 채점하지 않습니다).\n\n예:\n  dlgrade session watch examples/sessions/week3.yaml submissions/ --db week3.db',
        "en": 'Watch a session live: grade new or changed submissions as they appear in the folder,\nand show who has submitted, running scores and the distribution. Stop with Ctrl-C;\nstarting again continues from the gradebook (nothing is graded twice).\n\nExample:  dlgrade session watch examples/sessions/week3.yaml submissions/ --db week3.db'},
    'help.report': {
        "ko": '강사용 보고서.\n\n과제별 점수 분포, 많은 학생이 실패한 검사와 그 실패 메시지(묶어서), 도움이 필요한 학생, 이전 세션.\n\n예:\n  dlgrade report --db week3.db --session week3 --html week3.html',
        "en": "The instructor's report: score distribution per exercise, the checks most students\nfailed with their failure messages grouped, students who need help, and earlier sessions.\n\nExample:  dlgrade report --db week3.db --session week3 --html week3.html"},
    'help.similarity': {
        "ko": '한 과제에 대해 코드가 의심스러울 만큼 비슷한 학생 쌍을 보여 줍니다.\n\n변수 이름, 배치, 주석, 함수 순서가 달라도 찾아내며, 스텁의 코드는 빼고 비교합니다.\n\n제출물은 `dlgrade grade`처럼 읽습니다(학생마다 폴더 또는 zip 하나). 비교는 copydetect의 winnowing(MOSS와 같은 방식)입니다. 점수는 두 파일을 살펴볼 이유일 뿐 판정이 아닙니다. 종료 코드 0(보고서), 사용법 오류는 2.\n\n예:\n  dlgrade similarity submissions/ --exercises ex05\n  dlgrade similarity submissions/ --exercises ex05,ex06 --html similar.html --json',
        "en": "List pairs of students whose code for an exercise is suspiciously alike, whatever the\nvariable names, layout, comments or order of functions; the stub's code is left out.\n\nSUBMISSIONS is read as by `dlgrade grade` (one folder or zip per student). The\ncomparison is copydetect's winnowing (as in MOSS). A score is a reason to look at\nthe two files, not a verdict. Exit code 0 (a report), 2 on usage errors.\n\nExamples:  dlgrade similarity submissions/ --exercises ex05\n           dlgrade similarity submissions/ --exercises ex05,ex06 --html similar.html --json"},
    'help.override': {
        "ko": '한 학생의 한 과제 점수를 이유와 함께 직접 정합니다.\n\n다시 채점해도 유지되고, --clear 할 때까지 내보내기, 세션(지각 감점 없음), 피드백에 반영됩니다.\n\n예:\n  dlgrade override s17 ex05 --score 8 --reason "grader bug on a valid edge case" --db week3.db\n  dlgrade override s17 ex05 --clear --db week3.db',
        "en": 'Set one student\'s score for one exercise by hand, with the reason; it is kept across\nregrades and counts in exports, sessions (no late penalty) and feedback until --clear.\n\nExamples:  dlgrade override s17 ex05 --score 8 --reason "grader bug on a valid edge case" --db week3.db\n           dlgrade override s17 ex05 --clear --db week3.db'},
    'help.history': {
        "ko": '한 학생의 과제를 채점한 모든 버전.\n\n언제, 점수, 무엇이 바뀌었는지(새 제출물, 새 채점기, 고쳐지거나 깨진 검사), 수동 점수 조정 포함.\n\n예:\n  dlgrade history s17 --db week3.db\n  dlgrade history s17 ex05 --db week3.db --json',
        "en": "Every graded version of a student's exercises: when, the score, and what changed\n(a new submission, a new grader, checks fixed or broken), with overrides.\n\nExamples:  dlgrade history s17 --db week3.db\n           dlgrade history s17 ex05 --db week3.db --json"},
    'help.option:The course folder (course.yaml, graders, solutions). Grading commands never take it from the current folder: this, else $DLGRADE_COURSE/$DLGRADE_HOME, else the installed course.': {
        "ko": '과정 폴더(course.yaml, 채점기, 풀이). 채점 명령은 현재 폴더에서 찾지 않습니다: 이 값, 없으면 $DLGRADE_COURSE/$DLGRADE_HOME, 없으면 설치된 과정.',
        "en": 'The course folder (course.yaml, graders, solutions). Grading commands never take it from the current folder: this, else $DLGRADE_COURSE/$DLGRADE_HOME, else the installed course.'},
    'help.option:The SQLite gradebook (created if missing; reruns resume).': {
        "ko": 'SQLite 성적부(없으면 만듭니다; 다시 실행하면 이어서 채점).',
        "en": 'The SQLite gradebook (created if missing; reruns resume).'},
    'help.option:Parallel sandboxes (default: one per CPU).': {
        "ko": '동시에 실행할 샌드박스 수(기본값: CPU마다 하나).',
        "en": 'Parallel sandboxes (default: one per CPU).'},
    'help.option:Salt of the per-student seeds (e.g. the session name).': {
        "ko": '학생별 시드의 솔트(예: 세션 이름).',
        "en": 'Salt of the per-student seeds (e.g. the session name).'},
    'help.option:Regrade even unchanged submissions.': {
        "ko": '바뀌지 않은 제출물도 다시 채점합니다.',
        "en": 'Regrade even unchanged submissions.'},
    'help.option:Write one Markdown feedback file per student into this folder.': {
        "ko": '학생마다 Markdown 피드백 파일 하나를 이 폴더에 씁니다.',
        "en": 'Write one Markdown feedback file per student into this folder.'},
    'help.option:Print {"results": per student and exercise score, max_score and status, "intake": what became of every entry, "changes": regraded scores that went up or down} as JSON.': {
        "ko": '{"results": 학생과 과제마다 점수, max_score, 상태, "intake": 각 항목의 처리 결과, "changes": 다시 채점해 오르거나 내린 점수}를 JSON으로 출력합니다.',
        "en": 'Print {"results": per student and exercise score, max_score and status, "intake": what became of every entry, "changes": regraded scores that went up or down} as JSON.'},
    'help.option:Comma-separated student ids: grade (or with --force regrade) only them.': {
        "ko": '쉼표로 구분한 학번: 이 학생들만 채점합니다(--force와 함께면 다시 채점).',
        "en": 'Comma-separated student ids: grade (or with --force regrade) only them.'},
    'help.option:Seconds to wait for another run grading into the same gradebook before refusing.': {
        "ko": '같은 성적부에 채점 중인 다른 실행을 거부하기 전에 기다릴 초.',
        "en": 'Seconds to wait for another run grading into the same gradebook before refusing.'},
    'help.option:Allow grading without bubblewrap (resource limits only).': {
        "ko": 'bubblewrap 없이 채점을 허용합니다(자원 제한만 적용).',
        "en": 'Allow grading without bubblewrap (resource limits only).'},
    'help.option:The gradebook to export.': {
        "ko": '내보낼 성적부.',
        "en": 'The gradebook to export.'},
    'help.option:Write to this file instead of standard output.': {
        "ko": '표준 출력 대신 이 파일에 씁니다.',
        "en": 'Write to this file instead of standard output.'},
    "help.option:Export this session's grades: weighted, late-adjusted totals as session grade computed them.": {
        "ko": '이 세션의 성적을 내보냅니다: session grade가 계산한 가중치·지각 감점 반영 합계.',
        "en": "Export this session's grades: weighted, late-adjusted totals as session grade computed them."},
    'help.option:The autograder zip to write.': {
        "ko": '쓸 자동 채점기 zip 파일.',
        "en": 'The autograder zip to write.'},
    'help.option:Salt of the per-student seeds of the hidden checks.': {
        "ko": '숨은 검사의 학생별 시드의 솔트.',
        "en": 'Salt of the per-student seeds of the hidden checks.'},
    'help.option:The LMS to import into.': {
        "ko": '가져올 LMS.',
        "en": 'The LMS to import into.'},
    'help.option:Canvas: the column that holds the student id.': {
        "ko": 'Canvas: 학번이 들어 있는 열.',
        "en": 'Canvas: the column that holds the student id.'},
    'help.option:Skip grading the stubs and solutions.': {
        "ko": '스텁과 풀이 채점을 건너뜁니다.',
        "en": 'Skip grading the stubs and solutions.'},
    'help.option:Also write OUT.zip.': {
        "ko": '폴더와 같은 이름의 zip 파일(폴더.zip)도 만듭니다.',
        "en": 'Also write OUT.zip.'},
    'help.option:Replace an earlier bundle in OUT.': {
        "ko": '폴더에 있던 이전 배포본을 바꿉니다.',
        "en": 'Replace an earlier bundle in OUT.'},
    'help.option:Print the validated session as JSON.': {
        "ko": '검증한 세션을 JSON으로 출력합니다.',
        "en": 'Print the validated session as JSON.'},
    "help.option:CSV student,submitted_at[,exercise] overriding the files' times (ISO 8601).": {
        "ko": '파일 시각을 덮어쓰는 CSV: student,submitted_at[,exercise] (ISO 8601).',
        "en": "CSV student,submitted_at[,exercise] overriding the files' times (ISO 8601)."},
    'help.option:Regrade even unchanged submissions; also accept a session whose exercises, weights, times or late policy changed since the gradebook stored it.': {
        "ko": '바뀌지 않은 제출물도 다시 채점합니다. 성적부에 저장된 뒤 과제, 가중치, 시각 또는 지각 규칙이 바뀐 세션도 받아들입니다.',
        "en": 'Regrade even unchanged submissions; also accept a session whose exercises, weights, times or late policy changed since the gradebook stored it.'},
    "help.option:Print each student's exercises and weighted total as JSON.": {
        "ko": '학생마다 과제와 가중 합계를 JSON으로 출력합니다.',
        "en": "Print each student's exercises and weighted total as JSON."},
    'help.option:Seconds between scans of the folder.': {
        "ko": '폴더를 살펴보는 간격(초).',
        "en": 'Seconds between scans of the folder.'},
    'help.option:Scan and grade once, print the view and stop.': {
        "ko": '한 번 살펴보고 채점한 뒤 화면을 출력하고 멈춥니다.',
        "en": 'Scan and grade once, print the view and stop.'},
    "help.option:Stop by itself at this time (ISO 8601; in the session's time zone without an offset).": {
        "ko": '이 시각에 스스로 멈춥니다(ISO 8601; 오프셋이 없으면 세션 시간대).',
        "en": "Stop by itself at this time (ISO 8601; in the session's time zone without an offset)."},
    'help.option:Parallel sandboxes.': {
        "ko": '동시에 실행할 샌드박스 수.',
        "en": 'Parallel sandboxes.'},
    "help.option:Report on this session (default: the gradebook's current results).": {
        "ko": '이 세션에 대한 보고서(기본값: 성적부의 현재 결과).',
        "en": "Report on this session (default: the gradebook's current results)."},
    'help.option:Also write the report as one self-contained HTML page (charts included; opens offline).': {
        "ko": '보고서를 독립된 HTML 페이지 하나로도 씁니다(차트 포함; 오프라인에서 열림).',
        "en": 'Also write the report as one self-contained HTML page (charts included; opens offline).'},
    "help.option:Also write each student's feedback file into this folder; the HTML report links them.": {
        "ko": '학생별 피드백 파일도 이 폴더에 씁니다. HTML 보고서가 이 파일들에 연결합니다.',
        "en": "Also write each student's feedback file into this folder; the HTML report links them."},
    "help.option:Print the report's data as JSON.": {
        "ko": '보고서 데이터를 JSON으로 출력합니다.',
        "en": "Print the report's data as JSON."},
    'help.option:Comma-separated exercises to compare, or all.': {
        "ko": '비교할 과제(쉼표로 구분), 또는 all.',
        "en": 'Comma-separated exercises to compare, or all.'},
    'help.option:Show pairs where at least this share of one file is in the other (default 0.6).': {
        "ko": '한 파일의 적어도 이 비율이 다른 파일에 있는 쌍을 보여 줍니다(기본값 0.6).',
        "en": 'Show pairs where at least this share of one file is in the other (default 0.6).'},
    "help.option:Also write one HTML page with each pair's files side by side, shared code marked.": {
        "ko": '각 쌍의 파일을 나란히 놓고 공통 코드를 표시한 HTML 페이지도 씁니다.',
        "en": "Also write one HTML page with each pair's files side by side, shared code marked."},
    'help.option:Print the pairs as JSON.': {
        "ko": '쌍을 JSON으로 출력합니다.',
        "en": 'Print the pairs as JSON.'},
    "help.option:The exercise's score in its points (replaces the graded one).": {
        "ko": '과제의 점수(그 과제의 배점 기준; 채점된 점수를 대신함).',
        "en": "The exercise's score in its points (replaces the graded one)."},
    'help.option:Why (kept with who and when; shown in the report and feedback).': {
        "ko": '이유(누가, 언제와 함께 보관되며 보고서와 피드백에 표시).',
        "en": 'Why (kept with who and when; shown in the report and feedback).'},
    'help.option:Take the override back: the graded score counts again.': {
        "ko": '수동 점수 조정을 취소합니다: 채점된 점수가 다시 반영됩니다.',
        "en": 'Take the override back: the graded score counts again.'},
    'help.option:Print what was recorded as JSON.': {
        "ko": '기록한 내용을 JSON으로 출력합니다.',
        "en": 'Print what was recorded as JSON.'},
    'help.option:Print every version as JSON.': {
        "ko": '모든 버전을 JSON으로 출력합니다.',
        "en": 'Print every version as JSON.'},
    'click.placeholder:SUBMISSIONS': {"ko": '제출물', "en": 'SUBMISSIONS'},
    'click.placeholder:SESSION': {"ko": '세션', "en": 'SESSION'},
    'click.placeholder:STUDENT': {"ko": '학번', "en": 'STUDENT'},
    'click.placeholder:OUT': {"ko": '폴더', "en": 'OUT'},
    'click.placeholder:FLOAT': {"ko": '실수', "en": 'FLOAT'},
    'click.placeholder:FLOAT RANGE': {"ko": '실수 범위', "en": 'FLOAT RANGE'},
    'click:required': {"ko": '필수', "en": 'required'},
})


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
    "late.reason.on_time": {"ko": "제시간 제출", "en": "on time"},
    "late.reason.early": {"ko": "시작 전에 만든 파일 (확인 필요)", "en": "dated before the session opened (check it)"},
    "late.reason.unknown": {"ko": "제출 시각 없음", "en": "no submission time"},
    "late.reason.none": {"ko": "{minutes} 늦음 (감점 없음)", "en": "{minutes} late (no penalty)"},
    "late.reason.zero": {"ko": "{minutes} 늦음 → 0점", "en": "{minutes} late → scored 0"},
    "late.reason.percent": {"ko": "{minutes} 늦음: {per:g}분마다 {percent:g}% × {steps} → {kept:g}% 인정",
                            "en": "{minutes} late: {steps} × {percent:g}% per started {per:g} min → {kept:g}% kept"},
    "late.reason.floor": {"ko": "{minutes} 늦음: 최저 {floor:g}%까지 감점 → {kept:g}% 인정",
                          "en": "{minutes} late: penalty capped at the {floor:g}% floor → {kept:g}% kept"},
    "session.error.missing": {"ko": "파일이 없습니다: {path}", "en": "file not found: {path}"},
    "session.error.unreadable": {"ko": "{path}을(를) 읽을 수 없습니다 ({error}); UTF-8 텍스트로 저장하세요",
                                 "en": "cannot read {path} ({error}); save it as UTF-8 text"},
    "session.error.yaml": {"ko": "{file}, {where}: YAML 문법 오류 ({problem}); 들여쓰기와 콜론을 확인하세요",
                           "en": "{file}, {where}: YAML syntax error ({problem}); check the indentation and colons"},
    "session.error.not_mapping": {"ko": "{file}: 'name: …', 'exercises: …' 같은 키: 값 목록이어야 합니다",
                                  "en": "{file}: must be a mapping of keys such as 'name: …', 'exercises: …'"},
    "session.error.unknown_field": {"ko": "알 수 없는 항목입니다; 쓸 수 있는 항목: {valid}",
                                    "en": "unknown field; valid fields: {valid}"},
    "session.error.required": {"ko": "반드시 있어야 합니다 (예: {example})", "en": "is required (e.g. {example})"},
    "session.error.name": {"ko": "세션 이름이 필요합니다 (예: name: week3)", "en": "needs a name (e.g. name: week3)"},
    "session.error.timezone": {"ko": "'{value}'은(는) IANA 시간대 이름이 아닙니다 (예: Asia/Seoul, UTC)",
                               "en": "'{value}' is not an IANA time zone name (e.g. Asia/Seoul, UTC)"},
    "session.error.time": {"ko": "'{value}'은(는) 날짜와 시각이 아닙니다; 2026-11-27 14:00 또는 "
                                 "2026-11-27T14:00:00+09:00 형식으로 쓰세요",
                           "en": "'{value}' is not a date and time; write 2026-11-27 14:00 or "
                                 "2026-11-27T14:00:00+09:00"},
    "session.error.closes_before_opens": {"ko": "마감({closes})이 시작({opens})보다 뒤여야 합니다",
                                          "en": "must be after opens ({opens}), got {closes}"},
    "session.error.exercises": {"ko": "과제와 가중치 목록이 필요합니다 (예: exercises: {{ex04: 30, ex05: 70}}); "
                                      "과제: {valid}",
                                "en": "needs exercises with weights (e.g. exercises: {{ex04: 30, ex05: 70}}); "
                                      "exercises: {valid}"},
    "session.error.unknown_exercise": {"ko": "'{exercise}'은(는) 없는 과제입니다; 쓸 수 있는 과제: {valid}",
                                       "en": "unknown exercise '{exercise}'; valid exercises: {valid}"},
    "session.error.duplicate_exercise": {"ko": "{exercise}이(가) 두 번 나옵니다; 하나만 남기세요",
                                         "en": "{exercise} is listed twice; keep one"},
    "session.error.weight": {"ko": "{exercise}의 가중치 '{value}'은(는) 양수여야 합니다 (예: {exercise}: 30)",
                             "en": "the weight of {exercise} must be a positive number, got '{value}' "
                                   "(e.g. {exercise}: 30)"},
    "session.error.late_shape": {"ko": "'{value}'은(는) 지각 규정이 아닙니다; none, zero, 또는 "
                                       "{{percent: 10, per_minutes: 10, floor: 50}}",
                                 "en": "'{value}' is not a late policy; use none, zero, or "
                                       "{{percent: 10, per_minutes: 10, floor: 50}}"},
    "session.error.late_percent": {"ko": "감점 비율 '{value}'은(는) 0보다 크고 100 이하인 수여야 합니다",
                                   "en": "percent must be a number above 0 and at most 100, got '{value}'"},
    "session.error.late_per_minutes": {"ko": "per_minutes '{value}'은(는) 0보다 큰 분 단위 수여야 합니다",
                                       "en": "per_minutes must be a number of minutes above 0, got '{value}'"},
    "session.error.late_floor": {"ko": "floor '{value}'은(는) 0에서 100 사이여야 합니다 (남는 점수의 최저 %)",
                                 "en": "floor must be between 0 and 100 (the lowest percent kept), got '{value}'"},
    "session.error.salt": {"ko": "seed_salt는 글자나 숫자여야 합니다", "en": "seed_salt must be text or a number"},
    "session.error.roster_field": {"ko": "명단 CSV 파일의 경로여야 합니다 (예: roster: roster.csv)",
                                   "en": "must be the path of a roster CSV file (e.g. roster: roster.csv)"},
    "session.error.roster": {"ko": "{problem}", "en": "{problem}"},
    "session.error.csv_empty": {"ko": "{path}이(가) 비어 있습니다; 첫 줄은 머리글이어야 합니다: {header}",
                                "en": "{path} is empty; its first line must be the header: {header}"},
    "session.error.csv_column": {"ko": "{path}, line 1: '{column}' 열이 없습니다 (머리글: {header}); "
                                       "머리글을 {expected}(으)로 쓰세요",
                                 "en": "{path}, line 1: no '{column}' column (header: {header}); "
                                       "write the header as {expected}"},
    "session.error.roster_no_id": {"ko": "학생 아이디가 비어 있습니다", "en": "the student id is empty"},
    "session.error.roster_duplicate": {"ko": "{student}이(가) 다시 나옵니다 (처음: line {first}); 한 줄만 남기세요",
                                       "en": "{student} appears again (first on line {first}); keep one line"},
})

MESSAGES.update({
    "session.problems": {"ko": "세션 파일에 고칠 곳이 {n}개 있습니다:", "en": "the session file has {n} problem(s):"},
    "session.no_folder": {"ko": "제출 폴더가 없습니다: {path} (학생마다 폴더나 zip 파일 하나가 든 폴더를 지정하세요)",
                          "en": "no such folder: {path} (give the folder holding one folder or zip per student)"},
    "session.summary": {"ko": "세션 {name}: {opens} ~ {closes} ({tz})\n과제(가중치): {exercises}\n지각: {late}\n"
                              "시드 솔트: {salt} · 명단: {roster}",
                        "en": "Session {name}: {opens} to {closes} ({tz})\nexercises (weight): {exercises}\n"
                              "late: {late}\nseed salt: {salt} · roster: {roster}"},
    "session.late.none": {"ko": "감점 없음 (늦은 제출은 표시만 함)", "en": "no penalty (late submissions are marked)"},
    "session.late.zero": {"ko": "마감 후 제출은 0점", "en": "zero after the close"},
    "session.late.percent": {"ko": "마감 후 {per_minutes:g}분이 시작될 때마다 {percent:g}% 감점, 최저 {floor:g}%",
                             "en": "{percent:g}% off per started {per_minutes:g} minutes after the close, "
                                   "down to {floor:g}% at the lowest"},
    "session.roster_n": {"ko": "{n}명", "en": "{n} students"},
    "session.next": {"ko": "보고서: dlgrade report --db {db} --session {session} --html {session}.html",
                     "en": "Report: dlgrade report --db {db} --session {session} --html {session}.html"},
    "report.no_db": {"ko": "성적부가 없습니다: {path}", "en": "no such gradebook: {path}"},
    "report.title_session": {"ko": "평가 세션 {session}", "en": "Evaluation session {session}"},
    "report.title_gradebook": {"ko": "성적부 전체 (현재 결과)", "en": "The whole gradebook (current results)"},
    "report.exercises": {"ko": "과제별 점수 분포 (제출자 기준, 지각 감점 전)",
                         "en": "Score distribution per exercise (submitters, before late penalties)"},
    "report.totals": {"ko": "합계 분포 (가중치·지각 반영): 평균 {mean:.0f}%, 중앙값 {median:.0f}%",
                      "en": "Totals (weighted, after late penalties): mean {mean:.0f}%, median {median:.0f}%"},
    "report.items": {"ko": "가장 많이 실패한 검사", "en": "Checks failed most"},
    "report.help": {"ko": "도움이 필요한 학생", "en": "Students who need help"},
    "report.history": {"ko": "세션별 평균 (시간순)", "en": "Sessions over time (means)"},
    "report.unknown": {"ko": "명단에 없는 제출자: {students}", "en": "submitters not in the roster: {students}"},
    "report.absent": {"ko": "제출하지 않은 학생: {students}", "en": "absent (nothing handed in): {students}"},
    "report.col.student": {"ko": "학생", "en": "Student"},
    "report.students": {"ko": "학생별 점수", "en": "Every student"},
    "report.badge.late": {"ko": "지각", "en": "late"},
    "report.badge.early": {"ko": "시작 전", "en": "before opening"},
    "report.col.name": {"ko": "이름", "en": "Name"},
    "report.col.submitted": {"ko": "제출", "en": "Submitted"},
    "report.col.histogram": {"ko": "분포 (0→100%)", "en": "Distribution (0→100%)"},
    "report.col.failed": {"ko": "실패", "en": "Failed"},
    "report.col.messages": {"ko": "주요 실패 메시지 (숫자는 #)", "en": "Most common failure messages (numbers as #)"},
    "report.col.why": {"ko": "이유", "en": "Why"},
    "report.col.session": {"ko": "세션", "en": "Session"},
    "report.col.opens": {"ko": "시작", "en": "Opened"},
    "report.col.students": {"ko": "학생 수", "en": "Students"},
    "report.col.mean_total": {"ko": "평균 합계", "en": "Mean total"},
    "report.help.low_total": {"ko": "합계 {percent:.0f}%", "en": "total {percent:.0f}%"},
    "report.help.missing": {"ko": "{of}개 중 {n}개 미제출 또는 거부 ({exercises})",
                            "en": "{n} of {of} not handed in or refused ({exercises})"},
    "report.help.error": {"ko": "{exercise}: 코드 실행 오류", "en": "{exercise}: the code raised an error"},
    "report.help.timeout": {"ko": "{exercise}: 시간 초과", "en": "{exercise}: timed out"},
    "report.help.forbidden": {"ko": "{exercise}: 금지된 함수 사용", "en": "{exercise}: used a forbidden name"},
    "report.help.late": {"ko": "지각 감점: {exercises}", "en": "late penalty: {exercises}"},
})

MESSAGES.update({
    "session.watch.clock": {"ko": "{session} · {now} ({tz}) · {when}", "en": "{session} · {now} ({tz}) · {when}"},
    "session.watch.opens_in": {"ko": "{left} 후 시작", "en": "opens in {left}"},
    "session.watch.closes_in": {"ko": "마감까지 {left}", "en": "closes in {left}"},
    "session.watch.closed_ago": {"ko": "마감 후 {left} 지남", "en": "closed {left} ago"},
    "session.watch.waiting": {"ko": "제출을 기다리는 중…", "en": "waiting for submissions…"},
    "session.watch.counts": {"ko": "제출 {submitted}/{students}명 · 미제출 {absent}명 · 평균 {mean:.0f}%",
                     "en": "{submitted}/{students} handed in · {absent} absent · mean {mean:.0f}%"},
    "session.watch.stop": {"ko": "Ctrl-C로 멈춥니다 (다시 실행하면 이어서 채점합니다)",
                   "en": "Ctrl-C stops (run again to continue where it stopped)"},
    "session.watch.stopped": {"ko": "멈췄습니다: 이번에 {graded}건 채점. 결과는 {db}에 있습니다.",
                      "en": "stopped: {graded} graded this run; the results are in {db}"},
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
    "devcheck.no_hidden_check": {"ko": "채점기에 숨은 검사가 없습니다", "en": "the grader has no hidden check"},
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


# --------------------------------------------------------------------------- feedback
# A check's message is written once, in English, when the check runs (it is stored in
# the gradebook and sent to Gradescope as is).  The fixed phrases of the reports that
# dlgrade.grading.compare, the grading runner and the sandbox write are shown in Korean
# when the student reads Korean: English phrase (a regular expression) → Korean.  The
# code in a message (calls, shapes, numbers) is left as it is.
FEEDBACK_KO: tuple[tuple[str, str], ...] = (
    (r"not equal to tolerance rtol=(\S+), atol=(\S+) \((\S+) result\)",
     r"허용 오차(rtol=\1, atol=\2) 안에서 같지 않습니다 (결과 자료형 \3)"),
    (r"not equal \((\S+) result, exact comparison\)", r"같지 않습니다 (결과 자료형 \1, 정확히 비교)"),
    (r"shape mismatch: expected (.+?), got (.+)$", r"shape가 다릅니다: 기대 \1, 실제 \2"),
    (r"expected a numpy\.ndarray of shape (\S+(?: \S+)*?), got the scalar (.+)$",
     r"shape \1인 numpy.ndarray를 기대했지만 스칼라 값(\2)을 돌려받았습니다"),
    (r"expected a numpy\.ndarray of shape (.+?), got (.+)$", r"shape \1인 numpy.ndarray를 기대했지만 받은 값: \2"),
    (r"expected a numpy\.ndarray, got (.+)$", r"numpy.ndarray를 기대했지만 받은 값: \1"),
    (r"expected a number, got (.+)$", r"숫자를 기대했지만 받은 값: \1"),
    (r"expected numbers, got (.+)$", r"숫자를 기대했지만 받은 값: \1"),
    (r"NaN or infinity where a finite number was expected \((\d+) element\(s\), first at index (.+)\)$",
     r"유한한 수가 나와야 할 곳에 NaN 또는 무한대가 있습니다 (\1개, 첫 위치 \2)"),
    (r"^relative difference of order (\S+)$", r"상대 오차의 크기: 약 \1"),
    (r"^absolute difference: (\S+), relative difference: (\S+)$", r"절대 오차: \1, 상대 오차: \2"),
    (r"^Mismatched elements: (.+)$", r"다른 원소: \1"),
    (r"^First mismatching indices: (.+)$", r"처음으로 다른 위치: \1"),
    (r"^First mismatches \(index: got, expected\):$", r"처음으로 다른 원소 (위치: 실제, 기대):"),
    (r"^Max absolute difference: (\S+)(.*)$", r"최대 절대 오차: \1\2"),
    (r"^Max relative difference: (\S+)$", r"최대 상대 오차: \1"),
    (r"\(at index (.+)\)$", r"(위치 \1)"),
    (r"^ got:      ", r" 실제:  "),
    (r"^ got: ", r" 실제: "),
    (r"^ expected: ", r" 기대:  "),
    (r"^last call: ", r"마지막 호출: "),
    (r"^likely mistake: ", r"예상되는 실수: "),
    (r"right value, wrong type: return (?:an? )?(.+?) \((.+?)\), not (.+)$", r"값은 맞지만 자료형이 틀렸습니다: \3 대신 \1(\2)를 돌려주세요"),
    (r"(\S+) is not allowed in this exercise \(reached as (.+)\)$", r"이 과제에서는 \1을(를) 쓸 수 없습니다 (\2 경로로 닿음)"),
    (r"(\S+) is not allowed in this exercise$", r"이 과제에서는 \1을(를) 쓸 수 없습니다"),
    (r"wrong value \(got (.+)\)$", r"값이 틀렸습니다 (받은 값: \1)"),
    (r": expected (.+), got (.+)$", r": 기대 \1, 실제 \2"),
    (r"None \(did the function forget to return\?\)", r"None (함수가 return을 빠뜨렸나요?)"),
    (r"(.+) did not finish within (\S+) s \(time limit\); look for an infinite loop or a very slow computation",
     r"\1이(가) 제한 시간 \2초 안에 끝나지 않았습니다. 무한 루프나 아주 느린 계산이 있는지 확인하세요"),
    (r"the code printed more than (\d+) KiB of output \(output limit\); the process was stopped",
     r"코드가 \1 KiB 넘게 출력해서(출력 제한) 프로세스를 멈췄습니다"),
    (r"^(\S+) could not be loaded: (.+)$", r"\1 파일을 불러오지 못했습니다: \2"),
    (r"not run: earlier checks used up the exercise's time budget \((\S+) s\)",
     r"실행하지 않음: 앞의 검사들이 이 과제의 시간 예산(\1초)을 모두 썼습니다"),
    (r"the grader failed on this check; please tell your instructor",
     r"채점기가 이 검사에서 오류를 냈습니다. 강사에게 알려 주세요"),
    (r"the process running your code (?:died|ended|was killed) during (.+)$",
     r"\1 중에 코드를 실행하던 프로세스가 끝났습니다"),
    (r"your code ended the process during (.+) \(exit code (\S+)\)$",
     r"\1 중에 코드가 프로세스를 끝냈습니다 (종료 코드 \2)"),
    (r"your code left (\d+) process\(es\) running; they were killed",
     r"코드가 남긴 프로세스 \1개를 종료했습니다"),
    # The sandbox: replies past a limit.
    (r"the reply from the sandbox was malformed or too large \((.+)\)$",
     r"샌드박스의 응답이 잘못되었거나 한도를 넘었습니다 (\1)"),
    (r"the sandbox sent a malformed reply(.*)$", r"샌드박스가 잘못된 응답을 보냈습니다\1"),
    (r"the sandbox answered only part of the requests", r"샌드박스가 요청의 일부에만 응답했습니다"),
    (r"the result of (.+) is larger than (\d+) MiB \(size limit\)", r"\1의 결과가 \2 MiB를 넘습니다 (크기 제한)"),
)

# Trust: the phrases of tool errors and unchecked files.
FEEDBACK_KO += (
    (r"the file is nested too deeply to be checked for forbidden names \((.+)\); "
     r"write the long expression in several steps",
     r"파일이 너무 깊게 중첩되어 금지된 함수를 쓰는지 검사할 수 없습니다 (\1). 긴 식을 여러 단계로 나누어 쓰세요"),
)


def localize_feedback(text: str, lang: str) -> str:
    """A check's message with its fixed phrases in ``lang`` (see FEEDBACK_KO)."""
    import re

    if lang != "ko" or not text:
        return text
    lines = []
    for line in text.split("\n"):
        if len(line) <= LOCALIZED_LINE:
            for pattern, replacement in FEEDBACK_KO + GRADERS_FEEDBACK_KO:
                line = re.sub(pattern, replacement, line)
        lines.append(line)
    return "\n".join(lines)


#: Longer lines are left as they are: the fixed phrases are short, a long line is what student
#: code printed or raised, and several patterns take time quadratic in a line's length
#: (a 20 000-character line took seconds per pattern).
LOCALIZED_LINE = 1000


# --------------------------------------------------------------------------- feedback from templates
def _template_feedback(keys) -> tuple[tuple[str, str], ...]:
    """FEEDBACK_KO entries for messages stored in English from a MESSAGES template: the
    English template, its fields as groups, becomes the Korean one."""
    import re

    entries = []
    for key in keys:
        en, ko = MESSAGES[key]["en"], MESSAGES[key]["ko"]
        pattern, seen = "", set()
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", en):
            pattern += re.escape(literal)
            if name:
                pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.+?)"
                seen.add(name)
        replacement = re.sub(r"\{(\w+)\}", r"\\g<\1>", ko.replace("\\", "\\\\"))
        entries.append((f"^{pattern}$", replacement))
    return tuple(entries)


# Notebooks and encodings: where in a notebook, and why a file cannot be read.
FEEDBACK_KO += (
    (r"\bcell (\d+), line (\d+)", r"\1번 셀 \2번째 줄"),
    (r"\bIn \[(\d+)\], line (\d+)", r"In [\1] 셀 \2번째 줄"),
) + _template_feedback(key for key in MESSAGES if key.startswith("source."))


# The student's flow: the Korean of the feedback phrases written for it.
FEEDBACK_KO += (
    (r"^(\S+) imports (\S+), which is not there when your code is graded: only Python's standard library and "
     r"NumPy are\. Remove the import; (.+) (?:is|are) forbidden in this exercise\.$",
     r"\1이(가) \2을(를) import하지만 채점할 때는 \2이(가) 없습니다 (파이썬 표준 라이브러리와 NumPy만 있습니다). "
     r"import를 지우세요. 이 과제에서 \3은(는) 금지되어 있습니다."),
    (r"^(\S+) imports (\S+), which is not there when your code is graded: only Python's standard library and "
     r"NumPy are\. Remove the import\.$",
     r"\1이(가) \2을(를) import하지만 채점할 때는 \2이(가) 없습니다 (파이썬 표준 라이브러리와 NumPy만 있습니다). "
     r"import를 지우세요."),
    (r"^(\S+) has no attribute '(\w+)'$", r"\1에 \2이(가) 없습니다"),
    (r"^(\S+) defines (\S+), not (\S+): did you mean to name it \3\?$",
     r"\1에는 \3이(가) 아니라 \2이(가) 정의되어 있습니다. 혹시 이름을 \3(으)로 쓰려던 것인가요?"),
)


# A name the exercise asks for, defined as something else.
FEEDBACK_KO += _template_feedback(("feedback.not_a_function", "feedback.not_a_class")) + (
    (r"이\(가\) a class입니다 \(", r"이(가) 클래스입니다 ("),
    (r"이\(가\) a module입니다 \(", r"이(가) 모듈입니다 ("),
    (r"이\(가\) an object of type (\S+)입니다 \(", r"이(가) \1 객체입니다 ("),
)
