"""Seeds-only model vs a naive model trained on the real sources, on held-out real data.

    .venv/bin/python benchmarks/seeds_vs_naive.py [--shared ../shared/data] [--seeds seeds]

Every real source is split in halves by author. The naive model trains on one
half of all of them (labels as the data README maps them); both models are
measured on the other half, at their own thresholds and at equal false-positive
rates. The seeds-only model never sees real data. Both are
also measured on the function-audited samples (benchmarks/audit/): what each
flags of the texts that are, read alone, propaganda, reporting or neither.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training.corpus import Corpus, read_corpus
from training.fit import TrainConfig, train
from training.realdata import rate, sources, split_half

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import equal_fpr, function_audit, print_audit, print_equal_fpr  # noqa: E402


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
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
