"""A grading process of a bulk run: ``jobs`` threads, each with its own warm sandbox,
grading the submissions the run sends it and sending back each result.

A bulk run on several CPUs starts one of these per CPU so that the graders' own Python
(inputs, comparisons, diagnoses) runs on every core, not under one interpreter lock;
all of them share the run's TensorFlow oracle process.  Both ends are dlgrade's own
trusted code: tasks and results cross as JSON lines (results as
``ExerciseResult.to_dict``), never pickle.

stdin: one line of configuration {"root", "jobs", "backend", "slot"}, then one line per
task {"id", "exercise" (folder), "source", "seed"}; stdout: one line per result
{"id", "result"}, or {"error"} if the process cannot go on.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import traceback
from pathlib import Path

from dlgrade.course import load_course
from dlgrade.grading.oracle import Oracle
from dlgrade.grading.grade_submission import GradingContext, grade, tool_error_result


def main() -> int:
    config = json.loads(sys.stdin.readline())
    exercises = {ex.folder: ex for ex in load_course(Path(config["root"]))}
    tasks: queue.Queue = queue.Queue()
    oracle = Oracle(use_cache=False)
    out_lock = threading.Lock()
    failed = threading.Event()

    def send_line(line: str) -> None:
        with out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def send(message: dict) -> None:
        send_line(json.dumps(message))  # ASCII: any text crosses whatever the pipe's encoding

    def read() -> None:
        for line in sys.stdin:
            tasks.put(json.loads(line))
        for _ in range(config["jobs"]):
            tasks.put(None)

    def work(slot: int) -> None:
        try:
            with GradingContext.create(backend=config["backend"], slot=slot, oracle=oracle) as context:
                while not failed.is_set():
                    task = tasks.get()
                    if task is None:
                        return
                    exercise = exercises[task["exercise"]]
                    result = grade(exercise, task["source"], seed=task["seed"], context=context)
                    try:
                        message = json.dumps({"id": task["id"], "result": result.to_dict(internal=True)})
                    except Exception:  # a result that cannot be sent is this submission's tool error
                        result = tool_error_result(exercise, task["seed"], traceback.format_exc())
                        message = json.dumps({"id": task["id"], "result": result.to_dict(internal=True)})
                    send_line(message)
        except BaseException:  # a tool failure (the sandbox cannot start): the run ends
            failed.set()
            send({"error": traceback.format_exc()})

    threading.Thread(target=read, daemon=True).start()
    threads = [threading.Thread(target=work, args=(config["slot"] + i,)) for i in range(config["jobs"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 1 if failed.is_set() else 0


if __name__ == "__main__":
    sys.exit(main())
