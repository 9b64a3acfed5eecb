"""What one hostile submission costs the grading process: wall time to grade each of a set
of crafted ex05 files, and what they become (statuses), next to a correct file.

    python benchmarks/hostile.py

Each figure is the grading of one file in a warm sandbox (bubblewrap when available), as a
bulk run grades it; the Korean rendering of the feedback is timed separately.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORRECT = (ROOT / "solutions" / "ex05_correlate2d" / "conv.py").read_text(encoding="utf-8")

FILES = {
    "correct solution": CORRECT,
    "x = ((…1…)) 100 000 deep": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n",
    "x = ---…1 100 000 deep": "x = " + "-" * 100_000 + "1\n",
    "x = 1+1+… 400 000 terms": "x = " + "+".join(["1"] * 400_000) + "\n",
    "deep and mentions np.convolve": "import numpy as np\nx = " + "+".join(["1"] * 100_000) + "\ny = np.convolve\n",
    "'import ' × 140 000 on a line": "import " * 140_000 + "\n",
    "surrogates printed and raised": CORRECT + "\nprint('a\\ud800')\ndef correlate(x, w, mode='valid'):\n"
                                     "    raise ValueError('\\udfff\\x1b[31m' * 5000)\n",
    "20 000-character message line": CORRECT + "\ndef correlate(x, w, mode='valid'):\n"
                                     "    raise ValueError(': expected ' * 1800)\n",
}


def main() -> None:
    from dlgrade.course import load_course
    from dlgrade.grading.grade_submission import GradingContext, grade
    from dlgrade.messages import localize_feedback
    from dlgrade.student.feedback import render_check

    ex = load_course(ROOT).resolve("ex05")
    with GradingContext.create() as context:
        grade(ex, CORRECT, context=context)  # warm the worker
        print(f"sandbox: {context.worker.backend}")
        print(f"{'file':34} {'grade':>8} {'render ko':>10}  statuses")
        for name, source in FILES.items():
            started = time.perf_counter()
            result = grade(ex, source, context=context)
            graded = time.perf_counter() - started
            started = time.perf_counter()
            for check in result.checks:
                localize_feedback(check.message, "ko")
            render_check(result, lang="ko", file="conv.py")
            rendered = time.perf_counter() - started
            statuses = ", ".join(f"{n} {s}" for s, n in Counter(c.status for c in result.checks).most_common())
            print(f"{name:34} {graded:7.2f}s {rendered:9.3f}s  {result.score:g}/{result.max_score:g}: {statuses}")


if __name__ == "__main__":
    main()
