"""What real text from a source would buy the seeds-only model on that source.

    .venv/bin/python benchmarks/learning_curve.py [--shared ../shared/data] [--seeds seeds] [--n 100 300 1000]

For each recall set of accuracy.py (and the counter-narratives, whose false
positives bind the threshold), and each N, a model is trained in process as
`modlens train --data seeds --data extra.jsonl` would train it: the seeds plus N
random texts of that source's training half (the pro-IS tweets only where they
carry markers, labelled as the data README maps them). Every model is measured
on the held-out halves: at its own threshold, at equal false-positive rates
(accuracy.py), and on the function-audited samples (benchmarks/audit/). So it
says whether the seeds-only model's gap on a source is one of register that a
corpus could teach, and what else the real text teaches: the pro-IS tweets are
labelled by account, and a model that learns them also learns to flag the
accounts' news relays.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from training.corpus import Corpus, read_corpus
from training.fit import train
from training.realdata import rate, sources, split_half

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import ROOT, equal_fpr, function_audit, training_half  # noqa: E402

MARKERS, STORMFRONT, CN = "pro-IS tweets with markers", "stormfront hate (propaganda)", "counter-narratives (reporting)"
COLUMNS = ("own thr", "SF", "markers", "CN FPR", "equal thr", "SF eq.", "mark. eq.",
           "SF by fn", "mark by fn", "relays", "chit-chat")


def figures(model, test: dict) -> list:
    equal = equal_fpr(model, test)
    audit = function_audit(model, test)
    return [
        model.threshold,
        rate(model, test[STORMFRONT][1]),
        rate(model, test[MARKERS][1]),
        rate(model, test[CN][1]),
        equal["threshold"],
        equal.get(STORMFRONT),
        equal.get(MARKERS),
        audit[STORMFRONT]["propaganda"]["flagged"],
        audit[MARKERS]["propaganda"]["flagged"],
        audit[MARKERS]["reporting"]["flagged"],
        audit[MARKERS]["unrelated"]["flagged"],
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--n", type=int, nargs="+", default=[100, 300, 1000])
    args = ap.parse_args()

    seeds = read_corpus([args.seeds])
    srcs = sources(args.shared)
    halves = {name: split_half(recs) for name, (_, recs) in srcs.items()}
    test = {name: (measure, halves[name][1]) for name, (measure, _) in srcs.items()}
    rows = {}
    print("training on the seeds alone ...", file=sys.stderr)
    rows["seeds only"] = figures(train(seeds), test)
    for name in (MARKERS, STORMFRONT, CN):
        pool = training_half(name, halves[name][0])
        random.Random(5).shuffle(pool)
        for n in args.n:
            if n > len(pool):
                continue
            print(f"training on the seeds + {n} of {name} ...", file=sys.stderr)
            extra = pool[:n]
            files = seeds.files + [{"path": f"{name} (training half)", "sha256": "", "records": n, "skipped": {}}]
            rows[f"+ {n} {name.split(' (')[0]}"] = figures(train(Corpus(seeds.records + extra, files)), test)
    print("\nEach model at its own threshold, at equal false-positive rates (every FPR target held), and on the "
          "audited samples ('by fn': share flagged of the texts both annotators read as propaganda; relays and "
          "chit-chat: of the marker tweets read as reporting and as unrelated):")
    print(f"{'trained on':44s} " + " ".join(f"{c:>10s}" for c in COLUMNS))
    for label, vals in rows.items():
        print(f"{label:44s} " + " ".join(f"{'-' if v is None else f'{v:.3f}':>10s}" for v in vals))


if __name__ == "__main__":
    main()
