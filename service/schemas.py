"""Request and response bodies of the HTTP API (these shape the OpenAPI docs)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictStr

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(s: str) -> str:
    # JSON may escape half a surrogate pair ("\ud800"), which no UTF-8 output
    # can carry. One code point becomes one U+FFFD, so every offset still holds.
    if s.isascii():
        return s
    try:
        s.encode("utf-8")  # fails exactly on a surrogate; twice as fast as searching for one
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", s)
    return s


Text = Annotated[StrictStr, AfterValidator(_no_lone_surrogates)]


class ScoreRequest(BaseModel):
    """Either `texts` (a batch) or `text` (one document)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"texts": ["The group said in a statement that it had attacked a checkpoint."]}]},
    )

    texts: list[Text] | None = Field(default=None, description="Documents to score, in order.")
    text: Text | None = Field(default=None, description="A single document (instead of `texts`).")
    ids: list[Text] | None = Field(default=None, description="Optional ids, one per text, echoed back.")
    spans: StrictBool = Field(default=True, description="Return highlighted propaganda spans.")
    review: StrictBool = Field(default=False, description="Queue these texts (stored) for human review.")
    source: StrictStr | None = Field(
        default=None, max_length=100, description="Where the texts come from; stored with review items."
    )


class Evidence(BaseModel):
    feature: str
    weight: float
    start: int
    end: int
    text: str


class Span(BaseModel):
    start: int = Field(description="Offset of the first character, into the original text.")
    end: int = Field(description="Offset one past the last character.")
    score: float
    kind: Literal["quote", "text"]
    text: str
    evidence: list[Evidence]


class Result(BaseModel):
    id: str | None
    label: Literal["propaganda", "reporting", "unrelated"]
    propaganda_score: float
    scores: dict[str, float]
    spans: list[Span]


class ModelInfo(BaseModel):
    version: str
    created_at: str
    decision_threshold: float
    span_threshold: float


class QueuedItem(BaseModel):
    index: int = Field(description="Position of the text in the request.")
    item_id: int


class ReviewReceipt(BaseModel):
    queued: list[QueuedItem]


class ScoreResponse(BaseModel):
    model: ModelInfo
    results: list[Result]
    # Present only when the request or the deployment's rule queued texts for review.
    review: ReviewReceipt | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    model_version: str | None = None
