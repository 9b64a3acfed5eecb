"""The student's small local state (hints seen, best scores), in .dlgrade/state.json."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from dlgrade.course import LOCAL_DIR

STATE_DIR = LOCAL_DIR
#: An exercise's progress, in this order.  public_passed: in a student bundle, every check that
#: runs at home passed, and the hidden checks (and their points) are still to come at grading.
STATUSES = ("not_started", "in_progress", "public_passed", "done")
FINISHED_HERE = ("public_passed", "done")  #: nothing more to gain by grading it again here


@dataclass
class State:
    path: Path
    hints_seen: dict[str, int] = field(default_factory=dict)  #: exercise id → hints revealed
    #: exercise id → [best score, max score] or, where hidden checks run only at grading (a student
    #: bundle), [best score, max score of the checks that ran, points of the hidden checks pending]
    best: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> "State":
        path = Path(root) / STATE_DIR / "state.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (OSError, ValueError):
            data = {}  # a missing or damaged state file starts afresh
        hints = {str(k): int(v) for k, v in dict(data.get("hints_seen", {})).items() if isinstance(v, int)}
        best = {str(k): [float(x) for x in v] for k, v in dict(data.get("best", {})).items()
                if isinstance(v, list) and len(v) in (2, 3) and all(isinstance(x, (int, float)) for x in v)}
        return cls(path=path, hints_seen=hints, best=best)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"hints_seen": self.hints_seen, "best": self.best}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def record(self, exercise_id: str, score: float, max_score: float, pending_points: float = 0.0) -> bool:
        """Keep the score if it is the exercise's best so far (or the maximum changed); True if kept.
        ``pending_points``: what the hidden checks that did not run here are worth."""
        old = self.best.get(exercise_id)
        if old is not None and old[1] == max_score and _pending(old) == pending_points and old[0] >= score:
            return False
        self.best[exercise_id] = [float(score), float(max_score)] + ([float(pending_points)] if pending_points else [])
        return True

    def forget(self, exercise_id: str) -> bool:
        """Drop an exercise's recorded progress (``dlgrade reset``); True if there was some."""
        return self.best.pop(exercise_id, None) is not None

    def status(self, exercise) -> str:
        """not_started, in_progress, public_passed or done.  Done only when the best score is
        the exercise's full points (as course.yaml gives them), so a score out of fewer
        points (the public checks of a student bundle, an older grader) never counts as done;
        public_passed when every check that ran passed and hidden checks are still to come.
        In progress once graded or once the student's file differs from the pristine stub."""
        best = self.best.get(exercise.id)
        if best is not None:
            if best[0] >= exercise.points - 1e-9 and not _pending(best):
                return "done"
            if _pending(best) and best[1] > 0 and best[0] >= best[1]:
                return "public_passed"
            return "in_progress"
        pristine = exercise.pristine_stub_path
        try:
            if pristine.is_file() and exercise.stub_path.read_bytes() != pristine.read_bytes():
                return "in_progress"
        except OSError:
            pass
        return "not_started"

    def next_unfinished(self, course, after=None):
        """The first exercise not done, in course order (after ``after`` if given, wrapping
        round to the start, never ``after`` itself); None when every exercise is done."""
        exercises = list(course)
        if after is None:
            candidates = exercises
        else:
            i = exercises.index(after)
            candidates = exercises[i + 1:] + exercises[:i]
        for ex in candidates:
            if self.status(ex) not in FINISHED_HERE:
                return ex
        return None

    def pending_points(self, course) -> float:
        """Points of the hidden checks still to come at grading for the exercises whose checks
        that run here all passed (public_passed)."""
        return sum(_pending(self.best[ex.id]) for ex in course if self.status(ex) == "public_passed")


def _pending(best: list[float]) -> float:
    return best[2] if len(best) > 2 else 0.0


def record_result(exercise, result, path: Path | None = None) -> None:
    """Remember the best score of the student's own file (``exercise.stub_path``); a grade
    of any other file (``check --file``) is not the student's progress."""
    if path is not None and Path(path).resolve() != exercise.stub_path.resolve():
        return
    state = State.load(exercise.root)
    if state.record(exercise.id, result.score, result.max_score, getattr(result, "pending_points", 0.0)):
        try:
            state.save()
        except OSError:
            pass  # a read-only course folder must not stop grading


class ResetError(Exception):
    """``reset`` cannot restore the stub; ``key`` and ``fields`` name the message (dlgrade.messages)."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key
        self.fields = fields


def reset_exercise(exercise, *, now: float | None = None) -> tuple[bool, Path | None]:
    """Copy the student's file to a timestamped backup, then put the pristine stub in its
    place.  Returns (whether the file changed, the backup's path or None when there was
    no file to keep)."""
    import shutil
    import time

    pristine = exercise.pristine_stub_path
    if not pristine.is_file():
        raise ResetError("reset.course_source", exercise=exercise.id, stub=exercise.stub_path, pristine=pristine)
    target = exercise.stub_path
    backup = None
    if target.is_file():
        if target.read_bytes() == pristine.read_bytes():
            return False, None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        backup = exercise.backup_path(stamp)
        n = 1
        while backup.exists():  # two resets within a second keep both backups
            backup = exercise.backup_path(f"{stamp}-{n}")
            n += 1
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".dlgrade-reset")
    shutil.copyfile(pristine, tmp)
    os.replace(tmp, target)
    return True, backup


def forget_progress(exercise) -> bool:
    """Drop the exercise's recorded best score (its status starts over); True if there was one."""
    state = State.load(exercise.root)
    if not state.forget(exercise.id):
        return False
    state.save()
    return True
