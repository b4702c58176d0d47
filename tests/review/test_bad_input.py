"""Review API inputs that schemathesis found turning into 500s: ids and offsets past 64 bits, booleans as offsets."""

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
        ("post", "/v1/review/items/1/decision", {"action": "reporting", "spans": [{"start": False, "end": 1}]}),
    ],
)
def test_out_of_range_input_is_a_422(client, token, method, path, body):
    res = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 422, res.text
    assert res.json()["error"]["code"] == "invalid_request"
