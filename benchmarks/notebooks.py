"""What reading a notebook costs the trusted process (bulk grading reads every student's
notebook there, one after the other): a student's usual notebook, one with 14 MiB of
outputs, and notebooks written to slow the reading down.

    python benchmarks/notebooks.py            # each case 5 times; prints the median
    python benchmarks/notebooks.py --repeat 20

Also prints the cost of decoding .py files as Python does (BOM, coding line).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.grading.source import describe, submission_source  # noqa: E402

SOLUTION = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")


def notebook(cells, outputs=None) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": str(i), "metadata": {}, "execution_count": None, "source": text,
         "outputs": outputs or []} for i, text in enumerate(cells)]}).encode()


CASES = {
    "usual notebook (solution, magics, 20 cells)": (
        notebook(["%matplotlib inline\n!pip install -q numpy\nimport numpy as np"] + [SOLUTION]
                 + [f"print(correlate([1, 2, {i}], [1, 1]))\nnp.sum?" for i in range(18)]), "ex05.ipynb"),
    "14 MiB of outputs (plots)": (
        notebook([SOLUTION, "x = 1"], outputs=[{"output_type": "display_data", "metadata": {},
                                               "data": {"image/png": "A" * (7 << 20)}}]), "ex05.ipynb"),
    "1 MiB of shell escapes": (notebook(["!x\n" * ((1 << 20) // 4 - 100)]), "ex05.ipynb"),
    "1 MiB of open brackets and quotes": (notebook(["([{'\"" * ((1 << 20) // 6)]), "ex05.ipynb"),
    ".py in UTF-8": (SOLUTION.encode("utf-8"), "conv.py"),
    ".py in CP949 with a coding line": (("# -*- coding: cp949 -*-\n" + SOLUTION.replace("—", "-")).encode("cp949"),
                                        "conv.py"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    submission_source(CASES[".py in UTF-8"][0], "warm.ipynb")  # imports (nbformat, IPython) once
    submission_source(notebook(["%time x = 1"]), "warm.ipynb")
    print(f"{'case':48} {'size':>9} {'median ms':>10} {'max ms':>8}  result")
    for label, (data, name) in CASES.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            source = submission_source(data, name)
            times.append((time.perf_counter() - started) * 1000)
        info = describe(source)
        outcome = info.problem.key if info.problem else f"{len(source.splitlines())} lines"
        print(f"{label:48} {len(data) / 1024:8.0f}K {statistics.median(times):10.1f} {max(times):8.1f}  {outcome}")


if __name__ == "__main__":
    main()
