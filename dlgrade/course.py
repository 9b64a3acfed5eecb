"""The course: an ordered list of exercises loaded from ``course.yaml``.

One folder name per exercise is used in ``exercises/``, ``solutions/`` and
``graders/`` alike; every path is derived here, never written down twice.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

COURSE_FILE = "course.yaml"
LOCAL_DIR = ".dlgrade"  #: the student's local folder in a course root: state, pristine stubs, backups
FORMAT_VERSION = 1
LANGUAGES = ("ko", "en")


class CourseError(Exception):
    """course.yaml is missing or malformed, or an exercise cannot be found."""


@dataclass(frozen=True)
class Text:
    """A text in both languages of the course."""

    ko: str  #: Korean
    en: str  #: English

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Hint(Text):
    """One hint, and the failures it helps with (a failed check of these names,
    or one of these mistakes, points the student at this hint)."""

    checks: tuple[str, ...] = ()  #: names of the grader's checks this hint is about
    mistakes: tuple[str, ...] = ()  #: keys of the exercise's ``mistakes`` this hint is about


@dataclass(frozen=True)
class Exercise:
    """One exercise of the course."""

    folder: str  #: e.g. "ex05_correlate2d": the folder name in exercises/, solutions/, graders/
    title: Text  #: short title in both languages
    file: str  #: the student's file name, e.g. "conv.py"
    points: float  #: the maximum score; equals the sum of the grader's check points (dev check verifies)
    time_limit: float  #: wall-clock seconds allowed per check
    forbidden: tuple[str, ...]  #: modules and numpy attributes the student may not use
    hints: tuple[Hint, ...]  #: progressive hints, gentlest first
    mistakes: dict = field(default_factory=dict, hash=False, compare=False)  #: key → Text naming a common mistake
    root: Path = Path(".")  #: the course root

    @property
    def id(self) -> str:
        """The short id, e.g. "ex05"."""
        return self.folder.split("_", 1)[0]

    @property
    def short_name(self) -> str:
        """The folder without its id, e.g. "correlate2d"."""
        return self.folder.split("_", 1)[1] if "_" in self.folder else self.folder

    @property
    def number(self) -> int:
        return int(re.sub(r"\D", "", self.id) or 0)

    @property
    def stub_path(self) -> Path:
        return self.root / "exercises" / self.folder / self.file

    @property
    def solution_path(self) -> Path:
        return self.root / "solutions" / self.folder / self.file

    @property
    def pristine_stub_path(self) -> Path:
        """The untouched stub in a student's copy of the course (written by ``dlgrade release``);
        ``dlgrade reset`` restores the student's file from it.  Absent in the course's own
        repository, where ``stub_path`` is itself the pristine stub."""
        return self.root / LOCAL_DIR / "stubs" / self.folder / self.file

    def backup_path(self, stamp: str) -> Path:
        """Where ``dlgrade reset`` keeps the student's work, e.g. stamp "20260301-141500"."""
        return self.root / LOCAL_DIR / "backups" / self.folder / f"{self.file}.{stamp}"

    def hint_for(self, check_name: str, mistake: str | None = None) -> int | None:
        """The number (1-based) of the first hint about this mistake, else about this check."""
        for wanted, attr in ((mistake, "mistakes"), (check_name, "checks")):
            for n, hint in enumerate(self.hints, 1):
                if wanted and wanted in getattr(hint, attr):
                    return n
        return None

    @property
    def grader_path(self) -> Path:
        return self.root / "graders" / self.folder / "grader.py"

    def statement_path(self, lang: str) -> Path:
        return self.root / "exercises" / self.folder / f"statement.{lang}.md"

    def grader_version(self) -> str:
        """A hash of the grader and the reference solution: a change to either
        means earlier grades may differ."""
        return _content_hash((self.grader_path, self.solution_path))


_hashes: dict[tuple, str] = {}


def _content_hash(paths: tuple[Path, ...]) -> str:
    """sha256 of the files' contents, recomputed only when a file's mtime or size changes."""
    stamps = []
    for path in paths:
        try:
            st = path.stat()
            stamps.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append((str(path), None, None))
    key = tuple(stamps)
    if key not in _hashes:
        h = hashlib.sha256()
        for path in paths:
            h.update(path.read_bytes() if path.exists() else b"-")
        _hashes[key] = h.hexdigest()[:12]
    return _hashes[key]


@dataclass(frozen=True)
class Course:
    """The exercises in teaching order."""

    title: Text
    exercises: tuple[Exercise, ...]
    root: Path

    def resolve(self, query: str) -> Exercise:
        """Find an exercise by id ("ex05"), number ("5"), short name ("correlate2d") or folder."""
        q = str(query).strip().lower().rstrip("/")
        q = os.path.basename(q) if "/" in q else q
        for ex in self.exercises:
            names = {ex.id, ex.folder, ex.short_name}
            if q in names or (q.isdigit() and int(q) == ex.number):
                return ex
        known = ", ".join(f"{ex.id} ({ex.short_name})" for ex in self.exercises)
        raise CourseError(f"unknown exercise {query!r}; the exercises are: {known}")

    def __iter__(self):
        return iter(self.exercises)


def find_root(start: Path | None = None) -> Path:
    """The course root: $DLGRADE_HOME, else the nearest folder upward from the
    current one holding course.yaml, else the folder this package was installed from."""
    if os.environ.get("DLGRADE_HOME"):
        return Path(os.environ["DLGRADE_HOME"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
    packaged = Path(__file__).resolve().parent.parent
    if (packaged / COURSE_FILE).is_file():
        return packaged
    raise CourseError(f"no {COURSE_FILE} found here or above; run dlgrade inside the course folder "
                      "or set DLGRADE_HOME")


#: Environment variables naming the course explicitly, in order of precedence.
COURSE_ENV = ("DLGRADE_COURSE", "DLGRADE_HOME")


class UntrustedCourseError(CourseError):
    """No course may be used by a grading command (``key``/``fields`` name the message)."""

    def __init__(self, key: str, **fields):
        from dlgrade.messages import say

        self.key, self.fields = key, fields
        super().__init__(say(key, "en", **fields))


def installed_root() -> Path | None:
    """The course the package was installed from (its repository), if it is one."""
    packaged = Path(__file__).resolve().parent.parent
    return packaged if (packaged / COURSE_FILE).is_file() else None


def trusted_root(explicit: Path | None = None, graded=()) -> Path:
    """The course whose graders and references an instructor's command may import.

    Grading runs the course's graders and reference solutions in the trusted process, so
    the course is never discovered from the current folder (which may be an extracted
    submission that ships its own course.yaml, graders/ and solutions/): it is ``explicit``
    (``--course``), else $DLGRADE_COURSE or $DLGRADE_HOME, else the course the package was
    installed from.  And whatever its origin, a course inside one of the ``graded`` folders
    (the submissions) is refused: students control everything there."""
    root = explicit
    for name in COURSE_ENV:
        if root is None and os.environ.get(name):
            root = Path(os.environ[name])
    if root is None:
        root = installed_root()
    if root is None:
        raise UntrustedCourseError("trust.no_course")
    root = root.resolve()
    for folder in graded:
        folder = Path(folder).resolve()
        if root == folder or folder in root.parents:
            raise UntrustedCourseError("trust.course_in_submissions", course=str(root), folder=str(folder))
    return root


def _text(value, where: str) -> Text:
    if isinstance(value, dict) and all(isinstance(value.get(k), str) and value.get(k).strip() for k in LANGUAGES):
        return Text(ko=value["ko"].strip(), en=value["en"].strip())
    raise CourseError(f"{where}: expected a text with both 'ko' and 'en'")


def _names(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise CourseError(f"{where}: expected a list of names, e.g. [lecture_forward, lecture_backward]")
    return tuple(x.strip() for x in value)


def _hint(value, where: str) -> Hint:
    text = _text(value, where)
    return Hint(ko=text.ko, en=text.en, checks=_names(value.get("checks"), f"{where}: checks"),
                mistakes=_names(value.get("mistakes"), f"{where}: mistakes"))


def load_course(root: Path | None = None) -> Course:
    root = Path(root) if root else find_root()
    path = root / COURSE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} does not exist") from None
    except yaml.YAMLError as exc:
        raise CourseError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise CourseError(f"{path}: expected format_version: {FORMAT_VERSION}")
    entries = data.get("exercises")
    if not isinstance(entries, list) or not entries:
        raise CourseError(f"{path}: 'exercises' must be a non-empty list")
    exercises = []
    for i, entry in enumerate(entries):
        where = f"{path.name}: exercise #{i + 1}"
        if not isinstance(entry, dict):
            raise CourseError(f"{where}: expected a mapping")
        folder = entry.get("folder")
        if not isinstance(folder, str) or not re.fullmatch(r"ex\d+_[a-z0-9_]+", folder):
            raise CourseError(f"{where}: 'folder' must look like ex05_correlate2d")
        where = f"{path.name}: {folder}"
        file = entry.get("file")
        if not isinstance(file, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", file):
            raise CourseError(f"{where}: 'file' must be a Python file name such as conv.py")
        limit = entry.get("time_limit", 10)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0:
            raise CourseError(f"{where}: 'time_limit' must be a positive number of seconds")
        forbidden = entry.get("forbidden", []) or []
        if not isinstance(forbidden, list) or not all(isinstance(x, str) for x in forbidden):
            raise CourseError(f"{where}: 'forbidden' must be a list of names")
        points = entry.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise CourseError(f"{where}: 'points' must be a positive number")
        hints = tuple(_hint(h, f"{where}: hint #{j + 1}") for j, h in enumerate(entry.get("hints", []) or []))
        mistakes = {str(k): _text(v, f"{where}: mistake {k}") for k, v in (entry.get("mistakes") or {}).items()}
        exercises.append(Exercise(folder=folder, title=_text(entry.get("title"), f"{where}: title"), file=file,
                                  points=float(points), time_limit=float(limit), forbidden=tuple(forbidden), hints=hints,
                                  mistakes=mistakes, root=root))
    ids = [e.id for e in exercises]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CourseError(f"{path.name}: duplicate exercise ids {dupes}")
    return Course(title=_text(data.get("title"), f"{path.name}: title"), exercises=tuple(exercises), root=root)
