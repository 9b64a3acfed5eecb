"""The student's side: watch mode, progress (status, reset)."""

from __future__ import annotations

import click  # noqa: F401

from dlgrade.cli import LANG_OPTION, Context, lang_of, main  # noqa: F401
