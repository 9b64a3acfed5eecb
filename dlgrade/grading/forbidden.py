"""Finding forbidden names in a submission's source, statically.

The sandbox refuses forbidden imports and calls at run time; this scan is the
second line: it names the line, and it cannot be swallowed by a ``try``.  A
finding inside a top-level function taints that function and every top-level
function that calls it, so only the checks that reach tainted code lose points.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

MODULE_LEVEL = "<module>"


@dataclass(frozen=True)
class Finding:
    name: str  #: the forbidden name, e.g. "numpy.convolve"
    line: int
    scope: str  #: the top-level function/class it is in, or MODULE_LEVEL
    reason: str = ""  #: when set, why the source could not be checked (replaces the usual message)

    def message(self) -> str:
        if self.reason:
            return self.reason
        return f"line {self.line}: {self.name} is not allowed in this exercise"


#: The finding for a source that mentions a forbidden name but is nested too deeply (or is too
#: large) for its syntax tree to be built: it cannot be shown free of forbidden names, so it
#: is not given the benefit of the doubt.  (Python itself refuses to run almost all such files.)
TOO_DEEP = ("the file is nested too deeply to be checked for forbidden names ({error}); "
            "write the long expression in several steps")


def _matches(dotted: str, forbidden: tuple[str, ...]) -> str | None:
    for name in forbidden:
        if dotted == name or dotted.startswith(name + "."):
            return name
    return None


def _may_mention(source: str, forbidden: tuple[str, ...]) -> bool:
    """A cheap textual test: False when no forbidden name can be referenced at all,
    so the (slow) syntax-tree walk is needed only for sources that might.  Plain substring
    searches, linear in the source's length whatever it holds (a regular expression with
    ``import…name`` took quadratic time on a line of repeated ``import``)."""
    if "getattr" in source or "__import__" in source or "importlib" in source:
        return True
    for name in forbidden:
        part = name.split(".", 1)[1] if name.startswith("numpy.") else name.split(".")[0]
        if part.split(".")[0] in source:
            return True
    return False


def scan(source: str, forbidden) -> tuple[list[Finding], dict[str, set[str]]]:
    """Findings, and for each top-level name the top-level names it references."""
    forbidden = tuple(forbidden)
    if not forbidden or not _may_mention(source, forbidden):
        return [], {}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # the sandbox reports the same error when loading the file
        return [], {}
    except (RecursionError, MemoryError) as exc:
        error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        return [Finding("<unchecked>", 0, MODULE_LEVEL, TOO_DEEP.format(error=error))], {}
    aliases: dict[str, str] = {}  # local name -> dotted module/attribute path
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"

    findings: list[Finding] = []
    references: dict[str, set[str]] = {}
    top_names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}

    def dotted(node) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in aliases:
            return ".".join([aliases[node.id]] + parts[::-1])
        return None

    def visit(node, scope):
        for child in ast.walk(node):
            if isinstance(child, ast.Import):
                for a in child.names:
                    hit = _matches(a.name, forbidden)
                    if hit:
                        findings.append(Finding(hit, child.lineno, scope))
            elif isinstance(child, ast.ImportFrom) and child.module:
                for a in child.names:
                    hit = _matches(f"{child.module}.{a.name}", forbidden) or _matches(child.module, forbidden)
                    if hit and scope != MODULE_LEVEL:
                        findings.append(Finding(hit, child.lineno, scope))
                    elif hit and _matches(child.module, forbidden):
                        findings.append(Finding(hit, child.lineno, scope))
            elif isinstance(child, (ast.Attribute, ast.Name)) and isinstance(child.ctx, ast.Load):
                path = dotted(child)
                if path:
                    hit = _matches(path, forbidden)
                    if hit:
                        findings.append(Finding(hit, child.lineno, scope))
                if isinstance(child, ast.Name) and child.id in top_names and scope != MODULE_LEVEL:
                    references.setdefault(scope, set()).add(child.id)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            visit(node, node.name)
        else:
            visit(node, MODULE_LEVEL)
    unique = sorted(set(findings), key=lambda f: (f.line, f.name))
    return unique, references


def tainted_names(findings: list[Finding], references: dict[str, set[str]]) -> dict[str, Finding]:
    """Top-level names whose code reaches a forbidden name, with the finding."""
    tainted = {f.scope: f for f in findings if f.scope != MODULE_LEVEL}
    changed = True
    while changed:
        changed = False
        for name, refs in references.items():
            if name in tainted:
                continue
            for ref in refs:
                if ref in tainted:
                    tainted[name] = tainted[ref]
                    changed = True
                    break
    return tainted


def module_level(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.scope == MODULE_LEVEL]
