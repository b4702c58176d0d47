"""Seeds-only model vs a naive model trained on the real sources, on held-out real data.

    .venv/bin/python benchmarks/seeds_vs_naive.py [--shared ../shared/data] [--seeds seeds]

Every real source is split in halves by author. The naive model trains on one
half of all of them (labels as the data README maps them); both models are
measured on the other half, at their own thresholds and at equal false-positive
rates. The seeds-only model never sees real data. Both are
also measured on the function-audited samples (benchmarks/audit/): what each
flags of the texts that are, read alone, propaganda, reporting or neither, and
what each flags of the marker tweets that are propaganda by function when both
are held to the same share of the audited news relays (and every false-positive
target): the naive model's marker recall is partly the accounts' relays.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training.corpus import Corpus, read_corpus
from training.evaluate import predict
from training.fit import TrainConfig, train
from training.realdata import audited, rate, read_audit, sources, split_half

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import FPR_LIMITS, ROOT, equal_fpr, function_audit, lowest_threshold, print_audit, print_equal_fpr  # noqa: E402

MARKERS = "pro-IS tweets with markers"
RELAY_RATES = (0.05, 0.1, 0.25, 0.5)


def at_relay_rate(model, test: dict) -> dict[float, dict]:
    """For each relay rate r: at the lowest threshold where the model flags at most r of the audited
    marker tweets that are news relays (reporting by function) and every false-positive target holds,
    the share it flags of those that are propaganda by function, and of the whole marker set."""
    audit = read_audit(ROOT / "benchmarks" / "audit" / "markers.jsonl")
    recs = test[MARKERS][1]
    groups = {f: predict(model, [r.text for r in audited(recs, audit, f)])[:, 0] for f in ("propaganda", "reporting")}
    every = predict(model, [r.text for r in recs])[:, 0]
    scores = {n: predict(model, [r.text for r in test[n][1]])[:, 0] for n in FPR_LIMITS}
    scores["relays"] = groups["reporting"]
    out = {}
    for r in RELAY_RATES:
        t = lowest_threshold(scores, {**FPR_LIMITS, "relays": r})
        if t is not None:
            out[r] = {"threshold": t, "relays": float((groups["reporting"] >= t).mean()),
                      "propaganda by function": float((groups["propaganda"] >= t).mean()),
                      "marker recall": float((every >= t).mean())}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--seeds", type=Path, default=Path("seeds"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    srcs = sources(args.shared)
    train_real, test = [], {}
    for name, (measure, recs) in srcs.items():
        tr, te = split_half(recs)
        train_real += tr
        test[name] = (measure, te)

    seeds_model = train(read_corpus([args.seeds]))
    naive = train(Corpus(records=train_real, files=[{"path": str(args.shared), "sha256": "", "records": len(train_real), "skipped": {}}]), TrainConfig())
    rows = {}
    print(f"{'held-out set':34s} {'measure':8s} {'n':>6s} {'seeds-only':>11s} {'naive mix':>10s}")
    for name, (measure, te) in test.items():
        a, b = rate(seeds_model, te), rate(naive, te)
        rows[name] = {"measure": measure, "n": len(te), "seeds_only": a, "naive_mix": b}
        print(f"{name:34s} {measure:8s} {len(te):6d} {a:11.3f} {b:10.3f}")
    rows["at equal false-positive rates"] = equal = {"seeds-only": equal_fpr(seeds_model, test), "naive mix": equal_fpr(naive, test)}
    print_equal_fpr(equal)
    for label, model in (("seeds-only", seeds_model), ("naive mix", naive)):
        print(f"\n{label}:", end="")
        rows[f"function audit, {label}"] = audit = function_audit(model, test)
        print_audit(audit)
    print("\nMarker tweets, each model at the lowest threshold where it flags at most this share of the audited "
          "news relays (and every FPR target holds):")
    print(f"{'relays at most':>15s} {'model':>12s} {'threshold':>10s} {'relays':>8s} {'propaganda by function':>23s} {'marker recall':>14s}")
    for label, model in (("seeds-only", seeds_model), ("naive mix", naive)):
        rows[f"at equal relay rates, {label}"] = matched = at_relay_rate(model, test)
        for r, p in matched.items():
            print(f"{r:15.2f} {label:>12s} {p['threshold']:10.4f} {p['relays']:8.3f} {p['propaganda by function']:23.3f} {p['marker recall']:14.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
