"""No missed mistakes: every sentence of every statement is judged by at least one hidden check.

``tests/statements/<folder>.yaml`` lists, for an exercise, its statement's requirements:

    - sentence: "verbatim text from statement.en.md"   # a whitespace-normalised substring
      checks: [check_name, ...]                          # checks of the grader; one at least hidden
    - sentence: "..."
      untestable: "why (it tells the student where to type, ...)"

The statement (statement.en.md) is split into sentences — headings, code blocks and table
rows skipped — and each must contain the text of some entry (an entry may also name a table
row, whose values a check judges).  An entry whose text is not in
the statement, a check the grader does not have, or a requirement no hidden check judges,
fails.  The Korean statement must hold the same code blocks and the same number of
sections, so that it states the same contract.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from dlgrade.course import load_course
from dlgrade.grading.checks import collect_checks
from dlgrade.grading.grade_submission import load_grader

STATEMENTS = Path(__file__).resolve().parent / "statements"
COURSE = load_course(ROOT)


def normalise(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def statement_sentences(markdown: str) -> list[str]:
    """The statement's sentences: prose and list items, without headings, code blocks or tables."""
    paragraphs, current, in_code = [], [], False

    def flush():
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            in_code = not in_code
            continue
        if in_code or (line.startswith(("    ", "\t")) and not current):  # fenced or indented code
            continue
        if not stripped or stripped.startswith(("#", "|")):
            flush()
            continue
        if re.match(r"^([-*]|\d+\.)\s", stripped):  # a list item starts a paragraph of its own
            flush()
            stripped = re.sub(r"^([-*]|\d+\.)\s+", "", stripped)
        current.append(stripped)
    flush()
    sentences = []
    for paragraph in paragraphs:
        # A sentence ends at . ! or ? before a capital, a quote or code, but not after e.g. / i.e.
        for sentence in re.split(r"(?<![Ee]\.g\.)(?<![Ii]\.e\.)(?<=[.!?])\s+(?=[A-Z`(*\"'\[])", normalise(paragraph)):
            if re.search(r"[A-Za-z]", sentence):
                sentences.append(sentence)
    return sentences


def code_blocks(markdown: str) -> list[str]:
    """The Python code blocks (the contract's signatures), their comments (translated in the
    Korean statement) left out; other blocks hold prose-like formulas, translated too."""
    return [re.sub(r"[ \t]*#[^\n]*", "", block).strip()
            for block in re.findall(r"```python[^\n]*\n(.*?)```", markdown, flags=re.S)]


def covers(entry: str, sentence: str) -> bool:
    """An entry covers a sentence it is part of, if it is a fair part of it: "SGD" covers the
    sentence "SGD", not every sentence that mentions SGD."""
    return bool(entry) and entry in sentence and len(entry) >= min(len(sentence), max(20, len(sentence) // 3))


def load_entries(exercise) -> list[dict]:
    path = STATEMENTS / f"{exercise.folder}.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries, f"{path}: expected a list of entries"
    return entries


WITH_YAML = [pytest.param(ex.id, id=ex.folder) for ex in COURSE if (STATEMENTS / f"{ex.folder}.yaml").exists()]


def test_every_exercise_lists_its_statements_requirements():
    missing = [ex.folder for ex in COURSE if not (STATEMENTS / f"{ex.folder}.yaml").exists()]
    assert missing == []


@pytest.mark.parametrize("exercise_id", WITH_YAML)
def test_every_sentence_is_judged_by_a_hidden_check(exercise_id, course):
    exercise = course.resolve(exercise_id)
    statement = (exercise.stub_path.parent / "statement.en.md").read_text(encoding="utf-8")
    sentences = statement_sentences(statement)
    # Entries may also name a table row or an indented formula, whose values checks judge.
    rows = [line.strip() for line in statement.splitlines() if line.strip().startswith("|")]
    rows += [" ".join(block.split()) for block in re.findall(r"(?:^(?:    |\t)[^\n]*\n?)+", statement, flags=re.M)]
    specs = {s.name: s for s in collect_checks(load_grader(exercise))}
    entries = load_entries(exercise)
    problems = []
    for n, entry in enumerate(entries, 1):
        text = normalise(str(entry.get("sentence", "")))
        if not text:
            problems.append(f"entry {n}: no sentence")
            continue
        if not any(text in s for s in sentences) and not any(text in normalise(row) for row in rows):
            problems.append(f"entry {n}: {text!r} is not (part of) a sentence of the statement")
        if "untestable" in entry:
            if not str(entry["untestable"]).strip() or "checks" in entry:
                problems.append(f"entry {n}: 'untestable' needs a reason and no checks")
            continue
        checks = entry.get("checks") or []
        unknown = [c for c in checks if c not in specs]
        if unknown:
            problems.append(f"entry {n}: no such checks {unknown}")
        if not any(specs[c].hidden for c in checks if c in specs):
            problems.append(f"entry {n}: {text!r} is judged by no hidden check")
    texts = [normalise(str(e.get("sentence", ""))) for e in entries]
    uncovered = [s for s in sentences if not any(covers(t, s) for t in texts)]
    problems += [f"not covered: {s!r}" for s in uncovered]
    assert problems == []


@pytest.mark.parametrize("exercise_id", [ex.id for ex in COURSE])
def test_korean_statement_states_the_same_contract(exercise_id, course):
    exercise = course.resolve(exercise_id)
    folder = exercise.stub_path.parent
    en = (folder / "statement.en.md").read_text(encoding="utf-8")
    ko = (folder / "statement.ko.md").read_text(encoding="utf-8")
    assert code_blocks(ko) == code_blocks(en)
    headings = [len(re.findall(r"^#{1,6} ", text, flags=re.M)) for text in (ko, en)]
    assert headings[0] == headings[1]


def test_a_short_entry_covers_only_a_short_sentence():
    assert covers("SGD", "SGD")
    assert not covers("SGD", "SGD: the derivative in y (2y) is much larger than in x (x/10), so the first step")
    assert covers("SGD: the derivative in y (2y) is much larger", "SGD: the derivative in y (2y) is much larger than in x")


def test_the_splitter_skips_headings_code_and_tables():
    text = "# Title\n\nOne sentence. Another `a.b` one!\n\n```python\nx = 1. \n```\n| a | b |\n- An item.\n"
    assert statement_sentences(text) == ["One sentence.", "Another `a.b` one!", "An item."]
