"""The model: one object that loads, scores and explains, described by its metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from training.calibration import calibrated
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

    @property
    def version(self) -> str:
        return self.metadata["version"]

    # -- scoring -----------------------------------------------------------
    def _logits(self, X) -> np.ndarray:
        return np.asarray(X @ self._coef) + self._intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in LABELS order."""
        return calibrated(self._logits(self.features.transform(texts)), self.temperature)

    def score(self, texts: Sequence[str], spans: bool = True) -> list[dict]:
        """Score documents: label, calibrated scores and (optionally) propaganda spans."""
        proba = self.predict_proba(texts)
        labels = decide(proba, self.threshold)
        all_spans = self.spans(texts) if spans else [[] for _ in texts]
        out = []
        for i, text_spans in enumerate(all_spans):
            p = proba[i]
            out.append(
                {
                    "label": LABELS[labels[i]],
                    "propaganda_score": float(p[0]),
                    "scores": {lab: float(p[j]) for j, lab in enumerate(LABELS)},
                    "spans": [s.as_dict() for s in text_spans],
                }
            )
        return out

    # -- spans -------------------------------------------------------------
    def segment_scores(self, texts: Sequence[str]) -> tuple[list[list[Segment]], list[np.ndarray], Any]:
        """Segments of each text and their propaganda probabilities, in one transform."""
        segs = [segment(t) for t in texts]
        flat = [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]
        if not flat:
            return segs, [np.zeros(0) for _ in texts], None
        X = self.features.transform(flat)
        p = calibrated(self._logits(X), self.temperature)[:, 0]
        out, k = [], 0
        for ss in segs:
            out.append(p[k : k + len(ss)])
            k += len(ss)
        return segs, out, X

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Propaganda spans of each text, in document order."""
        segs, probs, X = self.segment_scores(texts)
        result, row = [], 0
        for text, ss, ps in zip(texts, segs, probs):
            found = []
            for j, (seg, p) in enumerate(zip(ss, ps)):
                if p >= (self.span_threshold if seg.kind == "quote" else self.span_text_threshold):
                    evidence = self._evidence(text, seg, X[row + j])
                    found.append(Span(seg.start, seg.end, float(p), seg.kind, text[seg.start : seg.end], evidence))
            row += len(ss)
            result.append(found)
        return result

    def explain(self, text: str) -> list[Span]:
        return self.spans([text])[0]

    def _evidence(self, text: str, seg: Segment, x) -> list[dict]:
        """Top features by coef x tf-idf, located in the original text."""
        idx, vals = x.indices, x.data
        contrib = vals * self._prop_coef[idx]
        top = np.argsort(-contrib)[:EVIDENCE_WORDS]
        toks = tokens_with_offsets(text[seg.start : seg.end], base=seg.start)
        words = [t for t, _, _ in toks]
        out = []
        for k in top:
            if contrib[k] <= 0:
                break
            feature = str(self._names[idx[k]])
            loc = _locate(feature.split(" "), words, toks)
            if loc is None:
                continue
            out.append(
                {"feature": feature, "weight": float(contrib[k]), "start": loc[0], "end": loc[1], "text": text[loc[0] : loc[1]]}
            )
        return out


def _locate(parts: list[str], words: list[str], toks: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    n = len(parts)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == parts:
            return toks[i][1], toks[i + n - 1][2]
    return None
