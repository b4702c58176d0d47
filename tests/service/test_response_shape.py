"""The score route serialises with orjson and skips response-model validation,
so the body is held to the documented schema here."""

from service.schemas import ScoreResponse


def test_score_body_matches_the_documented_schema(client):
    texts = [
        'Leaflets were found on Sunday. "Rise and fight the traitors, brothers, victory is near" read one leaflet.',
        "The team won the match on Saturday after a late goal.",
    ]
    res = client.post("/v1/score", json={"texts": texts, "ids": ["a", "b"]})
    assert res.status_code == 200
    assert res.headers["content-type"] == "application/json"
    body = ScoreResponse.model_validate(res.json())
    assert [r.id for r in body.results] == ["a", "b"]
    assert body.results[0].spans, "the quoted leaflet is highlighted"
    for r, text in zip(body.results, texts):
        for s in r.spans:
            assert text[s.start : s.end] == s.text


def test_openapi_still_documents_the_response_model(client):
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/v1/score"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ScoreResponse"}


def test_big_requests_go_to_the_threadpool_with_the_same_result(client, monkeypatch):
    from service.routes import score

    texts = ['"Rise and fight the traitors, brothers" read the leaflet. Police said it was old.'] * 3
    inline = client.post("/v1/score", json={"texts": texts}).json()
    monkeypatch.setattr(score, "INLINE_CHARS", 0)
    threaded = client.post("/v1/score", json={"texts": texts}).json()
    assert threaded == inline
    assert client.post("/v1/score", json={"texts": ["x" * 2001]}).json()["error"]["code"] == "text_too_long"
