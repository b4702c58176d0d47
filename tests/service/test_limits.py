"""Request limits and hostile input: always a clear 4xx (or 503 on timeout), never a crash."""

import json
import re
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from fastapi.testclient import TestClient

from service.app import create_app
from service.limits import _JSON_STRING, json_depth_exceeds
from service.settings import Settings

PROP = "Brothers, rise and join the front! We will crush the invaders and our martyrs will be honoured."


@pytest.fixture()
def small(tmp_path, tiny_model):
    settings = Settings(models_dir=tmp_path, open=True, max_body_bytes=4000, max_json_depth=5, max_text_chars=3000)
    with TestClient(create_app(settings, tiny_model)) as c:
        yield c


@pytest.fixture(scope="module")
def roomy(tmp_path_factory, tiny_model):
    with TestClient(create_app(Settings(models_dir=tmp_path_factory.mktemp("m"), open=True), tiny_model)) as c:
        yield c


def _error(res, status, code):
    assert res.status_code == status, res.text
    assert res.json()["error"]["code"] == code
    return res.json()["error"]["message"]


def test_body_over_the_limit_is_413_by_its_header(small):
    msg = _error(small.post("/v1/score", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"}),
                 413, "body_too_large")
    assert "4000" in msg


def test_streamed_body_without_a_length_over_the_limit_is_413(small):
    def chunks():
        for _ in range(1000):
            yield b" " * 1000

    _error(small.post("/v1/score", content=chunks(), headers={"content-type": "application/json"}), 413, "body_too_large")


def test_deep_json_is_400(small):
    _error(small.post("/v1/score", content=b'{"texts": [[[[["a"]]]]]}', headers={"content-type": "application/json"}),
           400, "json_too_deep")
    # Brackets inside strings are text, not nesting.
    assert small.post("/v1/score", json={"text": "[[[[[[[[ {{{{{{ " + PROP}).status_code == 200


def test_python_recursion_depth_nesting_is_refused_not_crashed(tmp_path, tiny_model):
    with TestClient(create_app(Settings(models_dir=tmp_path, open=True), tiny_model)) as c:
        res = c.post("/v1/score", content=b"[" * 50_000 + b"]" * 50_000, headers={"content-type": "application/json"})
    _error(res, 400, "json_too_deep")


def test_depth_scan():
    assert not json_depth_exceeds(b'{"a": [1, 2]}', 2)
    assert json_depth_exceeds(b'{"a": [[1]]}', 2)
    assert not json_depth_exceeds(b'{"a": "[[[[\\"[[[["}', 2)
    assert not json_depth_exceeds(b'"\\"' * 1000 + b"[" * 10, 5)  # an open string runs to the end


# The string pattern before it was unrolled: the reference for what a JSON string is.
_BACKTRACKING = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\Z)', re.DOTALL)


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'"', b"\\", b"[", b"]", b"{", b"}", b"a", b" ", b"\n", "\u00e9".encode()]), max_size=60))
def test_string_scan_removes_what_the_backtracking_pattern_removed(parts):
    body = b"".join(parts)
    assert _JSON_STRING.sub(b"", body) == _BACKTRACKING.sub(b"", body)


def test_depth_scan_of_a_long_string_keeps_no_per_character_state():
    # 1 MB of text with brackets in it: the backtracking pattern needed ~140 MB here.
    body = json.dumps({"text": "[a] (b) {c}\n\u00e9 \\ \"q\" " * 40_000}).encode()
    tracemalloc.start()
    try:
        assert not json_depth_exceeds(body, 32)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * len(body)


def test_timeout_is_a_503_and_the_service_keeps_serving(tmp_path, tiny_model):
    settings = Settings(models_dir=tmp_path, open=True, request_timeout_seconds=0.05, max_batch=400)
    with TestClient(create_app(settings, tiny_model)) as c:
        res = c.post("/v1/score", json={"texts": [PROP * 40] * 300})
        _error(res, 503, "timeout")
        assert res.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    "text",
    [
        "Rise \ud800 brothers and fight \udfff the tyrants!",  # lone surrogates (sent as \\ud800 escapes)
        "Brothers\x00, rise\x00 and fight the tyrants!\x00",  # NUL
        "\u202eBrothers, rise and fight the tyrants!\u202c \u200f\u200e\u061c",  # RTL overrides and marks
        "Rise brothers" + "\u0301" * 20_000 + " fight the tyrants",  # a flood of combining marks
        "\u0627\u0644\u062f\u0648\u0644\u0629" + "\u0651" * 5000 + " \u202b\u0642\u0627\u062a\u0644\u0648\u0627\u202c",
        "\ufeff\u200b\u200d" * 900,  # only invisible characters
        '"' * 2000 + "\u201c" * 500,  # quote marks only
        "a\u0300" * 1400,
    ],
)
def test_unicode_edge_cases_never_crash(roomy, text):
    import json

    raw = json.dumps({"texts": [text, PROP], "ids": ["\ud834", "ok"]}).encode()  # ensure_ascii: escapes
    res = roomy.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    if res.status_code == 422:  # invisible-only text is legitimately empty
        assert res.json()["error"]["code"] == "empty_text"
        return
    assert res.status_code == 200, res.text
    first = res.json()["results"][0]
    assert res.json()["results"][0]["id"] == "\ufffd"
    clean = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # what the service scored
    for span in first["spans"]:
        assert clean[span["start"] : span["end"]] == span["text"]
    assert len(clean) == len(text)  # replacing a lone surrogate keeps every offset


@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\ud800", "\udfff", "\udc00", "é", "a"]))))
def test_surrogates_are_replaced_one_for_one_whatever_else_the_text_holds(text):
    from service.schemas import _LONE_SURROGATE, _no_lone_surrogates

    assert _no_lone_surrogates(text) == _LONE_SURROGATE.sub("\ufffd", text)
