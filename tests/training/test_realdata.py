import json

import pytest

from training.corpus import Record
from training.realdata import audited, read_audit, text_id


def _rec(text: str) -> Record:
    return Record(text=text, label="propaganda", id=text[:8], source="t", group=text[:8])


def test_audit_selects_records_every_annotator_agrees_on(tmp_path):
    a, b, c = _rec("We will return to the valley."), _rec("Police said two men were held."), _rec("Nice goal.")
    path = tmp_path / "audit.jsonl"
    rows = [
        {"id": text_id(a.text), "a": "propaganda", "b": "propaganda"},
        {"id": text_id(b.text), "a": "propaganda", "b": "reporting"},
        {"id": text_id(c.text), "a": "unrelated", "b": "unrelated"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    audit = read_audit(path)
    assert audit[text_id(b.text)] == ["propaganda", "reporting"]
    unaudited = _rec("Not in the audit at all.")
    assert audited([a, b, c, unaudited], audit, "propaganda") == [a]
    assert audited([a, b, c, unaudited], audit, "unrelated") == [c]


def test_audit_rejects_unknown_function(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text(json.dumps({"id": "0" * 16, "a": "hate"}) + "\n")
    with pytest.raises(ValueError, match="audit.jsonl:1"):
        read_audit(path)


def test_text_id_is_stable_and_short():
    assert text_id("x") == text_id("x") != text_id("y")
    assert len(text_id("x")) == 16


def test_stormfront_nohate_reads_only_the_nohate_sentences_as_not_propaganda(tmp_path):
    from training.realdata import stormfront_nohate

    rows = [
        {"id": "s1", "text": "Our meeting is on Sunday.", "label": "unknown", "group": "7", "meta": {"hate_label": "noHate"}},
        {"id": "s2", "text": "They are vermin.", "label": "propaganda", "group": "7", "meta": {"hate_label": "hate"}},
        {"id": "s3", "text": "Unsure what this was.", "label": "unknown", "group": "8", "meta": {"hate_label": "relation"}},
    ]
    (tmp_path / "stormfront_train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    got = stormfront_nohate(tmp_path)
    assert [(r.id, r.label, r.group) for r in got] == [("s1", "unrelated", "stormfront_train/7")]
