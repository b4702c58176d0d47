"""The founding example: a news article quoting an IS leaflet is reporting, and the leaflet is highlighted.

The article is third-party text, so it is read from ../shared and never copied
here; the gold passages are character offsets into it.
"""

import pytest

from tests.conftest import SHARED
from training.metrics import span_metrics
from training.realdata import SEED_ARTICLE, SEED_ARTICLE_GOLD, SEED_ARTICLE_OTHER_QUOTES, read_seed_article

GOLD, OTHER_QUOTES = SEED_ARTICLE_GOLD, SEED_ARTICLE_OTHER_QUOTES

pytestmark = pytest.mark.skipif(not (SHARED / "seeds" / SEED_ARTICLE).is_file(), reason="../shared/seeds is not present")


@pytest.fixture(scope="module")
def article() -> str:
    return read_seed_article(SHARED / "seeds")


@pytest.fixture(scope="module")
def result(seed_model, article):
    return seed_model.score([article])[0]


def test_article_is_reporting(result):
    assert result["label"] == "reporting"


def test_every_leaflet_passage_is_highlighted(result):
    for start, end in GOLD:
        covered = sum(max(0, min(end, s["end"]) - max(start, s["start"])) for s in result["spans"])
        assert covered >= 0.9 * (end - start), f"passage {start}-{end} is not highlighted"


def test_nothing_else_is_highlighted(result, article):
    for s in result["spans"]:
        inside = [g for g in GOLD if g[0] <= s["start"] and s["end"] <= g[1]]
        assert inside, f"span outside the leaflet passages: {s['text']!r}"
    for start, end in OTHER_QUOTES:
        assert not any(s["start"] < end and start < s["end"] for s in result["spans"])


def test_character_level_precision_and_recall(result):
    m = span_metrics([(GOLD, [(s["start"], s["end"]) for s in result["spans"]])])
    assert m["precision"] >= 0.9 and m["recall"] >= 0.9, m
