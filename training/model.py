"""The model: one object that loads, scores and explains, described by its metadata."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from training.calibration import calibrated
from training.evidence import Vocabulary, evidence
from training.fast_tfidf import FastTfidf, matvecs
from training.features import vectorizers
from training.labels import LABELS
from training.metrics import decide
from training.text.quotes import find_quotes
from training.text.segments import Segment, scoring_input, segment


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    score: float
    kind: str
    text: str
    evidence: list[dict]

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "kind": self.kind,
            "text": self.text,
            "evidence": self.evidence,
        }


class Model:
    """A fitted feature pipeline and linear classifier, plus calibration and thresholds.

    `metadata` holds everything needed to describe the model: versions, data
    hashes, metrics, the temperature and both thresholds.
    """

    def __init__(self, features: Pipeline, classifier: LogisticRegression, metadata: dict[str, Any]):
        self.features = features
        self.classifier = classifier
        self.metadata = metadata
        self.temperature = float(metadata["temperature"])
        self.threshold = float(metadata["thresholds"]["decision"])
        self.span_threshold = float(metadata["thresholds"]["span"])
        # The author's own sentences have a cut of their own (see span_cuts.span_thresholds).
        self.span_text_threshold = float(metadata["thresholds"].get("span_text", self.span_threshold))
        order = [list(classifier.classes_).index(i) for i in range(len(LABELS))]
        # Reordered once so that column 0 is always propaganda.
        self._coef = np.ascontiguousarray(classifier.coef_[order].T)
        self._intercept = classifier.intercept_[order]
        self._prop_coef = self._coef[:, 0].copy()
        blocks = vectorizers(features)
        # Names without the FeatureUnion's block prefixes: word features read as
        # words; character grams are handed to the words they occur in.
        self._names = np.concatenate([vec.get_feature_names_out() for _, vec, _ in blocks])
        self._index = blocks[0][1].vocabulary_  # word features: term -> column
        chars = blocks[1] if len(blocks) > 1 else (None, None, 0)
        self._vocab = Vocabulary(self._names, self._index, chars[1], chars[2])
        self._qn = features[0].quote_namespace
        fast = FastTfidf.from_pipeline(features)
        # The same rows as the pipeline, several times faster (see fast_tfidf).
        self.transform = fast.transform if fast is not None else features.transform
        self._rows = fast.blocks if fast is not None else lambda items: [(features.transform(items), 0, None)]
        # The same rows for documents and their segments, each document tokenised once.
        self._document_rows = fast.document_blocks if fast is not None else None
        # What is alive now (the libraries, this model) lives as long as the
        # process: freezing it spares every full garbage collection a scan of
        # ~120k objects, a fifth of the time of batch scoring. Objects are
        # still freed by reference counting when they go.
        gc.freeze()

    @property
    def version(self) -> str:
        return self.metadata["version"]

    # -- scoring -----------------------------------------------------------
    def _logits(self, blocks) -> np.ndarray:
        """Logits from `_rows` blocks: (rows, first column, row scale or None) each."""
        out = None
        for X, offset, scale in blocks:
            part = matvecs(X, self._coef[offset : offset + X.shape[1]])
            if scale is not None:
                part *= scale[:, None]
            out = part if out is None else out + part
        return out + self._intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in LABELS order."""
        return calibrated(self._logits(self._rows(texts)), self.temperature)

    def score(self, texts: Sequence[str], spans: bool = True) -> list[dict]:
        """Score documents: label, calibrated scores and (optionally) propaganda spans."""
        texts = list(texts)
        if spans:
            proba, all_spans = self._documents_and_spans(texts)
        else:
            proba, all_spans = self.predict_proba(texts), [[] for _ in texts]
        labels = decide(proba, self.threshold).tolist()
        out = []
        for p, label, text_spans in zip(proba.tolist(), labels, all_spans):
            out.append(
                {
                    "label": LABELS[label],
                    "propaganda_score": p[0],
                    "scores": dict(zip(LABELS, p)),
                    "spans": [s.as_dict() for s in text_spans],
                }
            )
        return out

    # -- spans -------------------------------------------------------------
    def _documents_and_spans(self, texts: list[str]) -> tuple[np.ndarray, list[list[Span]]]:
        """Documents and all their segments in one transform: one pass of fixed costs, not two."""
        quotes = [find_quotes(t) for t in texts]
        segs = [segment(t, q) for t, q in zip(texts, quotes)]
        if self._document_rows is not None:
            X = self._document_rows(texts, quotes, segs)
        else:
            X = self._rows(texts + [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss])
        proba = calibrated(self._logits(X), self.temperature)
        n = len(texts)
        return proba[:n], self._spans(texts, segs, proba[n:, 0], X, n)

    def segment_scores(self, texts: Sequence[str]) -> tuple[list[list[Segment]], list[np.ndarray], Any]:
        """Segments of each text and their propaganda probabilities, in one transform (and its row blocks)."""
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        if not flat:
            return segs, [np.zeros(0) for _ in texts], None
        X = self._rows(flat)
        p = calibrated(self._logits(X), self.temperature)[:, 0]
        return segs, np.split(p, np.cumsum([len(ss) for ss in segs])[:-1]), X

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Propaganda spans of each text, in document order."""
        texts = list(texts)
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        X = self._rows(flat) if flat else None
        p = calibrated(self._logits(X), self.temperature)[:, 0] if flat else np.zeros(0)
        return self._spans(texts, segs, p, X, 0)

    def _spans(self, texts: list[str], segs: list[list[Segment]], p: np.ndarray, X, row0: int) -> list[list[Span]]:
        """Spans from segment probabilities `p` (all texts' segments in order; rows of X from row0)."""
        result: list[list[Span]] = [[] for _ in texts]
        # Quotes and the author's own sentences have cuts of their own.
        is_quote = np.fromiter((s.kind == "quote" for ss in segs for s in ss), dtype=bool, count=len(p))
        hit = np.flatnonzero(p >= np.where(is_quote, self.span_threshold, self.span_text_threshold))
        if not len(hit):
            return result
        # Which text and which of its segments each hit is.
        ends = np.cumsum([len(ss) for ss in segs])
        owner = np.searchsorted(ends, hit, side="right")
        first = ends[owner] - np.array([len(segs[i]) for i in owner.tolist()])
        where = [(texts[i], segs[i][j]) for i, j in zip(owner.tolist(), (hit - first).tolist())]
        found = evidence(X, (hit + row0).tolist(), where, self._vocab, self._prop_coef, self._qn)
        for i, (text, seg), score, ev in zip(owner.tolist(), where, p[hit].tolist(), found):
            result[i].append(Span(seg.start, seg.end, score, seg.kind, text[seg.start : seg.end], ev))
        return result

    def explain(self, text: str) -> list[Span]:
        return self.spans([text])[0]
