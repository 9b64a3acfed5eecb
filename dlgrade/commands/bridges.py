"""Bridges to other tools (Gradescope, JUnit XML, LMS CSV) and the student release bundle."""

from __future__ import annotations

import click  # noqa: F401

from dlgrade.cli import LANG_OPTION, Context, lang_of, main  # noqa: F401
