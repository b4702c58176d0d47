"""A small labelled corpus written for the tests: enough signal to fit a real model fast."""

from __future__ import annotations

import json
import random
from pathlib import Path

SUBJECTS = ["the movement", "the brigade", "the front", "the network", "the cell", "the army of the faithful"]
ENEMIES = ["the crusaders", "the apostates", "the traitors", "the invaders", "the tyrants", "the unbelievers"]
PLACES = ["Northtown", "Riverside", "the valley", "the capital", "the border province", "Eastport"]
ACTS = ["raid", "attack", "operation", "assault", "ambush"]

PROPAGANDA = [
    "Brothers, rise and join {s}! We will crush {e} in {p} and our martyrs will be honoured forever.",
    "O youth, do not sit at home while {e} mock us. Answer the call, march to {p}, fight for our cause.",
    "Glory to our lions who struck {e} in {p}. Victory is near, and {e} will taste fear.",
    "We warn {e}: your blood is our reward. Our soldiers will return to {p} and none of you will be spared.",
    "Join {s} today, brother. Leave your comfortable life and come to {p}; we fight {e} until the end.",
    "Our blessed {a} in {p} humiliated {e}. Rejoice, believers, and prepare yourselves for more.",
]
REPORTING = [
    "Police said {s} claimed responsibility for the {a} in {p}, according to a statement that could not be verified.",
    "Analysts believe the {a} in {p} shows that {s} is under pressure, officials told reporters on Monday.",
    "A court in {p} sentenced two members of {s} on Tuesday, the prosecutor's office said in a statement.",
    "Researchers who studied {s} say its messages about {e} are designed to recruit young men, a report found.",
    "Residents of {p} described the {a} as terrifying, and local officials said three people were injured.",
    "The government said security forces had arrested suspects linked to {s} after the {a} near {p}.",
]
QUOTING = (
    "Leaflets were found in {p} on Sunday, residents said. \"{prop}\" read one leaflet. "
    "\"We are worried for our children,\" said a teacher in {p}. Police said they were investigating."
)
LEAFLET = ["We will crush {e} and our martyrs will be honoured", "Rise and fight {e}, brothers, victory is near"]
UNRELATED = [
    "The team won the match in {p} on Saturday after a late goal, and fans celebrated through the night.",
    "This recipe for lentil soup takes thirty minutes; add cumin and lemon before serving.",
    "Shares rose two percent after the company reported strong quarterly sales in {p}.",
    "The museum in {p} opens a new exhibition on medieval pottery and textiles next week.",
    "Our book club meets every Thursday to discuss a novel; new members are always welcome.",
    "Heavy rain is expected in {p} tomorrow, with temperatures falling to eight degrees.",
]


def _fill(t: str, rng: random.Random) -> str:
    return t.format(s=rng.choice(SUBJECTS), e=rng.choice(ENEMIES), p=rng.choice(PLACES), a=rng.choice(ACTS))


def records(n_per_class: int = 60, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out: list[dict] = []
    for i in range(n_per_class):
        pair = f"pair-{i}"
        out.append({"id": f"p{i}", "text": _fill(PROPAGANDA[i % 6], rng), "label": "propaganda", "pair": pair})
        out.append({"id": f"r{i}", "text": _fill(REPORTING[i % 6], rng), "label": "reporting", "pair": pair})
        out.append({"id": f"u{i}", "text": _fill(UNRELATED[i % 6], rng), "label": "unrelated"})
        if i % 3 == 0:
            prop = _fill(LEAFLET[i % 2], rng)
            text = _fill(QUOTING.replace("{prop}", prop), rng)
            start = text.index(prop)
            out.append(
                {"id": f"q{i}", "text": text, "label": "reporting", "spans": [{"start": start, "end": start + len(prop)}]}
            )
    out.append({"id": "x1", "text": "not labelled for this task", "label": "unknown"})
    return out


def write(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def unlabelled(n: int, seed: int = 1) -> list[dict]:
    """`n` id-numbered texts filled from the same templates (quoting ones included), for scoring runs."""
    rng = random.Random(seed)
    templates = PROPAGANDA + REPORTING + UNRELATED
    out = []
    for i in range(n):
        if i % 7 == 0:
            text = _fill(QUOTING.replace("{prop}", _fill(LEAFLET[i % 2], rng)), rng)
        else:
            text = _fill(templates[rng.randrange(len(templates))], rng)
        out.append({"id": i, "text": text})
    return out
