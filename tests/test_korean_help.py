"""Every command and group dlgrade lists, at every depth, shows its help and its options' help
in Korean under DLGRADE_LANG=ko, and still in English under --lang en."""
import re

import click
import pytest
from click.testing import CliRunner

from dlgrade.cli import main

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LETTERS = re.compile(r"[A-Za-z]")


def _commands(command=main, path=()):
    """(path, command) for the top-level group and every command and group under it."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="dlgrade")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, path + (name,))


COMMANDS = list(_commands())


def test_the_walk_reaches_nested_commands():
    paths = {" ".join(path) for path, _ in COMMANDS}
    for expected in ("grade", "session check", "session grade", "session watch", "report", "export csv",
                     "export json", "export lms", "export gradescope", "release", "dev check", "similarity",
                     "override", "history", "check"):
        assert expected in paths


def _only_a_format_list(option: click.Option) -> bool:
    """Help that names nothing but the option's choices (e.g. "text, json or junit")."""
    if not isinstance(option.type, click.Choice):
        return False
    words = set(re.findall(r"[A-Za-z][\w-]*", option.help or "")) - {"or", "and"}
    return bool(words) and words <= {str(c) for c in option.type.choices}


def _own_help(output: str) -> str:
    """The text between the usage line and the first section (옵션:/Options:, 명령:, …)."""
    lines = output.splitlines()
    body = []
    for line in lines[1:]:
        if line and not line.startswith(" ") and line.rstrip().endswith(":"):
            break
        body.append(line)
    return "\n".join(body).strip()


def _rows(monkeypatch, args, env):
    """Invoke `dlgrade ARGS --help`; the output and the rows of its option and command
    lists as the help formatter received them (first column, second column)."""
    rows = []
    real = click.HelpFormatter.write_dl

    def record(self, pairs, *a, **k):
        pairs = list(pairs)
        rows.extend(pairs)
        return real(self, pairs, *a, **k)

    monkeypatch.setattr(click.HelpFormatter, "write_dl", record)
    result = CliRunner().invoke(main, list(args) + ["--help"], env=env)
    monkeypatch.setattr(click.HelpFormatter, "write_dl", real)
    assert result.exit_code == 0, result.output
    return result.output, rows


def _without_extra(text: str) -> str:
    """Option help without click's appended "  [default: …]"/"[required]" part."""
    return re.sub(r"\s+\[[^\[\]]*\]$", "", text.strip())


def _row_of(rows, option: click.Option):
    names = set(option.opts) | set(option.secondary_opts)
    for first, second in rows:
        firsts = {word.rstrip(",") for word in first.replace("/", " ").split()}
        if names & firsts:
            return second
    return None


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "dlgrade" for p, _ in COMMANDS])
def test_help_is_korean(monkeypatch, path, command):
    output, rows = _rows(monkeypatch, path, {"DLGRADE_LANG": "ko"})
    own = _own_help(output)
    assert HANGUL.search(own), f"dlgrade {' '.join(path)}: help is not Korean:\n{own}"
    # the usage line's and the options' placeholders too (a choice list's values excepted)
    for shown in [output.splitlines()[0]] + [first for first, _ in rows if first.startswith("-")]:
        english = re.findall(r"\b[A-Z][A-Z_]+\b", re.sub(r"\[[^\[\]]*\|[^\[\]]*\]", "", shown))
        assert not english, f"dlgrade {' '.join(path)}: {shown!r}"
    assert "[required]" not in output and "default:" not in output
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden or not param.help or _only_a_format_list(param):
            continue
        shown = _row_of(rows, param)
        assert shown is not None, f"{param.opts} not in the help of dlgrade {' '.join(path)}:\n{output}"
        assert HANGUL.search(_without_extra(shown)), f"dlgrade {' '.join(path)} {param.opts[0]}: {shown!r}"
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="dlgrade")
        listed = {name: text for name, text in rows if not name.startswith("-")}
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            assert HANGUL.search(listed[name]), f"dlgrade {' '.join(path)}: {name} listed as {listed[name]!r}"
            # listed with its own help (session grade's, not grade's)
            sub_output, _ = _rows(monkeypatch, path + (name,), {"DLGRADE_LANG": "ko"})
            assert " ".join(_own_help(sub_output).split()).startswith(" ".join(listed[name].split())), \
                (name, listed[name], _own_help(sub_output))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "dlgrade" for p, _ in COMMANDS])
def test_help_stays_english_after_korean(monkeypatch, path, command):
    # Korean first in the same process: nothing of it may stick to the English help.
    _rows(monkeypatch, path, {"DLGRADE_LANG": "ko"})
    takes_lang = any("--lang" in getattr(p, "opts", ()) for p in command.params)
    args = list(path) + (["--lang", "en"] if takes_lang else [])
    output, rows = _rows(monkeypatch, args, {"DLGRADE_LANG": "ko" if takes_lang else "en"})
    assert output.startswith("Usage:"), output
    assert not HANGUL.search(output), f"dlgrade {' '.join(path)} --lang en shows Korean:\n{output}"
    own = _own_help(output)
    first_line = (command.help or "").strip().splitlines()[0]
    assert first_line and first_line in " ".join(own.split()), f"{first_line!r} not in:\n{own}"
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden or not param.help:
            continue
        shown = _row_of(rows, param)
        assert shown is not None and " ".join(_without_extra(shown).split()) == " ".join(param.help.split()), \
            (param.opts, shown)
        assert LETTERS.search(shown)
