from tests import corpus_factory
from training.check import check


def test_clean_corpus_passes(tiny_data):
    report = check([tiny_data])
    assert report["errors"] == []
    assert report["labels"] == {"propaganda": 60, "reporting": 80, "unrelated": 60}
    assert report["span_documents"] == 20


def test_problems_are_reported_with_their_lines(tmp_path):
    long = "The council met on Monday to discuss the budget for roads, parks and the library in the town."
    rows = [
        {"text": long, "label": "unrelated"},
        {"text": long.replace("Monday", "Tuesday"), "label": "unrelated"},
        {"text": "  " + long.upper(), "label": "unrelated"},
        {"text": "abc def", "label": "reporting", "spans": [{"start": 0, "end": 5}, {"start": 3, "end": 7}]},
        {"text": "abc", "label": "propaganda", "spans": [{"start": 2, "end": 10}]},
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
