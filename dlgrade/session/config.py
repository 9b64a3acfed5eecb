"""Session files: a Friday evaluation's exercises, weights, times, late policy and roster.

::

    name: week3
    exercises: {ex04: 30, ex05: 40, ex06: 30}   # exercise: weight
    opens: 2026-11-27 14:00                     # in ``timezone`` unless an offset is given
    closes: 2026-11-27 15:00
    timezone: Asia/Seoul                        # the default
    late: {percent: 10, per_minutes: 10, floor: 50}   # or: none, zero
    seed_salt: week3                            # the default: the name
    roster: week3_roster.csv                    # optional, relative to this file: id,name
    times_from: folder                          # the default; or archive_entries (see below)
    resubmission: latest                        # the default; or best, or last_before_close
    extensions:                                 # optional: one student's own close
      s2: {closes: 2026-11-27 15:30}            #   a later close (an extension)
      s3: {minutes: 20}                         #   extra minutes after the close (an accommodation)

Submission times are when each file arrived in the submissions folder (its modification
time there: the student's archive, or the file in the student's folder), or the ``--times``
file.  The times written *inside* a zip or tar are the student's to set, so the late policy
uses them only with ``times_from: archive_entries`` (for an LMS export whose folder times
are all the download's; better: its submission times as ``--times``).

Every mistake is reported at once, each naming the file, the line, the field and the fix.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from dlgrade.course import Course, CourseError, Exercise
from dlgrade.messages import say
from dlgrade.session.late import LatePolicy

DEFAULT_TIMEZONE = "Asia/Seoul"
LONG_HOURS = 4  #: a session longer than this (hours) is warned about: an evaluation is an hour or two
FIELDS = ("name", "exercises", "opens", "closes", "timezone", "late", "seed_salt", "roster", "times_from",
          "extensions", "resubmission")
RESUBMISSION = ("latest", "best", "last_before_close")  #: which of a student's graded versions counts
EXTENSION_FIELDS = ("closes", "minutes")
#: the settings that decide scores: changing one under the same session name needs --force
POLICY_FIELDS = ("exercises", "opens", "closes", "timezone", "late", "seed_salt", "times_from", "resubmission")
TIMES_FROM = ("folder", "archive_entries")  #: where submission times come from (see the module's docstring)
LATE_FIELDS = ("percent", "per_minutes", "floor")


class SessionError(Exception):
    """A session file (or a file it names) is unusable; ``problems`` lists every mistake."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class SessionExercise:
    exercise: Exercise  #: the course's exercise
    weight: float  #: its share of the session total (weights need not add up to 100)


@dataclass(frozen=True)
class Session:
    """One evaluation session, validated."""

    name: str  #: the session's name, e.g. "week3" (the gradebook's key)
    path: Path  #: the session file
    exercises: tuple[SessionExercise, ...]  #: in the file's order
    opens: datetime  #: aware
    closes: datetime  #: aware, after ``opens``
    timezone: str  #: IANA name, e.g. "Asia/Seoul"
    late: LatePolicy  #: what happens after ``closes``
    seed_salt: str  #: salt of the per-student seeds (default: the name)
    roster: dict[str, str] | None = field(default=None, hash=False)  #: student id → name, or None
    times_from: str = "folder"  #: TIMES_FROM: arrival in the folder, or the times written inside archives
    extensions: dict[str, datetime] = field(default_factory=dict, hash=False)  #: student id → their own close
    resubmission: str = "latest"  #: RESUBMISSION: the version that counts when a student handed in several

    def warnings(self, lang: str) -> list[str]:
        """What looks like a mistake but may be meant: a session longer than LONG_HOURS, or one
        that closes on another day than it opens (in its zone)."""
        out = []
        hours = (self.closes - self.opens).total_seconds() / 3600
        if self.closes.date() != self.opens.date():
            out.append(say("session.warn.days", lang, opens=show_time(self.opens), closes=show_time(self.closes),
                           hours=hours))
        elif hours > LONG_HOURS:
            out.append(say("session.warn.long", lang, hours=hours, limit=LONG_HOURS))
        return out

    def closes_for(self, student: str) -> datetime:
        """The close the late policy applies to ``student``: theirs when an extension moved it."""
        return max(self.closes, self.extensions.get(student, self.closes))

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def max_total(self) -> float:
        return sum(e.weight for e in self.exercises)

    def to_dict(self) -> dict:
        return {"name": self.name, "exercises": {e.exercise.id: e.weight for e in self.exercises},
                "opens": self.opens.isoformat(), "closes": self.closes.isoformat(), "timezone": self.timezone,
                "late": self.late.to_dict(), "seed_salt": self.seed_salt,
                "roster": len(self.roster) if self.roster is not None else None, "times_from": self.times_from,
                "extensions": {k: v.isoformat() for k, v in sorted(self.extensions.items())},
                "resubmission": self.resubmission}


def show_time(moment: datetime, tz: tzinfo | None = None) -> str:
    """``2026-11-27 14:00 KST (+09:00)``: a time as instructors read it, in ``tz`` (else its own
    zone), with the zone's abbreviation and the offset."""
    local = moment.astimezone(tz) if tz is not None else moment
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    name = local.tzname() or ""
    if name.startswith(("+", "-")):  # a zone without an abbreviation: the offset says it
        name = ""
    return f"{local:%Y-%m-%d %H:%M} {name} ({offset})".replace("  ", " ")


def parse_time(value, tz: tzinfo) -> datetime:
    """An aware datetime from an ISO 8601 text or a YAML timestamp; without an offset it is in ``tz``.
    Raises ValueError when the value is not a date *and* time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date) or not isinstance(value, str):
        raise ValueError(value)
    else:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if len(value.strip()) <= 10:  # a date alone
            raise ValueError(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _lines(text: str) -> dict[tuple, int]:
    """The 1-based line of every key path in a YAML mapping, for messages."""
    out: dict[tuple, int] = {}

    def walk(node, prefix):
        if isinstance(node, yaml.MappingNode):
            for key, child in node.value:
                path = prefix + (str(key.value),)
                out[path] = key.start_mark.line + 1
                walk(child, path)

    try:
        walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    except yaml.YAMLError:
        pass
    return out


class _Problems:
    def __init__(self, path: Path, lang: str, lines: dict[tuple, int]):
        self.path, self.lang, self.lines, self.items = path, lang, lines, []

    def add(self, where: tuple, key: str, **fields):
        line = next((self.lines[where[:n]] for n in range(len(where), 0, -1) if where[:n] in self.lines), None)
        place = f"{self.path.name}, line {line}" if line else self.path.name
        self.items.append(f"{place}, {'.'.join(where) or '-'}: {say(key, self.lang, **fields)}")


def read_text(path: Path, lang: str, cp949: bool = False) -> str:
    """A UTF-8 text file (a byte-order mark, as Excel writes, is dropped), or with ``cp949`` a
    file Excel saved on Korean Windows; else SessionError."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SessionError([say("session.error.missing", lang, path=path)]) from None
    except UnicodeDecodeError as exc:
        if not cp949:
            raise SessionError([say("session.error.unreadable", lang, path=path, error=exc)]) from None
        try:  # Excel on Korean Windows saves "CSV" in CP949 (its superset of EUC-KR)
            return path.read_bytes().decode("cp949")
        except UnicodeDecodeError:
            raise SessionError([say("session.error.encoding", lang, path=path)]) from None
    except OSError as exc:
        raise SessionError([say("session.error.unreadable", lang, path=path, error=exc)]) from None


def load_session(path: Path, course: Course, lang: str = "en") -> Session:
    """Read and validate a session file; raise SessionError listing every problem."""
    path = Path(path)
    text = read_text(path, lang)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        raise SessionError([say("session.error.yaml", lang, file=path.name, where=where, problem=problem)]) from None
    if not isinstance(data, dict):
        raise SessionError([say("session.error.not_mapping", lang, file=path.name)])
    p = _Problems(path, lang, _lines(text))
    for key in data:
        if key not in FIELDS:
            p.add((str(key),), "session.error.unknown_field", valid=", ".join(FIELDS))

    name = data.get("name")
    if not isinstance(name, (str, int)) or not str(name).strip():
        p.add(("name",), "session.error.name")
        name = path.stem
    name = str(name).strip()

    tz_name = data.get("timezone", DEFAULT_TIMEZONE)
    tz: tzinfo = ZoneInfo(DEFAULT_TIMEZONE)
    try:
        if not isinstance(tz_name, str) or not tz_name.strip():
            raise ValueError(tz_name)
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        p.add(("timezone",), "session.error.timezone", value=tz_name)
        tz_name = DEFAULT_TIMEZONE

    exercises = _exercises(data.get("exercises"), course, p)
    times = {}
    for key in ("opens", "closes"):
        if key not in data:
            p.add((key,), "session.error.required", example="2026-11-27 14:00")
            continue
        value = data[key]
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads 16:00 as the base-60 number 960: a time without a date
            shown = f"{value // 60}:{value % 60:02d}" if 0 <= value < 24 * 60 else str(value)
            p.add((key,), "session.error.time_number", value=shown, field=key)
            continue
        try:
            # Shown in the session's zone wherever it is printed, whatever offset the file used.
            times[key] = parse_time(value, tz).astimezone(tz)
        except ValueError:
            p.add((key,), "session.error.time", value=value)
    if len(times) == 2 and times["closes"] <= times["opens"]:
        p.add(("closes",), "session.error.closes_before_opens", opens=times["opens"].isoformat(),
              closes=times["closes"].isoformat())
    late = _late(data.get("late", "none"), p)
    salt = data.get("seed_salt", name)
    if not isinstance(salt, (str, int)):
        p.add(("seed_salt",), "session.error.salt")
        salt = name
    times_from = data.get("times_from", "folder")
    if times_from not in TIMES_FROM:
        p.add(("times_from",), "session.error.times_from", value=times_from)
        times_from = "folder"
    roster = None
    if data.get("roster") is not None:
        if not isinstance(data["roster"], str):
            p.add(("roster",), "session.error.roster_field")
        else:
            try:
                roster = read_roster(path.parent / data["roster"], lang)
            except SessionError as exc:
                for problem in exc.problems:
                    p.add(("roster",), "session.error.roster", problem=problem)
    extensions = _extensions(data.get("extensions"), times.get("closes"), tz, p)
    resubmission = data.get("resubmission", "latest")
    if resubmission not in RESUBMISSION:
        p.add(("resubmission",), "session.error.resubmission", value=resubmission, valid=", ".join(RESUBMISSION))
        resubmission = "latest"
    if p.items:
        raise SessionError(p.items)
    return Session(name=name, path=path, exercises=tuple(exercises), opens=times["opens"], closes=times["closes"],
                   timezone=str(tz_name), late=late, seed_salt=str(salt), roster=roster, times_from=times_from,
                   extensions=extensions, resubmission=resubmission)


def _extensions(value, closes: datetime | None, tz: tzinfo, p: _Problems) -> dict[str, datetime]:
    """student → their own close, from ``{id: {closes: TIME}}`` or ``{id: {minutes: N}}``."""
    from dlgrade.bulk.identity import normalise_id

    if value is None:
        return {}
    if not isinstance(value, dict):
        p.add(("extensions",), "session.error.extensions_shape")
        return {}
    out = {}
    for key, entry in value.items():
        where = ("extensions", str(key))
        student = normalise_id(str(key))
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in EXTENSION_FIELDS:
            p.add(where, "session.error.extension_entry", student=key)
            continue
        field_name, raw = next(iter(entry.items()))
        if field_name == "minutes":
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 < raw < 100000:
                p.add(where + ("minutes",), "session.error.extension_minutes", value=raw)
                continue
            if closes is not None:
                from datetime import timedelta

                out[student] = closes + timedelta(minutes=float(raw))
            continue
        try:
            moment = parse_time(raw, tz).astimezone(tz)
        except ValueError:
            p.add(where + ("closes",), "session.error.time", value=raw)
            continue
        if closes is not None and moment <= closes:
            p.add(where + ("closes",), "session.error.extension_before_close", value=moment.isoformat(),
                  closes=closes.isoformat())
            continue
        out[student] = moment
    return out


def _exercises(value, course: Course, p: _Problems) -> list[SessionExercise]:
    valid = ", ".join(ex.id for ex in course)
    if not isinstance(value, dict) or not value:
        p.add(("exercises",), "session.error.exercises", valid=valid)
        return []
    chosen, seen = [], set()
    for key, weight in value.items():
        try:
            exercise = course.resolve(str(key))
        except CourseError:
            p.add(("exercises", str(key)), "session.error.unknown_exercise", exercise=key, valid=valid)
            continue
        if exercise.id in seen:
            p.add(("exercises", str(key)), "session.error.duplicate_exercise", exercise=exercise.id)
            continue
        seen.add(exercise.id)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0 \
                or weight != weight or weight == float("inf"):
            p.add(("exercises", str(key)), "session.error.weight", exercise=exercise.id, value=weight)
            continue
        chosen.append(SessionExercise(exercise, float(weight)))
    return chosen


def _late(value, p: _Problems) -> LatePolicy:
    if value is None or value is False or (isinstance(value, str) and value.strip().lower() == "none"):
        return LatePolicy("none")
    if isinstance(value, str) and value.strip().lower() == "zero":
        return LatePolicy("zero")
    if not isinstance(value, dict):
        p.add(("late",), "session.error.late_shape", value=value)
        return LatePolicy("none")
    bad = [k for k in value if k not in LATE_FIELDS]
    for key in bad:
        p.add(("late", str(key)), "session.error.unknown_field", valid=", ".join(LATE_FIELDS))
    numbers = {}
    for key, low, high, required in (("percent", 0, 100, True), ("per_minutes", 0, None, True),
                                     ("floor", 0, 100, False)):
        raw = value.get(key, 0 if not required else None)
        ok = not isinstance(raw, bool) and isinstance(raw, (int, float)) and raw == raw
        ok = ok and (raw > low if key != "floor" else raw >= low) and (high is None or raw <= high)
        if not ok:
            p.add(("late", key), f"session.error.late_{key}", value=raw)
            continue
        numbers[key] = float(raw)
    if len(numbers) < 3 or bad:
        return LatePolicy("none")
    return LatePolicy("percent", **numbers)


# ----------------------------------------------------------------------------- CSV files
def read_csv(path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], lang: str):
    """See read_csv_text; the file may be UTF-8 or CP949 (Excel on Korean Windows)."""
    return read_csv_text(Path(path), read_text(Path(path), lang, cp949=True), columns, required, lang)


def read_csv_text(path: Path, text: str, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], lang: str):
    """Rows of a UTF-8 CSV file with a header as (line number, {column: text}), ``columns`` mapping
    each column to the header names accepted for it; a missing file or required column raises
    SessionError."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SessionError([say("session.error.csv_empty", lang, path=path.name,
                                header=",".join(c for c in columns))]) from None
    where = {}
    for column, names in columns.items():
        where[column] = next((header.index(n) for n in names if n in header), None)
        if where[column] is None and column in required:
            raise SessionError([say("session.error.csv_column", lang, path=path.name, column=column,
                                    header=",".join(header), expected=",".join(columns))])
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, {c: (cells[i].strip() if i is not None and i < len(cells) else "")
                                           for c, i in where.items()}))
    except csv.Error as exc:
        raise SessionError([f"{path.name}, line {reader.line_num}: {exc}"]) from None
    return rows


def read_roster(path: Path, lang: str = "en") -> dict[str, str]:
    """student id → name from a CSV with a header ``id,name`` (``student`` accepted for ``id``)."""
    from dlgrade.bulk.identity import identity_key, normalise_id

    roster, problems, first, keys = {}, [], {}, {}
    for line, row in read_csv(path, {"id": ("id", "student", "student_id", "학번"), "name": ("name", "이름", "성명")}, ("id",), lang):
        student = normalise_id(row["id"])
        if not student:
            problems.append(f"{path.name}, line {line}: {say('session.error.roster_no_id', lang)}")
        elif student in roster:
            problems.append(f"{path.name}, line {line}: "
                            f"{say('session.error.roster_duplicate', lang, student=student, first=first[student])}")
        elif identity_key(student) in keys:  # Kim vs kim, 홍길동 in NFC vs NFD: submissions could not tell them apart
            other = keys[identity_key(student)]
            problems.append(f"{path.name}, line {line}: "
                            f"{say('session.error.roster_same_student', lang, student=student, other=other, first=first[other])}")
        else:
            roster[student], first[student], keys[identity_key(student)] = row["name"], line, student
    if problems:
        raise SessionError(problems)
    return roster


def read_times(path: Path, session: Session, lang: str = "en") -> dict[tuple[str, str | None], datetime]:
    """Submission times that override the files': (student, exercise or None for all) → aware time,
    from a CSV ``student,submitted_at[,exercise]`` (ISO 8601; without an offset, in the session's zone)."""
    from dlgrade.bulk.collect import normalise_id

    valid = {e.exercise.id for e in session.exercises}
    times, problems = {}, []
    rows = read_csv(path, {"student": ("student", "id", "학번"), "submitted_at": ("submitted_at", "time", "제출시각"),
                           "exercise": ("exercise",)}, ("student", "submitted_at"), lang)
    for line, row in rows:
        exercise = row["exercise"] or None
        if not row["student"]:
            problems.append(f"{path.name}, line {line}: {say('session.error.roster_no_id', lang)}")
            continue
        if exercise is not None and exercise not in valid:
            problems.append(f"{path.name}, line {line}: "
                            f"{say('session.error.unknown_exercise', lang, exercise=exercise, valid=', '.join(sorted(valid)))}")
            continue
        try:
            times[(normalise_id(row["student"]), exercise)] = parse_time(row["submitted_at"], session.tz)
        except ValueError:
            problems.append(f"{path.name}, line {line}: {say('session.error.time', lang, value=row['submitted_at'])}")
    if problems:
        raise SessionError(problems)
    return times
