"""The gradebook: a SQLite file, written one committed transaction per result.

Killing a run at any moment loses nothing already graded (each result is its
own transaction, in WAL mode), and a rerun resumes: a (student, exercise) whose
current result has the same content hash, grader version and seed is not
graded again.  A regrade after a grader fix adds a new result and keeps the
old one as history (``current = 0``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dlgrade.results import ExerciseResult

SCHEMA_VERSION = 1
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
    submitted_at TEXT NOT NULL,
    first_seen TEXT NOT NULL,
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
"""


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


class Gradebook:
    def __init__(self, path: Path):
        self.path = Path(path)
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

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- reading
    def current(self, student: str, exercise: str) -> CurrentResult | None:
        row = self.db.execute(
            "SELECT r.student, r.exercise, r.status, r.score, r.max_score, r.seed, r.grader_version, s.content_hash "
            "FROM results r LEFT JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.student = ? AND r.exercise = ? AND r.current = 1", (student, exercise)).fetchone()
        return CurrentResult(*row) if row else None

    def current_results(self) -> list[CurrentResult]:
        rows = self.db.execute(
            "SELECT r.student, r.exercise, r.status, r.score, r.max_score, r.seed, r.grader_version, s.content_hash "
            "FROM results r LEFT JOIN submissions s ON s.id = r.submission_id WHERE r.current = 1 "
            "ORDER BY r.student, r.exercise").fetchall()
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

    # ---- writing: one transaction per result
    def record(self, *, student: str, exercise: str, grader_version: str, max_score: float,
               result: ExerciseResult | None = None, file=None, status: str = "graded", note: str = "") -> None:
        """Store one outcome and make it the current one for (student, exercise)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR IGNORE INTO students (id) VALUES (?)", (student,))
            submission_id = None
            if file is not None:
                db.execute("INSERT OR IGNORE INTO submissions (student, exercise, content_hash, path, submitted_at, "
                           "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                           (student, exercise, file.content_hash, file.path, file.submitted_at, now()))
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
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
