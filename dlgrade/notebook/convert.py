"""A notebook as the student's module: its code cells, in order.

The notebook is read with nbformat (any 4.x variant, and older formats converted to 4:
Jupyter, JupyterLab, VS Code and Colab all write it; the source of a cell may be one
string or a list of lines; cell ids, metadata and outputs are ignored).  IPython's own
syntax — line magics (``%matplotlib inline``), shell escapes (``!pip install …``,
``files = !ls``), help (``np.sum?``) and cell magics (``%%time``) — neither runs nor
fails: IPython's input transformers (when IPython is importable) find it exactly as
Jupyter does, and each construct becomes a call that does nothing.  The body of a cell
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

from dlgrade.grading.source import MAX_NOTEBOOK_BYTES, UnreadableSource, header, marker

#: Cell magics whose body is Python code that Jupyter runs (timed, captured, profiled).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

#: What each IPython call a magic becomes is replaced with: a call that does nothing
#: (``getoutput`` — ``files = !ls`` — gives an empty list, as a command with no output does).
_NOOP = "(lambda *_a, **_k: None)"
_NOOPS = {"getoutput": "(lambda *_a, **_k: [])"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_IPYTHON_CALL = re.compile(r"\bget_ipython\(\)\.(\w+)")


def notebook_source(data: bytes, name: str) -> str:
    """The module a notebook's code cells make, with the header and cell markers."""
    cells = [(number, python_lines(text)) for number, text in read_code_cells(data, name)]
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
def python_lines(cell: str) -> list[str]:
    """A cell's code as Python lines, as many as the cell has, IPython's syntax made inert."""
    lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines
    if lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        if magic and magic[0] in PYTHON_CELL_MAGICS:
            body = python_lines("\n".join(lines[first + 1:]))
            return lines[:first] + [""] + (body + [""] * len(lines))[:len(lines) - first - 1]
        return [""] * len(lines)  # another language's cell: not Python, left out
    transformed = _ipython_transform(lines)
    if transformed is None:
        transformed = _plain_transform(lines)
    return transformed


def _ipython_transform(lines: list[str]) -> list[str] | None:
    """IPython's own transformers, line for line; None without IPython, or if a transformer
    changed the number of lines in a way that cannot be followed."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager, leading_empty_lines
    except Exception:
        return None
    manager = TransformerManager()
    lead = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    body = [line + "\n" for line in lines[lead:]]
    try:
        for transform in manager.cleanup_transforms:
            if transform is leading_empty_lines:
                continue
            changed = transform(body)
            if len(changed) != len(body):
                return None
            body = changed
        for _ in range(100):
            changed, new = manager.do_one_token_transform(body)
            if not changed:
                break
            if len(new) > len(body):
                return None
            if len(new) < len(body):
                # Lines joined by a backslash became one: keep the others as blank lines.
                at = next((i for i, (a, b) in enumerate(zip(body, new)) if a != b), len(new) - 1)
                new = new[:at + 1] + ["\n"] * (len(body) - len(new)) + new[at + 1:]
            body = new
        else:
            return None
    except Exception:  # a transformer that fails on odd input: the plain rules instead
        return None
    out = lines[:lead] + [line[:-1] if line.endswith("\n") else line for line in body]
    original = lines
    return [_inert(line) if line != before else line for line, before in zip(out, original)]


def _inert(line: str) -> str:
    """A line IPython rewrote into ``get_ipython().…(…)``: the same call, doing nothing."""
    return _IPYTHON_CALL.sub(lambda m: _NOOPS.get(m.group(1), _NOOP), line)


_ASSIGNED_ESCAPE = re.compile(r"^(\s*[\w.\[\]'\", ]+?\s*=\s*)[!%]")


def _plain_transform(lines: list[str]) -> list[str]:
    """Without IPython, its documented syntax, line by line (outside strings and brackets):
    a line starting with ``%``, ``!`` or ``?`` or ending with ``?`` becomes ``pass``;
    ``x = !cmd`` and ``x = %magic`` assign None; a ``\\`` continues an escape onto the next
    line, which becomes blank."""
    lead = next((line for line in lines if line.strip()), "")
    indent = lead[:len(lead) - len(lead.lstrip())]
    if indent:  # a pasted, indented cell: IPython removes the common indentation
        lines = [line[len(indent):] if line.startswith(indent) else line for line in lines]
    out = []
    depth = 0
    quote = None  # the open triple quote, if a line ends inside a multi-line string
    continued = False
    for line in lines:
        if continued:
            out.append("")
            continued = line.rstrip().endswith("\\")
            continue
        if quote is None and depth == 0:
            stripped = line.strip()
            indent = line[:len(line) - len(line.lstrip())]
            assigned = _ASSIGNED_ESCAPE.match(line)
            if stripped.startswith(("%", "!", "?")) or (stripped.endswith("?") and "#" not in stripped):
                out.append(indent + "pass")
                continued = stripped.endswith("\\")
                continue
            if assigned:
                out.append(assigned.group(1) + "None")
                continued = stripped.endswith("\\")
                continue
        out.append(line)
        depth, quote = _scan(line, depth, quote)
    return out


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
