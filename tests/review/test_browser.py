"""The reviewers' pages in a real browser (Debian's Chromium, headless) against a real server process."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from tests.review.conftest import ARTIFACTS, PASSWORD, QUOTING, RECRUITING, UNRELATED
from tests.review.live import Server, cli, env_for

XSS = (
    '<script>window.__xss = 1; alert("script")</script><img src=x onerror="window.__xss = 2; alert(1)"> '
    'Brothers, rise and fight the tyrants! "<b id=injected>victory is near</b>" <svg onload=alert(3)></svg>'
)
NOTE_XSS = '<img src=x onerror="window.__xss = 3">looks like a news quote'


@pytest.fixture(scope="module")
def live(tmp_path_factory, tiny_model_dir):
    """A served app with one reviewer and four queued texts; yields (base URL, db file, item ids by name)."""
    work = tmp_path_factory.mktemp("review-live")
    db = work / "reviews.db"
    env = env_for(tiny_model_dir, f"sqlite:///{db}")
    added = cli("reviews", "users", "add", "ana", "--password-stdin", env=env, stdin=PASSWORD + "\n", cwd=work)
    assert added.returncode == 0, added.stderr
    server = Server(work, env)
    try:
        texts = {"quoting": QUOTING, "recruiting": RECRUITING, "unrelated": UNRELATED, "xss": XSS}
        res = httpx.post(
            f"{server.base}/v1/score", json={"texts": list(texts.values()), "review": True, "source": "forum"}
        )
        assert res.status_code == 200, res.text
        ids = {name: q["item_id"] for name, q in zip(texts, res.json()["review"]["queued"], strict=False)}
        yield server.base, db, ids
    finally:
        server.stop()


def _log_in(browser, base: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/review/")
    assert "/review/login" in page.url
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/review/")
    return page, dialogs


def test_review_end_to_end_with_the_keyboard(browser, live):
    base, db, ids = live
    page, dialogs = _log_in(browser, base)
    item = ids["quoting"]
    row = page.locator(f"#item-{item}")
    assert row.is_visible()
    before = page.locator("tr[data-row]").count()

    row.locator("a").click()
    page.wait_for_url(f"{base}/review/items/{item}")
    # The leaflet quoted in the report is highlighted, as a quote, with its evidence on hover.
    mark = page.locator("#doc mark.span").first
    assert mark.is_visible()
    assert mark.inner_text() in "Rise and fight the tyrants, brothers, victory is near"
    assert "quote" in mark.get_attribute("class")
    assert "evidence:" in mark.get_attribute("title")
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    # The teacher's words are quoted but not flagged: styled as a quote, not highlighted.
    assert page.locator("#doc span.quote", has_text="worried for our children").is_visible()
    assert page.locator(".spans .evidence").first.is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "item.png"), full_page=True)

    # Decide with the keyboard: n focuses the note, Escape leaves it, r marks reporting.
    page.keyboard.press("n")
    page.keyboard.type("news report quoting a leaflet")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("r")
    assert f"/review/items/{item}" not in page.url
    assert page.locator(".message.done").inner_text() == f"Item #{item}: marked reporting."

    page.goto(f"{base}/review/")
    assert page.locator(f"#item-{item}").count() == 0
    assert page.locator("tr[data-row]").count() == before - 1
    page.screenshot(path=str(ARTIFACTS / "queue-after.png"), full_page=True)
    assert dialogs == []

    with sqlite3.connect(db) as con:
        [(action, user, note, spans)] = con.execute(
            "SELECT d.action, u.username, d.note, d.spans FROM decisions d"
            " JOIN users u ON u.id = d.user_id WHERE item_id = ?",
            (item,),
        ).fetchall()
    assert (action, user, note) == ("reporting", "ana", "news report quoting a leaflet")
    assert spans and spans != "[]"  # the highlighted span was left checked: kept


def test_queue_moves_with_j_k_and_item_pages_with_j(browser, live):
    base, _, ids = live
    page, _ = _log_in(browser, base)
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.url
    assert "/review/items/" in first
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url != first and "/review/items/" in page.url
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url == first


def test_hostile_text_renders_as_plain_text(browser, live):
    base, _, ids = live
    page, dialogs = _log_in(browser, base)
    item = ids["xss"]
    assert '<script>window.__xss = 1; alert("script")</script>' in page.locator(f"#item-{item} .preview").inner_text()

    page.goto(f"{base}/review/items/{item}")
    doc = page.locator("#doc")
    # Shown literally, character for character ...
    assert doc.inner_text() == XSS
    # ... and nothing of it became markup or ran.
    assert page.locator("#doc script, #doc img, #doc svg, #injected, main img, main svg").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"

    page.fill("textarea[name=note]", NOTE_XSS)
    page.locator("textarea[name=note]").press("Escape")
    with page.expect_navigation():
        page.keyboard.press("e")
    page.goto(f"{base}/review/items/{item}")
    assert page.locator(".audit blockquote").inner_text() == NOTE_XSS
    assert page.locator("main img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
