"""Batch scoring: formats, parallel order, resume and crash safety, bad input."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from typer.testing import CliRunner

from service.cli import app
from tests import corpus_factory
from training import artifacts
from training.batch import Job, run

runner = CliRunner()


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def read_any(path):
    """Output records as dicts with parsed scores and spans, whatever the format."""
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
    elif path.suffix == ".csv":
        rows = list(csv.DictReader(path.open(newline="")))
        for r in rows:
            r["id"] = r["id"] or None
            r["propaganda_score"] = float(r["propaganda_score"])
            r["scores"] = json.loads(r["scores"])
    else:
        return [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:
        r["spans"] = json.loads(r["spans"])
    return rows


def score(*args, input=None):
    return runner.invoke(app, ["score", *map(str, args)], input=input)


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("in") / "docs.jsonl", corpus_factory.unlabelled(600))


@pytest.fixture(scope="module")
def expected(docs, tiny_models_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "all.jsonl"
    assert score(docs, "--models-dir", tiny_models_dir, "-o", out, "--jobs", "1").exit_code == 0
    return out


def test_parallel_workers_keep_input_order_and_results(docs, expected, tiny_models_dir, tmp_path):
    out = tmp_path / "par.jsonl"
    job = Job(inputs=[str(docs)], output=out, jobs=2, chunk_size=16, min_parallel=0, quiet=True)
    summary = run(job, artifacts.current(tiny_models_dir), Console(file=io.StringIO()))
    assert summary.workers == 2 and summary.scored == 600
    assert out.read_bytes() == expected.read_bytes()
    rows = read_any(out)
    assert [r["id"] for r in rows] == list(range(600))
    assert {r["label"] for r in rows} == {"propaganda", "reporting", "unrelated"}
    assert any(r["spans"] for r in rows)


@pytest.mark.parametrize("chain", [("csv", "parquet", "jsonl"), ("parquet", "csv", "jsonl")])
def test_every_format_reads_and_writes_the_same_results(chain, docs, expected, tiny_models_dir, tmp_path):
    # Score into each format in turn; each output's ids and the original texts feed the next run.
    texts = {r["id"]: r["text"] for r in read_any(docs)}
    src = docs
    for fmt in chain:
        out = tmp_path / f"out.{fmt}"
        res = score(src, "--models-dir", tiny_models_dir, "-o", out)
        assert res.exit_code == 0, res.output
        rows = read_any(out)
        want = read_any(expected)
        assert [str(r["id"]) for r in rows] == [str(r["id"]) for r in want]
        assert [(r["label"], r["propaganda_score"], r["scores"], r["spans"]) for r in rows] == [
            (r["label"], r["propaganda_score"], r["scores"], r["spans"]) for r in want
        ]
        src = tmp_path / f"in.{fmt}"
        table = {"id": [r["id"] for r in rows], "text": [texts[int(r["id"])] for r in rows]}
        if fmt == "parquet":
            pq.write_table(pa.table(table), src)
        elif fmt == "csv":
            with src.open("w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["id", "text"])
                w.writerows(zip(table["id"], table["text"]))
        else:
            write_jsonl(src, [{"id": i, "text": t} for i, t in zip(table["id"], table["text"])])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_resume_skips_what_the_output_holds(fmt, docs, expected, tiny_models_dir, tmp_path):
    rows = read_any(docs)
    first = write_jsonl(tmp_path / "first.jsonl", rows[:250])
    out = tmp_path / f"out.{fmt}"
    assert score(first, "--models-dir", tiny_models_dir, "-o", out).exit_code == 0
    if fmt != "parquet":
        # A run killed mid-write leaves half a record; resuming drops it and scores that record again.
        with out.open("ab") as f:
            f.write(b'{"id": 250, "label": "prop' if fmt == "jsonl" else b'250,propaganda,0.9')
    res = score(docs, "--models-dir", tiny_models_dir, "-o", out, "--resume", "--batch-size", "32")
    assert res.exit_code == 0, res.output
    assert "scored 350 texts (250 already in the output)" in res.output
    got, want = read_any(out), read_any(expected)
    assert [str(r["id"]) for r in got] == [str(r["id"]) for r in want]
    assert [r["scores"] for r in got] == [r["scores"] for r in want]


def test_resume_without_ids_counts_positions(docs, tiny_models_dir, tmp_path):
    rows = [{"text": r["text"]} for r in read_any(docs)[:100]]
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    assert score(write_jsonl(tmp_path / "all.jsonl", rows), "--models-dir", tiny_models_dir, "-o", full).exit_code == 0
    assert score(write_jsonl(tmp_path / "part.jsonl", rows[:40]), "--models-dir", tiny_models_dir, "-o", out).exit_code == 0
    res = score(tmp_path / "all.jsonl", "--models-dir", tiny_models_dir, "-o", out, "--resume")
    assert res.exit_code == 0 and "scored 60 texts (40 already in the output)" in res.output
    assert out.read_bytes() == full.read_bytes()


def test_bad_line_in_a_resumed_run_keeps_the_complete_chunks(docs, expected, tiny_models_dir, tmp_path):
    lines = docs.read_text().splitlines()
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines[:100] + ['{"id": 100, "text": ""}'] + lines[101:]) + "\n")
    out = tmp_path / "out.jsonl"
    res = score(src, "--models-dir", tiny_models_dir, "-o", out, "--resume", "--batch-size", "30")
    assert res.exit_code == 2 and f"{src}:101: field 'text' must be a non-empty string" in res.output
    assert [r["id"] for r in read_any(out)] == list(range(90))  # three whole chunks of 30
    src.write_text("\n".join(lines) + "\n")
    assert score(src, "--models-dir", tiny_models_dir, "-o", out, "--resume").exit_code == 0
    assert out.read_bytes() == expected.read_bytes()


def test_killed_run_resumes_to_the_same_output(tiny_models_dir, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", corpus_factory.unlabelled(6000, seed=5))
    out, full = tmp_path / "out.jsonl", tmp_path / "full.jsonl"
    cmd = [str(Path(sys.executable).parent / "modlens"), "score", str(src), "--models-dir", str(tiny_models_dir)]
    proc = subprocess.Popen([*cmd, "-o", str(out), "--resume", "--jobs", "1", "--batch-size", "64", "-q"])
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 100_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = out.read_text().count("\n")
    assert 0 < partial < 6000
    res = score(src, "--models-dir", tiny_models_dir, "-o", out, "--resume")
    assert res.exit_code == 0 and f"({partial} already in the output)" in res.output
    assert score(src, "--models-dir", tiny_models_dir, "-o", full).exit_code == 0
    assert out.read_bytes() == full.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("in.csv", "id,body\n1,hello\n", "in.csv:1: no 'text' column (columns: id, body)"),
        ("in.csv", 'id,text\n1,fine\n2,"\n', "in.csv:3: row 2: field 'text' must be a non-empty string"),
        ("in.csv", "id,text\n1,fine\n2,ok,extra\n", "in.csv:3: row 2 has 3 fields, the header 2"),
        ("in.parquet", {"id": [1, 2], "body": ["a", "b"]}, "in.parquet: no 'text' column (columns: id, body)"),
        ("in.parquet", {"id": [1, 2], "text": ["a", None]}, "in.parquet: row 2: field 'text' must be a non-empty string"),
        ("in.parquet", b"not parquet at all", "in.parquet: not a readable Parquet file"),
        ("in.txt", "hello\n", "in.txt: cannot tell the format from the extension"),
        ("in.jsonl", '{"text": "fine"}\n[1, 2]\n', "in.jsonl:2: expected a JSON object, got list"),
    ],
)
def test_bad_input_names_its_place_and_writes_nothing(name, content, message, tiny_models_dir, tmp_path):
    src = tmp_path / name
    if isinstance(content, dict):
        pq.write_table(pa.table(content), src)
    elif isinstance(content, bytes):
        src.write_bytes(content)
    else:
        src.write_text(content)
    out = tmp_path / "out.jsonl"
    res = score(src, "--models-dir", tiny_models_dir, "-o", out)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    assert list(tmp_path.iterdir()) == [src]


def test_stdout_gets_nothing_when_a_later_line_is_bad(tiny_models_dir):
    res = score("-", "--models-dir", tiny_models_dir, input='{"text": "Rain is expected."}\n{"text": 3}\n')
    assert res.exit_code == 2 and "<stdin>:2: field 'text'" in res.output
    assert res.stdout == ""


def test_formats_from_options_and_custom_fields(tiny_models_dir, tmp_path):
    src = tmp_path / "rows.txt"
    src.write_text("key,body\nk1,Brothers rise and fight the tyrants!\nk2,Heavy rain is expected tomorrow.\n")
    res = score(
        src, "--input-format", "csv", "--text-field", "body", "--id-field", "key",
        "--output-format", "csv", "--models-dir", tiny_models_dir,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [(r["id"], r["label"]) for r in rows] == [("k1", "propaganda"), ("k2", "unrelated")]
    assert score(src, "--input-format", "xml", "--models-dir", tiny_models_dir).exit_code == 2
    assert "needs an output file" in score("-", "--resume", "--models-dir", tiny_models_dir, input="").output


def test_progress_bar_shows_rate_and_eta_on_a_terminal(docs, tiny_models_dir, tmp_path):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    run(Job(inputs=[str(docs)], output=tmp_path / "o.jsonl", chunk_size=50), artifacts.current(tiny_models_dir), console)
    shown = screen.getvalue()
    assert "600 texts" in shown and "/s" in shown and "ETA" in shown and "100%" in shown
    quiet = io.StringIO()
    run(Job(inputs=[str(docs)], output=tmp_path / "q.jsonl", quiet=True), artifacts.current(tiny_models_dir),
        Console(file=quiet, force_terminal=True))  # fmt: skip
    assert quiet.getvalue() == ""


def test_model_output_and_stdin_mistakes_are_messages(docs, tiny_models_dir, tmp_path):
    res = score(docs, "--model", tmp_path / "nowhere")
    assert res.exit_code == 2 and "is not a model folder" in res.output and "Traceback" not in res.output
    res = score(docs, "--models-dir", tiny_models_dir, "-o", docs, "--resume")
    assert res.exit_code == 2 and "is also an input" in res.output
    res = score(tmp_path, "--models-dir", tiny_models_dir)
    assert res.exit_code == 2 and "not a file" in res.output
    res = score("-", "--input-format", "csv", "--models-dir", tiny_models_dir, input="id,text\n7,Rain is expected.\n")
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] == "7"
