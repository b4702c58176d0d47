import pytest

from tests import corpus_factory
from training.corpus import read_corpus
from training.jsonl import DataError


def test_folder_reads_every_jsonl_file_and_counts_skips(tmp_path):
    corpus_factory.write(tmp_path / "a.jsonl", [{"text": "one", "label": "propaganda"}, {"text": "x", "label": "spam"}])
    corpus_factory.write(tmp_path / "b.jsonl", [{"text": "two", "label": "reporting", "pair": "p1"}])
    (tmp_path / "notes.txt").write_text("ignored")
    corpus = read_corpus([tmp_path])
    assert [r.text for r in corpus.records] == ["one", "two"]
    assert corpus.skipped == 1 and corpus.files[0]["skipped"] == {"spam": 1}
    assert corpus.records[1].group == "b/p1"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"label": "propaganda"}', "'text' must be a non-empty string"),
        ('{"text": "abc", "label": "reporting", "spans": [{"start": 1, "end": 9}]}', "out of bounds"),
    ],
)
def test_bad_lines_name_their_line(tmp_path, line, message):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "fine", "label": "unrelated"}\n' + line + "\n")
    with pytest.raises(DataError, match=message) as e:
        read_corpus([path])
    assert str(e.value).startswith(f"{path}:2:")
