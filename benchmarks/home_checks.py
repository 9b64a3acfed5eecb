"""What share of the mistakes that lose points at grading a student sees at home.

    python benchmarks/home_checks.py                 # the course's public checks + self-checks
    python benchmarks/home_checks.py --bundle        # in a freshly built student bundle
    python benchmarks/home_checks.py ex04 ex05

Over every test mutant (tests/submissions/<folder>/mutants) that loses points when graded
in full, prints per exercise how many also fail a public check or a self-check (what
``dlgrade check`` runs in the student bundle), the overall fraction, and the misses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.bridges.home_coverage import home_outcomes  # noqa: E402
from dlgrade.course import load_course  # noqa: E402
from dlgrade.grading.grade_submission import GradingContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exercises", nargs="*", help="exercise ids (default: all)")
    parser.add_argument("--bundle", action="store_true", help="build a student bundle and grade at home in it")
    args = parser.parse_args()
    course = load_course(ROOT)
    with GradingContext.create() as context, tempfile.TemporaryDirectory() as tmp:
        bundle_course = None
        if args.bundle:
            from dlgrade.bridges.release import build_release

            build_release(course, Path(tmp) / "bundle", lang="en", context=context)
            bundle_course = load_course(Path(tmp) / "bundle")
        outcomes = home_outcomes(course, context, bundle_course=bundle_course, exercises=set(args.exercises))
    print(f"{'exercise':<10}{'mutants losing points':>24}{'caught at home':>16}{'share':>8}")
    for ex in course:
        mine = [o for o in outcomes if o.exercise == ex.id]
        if mine:
            caught = sum(o.caught for o in mine)
            print(f"{ex.id:<10}{len(mine):>24}{caught:>16}{caught / len(mine):>8.0%}")
    caught = sum(o.caught for o in outcomes)
    print(f"{'all':<10}{len(outcomes):>24}{caught:>16}{caught / max(len(outcomes), 1):>8.1%}")
    from dlgrade.grading.checks import collect_checks
    from dlgrade.grading.grade_submission import load_grader

    public = {ex.id: {s.name for s in collect_checks(load_grader(ex)) if not s.hidden} for ex in course}
    by_public = sum(1 for o in outcomes if set(o.failed_at_home) & public[o.exercise])
    print(f"by the public checks alone: {by_public}/{len(outcomes)} ({by_public / max(len(outcomes), 1):.1%})")
    misses = [o for o in outcomes if not o.caught]
    print("missed at home:" if misses else "missed at home: none")
    for o in misses:
        print(f"  {o.exercise} {o.mutant} (loses {o.lost:g} points at grading)")


if __name__ == "__main__":
    main()
