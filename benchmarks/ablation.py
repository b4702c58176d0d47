"""Do the design choices help? Seeds-only models with and without each one, on real data.

    .venv/bin/python benchmarks/ablation.py [--shared ../shared] [--seeds seeds]

Prints, per variant: held-out seed metrics, the propaganda rate on each real
source (FPR on reporting/unrelated sources, recall on propaganda sources) and
character-level span precision/recall on the seed article.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from training.corpus import read_corpus
from training.fit import TrainConfig, train
from training.metrics import span_metrics
from training.realdata import SEED_ARTICLE_GOLD, rate, read_seed_article, sources

VARIANTS = {
    "default": {},
    "no quote namespace": {"quote_namespace": False},
    "no segment examples": {"augment_segments": False},
    "unigrams only": {"ngram_max": 1},
    "no char n-grams": {"char_ngrams": None},
    "function words count": {"function_words": True},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--seeds", type=Path, default=Path("seeds"))
    args = ap.parse_args()
    corpus = read_corpus([args.seeds])
    srcs = sources(args.shared / "data")
    article = read_seed_article(args.shared / "seeds")
    short = {name: name.split(" (")[0][:18] for name in srcs}
    print(f"{'variant':22s} {'held-out F1(prop)':>17s} {'span F1':>7s} " + " ".join(f"{s:>18s}" for s in short.values()) + "  article P/R")
    for name, kw in VARIANTS.items():
        m = train(corpus, TrainConfig(**kw))
        held = m.metadata["metrics"]["held_out"]
        spans = m.score([article])[0]["spans"]
        art = span_metrics([(SEED_ARTICLE_GOLD, [(s["start"], s["end"]) for s in spans])])
        rates = " ".join(f"{rate(m, recs):18.3f}" for _, recs in srcs.values())
        print(
            f"{name:22s} {held['per_class']['propaganda']['f1']:17.3f} {held.get('spans', {}).get('f1', 0):7.3f} "
            f"{rates}  {art['precision']:.2f}/{art['recall']:.2f}"
        )


if __name__ == "__main__":
    main()
