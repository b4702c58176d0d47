"""Promotion: a candidate becomes current only if it is no worse on the same data.

Both models are measured on the same evaluation sets; every figure that can
regress is compared with a tolerance. `--force` overrides, and every decision,
forced or not, is appended to `models/promotions.jsonl`.
"""

from __future__ import annotations

import getpass
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from training import artifacts

# (path in the metrics dict, higher is better)
_CHECKS = (
    (("per_class", "propaganda", "precision"), True),
    (("per_class", "propaganda", "recall"), True),
    (("per_class", "propaganda", "f1"), True),
    (("propaganda_average_precision",), True),
    (("propaganda_fpr",), False),
    (("spans", "f1"), True),
)
LOG = "promotions.jsonl"


@dataclass(frozen=True)
class Change:
    where: str
    metric: str
    current: float
    candidate: float

    @property
    def delta(self) -> float:
        return self.candidate - self.current


def _get(m: dict, path: tuple[str, ...]):
    for k in path:
        if not isinstance(m, dict) or k not in m:
            return None
        m = m[k]
    return m


def _applies(m: dict, path: tuple[str, ...]) -> bool:
    """Precision, F1 and AP only mean something where both classes occur."""
    support = m["per_class"]["propaganda"]["support"]
    if path[0] in ("spans", "propaganda_fpr"):
        return True
    if path[-1] == "recall":
        return support > 0
    return 0 < support < m["n"]


def regressions(current: dict, candidate: dict, tolerance: float) -> list[Change]:
    """Every figure, overall and per source, where the candidate is worse by more than `tolerance`."""
    out = []
    scopes = [("overall", current["overall"], candidate["overall"])]
    scopes += [(s, current["sources"][s], candidate["sources"][s]) for s in current["sources"] if s in candidate["sources"]]
    for where, a, b in scopes:
        for path, higher_better in _CHECKS:
            x, y = _get(a, path), _get(b, path)
            if x is None or y is None or not _applies(a, path):
                continue
            worse = (x - y) if higher_better else (y - x)
            if worse > tolerance:
                out.append(Change(where, ".".join(path), float(x), float(y)))
    return out


def install(folder: Path, models_dir: Path) -> Path:
    """The candidate's folder inside `models_dir` (copied there if it lives elsewhere)."""
    folder = folder.resolve()
    if folder.parent == models_dir.resolve():
        return folder
    target = models_dir / folder.name
    if not target.exists():
        shutil.copytree(folder, target)
    return target


def record(models_dir: Path, entry: dict) -> None:
    entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "by": _user(), **entry}
    with open(models_dir / LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def make_current(folder: Path, models_dir: Path) -> Path:
    artifacts.load(folder)  # refuse a broken or tampered candidate before it can become current
    installed = install(folder, models_dir)
    artifacts.set_current(models_dir, installed)
    return installed


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"
