"""messages.py is built from several dict literals: a key written twice would silently
replace the first message (as one watch view's text once replaced another's)."""

import ast
import collections

from conftest import ROOT


def test_no_message_key_is_defined_twice():
    tree = ast.parse((ROOT / "dlgrade" / "messages.py").read_text(encoding="utf-8"))
    keys = [key.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)
            and "." in key.value]
    assert len(keys) > 100
    assert [k for k, n in collections.Counter(keys).items() if n > 1] == []


ENGLISH_FRAMES = ("not equal", "Mismatched elements", "First mismatch", "Max absolute difference",
                  "Max relative difference", "shape mismatch", "expected a numpy.ndarray", "expected a number",
                  "last call:", "likely mistake:", "did not finish within", " got:", " expected:")


def test_check_feedback_is_shown_in_korean(course, grade_file):
    """The fixed phrases of failed checks' reports (compare's frame, the sandbox's time
    limit, the last call, the likely mistake) come out in Korean, on real mutants."""
    from dlgrade.messages import localize_feedback
    from conftest import submissions

    seen = set()
    for folder, path in [p.values for p in submissions("mutants")][::3]:
        result = grade_file(folder, path)
        for check in result.checks:
            if check.passed or not check.message:
                continue
            english = [frame for frame in ENGLISH_FRAMES if frame in check.message]
            seen.update(english)
            korean = localize_feedback(check.message, "ko")
            assert not [frame for frame in english if frame in korean], korean
            assert localize_feedback(check.message, "en") == check.message
    assert {"not equal", "last call:", "Mismatched elements"} <= seen
