"""The founding example: a news article quoting an IS leaflet is reporting, and the leaflet is highlighted.

The article is third-party text, so it is read from ../shared and never copied
here; the gold passages are character offsets into it.
"""

import hashlib

import pytest

from tests.conftest import SHARED

ARTICLE = SHARED / "seeds" / "000_109bbd639d193593.txt"
SHA256 = "985c591b375cee44ea8a886bf783771805ee3e6e24ef0fc556a42b28e803b81b"
# The four leaflet/pamphlet quotes and the two short quoted phrases of the IS.
GOLD = [(2248, 2325), (2370, 2611), (2658, 2686), (2710, 2739), (2809, 2866), (2889, 3023)]
# The sheikh's three quotes and the analyst's quote.
OTHER_QUOTES = [(833, 967), (989, 1231), (1392, 1515), (1557, 1762)]

pytestmark = pytest.mark.skipif(not ARTICLE.is_file(), reason="../shared/seeds is not present")


@pytest.fixture(scope="module")
def article() -> str:
    text = ARTICLE.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode()).hexdigest() == SHA256, "the seed article changed; re-derive GOLD"
    return text


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
