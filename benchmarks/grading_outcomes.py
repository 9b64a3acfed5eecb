"""Every outcome of grading the course's own test submissions, recorded to compare two versions
of the code: a change made for speed must leave every grade as it was.

    python benchmarks/grading_outcomes.py record before.json                 # every exercise, seeds 0-9
    python benchmarks/grading_outcomes.py record after.json --exercises ex02,ex05 --seeds 3
    python benchmarks/grading_outcomes.py compare before.json after.json     # exit 1 if any differs

For each exercise it grades the reference solution, the stub, and every file under
tests/submissions/<folder>/ (mutants, correct variants) with each seed, and keeps the whole
result: score, every check's name, status, points, named mistake and message, the notes
(the grader version is left out: it changes with any edit of a grader), what the code printed, and
the self-checks students run at home.  ``compare`` lists
the (exercise, file, seed) whose results differ and shows the first few side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.course import load_course  # noqa: E402
from dlgrade.grading.oracle import Oracle  # noqa: E402
from dlgrade.grading.grade_submission import GradingContext, grade  # noqa: E402


def graded_files(exercise) -> list[Path]:
    files = [exercise.solution_path, ROOT / "exercises" / exercise.folder / exercise.file]
    return files + sorted((ROOT / "tests" / "submissions" / exercise.folder).rglob("*.py"))


def record(path: Path, exercises: list[str] | None, seeds: int) -> None:
    course = load_course(ROOT)
    chosen = [course.resolve(e) for e in exercises] if exercises else list(course)
    outcomes = {}
    with GradingContext.create(oracle=Oracle(use_cache=False)) as context:
        for exercise in chosen:
            for file in graded_files(exercise):
                source = file.read_text(encoding="utf-8")
                for seed in range(seeds):
                    result = grade(exercise, source, seed=seed, context=context, self_checks=True).to_dict(internal=True)
                    result.pop("grader_version", None)
                    outcomes[f"{exercise.id} {file.relative_to(ROOT)} seed {seed}"] = result
    path.write_text(json.dumps(outcomes, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    print(f"{len(outcomes)} gradings recorded in {path}")


def compare(before_path: Path, after_path: Path) -> int:
    before = json.loads(before_path.read_text(encoding="utf-8"))
    after = json.loads(after_path.read_text(encoding="utf-8"))
    shared = sorted(set(before) & set(after))
    differ = [key for key in shared if before[key] != after[key]]
    for key in differ[:5]:
        print(f"differs: {key}")
        for label, result in (("before", before[key]), ("after", after[key])):
            print(f"  {label}: {json.dumps(result, ensure_ascii=False)[:1500]}")
    only = len(set(before) ^ set(after))
    print(f"{len(shared)} gradings compared, {len(differ)} differ" + (f"; {only} recorded in one file only" if only else ""))
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="grade every test submission and write the results")
    rec.add_argument("out", type=Path)
    rec.add_argument("--exercises", default="", help="comma-separated exercise ids (default: all)")
    rec.add_argument("--seeds", type=int, default=10, help="seeds 0 .. N-1 (default 10)")
    cmp_ = commands.add_parser("compare", help="compare two recordings")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, [e for e in args.exercises.split(",") if e] or None, args.seeds)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
