"""What a grader decides, recorded so that a change meant only to make it faster can be
shown to decide the same: for every file of an exercise (its stub, its reference
solution, tests/submissions/<folder>/correct and mutants) graded with seeds 0–9 (and
its self-checks), each check's status, points, named mistake and message, and what the
code printed.

    python benchmarks/grading_fingerprint.py ex04 ex07 --write /tmp/before.json
    python benchmarks/grading_fingerprint.py ex04 ex07 --compare /tmp/before.json

``--compare`` prints every difference and exits 1 if there is one.  Time-outs depend on
the machine's load: a check that timed out on one side only is reported, not hidden.
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


def files_of(exercise) -> list[Path]:
    folder = ROOT / "tests" / "submissions" / exercise.folder
    found = [ROOT / "exercises" / exercise.folder / exercise.file, exercise.solution_path]
    for kind in ("correct", "mutants"):
        found += sorted((folder / kind).glob("*.py"))
    return found


def fingerprint(exercises, seeds) -> dict:
    out = {}
    with GradingContext.create(oracle=Oracle(use_cache=False)) as context:
        for exercise in exercises:
            for path in files_of(exercise):
                source = path.read_text(encoding="utf-8")
                for seed in seeds:
                    result = grade(exercise, source, seed=seed, context=context, self_checks=True)
                    key = f"{exercise.id} {path.relative_to(ROOT)} seed={seed}"
                    out[key] = [[c.name, c.status, c.score, c.max_score, c.mistake, c.message]
                                for c in result.checks] + [["(printed)", result.output, result.notes]]
                    print(f"{key}: {result.score:g}/{result.max_score:g}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercises", nargs="*", help="exercise ids (default: all)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 … N−1")
    parser.add_argument("--write", type=Path, help="record the fingerprint here")
    parser.add_argument("--compare", type=Path, help="compare with a recorded fingerprint")
    args = parser.parse_args()
    course = load_course(ROOT)
    chosen = [course.resolve(e) for e in args.exercises] if args.exercises else list(course)
    now = fingerprint(chosen, range(args.seeds))
    if args.write:
        args.write.write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.compare:
        ids = {exercise.id for exercise in chosen}
        before = {k: v for k, v in json.loads(args.compare.read_text(encoding="utf-8")).items()
                  if k.split()[0] in ids}
        differences = 0
        for key in sorted(set(before) | set(now)):
            if key not in before or key not in now:
                print(f"only {'now' if key in now else 'before'}: {key}")
                differences += 1
                continue
            if before[key] != now[key]:
                differences += 1
                print(f"DIFFERENT {key}")
                old = {c[0]: c for c in before[key]}
                for check in now[key]:
                    if old.get(check[0]) != check:
                        print(f"  before: {old.get(check[0])}\n  now:    {check}")
        print(f"{len(now)} gradings compared, {differences} different")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
