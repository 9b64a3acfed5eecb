"""“Did you mean …?”: the nearest names to a mistyped one (difflib, standard library).

For an exercise asked for by a name the course does not know (``ex1``, ``perceptorn``,
``conv``), and for a function a check needs that the student's file does not define while it
defines one spelled almost alike (``perceptrn`` for ``perceptron``).
"""

from __future__ import annotations

import difflib
import re

CUTOFF = 0.6  #: difflib's similarity below which a name is not suggested


def exercise_suggestions(course, query: str, limit: int = 3) -> list:
    """The exercises the student probably meant by ``query``, best first."""
    q = str(query).strip().lower().rstrip("/")
    numbered = re.fullmatch(r"(?:ex|exercise|과제)?\s*0*(\d+)", q)
    if numbered:
        found = [ex for ex in course if ex.number == int(numbered.group(1))]
        if found:
            return found
    names: dict[str, object] = {}
    for ex in course:
        stem = ex.file.rsplit(".", 1)[0].lower()
        for name in (ex.id, ex.folder, ex.short_name, stem, *ex.short_name.split("_"), *ex.folder.split("_")[1:]):
            names.setdefault(name.lower(), ex)
    found = []
    for name in [n for n in names if q and (n.startswith(q) or q.startswith(n) and len(n) >= 3)] \
            + difflib.get_close_matches(q, list(names), n=limit * 2, cutoff=CUTOFF):
        if names[name] not in found:
            found.append(names[name])
    return found[:limit]


def near_name(missing: str, defined, expected=()) -> str | None:
    """The one defined name spelled almost like ``missing`` (case aside), or None.  Names the
    exercise asks for (``expected``) are functions in their own right, never a misspelling,
    and so is a name holding the missing one whole (NAND_gate for AND_gate)."""
    defined = [d for d in defined if d != missing and d not in expected
               and (missing.lower() not in d.lower() or d.lower() == missing.lower())]
    by_lower = {d.lower(): d for d in defined}
    if missing.lower() in by_lower:
        return by_lower[missing.lower()]
    close = difflib.get_close_matches(missing, defined, n=1, cutoff=0.75)
    return close[0] if close else None


#: What each stub defines, by path, with the (mtime, size) it was read at: a bulk run asks
#: once per submission, and the stub's syntax tree is built once per process.
_stub_names: dict = {}


def expected_names(exercise) -> tuple[str, ...]:
    """The functions and classes the exercise's stub defines: what its checks ask for."""
    return tuple(expected_kinds(exercise))


def expected_kinds(exercise) -> dict[str, str]:
    """What the exercise's stub asks each name to be: "function" (def) or "class", in the
    stub's order."""
    for path in (exercise.pristine_stub_path, exercise.stub_path):
        try:
            stat = path.stat()
        except OSError:
            continue
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _stub_names.get(path)
        if cached is not None and cached[0] == key:
            kinds = cached[1]
        else:
            kinds = _defined_kinds(path)
            _stub_names[path] = (key, kinds)
        if kinds is not None:
            return dict(kinds)
    return {}


def _defined_kinds(path) -> dict[str, str] | None:
    """The top-level functions and classes of the Python file at ``path`` with their kind, or
    None if it cannot be read or parsed."""
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    return {n.name: "class" if isinstance(n, ast.ClassDef) else "function"
            for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
