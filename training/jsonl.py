"""JSON Lines reading with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path


class DataError(ValueError):
    """Bad input data; the message says where and what, for a person to fix."""

    def __init__(self, where: str, line: int | None, message: str):
        self.where, self.line = where, line
        loc = f"{where}:{line}" if line is not None else where
        super().__init__(f"{loc}: {message}")


def iter_jsonl(lines: Iterable[str], where: str) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line; objects only."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(where, n, f"invalid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict):
            raise DataError(where, n, f"expected a JSON object, got {type(obj).__name__}")
        yield n, obj


def jsonl_files(path: Path) -> list[Path]:
    """A file, or the `.jsonl` files of a folder in name order."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not files:
            raise DataError(str(path), None, "folder holds no .jsonl files")
        return files
    if not path.is_file():
        raise DataError(str(path), None, "no such file or folder")
    return [path]
