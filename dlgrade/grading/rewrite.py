"""A submission's source with some of its top-level names defined otherwise.

For checks that need the student's code to run on other definitions of some of its own
functions (XOR over gates with other truth tables) without patching a running module,
which code can notice (it can keep the functions it defined and compare): the file is
loaded afresh as if written with the other definitions (``student.loaded_from``).
"""

from __future__ import annotations

import ast


def with_definitions(source: str, definitions: dict[str, str]) -> str | None:
    """``source`` with every top-level binding of a name in ``definitions`` replaced by the
    one-line definition given for it — a ``def`` (decorators included) replaced in place, a
    name bound otherwise (assignment, import) rebound right after that statement — the rest
    exactly as written, line numbers kept.  None when the source does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    lines = source.splitlines()
    inserted = []  # (after line, text)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in definitions:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            indent = lines[first - 1][:len(lines[first - 1]) - len(lines[first - 1].lstrip())]
            lines[first - 1] = indent + definitions[node.name]
            for n in range(first, node.end_lineno):
                lines[n] = ""
            continue
        names = set()
        bound = ast.walk(node) if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Import,
                                                    ast.ImportFrom)) else ()
        for target in bound:
            if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                names.add(target.id)
            elif isinstance(target, ast.alias):
                names.add((target.asname or target.name).split(".")[0])
        for name in sorted(names & set(definitions)):
            inserted.append((node.end_lineno, definitions[name]))
    for after, text in sorted(inserted, reverse=True):
        lines.insert(after, text)
    return "\n".join(lines) + "\n"
