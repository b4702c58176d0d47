from tests import corpus_factory
from training.check import check


CLEAN = [
    {"text": "Rise, brothers, and join the march to the capital; victory is ours.", "label": "propaganda"},
    {"text": "Police said the march drew about two hundred people and ended peacefully.", "label": "reporting",
     "spans": [{"start": 0, "end": 6}]},
    {"text": "The bakery on Mill Street now sells rye bread on Saturdays.", "label": "unrelated"},
    {"text": "a record from another task", "label": "unknown"},
]


def test_clean_corpus_passes_and_unknown_labels_are_only_warned(tmp_path):
    report = check([corpus_factory.write(tmp_path / "clean.jsonl", CLEAN)])
    assert report["errors"] == []
    assert report["labels"] == {"propaganda": 1, "reporting": 1, "unrelated": 1}
    assert report["span_documents"] == {"reporting": 1}
    assert len(report["warnings"]) == 1 and "training skips it" in report["warnings"][0]


def test_problems_are_reported_with_their_lines(tmp_path):
    long = "The council met on Monday to discuss the budget for roads, parks and the library in the town."
    rows = [
        {"text": long, "label": "unrelated"},
        {"text": long.replace("Monday", "Tuesday"), "label": "unrelated"},
        {"text": "  " + long.upper(), "label": "unrelated"},
        {"text": "abc def", "label": "reporting", "spans": [{"start": 0, "end": 5}, {"start": 3, "end": 7}]},
        {"text": "abc", "label": "reporting", "spans": [{"start": 2, "end": 10}]},
        {"text": "", "label": "propaganda"},
    ]
    path = corpus_factory.write(tmp_path / "bad.jsonl", rows)
    errors = "\n".join(check([path])["errors"])
    assert f"{path}:2: near-duplicate of {path}:1" in errors
    assert f"{path}:3: exact duplicate of {path}:1" in errors
    assert f"{path}:4: span 3-7 overlaps" in errors
    assert f"{path}:5: span 2-10 is out of bounds" in errors
    assert f"{path}:6: field 'text'" in errors
    assert "label balance" in errors
