"""Bulk grading speed and memory: a synthetic class graded with the sandbox on.

    python benchmarks/bulk.py                      # 300 students × all exercises, dlgrade's default jobs
    python benchmarks/bulk.py --jobs 2             # one sandbox per core
    python benchmarks/bulk.py --students 50 --exercises ex01,ex05

Prints the figures the targets are stated in:
- exercise-submissions per second (target ≥ 25);
- (run wall time ÷ exercise-submissions) ÷ (wall time of `python -c "import numpy"`
  measured in this run ÷ jobs) — what a fresh interpreter per submission would
  pay before grading anything (target < 0.5);
- peak resident memory of the whole process tree: grader, zygotes, children
  (target < 1.5 GB).
The oracle cache starts empty, as in a real run (per-student seeds make every
hidden input new).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def numpy_import_seconds(repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import numpy"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--exercises", default="all")
    parser.add_argument("--jobs", type=int, default=None, help="parallel sandboxes (default: dlgrade grade's)")
    parser.add_argument("--backend", default=None, help="bwrap (default when available) or rlimit")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dlgrade-bench-"))
    os.environ["DLGRADE_CACHE"] = str(work / "cache")  # a cold oracle cache

    import synthetic_class

    from dlgrade.bulk.runner import default_jobs, grade_class
    from dlgrade.course import load_course

    args.jobs = args.jobs or default_jobs()

    course = load_course(ROOT)
    exercises = list(course) if args.exercises == "all" else [course.resolve(e) for e in args.exercises.split(",")]
    synthetic_class.random_class(work / "class", args.students, seed=1)

    numpy_seconds = numpy_import_seconds()
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(os.getpid()))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    summary = grade_class(work / "class", exercises, work / "gradebook.db", jobs=args.jobs, backend=args.backend)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()

    graded = summary.graded
    per_submission = wall / max(graded, 1)
    ratio = per_submission / (numpy_seconds / args.jobs)
    print(f"class: {args.students} students × {len(exercises)} exercises ({', '.join(e.id for e in exercises)}), "
          f"jobs {args.jobs}, sandbox {args.backend or 'auto'}")
    print(f"exercise-submissions graded: {graded} (not submitted: {summary.not_submitted})")
    print(f"wall time: {wall:.2f} s")
    print(f"throughput: {graded / wall:.1f} exercise-submissions/s (target ≥ 25)")
    print(f"python -c 'import numpy': {numpy_seconds * 1000:.0f} ms (median of 5)")
    print(f"wall per submission ÷ (numpy import ÷ jobs): {ratio:.3f} (target < 0.5)")
    print(f"peak memory of the process tree: {peak[0] / 2**20:.0f} MiB (target < 1536 MiB)")


if __name__ == "__main__":
    main()
