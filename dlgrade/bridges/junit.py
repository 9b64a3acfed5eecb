"""JUnit XML, the report format CI systems (GitHub Actions and Classroom, GitLab, Jenkins)
read: one ``<testsuite>`` per student and exercise, one ``<testcase>`` per check.

A failed or forbidden check is a ``<failure>``, a check that crashed or timed out an
``<error>``, a check not run (the exercise's time budget was used up) ``<skipped>``.
Messages are the results' own, which never hold a hidden check's expected values.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dlgrade.inert import xml_text
from dlgrade.results import CheckResult, ExerciseResult

ELEMENT = {"failed": "failure", "forbidden": "failure", "error": "error", "timeout": "error", "tool-error": "error"}
NOT_RUN = "not run:"  #: how the runner words a check skipped for lack of time




def outcome(check: CheckResult) -> str | None:
    """None (passed), "failure", "error" or "skipped"."""
    if check.passed:
        return None
    if check.status == "timeout" and check.message.startswith(NOT_RUN):
        return "skipped"
    return ELEMENT[check.status]


def _suite(student: str | None, result: ExerciseResult) -> ET.Element:
    name = f"{student}/{result.exercise}" if student else result.exercise
    suite = ET.Element("testsuite", name=name)
    props = ET.SubElement(suite, "properties")
    for key, value in (("score", f"{result.score:g}"), ("max_score", f"{result.max_score:g}"),
                       ("seed", str(result.seed)), ("grader_version", result.grader_version),
                       ("sandbox", result.sandbox)):
        ET.SubElement(props, "property", name=key, value=value)
    counts = {"failure": 0, "error": 0, "skipped": 0}
    for check in result.checks:
        case = ET.SubElement(suite, "testcase", classname=f"dlgrade.{name.replace('/', '.')}", name=check.name,
                             time="0")
        kind = outcome(check)
        if kind is None:
            continue
        counts[kind] += 1
        message = xml_text(check.message)
        first = (message.splitlines() or [check.status])[0]
        detail = ET.SubElement(case, kind, message=first, type=check.status)
        detail.text = (f"{check.title}\n{check.visibility} check, {check.score:g}/{check.max_score:g} points\n\n"
                       f"{message}")
    suite.set("tests", str(len(result.checks)))
    suite.set("failures", str(counts["failure"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", str(counts["skipped"]))
    return suite


def junit_xml(results: list[tuple[str | None, ExerciseResult]]) -> str:
    """One XML document for ``(student or None, result)`` pairs."""
    root = ET.Element("testsuites", name="dlgrade")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for student, result in results:
        suite = _suite(student, result)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key))
    for key, value in totals.items():
        root.set(key, str(value))
    _make_inert(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _make_inert(root: ET.Element) -> None:
    """Every attribute and text of the document with the characters XML 1.0 forbids removed
    (student ids, messages and printed output may hold them); ElementTree escapes the rest
    (&, <, >, quotes, and newlines in attributes), so the document always parses."""
    for element in root.iter():
        element.attrib = {xml_text(k): xml_text(v) for k, v in element.attrib.items()}
        if element.text is not None:
            element.text = xml_text(element.text)
        if element.tail is not None:
            element.tail = xml_text(element.tail)

