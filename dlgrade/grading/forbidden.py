"""Finding forbidden names in a submission's source, statically.

The sandbox refuses forbidden imports and calls at run time; this scan is the
second line: it names the line, and it cannot be swallowed by a ``try``.  A
finding inside a top-level function taints that function and every top-level
function that calls it, so only the checks that reach tainted code lose points.
"""

from __future__ import annotations

import ast
import collections
from dataclasses import dataclass

MODULE_LEVEL = "<module>"


@dataclass(frozen=True)
class Finding:
    name: str  #: the forbidden name, e.g. "numpy.convolve"
    line: int
    scope: str  #: the top-level function/class it is in, or MODULE_LEVEL
    via: str = ""  #: the shortcut it is reached by, when not the name itself ("numpy._core.numeric.convolve")
    reason: str = ""  #: when set, why the source could not be checked (replaces the usual message)

    def message(self) -> str:
        if self.reason:
            return self.reason
        shortcut = f" (reached as {self.via})" if self.via and self.via != self.name else ""
        return f"line {self.line}: {self.name} is not allowed in this exercise{shortcut}"


# Names through which code can reach a module or an attribute chosen at run time.
IMPORTERS = ("__import__", "builtins.__import__", "importlib.import_module", "importlib.__import__",
             "importlib.util.find_spec", "importlib.find_loader", "importlib.util.spec_from_file_location")
IMPORT_SYSTEM = ("sys.meta_path", "sys.path_hooks", "sys.path_importer_cache")
MODULE_TABLE = "sys.modules"
#: The C functions NumPy builds a forbidden function on (as dlgrade/sandbox/zygote.py guards them).
BUILT_ON = {"convolve": ("correlate",), "correlate": ("correlate2",)}
#: Words that mean the source may reach a name without spelling it (computed names, the import system).
SHORTCUT_WORDS = ("getattr", "vars", "__dict__", "__import__", "importlib", "meta_path", "path_hooks", "modules",
                  "exec", "eval")


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


def _numpy_path_hit(path: str, forbidden: tuple[str, ...]) -> str | None:
    """The forbidden ``numpy.X`` a path inside NumPy reaches under another name: a private
    module's X or X2 (numpy._core.numeric.convolve, numpy._core.multiarray.correlate2), the
    C function X is built on, or the module's namespace itself (numpy.__dict__)."""
    if not path.startswith("numpy."):
        return None
    parts = path.split(".")
    for name in forbidden:
        if not name.startswith("numpy."):
            continue
        attr = name.split(".", 1)[1]
        if parts[-1] in (attr, attr + "2") and len(parts) > 2:
            return name
        if parts[-1] in BUILT_ON.get(attr, ()) and any(p.startswith("_") for p in parts[1:-1]):
            return name
        if "__dict__" in parts[1:]:
            return name
    return None


def _may_mention(source: str, forbidden: tuple[str, ...]) -> bool:
    """A cheap textual test: False when no forbidden name can be referenced at all,
    so the (slow) syntax-tree walk is needed only for sources that might.  Plain substring
    searches, linear in the source's length whatever it holds (a regular expression with
    ``import…name`` took quadratic time on a line of repeated ``import``)."""
    if any(word in source for word in SHORTCUT_WORDS):
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
        return _unchecked(exc)
    try:
        return _scan_tree(tree, forbidden)
    except (RecursionError, MemoryError) as exc:  # a tree deep enough to pass the parser but not a walk
        return _unchecked(exc)


def _unchecked(exc: BaseException) -> tuple[list[Finding], dict[str, set[str]]]:
    error = f"{type(exc).__name__}: {exc}".rstrip(": ")
    return [Finding("<unchecked>", 0, MODULE_LEVEL, reason=TOO_DEEP.format(error=error))], {}


def _nodes_in_scopes(tree: ast.Module) -> list[tuple[ast.AST, str]]:
    """Every node below the module with the top-level function or class it is in (else
    MODULE_LEVEL), in ``ast.walk``'s order (its children as ``ast.iter_child_nodes`` gives
    them, inlined): the tree is walked once for the whole scan."""
    top = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    node_type = ast.AST
    nodes: list[tuple[ast.AST, str]] = []
    todo = collections.deque((child, child.name if isinstance(child, top) else MODULE_LEVEL)
                             for child in ast.iter_child_nodes(tree))
    append, push, pop = nodes.append, todo.append, todo.popleft
    while todo:
        item = pop()
        append(item)
        node, scope = item
        for name in node._fields:
            try:
                field = getattr(node, name)
            except AttributeError:
                continue
            if isinstance(field, node_type):
                push((field, scope))
            elif isinstance(field, list):
                for child in field:
                    if isinstance(child, node_type):
                        push((child, scope))
    return nodes


def _scan_tree(tree: ast.Module, forbidden: tuple[str, ...]) -> tuple[list[Finding], dict[str, set[str]]]:
    nodes = _nodes_in_scopes(tree)
    aliases: dict[str, str] = {}  # local name -> dotted module/attribute path
    assignments = []
    for node, _scope in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assignments.append(node)
    # Names bound to a module or a module's attribute (np2 = np, conv = np.convolve, m =
    # sys.modules["numpy"]) are aliases too; repeated until no new one appears (chains).
    assigned: set[str] = set()
    for _ in range(4):
        grown = False
        for node in assignments:
            target = node.targets[0].id
            value = node.value
            path = None
            while isinstance(value, ast.Attribute):
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                parts = []
                inner = node.value
                while isinstance(inner, ast.Attribute):
                    parts.append(inner.attr)
                    inner = inner.value
                path = ".".join([aliases[value.id]] + parts[::-1])
            elif isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Attribute) \
                    and isinstance(node.value.slice, ast.Constant) and isinstance(node.value.slice.value, str):
                base = node.value.value
                if isinstance(base.value, ast.Name) and aliases.get(base.value.id) == "sys" and base.attr == "modules":
                    path = node.value.slice.value
            if path and aliases.get(target) != path and target not in aliases:
                aliases[target] = path
                assigned.add(target)
                grown = True
        if not grown:
            break

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

    numpy_refused = [n for n in forbidden if n.startswith("numpy.")]
    modules_refused = [n for n in forbidden if not n.startswith("numpy.")]

    def constant(node) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def module_of(node) -> str | None:
        """The module an expression names: an alias, sys.modules[...], importlib.import_module(...)."""
        path = dotted(node)
        if path:
            return path
        if isinstance(node, ast.Subscript) and dotted(node.value) == MODULE_TABLE:
            return constant(node.slice)
        if isinstance(node, ast.Call) and node.args and (dotted(node.func) in IMPORTERS[:4]
                                                          or dotted(node.func) == MODULE_TABLE + ".get"):
            return constant(node.args[0])
        return None

    def shortcut(child, scope):
        """Findings for the ways around a plain reference: computed names, the import system."""
        if not isinstance(child, (ast.Call, ast.Attribute, ast.Subscript)):
            return
        line = getattr(child, "lineno", 0)

        def text() -> str:  # the expression as written, shown only in a finding
            return ast.unparse(child)[:60]

        if isinstance(child, ast.Call):
            func = dotted(child.func) or (child.func.id if isinstance(child.func, ast.Name) else None)
            if func in IMPORTERS and child.args:
                name = constant(child.args[0])
                if name is None and modules_refused:
                    findings.append(Finding(" or ".join(modules_refused), line, scope,
                                            f"{func}(…) with a computed name"))
                elif name is not None:
                    hit = _matches(name, forbidden) or _numpy_path_hit(name, forbidden)
                    if hit:
                        findings.append(Finding(hit, line, scope, text()))
            elif func in ("getattr", "builtins.getattr") and len(child.args) >= 2:
                owner = module_of(child.args[0])
                if owner and owner.split(".")[0] == "numpy" and numpy_refused:
                    name = constant(child.args[1])
                    if name is None:
                        findings.append(Finding(" or ".join(numpy_refused), line, scope,
                                                f"getattr({owner}, …) with a computed name"))
                    else:
                        hit = _matches(f"{owner}.{name}", forbidden) or _numpy_path_hit(f"{owner}.{name}", forbidden)
                        if hit:
                            findings.append(Finding(hit, line, scope, text()))
            elif func in ("vars", "builtins.vars") and child.args and numpy_refused:
                owner = module_of(child.args[0])
                if owner and owner.split(".")[0] == "numpy":
                    findings.append(Finding(" or ".join(numpy_refused), line, scope, f"vars({owner})"))
        elif isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Load):
            if isinstance(child.value, (ast.Subscript, ast.Call)):
                owner = module_of(child.value)
                if owner:
                    path = f"{owner}.{child.attr}"
                    hit = _matches(path, forbidden) or _numpy_path_hit(path, forbidden)
                    if hit:
                        findings.append(Finding(hit, line, scope, text()))
            path = dotted(child)
            if path in IMPORT_SYSTEM and forbidden:
                findings.append(Finding("changing the import system", line, scope, path))
        elif isinstance(child, ast.Subscript) and dotted(child.value) == MODULE_TABLE:
            name = constant(child.slice)
            hit = name and (_matches(name, forbidden) or _numpy_path_hit(name, forbidden))
            if hit:
                findings.append(Finding(hit, line, scope, text()))
            elif name is None and forbidden and not (isinstance(child.slice, ast.Name) and child.slice.id == "__name__"):
                findings.append(Finding(" or ".join(forbidden), line, scope, "sys.modules[…] with a computed name"))

    def visit(child, scope):
        shortcut(child, scope)
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
                    base = child
                    while isinstance(base, ast.Attribute):
                        base = base.value
                    via = ast.unparse(child) if isinstance(base, ast.Name) and base.id in assigned else ""
                    findings.append(Finding(hit, child.lineno, scope, via))
                else:
                    hit = _numpy_path_hit(path, forbidden)
                    if hit and not (isinstance(child, ast.Name) and path == aliases.get(child.id) and
                                    scope == MODULE_LEVEL):
                        findings.append(Finding(hit, child.lineno, scope, path))
            if isinstance(child, ast.Name) and child.id in top_names and scope != MODULE_LEVEL:
                references.setdefault(scope, set()).add(child.id)

    # The only kinds of node visit (and shortcut) look at: the others (constants, operators,
    # contexts, statements…) are passed over without a call.
    looked_at = (ast.Import, ast.ImportFrom, ast.Attribute, ast.Name, ast.Call, ast.Subscript)
    for node, scope in nodes:
        if isinstance(node, looked_at):
            visit(node, scope)
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
