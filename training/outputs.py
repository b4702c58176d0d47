"""Batch-scoring output files: chunk encoding, appending sinks, and what a resumed run skips.

Every format holds the same columns, `id, label, propaganda_score, scores,
spans`. JSONL keeps them as JSON; CSV keeps `scores` and `spans` as JSON text;
Parquet keeps `scores` as a struct and `spans` as JSON text (span fields may
grow, a Parquet schema may not). `encode` runs in the worker processes, the
sinks in the parent.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.formats import Record, dumps, id_key
from training.jsonl import DataError
from training.labels import LABELS

COLUMNS = ("id", "label", "propaganda_score", "scores", "spans")


def encode(fmt: str, ids: Sequence[Any], results: Sequence[dict]) -> Any:
    """One chunk of results in the output format: bytes, or an Arrow batch without ids."""
    if fmt == "jsonl":
        return b"".join(dumps({"id": i, **r}) + b"\n" for i, r in zip(ids, results))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for i, r in zip(ids, results):
            rid = "" if i is None else id_key(i)
            w.writerow([rid, r["label"], repr(r["propaganda_score"]), dumps(r["scores"]).decode(), dumps(r["spans"]).decode()])
        return buf.getvalue().encode("utf-8")
    import pyarrow as pa

    # The id column is added by the parent, which knows the file's id type.
    return pa.RecordBatch.from_pydict(
        {
            "label": [r["label"] for r in results],
            "propaganda_score": [r["propaganda_score"] for r in results],
            "scores": [r["scores"] for r in results],
            "spans": [dumps(r["spans"]).decode() for r in results],
        },
        schema=result_schema(),
    )


def result_schema(id_type=None):
    import pyarrow as pa

    fields = [
        ("label", pa.string()),
        ("propaganda_score", pa.float64()),
        ("scores", pa.struct([(lab, pa.float64()) for lab in LABELS])),
        ("spans", pa.string()),
    ]
    return pa.schema(([("id", id_type)] if id_type is not None else []) + fields)


class BytesSink:
    """JSONL or CSV: each chunk is one write of whole records, flushed at once."""

    def __init__(self, path: Path, fmt: str, append: bool):
        fresh = not append or not path.exists() or path.stat().st_size == 0
        self.f = open(path, "ab" if append else "wb")
        if fmt == "csv" and fresh:
            self.f.write((",".join(COLUMNS) + "\n").encode())

    def write(self, fragment: bytes, records: Sequence[Record]) -> None:
        self.f.write(fragment)
        self.f.flush()

    def close(self) -> None:
        self.f.close()


class ParquetSink:
    """A new Parquet file; a resumed run copies the old file's rows in first.

    The id column is int64 when the first ids written are all integers, text
    otherwise (a resumed file keeps its type).
    """

    def __init__(self, path: Path, copy_from: Path | None = None):
        import pyarrow.parquet as pq

        self.path, self.writer, self.id_type = path, None, None
        if copy_from is not None:
            with pq.ParquetFile(copy_from) as old:
                self._open(old.schema_arrow.field("id").type)
                for batch in old.iter_batches(batch_size=65536):
                    self.writer.write_batch(batch)

    def _open(self, id_type) -> None:
        import pyarrow.parquet as pq

        self.id_type = id_type
        self.writer = pq.ParquetWriter(self.path, result_schema(id_type), compression="zstd")

    def write(self, batch, records: Sequence[Record]) -> None:
        import pyarrow as pa

        ids = [r.id for r in records]
        if self.writer is None:
            given = [i for i in ids if i is not None]
            ints = given and all(isinstance(i, int) and not isinstance(i, bool) for i in given)
            self._open(pa.int64() if ints else pa.string())
        if pa.types.is_integer(self.id_type):
            for r in records:
                if r.id is not None and (not isinstance(r.id, int) or isinstance(r.id, bool)):
                    raise DataError(
                        r.where, r.line, f"id {r.id!r} is not an integer, but the Parquet output's ids are "
                        "(the first ids decide); use one id type, or write JSONL or CSV"
                    )
        else:
            ids = [id_key(i) for i in ids]
        self.writer.write_batch(batch.add_column(0, pa.field("id", self.id_type), pa.array(ids, self.id_type)))

    def close(self) -> None:
        import pyarrow as pa

        if self.writer is None:
            self._open(pa.string())
        self.writer.close()


def open_sink(fmt: str, path: Path, append: bool, copy_from: Path | None = None):
    return ParquetSink(path, copy_from) if fmt == "parquet" else BytesSink(path, fmt, append)


def _drop_partial_tail(path: Path) -> None:
    """Cut a last line without its newline: the one record a killed run may have half-written."""
    with open(path, "r+b") as f:
        end = f.seek(0, io.SEEK_END)
        if end == 0:
            return
        f.seek(end - 1)
        if f.read(1) == b"\n":
            return
        pos = end
        while pos > 0:
            step = min(pos, 1 << 16)
            pos -= step
            f.seek(pos)
            cut = f.read(step).rfind(b"\n")
            if cut >= 0:
                f.truncate(pos + cut + 1)
                return
        f.truncate(0)


def done_ids(path: Path, fmt: str) -> tuple[set[str], int]:
    """Keys of the ids already in an output, and how many of its records have no id.

    A JSONL or CSV output's half-written last line is removed first.
    """
    where, keys, unnamed = str(path), set(), 0
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as e:
            raise DataError(where, None, f"cannot resume: not a readable Parquet file ({e})") from None
        if tuple(pf.schema_arrow.names) != COLUMNS:
            raise DataError(where, None, f"cannot resume: columns are not {', '.join(COLUMNS)}")
        with pf:
            for batch in pf.iter_batches(batch_size=65536, columns=["id"]):
                for v in batch.column(0).to_pylist():
                    if v is None:
                        unnamed += 1
                    else:
                        keys.add(id_key(v))
        return keys, unnamed
    _drop_partial_tail(path)
    with open(path, encoding="utf-8", newline="") as f:
        if fmt == "csv":
            reader = csv.reader(f)
            try:
                header = next(reader, None)
                if header is not None and tuple(header) != COLUMNS:
                    raise DataError(where, 1, f"cannot resume: the header is not {','.join(COLUMNS)}")
                values = (row[0] or None for row in reader if row)
                for v in values:
                    unnamed += v is None
                    if v is not None:
                        keys.add(v)
            except csv.Error as e:
                raise DataError(where, reader.line_num, f"cannot resume: invalid CSV ({e})") from None
            return keys, unnamed
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                v = json.loads(line).get("id")
            except (json.JSONDecodeError, AttributeError):
                raise DataError(where, n, "cannot resume: not a JSON object line") from None
            unnamed += v is None
            if v is not None:
                keys.add(id_key(v))
    return keys, unnamed
