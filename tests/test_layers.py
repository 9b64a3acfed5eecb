"""The package's layers and its freedom from import cycles.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter checks them here,
so that an import reaching up a layer (the sandbox asking grading for something, grading
asking a bridge) or closing a cycle fails the suite, naming the import.  The contracts are
also shown to be breakable: a copy of the package with one bad import added fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = "Layers: front ends on top, the sandbox at the bottom"  #: the contracts' names in pyproject.toml
NO_CYCLES = "No import cycles: between the packages, between the modules of each package"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's command, with the contracts of this repository's pyproject.toml, on the
    ``dlgrade`` package found under ``root``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_the_layer_and_cycle_contracts_are_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{LAYERS} KEPT" in done.stdout and f"{NO_CYCLES} KEPT" in done.stdout


def _cycles(graph) -> list[list[str]]:
    """Every group of modules that import each other in a circle (strongly connected
    components of the import graph, more than one module each), sorted."""
    order, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(module):
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) - {module}:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph.modules)))
    try:
        for module in sorted(graph.modules):
            if module not in order:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(groups)


def _cycle_path(graph, group: list[str]) -> str:
    """One cycle through the first module of ``group``, as ``a -> b -> a``."""
    start = group[0]
    back = next(m for m in sorted(graph.find_modules_that_directly_import(start)) if m in group)
    chain = graph.find_shortest_chain(importer=start, imported=back) or (start, back)
    return " -> ".join([*chain, start])


def cycle_report() -> list[str]:
    """One line per import cycle of the ``dlgrade`` package on the path, naming one cycle."""
    graph = grimp.build_graph("dlgrade", cache_dir=None)
    return [_cycle_path(graph, group) for group in _cycles(graph)]


def _cycles_in_copy(root: Path) -> list[str]:
    """:func:`cycle_report` on the ``dlgrade`` package under ``root``, in a process of its own."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from test_layers import cycle_report; "
            "print(json.dumps(cycle_report()))")
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_no_module_of_the_package_is_part_of_an_import_cycle():
    # Wider than the acyclic_siblings contract: a package's __init__ and its own modules too.
    found = cycle_report()
    assert found == [], "import cycles: " + "; ".join(found)


def _package_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "dlgrade", tmp_path / "dlgrade", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _add_import(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _bad():\n    {line}\n", encoding="utf-8")


@pytest.mark.parametrize("module, line, named", [
    # the sandbox asking grading for something: a layer broken
    ("dlgrade.sandbox.worker", "from dlgrade.grading.checks import check", "dlgrade.sandbox.worker -> dlgrade.grading.checks"),
    # grading asking a bridge for the bundle's answers
    ("dlgrade.grading.grade_submission", "from dlgrade.bridges.replay import bundle_replay",
     "dlgrade.grading.grade_submission -> dlgrade.bridges.replay"),
    # a command module asking the CLI for an option
    ("dlgrade.commands.term", "from dlgrade.cli import main", "dlgrade.commands.term -> dlgrade.cli"),
])
def test_an_import_up_a_layer_breaks_the_contract(tmp_path, module, line, named):
    root = _package_copy(tmp_path)
    _add_import(root, module, line)
    done = lint_imports(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{LAYERS} BROKEN" in done.stdout
    assert named in done.stdout


def test_a_cycle_inside_a_layer_breaks_the_contract_and_the_cycle_test(tmp_path):
    root = _package_copy(tmp_path)
    # checks.py is imported by grade_submission.py; importing it back closes a cycle
    _add_import(root, "dlgrade.grading.checks", "from dlgrade.grading.grade_submission import grade")
    done = lint_imports(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{LAYERS} KEPT" in done.stdout  # within one package: not a matter of layers
    assert f"{NO_CYCLES} BROKEN" in done.stdout
    assert "No cycles are allowed in dlgrade.grading" in done.stdout
    assert "- .checks -> .grade_submission (1 import)" in done.stdout

    assert _cycles_in_copy(ROOT) == []
    assert any(p.startswith("dlgrade.grading.checks -> dlgrade.grading.grade_submission")
               for p in _cycles_in_copy(root)), _cycles_in_copy(root)


def test_importing_dlgrade_imports_nothing_heavy():
    code = ("import sys, dlgrade; print(' '.join(m for m in ('numpy', 'tensorflow', 'rich', 'click', 'yaml', "
            "'nbformat', 'scipy', 'dlgrade.grading', 'dlgrade.sandbox') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
