"""What one submission costs, exercise by exercise: the reference solution graded again and
again in one warm sandbox, with a new seed each time (as a bulk run's students).

    python benchmarks/per_exercise.py              # every exercise, 60 gradings each
    python benchmarks/per_exercise.py ex04 ex07 --repeat 200

Prints, per submission: wall time; CPU time of this process (the grader's own Python:
inputs, comparisons, diagnoses) and of the sandbox (the zygote's fork, the student's code,
the child's side of every request); and the round trips to the sandbox by kind (a
``batch`` carries many calls).  Use it when writing or changing a grader: every round trip
and every oracle call is paid once per student.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dlgrade.course import load_course  # noqa: E402
from dlgrade.grading.oracle import Oracle  # noqa: E402
from dlgrade.grading.grade_submission import GradingContext, grade  # noqa: E402
from dlgrade.sandbox.worker import Session  # noqa: E402
from proctree import cpu_seconds, process_table  # noqa: E402


def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its descendants, with the children they have collected."""
    children, stats = process_table()
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        total += cpu_seconds(stats[p]) if p in stats else 0.0
        stack.extend(children.get(p, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercises", nargs="*", help="exercise ids (default: all)")
    parser.add_argument("--repeat", type=int, default=60, help="gradings per exercise")
    args = parser.parse_args()

    requests: collections.Counter = collections.Counter()
    original = Session.request

    def counting(self, header, blobs=(), timeout=None):
        requests[header.get("op")] += 1
        return original(self, header, blobs, timeout)

    Session.request = counting
    course = load_course(ROOT)
    chosen = [course.resolve(e) for e in args.exercises] if args.exercises else list(course)
    print(f"per submission, mean of {args.repeat} gradings of the reference solution (CPU: ms)")
    with GradingContext.create(oracle=Oracle(use_cache=False)) as context:
        for ex in chosen:
            source = ex.solution_path.read_text(encoding="utf-8")
            grade(ex, source, seed=1, context=context)  # warm: grader loaded, zygote running
            requests.clear()
            sandbox = tree_cpu(context.worker.process.pid)
            own = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            for k in range(args.repeat):
                result = grade(ex, source, seed=1000 + k, context=context)
            wall = (time.perf_counter() - started) / args.repeat
            after = resource.getrusage(resource.RUSAGE_SELF)
            grader = (after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime) / args.repeat
            sandbox = (tree_cpu(context.worker.process.pid) - sandbox) / args.repeat
            trips = ", ".join(f"{op} {n / args.repeat:g}" for op, n in requests.most_common())
            print(f"{ex.id}: wall {wall * 1000:.1f} ms, grader {grader * 1000:.1f}, sandbox {sandbox * 1000:.1f}; "
                  f"round trips {sum(requests.values()) / args.repeat:g} ({trips}); "
                  f"score {result.score:g}/{result.max_score:g}")


if __name__ == "__main__":
    main()
