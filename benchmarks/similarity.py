"""How long `dlgrade similarity` takes on a class: N students' ex05 files (four independent
solutions, each student's copy with its own names), every pair compared.

    python benchmarks/similarity.py --students 300
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=300)
    args = parser.parse_args()
    from dlgrade.reporting.similarity import compare_sources

    stub = (ROOT / "exercises" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")
    bases = [stub + (ROOT / "tests" / "similarity" / name).read_text(encoding="utf-8")
             for name in ("loops.py", "gather_matmul.py")]
    bases += [(ROOT / "tests" / "submissions" / "ex05_correlate2d" / "correct" / "sliding_windows.py")
              .read_text(encoding="utf-8"), (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")]
    sources = {f"s{i:03d}": re.sub(r"\bout\b", f"out{i}", bases[i % len(bases)]) for i in range(args.students)}
    started = time.perf_counter()
    report = compare_sources(sources, stub=stub)
    seconds = time.perf_counter() - started
    n = args.students
    print(f"{n} students, {n * (n - 1) // 2} pairs compared in {seconds:.1f} s; "
          f"{len(report.pairs)} pairs flagged (students with the same base solution)")


if __name__ == "__main__":
    main()
