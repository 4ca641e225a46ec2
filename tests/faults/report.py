"""The fault suite's table: one row per scenario, printed at the end and kept as JSON."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(os.environ.get("SPORTELLO_FAULTS_RESULTS", Path(__file__).resolve().parents[2] / "var" / "faults"))


@dataclass
class Outcome:
    scenario: str
    effect: str  # what was counted afterwards
    operations: int  # operations attempted
    acknowledged: int  # answered with success to the client (or published, for broker-level scenarios)
    found: int  # distinct effects found afterwards for those operations
    lost: int
    duplicated: int
    recovery_s: float | None = None  # fault over -> the system doing that work again
    notes: str = ""
    extra: dict = field(default_factory=dict)


OUTCOMES: list[Outcome] = []


def record(outcome: Outcome) -> Outcome:
    OUTCOMES.append(outcome)
    return outcome


def table() -> str:
    header = (f"{'scenario':46} {'effect':22} {'ops':>5} {'acked':>6} {'found':>6} {'lost':>5} {'dup':>4} "
              f"{'recovery s':>10}  notes")
    lines = [header, "-" * len(header)]
    for o in OUTCOMES:
        recovery = "-" if o.recovery_s is None else f"{o.recovery_s:.1f}"
        lines.append(f"{o.scenario:46} {o.effect:22} {o.operations:>5} {o.acknowledged:>6} {o.found:>6} "
                     f"{o.lost:>5} {o.duplicated:>4} {recovery:>10}  {o.notes}")
    return "\n".join(lines)


def save() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "last-run.json"
    path.write_text(json.dumps({"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                "outcomes": [asdict(o) for o in OUTCOMES]}, indent=2))
    return path
