"""Late policies as pure functions: how much of a score a submission keeps, and why.

A policy is one of

* ``none`` — a late submission keeps its whole score (it is still marked late);
* ``zero`` — anything submitted after the close scores 0;
* ``percent`` — ``percent`` of the score is lost for every *started* ``per_minutes``
  minutes after the close (1 s late already costs one step; exactly ``per_minutes``
  minutes late costs one step; one second more costs two), but the score never drops
  below ``floor`` percent of itself.

Submitted exactly at the close is on time.  A submission dated before the session
opened keeps its score and is flagged ``early`` for the instructor to look at (an
old file, a wrong clock, a copy made before the session).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

KINDS = ("none", "zero", "percent")
ON_TIME, LATE, EARLY, UNKNOWN = "on_time", "late", "early", "unknown"


@dataclass(frozen=True)
class LatePolicy:
    """What happens to a submission after the session closes."""

    kind: str = "none"  #: one of KINDS
    percent: float = 0.0  #: percent of the score lost per step (kind "percent")
    per_minutes: float = 0.0  #: the step: every started ``per_minutes`` minutes after the close
    floor: float = 0.0  #: the score never drops below this percent of itself (kind "percent")

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown late policy {self.kind!r}")
        if self.kind == "percent" and not (self.percent > 0 and self.per_minutes > 0 and 0 <= self.floor <= 100):
            raise ValueError("a percent policy needs percent > 0, per_minutes > 0 and 0 <= floor <= 100")

    def to_dict(self) -> dict:
        if self.kind != "percent":
            return {"kind": self.kind}
        return {"kind": self.kind, "percent": self.percent, "per_minutes": self.per_minutes, "floor": self.floor}


@dataclass(frozen=True)
class Lateness:
    """The verdict on one submission's time."""

    timing: str  #: ON_TIME, LATE, EARLY or UNKNOWN (no time known)
    late_seconds: float  #: seconds after the close (0 unless late)
    steps: int  #: penalty steps counted (kind "percent"), else 0
    multiplier: float  #: the fraction of the score kept, in [0, 1]

    def reason(self, policy: LatePolicy, lang: str) -> str:
        """One line saying what happened, for the instructor's tables."""
        from dlgrade.messages import say

        minutes = late_minutes_text(self.late_seconds)
        if self.timing != LATE:
            return say(f"late.reason.{self.timing}", lang)
        if policy.kind == "percent":
            key = "late.reason.floor" if self.multiplier * 100 <= policy.floor + 1e-9 and self.steps else \
                "late.reason.percent"
            return say(key, lang, minutes=minutes, steps=self.steps, percent=policy.percent,
                       per=policy.per_minutes, kept=self.multiplier * 100, floor=policy.floor)
        return say(f"late.reason.{policy.kind}", lang, minutes=minutes, kept=self.multiplier * 100)


def late_minutes_text(seconds: float) -> str:
    """`12m05s`: lateness for a table."""
    whole = int(round(seconds))
    return f"{whole // 60}m{whole % 60:02d}s"


def penalty_steps(late_seconds: float, per_minutes: float) -> int:
    """Started ``per_minutes``-minute periods in ``late_seconds`` (0 when not late)."""
    if late_seconds <= 0:
        return 0
    return math.ceil(late_seconds / (per_minutes * 60))


def kept_fraction(policy: LatePolicy, late_seconds: float) -> tuple[int, float]:
    """(steps, fraction of the score kept) for a submission ``late_seconds`` after the close."""
    if late_seconds <= 0 or policy.kind == "none":
        return 0, 1.0
    if policy.kind == "zero":
        return 0, 0.0
    steps = penalty_steps(late_seconds, policy.per_minutes)
    kept_percent = max(policy.floor, 100.0 - steps * policy.percent)
    return steps, round(kept_percent / 100.0, 9)


def assess(policy: LatePolicy, opens: datetime, closes: datetime, submitted_at: datetime | None) -> Lateness:
    """The verdict for one submission; all datetimes must be time-zone aware."""
    if submitted_at is None:
        return Lateness(UNKNOWN, 0.0, 0, 1.0)
    for value in (opens, closes, submitted_at):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone")
    if submitted_at < opens:
        return Lateness(EARLY, 0.0, 0, 1.0)
    late_seconds = (submitted_at - closes).total_seconds()
    if late_seconds <= 0:
        return Lateness(ON_TIME, 0.0, 0, 1.0)
    steps, kept = kept_fraction(policy, late_seconds)
    return Lateness(LATE, late_seconds, steps, kept)


def weighted_score(score: float, max_score: float, weight: float, multiplier: float) -> float:
    """An exercise's contribution to a session total: its score fraction × weight × late multiplier."""
    if max_score <= 0:
        return 0.0
    return round(score / max_score * weight * multiplier, 6)
