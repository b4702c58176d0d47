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
from training.fast_tfidf import FastTfidf
from training.labels import LABELS
from training.metrics import decide
from training.text.segments import Segment, scoring_input, segment
from training.text.tokens import tokens_with_offsets

EVIDENCE_WORDS = 5


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
        # The author's own sentences have a cut of their own (see fit._span_thresholds).
        self.span_text_threshold = float(metadata["thresholds"].get("span_text", self.span_threshold))
        order = [list(classifier.classes_).index(i) for i in range(len(LABELS))]
        # Reordered once so that column 0 is always propaganda.
        self._coef = np.ascontiguousarray(classifier.coef_[order].T)
        self._intercept = classifier.intercept_[order]
        self._prop_coef = self._coef[:, 0].copy()
        self._names = features[-1].get_feature_names_out()
        self._index = features[-1].vocabulary_
        fast = FastTfidf.from_pipeline(features)
        # The same rows as the pipeline, several times faster (see fast_tfidf).
        self.transform = fast.transform if fast is not None else features.transform
        # What is alive now (the libraries, this model) lives as long as the
        # process: freezing it spares every full garbage collection a scan of
        # ~120k objects, a fifth of the time of batch scoring. Objects are
        # still freed by reference counting when they go.
        gc.freeze()

    @property
    def version(self) -> str:
        return self.metadata["version"]

    # -- scoring -----------------------------------------------------------
    def _logits(self, X) -> np.ndarray:
        return np.asarray(X @ self._coef) + self._intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in LABELS order."""
        return calibrated(self._logits(self.transform(texts)), self.temperature)

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
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        X = self.transform(texts + flat)
        proba = calibrated(self._logits(X), self.temperature)
        n = len(texts)
        return proba[:n], self._spans(texts, segs, proba[n:, 0], X, n)

    def segment_scores(self, texts: Sequence[str]) -> tuple[list[list[Segment]], list[np.ndarray], Any]:
        """Segments of each text and their propaganda probabilities, in one transform."""
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        if not flat:
            return segs, [np.zeros(0) for _ in texts], None
        X = self.transform(flat)
        p = calibrated(self._logits(X), self.temperature)[:, 0]
        return segs, np.split(p, np.cumsum([len(ss) for ss in segs])[:-1]), X

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Propaganda spans of each text, in document order."""
        texts = list(texts)
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        X = self.transform(flat) if flat else None
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
        tops = self._top_features(X, (hit + row0).tolist())
        for i, j, score, top in zip(owner.tolist(), (hit - first).tolist(), p[hit].tolist(), tops):
            text, seg = texts[i], segs[i][j]
            evidence = self._evidence(text, seg, top)
            result[i].append(Span(seg.start, seg.end, score, seg.kind, text[seg.start : seg.end], evidence))
        return result

    def explain(self, text: str) -> list[Span]:
        return self.spans([text])[0]

    def _top_features(self, X, rows: list[int]) -> list[list[tuple[int, float]]]:
        """For each row, its features with the largest positive coef x tf-idf, largest first."""
        if not rows:
            return []
        rows_a = np.asarray(rows, dtype=np.int64)
        lo, hi = X.indptr[rows_a], X.indptr[rows_a + 1]
        n = hi - lo
        # The stored entries of all those rows, one flat array, sorted by
        # (row, -contribution): one numpy pass instead of one per span.
        owner = np.repeat(np.arange(len(rows)), n)
        pos = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + np.repeat(lo, n)
        fid = X.indices[pos]
        contrib = X.data[pos] * self._prop_coef[fid]
        order = np.lexsort((-contrib, owner))
        rank = np.arange(len(order)) - np.repeat(np.cumsum(n) - n, n)
        keep = order[(rank < EVIDENCE_WORDS) & (contrib[order] > 0)]
        out: list[list[tuple[int, float]]] = [[] for _ in rows]
        for k, f, c in zip(owner[keep].tolist(), fid[keep].tolist(), contrib[keep].tolist()):
            out[k].append((f, c))
        return out

    def _evidence(self, text: str, seg: Segment, top: list[tuple[int, float]]) -> list[dict]:
        """The top features, located in the original text."""
        if not top:
            return []
        toks = tokens_with_offsets(text[seg.start : seg.end], base=seg.start)
        words = [t for t, _, _ in toks]
        out = []
        for fid, weight in top:
            feature = str(self._names[fid])
            loc = _locate(feature.split(" "), words, toks)
            if loc is None:
                continue
            out.append({"feature": feature, "weight": weight, "start": loc[0], "end": loc[1], "text": text[loc[0] : loc[1]]})
        return out


def _locate(parts: list[str], words: list[str], toks: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """Offsets of the first run of `words` equal to `parts`."""
    n, first = len(parts), parts[0]
    i = -1
    while True:
        try:
            i = words.index(first, i + 1)
        except ValueError:
            return None
        if words[i : i + n] == parts:
            return toks[i][1], toks[i + n - 1][2]
