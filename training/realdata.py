"""The public datasets in ../shared/data, read from a path (never copied into the repo).

They serve experiments and benchmarks only: the default model never trains on
them. Each evaluation set measures one thing: a false-positive rate on a source
of reporting or unrelated text, or recall on a source of propaganda.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import GroupShuffleSplit

from training.corpus import Record
from training.evaluate import predict
from training.markers import has_is_marker


@dataclass(frozen=True)
class EvalSet:
    name: str
    measure: str  # "fpr" or "recall"
    records: list[Record]


def _read(path: Path, keep=lambda r: True, label=None) -> list[Record]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if not keep(r):
                continue
            out.append(
                Record(
                    text=r["text"],
                    label=label or r["label"],
                    id=r["id"],
                    source=path.stem,
                    group=f"{path.stem}/{r.get('group') or r['id']}",
                )
            )
    return out


def sources(shared: Path) -> dict[str, tuple[str, list[Record]]]:
    """name -> (measure, labelled records) for every labelled source."""
    d = Path(shared)
    fan = d / "isis_fanboy_tweets.jsonl"
    return {
        "aboutisis (reporting)": ("fpr", _read(d / "aboutisis_tweets.jsonl")),
        "counter-narratives (reporting)": ("fpr", _read(d / "conan_counter_narratives.jsonl")),
        "ptc (reporting)": ("fpr", _read(d / "ptc_news_articles.jsonl", lambda r: r["label"] == "reporting")),
        "ptc (unrelated)": ("fpr", _read(d / "ptc_news_articles.jsonl", lambda r: r["label"] == "unrelated")),
        "bbc (unrelated)": ("fpr", _read(d / "bbc_news.jsonl")),
        "stormfront hate (propaganda)": ("recall", _read(d / "stormfront_train.jsonl", lambda r: r["label"] == "propaganda")),
        "pro-IS tweets with markers": ("recall", _read(fan, lambda r: has_is_marker(r["text"]))),
        "pro-IS tweets without markers": ("recall", _read(fan, lambda r: not has_is_marker(r["text"]))),
    }


def stormfront_nohate(shared: Path) -> list[Record]:
    """The stormfront sentences annotated noHate, as not propaganda: forum text, not clean negatives
    (the data README), for experiments that ask whether the forum's own plain talk helps."""
    keep = lambda r: r["label"] == "unknown" and r.get("meta", {}).get("hate_label") == "noHate"  # noqa: E731
    return _read(Path(shared) / "stormfront_train.jsonl", keep, label="unrelated")


def split_half(records: list[Record], seed: int = 0) -> tuple[list[Record], list[Record]]:
    """Train/test halves split by author (group), so no author is on both sides."""
    if len(records) < 2:
        return records, []
    gss = GroupShuffleSplit(n_splits=1, test_size=0.5, random_state=seed)
    tr, te = next(gss.split(records, groups=[r.group for r in records]))
    return [records[i] for i in tr], [records[i] for i in te]


def text_id(text: str) -> str:
    """A short stable id for a third-party text: audits store this, never the text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


FUNCTIONS = ("propaganda", "reporting", "unrelated", "unclear")


def read_audit(path: Path) -> dict[str, list[str]]:
    """text id -> the function each annotator gave it (one column per annotator)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            row = json.loads(line)
            labels = [row[k] for k in sorted(row) if k != "id"]
            if not labels or any(v not in FUNCTIONS for v in labels):
                raise ValueError(f"{path}:{n}: each annotator column must be one of {', '.join(FUNCTIONS)}")
            out[row["id"]] = labels
    return out


def audited(records: list[Record], audit: dict[str, list[str]], function: str) -> list[Record]:
    """The audited records every annotator gave `function`."""
    return [r for r in records if all(v == function for v in audit.get(text_id(r.text), ["-"]))]


def rate(model, records: list[Record]) -> float:
    """Share of `records` the model labels propaganda (FPR or recall, by the set)."""
    if not records:
        return float("nan")
    return float((predict(model, [r.text for r in records])[:, 0] >= model.threshold).mean())


# The founding example, ../shared/seeds/000_109bbd639d193593.txt: character
# offsets of the IS leaflet/pamphlet quotes and the two short quoted IS phrases
# (gold spans), and of the sheikh's and the analyst's quotes (not propaganda).
SEED_ARTICLE = "000_109bbd639d193593.txt"
SEED_ARTICLE_SHA256 = "985c591b375cee44ea8a886bf783771805ee3e6e24ef0fc556a42b28e803b81b"
SEED_ARTICLE_GOLD = [(2248, 2325), (2370, 2611), (2658, 2686), (2710, 2739), (2809, 2866), (2889, 3023)]
SEED_ARTICLE_OTHER_QUOTES = [(833, 967), (989, 1231), (1392, 1515), (1557, 1762)]


def read_seed_article(shared_seeds: Path) -> str:
    text = (Path(shared_seeds) / SEED_ARTICLE).read_text(encoding="utf-8")
    if hashlib.sha256(text.encode()).hexdigest() != SEED_ARTICLE_SHA256:
        raise ValueError("the seed article changed; its gold offsets no longer apply")
    return text
