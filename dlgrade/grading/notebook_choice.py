"""Which of a student's files is the exercise's work: the ``.py`` or the notebook beside it.

The student bundle hands out ``conv.py``; many students work only in ``ex05.ipynb`` and hand
in the folder with both.  The ``.py`` is graded (it is the file the stub asks for) unless it
is not the student's work, that is when it is

* the exercise's stub as handed out (``exercises/<folder>/<file>``), compared with all
  whitespace removed (an editor's line endings, a trailing newline, re-indentation), or
* a file that defines none of the exercise's functions and classes while the notebook
  defines at least one of them;

then the notebook is graded instead.  One rule for the intake (``grade``, ``session``,
Gradescope) and for ``dlgrade check`` without ``--file``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

#: Why the notebook is taken instead of the .py (the values are message-key suffixes).
UNTOUCHED_STUB = "stub"
NOTHING_DEFINED = "empty"

_DEFINITION = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.M)


def contract(stub_text: str) -> set[str]:
    """The public top-level functions and classes the stub defines (what the exercise asks for)."""
    try:
        tree = ast.parse(stub_text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {n for n in _DEFINITION.findall(stub_text) if not n.startswith("_")}
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and not n.name.startswith("_")}


def defined_names(text: str) -> set[str]:
    """Names defined by a ``def``/``class`` at the start of a line: read without running or
    parsing, so that a file or notebook with a syntax error elsewhere still counts."""
    return set(_DEFINITION.findall(text))


def _squeezed(text: str) -> str:
    return "".join(text.lstrip("\ufeff").split())


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def notebook_code(data: bytes, name: str = "notebook.ipynb") -> str:
    """A notebook's code cells as the graded module has them ("" if it cannot be read)."""
    from dlgrade.grading.source import submission_source

    return submission_source(data, name)


def py_not_the_work(py_data: bytes, notebook_data: bytes, stub_text: str | None) -> str | None:
    """UNTOUCHED_STUB or NOTHING_DEFINED when the ``.py`` is not the student's work and the
    notebook is graded instead; None when the ``.py`` is (it wins, as before)."""
    if stub_text is not None and _squeezed(_text(py_data)) == _squeezed(stub_text):
        return UNTOUCHED_STUB
    wanted = contract(stub_text) if stub_text is not None else set()
    if not wanted:
        return None
    if defined_names(_text(py_data)) & wanted:
        return None
    if defined_names(notebook_code(notebook_data)) & wanted:
        return NOTHING_DEFINED
    return None


def stub_text(exercise) -> str | None:
    """The exercise's stub as handed out: the pristine copy in a student's copy of the course
    (``.dlgrade/stubs/``), else ``exercises/<folder>/<file>`` of the course's own repository."""
    for path in (exercise.pristine_stub_path, exercise.stub_path):
        try:
            return Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
    return None


def notebook_names(exercise) -> list[str]:
    """The notebook names that stand for ``exercise``, most specific last: conv.ipynb,
    ex05.ipynb, ex05_correlate2d.ipynb."""
    stem = exercise.file.rsplit(".", 1)[0]
    return [f"{s}.ipynb" for s in dict.fromkeys((stem, exercise.id, exercise.folder))]


def notebook_instead(exercise, folders=()) -> tuple[Path, str] | None:
    """For ``dlgrade check EX`` without ``--file``: (the notebook, why) when the student works
    in a notebook beside their ``.py`` that is not their work, else None (the .py is graded).
    The notebook is one of ``notebook_names`` (any case) in the exercise's folder or in
    ``folders`` (the current one: where Jupyter was started); the last saved wins."""
    py_path = Path(exercise.stub_path)
    try:
        py_data = py_path.read_bytes()
    except OSError:
        return None
    wanted = {n.lower() for n in notebook_names(exercise)}
    found = []
    for folder in dict.fromkeys([py_path.parent, *map(Path, folders)]):
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.name.lower() in wanted and entry.is_file() and not entry.is_symlink():
                    found.append((entry.stat().st_mtime, str(entry), entry))
            except OSError:
                continue
    if not found:
        return None
    notebook = max(found)[2]
    try:
        from dlgrade.grading.source_marks import MAX_NOTEBOOK_BYTES

        if notebook.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        notebook_data = notebook.read_bytes()
    except OSError:
        return None
    reason = py_not_the_work(py_data, notebook_data, stub_text(exercise))
    return (notebook, reason) if reason else None
