"""click's own messages ("Usage:", "Missing argument", "No such option") in the student's language.

click writes its messages through ``gettext``: each of its modules binds ``_`` (and
``ngettext``) from the standard library's :mod:`gettext` at import.  Those are the hooks:
:func:`use` rebinds them to functions that look each message up in
:data:`dlgrade.messages.MESSAGES` (keys ``click:<click's English text>``) for the language
chosen, and fall back to gettext itself for anything not there.  The placeholders click
puts in a usage line (``[OPTIONS]``, an argument's ``EXERCISE``) are translated the same
way (``click.placeholder:<text>``).
"""

from __future__ import annotations

import gettext as _gettext

_language = "en"
_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui", "utils")


def _translate(message: str) -> str:
    from dlgrade.messages import MESSAGES

    entry = MESSAGES.get(f"click:{message}")
    if entry is None:
        return _gettext.gettext(message)
    return entry.get(_language) or entry["en"]


def _translate_plural(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


def placeholder(text: str) -> str:
    """A usage line's placeholder ([OPTIONS], EXERCISE…) in the language chosen."""
    from dlgrade.messages import MESSAGES

    import re

    def one(found):
        entry = MESSAGES.get(f"click.placeholder:{found.group(0)}")
        return (entry.get(_language) or found.group(0)) if entry else found.group(0)

    return re.sub(r"\b[A-Z][A-Z_]*(?: RANGE)?\b", one, text)


def use(language: str) -> None:
    """From now on click speaks ``language`` ("ko" or "en")."""
    import importlib

    global _language
    _language = language
    _wrap_metavars()
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _translate
        if hasattr(module, "ngettext"):
            module.ngettext = _translate_plural


def _wrap_metavars() -> None:
    """Arguments' and options' placeholders (EXERCISE, TEXT, INTEGER…) through :func:`placeholder`, once."""
    import click.core

    for cls in (click.core.Argument, click.core.Option):
        original = cls.make_metavar
        if getattr(original, "_dlgrade", False):
            continue

        def make_metavar(self, ctx, _original=original):
            return placeholder(_original(self, ctx))

        make_metavar._dlgrade = True
        cls.make_metavar = make_metavar


def language() -> str:
    return _language
