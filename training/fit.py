"""Fit a model from a corpus: split, vectorise, calibrate, pick thresholds, measure."""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, GroupShuffleSplit
from sklearn.pipeline import FeatureUnion, Pipeline

import training
from training.calibration import calibrated, fit_temperature
from training.corpus import Corpus, Record
from training.crossval import cores, fit_from, fold_count, warm_final
from training.fast_tfidf import FastTfidf
from training.features import AuthorCharGrams, VoiceTokenizer, describe, mute_function_words, vectorizers
from training.labels import LABELS, PROPAGANDA, REPORTING
from training.decision import choose
from training.metrics import document_metrics, span_metrics
from training.model import Model
from training.span_cuts import span_thresholds
from training.text.segments import Segment, scoring_input, segment
from training.vocabulary import fit_transform

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    test_size: float = 0.2
    folds: int = 5
    seed: int = 13
    C: float = 8.0
    ngram_max: int = 2
    min_df: int = 2
    max_features: int | None = 200_000
    quote_namespace: bool = True
    # Character n-grams of the author's own words, a second tf-idf block beside
    # the words (each block l2-normalised on its own); None: words only.
    char_ngrams: tuple[int, int] | None = (3, 5)
    char_min_df: int = 3
    char_max_features: int | None = 200_000
    # Whether function words ("the", "they", "all", "should"...) count on their
    # own, as words and character grams (see features.FUNCTION_WORDS).
    function_words: bool = False
    # Gold span passages (and the other quotes of their documents) become
    # training examples of their own: spans are scored segment by segment.
    augment_segments: bool = True
    # The decision threshold flags at most this share of out-of-fold
    # non-propaganda documents (see training/decision.py for why a rate, not a
    # precision); None: the most recall at `target_precision` instead.
    target_fpr: float | None = 0.005
    target_precision: float = 0.95


def _features(cfg: TrainConfig) -> Pipeline:
    words = TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=(1, cfg.ngram_max),
        min_df=cfg.min_df,
        max_features=cfg.max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    voice = VoiceTokenizer(quote_namespace=cfg.quote_namespace)
    if cfg.char_ngrams is None:
        return Pipeline([("voice", voice), ("tfidf", words)])
    chars = TfidfVectorizer(
        analyzer=AuthorCharGrams(*cfg.char_ngrams, skip_function_words=not cfg.function_words),
        lowercase=False,
        min_df=cfg.char_min_df,
        max_features=cfg.char_max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    return Pipeline([("voice", voice), ("tfidf", FeatureUnion([("words", words), ("chars", chars)]))])


def _classifier(cfg: TrainConfig) -> LogisticRegression:
    return LogisticRegression(C=cfg.C, class_weight="balanced", max_iter=2000)


def _overlaps(seg_start: int, seg_end: int, spans) -> bool:
    return any(s < seg_end and seg_start < e for s, e in spans)


def segment_examples(records: list[Record]) -> list[tuple[object, str, str]]:
    """(text, label, group) for the segments of documents that carry gold spans."""
    out = []
    for r in records:
        if not r.spans:
            continue
        segs = segment(r.text)
        for s, e in r.spans:
            # Scored as the segmenter would present it: as a quote with its attribution.
            seg = next((g for g in segs if g.start <= s and e <= g.end and g.kind == "quote"), None)
            item = scoring_input(r.text, Segment(s, e, "quote")) if seg else r.text[s:e]
            out.append((item, PROPAGANDA, r.group))
        # The rest of such a document is reporting voice: the officials' quotes
        # and the attributions ("read the pamphlet") around the propaganda.
        for seg in segs:
            if not _overlaps(seg.start, seg.end, r.spans):
                out.append((scoring_input(r.text, seg), REPORTING, r.group))
    return out


def examples(records: list[Record], cfg: TrainConfig) -> tuple[list, np.ndarray, np.ndarray]:
    """Training texts, label indices and groups: the documents first, then their span segments."""
    extra = segment_examples(records) if cfg.augment_segments else []
    texts = [r.text for r in records] + [t for t, _, _ in extra]
    y = np.array([LABELS.index(r.label) for r in records] + [LABELS.index(lab) for _, lab, _ in extra])
    groups = np.array([r.group for r in records] + [g for _, _, g in extra])
    return texts, y, groups


def vectorise(texts: list, cfg: TrainConfig):
    """The fitted feature pipeline and the training matrix it gives `texts`."""
    features = _features(cfg)
    X = fit_transform(features, texts)  # = features.fit_transform(texts), faster
    for _, vec, _ in vectorizers(features):
        # numpy ints would each become a file in the skops zip (minutes to save);
        # plain ints are stored inline.
        vec.vocabulary_ = {term: int(i) for term, i in vec.vocabulary_.items()}
        # The terms cut by min_df/max_features are only kept for introspection
        # and would triple the artifact.
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_
    if not cfg.function_words:
        X = mute_function_words(features, X)
    return features, X


def fit_plain(records: list[Record], cfg: TrainConfig = TrainConfig()) -> Model:
    """The model `train` would fit on all of `records`, without cross-validation,
    calibration or thresholds (temperature 1, cuts at 0.5): for experiments that
    choose their own operating point."""
    texts, y, _ = examples(records, cfg)
    features, X = vectorise(texts, cfg)
    classifier = _classifier(cfg).fit(X, y)
    return Model(features, classifier, {"temperature": 1.0, "thresholds": {"decision": 0.5, "span": 0.5}})


def split(records: list[Record], cfg: TrainConfig) -> tuple[list[Record], list[Record]]:
    if cfg.test_size <= 0:
        return records, []
    groups = [r.group for r in records]
    gss = GroupShuffleSplit(n_splits=1, test_size=cfg.test_size, random_state=cfg.seed)
    tr, te = next(gss.split(records, groups=groups))
    return [records[i] for i in tr], [records[i] for i in te]


def train(
    corpus: Corpus, cfg: TrainConfig = TrainConfig(), progress: Progress = lambda s: None, jobs: int | None = None
) -> Model:
    """Fit a model; `jobs` threads share the classifier fits (default: every core), with the same result."""
    started = time.perf_counter()
    train_recs, test_recs = split(corpus.records, cfg)
    progress(f"split: {len(train_recs)} train / {len(test_recs)} held-out documents")

    texts, y, groups = examples(train_recs, cfg)
    n_docs = len(train_recs)

    progress(f"vectorising {len(texts)} examples ({len(texts) - n_docs} from span segments)")
    features, X = vectorise(texts, cfg)
    fast = FastTfidf.from_pipeline(features)
    transform = fast.transform if fast is not None else features.transform

    # Out-of-fold logits give the calibration and the thresholds data the final
    # model has not memorised; twins and authors stay within one fold.
    oof = np.zeros((len(texts), len(LABELS)))
    # Only documents with gold spans are fully annotated for spans: elsewhere a
    # quoted slogan may be propaganda that nobody marked.
    span_docs = [i for i, r in enumerate(train_recs) if r.spans]
    seg_scores: dict[int, tuple[list, np.ndarray]] = {}
    folds = fold_count(n_docs, cfg.folds, len(set(groups)))

    def fold(tr: np.ndarray, va: np.ndarray):
        clf = _classifier(cfg).fit(X[tr], y[tr])
        va_set = set(va.tolist())
        segs_out = []
        for i in (i for i in span_docs if i in va_set):
            segs = segment(train_recs[i].text)
            if segs:
                Xs = transform([scoring_input(train_recs[i].text, s) for s in segs])
                segs_out.append((i, [(s.start, s.end, s.kind) for s in segs], _ordered_logits(clf, Xs)))
        return _ordered_logits(clf, X[va]), segs_out, clf

    # The folds and the final classifier are independent fits, and sparse
    # products release the GIL: they share the cores. Each fit is the one a
    # sequential run would make, and results are gathered in fold order.
    warm = warm_final(n_docs)
    workers = max(1, min(jobs or cores(), folds + (not warm)))
    progress(f"fitting {folds} cross-validation folds and the final classifier, {workers} at a time")
    fitted = []
    with ThreadPoolExecutor(workers) as pool:
        final = None if warm else pool.submit(lambda: _classifier(cfg).fit(X, y))
        splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
        running = [pool.submit(fold, tr, va) for tr, va in splits]
        for k, ((_, va), job) in enumerate(zip(splits, running)):
            oof[va], segs_out, clf = job.result()
            fitted.append(clf)
            for i, spans, logits in segs_out:
                seg_scores[i] = spans, logits
            progress(f"cross-validation fold {k + 1}/{folds} done")
        classifier = final.result() if final is not None else fit_from(_classifier(cfg), fitted, X, y)

    temperature = fit_temperature(oof[:n_docs], y[:n_docs])
    p_doc = calibrated(oof[:n_docs], temperature)
    cuts = choose((y[:n_docs] == 0).astype(int), p_doc[:, 0], cfg.target_fpr, cfg.target_precision)
    pairs = []
    for i, (segs, logits) in seg_scores.items():
        probs = calibrated(logits, temperature)[:, 0]
        pairs.append((list(train_recs[i].spans), [(s, e, float(p), k) for (s, e, k), p in zip(segs, probs)]))
    span_t = span_thresholds(pairs) if pairs else {"quote": 0.5, "text": 0.5}

    meta = {
        "version": _version(corpus, cfg),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "labels": list(LABELS),
        "config": asdict(cfg),
        "versions": _library_versions(),
        "data": corpus.files,
        "counts": corpus.counts(),
        "skipped": corpus.skipped,
        "train_documents": n_docs,
        "train_examples": len(texts),
        "cv_folds": folds,
        "test_documents": len(test_recs),
        "vocabulary_size": int(X.shape[1]),
        "features": describe(features),
        "temperature": temperature,
        "thresholds": {
            **cuts,
            "span": span_t["quote"],
            "span_text": span_t["text"],
            "chosen_on": "out-of-fold predictions on the training split",
        },
    }
    model = Model(features, classifier, meta)
    progress("measuring on the held-out split")
    meta["metrics"] = {
        "held_out": heldout_metrics(model, test_recs) if test_recs else None,
        "out_of_fold": document_metrics(y[:n_docs], p_doc, cuts["decision"]),
    }
    meta["train_seconds"] = round(time.perf_counter() - started, 3)
    return model


def _ordered_logits(clf: LogisticRegression, X) -> np.ndarray:
    order = [list(clf.classes_).index(i) for i in range(len(LABELS))]
    return clf.decision_function(X)[:, order]


def heldout_metrics(model: Model, records: list[Record]) -> dict:
    texts = [r.text for r in records]
    y = np.array([LABELS.index(r.label) for r in records])
    out = document_metrics(y, model.predict_proba(texts), model.threshold)
    gold = [r for r in records if r.spans]
    if gold:
        predicted = model.spans([r.text for r in gold])
        out["spans"] = span_metrics((r.spans, [(s.start, s.end) for s in ps]) for r, ps in zip(gold, predicted))
    return out


def _library_versions() -> dict[str, str]:
    return {
        "modlens": training.__version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def _version(corpus: Corpus, cfg: TrainConfig) -> str:
    """Content-derived: the same data, settings and libraries give the same version."""
    key = json.dumps(
        {"data": [f["sha256"] for f in corpus.files], "config": asdict(cfg), "versions": _library_versions()},
        sort_keys=True,
    )
    return "m-" + hashlib.sha256(key.encode()).hexdigest()[:12]
