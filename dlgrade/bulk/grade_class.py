"""Grading a whole class: every student × exercise, in parallel warm sandboxes.

Each of ``jobs`` threads owns one warm worker (a zygote that forks a sandboxed
child per submission); grading itself waits on the children, so threads are
enough on the parent side.  The main thread alone writes the gradebook, one
transaction per result, as results arrive.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dlgrade.bulk.collect import Intake, StudentSubmission, SubmittedFile, take_in
from dlgrade.bulk.gradebook import Gradebook
from dlgrade.course import Exercise
from dlgrade.grading.oracle import Oracle
from dlgrade.grading.oracle_worker import oracle_process
from dlgrade.grading.grade_submission import GradingContext, grade
from dlgrade.inert import readable_id
from dlgrade.results import ExerciseResult
from dlgrade.trusted import helper_options


def default_jobs() -> int:
    """Parallel sandboxes by default: one per CPU, each in a grading process of its own.
    With no oracle to wait for, a grading process and its sandbox child take turns on one
    core, so more sandboxes only cost memory (measured on 2 cores, 300 students × 7
    exercises: 58.1–67.0 submissions/s with 2 jobs, 61.5 with 4; 409 vs 530 MiB)."""
    return max(1, os.cpu_count() or 1)


def student_seed(student: str, exercise: str, salt: str = "") -> int:
    """The hidden inputs' seed for one student and exercise: stable, recorded, reproducible
    with ``dlgrade check EX --seed N``."""
    digest = hashlib.sha256(f"{salt}\0{student}\0{exercise}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


@dataclass
class Task:
    student: str
    exercise: Exercise
    file: SubmittedFile
    seed: int
    previous: float | None = None  #: the score of the result this one replaces (None: none graded)


@dataclass(frozen=True)
class ScoreChange:
    """A regraded submission whose score moved."""

    student: str
    exercise: str
    before: float
    after: float


class GradingInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: ``summary`` says what was saved (each result is committed)."""

    def __init__(self, summary: "BulkSummary"):
        super().__init__()
        self.summary = summary


@dataclass
class BulkSummary:
    """What a run did (the gradebook holds the results themselves)."""

    students: int = 0
    graded: int = 0
    skipped: int = 0  #: unchanged since the last run: not graded again
    not_submitted: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    intake: Intake | None = None  #: what the intake made of the submissions folder
    changes: list[ScoreChange] = field(default_factory=list)  #: regraded scores that went up or down

    def changes_dict(self) -> dict:
        return {"up": [c.__dict__ for c in self.changes if c.after > c.before],
                "down": [c.__dict__ for c in self.changes if c.after < c.before]}


def plan(submissions: list[StudentSubmission], exercises: list[Exercise], book: Gradebook, salt: str,
         force: bool, summary: BulkSummary) -> list[Task]:
    """Record what needs no grading (missing, refused) and list what does."""
    tasks = []
    for sub in submissions:
        summary.problems.extend(f"{sub.student}: {p}" for p in sub.problems)
        for ex in exercises:
            version = ex.grader_version()
            current = book.current(sub.student, ex.id)
            file = sub.files.get(ex.id)
            if file is None:
                status = "refused" if sub.refused else "not_submitted"
                if force or current is None or current.status != status or current.grader_version != version:
                    book.record(student=sub.student, exercise=ex.id, grader_version=version, max_score=ex.points,
                                status=status, note="; ".join(sub.problems) if sub.refused else "not submitted")
                if status == "refused":
                    summary.refused += 1
                else:
                    summary.not_submitted += 1
                continue
            seed = student_seed(sub.student, ex.id, salt)
            if (not force and current is not None and current.status == "graded"
                    and current.content_hash == file.content_hash and current.grader_version == version
                    and current.seed == seed):
                summary.skipped += 1
                continue
            previous = current.score if current is not None and current.status == "graded" else None
            tasks.append(Task(sub.student, ex, file, seed, previous))
    return tasks


def grade_class(folder: Path, exercises: list[Exercise], db_path: Path, *, jobs: int = 2, salt: str = "",
                force: bool = False, backend: str | None = None,
                progress: Callable[[int, int, Task, ExerciseResult], None] | None = None,
                on_plan: Callable[[int], None] | None = None,
                submissions: list[StudentSubmission] | None = None, intake: Intake | None = None,
                session: str | None = None, only: set[str] | None = None, wait: float = 0.0) -> BulkSummary:
    """Grade every student's submission for ``exercises`` into the gradebook at ``db_path``.
    ``intake`` (or bare ``submissions``), when given, is graded instead of taking in ``folder``
    (a caller that has already read it, or wants only some students graded).  Students in a
    conflict are never in the intake's submissions: nothing is recorded under their ids.  A whole
    folder's intake is kept in the gradebook (under ``session``, when one is graded).
    ``only``: grade just these students (a partial regrade).  The run holds the gradebook's
    grading lock (waiting up to ``wait`` seconds for another run: GradebookLocked); Ctrl-C
    raises GradingInterrupted, which says how many results were saved."""
    from dlgrade.bulk.lock import grading_lock

    started = time.monotonic()
    summary = BulkSummary()
    with grading_lock(db_path, wait=wait):
        try:
            return _grade_class(folder, exercises, db_path, jobs, salt, force, backend, progress, on_plan,
                                submissions, intake, session, only, summary, started)
        except KeyboardInterrupt:
            summary.seconds = time.monotonic() - started
            raise GradingInterrupted(summary) from None


def _grade_class(folder, exercises, db_path, jobs, salt, force, backend, progress, on_plan, submissions, intake,
                 session, only, summary, started) -> BulkSummary:
    if submissions is None:
        intake = intake or take_in(folder, exercises, only=only)
        submissions = intake.submissions
    if only is not None:
        submissions = [s for s in submissions if s.student in only]
    summary.intake = intake
    if intake is not None:
        summary.problems.extend(conflict_lines(intake, "en"))
    for sub in submissions:  # names that are not valid text (file names are bytes) must not stop the gradebook
        sub.student = readable_id(sub.student)
        for file in sub.files.values():
            file.path = readable_id(file.path)
    summary.students = len(submissions)
    with Gradebook(db_path) as book:
        if intake is not None and not intake.partial:
            book.record_intake(folder=intake.folder, summary=intake.to_dict("en"), session=session)
        tasks = plan(submissions, exercises, book, salt, force, summary)
        if on_plan:
            on_plan(len(tasks))
        if tasks:
            _run(tasks, book, jobs, backend, progress, summary)
    summary.seconds = time.monotonic() - started
    return summary


def conflict_lines(intake: Intake, lang: str) -> list[str]:
    from dlgrade.messages import say

    return [say("intake.line.conflict", lang, entries=", ".join(c.entries), students=", ".join(c.students))
            for c in intake.conflicts]


def uses_tensorflow(exercise: Exercise) -> bool:
    """Whether the exercise's grader asks TensorFlow for anything (``oracle.tf``): with
    per-student inputs a bulk run then needs the oracle process from its start."""
    try:
        return "oracle.tf(" in exercise.grader_path.read_text(encoding="utf-8")
    except OSError:
        return False


def grading_processes(jobs: int) -> int:
    """How many grading processes share ``jobs`` sandboxes: one per CPU (fewer if there are
    fewer sandboxes), so that the graders' Python runs on every core."""
    return max(1, min(os.cpu_count() or 1, jobs))


def _run(tasks: list[Task], book: Gradebook, jobs: int, backend, progress, summary: BulkSummary):
    done: queue.Queue = queue.Queue()
    needs_tensorflow = any(uses_tensorflow(ex) for ex in {task.exercise for task in tasks})
    processes = grading_processes(min(jobs, len(tasks)))
    # Started now, TensorFlow's import overlaps the first submissions' grading; shared by
    # several grading processes, the oracle process listens for them.
    oracle = (oracle_process().address if processes > 1 else oracle_process().start()) if needs_tensorflow else None
    if processes > 1:
        stop = _start_processes(tasks, jobs, processes, backend, done, oracle)
    else:
        stop = _start_threads(tasks, jobs, backend, done)
    finished = 0
    try:
        while finished < len(tasks):
            task, result = done.get()
            if task is None:
                raise result
            stored = record_result(book, task, result)
            finished += 1
            summary.graded += 1
            if task.previous is not None and abs(stored.score - task.previous) > 1e-9:
                summary.changes.append(ScoreChange(task.student, task.exercise.id, task.previous, stored.score))
            if progress:
                progress(finished, len(tasks), task, result)
    finally:
        stop()


def record_result(book: Gradebook, task: Task, result: ExerciseResult) -> ExerciseResult:
    """Store one submission's result; a result the gradebook cannot store (whatever the
    reason) is stored as that submission's tool error instead, and the run goes on."""
    try:
        book.record(student=task.student, exercise=task.exercise.id, grader_version=result.grader_version,
                    max_score=result.max_score, result=result, file=task.file)
        return result
    except Exception:
        import traceback

        from dlgrade.grading.grade_submission import tool_error_result

        failed = tool_error_result(task.exercise, task.seed, traceback.format_exc(), sandbox=result.sandbox)
        book.record(student=task.student, exercise=task.exercise.id, grader_version=failed.grader_version,
                    max_score=failed.max_score, result=failed, file=task.file)
        return failed


def _start_processes(tasks: list[Task], jobs: int, processes: int, backend, done: queue.Queue,
                     oracle_address: str | None):
    """Grading processes (dlgrade.bulk.gradeproc); their results arrive on ``done``.  Each is
    sent a task whenever it returns one, a few ahead of its sandboxes, so that a process held
    up (a slow or hostile submission's time limit) leaves the rest to the others.  Returns
    the function that stops them."""
    import json
    import subprocess

    from dlgrade.grading.oracle_worker import SHARED_ORACLE

    env = dict(os.environ)
    if oracle_address:
        env[SHARED_ORACLE] = oracle_address
    root = str(tasks[0].exercise.root.resolve())
    upcoming, upcoming_lock = iter(enumerate(tasks)), threading.Lock()
    children = []

    def send_next(child, sent: dict) -> None:
        with upcoming_lock:
            item = next(upcoming, None)
        try:
            if item is None:
                child.stdin.close()  # the process ends once it has graded what it holds
                return
            i, task = item
            sent[i] = task
            child.stdin.write(json.dumps({"id": i, "exercise": task.exercise.folder, "source": task.file.source,
                                          "seed": task.seed}) + "\n")
            child.stdin.flush()
        except (OSError, ValueError):
            pass  # the process ended: its reader says why

    def receive(child, sent: dict):
        try:
            for line in child.stdout:
                message = json.loads(line)
                if "error" in message:
                    done.put((None, RuntimeError(f"a grading process failed:\n{message['error']}")))
                    return
                task = sent.pop(message["id"])
                send_next(child, sent)
                done.put((task, ExerciseResult.from_dict(message["result"])))
        except (OSError, ValueError, KeyError) as exc:
            done.put((None, RuntimeError(f"a grading process sent a malformed result: {exc}")))
            return
        if child.wait() != 0:
            done.put((None, RuntimeError(f"a grading process ended with exit code {child.returncode}")))

    for k in range(processes):
        child = subprocess.Popen([sys.executable, "-m", "dlgrade.bulk.gradeproc"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                 preexec_fn=_die_with_parent, **helper_options(env))
        children.append(child)
        sandboxes = jobs // processes + (k < jobs % processes)
        sent: dict[int, Task] = {}
        try:
            child.stdin.write(json.dumps({"root": root, "jobs": sandboxes, "backend": backend, "slot": k * 16}) + "\n")
        except OSError:
            pass  # the process ended: its reader says why
        for _ in range(sandboxes + 1):  # one waiting for each sandbox as it finishes
            send_next(child, sent)
        threading.Thread(target=receive, args=(child, sent), daemon=True).start()

    def stop():
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()

    return stop


def _die_with_parent() -> None:
    """In a grading process, before it runs: end when the run's process ends (even by SIGKILL)."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _start_threads(tasks: list[Task], jobs: int, backend, done: queue.Queue):
    """Grading threads in this process, one warm sandbox each; returns the function that stops them."""
    work: queue.Queue = queue.Queue()
    for task in tasks:
        work.put(task)
    oracle = Oracle(use_cache=False)
    stop = threading.Event()

    def worker(slot: int):
        try:
            with GradingContext.create(backend=backend, slot=slot, oracle=oracle) as context:
                while not stop.is_set():
                    try:
                        task = work.get_nowait()
                    except queue.Empty:
                        return
                    result = grade(task.exercise, task.file.source, seed=task.seed, context=context)
                    done.put((task, result))
        except BaseException as exc:  # a tool failure (sandbox cannot start): end the run
            done.put((None, exc))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(max(1, min(jobs, len(tasks))))]
    for t in threads:
        t.start()

    def halt():
        stop.set()
        for t in threads:
            t.join(timeout=30)

    return halt
