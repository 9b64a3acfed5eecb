"""Starting dlgrade's own helper processes so that they import only dlgrade's code.

``python -m module`` puts the current folder first on ``sys.path``; an instructor grading
from inside an extracted submission would then import the student's ``dlgrade/`` or
``numpy.py`` into a trusted process.  Helpers therefore start in the folder that holds the
dlgrade package in use, with PYTHONSAFEPATH set (Python ≥ 3.11 then adds no folder at all).
"""

from __future__ import annotations

import os
from pathlib import Path


def package_parent() -> Path:
    """The folder holding the dlgrade package in use."""
    return Path(__file__).resolve().parent.parent


def helper_options(env: dict | None = None) -> dict:
    """``cwd`` and ``env`` for subprocess.Popen of ``python -m dlgrade.…``: the package's own
    folder first on the path, whatever the current folder holds."""
    parent = str(package_parent())
    env = dict(os.environ if env is None else env)
    env["PYTHONSAFEPATH"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [parent, env.get("PYTHONPATH", "")]))
    return {"cwd": parent, "env": env}
