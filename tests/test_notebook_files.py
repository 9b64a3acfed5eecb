"""Notebooks handed in (.ipynb) graded as their code cells, with feedback pointing into the
notebook; files read as Python reads them (BOM, coding line, a clear message otherwise)."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from conftest import ROOT, SUBMISSIONS, expected_failures
from dlgrade.bulk.collect import StudentSubmission, SubmittedFile, collect
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.bulk.grade_class import grade_class
from dlgrade.cli import main
from dlgrade.grading.grade_submission import read_submission
from dlgrade.grading.source import describe, python_text, submission_source, UnreadableSource
from dlgrade.grading import notebook_source as convert
from dlgrade.grading.notebook_source import python_lines
from dlgrade.sandbox import choose_backend

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
MUTANT = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
EX05_POINTS = 22


def lines_of(text):
    return text.splitlines(keepends=True)


def code(text, **extra):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text, **extra}


def markdown(text, **extra):
    return {"cell_type": "markdown", "metadata": {}, "source": text, **extra}


def notebook_json(cells, *, minor=5, metadata=None) -> bytes:
    return json.dumps({"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": minor},
                      ensure_ascii=False, indent=1).encode("utf-8")


# The solution split over cells, with the IPython syntax students' notebooks are full of.
SETUP = "%matplotlib inline\n!pip install -q numpy\n%load_ext autoreload\n%autoreload 2\nimport numpy as np\nnp.sum?\n"
HEAD, _, TAIL = SOLUTION.partition("\ndef correlate(")
TAIL = "def correlate(" + TAIL
TRY_IT = "%%time\nprint(correlate([1, 2, 3], [1, 1]))\nfiles = !ls\n"


def saved_by(editor: str) -> bytes:
    """The same notebook as each editor writes it (their JSON, as found in the wild)."""
    if editor == "jupyterlab":  # nbformat 4.5: cell ids, source as a list of lines, outputs kept
        cells = [markdown(lines_of("# 합성곱\n설명"), id="a1"), code(lines_of(SETUP), id="b2"),
                 code(lines_of(HEAD), id="c3",
                      outputs=[{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}], execution_count=3),
                 code(lines_of(TAIL), id="d4"), code(lines_of(TRY_IT), id="e5")]
        return notebook_json(cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"},
                                              "language_info": {"name": "python", "version": "3.11.7"}})
    if editor == "jupyter-classic":  # nbformat 4.4, no ids, source as one string
        cells = [markdown("# 합성곱"), code(SETUP), code(HEAD), code(TAIL), code(TRY_IT)]
        return notebook_json(cells, minor=4, metadata={"kernelspec": {"name": "python3"}})
    if editor == "vscode":
        cells = [markdown(lines_of("# 합성곱")), code(lines_of(SETUP)), code(lines_of(HEAD)), code(lines_of(TAIL)),
                 code(lines_of(TRY_IT))]
        return notebook_json(cells, minor=2, metadata={
            "kernelspec": {"display_name": ".venv", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "codemirror_mode": {"name": "ipython", "version": 3}},
            "vscode": {"interpreter": {"hash": "0f" * 32}}, "orig_nbformat": 4})
    if editor == "colab":  # nbformat 4.0, ids in each cell's metadata, Colab's own metadata
        cells = [markdown(lines_of("# 합성곱"), metadata={"id": "Xy12"}),
                 code(lines_of(SETUP), metadata={"id": "q1", "colab": {"base_uri": "https://localhost:8080/"},
                                                 "outputId": "9f"}),
                 code(lines_of(HEAD), metadata={"id": "q2"}), code(lines_of(TAIL), metadata={"id": "q3"}),
                 code(lines_of(TRY_IT), metadata={"id": "q4", "cellView": "form"})]
        return notebook_json(cells, minor=0, metadata={"colab": {"provenance": [], "name": "ex05.ipynb"},
                                                       "kernelspec": {"name": "python3", "display_name": "Python 3"},
                                                       "language_info": {"name": "python"}, "accelerator": "GPU"})
    if editor == "nbformat3":  # an old notebook (IPython 2): worksheets, "input"
        cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 합성곱"]}] + [
            {"cell_type": "code", "collapsed": False, "input": lines_of(text), "language": "python", "metadata": {},
             "outputs": [], "prompt_number": None} for text in (SETUP, HEAD, TAIL, TRY_IT)]
        return json.dumps({"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0,
                           "worksheets": [{"cells": cells, "metadata": {}}]}).encode("utf-8")
    raise AssertionError(editor)


EDITORS = ["jupyterlab", "jupyter-classic", "vscode", "colab", "nbformat3"]


# ----------------------------------------------------------------------------- notebooks
@pytest.mark.parametrize("editor", EDITORS)
def test_a_correct_notebook_from_every_editor_gets_full_marks(editor, tmp_path, grade_file):
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(saved_by(editor))
    result = grade_file("ex05", path)
    assert [c.name for c in result.checks if not c.passed] == []
    assert result.score == result.max_score == EX05_POINTS
    # The %%time cell's body ran (it prints); the magics and shell escapes did nothing.
    assert "[2 5 3]" in result.output or "[3 5]" in result.output


@pytest.mark.parametrize("plain", [False, True], ids=["ipython", "without-ipython"])
def test_magics_and_escapes_neither_run_nor_fail(plain, tmp_path, grade_file, monkeypatch):
    if plain:
        monkeypatch.setattr(convert, "_ipython_rewrite", lambda: None)
    cell = ("%matplotlib inline\n!rm -rf ~ \\\n   --no-preserve-root\nfiles = !ls\nhere = %pwd\nnp.sum?\n?np\n"
            "def noisy():\n    %time x = 1\n    return 2\n")
    nb = notebook_json([code("import numpy as np\nimport os\n"), code(cell), code(SOLUTION),
                        code("%%bash\nrm -rf /\necho hi\n"), code("%%writefile x.py\nthis is not python\n"),
                        code("%%capture out\nprint('captured')\n")])
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(nb)
    source = read_submission(path)
    assert "get_ipython" not in source
    compile(source, "ex05.ipynb", "exec")
    result = grade_file("ex05", path)
    assert result.score == EX05_POINTS, [c.message for c in result.checks if not c.passed]
    assert "captured" in result.output  # %%capture's body is Python: it ran


@pytest.mark.parametrize("plain", [False, True], ids=["ipython", "without-ipython"])
def test_every_cell_keeps_its_number_of_lines(plain, monkeypatch):
    if plain:
        monkeypatch.setattr(convert, "_ipython_rewrite", lambda: None)
    cells = ["%matplotlib inline\nx = 1", "!pip install \\\n  numpy \\\n  scipy\ny = 2", "\n\n  a = 1\n  b = 2",
             "%%time\nz = 3\nw = 4", "%%html\n<b>x</b>", "s = '''\n%not a magic\n'''", "x = (1\n% 2)",
             "def f():\n    !ls\n    return 1", "a?\nb = 1", ""]
    for cell in cells:
        lines = python_lines(cell)
        assert len(lines) == len(cell.splitlines()), cell
        compile("\n".join(lines) + "\n", "cell", "exec")
    assert python_lines("s = '''\n%not a magic\n'''") == ["s = '''", "%not a magic", "'''"]
    assert python_lines("x = (1\n% 2)") == ["x = (1", "% 2)"]


def notebook_with(tmp_path, solution_text, name="ex05.ipynb"):
    """The solution in cell 3 (cells: markdown, setup, solution, a try-out)."""
    path = tmp_path / name
    path.write_bytes(notebook_json([markdown("# 과제"), code(SETUP), code(solution_text),
                                    code("print(correlate([1, 2, 3], [1, 1]))\n")]))
    return path


def solution_line(text: str) -> int:
    return SOLUTION.split("\n").index(text) + 1


def test_an_error_at_run_time_points_at_cell_and_line(tmp_path, grade_file):
    target = '    x = _as_ndim("x", x, 1)'
    line = solution_line(target)
    broken = SOLUTION.replace(target + "\n", target + "\n    1 / 0\n", 1)
    result = grade_file("ex05", notebook_with(tmp_path, broken), only=["lecture_correlate_valid"])
    message = result.checks[0].message
    # The try-out cell (cell 4) calls correlate while the notebook runs: that is noted once,
    # with both places named; the check's own call points at cell 3.
    note = "\n".join(result.notes)
    assert 'File "ex05.ipynb", cell 4, line 1, in <module>' in note
    assert f'File "ex05.ipynb", cell 3, line {line + 1}, in correlate' in note
    assert f'File "ex05.ipynb", cell 3, line {line + 1}, in correlate' in message
    assert "conv.py" not in message + note


def test_a_syntax_error_points_at_cell_and_line(tmp_path, grade_file):
    line = solution_line('def correlate(x, w, mode="valid"):')
    broken = SOLUTION.replace('def correlate(x, w, mode="valid"):', 'def correlate(x, w, mode="valid")', 1)
    result = grade_file("ex05", notebook_with(tmp_path, broken), only=["lecture_correlate_valid"])
    assert result.checks[0].status == "error"
    assert result.checks[0].message.startswith("ex05.ipynb could not be loaded: ")
    assert f"(cell 3, line {line})" in result.checks[0].message


def test_a_forbidden_import_found_in_the_source_points_at_cell_and_line(tmp_path, grade_file):
    line = solution_line("import numpy as np")
    forbidden = SOLUTION.replace("import numpy as np", "import numpy as np\nfrom scipy.signal import correlate2d", 1)
    result = grade_file("ex05", notebook_with(tmp_path, forbidden), only=["lecture_correlate_valid"])
    assert result.checks[0].status == "forbidden"
    assert result.checks[0].message.startswith(f"cell 3, line {line + 1}: scipy.signal is not allowed")


def test_a_classic_mistake_in_a_notebook_loses_the_same_points_as_in_a_file(tmp_path, grade_file):
    as_file = grade_file("ex05", MUTANT)
    as_notebook = grade_file("ex05", notebook_with(tmp_path, MUTANT.read_text(encoding="utf-8")))
    failed = {c.name for c in as_notebook.checks if not c.passed}
    assert set(expected_failures(MUTANT)) <= failed
    assert failed == {c.name for c in as_file.checks if not c.passed}
    assert as_notebook.score == as_file.score < EX05_POINTS


@pytest.mark.parametrize("data, says", [
    (b"this is not json", "cannot be read as a notebook"),
    (b'{"cells": [], "nbformat": 9, "nbformat_minor": 0, "metadata": {}}', "cannot be read as a notebook"),
    ("한글".encode("cp949"), "is not a notebook (JSON in UTF-8)"),
    (b"[" * 100000, "cannot be read as a notebook"),
])
def test_a_file_that_is_not_a_notebook_scores_zero_with_the_reason(data, says, tmp_path, grade_file):
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(data)
    result = grade_file("ex05", path)
    assert result.score == 0 and result.checks
    assert {c.status for c in result.checks} == {"error"}
    assert all(c.message.startswith("ex05.ipynb ") and says in c.message for c in result.checks)


def test_check_accepts_a_notebook_with_file(tmp_path):
    runner = CliRunner(env={"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en"})
    path = tmp_path / "work.ipynb"
    path.write_bytes(saved_by("colab"))
    done = runner.invoke(main, ["check", "ex05", "--file", str(path)])
    assert done.exit_code == 0, done.output
    assert f"Score: {EX05_POINTS} / {EX05_POINTS}" in done.output
    broken = SOLUTION.replace('def correlate(x, w, mode="valid"):', 'def correlate(x, w, mode="valid")', 1)
    done = runner.invoke(main, ["check", "ex05", "--file", str(notebook_with(tmp_path, broken, "work.ipynb")),
                                "--lang", "ko"])
    assert done.exit_code == 1
    assert "3번 셀" in done.output and "work.ipynb 파일을 불러오지 못했습니다" in done.output


# ----------------------------------------------------------------------------- encodings
KOREAN = SOLUTION.replace("—", "-") + '\nprint("합성곱 준비 완료")\n'  # every character has a CP949 form


def korean_file(kind: str) -> bytes:
    if kind == "utf-8":
        return KOREAN.encode("utf-8")
    if kind == "utf-8-bom":
        return KOREAN.encode("utf-8-sig")
    if kind == "cp949-coding-line":
        return ("# -*- coding: cp949 -*-\n" + KOREAN).encode("cp949")
    if kind == "euc-kr-coding-line":
        return ("# vim: set fileencoding=euc-kr :\n" + KOREAN).encode("euc-kr")
    if kind == "cp949":
        return KOREAN.encode("cp949")
    if kind == "utf-16":
        return KOREAN.encode("utf-16")
    if kind == "cp949-declared-utf-8-bytes":
        return ("# -*- coding: cp949 -*-\n" + KOREAN).encode("utf-8")
    if kind == "unknown-coding":
        return ("# -*- coding: klingon -*-\n" + KOREAN).encode("utf-8")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-bom", "cp949-coding-line", "euc-kr-coding-line"])
def test_files_python_can_run_are_graded_as_python_runs_them(kind, tmp_path, grade_file):
    path = tmp_path / "conv.py"
    path.write_bytes(korean_file(kind))
    result = grade_file("ex05", path)
    assert result.score == EX05_POINTS
    assert "합성곱 준비 완료" in result.output  # the Korean text arrived as written
    assert "\ufeff" not in read_submission(path)


@pytest.mark.parametrize("kind, says", [
    ("cp949", ["is not UTF-8 (unreadable from line 1)", "it looks like CP949/EUC-KR", "coding: cp949"]),
    ("utf-16", ["is not UTF-8", "it looks like UTF-16"]),
    ("cp949-declared-utf-8-bytes", ["declares the encoding cp949, but line"]),
    ("unknown-coding", ["Python does not accept the encoding", "klingon"]),
])
def test_files_python_cannot_run_score_zero_with_the_encoding_and_the_fix(kind, says, tmp_path, grade_file):
    path = tmp_path / "conv.py"
    path.write_bytes(korean_file(kind))
    result = grade_file("ex05", path)
    assert result.score == 0 and {c.status for c in result.checks} == {"error"}
    for check in result.checks:
        assert all(text in check.message for text in says), check.message
        assert "\ufffd" not in check.message
    with pytest.raises(UnreadableSource):
        python_text(path.read_bytes(), "conv.py")


def test_python_refuses_exactly_what_dlgrade_refuses(tmp_path):
    """The same files, run by Python itself: the readable ones run, the others do not."""
    for kind in ["utf-8", "utf-8-bom", "cp949-coding-line", "euc-kr-coding-line", "cp949", "utf-16",
                 "cp949-declared-utf-8-bytes", "unknown-coding"]:
        path = tmp_path / f"{kind}.py"
        path.write_bytes(korean_file(kind).replace(b"import numpy as np", b"np = None", 1))
        runs = subprocess.run([sys.executable, "-c", f"compile(open({str(path)!r}, 'rb').read(), 'x', 'exec')"],
                              capture_output=True).returncode == 0
        readable = describe(submission_source(path.read_bytes(), path.name)).problem is None
        assert runs == readable, kind


def test_a_cp949_file_with_check_says_so_in_korean_and_english(tmp_path):
    path = tmp_path / "conv.py"
    path.write_bytes(korean_file("cp949"))
    runner = CliRunner(env={"DLGRADE_HOME": str(ROOT)})
    done = runner.invoke(main, ["check", "ex05", "--file", str(path), "--lang", "ko"])
    assert done.exit_code == 1
    assert "UTF-8이 아닙니다" in done.output and "CP949/EUC-KR" in done.output and "coding: cp949" in done.output
    done = runner.invoke(main, ["check", "ex05", "--file", str(path), "--lang", "en"])
    assert done.exit_code == 1 and "it looks like CP949/EUC-KR" in done.output
    path.write_bytes(korean_file("cp949-coding-line"))
    assert runner.invoke(main, ["check", "ex05", "--file", str(path)]).exit_code == 0


def test_bulk_grading_reads_each_file_as_python_does_and_takes_notebooks(tmp_path):
    folder = tmp_path / "class"
    for student, kind in [("kim", "cp949"), ("lee", "cp949-coding-line"), ("choi", "utf-8-bom")]:
        (folder / student / "ex05_correlate2d").mkdir(parents=True)
        (folder / student / "ex05_correlate2d" / "conv.py").write_bytes(korean_file(kind))
    from dlgrade.course import load_course

    exercises = [load_course(ROOT).resolve("ex05")]
    submissions = collect(folder, exercises)
    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    park = StudentSubmission(student="park", origin="park.zip")
    park.files["ex05"] = SubmittedFile.from_bytes(saved_by("jupyterlab"), "park.zip:ex05.ipynb", when)
    db = tmp_path / "book.db"
    grade_class(folder, exercises, db, jobs=1, backend=choose_backend(), submissions=submissions + [park])
    with Gradebook(db) as book:
        scores = {r.student: r.score for r in book.current_results()}
        kim = book.current_result_json("kim", "ex05")
    assert scores == {"kim": 0, "lee": EX05_POINTS, "choi": EX05_POINTS, "park": EX05_POINTS}
    assert all("it looks like CP949/EUC-KR" in c["message"] for c in kim["checks"])


def test_gradescope_reads_each_file_as_python_does(tmp_path_factory, tmp_path):
    bundle = tmp_path_factory.mktemp("gs") / "autograder.zip"
    done = CliRunner().invoke(main, ["export", "gradescope", "ex05", "--out", str(bundle), "--lang", "en"],
                              env={"DLGRADE_HOME": str(ROOT)})
    assert done.exit_code == 0, done.output
    scores = {}
    for kind in ["cp949", "cp949-coding-line"]:
        root = tmp_path / kind / "autograder"
        with zipfile.ZipFile(bundle) as archive:
            archive.extractall(root / "source")
        (root / "submission").mkdir(parents=True)
        (root / "submission" / "conv.py").write_bytes(korean_file(kind))
        env = {k: v for k, v in os.environ.items() if k not in ("DLGRADE_HOME", "DLGRADE_SANDBOX")}
        env.update(DLGRADE_AUTOGRADER_ROOT=str(root), DLGRADE_PYTHON=sys.executable)
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        ran = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                             timeout=600)
        assert ran.returncode == 0, ran.stderr
        data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
        scores[kind] = data["score"]
        if kind == "cp949":
            assert all("it looks like CP949/EUC-KR" in t["output"] for t in data["tests"])
    assert scores == {"cp949": 0, "cp949-coding-line": EX05_POINTS}


def test_display_at_the_top_level_shows_instead_of_failing(tmp_path, grade_file):
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(notebook_json([code(SOLUTION), code("display(correlate([1, 2, 3], [1, 1]))\n")]))
    result = grade_file("ex05", path)
    assert result.score == EX05_POINTS and "[3 5]" in result.output
    # A notebook starting with a __future__ import stays valid (nothing may come before it).
    path.write_bytes(notebook_json([code("from __future__ import annotations\n" + SOLUTION.replace(
        "from __future__ import annotations\n", ""))]))
    assert grade_file("ex05", path).score == EX05_POINTS


def test_a_notebook_with_a_lone_surrogate_scores_zero_with_the_reason(tmp_path, grade_file):
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(notebook_json([code(SOLUTION), code("x = '")]).replace(b'x = \'', b'x = \'\\ud800\''))
    result = grade_file("ex05", path)
    assert result.score == 0 and all("lone surrogate" in c.message for c in result.checks)


@pytest.mark.parametrize("first_line", [
    '# dlgrade-source: {"kind": "notebook", "name": "x.ipynb"}',
    '# dlgrade-source: ["kind"]',
    '# dlgrade-source: {"kind": "kernel"}',
    '# dlgrade-source: not json',
])
def test_a_header_written_by_hand_changes_no_score(first_line, grade_file):
    source = first_line + "\n# dlgrade-cell: {\"oops\": 1}\n# dlgrade-cell: [1]\n" + SOLUTION
    assert grade_file("ex05", source).score == EX05_POINTS


@pytest.mark.parametrize("fields", ['{}', '{"file": "x"}', '[1, 2]', '{"file": "x", "line": 1, "encoding": "e"}'])
def test_an_unreadable_header_written_by_hand_only_costs_its_writer(fields, grade_file):
    for key in ("source.not_utf8_guess", "grade.counts", "nonexistent"):
        source = f'# dlgrade-source: {{"kind": "unreadable", "key": "{key}", "fields": {fields}}}\n' + SOLUTION
        result = grade_file("ex05", source)
        assert result.score == 0 and {c.status for c in result.checks} == {"error"}


def test_past_a_budget_of_ipython_rewrites_the_plain_rules_take_over(tmp_path, monkeypatch, grade_file):
    monkeypatch.setattr(convert, "MAX_IPYTHON_REWRITES", 3)
    cell = "".join(f"files{i} = !ls\n" for i in range(10))
    source = convert.notebook_source(notebook_json([code(cell), code(SOLUTION)]), "ex05.ipynb")
    assert source.count("= (lambda *_a, **_k: [])('ls')") == 3 and source.count(" = None\n") == 7
    compile(source, "ex05.ipynb", "exec")
    assert grade_file("ex05", source).score == EX05_POINTS


def test_a_notebook_with_more_code_than_a_file_may_hold_is_not_graded(tmp_path, grade_file):
    path = tmp_path / "ex05.ipynb"
    path.write_bytes(notebook_json([code(SOLUTION), code("# padding\n" * (120 << 10))]))
    result = grade_file("ex05", path)
    assert result.score == 0 and all("add up to more than 1 MiB" in c.message for c in result.checks)


def test_bulk_collection_reads_a_notebook_with_large_outputs_from_folders_and_zips(tmp_path, course, grade_file):
    import dataclasses

    from dlgrade.bulk.collect import read_folder, read_zip

    # The exercise's file taken to be a notebook, as the intake picks ex05.ipynb up.
    ex = dataclasses.replace(course.resolve("ex05"), file="ex05.ipynb")
    png = __import__("base64").b64encode(os.urandom(9 << 18)).decode()  # a plot does not compress much
    plots = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}]
    data = notebook_json([code(SOLUTION, outputs=plots), code("%matplotlib inline\nprint(1)\n")])
    assert len(data) > 3 << 20
    (tmp_path / "kim").mkdir()
    (tmp_path / "kim" / "ex05.ipynb").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "lee.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("hw/ex05.ipynb", data)
    for submission in (read_folder(tmp_path / "kim", [ex]), read_zip(tmp_path / "lee.zip", [ex])):
        assert submission.problems == []
        found = submission.files["ex05"]
        assert describe(found.source).kind == "notebook"
        assert grade_file("ex05", found.source).score == EX05_POINTS
