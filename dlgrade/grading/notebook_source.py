"""A notebook as the student's module: its code cells, in order.

The notebook is read with nbformat (any 4.x variant, and older formats converted to 4:
Jupyter, JupyterLab, VS Code and Colab all write it; the source of a cell may be one
string or a list of lines; cell ids, metadata and outputs are ignored).  IPython's own
syntax — line magics (``%matplotlib inline``), shell escapes (``!pip install …``,
``files = !ls``), help (``np.sum?``) and cell magics (``%%time``) — neither runs nor
fails: each statement that may hold it is given to IPython's own input transformers
(TransformerManager, when IPython is importable; else the plain rules of
``_plain_rewrite``), and each construct they find becomes a call that does nothing.
``display(…)``, which IPython makes a builtin, prints.  The body of a cell
magic whose body is Python (``%%time``, ``%%timeit``, ``%%capture``) runs as code; a cell
of another language (``%%bash``, ``%%html``, ``%%writefile``…) is left out.

Every line keeps its place: line k of cell n is one line of the module, and the marker
before each cell (dlgrade.grading.source) maps it back, so that feedback says "cell 5,
line 3".  Cells are numbered as they appear in the notebook, from 1, markdown included
(what a student counts scrolling down).
"""

from __future__ import annotations

import ast
import re

from dlgrade.grading.source_marks import MAX_NOTEBOOK_BYTES, UnreadableSource, header, marker

#: Cell magics whose body is Python code that Jupyter runs (timed, captured, profiled).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

#: What each IPython call a magic becomes is replaced with: a call that does nothing
#: (``getoutput`` — ``files = !ls`` — gives an empty list, as a command with no output does).
_NOOP = "(lambda *_a, **_k: None)"
_NOOPS = {"getoutput": "(lambda *_a, **_k: [])"}
MAX_CODE_CHARS = 1 << 20  #: the code cells together: as much as a .py file may hold
MAX_IPYTHON_REWRITES = 2000  #: statements rewritten by IPython's transformers in one notebook
#: JSON values a notebook may hold, counted as ``, [ {`` bytes (strings included, so an
#: over-count): nbformat builds an object for each, some 4 µs and 500 bytes apiece, so 16 MiB
#: of ``{},{},…`` cost 23 s and 2.8 GB in the grading process.  A notebook of a hundred
#: cells with their outputs holds a few thousand; images are base64, which has none.
MAX_NOTEBOOK_VALUES = 250_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_IPYTHON_CALL = re.compile(r"\bget_ipython\(\)\.(\w+)")


def python_cells(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(position in the notebook from 1, its Python lines) of every code cell, as graded:
    IPython's syntax made inert, every line in its place.  Raises UnreadableSource."""
    code_cells = read_code_cells(data, name)
    if sum(len(text) for _, text in code_cells) > MAX_CODE_CHARS:
        raise UnreadableSource("source.notebook_code_too_large", file=name, mib=MAX_CODE_CHARS >> 20)
    rewrite = _Rewriter()
    return [(number, python_lines(text, rewrite=rewrite)) for number, text in code_cells]


def notebook_source(data: bytes, name: str) -> str:
    """The module a notebook's code cells make, with the header and cell markers."""
    cells = python_cells(data, name)
    code = "\n".join(line for _, lines in cells for line in lines)
    parts = [header({"kind": "notebook", "name": name})]
    if _calls_display(code):
        parts.append(DISPLAY)
    for number, lines in cells:
        if not any(line.strip() for line in lines):
            continue
        parts.append(marker({"cell": number, "line": 1}))
        parts.append("".join(line + "\n" for line in lines))
    return "".join(parts)


#: IPython makes ``display`` a builtin; a notebook that calls it at its top level
#: (``display(df)``) shows the value as text instead of failing with a NameError.
DISPLAY = "from builtins import print as display\n"


def _calls_display(code: str) -> bool:
    """Whether the module uses the name ``display`` without binding it itself (and has no
    ``from __future__`` import, which must come first and before which nothing may go)."""
    if not re.search(r"\bdisplay\b", code) or re.search(r"^\s*from\s+__future__\s+import", code, re.M):
        return False
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    bound |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
              for a in n.names}
    used = any(isinstance(n, ast.Name) and n.id == "display" and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))
    return used and "display" not in bound


def read_code_cells(data: bytes, name: str) -> list[tuple[int, str]]:
    """(position in the notebook from 1, source) of every code cell."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise UnreadableSource("source.notebook_too_large", file=name, mib=MAX_NOTEBOOK_BYTES >> 20)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableSource("source.notebook_not_utf8", file=name) from None
    # Counted at memchr speed before any is built (as the sandbox's replies are).
    if text.count(",") + text.count("[") + text.count("{") > MAX_NOTEBOOK_VALUES:
        raise UnreadableSource("source.notebook_too_many_values", file=name, limit=f"{MAX_NOTEBOOK_VALUES:,}")
    try:
        import nbformat
        from nbformat.reader import reads
    except ImportError:
        raise UnreadableSource("source.notebook_needs_nbformat", file=name) from None
    try:
        # The reader and the conversion only: validating against the JSON schema would
        # refuse (or log about) harmless quirks of some editors, and only cells matter here.
        notebook = nbformat.convert(reads(text), 4)
        cells = []
        for number, cell in enumerate(notebook.get("cells") or [], 1):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(str(part) for part in source)
            if not isinstance(source, str):
                raise ValueError(f"cell {number} has no source text")
            if _SURROGATE.search(source):  # JSON can hold them; Python code cannot
                raise ValueError(f"cell {number} holds a lone surrogate, which is not text")
            cells.append((number, source))
    except (RecursionError, MemoryError):
        raise UnreadableSource("source.notebook_invalid", file=name, problem="nested too deeply") from None
    except Exception as exc:  # nbformat's own errors (not JSON, not a notebook, unknown version)
        problem = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UnreadableSource("source.notebook_invalid", file=name, problem=problem) from None
    return cells


# --------------------------------------------------------------------------- one cell
class _Rewriter:
    """Rewrites statements with IPython's transformers up to a budget, then (a notebook
    written to slow grading down) with the plain rules, which cost one regular expression."""

    def __init__(self, use_ipython: bool = True, budget: int | None = None):
        self.ipython = _ipython_rewrite() if use_ipython else None
        self.budget = MAX_IPYTHON_REWRITES if budget is None else budget

    def __call__(self, group: list[str]) -> str | None:
        if self.ipython is not None and self.budget > 0:
            self.budget -= 1
            return self.ipython(group)
        return _plain_rewrite(group)


def python_lines(cell: str, *, use_ipython: bool = True, rewrite: "_Rewriter | None" = None) -> list[str]:
    """A cell's code as Python lines, as many as the cell has, IPython's syntax made inert.

    One pass over the lines, following strings and brackets: only a line that starts a
    statement can hold IPython's syntax (as in IPython, whose transformers look for it at
    the start of a logical line), and each such line — with the lines a ``\\`` continues it
    onto — is rewritten on its own, by IPython's TransformerManager when IPython is
    importable (and ``use_ipython``), else by the plain rules of ``_plain_rewrite``."""
    lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines
    if lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        if magic and magic[0] in PYTHON_CELL_MAGICS:
            body = python_lines("\n".join(lines[first + 1:]), use_ipython=use_ipython, rewrite=rewrite)
            return lines[:first] + [""] + (body + [""] * len(lines))[:len(lines) - first - 1]
        return [""] * len(lines)  # another language's cell: not Python, left out
    # A pasted, indented cell: like IPython, remove the first line's indentation everywhere.
    indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
    if indent:
        lines = [line[len(indent):] if line.startswith(indent) else line for line in lines]
    rewrite = rewrite or _Rewriter(use_ipython)
    out: list[str] = []
    depth, quote = 0, None
    i = 0
    while i < len(lines):
        line = lines[i]
        if depth == 0 and quote is None and _MAYBE_IPYTHON.search(line):
            group = [line]
            while group[-1].rstrip().endswith("\\") and i + len(group) < len(lines):
                group.append(lines[i + len(group)])
            new = rewrite(group)
            if new is not None:
                out.append(new)
                out.extend([""] * (len(group) - 1))
                i += len(group)
                continue
        out.append(line)
        depth, quote = _scan(line, depth, quote)
        i += 1
    return out


#: A line that may hold IPython's syntax (a magic, an escape, help, a prompt); a line
#: without any of these is Python as it is.
_MAYBE_IPYTHON = re.compile(r"^\s*([%!?]|>>> |In \[\d*\]:)|=\s*[%!]|\?\s*(#.*)?$")
_PROMPT = re.compile(r"^(\s*)(>>> |\.\.\. |In \[\d*\]: )")


def _ipython_rewrite():
    """A rewrite of one statement's lines by IPython's own transformers (one line back, or
    None when they leave it as it is); None when IPython cannot be imported."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except Exception:
        return None
    manager = TransformerManager()

    def rewrite(group: list[str]) -> str | None:
        indent = group[0][:len(group[0]) - len(group[0].lstrip())]
        text = "".join(line + "\n" for line in group)
        try:
            new = manager.transform_cell(text)
        except Exception:  # IPython gives up on odd input: the plain rules
            return _plain_rewrite(group)
        new_lines = new.rstrip("\n").split("\n")
        if len(new_lines) != 1 or new == text or new_lines[0].strip() == group[0].strip():
            return None
        return indent + _inert(new_lines[0].lstrip())

    return rewrite


def _inert(line: str) -> str:
    """A line IPython rewrote into ``get_ipython().…(…)``: the same call, doing nothing."""
    return _IPYTHON_CALL.sub(lambda m: _NOOPS.get(m.group(1), _NOOP), line)


_ASSIGNED_ESCAPE = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=\s*)[!%]")


def _plain_rewrite(group: list[str]) -> str | None:
    """IPython's documented syntax without IPython, for one statement's lines: a line
    starting with ``%``, ``!`` or ``?``, or ending with ``?``, does nothing (``pass``);
    ``x = !cmd`` and ``x = %magic`` assign None; a prompt (``>>> ``, ``In [1]: ``) is removed."""
    line = group[0]
    stripped = line.strip()
    indent = line[:len(line) - len(line.lstrip())]
    prompt = _PROMPT.match(line)
    if prompt and len(group) == 1:
        return prompt.group(1) + line[prompt.end():]
    code = "" if stripped.startswith("#") else stripped.split("#", 1)[0].rstrip()
    if stripped.startswith(("%", "!", "?")) or code.endswith("?"):
        return indent + "pass"
    assigned = _ASSIGNED_ESCAPE.match(line)
    if assigned:
        return assigned.group(1) + "None"
    return None


def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None]:
    """Bracket depth and open triple quote after ``line`` (strings and comments skipped)."""
    i = 0
    while i < len(line):
        if quote:
            end = line.find(quote, i)
            if end < 0:
                return depth, quote
            i, quote = end + 3, None
            continue
        ch = line[i]
        if ch == "#":
            break
        if line.startswith(('"""', "'''"), i):
            quote = line[i:i + 3]
            i += 3
            continue
        if ch in "\"'":
            end = i + 1
            while end < len(line) and line[end] != ch:
                end += 2 if line[end] == "\\" else 1
            i = end + 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        i += 1
    return depth, quote
