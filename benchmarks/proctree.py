"""The machine's processes as /proc shows them, for the benchmarks' CPU and memory figures."""

from __future__ import annotations

import os


def process_table() -> tuple[dict[int, list[int]], dict[int, list[str]]]:
    """(parent pid → child pids, pid → the fields of /proc/PID/stat after the command name)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            stats[int(entry)] = fields
        except (OSError, ValueError, IndexError):
            continue
    return children, stats


def cpu_seconds(fields: list[str]) -> float:
    """User + system time of a process from its stat fields, with its collected children's."""
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
