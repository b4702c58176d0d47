"""How far this model family gets on the recall targets when it trains on the real sets themselves.

    .venv/bin/python benchmarks/ceiling.py [--shared ../shared/data] [--seeds seeds] [--folds 4] [--C 2 8 32]

An upper bound for the seeds-only default on the targets of benchmarks/accuracy.py.
Every labelled real record is scored out of fold: the records are cut into
`--folds` folds by author, and each fold is scored by a model trained on the
other folds of every real source (the pro-IS tweets only where they carry the
movement's markers, as in accuracy.py's (b)), with and without the seeds, and
with and without the stormfront sentences annotated noHate as examples of
forum text that is not propaganda. Then, on those out-of-fold scores, the
threshold that keeps every false-positive target and gives the most recall is
chosen on the test data itself: an oracle no deployed model has, so these are
ceilings, not estimates. Recall is also given on the function-audited samples
(benchmarks/audit/): the texts that both annotators read as propaganda.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from training.corpus import read_corpus
from training.evaluate import predict
from training.fit import TrainConfig, fit_plain
from training.realdata import audited, read_audit, sources, stormfront_nohate, text_id

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import FPR_LIMITS, ROOT, lowest_threshold, training_half  # noqa: E402

COLUMNS = {
    "aboutisis (reporting)": "aboutisis",
    "counter-narratives (reporting)": "CN",
    "ptc (reporting)": "ptc rep.",
    "ptc (unrelated)": "ptc unrel.",
    "bbc (unrelated)": "bbc",
    "stormfront hate (propaganda)": "stormfront",
    "stormfront hate (propaganda), by function": "SF by fn",
    "pro-IS tweets with markers": "markers",
    "pro-IS tweets with markers, by function": "mark by fn",
    "pro-IS tweets without markers": "no markers",
}
# What each model trains on besides the other folds of the real sets.
VARIANTS = ("seeds+real", "seeds+real+noHate", "real", "real+noHate")
AUDITS = {"stormfront hate (propaganda)": "stormfront.jsonl", "pro-IS tweets with markers": "markers.jsonl"}


def fold_by_author(records, folds: int):
    out = np.empty(len(records), dtype=np.int64)
    for k, (_, te) in enumerate(GroupKFold(n_splits=folds).split(records, groups=[r.group for r in records])):
        out[te] = k
    return out


def best_point(scores: dict[str, np.ndarray]) -> dict:
    """The lowest threshold at which every false-positive target holds, and what it flags."""
    t = lowest_threshold(scores, FPR_LIMITS)
    return {"threshold": t} if t is None else {"threshold": t, **{n: float((s >= t).mean()) for n, s in scores.items()}}


def out_of_fold(seeds, real: dict, nohate, folds: int, C: float) -> dict[str, np.ndarray]:
    """name -> each record's out-of-fold propaganda score."""
    everything = [r for _, recs in real.values() for r in recs] + nohate
    fold = fold_by_author(everything, folds)
    where, start = {}, 0
    for name, (_, recs) in real.items():
        where[name] = slice(start, start + len(recs))
        start += len(recs)
    scores = np.zeros(len(everything))
    for k in range(folds):
        train = list(seeds)
        for name, (_, recs) in real.items():
            train += training_half(name, [r for r, f in zip(recs, fold[where[name]]) if f != k])
        train += [r for r, f in zip(nohate, fold[start:]) if f != k]
        model = fit_plain(train, TrainConfig(C=C))
        held = np.flatnonzero(fold[:start] == k)
        scores[held] = predict(model, [everything[i].text for i in held])[:, 0]
        print(f"  fold {k + 1}/{folds}: trained on {len(train)} documents", file=sys.stderr)
    return {name: scores[sl] for name, sl in where.items()}


def audited_recall(real: dict, scores: dict[str, np.ndarray], threshold: float) -> dict[str, float]:
    out = {}
    for name, file in AUDITS.items():
        audit = read_audit(ROOT / "benchmarks" / "audit" / file)
        recs = real[name][1]
        keep = {text_id(r.text) for r in audited(recs, audit, "propaganda")}
        sel = np.array([text_id(r.text) in keep for r in recs])
        out[f"{name}, by function"] = float((scores[name][sel] >= threshold).mean())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--C", type=float, nargs="+", default=[2.0, 8.0, 32.0])
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    args = ap.parse_args()

    real = sources(args.shared)
    seeds = read_corpus([args.seeds]).records
    rows = {}
    for variant in args.variants:
        with_seeds, with_nohate = variant.startswith("seeds"), variant.endswith("noHate")
        for C in args.C:
            label = f"{variant}, C={C:g}"
            print(f"{label} ...", file=sys.stderr)
            t0 = time.perf_counter()
            nohate = stormfront_nohate(args.shared) if with_nohate else []
            scores = out_of_fold(seeds if with_seeds else [], real, nohate, args.folds, C)
            point = best_point(scores)
            if point["threshold"] is not None:
                point.update(audited_recall(real, scores, point["threshold"]))
            rows[label] = point
            print(f"  {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(f"\nOut-of-fold ({args.folds} folds by author), each model at the threshold, chosen on these scores, "
          "where every false-positive target holds ('by function': the audited texts both annotators read as propaganda):")
    print(f"{'trained on':34s} {'threshold':>9s} " + " ".join(f"{h:>10s}" for h in COLUMNS.values()))
    for label, p in rows.items():
        print(f"{label:34s} {_cell(p['threshold']):>9s} " + " ".join(f"{_cell(p.get(n)):>10s}" for n in COLUMNS))


def _cell(v) -> str:
    return "-" if v is None else f"{v:.3f}"


if __name__ == "__main__":
    main()
