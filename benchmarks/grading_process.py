"""What one grading process of a bulk run costs per submission, measured exactly (not sampled):
a synthetic class's submissions fed to dlgrade.bulk.gradeproc, run in this process.

    python benchmarks/grading_process.py                     # 60 students × all exercises, one sandbox
    python benchmarks/grading_process.py --students 20 --exercises ex05 --profile

Prints the CPU time of the grading process itself (the graders' Python, the forbidden-name
scan, comparisons, the parent's side of the wire, the results' JSON) per submission and
per exercise; the sandboxes' CPU is not in it (benchmarks/per_exercise.py shows it).
``--profile`` adds the functions that took the most CPU (cProfile with a per-thread CPU
clock: the grading threads' waits on their sandboxes are not counted).
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def task_lines(students: int, exercises) -> list[str]:
    import synthetic_class

    from dlgrade.bulk.collect import take_in
    from dlgrade.bulk.grade_class import student_seed

    work = Path(tempfile.mkdtemp(prefix="dlgrade-bench-"))
    synthetic_class.random_class(work / "class", students, seed=1)
    lines = []
    for sub in take_in(work / "class", exercises).submissions:
        for ex in exercises:
            file = sub.files.get(ex.id)
            if file is not None:
                lines.append(json.dumps({"id": len(lines), "exercise": ex.folder, "source": file.source,
                                         "seed": student_seed(sub.student, ex.id)}))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--exercises", default="all")
    parser.add_argument("--backend", default=None, help="bwrap (default when available) or rlimit")
    parser.add_argument("--profile", action="store_true", help="also print the costliest functions")
    args = parser.parse_args()
    os.environ.setdefault("DLGRADE_CACHE", tempfile.mkdtemp(prefix="dlgrade-cache-"))

    from dlgrade.bulk import gradeproc
    from dlgrade.course import load_course

    course = load_course(ROOT)
    exercises = list(course) if args.exercises == "all" else [course.resolve(e) for e in args.exercises.split(",")]
    lines = task_lines(args.students, exercises)
    config = json.dumps({"root": str(ROOT), "jobs": 1, "backend": args.backend, "slot": 48})
    folders = {json.loads(line)["id"]: json.loads(line)["exercise"] for line in lines}
    ids = {ex.folder: ex.id for ex in exercises}

    cpu_by_exercise: collections.Counter = collections.Counter()
    count_by_exercise: collections.Counter = collections.Counter()
    profiles = []
    original_grade = gradeproc.grade

    def timed_grade(exercise, source, **kwargs):
        started = time.thread_time()
        try:
            return original_grade(exercise, source, **kwargs)
        finally:
            cpu_by_exercise[exercise.id] += time.thread_time() - started
            count_by_exercise[exercise.id] += 1

    gradeproc.grade = timed_grade
    if args.profile:
        import cProfile

        run = threading.Thread.run

        def profiled(thread):
            profile = cProfile.Profile(time.thread_time)
            profiles.append(profile)
            profile.enable()
            try:
                run(thread)
            finally:
                profile.disable()

        threading.Thread.run = profiled

    stdin, stdout = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO("\n".join([config, *lines]) + "\n"), io.StringIO()
    started, wall = time.process_time(), time.perf_counter()
    try:
        gradeproc.main()
    finally:
        replies, sys.stdin, sys.stdout = sys.stdout.getvalue(), stdin, stdout
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    graded = replies.count('"result"')
    print(f"{graded} submissions ({args.students} students × {', '.join(ids.values())}), one sandbox")
    print(f"grading process CPU: {cpu / max(graded, 1) * 1000:.1f} ms per submission "
          f"(start-up included: graders loaded, scipy imported); wall {wall / max(graded, 1) * 1000:.1f} ms")
    print("grade() CPU per submission: " + ", ".join(
        f"{ex} {cpu_by_exercise[ex] / count_by_exercise[ex] * 1000:.1f} ms" for ex in sorted(count_by_exercise)))
    if len(folders) != graded:
        print(f"(of {len(folders)} submissions sent)")
    if profiles:
        import pstats

        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
