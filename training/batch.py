"""Batch scoring of large inputs: streamed in chunks, scored across cores, resumable.

The input is read one chunk at a time and chunks are scored by joblib worker
processes, each loading the model once (`cached_model`); results come back in
input order and are appended to the output as they arrive, so memory holds only
the chunks in flight. Without `resume` the output is written to a temporary file
and renamed (or copied to stdout) only when every input record has been scored:
bad input leaves nothing behind. With `resume` the run appends complete chunks
to the output, skipping the records it already holds, so a run that was stopped
or failed on bad input can be rerun to finish.
"""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from training import outputs
from training.formats import STDIO, Reader, Record, detect, id_key
from training.jsonl import DataError
from training.model import Model

WEIGHTS = "model.skops"  # artifacts.WEIGHTS, named here so workers never import skops
_MODELS: dict[tuple[str, int], Model] = {}


def _key(folder: str) -> tuple[str, int]:
    return str(folder), os.stat(Path(folder) / WEIGHTS).st_mtime_ns


def cached_model(folder: str) -> Model:
    """The model in `folder`, loaded once per process (and again if its weights change)."""
    from training import artifacts

    try:
        key = _key(folder)
    except OSError:
        return artifacts.load(Path(folder))  # not a model folder: raises its ArtifactError
    if key not in _MODELS:
        _MODELS.clear()
        _MODELS[key] = artifacts.load(Path(folder))
    return _MODELS[key]


def _handover(folder: str) -> tuple[tuple[str, int], bytes]:
    """The parent's verified model as its fitted parts (the Model's own caches are rebuilt)."""
    m = cached_model(folder)
    return _key(folder), pickle.dumps((m.features, m.classifier, m.metadata), protocol=pickle.HIGHEST_PROTOCOL)


def _adopt(key: tuple[str, int], parts: bytes) -> None:
    """Worker initializer: take the parent's verified model instead of loading it again.

    Unpickling the parent's own objects takes milliseconds where a skops load
    (hash check, type audit) takes seconds, and the worker never imports skops.
    """
    _MODELS.clear()
    _MODELS[key] = Model(*pickle.loads(parts))


def score_chunk(folder: str, ids: list, texts: list[str], spans: bool, fmt: str):
    """Score one chunk and encode it for the output; runs in a worker process."""
    return outputs.encode(fmt, ids, cached_model(folder).score(texts, spans=spans))


@dataclass
class Job:
    inputs: list[str]
    output: Path | None = None
    input_format: str | None = None
    output_format: str | None = None
    text_field: str = "text"
    id_field: str = "id"
    spans: bool = True
    jobs: int = -1
    chunk_size: int = 256
    resume: bool = False
    quiet: bool = False
    # Smaller inputs are scored in this process: starting workers (imports,
    # model hand-over) costs more than they save.
    min_parallel: int = 10_000


@dataclass
class Summary:
    scored: int = 0
    skipped: int = 0
    seconds: float = 0.0
    workers: int = 1


class _Chunks:
    """Chunks of input records still to score; remembers each one's records and end position.

    joblib may pull chunks from a thread of its own; a bad record stops the
    chunks, and the error is raised by the caller once the earlier chunks are written.
    """

    def __init__(self, readers: list[Reader], size: int, done: set[str], unnamed: int):
        self.readers, self.size, self.done, self.unnamed = readers, size, done, unnamed
        self.pending: deque[tuple[list[Record], int]] = deque()
        self.error: DataError | None = None
        self.skipped = 0
        self._offset, self._reader = 0, readers[0]

    def _all(self) -> Iterator[Record]:
        for rd in self.readers:
            self._reader = rd
            yield from rd
            self._offset += rd.size or 0

    def _records(self) -> Iterator[Record]:
        for r in self._all():
            if r.id is None and self.unnamed:
                # The output holds the first `unnamed` id-less records, in input order.
                self.unnamed -= 1
                self.skipped += 1
            elif r.id is not None and self.done and id_key(r.id) in self.done:
                self.skipped += 1
            else:
                yield r

    def position(self) -> int:
        """Bytes of input read so far, across all inputs."""
        return self._offset + self._reader.position

    def __iter__(self) -> Iterator[list[Record]]:
        it = self._records()
        try:
            while chunk := list(itertools.islice(it, self.size)):
                self.pending.append((chunk, self.position()))
                yield chunk
        except DataError as e:
            self.error = e


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("scoring"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[texts]:,} texts, {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )


def run(job: Job, model_dir: Path, console: Console) -> Summary:
    """Score `job.inputs` with the model in `model_dir` into `job.output` (stdout when None)."""
    out_fmt = detect(str(job.output) if job.output else STDIO, job.output_format)
    readers = [Reader(name, job.input_format, job.text_field, job.id_field) for name in job.inputs or [STDIO]]
    cached_model(str(model_dir))  # a missing or bad model fails here, before any output exists
    if job.resume and job.output is None:
        raise DataError("--resume", None, "needs an output file (-o FILE)")
    if job.output is not None and any(rd.size is not None and Path(rd.name).resolve() == job.output.resolve() for rd in readers):
        raise DataError(str(job.output), None, "is also an input; write the results to another file")
    resuming = job.resume and job.output.exists()
    done, unnamed = outputs.done_ids(job.output, out_fmt) if resuming else (set(), 0)

    append_in_place = job.resume and out_fmt != "parquet"
    if append_in_place:
        target = job.output
    else:
        # Beside the output so the final rename stays on one file system.
        folder = job.output.parent if job.output else Path(tempfile.gettempdir())
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{job.output.name if job.output else 'modlens'}.")
        os.close(fd)
        target = Path(name)
    try:
        sink = outputs.open_sink(out_fmt, target, append_in_place, job.output if resuming and out_fmt == "parquet" else None)
    except BaseException:
        if target != job.output:
            target.unlink(missing_ok=True)
        raise

    chunks = _Chunks(readers, job.chunk_size, done, unnamed)
    summary = Summary()
    start = time.perf_counter()
    ok = False
    try:
        with _progress(console, job.quiet) as progress:
            sizes = [rd.size for rd in readers]
            task = progress.add_task("scoring", total=None if None in sizes else sum(sizes), texts=0, rate=0.0)
            for fragment in _score(chunks, str(model_dir), job, summary):
                records, pos = chunks.pending.popleft()
                sink.write(fragment, records)
                summary.scored += len(records)
                rate = summary.scored / max(time.perf_counter() - start, 1e-9)
                progress.update(task, completed=pos, texts=summary.scored, rate=rate)
        if chunks.error is not None:
            raise chunks.error
        ok = True
    finally:
        summary.skipped = chunks.skipped
        summary.seconds = time.perf_counter() - start
        keep = ok or job.resume  # a resumed run keeps every complete chunk it wrote
        try:
            sink.close()
        finally:
            if target != job.output:
                if keep and job.output is not None:
                    os.replace(target, job.output)
                else:
                    if ok:
                        _copy_to_stdout(target)
                    target.unlink(missing_ok=True)
    return summary


def _score(chunks: _Chunks, folder: str, job: Job, summary: Summary) -> Iterator:
    """Encoded results of each chunk, in input order."""
    it = iter(chunks)
    head = list(itertools.islice(it, -(-job.min_parallel // job.chunk_size) + 1))
    workers = _workers(job.jobs)
    if sum(map(len, head)) <= job.min_parallel or workers == 1:
        # One chunk or one core: no worker processes to start.
        summary.workers = 1
        for chunk in itertools.chain(head, it):
            yield score_chunk(folder, [r.id for r in chunk], [r.text for r in chunk], job.spans, _fmt(job))
        return
    from joblib import Parallel, delayed

    summary.workers = workers
    tasks = (
        delayed(score_chunk)(folder, [r.id for r in c], [r.text for r in c], job.spans, _fmt(job))
        for c in itertools.chain(head, it)
    )
    # batch_size=1: our chunks are the unit; pre_dispatch bounds the chunks in flight.
    handover = _handover(folder)
    _MODELS.clear()  # the workers score; this process only reads and writes
    parallel = Parallel(
        n_jobs=workers,
        backend="loky",
        return_as="generator",
        batch_size=1,
        pre_dispatch="2*n_jobs",
        initializer=_adopt,
        initargs=handover,
    )
    yield from parallel(tasks)


def _fmt(job: Job) -> str:
    return detect(str(job.output) if job.output else STDIO, job.output_format)


def _workers(jobs: int) -> int:
    from joblib import cpu_count

    # joblib's convention: -1 is every core, -2 all but one.
    return jobs if jobs > 0 else max(1, cpu_count() + 1 + jobs)


def _copy_to_stdout(path: Path) -> None:
    sys.stdout.flush()
    with open(path, "rb") as f:
        shutil.copyfileobj(f, sys.stdout.buffer)
    sys.stdout.buffer.flush()
