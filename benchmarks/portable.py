"""What the portable sandbox (a process per submission, over pipes: Windows' backend) costs
next to the zygote's (a fork per submission), grading the same submissions.

    python benchmarks/portable.py                      # ex05, 40 submissions per backend
    python benchmarks/portable.py --exercise ex01 --repeat 100 --backends portable,rlimit

Prints per backend: wall time per submission (median and total) in one warm context, the
CPU time of this process and of the sandbox processes (collected children) per submission,
and the wall time of a whole ``dlgrade check`` run from a new process (median of 5).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.course import load_course  # noqa: E402
from dlgrade.grading.oracle import Oracle  # noqa: E402
from dlgrade.grading.grade_submission import GradingContext, grade  # noqa: E402
from dlgrade.sandbox import bubblewrap_available  # noqa: E402


def cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def warm(exercise, source: str, backend: str, repeat: int) -> dict:
    walls = []
    own0, kids0 = cpu()
    with GradingContext.create(backend=backend, oracle=Oracle()) as context:
        grade(exercise, source, seed=0, context=context)  # caches filled, the sandbox started
        own1, kids1 = cpu()
        for seed in range(1, repeat + 1):
            started = time.perf_counter()
            result = grade(exercise, source, seed=seed, context=context)
            walls.append(time.perf_counter() - started)
            assert result.score == result.max_score, result.checks
    own2, kids2 = cpu()  # the sandbox processes are collected once the context closes
    return {"median": statistics.median(walls), "total": sum(walls), "own_cpu": (own2 - own1) / repeat,
            "sandbox_cpu": (kids2 - kids0) / (repeat + 1)}


def cold(exercise, path: Path, backend: str, times: int = 5) -> float:
    env = dict(os.environ, DLGRADE_SANDBOX=backend, PYTHONPATH=str(ROOT))
    walls = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "dlgrade.cli", "check", exercise.id, "--file", str(path), "--json"],
                       env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="ex05")
    parser.add_argument("--repeat", type=int, default=40)
    default = "portable,bwrap" if bubblewrap_available() else "portable,rlimit"
    parser.add_argument("--backends", default=default)
    args = parser.parse_args()
    exercise = load_course(ROOT).resolve(args.exercise)
    source = exercise.solution_path.read_text(encoding="utf-8")
    print(f"{exercise.id}, {args.repeat} submissions per backend, load average {os.getloadavg()[0]:.1f}")
    for backend in args.backends.split(","):
        figures = warm(exercise, source, backend, args.repeat)
        once = cold(exercise, exercise.solution_path, backend)
        # The zygote's children are collected by the zygote, which bubblewrap's init outlives:
        # their CPU time does not reach this process's children's count.
        sandbox = (f"{figures['sandbox_cpu'] * 1000:.0f} ms" if figures["sandbox_cpu"] > 0.001
                   else "(not measurable from here)")
        print(f"{backend:>8}: {figures['median'] * 1000:6.0f} ms per submission (median; "
              f"{figures['total']:.1f} s for {args.repeat}), CPU {figures['own_cpu'] * 1000:.0f} ms here + "
              f"{sandbox} in the sandbox per submission; dlgrade check from a new process {once:.2f} s")


if __name__ == "__main__":
    main()
