"""What the intake costs: reading a synthetic class's folders and zips into "student ×
exercise → file", without grading anything.

    python benchmarks/intake.py                    # 300 students × all exercises
    python benchmarks/intake.py --students 1000 --repeats 5

Prints students per second, milliseconds per student and the peak memory the intake added
(tracemalloc), so that its share of a bulk run (benchmarks/bulk.py) can be seen.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> int:
    import synthetic_class

    from dlgrade.bulk.collect import take_in
    from dlgrade.course import load_course

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    course = load_course(ROOT)
    exercises = list(course)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        synthetic_class.random_class(folder, students=args.students, seed=1)
        seconds = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            intake = take_in(folder, exercises)
            seconds.append(time.perf_counter() - started)
        tracemalloc.start()
        take_in(folder, exercises)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    best, median = min(seconds), statistics.median(seconds)
    counts = intake.counts()
    print(f"intake of {counts['entries']} entries ({counts['students']} students, {counts['taken']} files taken, "
          f"{counts['refused_students']} refused, {counts['conflicts']} conflicts)")
    print(f"  {args.students / median:.0f} students/s (median of {args.repeats}; best {args.students / best:.0f}), "
          f"{1000 * median / args.students:.2f} ms per student, "
          f"{1000 * median / max(1, counts['taken']):.2f} ms per exercise-submission")
    print(f"  peak memory allocated by one intake: {peak / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
