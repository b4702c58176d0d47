"""schemathesis: generated requests from the app's own OpenAPI document, every response checked.

Checks: no 5xx, status codes / content types / headers / bodies conform to the
schema, invalid data is rejected, auth is enforced. `positive_data_acceptance`
is left out: the schema cannot say "not only whitespace" or the configured
batch and length limits, so some schema-valid bodies are rightly refused
with a documented 413/422.
"""

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.security.keys import hash_key, new_key
from service.settings import Settings

KEY = new_key()
CASES: Counter = Counter()
FAILED: Counter = Counter()


# The schema is read when the module is collected, before fixtures exist; the
# model is put into this same app by the fixture below (a real load from disk).
WORK = Path(tempfile.mkdtemp(prefix="modlens-schema-"))
APP = create_app(
    Settings(models_dir=WORK, api_keys=f"fuzz:admin:{hash_key(KEY)}", rate_limit_per_second=0, max_text_chars=5000,
             review_db_url=f"sqlite:///{WORK / 'reviews.db'}", review_threshold=0.0)
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
HEADERS = {"X-API-Key": KEY}


@pytest.fixture(scope="module", autouse=True)
def loaded(tiny_models_dir):
    """The model, and a reviewer whose token calls the review API (scoring keys and reviewer accounts differ)."""
    from service.review import auth

    APP.state.store.load(None, tiny_models_dir)
    with APP.state.review.session() as db:
        user = auth.add_user(db, "fuzzer", "a long enough password")
        HEADERS["Authorization"] = f"Bearer {auth.new_api_token(db, user, 'schemathesis')}"
        db.commit()
    yield
    shutil.rmtree(WORK, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case):
    from schemathesis.checks import CHECKS

    skip = [c for c in CHECKS.get_all() if getattr(c, "__name__", "") == "positive_data_acceptance"]
    CASES[f"{case.method} {case.path}"] += 1
    try:
        case.call_and_validate(headers=HEADERS, excluded_checks=skip)
    except BaseException:  # schemathesis raises an exception group
        FAILED[f"{case.method} {case.path}"] += 1
        raise


def test_zz_report_schemathesis_cases(capsys):
    with capsys.disabled():
        print(f"\n[figures] schemathesis: {sum(CASES.values())} cases, {sum(FAILED.values())} failures {dict(FAILED)}; "
              f"per operation {dict(CASES)}")
