"""Streaming input for batch scoring: JSON Lines, CSV and Parquet readers.

Readers yield one `Record` at a time and report how far into their file they
are (`position`, in bytes), so a progress bar can show a rate and an ETA without
counting the input first. Output files live in `training.outputs`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from training.jsonl import DataError

FORMATS = ("jsonl", "csv", "parquet")
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
STDIO = "-"

# Long documents are legal; the csv module's default field limit (128 KiB) is not.
csv.field_size_limit(1 << 30)


@dataclass(slots=True)
class Record:
    id: Any
    text: str
    where: str
    line: int


def detect(name: str, explicit: str | None) -> str:
    """The format of a file: the explicit one, else its extension; '-' is JSONL."""
    if explicit:
        return explicit
    if name == STDIO:
        return "jsonl"
    fmt = SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        raise DataError(name, None, f"cannot tell the format from the extension; name one of {', '.join(FORMATS)}")
    return fmt


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON; the standard library for what orjson refuses (huge ints)."""
    try:
        return orjson.dumps(obj, default=str)
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def id_key(value: Any) -> str | None:
    """Ids are compared by their text, so 7 in JSONL and "7" in CSV are the same id."""
    if value is None or isinstance(value, str):
        return value
    return dumps(value).decode()


# -- readers -----------------------------------------------------------------
class Reader:
    """Records of one input, in order; `size` and `position` are in bytes."""

    def __init__(self, name: str, fmt: str | None = None, text_field: str = "text", id_field: str = "id"):
        self.name = name
        self.where = "<stdin>" if name == STDIO else name
        self.text_field, self.id_field = text_field, id_field
        self.position = 0
        if name == STDIO:
            self.size = None
        else:
            path = Path(name)
            if not path.is_file():
                raise DataError(self.where, None, "not a file" if path.exists() else "no such file")
            self.size = path.stat().st_size
        self.fmt = detect(name, fmt)
        if name == STDIO and self.fmt == "parquet":
            raise DataError(self.where, None, "Parquet cannot be read from standard input; give a file")

    def __iter__(self) -> Iterator[Record]:
        return {"jsonl": self._jsonl, "csv": self._csv, "parquet": self._parquet}[self.fmt]()

    def _open(self) -> IO[bytes]:
        return sys.stdin.buffer if self.name == STDIO else open(self.name, "rb")

    def _text(self, value: Any, line: int, row: str = "") -> str:
        if not isinstance(value, str) or not value.strip():
            raise DataError(self.where, line, f"{row}field '{self.text_field}' must be a non-empty string")
        return value

    def _jsonl(self) -> Iterator[Record]:
        f = self._open()
        try:
            for n, raw in enumerate(f, 1):
                self.position += len(raw)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise DataError(self.where, n, "not valid UTF-8") from None
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise DataError(self.where, n, f"invalid JSON ({e.msg} at column {e.colno})") from None
                if not isinstance(obj, dict):
                    raise DataError(self.where, n, f"expected a JSON object, got {type(obj).__name__}")
                yield Record(obj.get(self.id_field), self._text(obj.get(self.text_field), n), self.where, n)
        finally:
            if f is not sys.stdin.buffer:
                f.close()

    def _csv(self) -> Iterator[Record]:
        raw = self._open()
        f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(f)
            try:
                header = next(reader, None)
                if header is None:
                    return
                if self.text_field not in header:
                    raise DataError(self.where, 1, f"no '{self.text_field}' column (columns: {', '.join(header)})")
                ti = header.index(self.text_field)
                ii = header.index(self.id_field) if self.id_field in header else None
                for n, row in enumerate(reader, 1):
                    if self.size is not None:  # a pipe has no position
                        self.position = raw.tell()
                    if not row:
                        continue
                    if len(row) != len(header):
                        raise DataError(self.where, reader.line_num, f"row {n} has {len(row)} fields, the header {len(header)}")
                    rid = (row[ii] or None) if ii is not None else None
                    yield Record(rid, self._text(row[ti], reader.line_num, f"row {n}: "), self.where, reader.line_num)
            except UnicodeDecodeError:
                raise DataError(self.where, None, "not valid UTF-8") from None
            except csv.Error as e:
                raise DataError(self.where, reader.line_num, f"invalid CSV ({e})") from None
        finally:
            f.detach()
            if raw is not sys.stdin.buffer:
                raw.close()

    def _parquet(self) -> Iterator[Record]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.name)
        except (pa.ArrowException, OSError) as e:
            raise DataError(self.where, None, f"not a readable Parquet file ({e})") from None
        names = pf.schema_arrow.names
        if self.text_field not in names:
            raise DataError(self.where, None, f"no '{self.text_field}' column (columns: {', '.join(names)})")
        columns = [self.text_field] + ([self.id_field] if self.id_field in names else [])
        total, n = max(pf.metadata.num_rows, 1), 0
        with pf:
            for batch in pf.iter_batches(batch_size=4096, columns=columns):
                texts = batch.column(self.text_field).to_pylist()
                ids = batch.column(self.id_field).to_pylist() if len(columns) == 2 else [None] * len(texts)
                for rid, text in zip(ids, texts):
                    n += 1
                    yield Record(rid, self._row_text(text, n), self.where, n)
                self.position = int(self.size * n / total)

    def _row_text(self, value: Any, n: int) -> str:
        if not isinstance(value, str) or not value.strip():
            raise DataError(self.where, None, f"row {n}: field '{self.text_field}' must be a non-empty string")
        return value
