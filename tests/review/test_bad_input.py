"""Review API inputs that schemathesis found turning into 500s (ids and offsets past 64 bits, booleans as
offsets) or accepted against the schema (a number not written as a whole number)."""

import pytest

from service.review import auth


@pytest.fixture()
def token(app, reviewer):
    with app.state.review.session() as db:
        return auth.new_api_token(db, db.merge(reviewer), "bad-input")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/v1/review/items/9535729140266197581824", None),
        ("post", "/v1/review/items/9535729140266197581824/decision", {"action": "escalate"}),
        ("get", "/v1/review/items?offset=50453268643061137408", None),
        ("get", "/v1/review/items?offset=0.0", None),
        ("get", "/v1/review/items?limit=1e1", None),
        ("get", "/v1/review/items/1.0", None),
        ("post", "/v1/review/items/1/decision", {"action": "reporting", "spans": [{"start": False, "end": 1}]}),
    ],
)
def test_out_of_range_input_is_a_422(client, token, method, path, body):
    res = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 422, res.text
    assert res.json()["error"]["code"] == "invalid_request"


def test_whole_numbers_in_urls_still_work(client, token):
    res = client.get("/v1/review/items?offset=0&limit=5", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text
