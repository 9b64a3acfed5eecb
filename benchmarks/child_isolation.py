"""What each session child's own namespaces cost.

    python benchmarks/child_isolation.py               # 200 of each
    python benchmarks/child_isolation.py --repeat 500

Prints, in milliseconds (median and 90th percentile):
- a fork of this process (NumPy imported, as the zygote has) that exits at once, collected;
- the same fork making its own IPC, network, mount and UTS namespaces, every mount read-only
  and a fresh tmpfs on each scratch folder — as root without a user namespace, as an
  unprivileged uid with one (what a non-root instructor's children do) — then exiting;
- whole sessions through a warm worker for each sandbox backend available: fork, the child's
  own world, the source sent and loaded, one call, the child reaped.
The difference between the first two lines is the price of isolating each child.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy  # noqa: E402,F401  (a child the size of the zygote's)

from dlgrade.sandbox import zygote  # noqa: E402
from dlgrade.sandbox.worker import Limits, Session, Worker, bubblewrap_available  # noqa: E402
from dlgrade.sandbox.remote import Student  # noqa: E402


def forked(body, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                body()
            except BaseException:
                code = 1
            os._exit(code)
        _pid, status = os.waitpid(pid, 0)
        times.append(time.perf_counter() - start)
        if os.WEXITSTATUS(status) != 0:
            raise SystemExit("the child could not make its namespaces here")
    return times


def unprivileged():
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(65534, 65534, 65534)
    zygote._enter_own_world(None, True)


def sessions(backend: str, repeat: int) -> list[float]:
    source = "import numpy as np\ndef f(x):\n    return x * 2\n"
    times = []
    with Worker(backend=backend) as worker:
        for _ in range(repeat):
            start = time.perf_counter()
            with Session(worker, source, "f.py", [], Limits()) as session:
                Student(session).f(3)
            times.append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(f"{label:<58} median {statistics.median(times) * 1000:6.2f} ms   p90 {p90 * 1000:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other work shares them)")
    root = os.geteuid() == 0
    show("fork + exit", forked(lambda: None, args.repeat))
    show("fork + own namespaces" + (" (as root)" if root else " (user namespace)") + " + exit",
         forked(lambda: zygote._isolate(root), args.repeat))
    if root:
        show("fork + drop to a uid + user namespace + namespaces + exit", forked(unprivileged, args.repeat))
    backends = ["rlimit"] + (["bwrap"] if bubblewrap_available() else [])
    for backend in backends:
        show(f"session ({backend}): spawn, load, one call, reap", sessions(backend, args.repeat))


if __name__ == "__main__":
    main()
