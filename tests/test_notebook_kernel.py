"""``dlgrade.check`` and ``dlgrade.hint`` from inside a running notebook: real notebooks
executed top to bottom in a real kernel (nbclient, ipykernel), and the module made from
a notebook's namespace."""

import json
import linecache
import subprocess
import sys
import textwrap

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SUBMISSIONS, expected_failures
from dlgrade.grading.source import describe
from dlgrade.notebook.live import NotebookResult, contract_names, kernel_source

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
MUTANT = SUBMISSIONS / "ex05_correlate2d" / "mutants" / "convolution_instead_of_correlation.py"
EX05_POINTS = 22


# ----------------------------------------------------------------------------- the module made
def run_cells(cells: list[str]):
    """Run ``cells`` as IPython does: each compiled under its own file name, kept in
    linecache, its code in ``In``; returns (namespace, file name → execution count)."""
    namespace = {"__name__": "__main__", "In": [""]}
    counts = {}
    for number, text in enumerate(cells, 1):
        filename = f"/tmp/ipykernel_0/{abs(hash(text))}_{number}.py"
        linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
        counts[filename] = number
        namespace["In"].append(text)
        exec(compile(text, filename, "exec"), namespace)
    return namespace, counts


def made(cells, names):
    namespace, counts = run_cells(cells)
    return kernel_source(names, namespace, history=namespace["In"], counts=counts)


def test_the_current_definition_wins_and_nothing_else_of_the_notebook_runs_again():
    result = made([
        "import numpy as np\nSTEPS = (1, 2)\n",
        "def relu(x):\n    return x  # first try\n",
        "weights = np.ones(10**6)\nfor epoch in range(3):\n    weights = weights * 0.5  # an hour of training\n",
        "def relu(x):\n    return np.maximum(x, 0) * helper()\n\ndef helper():\n    return STEPS[0]\n",
    ], ["relu"])
    module = result.source
    assert "first try" not in module and "training" not in module and "weights" not in module
    assert "import numpy as np" in module and "STEPS = (1, 2)" in module and "def helper" in module
    namespace = {}
    exec(compile(module, "m", "exec"), namespace)
    assert namespace["relu"](np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert result.defined == ["relu"] and result.missing == [] and result.unsendable == []


def test_imports_are_taken_as_written_and_lines_map_to_the_cells():
    result = made([
        "from numpy.lib.stride_tricks import sliding_window_view as windows\nimport numpy as np\n",
        "x = 1\n\n\nclass Model:\n    scale = 2\n\n    def run(self, a):\n        return windows(np.asarray(a), 2).sum(axis=1) * self.scale\n",
        "class Empty:\n    pass\n",
    ], ["Model", "Empty"])
    assert "from numpy.lib.stride_tricks import sliding_window_view as windows" in result.source
    info = describe(result.source)
    lines = result.source.split("\n")
    at = next(i for i, line in enumerate(lines, 1) if "return windows" in line)
    assert info.where(at) == "In [2], line 8"
    namespace = {}
    exec(compile(result.source, "m", "exec"), namespace)
    assert namespace["Model"]().run([1, 2, 3]).tolist() == [6, 10]
    assert "Empty" in namespace  # a class without methods, found in the cells run


def test_values_that_cannot_be_written_back_are_named():
    result = made(["import numpy as np\nKERNEL = np.ones(3)\n", "def f(x):\n    return x * KERNEL\n"], ["f", "g"])
    assert result.unsendable == [("KERNEL", "ndarray")]
    assert result.missing == ["g"]


def test_the_contract_is_the_stubs_public_functions(course):
    assert contract_names(course.resolve("ex05")) == ["correlate", "convolve", "correlate2d", "conv2d"]


def test_import_dlgrade_is_light():
    code = ("import sys, dlgrade; heavy = [m for m in ('numpy', 'tensorflow', 'rich', 'nbformat', 'IPython', "
            "'yaml', 'click') if m in sys.modules]; print(heavy); assert callable(dlgrade.check)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


# ----------------------------------------------------------------------------- real notebooks
def execute(cells: list[str], folder) -> list[nbformat.NotebookNode]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(text) for text in cells]
    NotebookClient(notebook, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook.cells


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


def shown(cell, mime: str) -> str:
    return "".join(o["data"][mime] for o in cell.outputs if mime in o.get("data", {}))


REPORT = ("import json\nprint(json.dumps({'score': r.score, 'max': r.max_score, 'sandbox': r.result.sandbox, "
          "'failed': sorted(c.name for c in r.checks if not c.passed)}))")


def test_a_notebook_checks_itself_in_a_real_kernel(student_root, grade_file):
    (student_root / "train.csv").write_text("1,2\n3,4\n", encoding="utf-8")
    cells = execute([
        f"import dlgrade, os\nassert dlgrade.__file__.startswith({str(ROOT)!r}), dlgrade.__file__\n"
        "%load_ext autoreload\n%autoreload 2\n!echo shell escapes run here",
        "import numpy as np\n# a local data file and training: present in the kernel, never sent to grading\n"
        "data = np.loadtxt('train.csv', delimiter=',')\nfor epoch in range(3):\n    data = data * 0.5",
        MUTANT.read_text(encoding="utf-8"),                     # 3: the classic mistake
        "r = dlgrade.check('ex05', lang='en')\n" + REPORT,      # 4
        "r",                                                    # 5: shown as a table
        SOLUTION + "\ndef convolve():\n    pass  # overwritten by the next cell\n",  # 6: redefined, correctly
        "%%time\nimport numpy as numeric\n\ndef convolve(x, w, mode='valid'):\n"    # 7: defined in a timed cell
        "    return correlate(x, numeric.asarray(w)[::-1], mode)",
        "r = dlgrade.check('ex05', lang='ko')\n" + REPORT,      # 8
        "r",                                                    # 9
        "print(dlgrade.hint('ex05', lang='en'))\nprint('----')\nprint(dlgrade.hint('ex05', lang='en'))",
        "dlgrade.hint('ex05', lang='ko')",
    ], student_root)
    mistaken, fixed = json.loads(printed(cells[3])), json.loads(printed(cells[7]))
    expected = {c.name for c in grade_file("ex05", MUTANT).checks if not c.passed}
    assert set(expected_failures(MUTANT)) <= set(mistaken["failed"]) == expected
    assert 0 < mistaken["score"] < mistaken["max"] == EX05_POINTS
    assert fixed == {"score": EX05_POINTS, "max": EX05_POINTS, "sandbox": mistaken["sandbox"], "failed": []}
    table = shown(cells[4], "text/html")
    assert "<table>" in table and "convolution, not the cross-correlation" in table
    assert "text/plain" in cells[4].outputs[0]["data"]
    assert "통과" in shown(cells[8], "text/html") and "22 / 22" in shown(cells[8], "text/html")
    hints = printed(cells[9])
    assert "Hint 1/" in hints and "Hint 2/" in hints
    assert "힌트 3/" in shown(cells[10], "text/markdown")


def test_colab_as_root_without_bubblewrap_checks_under_resource_limits(student_root):
    cells = execute([
        "import os\nos.environ['DLGRADE_SANDBOX'] = 'rlimit'  # what Colab has: no bubblewrap\nimport dlgrade",
        SOLUTION,
        "r = dlgrade.check('ex05')\n" + REPORT + "\nprint(os.getuid())",
    ], student_root)
    report, uid = printed(cells[2]).strip().split("\n")
    assert json.loads(report) == {"score": EX05_POINTS, "max": EX05_POINTS, "sandbox": "rlimit", "failed": []}
    assert int(uid) == __import__("os").getuid()  # root here when the tests run as root, as Colab does


def test_the_result_object_renders_as_html_and_text(course, grading_context):
    from dlgrade.grading.grade_submission import grade

    ex = course.resolve("ex05")
    result = grade(ex, MUTANT.read_text(encoding="utf-8"), context=grading_context)
    failed = next(c for c in result.checks if not c.passed)
    failed.message = "<script>alert(1)</script> & more"  # text from student code stays text
    shown_result = NotebookResult(result=result, exercise=ex, lang="en", missing=["conv3d"])
    page = shown_result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert page.count("<tr>") == len(result.checks) + 1
    text = str(shown_result)
    assert f"Score: {result.score:g} / {result.max_score:g}" in text and "conv3d" in text
    assert (shown_result.score, shown_result.max_score, shown_result.checks) == \
        (result.score, result.max_score, result.checks)


def test_functions_imported_from_the_students_own_file_come_with_that_file(tmp_path, monkeypatch):
    (tmp_path / "mywork.py").write_text(textwrap.dedent("""\
        import numpy as numeric

        SCALE = 3


        def _helper(x):
            return numeric.asarray(x) * SCALE


        def relu(x):
            return numeric.maximum(_helper(x), 0)
        """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("mywork", None)
    namespace, counts = run_cells(["from mywork import relu\n"])
    result = kernel_source(["relu"], namespace, history=namespace["In"], counts=counts)
    assert "import numpy as numeric" in result.source and "SCALE = 3" in result.source
    assert describe(result.source).where(result.source.split("\n").index("def relu(x):") + 1) == "mywork.py, line 10"
    module = {}
    exec(compile(result.source, "m", "exec"), module)
    assert module["relu"]([-1, 2]).tolist() == [0, 6]


def test_the_course_is_found_in_the_one_folder_below_as_in_colab(student_root, tmp_path, monkeypatch):
    from dlgrade.notebook.live import CourseNotFound, _course

    monkeypatch.delenv("DLGRADE_HOME")
    monkeypatch.chdir(student_root.parent)
    assert _course(None).root.resolve() == student_root.resolve()
    with pytest.raises(CourseNotFound, match="course="):
        _course(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="ex99"):
        __import__("dlgrade").check("ex99", course=student_root)


def test_in_colab_the_student_bundle_unpacked_below_checks_the_notebook(tmp_path, course, grading_context,
                                                                         monkeypatch):
    """Colab: the notebook runs in /content, the bundle was unpacked into /content/<folder>,
    there is no bubblewrap; the bundle has the public checks only."""
    from dlgrade.bridges.release import build_release

    content = tmp_path / "content"
    build_release(course, content / "dlgrade-course", lang="en", context=grading_context)
    monkeypatch.delenv("DLGRADE_HOME", raising=False)
    cells = execute([
        "import os\nos.environ['DLGRADE_SANDBOX'] = 'rlimit'\nimport dlgrade",
        MUTANT.read_text(encoding="utf-8"),
        "r = dlgrade.check('ex05', lang='en')\n" + REPORT + "\nprint(sorted(c.name for c in r.checks))",
        SOLUTION,
        "r = dlgrade.check('ex05', lang='en')\n" + REPORT,
    ], content)
    first, names = printed(cells[2]).strip().split("\n")
    mistaken, fixed = json.loads(first), json.loads(printed(cells[4]))
    public = set(json.loads(names.replace("'", '"')))
    assert set(expected_failures(MUTANT)) & public <= set(mistaken["failed"]) and mistaken["failed"]
    assert fixed["failed"] == [] and fixed["score"] == fixed["max"] == mistaken["max"] < EX05_POINTS
    assert fixed["sandbox"] == "rlimit"


def test_feedback_on_a_running_notebook_points_at_in_and_line(course, grading_context):
    from dlgrade.grading.grade_submission import grade

    ex = course.resolve("ex05")
    namespace, counts = run_cells([
        "import numpy as np\nfrom scipy.signal import correlate as shortcut\n",
        SOLUTION,
        "def convolve(x, w, mode='valid'):\n    x = np.asarray(x)\n    return shortcut(x, w[::-1], mode)\n",
        "def correlate2d(x, w, mode='valid', stride=1):\n    raise ZeroDivisionError('oops')\n",
    ])
    made = kernel_source(contract_names(ex), namespace, history=namespace["In"], counts=counts)
    result = grade(ex, made.source, context=grading_context)
    # An import of the forbidden module at the top level costs every check, and says where it is.
    assert {c.status for c in result.checks} == {"forbidden"}
    assert all(c.message.startswith("In [1], line 2: scipy.signal is not allowed") for c in result.checks)
    namespace, counts = run_cells([
        "import numpy as np\n", SOLUTION,
        "def correlate2d(x, w, mode='valid', stride=1):\n    raise ZeroDivisionError('oops')\n",
    ])
    made = kernel_source(contract_names(ex), namespace, history=namespace["In"], counts=counts)
    by_name = {c.name: c for c in grade(ex, made.source, context=grading_context).checks}
    assert "Cell In [3], line 2, in correlate2d" in by_name["lecture_correlate2d_valid"].message
    assert by_name["lecture_correlate_valid"].passed


def test_a_global_of_the_same_name_as_a_parameter_is_not_taken_for_a_dependency():
    result = made([
        "import numpy as np\nx = np.arange(10)\nw = np.ones(3)\nout = None\n",
        "def correlate(x, w, mode='valid'):\n    out = [v for v in x]\n    def inner(w=w):\n        return w\n"
        "    return np.asarray(out) * inner()[0]\n",
        "class Scaler:\n    factor = 2\n    def __call__(self, x):\n        return x * self.factor * np.ones(1)\n",
    ], ["correlate", "Scaler"])
    assert result.unsendable == [] and "np.arange" not in result.source and "out = None" not in result.source
    namespace = {}
    exec(compile(result.source, "m", "exec"), namespace)
    assert namespace["correlate"]([1, 2], [3]).tolist() == [3, 6]
    assert namespace["Scaler"]()(2).tolist() == [4.0]


def test_outside_jupyter_check_prints_a_text_table(student_root, tmp_path):
    script = tmp_path / "work.py"
    script.write_text(SOLUTION + "\n\nimport dlgrade\nprint(dlgrade.check('ex05', lang='en'))\n"
                      "print(repr(dlgrade.hint('ex05', 2, lang='en')))\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=student_root,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"Score: {EX05_POINTS} / {EX05_POINTS}" in done.stdout and "<table" not in done.stdout
    assert "Hint 2/" in done.stdout


def test_a_notebook_run_in_a_kernel_and_saved_by_nbformat_is_graded_as_a_file(tmp_path, grade_file):
    cells = execute(["%load_ext autoreload\n!echo installing\nimport numpy as np\nnp.sum?", SOLUTION,
                     "%%time\nprint(correlate([1, 2, 3], [1, 1]))"], tmp_path)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    path = tmp_path / "ex05.ipynb"
    nbformat.write(notebook, path)  # as Jupyter's server saves it: outputs, execution counts, ids
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["cells"][2]["outputs"] and saved["cells"][0]["execution_count"] == 1
    result = grade_file("ex05", path)
    assert result.score == EX05_POINTS and "[3 5]" in result.output
