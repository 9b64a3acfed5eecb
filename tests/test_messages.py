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
