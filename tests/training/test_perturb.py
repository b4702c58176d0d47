import random

import pytest

from training.perturb import PERTURBATIONS, robustness
from training.text.tokens import tokens

TEXT = "Brothers, rise and join the movement! We will crush the tyrants in the capital."


@pytest.mark.parametrize("name", ["homoglyphs", "zero_width", "leetspeak"])
def test_normalisation_undoes_evasion(name):
    perturbed = PERTURBATIONS[name](TEXT, random.Random(1), share=1.0)
    assert perturbed != TEXT
    assert tokens(perturbed) == tokens(TEXT)


def test_robustness_of_the_model_is_small(tiny_model):
    texts = [TEXT, "Glory to our lions who struck the crusaders in Eastport. Victory is near."]
    r = robustness(tiny_model, texts)
    assert r["n"] == 2
    for name in ("homoglyphs", "zero_width", "leetspeak"):
        assert r[name]["mean_abs_change"] < 0.1
