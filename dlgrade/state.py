"""The student's small local state (hints seen, best scores), in .dlgrade/state.json."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".dlgrade"


@dataclass
class State:
    path: Path
    hints_seen: dict[str, int] = field(default_factory=dict)  #: exercise id → hints revealed
    best: dict[str, list[float]] = field(default_factory=dict)  #: exercise id → [best score, max score]

    @classmethod
    def load(cls, root: Path) -> "State":
        path = Path(root) / STATE_DIR / "state.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (OSError, ValueError):
            data = {}  # a missing or damaged state file starts afresh
        hints = {str(k): int(v) for k, v in dict(data.get("hints_seen", {})).items() if isinstance(v, int)}
        best = {str(k): [float(x) for x in v] for k, v in dict(data.get("best", {})).items()
                if isinstance(v, list) and len(v) == 2}
        return cls(path=path, hints_seen=hints, best=best)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"hints_seen": self.hints_seen, "best": self.best}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
