"""Bulk grading speed and memory: a synthetic class graded with the sandbox on.

    python benchmarks/bulk.py                      # 300 students × all exercises, dlgrade's default jobs
    python benchmarks/bulk.py --jobs 4             # two sandboxes per core
    python benchmarks/bulk.py --students 50 --exercises ex01,ex05

Prints the figures the targets are stated in:
- exercise-submissions per second (target ≥ 25);
- (run wall time ÷ exercise-submissions) ÷ (wall time of `python -c "import numpy"`
  measured in this run ÷ jobs) — what a fresh interpreter per submission would
  pay before grading anything (target < 0.5);
- peak resident memory of the whole process tree: grader, zygotes, children
  (target < 1.5 GB);
- CPU time per submission in the grading process, the sandboxes and the oracle process.
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


def tree_sample(pid: int) -> tuple[int, dict[int, tuple[str, float]]]:
    """Resident bytes of pid and all its descendants, and each descendant's CPU seconds
    by kind: "oracle" (the TensorFlow process), "grading processes", "sandbox" (a zygote
    with the children it has collected, or bubblewrap itself)."""
    from proctree import process_table

    tick = os.sysconf("SC_CLK_TCK")
    children, stats = process_table()

    def command(p: int) -> bytes:
        try:
            with open(f"/proc/{p}/cmdline", "rb") as handle:
                return handle.read()
        except OSError:
            return b""

    total, cpu, stack = 0, {}, [pid]
    while stack:
        p = stack.pop()
        if p in stats:
            fields = stats[p]
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            mine = command(p) if p != pid else b""
            # A session child (forked by a zygote: the same command line) is counted in the
            # zygote's cutime/cstime once collected; bubblewrap's would count the zygote twice.
            # A process whose command line cannot be read (it is ending) is left to the next sample.
            if p != pid and mine and mine != command(int(fields[1])):
                kind = ("oracle" if b"oracle_worker" in mine else
                        "grading processes" if b"gradeproc" in mine else "sandbox")
                collected = int(fields[13]) + int(fields[14]) if b"-S" in mine and b"bwrap" not in mine else 0
                cpu[p] = (kind, (int(fields[11]) + int(fields[12]) + collected) / tick)
        stack.extend(children.get(p, []))
    return total, cpu


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

    from dlgrade.bulk.grade_class import default_jobs, grade_class
    from dlgrade.course import load_course

    args.jobs = args.jobs or default_jobs()

    course = load_course(ROOT)
    exercises = list(course) if args.exercises == "all" else [course.resolve(e) for e in args.exercises.split(",")]
    synthetic_class.random_class(work / "class", args.students, seed=1)

    numpy_seconds = numpy_import_seconds()
    peak = [0]
    cpu: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss, seen = tree_sample(os.getpid())
            peak[0] = max(peak[0], rss)
            for p, (kind, seconds) in seen.items():
                cpu[p] = (kind, max(seconds, cpu.get(p, (kind, 0.0))[1]))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, own_cpu = time.perf_counter(), time.process_time()
    summary = grade_class(work / "class", exercises, work / "gradebook.db", jobs=args.jobs, backend=args.backend)
    wall, own_cpu = time.perf_counter() - start, time.process_time() - own_cpu
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
    by_kind = {"this process": own_cpu}
    for kind, seconds in cpu.values():
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
    print("CPU per submission: " + ", ".join(f"{kind} {seconds / max(graded, 1) * 1000:.1f} ms"
                                            for kind, seconds in by_kind.items())
          + f" (sampled every 0.1 s; the machine has {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
