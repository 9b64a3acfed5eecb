"""A handed-in notebook runs cell by cell, as Jupyter runs it: a cell that cannot run in
the sandbox (an import of a library it lacks, a local data file, a plot) is noted once,
with its cell and line, and the other cells are still graded; forbidden names stay
violations wherever they are, and nothing is given that the notebook does not define."""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT, SUBMISSIONS, expected_failures, make_student_root, requires_bwrap
from dlgrade.bulk.collect import collect
from dlgrade.cli import main
from dlgrade.course import load_course
from dlgrade.grading.grade_submission import grade, read_submission
from dlgrade.messages import localize_feedback
from dlgrade.grading.notebook_choice import NOTHING_DEFINED, UNTOUCHED_STUB, py_not_the_work
from dlgrade.student.state import State

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
STUB = (ROOT / "exercises" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
MUTANT = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
EX05_POINTS = 22

# What students' notebooks hold around the exercise (none of it can run in the sandbox).
IMPORTS = "import numpy as np\nimport pandas as pd\nimport seaborn as sns\nx_demo = np.arange(5)\n"
DATA = "df = pd.read_csv('train.csv')\nprint(df.head())\n"
DATA_NUMPY = "data = np.loadtxt('train.csv', delimiter=',')\nprint(data.shape)\n"
PLOT = "sns.heatmap(correlate2d(np.eye(4), np.ones((2, 2))))\n"


def write_notebook(path, cells):
    """A notebook written by nbformat, as Jupyter saves it: markdown first, then ``cells``."""
    nb = new_notebook(cells=[new_markdown_cell("# 합성곱 실습")] + [new_code_cell(c) for c in cells])
    nbformat.write(nb, str(path))
    return path


def test_cells_that_cannot_run_in_the_sandbox_are_noted_and_the_rest_is_graded(tmp_path, grade_file):
    path = write_notebook(tmp_path / "ex05.ipynb", [IMPORTS, SOLUTION, DATA, DATA_NUMPY, PLOT])
    result = grade_file("ex05", path)
    assert result.score == result.max_score == EX05_POINTS, [c.message for c in result.checks if not c.passed]
    firsts = [note.split("\n")[0] for note in result.notes]
    assert firsts == [
        "ex05.ipynb, cell 2, line 2: ModuleNotFoundError: No module named 'pandas'; grading has NumPy only, "
        "so this import was skipped and the rest of the cell ran.",
        "ex05.ipynb, cell 2, line 3: ModuleNotFoundError: No module named 'seaborn'; grading has NumPy only, "
        "so this import was skipped and the rest of the cell ran.",
        "ex05.ipynb, cell 4, line 1: the cell stopped here with NameError: name 'pd' is not defined; the other "
        "cells were graded (grading has NumPy only: no plots, data files or other libraries).",
        "ex05.ipynb, cell 5, line 1: the cell stopped here with FileNotFoundError: train.csv not found; the "
        "other cells were graded (grading has NumPy only: no plots, data files or other libraries).",
        "ex05.ipynb, cell 6, line 1: the cell stopped here with NameError: name 'sns' is not defined; the other "
        "cells were graded (grading has NumPy only: no plots, data files or other libraries).",
    ]
    # The line that raised, as the notebook has it.
    assert 'File "ex05.ipynb", cell 5, line 1, in <module>\n    data = np.loadtxt(' in result.notes[3]
    # In Korean too.
    korean = localize_feedback(result.notes[0], "ko")
    assert korean.startswith("ex05.ipynb, 2번 셀 2번째 줄: ModuleNotFoundError: No module named 'pandas'. "
                             "채점 환경에는 NumPy만 있어 이 import는 건너뛰고 셀의 나머지를 실행했습니다.")
    korean = localize_feedback(result.notes[3], "ko")
    assert korean.startswith("ex05.ipynb, 5번 셀 1번째 줄: 이 셀은 FileNotFoundError: train.csv not found 오류로 "
                             "여기서 멈췄습니다.")


@requires_bwrap
def test_a_matplotlib_cell_is_noted_and_the_rest_is_graded(tmp_path, grade_file):
    cells = ["%matplotlib inline\nimport matplotlib.pyplot as plt\nimport numpy as np\n", SOLUTION,
             "plt.imshow(correlate2d(np.eye(5), np.ones((3, 3))))\nplt.show()\n"]
    result = grade_file("ex05", write_notebook(tmp_path / "conv.ipynb", cells))
    assert result.score == EX05_POINTS
    assert [n.split("\n")[0] for n in result.notes] == [
        "conv.ipynb, cell 2, line 2: ModuleNotFoundError: No module named 'matplotlib'; grading has NumPy only, "
        "so this import was skipped and the rest of the cell ran.",
        "conv.ipynb, cell 4, line 1: the cell stopped here with NameError: name 'plt' is not defined; the other "
        "cells were graded (grading has NumPy only: no plots, data files or other libraries).",
    ]


def test_a_cell_stops_at_its_first_error_and_defines_nothing_after_it(tmp_path, grade_file):
    """Nothing is given that did not run: definitions after the line that raised, in the same
    cell, do not exist, and the checks of those functions score 0."""
    head, sep, tail = SOLUTION.partition("\ndef correlate2d(")
    cells = [head, "df = pd.read_csv('x.csv')\n" + "def correlate2d(" + tail]
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", cells))
    by_name = {c.name: c for c in result.checks}
    assert by_name["lecture_correlate_valid"].passed and by_name["lecture_convolve_valid"].passed
    lost = {c.name for c in result.checks if not c.passed}
    assert {"lecture_correlate2d_valid", "lecture_conv2d_same"} <= lost
    assert all("correlate2d" in by_name[n].message or "conv2d" in by_name[n].message for n in lost)
    assert 0 < result.score < EX05_POINTS
    assert result.notes[0].startswith("ex05.ipynb, cell 3, line 1: the cell stopped here with NameError")


def test_a_notebook_with_only_the_stub_and_failing_cells_scores_zero(tmp_path, grade_file):
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", [IMPORTS, STUB, DATA, PLOT]))
    assert result.score == 0
    assert len(result.notes) == 4


def test_a_buggy_function_called_in_a_try_out_cell_costs_only_its_own_checks(tmp_path, grade_file):
    """Before, the try-out cell's exception stopped the module from loading: every check 0."""
    mutant = MUTANT.read_text(encoding="utf-8")
    try_out = "assert np.allclose(correlate([1, 2, 3], [1, 0]), [1, 2]), 'correlate is wrong'\n"
    as_file = grade_file("ex05", MUTANT)
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", [IMPORTS, mutant, try_out]))
    failed = {c.name for c in result.checks if not c.passed}
    assert set(expected_failures(MUTANT)) <= failed
    assert failed == {c.name for c in as_file.checks if not c.passed}
    assert result.score == as_file.score
    assert [n.split("\n")[0] for n in result.notes][2:] == [
        "ex05.ipynb, cell 4, line 1: the cell stopped here with AssertionError: correlate is wrong; the other "
        "cells were graded (grading has NumPy only: no plots, data files or other libraries)."]


@pytest.mark.parametrize("cell", [
    "import scipy.signal\n",
    "try:\n    import scipy.signal\nexcept ImportError:\n    pass\n",
    "import tensorflow as tf\n",
    "try:\n    from scipy.ndimage import convolve as nd_convolve\nexcept ImportError:\n    nd_convolve = None\n",
    "import numpy as np\nnp.convolve([1, 2], [1, 1])\n",
], ids=["import", "import-in-try", "tensorflow", "from-import-in-try", "forbidden-call"])
def test_a_cell_reaching_a_forbidden_name_is_still_a_violation(cell, tmp_path, grade_file):
    """A forbidden import or call in a cell of its own, even one whose error is caught, is not
    a cell that merely raised: every check it reaches (the module level: all) is forbidden."""
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", [SOLUTION, cell]))
    assert {c.status for c in result.checks} == {"forbidden"}
    assert result.score == 0
    assert all("is not allowed in this exercise" in c.message for c in result.checks)


def test_a_forbidden_import_after_a_cell_that_raised_is_still_found(tmp_path, grade_file):
    cells = [IMPORTS, SOLUTION, DATA, "from scipy.signal import correlate2d\n"]
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", cells))
    assert {c.status for c in result.checks} == {"forbidden"}
    assert all(c.message.startswith("cell 5, line 1: scipy.signal is not allowed") for c in result.checks)


def test_a_syntax_error_in_any_cell_still_stops_the_whole_notebook(tmp_path, grade_file):
    """Code Python cannot parse is not graded at all, as in a .py file (and what is scanned
    for forbidden names is what runs)."""
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", [SOLUTION, "print('unfinished'\n"]))
    assert result.score == 0
    assert result.checks[0].message.startswith("ex05.ipynb could not be loaded: ")
    assert "(cell 3, line 1)" in result.checks[0].message


def test_exit_at_the_top_level_still_stops_the_notebook(tmp_path, grade_file):
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", [SOLUTION, "import sys\nsys.exit(0)\n"]))
    assert result.score == 0
    assert {c.status for c in result.checks} == {"error"}
    assert result.notes == []


def test_a_py_file_still_stops_at_its_first_error(grade_file):
    """Running cell by cell is for notebooks: a .py file that raises at import is not graded."""
    result = grade_file("ex05", "import pandas\n" + SOLUTION)
    assert result.score == 0
    assert "conv.py imports pandas, which is not there when your code is graded" in result.checks[0].message
    assert result.notes == []


def test_the_notes_are_bounded(tmp_path, grade_file):
    cells = [SOLUTION] + [f"raise ValueError('cell {n}')\n" for n in range(40)]
    result = grade_file("ex05", write_notebook(tmp_path / "ex05.ipynb", cells))
    assert result.score == EX05_POINTS
    assert len(result.notes) == 20
    assert result.notes[0].startswith("ex05.ipynb, cell 3, line 1: the cell stopped here with ValueError: cell 0;")


# ----------------------------------------------------------------------------- inside Jupyter
@requires_bwrap
def test_dlgrade_check_in_a_notebook_skips_an_import_the_sandbox_lacks(course, grading_context):
    """``dlgrade.check`` sends a function's imports as the notebook wrote them: matplotlib,
    used only to plot while debugging, is noted once and the functions are graded."""
    from test_notebook_kernel import run_cells

    from dlgrade.grading.grade_submission import grade
    from dlgrade.notebook.live import contract_names, kernel_source

    ex = course.resolve("ex05")
    plotting = SOLUTION.replace('def correlate(x, w, mode="valid"):\n',
                                'def correlate(x, w, mode="valid"):\n    if mode == "plot":\n'
                                '        plt.plot(x)\n', 1)
    namespace, counts = run_cells(["import numpy as np\nimport matplotlib.pyplot as plt\n", plotting])
    made = kernel_source(contract_names(ex), namespace, history=namespace["In"], counts=counts)
    assert "import matplotlib.pyplot as plt" in made.source
    result = grade(ex, made.source, context=grading_context)
    assert result.score == EX05_POINTS, [c.message for c in result.checks if not c.passed]
    assert [n.split("\n")[0] for n in result.notes] == [
        "notebook, In [1], line 2: ModuleNotFoundError: No module named 'matplotlib'; grading has NumPy only, "
        "so this import was skipped and the rest of the cell ran."]


# ----------------------------------------------------------------------------- the stub beside the notebook

# The notebook students hand in: a library import, the work, a plot.
WORK_CELLS = ["%matplotlib inline\nimport numpy as np\nimport pandas as pd\n", SOLUTION, PLOT]


def notebook_bytes(cells) -> bytes:
    nb = new_notebook(cells=[new_markdown_cell("# 합성곱 실습")] + [new_code_cell(c) for c in cells])
    return nbformat.writes(nb).encode("utf-8")


NOTEBOOK = notebook_bytes(WORK_CELLS)
STUB_AS_SAVED = STUB.replace("\n", "\r\n").rstrip() + "\r\n\r\n"  # Windows line endings, trailing lines
NOTHING_OF_THE_EXERCISE = "# 노트북(ex05.ipynb)에서 풀었습니다\nimport numpy as np\n\n\ndef helper(x):\n    return x\n"


@pytest.mark.parametrize("py, notebook, expected", [
    (STUB, NOTEBOOK, UNTOUCHED_STUB),
    (STUB_AS_SAVED, NOTEBOOK, UNTOUCHED_STUB),
    ("    " + STUB.replace("\n", "\n  "), NOTEBOOK, UNTOUCHED_STUB),  # whitespace anywhere
    (NOTHING_OF_THE_EXERCISE, NOTEBOOK, NOTHING_DEFINED),
    ("", NOTEBOOK, NOTHING_DEFINED),
    (SOLUTION, NOTEBOOK, None),  # the .py is the work: it wins, as before
    (STUB.replace("# TODO", "x = 1  # TODO", 1), NOTEBOOK, None),  # the stub touched: the student's
    (STUB.replace("raise NotImplementedError", "return 0", 1), NOTEBOOK, None),
    ("def correlate(x, w, mode='valid'):\n    return x\n", NOTEBOOK, None),  # one function of the exercise
    (NOTHING_OF_THE_EXERCISE, notebook_bytes(["print('nothing yet')\n"]), None),  # neither defines any
    (NOTHING_OF_THE_EXERCISE, b"not a notebook", None),
], ids=["stub", "stub-crlf", "stub-reindented", "nothing", "empty", "solution", "touched", "touched-body",
        "one-function", "notebook-empty-too", "notebook-unreadable"])
def test_which_py_is_not_the_students_work(py, notebook, expected):
    assert py_not_the_work(py.encode("utf-8"), notebook, STUB) == expected


def class_of_zips(folder):
    """kim: the untouched stub (as Windows saved it) + ex05.ipynb; lee: a .py with nothing of
    the exercise + conv.ipynb; park: the solution in conv.py + a notebook with a mistake;
    choi: the untouched stub + a notebook with a classic mistake."""
    folder.mkdir()
    mutant = MUTANT.read_text(encoding="utf-8")
    archives = {
        "kim": {"ex05_correlate2d/conv.py": STUB_AS_SAVED, "ex05_correlate2d/ex05.ipynb": NOTEBOOK},
        "lee": {"hw/conv.py": NOTHING_OF_THE_EXERCISE, "hw/conv.ipynb": NOTEBOOK},
        "park": {"conv.py": SOLUTION, "ex05.ipynb": notebook_bytes([mutant])},
        "choi": {"conv.py": STUB, "ex05_correlate2d.ipynb": notebook_bytes([IMPORTS, mutant])},
    }
    for student, files in archives.items():
        with zipfile.ZipFile(folder / f"{student}.zip", "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    return folder


def test_grade_takes_the_notebook_beside_an_untouched_stub_and_says_why(tmp_path):
    folder = class_of_zips(tmp_path / "class")
    submissions = collect(folder, [load_course(ROOT).resolve("ex05")])
    taken = {s.student: (s.files["ex05"].path, s.files["ex05"].match) for s in submissions}
    assert taken == {"kim": ("kim.zip:ex05_correlate2d/ex05.ipynb", "notebook_over_stub"),
                     "lee": ("lee.zip:hw/conv.ipynb", "notebook_over_empty"),
                     "park": ("park.zip:conv.py", "exact"),
                     "choi": ("choi.zip:ex05_correlate2d.ipynb", "notebook_over_stub")}
    runner = CliRunner(env={"DLGRADE_HOME": str(ROOT), "DLGRADE_LANG": "en"})
    db = tmp_path / "book.db"
    done = runner.invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db), "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    scores = {r["student"]: r["score"] for r in out["results"]}
    as_file = grade(load_course(ROOT).resolve("ex05"), read_submission(MUTANT)).score
    assert scores == {"kim": EX05_POINTS, "lee": EX05_POINTS, "park": EX05_POINTS, "choi": as_file}
    assert 0 < as_file < EX05_POINTS
    students = {s["student"]: s for s in out["intake"]["students"]}
    assert students["kim"]["skipped"] == [{
        "path": "kim.zip:ex05_correlate2d/conv.py",
        "reason": "the untouched stub of ex05; the notebook kim.zip:ex05_correlate2d/ex05.ipynb was graded"}]
    assert students["lee"]["skipped"] == [{
        "path": "lee.zip:hw/conv.py",
        "reason": "defines none of ex05's functions; the notebook lee.zip:hw/conv.ipynb was graded"}]
    assert students["park"]["skipped"][0]["path"] == "park.zip:ex05.ipynb"
    # The terminal's intake summary, in Korean and English.
    done = runner.invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db), "--force"])
    text = " ".join(done.output.split())
    assert ("kim ex05: kim.zip:ex05_correlate2d/ex05.ipynb (notebook: the .py handed in with it is the "
            "exercise's untouched stub)") in text
    assert ("kim: not taken kim.zip:ex05_correlate2d/conv.py — the untouched stub of ex05; the notebook "
            "kim.zip:ex05_correlate2d/ex05.ipynb was graded") in text
    done = runner.invoke(main, ["grade", str(folder), "--exercises", "ex05", "--db", str(db), "--lang", "ko"])
    text = " ".join(done.output.split())
    assert "kim ex05: kim.zip:ex05_correlate2d/ex05.ipynb (노트북: 함께 낸 .py는 손대지 않은 과제 원본)" in text


def test_gradescope_takes_the_notebook_beside_an_untouched_stub(tmp_path_factory, tmp_path):
    bundle = tmp_path_factory.mktemp("gs") / "autograder.zip"
    done = CliRunner().invoke(main, ["export", "gradescope", "ex05", "--out", str(bundle), "--lang", "en"],
                              env={"DLGRADE_HOME": str(ROOT)})
    assert done.exit_code == 0, done.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "conv.py").write_text(STUB, encoding="utf-8")
    (root / "submission" / "ex05.ipynb").write_bytes(NOTEBOOK)
    env = {k: v for k, v in os.environ.items() if k not in ("DLGRADE_HOME", "DLGRADE_SANDBOX")}
    env.update(DLGRADE_AUTOGRADER_ROOT=str(root), DLGRADE_PYTHON=sys.executable)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    ran = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                         timeout=600)
    assert ran.returncode == 0, ran.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == EX05_POINTS
    # The notes on the cells that could not run reach the student.
    everything = json.dumps(data, ensure_ascii=False)
    assert "No module named 'pandas'" in everything


def test_check_without_file_grades_the_notebook_beside_the_untouched_stub(tmp_path, monkeypatch):
    root = make_student_root(tmp_path / "course")
    folder = root / "exercises" / "ex05_correlate2d"
    (folder / "ex05.ipynb").write_bytes(NOTEBOOK)
    monkeypatch.chdir(root)
    runner = CliRunner(env={"DLGRADE_HOME": str(root), "DLGRADE_LANG": "en"})
    done = runner.invoke(main, ["check", "ex05"])
    assert done.exit_code == 0, done.output + done.stderr
    assert " ".join(done.stderr.split()) == (
        "graded: exercises/ex05_correlate2d/ex05.ipynb (exercises/ex05_correlate2d/conv.py is the untouched "
        "stub). To grade the .py file: --file exercises/ex05_correlate2d/conv.py")
    assert f"Score: {EX05_POINTS} / {EX05_POINTS}" in done.output
    done = runner.invoke(main, ["check", "ex05", "--lang", "ko"])
    assert "채점한 파일: exercises/ex05_correlate2d/ex05.ipynb" in " ".join(done.stderr.split())
    # Progress is the student's: the notebook is their own work.
    assert State.load(root).best["ex05"] == [EX05_POINTS, EX05_POINTS]
    # Once the .py holds work, it is graded again (the stub, touched, loses points).
    (folder / "conv.py").write_text(STUB.replace("# TODO", "x = 1  # TODO", 1), encoding="utf-8")
    done = runner.invoke(main, ["check", "ex05"])
    assert done.exit_code == 1
    assert done.stderr.strip() == ""
    assert "Score: 0 / 22" in done.output


def test_check_without_file_finds_the_notebook_in_the_folder_jupyter_runs_in(tmp_path, monkeypatch):
    root = make_student_root(tmp_path / "course")
    work = tmp_path / "텐서플로우 수업자료"
    work.mkdir()
    (work / "conv.ipynb").write_bytes(NOTEBOOK)
    monkeypatch.chdir(work)
    runner = CliRunner(env={"DLGRADE_HOME": str(root), "DLGRADE_LANG": "en"})
    done = runner.invoke(main, ["check", "ex05", "--json"])
    assert done.exit_code == 0, done.output + done.stderr
    assert json.loads(done.stdout)["score"] == EX05_POINTS
    assert "graded: conv.ipynb" in done.stderr
