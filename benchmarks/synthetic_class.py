"""Build synthetic classes of student submissions from the reference solutions,
the test suite's mutants and a few hostile files.

    python benchmarks/synthetic_class.py demo examples/class      # the bundled demo class
    python benchmarks/synthetic_class.py random OUT --students 300  # for benchmarks/bulk.py
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlgrade.course import load_course  # noqa: E402

HOSTILE_LOOP = "def correlate(x, w, mode='valid'):\n    while True:\n        pass\n"
HOSTILE_EXIT = "import os\nos._exit(3)\n"
SYNTAX_ERROR = "def correlate(x, w, mode='valid')\n    return x\n"


def sources():
    """exercise id → {"solution": text, "mutants": {name: text}, "correct": {name: text}}."""
    course = load_course(ROOT)
    out = {}
    for ex in course:
        tests = ROOT / "tests" / "submissions" / ex.folder
        out[ex.id] = {
            "exercise": ex,
            "solution": ex.solution_path.read_text(encoding="utf-8"),
            "mutants": {p.stem: p.read_text(encoding="utf-8") for p in sorted((tests / "mutants").glob("*.py"))},
            "correct": {p.stem: p.read_text(encoding="utf-8") for p in sorted((tests / "correct").glob("*.py"))},
        }
    return out


def write_student(folder: Path, files: dict, nested: bool = True):
    """files: exercise id → text.  Nested puts each file in exNN_name/ as in exercises/."""
    folder.mkdir(parents=True, exist_ok=True)
    src = sources_cache()
    for ex_id, text in files.items():
        ex = src[ex_id]["exercise"]
        target = folder / ex.folder / ex.file if nested else folder / ex.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def write_zip(path: Path, entries: dict[str, str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)


_CACHE = {}


def sources_cache():
    if not _CACHE:
        _CACHE.update(sources())
    return _CACHE


def demo(out: Path):
    """A dozen students: full marks, typical mistakes, missing files, a syntax error,
    hostile code, zips with odd names and an unsafe zip."""
    src = sources_cache()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    every = {ex_id: s["solution"] for ex_id, s in src.items()}

    def mutant(ex_id, name):
        return src[ex_id]["mutants"][name]

    write_student(out / "s01_kim", every)
    write_student(out / "s02_lee", every, nested=False)
    write_student(out / "s03_park", {**every, "ex05": mutant("ex05", "convolution_instead_of_correlation"),
                                     "ex01": mutant("ex01", "xor_lookup_table")})
    partial = {k: v for k, v in every.items() if k != "ex01"}
    write_student(out / "s04_choi", {**partial, "ex05": mutant("ex05", "same_pad_wrong_side")})
    write_student(out / "s05_jung", {**every, "ex05": SYNTAX_ERROR})
    write_student(out / "s06_kang", {**every, "ex05": HOSTILE_LOOP, "ex01": HOSTILE_EXIT})
    (out / "s07_cho").mkdir()
    (out / "s07_cho" / "README.txt").write_text("(nothing handed in)\n")
    write_zip(out / "s08_yoon.zip", {
        "homework/ex05_correlate2d/conv.py": src["ex05"]["solution"],
        "homework/perceptron.py": mutant("ex01", "ge_instead_of_gt"),
        "__MACOSX/homework/._conv.py": "binary junk",
        "homework/.DS_Store": "junk",
    })
    write_zip(out / "홍길동.zip", {"과제/conv.py": mutant("ex05", "stride_offset_by_one"),
                                 "과제/perceptron.py": src["ex01"]["solution"]})
    write_zip(out / "s10_lim.zip", {"conv.py": src["ex05"]["solution"],
                                    "../../outside/conv.py": "print('escaped')\n"})
    write_student(out / "s11_han", {**every, "ex05": mutant("ex05", "modifies_input"),
                                    "ex01": mutant("ex01", "no_bias_update")})
    correct = {ex_id: next(iter(s["correct"].values()), s["solution"]) for ex_id, s in src.items()}
    write_student(out / "s12_oh", correct)


def random_class(out: Path, students: int, seed: int = 0):
    """Many students: mostly correct code, a share of mutants, a few missing files."""
    src = sources_cache()
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for i in range(students):
        files = {}
        for ex_id, s in src.items():
            roll = rng.random()
            if roll < 0.05:
                continue  # not submitted
            if roll < 0.35 and s["mutants"]:
                files[ex_id] = s["mutants"][rng.choice(sorted(s["mutants"]))]
            elif roll < 0.5 and s["correct"]:
                files[ex_id] = s["correct"][rng.choice(sorted(s["correct"]))]
            else:
                files[ex_id] = s["solution"]
        write_student(out / f"student{i:04d}", files, nested=bool(i % 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["demo", "random"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.kind == "demo":
        demo(args.out)
    else:
        random_class(args.out, args.students, args.seed)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
