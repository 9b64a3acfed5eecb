"""Bridges to other tools: Gradescope autograder bundles and results.json, JUnit XML for
CI, gradebook CSV for LMSs, and the student release bundle.  Each output is a rendering
of :mod:`dlgrade.results`; nothing here grades by itself."""

from __future__ import annotations

import json

from dlgrade.results import ExerciseResult

#: What ``--format`` accepts on ``check`` and ``grade`` (``text`` is the terminal report).
FORMATS = ("text", "json", "results-json", "junit")


def render(results: list[tuple[str | None, ExerciseResult]], fmt: str, lang: str = "en") -> str:
    """One machine-readable rendering of ``(student or None, result)`` pairs.

    ``json``: one result's ``to_dict()``, or JSON lines ``{"student", "result"}`` for several;
    ``results-json``: Gradescope's results.json, one object per line when several;
    ``junit``: one JUnit XML document with a test suite per student and exercise.
    """
    if fmt == "junit":
        from dlgrade.bridges.junit import junit_xml

        return junit_xml(results)
    if fmt == "results-json":
        from dlgrade.bridges.gradescope import results_json

        dicts = [results_json(result, lang=lang) for _student, result in results]
    elif fmt == "json":
        dicts = [result.to_dict() for _student, result in results]
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if len(results) == 1 and results[0][0] is None:
        return json.dumps(dicts[0], ensure_ascii=False)
    return "\n".join(json.dumps({"student": student, "exercise": result.exercise, "result": d}, ensure_ascii=False)
                     for (student, result), d in zip(results, dicts))
