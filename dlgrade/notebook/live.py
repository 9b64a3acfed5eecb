"""Checking an exercise from inside a running notebook (Jupyter, JupyterLab, VS Code, Colab).

``dlgrade.check("ex05")`` grades the functions and classes *as the notebook now defines
them*: for each name the exercise's stub defines, the object in the notebook's namespace,
its source read back from the cell that defined it (a later cell's redefinition is the
one that counts, as in the kernel), with what that source needs — the helpers it calls,
the imports it uses as the student wrote them, constants that can be written as
literals.  Nothing else of the notebook runs again: a cell that trains a model for an
hour, reads a local data file or draws a plot is not part of what is graded.  The module
made this way runs in the sandbox like any submission (the rlimit fallback where there is
no bubblewrap, as in Colab), and the result shows as a table: HTML in Jupyter and Colab,
text elsewhere.
"""

from __future__ import annotations

import ast
import builtins
import html
import inspect
import linecache
import os
import re
import symtable
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from dlgrade.grading.source_marks import header, marker
from dlgrade.grading.notebook_source import _inert

#: Longest literal written back for a constant the graded code uses.
MAX_LITERAL = 10_000


# --------------------------------------------------------------------------- the namespace
def user_namespace() -> dict:
    """The running notebook's namespace: IPython's user namespace, else ``__main__``'s."""
    shell = _shell()
    if shell is not None:
        return shell.user_ns
    return vars(sys.modules["__main__"])


def _shell():
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        return ipython.get_ipython()
    except Exception:
        return None


@dataclass
class _Piece:
    order: tuple  #: (execution count, line): the order the notebook defined it in
    where: dict  #: the marker: {"in": 7, "line": 3} or {"file": ..., "line": ...}
    lines: list[str]


@dataclass
class KernelSource:
    """The module made from a running notebook, and what could not be put in it."""

    source: str
    defined: list[str] = field(default_factory=list)  #: the exercise's names found
    missing: list[str] = field(default_factory=list)  #: the exercise's names the notebook lacks
    unsendable: list[tuple[str, str]] = field(default_factory=list)  #: (name, type) left out


def contract_names(exercise) -> list[str]:
    """The top-level functions and classes the exercise's stub defines, in its order."""
    for path in (exercise.pristine_stub_path, exercise.stub_path, exercise.solution_path):
        try:
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and not n.name.startswith("_")]
    return []


def kernel_source(names: list[str], namespace: dict, *, history: list[str] | None = None,
                  counts: dict[str, int] | None = None) -> KernelSource:
    """The module for ``names`` as ``namespace`` defines them.  ``history`` is the cells'
    code as executed (IPython's ``In``; imports are taken as the student wrote them) and
    ``counts`` the execution count of each cell's file name (IPython's compiler map).
    A function the notebook imported from the student's own file (``from conv import *``)
    comes with that file's definitions and imports, as the file has them."""
    shell = _shell()
    if history is None:
        history = [str(c) for c in namespace.get("In", [])] if isinstance(namespace.get("In"), list) else []
    if counts is None:
        counts = dict(getattr(getattr(shell, "compile", None), "_filename_map", {}) or {})
    # each namespace's imports as written: name -> (statement, where it was written)
    scopes = {id(namespace): _written_imports([({"in": n}, cell) for n, cell in enumerate(history)])}
    result = KernelSource(source="", missing=[n for n in names if n not in namespace])
    pieces: dict[str, _Piece] = {}
    preamble: dict[str, tuple[str, dict]] = {}  # name -> (import or constant, where it was written)
    # Builtins, unless the notebook defines the name itself; IPython's own names.
    bound = {n for n in dir(builtins) if n not in namespace} | _IPYTHON_NAMES
    bound |= {n for n in namespace if re.fullmatch(r"_i+\d*|_\d+", n)}
    pending = [(n, namespace) for n in names]
    while pending:
        name, scope = pending.pop(0)
        if name in pieces or name in preamble or name not in scope:
            continue
        value = scope[name]
        piece = _definition(name, value, counts) or _from_history(name, value, history if scope is namespace else [])
        if piece is not None:
            pieces[name] = piece
            if name in names and scope is namespace:
                result.defined.append(name)
            own = _globals_of(value, scope)
            if id(own) not in scopes:  # a file of the student's: its imports, as written there
                code = _code_of(value)
                text = "".join(linecache.getlines(code.co_filename)) if code else ""
                scopes[id(own)] = _written_imports([({"file": Path(code.co_filename).name}, text)] if code else [])
            needed = _free_names("\n".join(piece.lines)) - bound - set(pieces) - set(preamble)
            pending.extend((n, own) for n in sorted(needed))
            continue
        if name in names and scope is namespace:  # the exercise's name holds something else than code
            result.unsendable.append((name, type(value).__name__))
            continue
        written = scopes.get(id(scope), {}).get(name)
        line = written or (_import_line(name, value) or _literal_line(name, value), {})
        if line[0] is None:
            result.unsendable.append((name, type(value).__name__))
        else:
            preamble[name] = line
    parts = [header({"kind": "kernel", "name": "notebook"})]
    # Imports first, then constants; each after a marker of where it was written (an empty
    # marker for what dlgrade wrote itself, so that no line is taken for the cell above it).
    for text, where in sorted(preamble.values(), key=lambda p: (not p[0].startswith(("import", "from")), p[0])):
        parts.append(marker(where) + text + "\n")
    for piece in sorted(pieces.values(), key=lambda p: p.order):
        parts.append(marker(piece.where))
        parts.append("".join(_inert(line) + "\n" for line in piece.lines))
    result.source = "".join(parts)
    return result


def _globals_of(value, default: dict) -> dict:
    """The namespace a function or class resolves its global names in."""
    if isinstance(value, type):
        return next((f.__globals__ for f in _methods(value)), default)
    function = inspect.unwrap(value) if callable(value) else value
    return getattr(function, "__globals__", default)


def _methods(cls: type):
    """The plain functions of a class's body: methods, static and class methods, properties."""
    for member in vars(cls).values():
        member = getattr(member, "__func__", member)
        member = getattr(member, "fget", member)
        if isinstance(member, types.FunctionType):
            yield member


def _users_module(name: str | None) -> bool:
    """Whether module ``name`` is the student's own code: the notebook itself, or a file of
    theirs (not the standard library or an installed package)."""
    if name in ("__main__", None):
        return True
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if not path:
        return False
    import sysconfig

    resolved = str(Path(path).resolve())
    installed = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return not any(resolved.startswith(str(Path(p).resolve()) + "/") for p in installed if p) \
        and "site-packages" not in resolved and "dist-packages" not in resolved


def _definition(name: str, value, counts: dict[str, int]) -> _Piece | None:
    """The top-level statement of the notebook that defined ``value`` as ``name``."""
    code = _code_of(value)
    if code is None:
        return None
    filename, line = code.co_filename, code.co_firstlineno
    lines = linecache.getlines(filename)
    if not lines:
        return None
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        return None
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        end = node.end_lineno or node.lineno
        if not start <= line <= end:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            pass
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and name in _targets(node):
            pass
        else:
            return None
        count = counts.get(filename)
        where = {"in": count, "line": start} if count is not None else {"file": Path(filename).name, "line": start}
        text = [line.rstrip("\r\n") for line in lines[start - 1:end]]
        return _Piece(order=(count if count is not None else 10**9, filename, start), where=where, lines=text)
    return None


def _from_history(name: str, value, history: list[str]) -> _Piece | None:
    """For a class or function whose code does not say where it was defined (a class with
    no methods): the last cell run that defined ``name`` at its top level."""
    if not isinstance(value, (type, types.FunctionType)) or getattr(value, "__module__", None) not in ("__main__",
                                                                                                        None):
        return None
    for count in range(len(history) - 1, 0, -1):
        code, offset = cell_code(history[count])
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for node in reversed(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                lines = code.split("\n")[start - 1:node.end_lineno]
                return _Piece(order=(count, "", start), where={"in": count, "line": start + offset}, lines=lines)
    return None


def cell_code(entry: str) -> tuple[str, int]:
    """The Python code of a cell as IPython's history holds it, and how many lines precede it
    in the cell: a ``%%time`` (``%%timeit``, ``%%capture``…) cell is kept as a call of the magic
    with the body as a string, and the body — the code the cell ran — starts on line 2."""
    from dlgrade.grading.notebook_source import PYTHON_CELL_MAGICS

    try:
        tree = ast.parse(entry)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return entry, 0
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Call):
        call = tree.body[0].value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "run_cell_magic" and len(call.args) == 3 and \
                all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args) and \
                call.args[0].value in PYTHON_CELL_MAGICS:
            return call.args[2].value, 1
    return entry, 0


def _code_of(value) -> types.CodeType | None:
    """The code object that places ``value``'s definition in a cell: a function's own, or a
    method's for a class (whose source Python cannot find in a notebook by itself)."""
    if isinstance(value, type):
        if not _users_module(getattr(value, "__module__", None)):
            return None
        return next((f.__code__ for f in _methods(value)), None)
    value = inspect.unwrap(value) if callable(value) else value
    if isinstance(value, types.FunctionType) and _users_module(value.__module__):
        return value.__code__
    return None


def _targets(node) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _free_names(source: str) -> set[str]:
    """The global names a definition reads (Python's own scoping, via symtable): not its
    parameters or locals, so that a notebook's global ``x`` of test data is not mistaken
    for what ``def f(x)`` needs."""
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()

    def visit(scope) -> None:
        for symbol in scope.get_symbols():
            if not symbol.is_referenced():
                continue
            if scope.get_type() == "module" or symbol.is_global() or \
                    (scope.get_type() == "class" and not symbol.is_assigned()):
                names.add(symbol.get_name())
        for child in scope.get_children():
            visit(child)

    visit(table)
    return names


#: Names IPython keeps in a notebook's namespace for itself (history, outputs, the shell).
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "_", "__", "___", "_ih", "_oh", "_dh"}


def _written_imports(cells: list[tuple[dict, str]]) -> dict[str, tuple[str, dict]]:
    """name → (the last top-level import statement of ``cells`` that bound it, where it is),
    from (where, code) pairs in the order they ran."""
    found: dict[str, tuple[str, dict]] = {}
    for base, cell in cells:
        code, offset = cell_code(cell)
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            where = {**base, "line": node.lineno + offset}
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found[alias.asname or alias.name.split(".")[0]] = (ast.unparse(ast.Import(names=[alias])), where)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        statement = ast.unparse(ast.ImportFrom(module=node.module, names=[alias], level=0))
                        found[alias.asname or alias.name] = (statement, where)
    return found


def _import_line(name: str, value) -> str | None:
    if isinstance(value, types.ModuleType):
        module = value.__name__
        if module == name:
            return f"import {module}"
        return f"import {module} as {name}"
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not module or not qualname or module == "__main__" or "." in qualname or "<" in qualname:
        return None
    owner = sys.modules.get(module)
    if owner is None or getattr(owner, qualname, None) is not value:
        return None
    return f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")


def _literal_line(name: str, value) -> str | None:
    """``name = <literal>`` for a constant that a literal writes back exactly."""
    if not isinstance(value, (int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set, frozenset)):
        return None
    text = repr(value)
    if len(text) > MAX_LITERAL:
        return None
    try:
        if ast.literal_eval(text) != value:
            return None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return f"{name} = {text}"


# --------------------------------------------------------------------------- check and hint
def check(exercise: str, *, seed: int | None = None, course=None, lang: str | None = None,
          namespace: dict | None = None) -> "NotebookResult":
    """Grade ``exercise`` (an id, number, name or folder) on the running notebook's code."""
    from dlgrade.bridges.release import grade_in_bundles
    from dlgrade.grading.grade_submission import DEFAULT_SEED, grade
    from dlgrade.messages import detect_language, say
    from dlgrade.student.state import record_result

    grade_in_bundles()
    lang = lang or detect_language()
    ex = _exercise(_course(course), exercise, lang)
    made = kernel_source(contract_names(ex), user_namespace() if namespace is None else namespace)
    result = grade(ex, made.source, seed=DEFAULT_SEED if seed is None else int(seed))
    for name, kind in made.unsendable:
        result.notes.append(say("source.kernel_unsendable", "en", name=name, kind=kind))
    record_result(ex, result)
    return NotebookResult(result=result, exercise=ex, lang=lang, defined=made.defined, missing=made.missing)


def hint(exercise: str, number: int | None = None, *, course=None, lang: str | None = None) -> "Hint":
    """The next hint of ``exercise`` (one more each call), or hint ``number``."""
    from dlgrade.messages import detect_language
    from dlgrade.student.state import State

    lang = lang or detect_language()
    loaded = _course(course)
    ex = _exercise(loaded, exercise, lang)
    if not ex.hints:
        return Hint(ex.id, 0, 0, "", lang)
    state = State.load(loaded.root)
    seen = state.hints_seen.get(ex.id, 0)
    shown = max(1, min(int(number) if number else seen + 1, len(ex.hints)))
    state.hints_seen[ex.id] = max(seen, shown)
    try:
        state.save()
    except OSError:
        pass
    return Hint(ex.id, shown, len(ex.hints), ex.hints[shown - 1].get(lang), lang)


def _exercise(course, query, lang: str):
    from dlgrade.course import CourseError
    from dlgrade.messages import say

    try:
        return course.resolve(str(query))
    except CourseError:
        known = ", ".join(f"{ex.id} ({ex.short_name})" for ex in course)
        raise ValueError(say("error.unknown_exercise", lang, query=str(query), known=known)) from None


class CourseNotFound(Exception):
    """No course folder for the notebook: the message says where it was looked for."""


def _course(course):
    """The course: ``course`` (a folder), else $DLGRADE_HOME or the current folder and those
    above it, else the one course folder directly inside the current folder (Colab, where
    the notebook runs in /content and the bundle was unpacked into /content/<folder>)."""
    from dlgrade.course import Course, CourseError, load_course
    from dlgrade.messages import detect_language, say

    if isinstance(course, Course):
        return course
    if not course and not os.environ.get("DLGRADE_HOME"):
        here = Path.cwd().resolve()
        if not any((folder / "course.yaml").is_file() for folder in (here, *here.parents)):
            inside = sorted(p.parent for p in here.glob("*/course.yaml"))
            if len(inside) == 1:
                course = inside[0]
    try:
        return load_course(Path(course) if course else None)
    except CourseError as exc:
        raise CourseNotFound(say("notebook.no_course", detect_language(), problem=str(exc), cwd=Path.cwd())) from None


@dataclass
class Hint:
    exercise: str
    number: int
    total: int
    text: str
    lang: str

    def _title(self) -> str:
        from dlgrade.messages import say

        if not self.total:
            return say("hint.none", self.lang, exercise=self.exercise)
        return say("hint.header", self.lang, n=self.number, total=self.total, exercise=self.exercise)

    def _repr_markdown_(self) -> str:
        return f"**{_markdown_escape(self._title())}**\n\n{self.text}"

    def __str__(self) -> str:
        return f"{self._title()}\n\n{self.text}".rstrip()

    __repr__ = __str__


def _markdown_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|" else ch for ch in text)


@dataclass
class NotebookResult:
    """The result of ``dlgrade.check``: ``.score``, ``.max_score``, ``.checks``; shown as a
    table (``_repr_html_`` in Jupyter and Colab, text elsewhere)."""

    result: object  #: the ExerciseResult, as every other rendering uses it
    exercise: object
    lang: str = "en"
    defined: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.result.score

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def checks(self):
        return self.result.checks

    @property
    def passed(self) -> bool:
        return self.result.passed

    def to_dict(self) -> dict:
        return self.result.to_dict()

    def __str__(self) -> str:
        from io import StringIO

        from rich.console import Console

        from dlgrade.student.feedback import render_check

        buffer = StringIO()
        console = Console(file=buffer, markup=False, highlight=False, no_color=True, width=100,
                          legacy_windows=False, color_system=None)
        console.print(render_check(self.result, lang=self.lang, file="notebook", mistakes=self.exercise.mistakes,
                                   hint_for=self.exercise.hint_for))
        for note in self._notes()[len(self.result.notes):]:  # render_check shows the result's own
            console.print(note)
        return buffer.getvalue().rstrip()

    __repr__ = __str__

    def _notes(self) -> list[str]:
        from dlgrade.messages import localize_feedback, say

        notes = [localize_feedback(n, self.lang) for n in self.result.notes]
        if self.missing:
            notes.append(say("source.kernel_missing", self.lang, names=", ".join(self.missing)))
        return notes

    def _repr_html_(self) -> str:
        from dlgrade.messages import localize_feedback, say

        esc = html.escape
        colour = {"passed": "#1a7f37", "timeout": "#9a6700"}
        rows = []
        for n, c in enumerate(self.checks, 1):
            message = localize_feedback(c.message, self.lang) if not c.passed else ""
            rows.append(
                f"<tr><td>{n}</td><td>{esc(c.title_in(self.lang))}</td>"
                f"<td>{esc(say('visibility.' + c.visibility, self.lang))}</td>"
                f"<td style='text-align:right'>{c.score:g}/{c.max_score:g}</td>"
                f"<td style='color:{colour.get(c.status, '#cf222e')}'>{esc(say('status.' + c.status, self.lang))}</td>"
                f"<td><pre style='white-space:pre-wrap;margin:0'>{esc(message)}</pre></td></tr>")
        head = "".join(f"<th>{esc(say(k, self.lang))}</th>" for k in
                       ("col.number", "col.check", "col.kind", "col.score", "col.status"))
        notes = "".join(f"<p>{esc(n)}</p>" for n in self._notes())
        title = esc(say("check.title", self.lang, exercise=self.exercise.id, file="notebook"))
        score = esc(say("check.score", self.lang, score=self.score, max_score=self.max_score))
        return (f"<div class='dlgrade-result'><p><b>{title}</b></p><table><thead><tr>{head}<th></th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table><p><b>{score}</b></p>{notes}</div>")
