"""The gradebook: a SQLite file, written one committed transaction per result.

Killing a run at any moment loses nothing already graded (each result is its
own transaction, in WAL mode), and a rerun resumes: a (student, exercise) whose
current result has the same content hash, grader version and seed is not
graded again.  A regrade after a grader fix adds a new result and keeps the
old one as history (``current = 0``).

Evaluation sessions (schema 2) add three tables beside the raw results: the
session's settings, one row per student (roster name, weighted total) and one
row per student and exercise pointing at the result it was scored from, with
the submission time used and the late multiplier applied.  A later regrade of
the same exercise never changes a closed session's rows: they keep their
``result_id`` (old results stay as history).

Schema 3 records where each submission time came from (``time_source``: the file's arrival
in the submissions folder, the time written inside the student's archive, or ``--times``)
and keeps each whole-folder intake (``intakes``: every entry and what became of it).

Schema 4 keeps the instructor's decisions beside the results, so that no regrade undoes
them: ``overrides`` (a score set by hand for one student and exercise, with who, when and
why; clearing one keeps it as history), ``session_times`` (the ``--times`` a session was
graded with, used by every later run) and, per session result, the override applied and
the student's own close (an extension).  Migrating an older gradebook first copies it
beside itself (``gradebook.db.schema3.bak``); ``migrated_from`` says that it happened.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dlgrade.results import ExerciseResult

SCHEMA_VERSION = 4
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    id TEXT PRIMARY KEY,
    name TEXT
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL REFERENCES students(id),
    exercise TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    path TEXT NOT NULL,
    submitted_at TEXT NOT NULL,      -- when it arrived (UTC ISO): see time_source
    first_seen TEXT NOT NULL,
    time_source TEXT,                -- folder (modification time in the submissions folder); NULL before schema 3
    stated_at TEXT,                  -- the time written inside the student's archive, if any (the student's to set)
    UNIQUE (student, exercise, content_hash)
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL REFERENCES students(id),
    exercise TEXT NOT NULL,
    submission_id INTEGER REFERENCES submissions(id),  -- NULL: not submitted
    status TEXT NOT NULL,            -- graded | not_submitted | refused
    seed INTEGER,
    grader_version TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    graded_at TEXT NOT NULL,
    sandbox TEXT,
    note TEXT,
    result_json TEXT,                -- ExerciseResult.to_dict(internal=True)
    current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS results_current ON results (student, exercise, current);
CREATE TABLE IF NOT EXISTS checks (
    result_id INTEGER NOT NULL REFERENCES results(id),
    name TEXT NOT NULL,
    visibility TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    message TEXT NOT NULL,
    mistake TEXT
);
CREATE INDEX IF NOT EXISTS checks_result ON checks (result_id);
""" + """
CREATE TABLE IF NOT EXISTS intakes (
    id INTEGER PRIMARY KEY,
    taken_at TEXT NOT NULL,
    folder TEXT NOT NULL,
    session TEXT,                    -- the session graded, or NULL for dlgrade grade
    summary_json TEXT NOT NULL       -- Intake.to_dict("en"): every entry and what became of it
);
CREATE TABLE IF NOT EXISTS sessions (
    name TEXT PRIMARY KEY,
    opens TEXT NOT NULL,             -- ISO 8601 with offset
    closes TEXT NOT NULL,
    timezone TEXT NOT NULL,
    config_json TEXT NOT NULL,       -- Session.to_dict(): exercises and weights, late policy, salt
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS session_students (
    session TEXT NOT NULL REFERENCES sessions(name),
    student TEXT NOT NULL,
    name TEXT,
    in_roster INTEGER,               -- 1 listed, 0 unknown submitter, NULL no roster
    submitted INTEGER NOT NULL,      -- exercises handed in
    total REAL NOT NULL,             -- weighted, after late penalties
    max_total REAL NOT NULL,
    PRIMARY KEY (session, student)
);
CREATE TABLE IF NOT EXISTS session_results (
    session TEXT NOT NULL REFERENCES sessions(name),
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    result_id INTEGER REFERENCES results(id),   -- NULL: no result (absent student)
    status TEXT NOT NULL,            -- graded | not_submitted | refused
    submitted_at TEXT,               -- the time the late policy was applied to (UTC ISO)
    timing TEXT NOT NULL,            -- on_time | late | early | unknown
    late_seconds REAL NOT NULL,
    multiplier REAL NOT NULL,
    score REAL NOT NULL,             -- raw, before the late multiplier
    max_score REAL NOT NULL,
    weight REAL NOT NULL,
    weighted REAL NOT NULL,          -- score / max_score * weight * multiplier
    time_source TEXT,                -- where submitted_at came from: folder | archive_entry | times
    override REAL,                   -- the score set by hand that replaced ``score`` (no late penalty), or NULL
    closes_for TEXT,                 -- this student's close when an extension moved it (ISO), or NULL
    PRIMARY KEY (session, student, exercise)
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    score REAL NOT NULL,             -- points of the exercise (its max_score), replacing the graded score
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    cleared_by TEXT,
    cleared_at TEXT                  -- NULL: in force
);
CREATE INDEX IF NOT EXISTS overrides_active ON overrides (student, exercise, cleared_at);
CREATE TABLE IF NOT EXISTS session_times (
    session TEXT NOT NULL,
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,          -- '' for every exercise of the session
    submitted_at TEXT NOT NULL,      -- ISO with offset
    source TEXT NOT NULL,            -- the --times file it came from
    stored_at TEXT NOT NULL,
    PRIMARY KEY (session, student, exercise)
);
"""


ADDED_COLUMNS = (("submissions", "time_source", "TEXT"), ("submissions", "stated_at", "TEXT"),
                 ("session_results", "time_source", "TEXT"), ("session_results", "override", "REAL"),
                 ("session_results", "closes_for", "TEXT"))


class GradebookError(Exception):
    """The gradebook file cannot be used (not a gradebook, newer schema, locked)."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class CurrentResult:
    student: str
    exercise: str
    status: str
    score: float
    max_score: float
    seed: int | None
    grader_version: str
    content_hash: str | None


#: The CurrentResult columns of every current result (a condition may follow: `` AND …``).
CURRENT_RESULTS = ("SELECT r.student, r.exercise, r.status, r.score, r.max_score, r.seed, r.grader_version, "
                   "s.content_hash FROM results r LEFT JOIN submissions s ON s.id = r.submission_id "
                   "WHERE r.current = 1")


@dataclass(frozen=True)
class Override:
    """A score set by hand for one student and exercise."""

    student: str
    exercise: str
    score: float
    reason: str
    set_by: str
    set_at: str
    cleared_by: str | None = None
    cleared_at: str | None = None


def schema_version_of(path: Path) -> int | None:
    """The schema version of an existing gradebook file, without changing it (None: not one)."""
    try:
        db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return None
    return int(row[0]) if row else None


def backup_path(path: Path, version: int) -> Path:
    return Path(path).with_name(f"{Path(path).name}.schema{version}.bak")


class Gradebook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.migrated_from: tuple[int, Path] | None = None  #: (old schema, its backup) when this open migrated it
        old = schema_version_of(self.path) if self.path.is_file() and self.path.stat().st_size else None
        if old is not None and old < SCHEMA_VERSION:
            backup = backup_path(self.path, old)
            source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                target = sqlite3.connect(backup)
                source.backup(target)  # a consistent copy, WAL included
                target.close()
            finally:
                source.close()
            self.migrated_from = (old, backup)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{self.path} is not a usable gradebook: {exc}") from None
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise GradebookError(f"{self.path} was written by a newer dlgrade (schema {row[0]})")
        elif int(row[0]) < SCHEMA_VERSION:
            # Schema 1 → 2 only adds the session tables, which the script above has just created;
            # 2 → 3 adds where each submission time came from.
            for table, column, kind in ADDED_COLUMNS:
                if column not in {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        """One write, all of it or none: the write lock taken at once (``BEGIN IMMEDIATE``,
        so two runs never both read then fail to write), committed at the end, rolled back on
        anything raised (an interruption included)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # ---- reading
    def current(self, student: str, exercise: str) -> CurrentResult | None:
        row = self.db.execute(CURRENT_RESULTS + " AND r.student = ? AND r.exercise = ?", (student, exercise)).fetchone()
        return CurrentResult(*row) if row else None

    def current_results(self) -> list[CurrentResult]:
        rows = self.db.execute(CURRENT_RESULTS + " ORDER BY r.student, r.exercise").fetchall()
        return [CurrentResult(*row) for row in rows]

    def current_result_json(self, student: str, exercise: str) -> dict | None:
        row = self.db.execute("SELECT result_json FROM results WHERE student=? AND exercise=? AND current=1",
                              (student, exercise)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def failures_by_check(self) -> list[tuple[str, str, int, int]]:
        """(exercise, check, students failing it, students graded on it), most failed first."""
        return self.db.execute(
            "SELECT r.exercise, c.name, SUM(c.status != 'passed'), COUNT(*) FROM checks c "
            "JOIN results r ON r.id = c.result_id WHERE r.current = 1 "
            "GROUP BY r.exercise, c.name ORDER BY SUM(c.status != 'passed') DESC, r.exercise, c.name").fetchall()

    def history(self, student: str, exercise: str) -> list[tuple]:
        return self.db.execute("SELECT grader_version, score, max_score, graded_at, current FROM results "
                               "WHERE student=? AND exercise=? ORDER BY id", (student, exercise)).fetchall()

    # ---- the instructor's decisions
    def set_override(self, student: str, exercise: str, score: float, reason: str, by: str) -> None:
        """Put a score set by hand in force (an earlier one for the same pair is kept, cleared)."""
        with self.transaction() as db:
            db.execute("UPDATE overrides SET cleared_by = ?, cleared_at = ? WHERE student = ? AND exercise = ? "
                       "AND cleared_at IS NULL", (by, now(), student, exercise))
            db.execute("INSERT INTO overrides (student, exercise, score, reason, set_by, set_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (student, exercise, float(score), reason, by, now()))

    def clear_override(self, student: str, exercise: str, by: str) -> bool:
        """Take the override of (student, exercise) out of force; False when there was none."""
        cursor = self.db.execute("UPDATE overrides SET cleared_by = ?, cleared_at = ? WHERE student = ? AND "
                                 "exercise = ? AND cleared_at IS NULL", (by, now(), student, exercise))
        return cursor.rowcount > 0

    def overrides(self, *, include_cleared: bool = False) -> list[Override]:
        rows = self.db.execute("SELECT student, exercise, score, reason, set_by, set_at, cleared_by, cleared_at "
                               "FROM overrides" + ("" if include_cleared else " WHERE cleared_at IS NULL")
                               + " ORDER BY id").fetchall()
        return [Override(*row) for row in rows]

    def active_overrides(self) -> dict[tuple[str, str], Override]:
        return {(o.student, o.exercise): o for o in self.overrides()}

    def store_times(self, session: str, times: dict, source: str) -> None:
        """Keep a session's ``--times`` ((student, exercise or None) → aware datetime): later runs use them."""
        with self.transaction() as db:
            for (student, exercise), moment in times.items():
                db.execute("INSERT OR REPLACE INTO session_times VALUES (?, ?, ?, ?, ?, ?)",
                           (session, student, exercise or "", moment.isoformat(), source, now()))

    def stored_times(self, session: str) -> dict:
        """The ``--times`` kept for ``session``: (student, exercise or None) → aware datetime."""
        return {(student, exercise or None): datetime.fromisoformat(at) for student, exercise, at in self.db.execute(
            "SELECT student, exercise, submitted_at FROM session_times WHERE session = ?", (session,))}

    def session_config(self, session: str) -> dict | None:
        row = self.db.execute("SELECT config_json FROM sessions WHERE name = ?", (session,)).fetchone()
        return json.loads(row[0]) if row else None

    def rescore_sessions(self) -> int:
        """Recompute every stored session's weighted scores and totals from its stored rows and the
        overrides now in force (after an override is set or cleared); returns the rows changed."""
        overrides = self.active_overrides()
        changed = 0
        with self.transaction() as db:
            for session, student, exercise, status, score, max_score, weight, multiplier, old, old_override \
                    in db.execute("SELECT session, student, exercise, status, score, max_score, weight, multiplier, "
                                  "weighted, override FROM session_results").fetchall():
                o = overrides.get((student, exercise))
                if o is not None and max_score > 0:
                    weighted, value = round(o.score / max_score * weight, 6), o.score
                elif status == "graded" and max_score > 0:
                    weighted, value = round(score / max_score * weight * multiplier, 6), None
                else:
                    weighted, value = 0.0, None
                if weighted != old or value != old_override:
                    changed += 1
                    db.execute("UPDATE session_results SET weighted = ?, override = ? WHERE session = ? AND "
                               "student = ? AND exercise = ?", (weighted, value, session, student, exercise))
            db.execute("UPDATE session_students SET total = (SELECT ROUND(COALESCE(SUM(weighted), 0), 6) FROM "
                       "session_results r WHERE r.session = session_students.session AND "
                       "r.student = session_students.student)")
        return changed

    # ---- writing: one transaction per result
    def record(self, *, student: str, exercise: str, grader_version: str, max_score: float,
               result: ExerciseResult | None = None, file=None, status: str = "graded", note: str = "") -> None:
        """Store one outcome and make it the current one for (student, exercise)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO students (id) VALUES (?)", (student,))
            submission_id = None
            if file is not None:
                db.execute("INSERT OR IGNORE INTO submissions (student, exercise, content_hash, path, submitted_at, "
                           "first_seen, time_source, stated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (student, exercise, file.content_hash, file.path, file.submitted_at, now(),
                            getattr(file, "time_source", None), getattr(file, "stated_at", None)))
                submission_id = db.execute("SELECT id FROM submissions WHERE student=? AND exercise=? AND "
                                           "content_hash=?", (student, exercise, file.content_hash)).fetchone()[0]
            db.execute("UPDATE results SET current = 0 WHERE student = ? AND exercise = ? AND current = 1",
                       (student, exercise))
            cursor = db.execute(
                "INSERT INTO results (student, exercise, submission_id, status, seed, grader_version, score, "
                "max_score, graded_at, sandbox, note, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (student, exercise, submission_id, status, result.seed if result else None, grader_version,
                 result.score if result else 0.0, result.max_score if result else max_score, now(),
                 result.sandbox if result else None, note or None,
                 json.dumps(result.to_dict(internal=True), ensure_ascii=False) if result else None))
            if result is not None:
                db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [(cursor.lastrowid, c.name, c.visibility, c.status, c.score, c.max_score, c.message,
                                 c.mistake) for c in result.checks])

    # ---- evaluation sessions
    def current_detail(self, student: str, exercise: str) -> tuple | None:
        """(result id, status, score, max_score, submitted_at) of the current result, or None."""
        return self.db.execute(
            "SELECT r.id, r.status, r.score, r.max_score, s.submitted_at FROM results r "
            "LEFT JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.student = ? AND r.exercise = ? AND r.current = 1", (student, exercise)).fetchone()

    def current_times(self, student: str, exercise: str) -> tuple | None:
        """(arrival time, its source, time written inside the archive) of the current result's
        submission, or None when there is none."""
        row = self.db.execute(
            "SELECT s.submitted_at, s.time_source, s.stated_at FROM results r "
            "JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.student = ? AND r.exercise = ? AND r.current = 1", (student, exercise)).fetchone()
        return tuple(row) if row else None

    def graded_versions(self, student: str, exercise: str) -> list[tuple]:
        """(result id, score, max_score, arrival time, its source, time written inside the archive) of
        every graded result of (student, exercise) made by the current result's grader, oldest first."""
        return [tuple(r) for r in self.db.execute(
            "SELECT r.id, r.score, r.max_score, s.submitted_at, s.time_source, s.stated_at FROM results r "
            "JOIN submissions s ON s.id = r.submission_id WHERE r.student = ? AND r.exercise = ? AND "
            "r.status = 'graded' AND r.grader_version = (SELECT grader_version FROM results WHERE student = ? AND "
            "exercise = ? AND current = 1) ORDER BY r.id", (student, exercise, student, exercise))]

    def save_session(self, *, name: str, opens: str, closes: str, timezone: str, config: dict) -> None:
        self.db.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET opens = excluded.opens, "
            "closes = excluded.closes, timezone = excluded.timezone, config_json = excluded.config_json, "
            "updated_at = excluded.updated_at",
            (name, opens, closes, timezone, json.dumps(config, ensure_ascii=False), now()))
        # An exercise taken out of the session file no longer counts for it.
        exercises = list(config.get("exercises", {}))
        self.db.execute(f"DELETE FROM session_results WHERE session = ? AND exercise NOT IN "
                        f"({','.join('?' * len(exercises))})", (name, *exercises))

    def record_session_student(self, *, session: str, student: str, name: str | None, in_roster: bool | None,
                               rows: list[dict]) -> None:
        """Store one student's scored exercises for a session and their total, in one transaction.
        Each row: exercise, result_id, status, submitted_at, timing, late_seconds, multiplier, score,
        max_score, weight, weighted."""
        with self.transaction() as db:
            for row in rows:
                db.execute("INSERT OR REPLACE INTO session_results (session, student, exercise, result_id, status, "
                           "submitted_at, timing, late_seconds, multiplier, score, max_score, weight, weighted, "
                           "time_source, override, closes_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (session, student, row["exercise"], row["result_id"], row["status"], row["submitted_at"],
                            row["timing"], row["late_seconds"], row["multiplier"], row["score"], row["max_score"],
                            row["weight"], row["weighted"], row.get("time_source"), row.get("override"),
                            row.get("closes_for")))
            db.execute("INSERT OR REPLACE INTO session_students VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (session, student, name, None if in_roster is None else int(in_roster),
                        sum(r["status"] == "graded" for r in rows), round(sum(r["weighted"] for r in rows), 6),
                        round(sum(r["weight"] for r in rows), 6)))
            if name:
                db.execute("INSERT OR IGNORE INTO students (id) VALUES (?)", (student,))
                db.execute("UPDATE students SET name = ? WHERE id = ?", (name, student))

    def record_intake(self, *, folder: str, summary: dict, session: str | None = None) -> None:
        """Keep what a run's intake made of the submissions folder (every entry, conflicts,
        files not taken), so that it can be shown after the run."""
        self.db.execute("INSERT INTO intakes (taken_at, folder, session, summary_json) VALUES (?, ?, ?, ?)",
                        (now(), folder, session, json.dumps(summary, ensure_ascii=False)))

    def latest_intake(self, session: str | None = None) -> dict | None:
        """The last intake recorded (for ``session``, when given), with ``taken_at``, or None."""
        row = self.db.execute(
            "SELECT taken_at, summary_json FROM intakes WHERE (? IS NULL OR session = ?) ORDER BY id DESC LIMIT 1",
            (session, session)).fetchone()
        return {"taken_at": row[0], **json.loads(row[1])} if row else None

    def sessions(self) -> list[dict]:
        """Every session, in the order they opened."""
        rows = self.db.execute("SELECT name, opens, closes, timezone, config_json FROM sessions").fetchall()
        out = [{"name": n, "opens": o, "closes": c, "timezone": tz, "config": json.loads(cfg)}
               for n, o, c, tz, cfg in rows]
        return sorted(out, key=lambda s: datetime.fromisoformat(s["opens"]))

    def session_students(self, session: str) -> list[dict]:
        cursor = self.db.execute("SELECT student, name, in_roster, submitted, total, max_total FROM session_students "
                                 "WHERE session = ? ORDER BY student", (session,))
        return [dict(zip([c[0] for c in cursor.description], row)) for row in cursor.fetchall()]

    def session_results(self, session: str) -> list[dict]:
        cursor = self.db.execute("SELECT * FROM session_results WHERE session = ? ORDER BY student, exercise",
                                 (session,))
        return [dict(zip([c[0] for c in cursor.description], row)) for row in cursor.fetchall()]

    def checks_of(self, result_ids: list[int]) -> list[tuple]:
        """(result id, check name, status, message) of the given results, in check order."""
        out = []
        for start in range(0, len(result_ids), 500):
            chunk = result_ids[start:start + 500]
            out += self.db.execute(
                f"SELECT result_id, name, status, message FROM checks WHERE result_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY result_id, rowid", chunk).fetchall()
        return out

    def check_titles(self, result_ids: list[int]) -> dict[tuple[str, str], dict]:
        """(exercise, check name) → {"en": title, "ko": title} from the stored results (the check's
        name when a result holds no title)."""
        out: dict[tuple[str, str], dict] = {}
        for start in range(0, len(result_ids), 500):
            chunk = result_ids[start:start + 500]
            for exercise, text in self.db.execute(
                    f"SELECT exercise, result_json FROM results WHERE id IN ({','.join('?' * len(chunk))}) "
                    "AND result_json IS NOT NULL", chunk):
                for check in json.loads(text).get("checks", []):
                    key = (exercise, check["name"])
                    if key not in out or (check.get("title") and out[key]["en"] == check["name"]):
                        out[key] = {"en": check.get("title") or check["name"],
                                    "ko": check.get("title_ko") or check.get("title") or check["name"]}
        return out

    def current_result_ids(self) -> dict[tuple[str, str], int]:
        """(student, exercise) → id of the current result."""
        return {(s, e): i for i, s, e in self.db.execute(
            "SELECT id, student, exercise FROM results WHERE current = 1")}
