"""Results are data: every output (terminal, JSON, CSV, gradebook…) renders these.

``ExerciseResult.to_dict()`` is the one serialisation, versioned by
``SCHEMA_VERSION``; ``from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlgrade.inert import clean

SCHEMA_VERSION = 1
#: ``tool-error``: dlgrade itself could not grade this check or submission (its grader
#: failed, or what it met while grading could not be handled); worth 0, the student is told
#: to ask the instructor, the instructor finds the traceback in ``internal``.
STATUSES = ("passed", "failed", "error", "timeout", "forbidden", "tool-error")
VISIBILITIES = ("public", "hidden", "self")  #: self: a self-check the student bundle runs, worth no points


@dataclass
class CheckResult:
    """The outcome of one check."""

    name: str  #: the check's identifier (its function name in the grader)
    visibility: str  #: "public" (inputs and expected values shown) or "hidden"
    status: str  #: one of STATUSES
    score: float  #: points earned
    max_score: float  #: points available
    message: str = ""  #: feedback for the student; never a hidden expected value
    title: str = ""  #: one line saying what the check verifies
    mistake: str | None = None  #: key of a recognised common mistake, if any
    internal: str = ""  #: for the instructor only: a grader traceback
    title_ko: str = ""  #: the title in Korean

    def __post_init__(self):
        # Messages quote what student code raised or printed: kept as text every encoder
        # (UTF-8, SQLite, JSON) accepts and of bounded length.
        self.message = clean(self.message)
        self.internal = clean(self.internal)
        self.name, self.title, self.title_ko = clean(self.name, 200), clean(self.title, 500), clean(self.title_ko, 500)
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {self.visibility!r}")

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` ("ko" or "en"), else the English one, else the name."""
        return (self.title_ko if lang == "ko" else "") or self.title or self.name

    def to_dict(self, *, internal: bool = False) -> dict:
        d = {"name": self.name, "visibility": self.visibility, "status": self.status,
             "score": self.score, "max_score": self.max_score, "message": self.message}
        if self.title:
            d["title"] = self.title
        if self.title_ko:
            d["title_ko"] = self.title_ko
        if self.mistake:
            d["mistake"] = self.mistake
        if internal and self.internal:
            d["internal"] = self.internal
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "CheckResult":
        return cls(name=d["name"], visibility=d["visibility"], status=d["status"], score=d["score"],
                   max_score=d["max_score"], message=d.get("message", ""), title=d.get("title", ""),
                   mistake=d.get("mistake"), internal=d.get("internal", ""), title_ko=d.get("title_ko", ""))


@dataclass
class ExerciseResult:
    """All checks of one exercise for one submission."""

    exercise: str  #: the exercise id, e.g. "ex05"
    seed: int  #: the seed the hidden inputs came from
    checks: list[CheckResult] = field(default_factory=list)
    grader_version: str = ""  #: hash of the grader and reference solution
    sandbox: str = ""  #: the backend the code ran in: "bwrap", "rlimit" or "portable"
    output: str = ""  #: the start of what the student's code printed
    notes: list[str] = field(default_factory=list)  #: remarks for the student (processes killed, …)
    pending_checks: int = 0  #: hidden checks that did not run here (a student bundle): they run at grading
    pending_points: float = 0.0  #: what those hidden checks are worth

    @property
    def complete(self) -> bool:
        """Every graded check ran: the score is the grade (False in a student bundle, where
        the hidden checks run only at grading time)."""
        return self.pending_checks == 0

    @property
    def points_at_grading(self) -> float:
        """What the exercise is worth when it is graded: the checks that ran and those pending."""
        return round(self.max_score + self.pending_points, 6)

    def __post_init__(self):
        self.output = clean(self.output)
        self.notes = [clean(n) for n in self.notes]

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_dict(self, *, internal: bool = False) -> dict:
        d = {"schema_version": SCHEMA_VERSION, "exercise": self.exercise, "score": self.score,
             "max_score": self.max_score, "seed": self.seed,
             "checks": [c.to_dict(internal=internal) for c in self.checks]}
        if self.grader_version:
            d["grader_version"] = self.grader_version
        if self.sandbox:
            d["sandbox"] = self.sandbox
        if self.notes:
            d["notes"] = list(self.notes)
        if internal and self.output:
            d["output"] = self.output
        if self.pending_checks:
            d["complete"] = False
            d["pending"] = {"hidden_checks": self.pending_checks, "hidden_points": self.pending_points,
                            "max_score_at_grading": self.points_at_grading}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ExerciseResult":
        version = d.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValueError(f"result schema version {version} is not supported (expected {SCHEMA_VERSION})")
        return cls(exercise=d["exercise"], seed=d["seed"], checks=[CheckResult.from_dict(c) for c in d["checks"]],
                   grader_version=d.get("grader_version", ""), sandbox=d.get("sandbox", ""),
                   output=d.get("output", ""), notes=list(d.get("notes", [])),
                   pending_checks=int(d.get("pending", {}).get("hidden_checks", 0)),
                   pending_points=float(d.get("pending", {}).get("hidden_points", 0.0)))
