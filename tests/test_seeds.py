"""The seed corpus passes `modlens data check` and meets the corpus brief's counts."""

import pytest
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import REPO
from training.check import check


@pytest.fixture(scope="module")
def report():
    return check([REPO / "seeds"])


def test_seed_corpus_is_valid(report):
    assert report["errors"] == [] and report["warnings"] == []


def test_seed_corpus_counts(report):
    assert report["records"] >= 3000
    assert report["languages"]["ar"] >= 150 and report["languages"]["fr"] >= 100
    # Reporting documents that quote propaganda, with gold spans for it.
    assert report["span_documents"]["reporting"] >= 200


def test_data_check_command_passes_on_seeds():
    res = CliRunner().invoke(app, ["data", "check", str(REPO / "seeds")])
    assert res.exit_code == 0, res.output
    assert "ok" in res.output


@pytest.mark.parametrize("extra", ["recall", "optional"])
def test_optional_chunks_pass_the_check_with_the_corpus(extra):
    # They are left out of the default model but documented as ready to add.
    report = check([REPO / "seeds", REPO / "seeds" / extra])
    assert report["errors"] == [] and report["warnings"] == []
    assert report["records"] > check([REPO / "seeds"])["records"]
