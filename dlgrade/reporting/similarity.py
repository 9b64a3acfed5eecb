"""Pairs of students whose code for an exercise is suspiciously alike.

The comparison is copydetect's (https://github.com/blingenf/copydetect): each file is
tokenised by Pygments with every name replaced by one letter per kind (variables, functions,
classes) and strings by another, comments and whitespace dropped; fingerprints are the
winnowed hashes of its k-grams (Schleimer, Wilkerson and Aiken, "Winnowing", SIGMOD 2003,
the algorithm behind MOSS).  So renamed variables, reformatting and comments change nothing,
and reordered functions only the few k-grams across their boundaries.  Fingerprints of the
exercise's stub are boilerplate, dropped from every file: every student starts from it.

A pair is flagged when, in one of the two files, at least ``threshold`` of the fingerprinted
code is also in the other.  The score is evidence for a person to look at (the HTML report
shows both files side by side with the shared code marked), never a verdict.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from itertools import combinations

from dlgrade.course import Exercise
from dlgrade.inert import clean

#: k: the length (in characters of tokenised code, where a name is one letter) of the
#: fragments compared; shorter shared fragments are noise (``x = V[V:V+V]``).
NOISE = 25
#: Every shared fragment at least this long is guaranteed to be found (winnowing window).
GUARANTEE = 30
#: The part of one file's fingerprinted code found in the other from which a pair is shown.
#: Measured on the synthetic class of tests/test_similarity.py: four independent correct
#: solutions of ex05 share at most 0.38 of either file (the padding arithmetic everyone
#: writes alike), a renamed, reformatted, commented and reordered copy 0.96; over 25 other
#: choices of k-gram hash (which fingerprints winnowing keeps), at most 0.42 and at least 0.95.
DEFAULT_THRESHOLD = 0.6
#: Files with less fingerprinted code than this (in characters) are not compared: an empty
#: or barely started file matches nothing meaningfully.
MIN_CODE = 60


@dataclass
class SimilarPair:
    """Two students' files for one exercise and how much of each is in the other."""

    exercise: str
    student_a: str
    student_b: str
    share_a: float  #: part of a's fingerprinted code found in b's
    share_b: float  #: part of b's fingerprinted code found in a's
    shared_tokens: int  #: length of the shared code (tokenised characters)
    source_a: str = field(default="", repr=False)
    source_b: str = field(default="", repr=False)
    spans_a: list[tuple[int, int]] = field(default_factory=list, repr=False)  #: shared regions of a's source
    spans_b: list[tuple[int, int]] = field(default_factory=list, repr=False)

    @property
    def score(self) -> float:
        return max(self.share_a, self.share_b)

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "students": [self.student_a, self.student_b],
                "score": round(self.score, 4), "share": [round(self.share_a, 4), round(self.share_b, 4)],
                "shared_tokens": self.shared_tokens,
                "regions": [[list(s) for s in self.spans_a], [list(s) for s in self.spans_b]]}


@dataclass
class SimilarityReport:
    """The flagged pairs of one exercise, most alike first."""

    exercise: str
    threshold: float
    students: int  #: students whose file was compared
    not_compared: list[str]  #: students with no file, or too little code of their own
    pairs: list[SimilarPair]

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "threshold": self.threshold, "students": self.students,
                "not_compared": self.not_compared, "pairs": [p.to_dict() for p in self.pairs]}


@dataclass
class Fingerprint:
    """What copydetect's ``compare_files`` reads of a file: its tokenised code, the offsets
    back to the source, and the winnowed k-gram hashes with where each occurs."""

    raw_code: str
    filtered_code: str
    offsets: object  #: copydetect's offsets array (tokenised position → characters removed)
    hash_idx: dict[int, list[int]]
    k: int = NOISE

    def __post_init__(self):
        from copydetect.utils import get_token_coverage

        self.hashes = set(self.hash_idx)
        self.token_coverage = get_token_coverage(self.hash_idx, self.k, len(self.filtered_code))


def _kgram_hashes(text: str, k: int):
    """A stable 64-bit hash of every k-gram of ``text``.  (copydetect hashes with Python's
    ``hash``, which changes with every process: the same class would score differently from
    one run to the next.)"""
    import hashlib

    import numpy as np

    return np.array([int.from_bytes(hashlib.blake2b(text[i:i + k].encode("utf-8"), digest_size=8).digest(),
                                    "little", signed=True) for i in range(len(text) - k + 1)], dtype=np.int64)


def _fingerprint(name: str, source: str, boilerplate: set, *, every_kgram: bool = False) -> Fingerprint:
    """The fingerprint of ``source`` as copydetect makes it (its tokeniser and winnowing),
    with a stable hash, and without the ``boilerplate`` hashes (every occurrence of them)."""
    from copydetect.utils import filter_code, winnow

    filtered, offsets = filter_code(source, name, "python")
    hashes, positions = winnow(_kgram_hashes(filtered, NOISE), 1 if every_kgram else GUARANTEE - NOISE + 1,
                               remove_duplicates=False)
    hash_idx: dict[int, list[int]] = {}
    for h, i in zip(hashes.tolist(), positions.tolist()):
        if h not in boilerplate:
            hash_idx.setdefault(h, []).append(i)
    return Fingerprint(raw_code=source, filtered_code=filtered, offsets=offsets, hash_idx=hash_idx)


def _spans(slices) -> list[tuple[int, int]]:
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    return [(int(a), int(b)) for a, b in zip(slices[0], slices[1])]


def compare_sources(sources: dict[str, str], *, exercise: Exercise | None = None, stub: str = "",
                    threshold: float = DEFAULT_THRESHOLD, exercise_id: str = "") -> SimilarityReport:
    """Compare every pair of ``sources`` (student → file text); ``stub``'s code is excluded."""
    from copydetect import compare_files

    exercise_id = exercise_id or (exercise.id if exercise else "")
    boilerplate = set(_fingerprint("stub.py", stub, set(), every_kgram=True).hashes) if stub else set()
    prints, not_compared = {}, []
    for student in sorted(sources):
        fp = _fingerprint(f"{student}.py", clean(sources[student], None), boilerplate)
        if fp.token_coverage < MIN_CODE:
            not_compared.append(student)
        else:
            prints[student] = fp
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        shared, (share_a, share_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
        if max(share_a, share_b) >= threshold:
            pairs.append(SimilarPair(exercise_id, a, b, float(share_a), float(share_b), int(shared),
                                     prints[a].raw_code, prints[b].raw_code, _spans(slices_a), _spans(slices_b)))
    pairs.sort(key=lambda p: (-p.score, p.student_a, p.student_b))
    return SimilarityReport(exercise_id, threshold, len(prints), not_compared, pairs)


def find_similar(submissions, exercise: Exercise, *, threshold: float = DEFAULT_THRESHOLD) -> SimilarityReport:
    """The flagged pairs among ``submissions`` (dlgrade.bulk.collect's StudentSubmission list)
    for ``exercise``, its stub excluded."""
    sources = {s.student: s.files[exercise.id].source for s in submissions if exercise.id in s.files}
    missing = sorted(s.student for s in submissions if exercise.id not in s.files)
    try:
        stub = exercise.stub_path.read_text(encoding="utf-8")
    except OSError:
        stub = ""
    report = compare_sources(sources, exercise=exercise, stub=stub, threshold=threshold)
    report.not_compared = sorted(set(report.not_compared) | set(missing))
    return report


# ----------------------------------------------------------------------------- HTML
def _marked(source: str, spans: list[tuple[int, int]]) -> str:
    """``source`` as escaped HTML with the shared regions in <mark>."""
    out, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), max(end, at)
        out.append(html.escape(source[at:start]))
        if end > start:
            out.append(f"<mark>{html.escape(source[start:end])}</mark>")
        at = end
    out.append(html.escape(source[at:]))
    return "".join(out)


PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; }}
.pair {{ border-top: 2px solid #888; margin-top: 2em; }}
.side {{ display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }}
pre {{ background: #f7f7f7; padding: .6em; overflow-x: auto; font-size: 12px; white-space: pre; }}
mark {{ background: #ffd54f; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .2em .6em; }}
</style></head><body>
<h1>{title}</h1>
<p>{intro}</p>
{body}
</body></html>
"""


def render_html(reports: list[SimilarityReport], lang: str = "en") -> str:
    """One self-contained page: per exercise a table of flagged pairs, then each pair's two
    files side by side with the shared regions marked.  Everything from students is escaped."""
    from dlgrade.messages import say

    esc = html.escape
    parts = []
    for report in reports:
        parts.append(f"<h2>{esc(report.exercise)}</h2>")
        parts.append(f"<p>{esc(say('similarity.summary', lang, students=report.students, pairs=len(report.pairs), threshold=report.threshold))}</p>")
        if report.not_compared:
            parts.append(f"<p>{esc(say('similarity.not_compared', lang, students=', '.join(report.not_compared)))}</p>")
        if not report.pairs:
            continue
        parts.append("<table><tr>" + "".join(f"<th>{esc(say(k, lang))}</th>" for k in
                                              ("similarity.col.pair", "similarity.col.score", "similarity.col.shares"))
                     + "</tr>")
        for n, p in enumerate(report.pairs, 1):
            parts.append(f'<tr><td><a href="#{esc(report.exercise)}-{n}">{esc(p.student_a)} — {esc(p.student_b)}</a>'
                         f"</td><td>{p.score:.0%}</td><td>{p.share_a:.0%} / {p.share_b:.0%}</td></tr>")
        parts.append("</table>")
        for n, p in enumerate(report.pairs, 1):
            parts.append(f'<div class="pair" id="{esc(report.exercise)}-{n}"><h3>{esc(p.student_a)} — '
                         f"{esc(p.student_b)}: {p.score:.0%}</h3><div class=\"side\">"
                         f"<div><h4>{esc(p.student_a)} ({p.share_a:.0%})</h4><pre>{_marked(p.source_a, p.spans_a)}</pre></div>"
                         f"<div><h4>{esc(p.student_b)} ({p.share_b:.0%})</h4><pre>{_marked(p.source_b, p.spans_b)}</pre></div>"
                         "</div></div>")
    return PAGE.format(lang=esc(lang), title=esc(say("similarity.title", lang)),
                       intro=esc(say("similarity.intro", lang)), body="\n".join(parts))
