"""How fast is modlens? Every figure of issue 7, from one run on this machine.

    .venv/bin/python benchmarks/speed.py [--quick] [--train-docs 100000] [--profile]

Documents are built from the project's own `seeds/` (passages joined until a
document has the wanted number of words), so the vocabulary is realistic and
nothing outside the repository is needed. It prints, in order:

1. in-process bulk throughput for ~40, 300 and 1,000-word documents, with and
   without spans, and 2. the tokenise-only floor (the model's own
   `VoiceTokenizer`) with 3. the ratio of the two;
4. single-document latency with spans;
   the cost per character from 300 to 100,000 words, and a 1 MB text;
5. HTTP throughput and latency against a real `modlens serve` (one uvicorn
   worker) on loopback, single and batch requests, 1 and 8 clients;
6. training time on 100,000 documents recombined from seed sentences;
7. artifact sizes and the server's memory;
then a table of every target. Throughput is per core: scoring is
single-threaded, so docs per CPU-second of the scoring process (wall-clock
figures are printed beside it; on a shared machine they are lower).
"""

from __future__ import annotations

import os

# One core means one core: no BLAS threads anywhere (set before numpy loads).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import atexit  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import Server, run_load  # noqa: E402

from training import artifacts  # noqa: E402
from training.corpus import read_corpus  # noqa: E402
from training.fit import train  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"\S+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def say(*args) -> None:
    print(*args, flush=True)


# -- documents ------------------------------------------------------------------


def documents(passages: list[str], words: int, n: int, rng: random.Random) -> list[str]:
    """`n` documents of exactly `words` words: seed passages joined, cut after the last word."""
    out = []
    for _ in range(n):
        parts, count = [], 0
        while count < words:
            p = rng.choice(passages)
            parts.append(p)
            count += len(p.split())
        text = "\n\n".join(parts)
        ends = [m.end() for m in _WORD.finditer(text)]
        out.append(text[: ends[words - 1]])
    return out


def recombined(records, n: int, rng: random.Random) -> list[dict]:
    """`n` training records, each the shuffled sentences of 1-3 seed passages of one label."""
    by_label: dict[str, list[list[str]]] = {}
    for r in records:
        by_label.setdefault(r.label, []).append(_SENTENCE.split(r.text))
    labels = [r.label for r in records]  # the seeds' label balance
    out = []
    for i in range(n):
        label = rng.choice(labels)
        sentences = [s for _ in range(rng.randint(1, 3)) for s in rng.choice(by_label[label])]
        rng.shuffle(sentences)
        out.append({"id": f"r{i}", "text": " ".join(sentences), "label": label})
    return out


# -- measuring ------------------------------------------------------------------


def throughput(fn, docs: list, batch: int = 256, repeat: int = 3) -> tuple[float, float]:
    """(docs per CPU-second, docs per wall-second), best of `repeat` after one warm-up pass."""
    for i in range(0, len(docs), batch):
        fn(docs[i : i + batch])
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        for i in range(0, len(docs), batch):
            fn(docs[i : i + batch])
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return len(docs) / best_cpu, len(docs) / best_wall


def latencies(fn, docs: list, calls: int) -> tuple[np.ndarray, np.ndarray]:
    """Wall and CPU milliseconds of `calls` single-document calls."""
    for d in docs[:50]:
        fn([d])
    wall, cpu = [], []
    for k in range(calls):
        d = docs[k % len(docs)]
        c0, w0 = time.thread_time(), time.perf_counter()
        fn([d])
        wall.append(time.perf_counter() - w0)
        cpu.append(time.thread_time() - c0)
    return np.array(wall) * 1000, np.array(cpu) * 1000


def pct(a, q: float) -> float:
    return float(np.percentile(a, q))


def profile(fn, top: int = 14) -> str:
    prof = cProfile.Profile()
    prof.runcall(fn)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return "\n".join(line for line in buf.getvalue().splitlines() if line.strip())


# -- the run ----------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=Path, default=REPO / "seeds")
    ap.add_argument("--train-docs", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="fewer documents and shorter HTTP runs")
    ap.add_argument("--profile", action="store_true", help="print the profiles even where targets are met")
    args = ap.parse_args()
    scale = 0.25 if args.quick else 1.0
    rng = random.Random(7)
    rows: list[tuple[str, str, str, bool | None]] = []
    load0 = os.getloadavg()
    say(f"machine: {os.cpu_count()} cores, load average {load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f} at start")

    corpus = read_corpus([args.seeds])
    passages = [r.text for r in corpus.records]
    work = Path(tempfile.mkdtemp(prefix="modlens-speed-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    t0 = time.perf_counter()
    model = train(corpus)
    seed_train = time.perf_counter() - t0
    seed_dir = artifacts.save(model, work / "seed-models")
    model = artifacts.load(seed_dir)
    seed_mb = (seed_dir / artifacts.WEIGHTS).stat().st_size / 1e6
    say(f"default model: trained on {len(passages)} seed records in {seed_train:.1f} s; artifact {seed_mb:.1f} MB")

    # 1-3. Bulk throughput and the tokenise-only floor.
    say("\n[1-3] in-process bulk throughput, docs/s per core (wall-clock in brackets)")
    say(f"{'words':>6} {'tokenise only':>20} {'score, no spans':>20} {'ratio':>6} {'score, spans':>20}")
    tokenise = model.features[0].transform
    bulk = {}
    for words, n in ((40, 4000), (300, 1000), (1000, 300)):
        docs = documents(passages, words, max(50, int(n * scale)), rng)
        floor = throughput(tokenise, docs)
        plain = throughput(lambda b: model.score(b, spans=False), docs)
        spans = throughput(lambda b: model.score(b, spans=True), docs)
        bulk[words] = (floor, plain, spans, docs)
        say(
            f"{words:>6} {floor[0]:>10,.0f} ({floor[1]:>6,.0f}) {plain[0]:>10,.0f} ({plain[1]:>6,.0f})"
            f" {plain[0] / floor[0]:>5.0%} {spans[0]:>10,.0f} ({spans[1]:>6,.0f})"
        )
    floor, plain, spans, docs300 = bulk[300]
    ratio = plain[0] / floor[0]
    rows += [
        ("bulk, 300 words, no spans (docs/s/core)", "≥ 3,000", f"{plain[0]:,.0f}", plain[0] >= 3000),
        ("  ... as a share of the tokenise-only floor", "≥ 50%", f"{ratio:.0%} of {floor[0]:,.0f}", ratio >= 0.5),
        ("bulk, 300 words, with spans (docs/s/core)", "≥ 1,000", f"{spans[0]:,.0f}", spans[0] >= 1000),
    ]

    # 4. One document at a time.
    say("\n[4] one 300-word document with spans, in-process (ms)")
    wall, cpu = latencies(lambda b: model.score(b), docs300, int(2000 * scale))
    p50, p99 = pct(wall, 50), pct(wall, 99)
    say(f"wall p50 {p50:.2f}  p99 {p99:.2f}  max {wall.max():.2f};  CPU p50 {pct(cpu, 50):.2f}  p99 {pct(cpu, 99):.2f}")
    rows += [
        ("one doc with spans, p50 (ms)", "≤ 2", f"{p50:.2f}", p50 <= 2),
        ("one doc with spans, p99 (ms)", "≤ 5", f"{p99:.2f} (CPU {pct(cpu, 99):.2f})", p99 <= 5),
    ]

    # Linearity and the 1 MB text.
    say("\n[linearity] one document with spans: CPU cost per character (best of several documents)")
    per_char = {}
    for words, reps in ((300, 200), (1000, 60), (10_000, 6), (100_000, 3)):
        ds = documents(passages, words, max(3, int(reps * scale)), rng)
        model.score(ds[:1])
        best = min(_timed(lambda d=d: model.score([d]))[1] / len(d) for d in ds)
        per_char[words] = best * 1e9
        say(f"{words:>7} words ~{len(ds[0]):>9,} chars  {best * len(ds[0]) * 1000:9.2f} ms  {per_char[words]:6.0f} ns/char")
    spread = max(per_char.values()) / min(per_char.values())
    rows.append(("CPU per char, 300 → 100,000 words (max/min)", "linear (≤ 2×)", f"{spread:.2f}×", spread <= 2))
    big = documents(passages, 200_000, 1, rng)[0][:1_000_000]
    big_wall, big_cpu = min(_timed(lambda: model.score([big])) for _ in range(3))
    n_spans = len(model.score([big])[0]["spans"])
    say(f"1 MB text ({len(big):,} chars): {big_wall:.2f} s wall, {big_cpu:.2f} s CPU, with spans ({n_spans} spans)")

    # 5 and 7. HTTP against a real server.
    say("\n[5] HTTP, one uvicorn worker (`modlens serve`), clients in a separate process")
    seconds = 5.0 * scale if args.quick else 5.0
    single = [json.dumps({"text": d}).encode() for d in docs300[:200]]
    batches = [(docs300 * 2)[k : k + 100] for k in range(0, 500, 100)]
    batch = [json.dumps({"texts": b}).encode() for b in batches]
    batch_plain = [json.dumps({"texts": b, "spans": False}).encode() for b in batches]
    http = {}
    # A load test from one address: the per-client rate limit would measure itself.
    with Server(seed_dir, env={"MODLENS_OPEN": "true", "MODLENS_RATE_LIMIT_PER_SECOND": "0"}) as server:
        idle_rss = server.memory_mb()[0]
        say(f"{'request':24} {'clients':>7} {'req/s':>7} {'docs/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'req/CPU-s':>9}  statuses")
        for name, bodies, per in (
            ("single, spans", single, 1),
            ("batch of 100, spans", batch, 100),
            ("batch of 100, no spans", batch_plain, 100),
        ):
            for clients in (1, 8):
                if name.endswith("no spans") and clients == 1:
                    continue
                c0 = server.cpu_seconds()
                res = run_load(f"{server.url}/v1/score", bodies, clients, seconds)
                cpu_s = server.cpu_seconds() - c0
                lat = np.array(res["latencies_ms"])
                rps = res["requests"] / res["seconds"]
                http[name, clients] = (rps, rps * per, pct(lat, 50), pct(lat, 99))
                say(
                    f"{name:24} {clients:>7} {rps:>7.0f} {rps * per:>7.0f} {pct(lat, 50):>7.1f} {pct(lat, 99):>7.1f}"
                    f" {res['all_requests'] / cpu_s:>9.0f}  {res['statuses']}"
                )
        t = time.perf_counter()
        too_big = httpx.post(f"{server.url}/v1/score", json={"text": big}, timeout=60)
        reject_ms = (time.perf_counter() - t) * 1000
        code = too_big.json().get("error", {}).get("code")
        say(f"1 MB text over HTTP: {too_big.status_code} {code} in {reject_ms:.0f} ms (limit MODLENS_MAX_TEXT_CHARS)")
        rss, peak = server.memory_mb()
        say(f"\n[7] server memory: RSS {idle_rss:.0f} MB when ready, {rss:.0f} MB after the load, peak {peak:.0f} MB")
    rps, _, _, p99h = http["single, spans", 8]
    batch_docs = max(http["batch of 100, spans", 1][1], http["batch of 100, spans", 8][1])
    rows += [
        ("HTTP 1 worker, 8 clients, spans (req/s)", "≥ 400", f"{rps:.0f}", rps >= 400),
        ("HTTP 1 worker, 8 clients, spans, p99 (ms)", "≤ 20", f"{p99h:.1f}", p99h <= 20),
        ("HTTP batch of 100, spans (docs/s)", "≥ 1,500", f"{batch_docs:,.0f}", batch_docs >= 1500),
        (
            "HTTP batch of 100, no spans (docs/s)",
            "(≥ 1,500)",
            f"{http['batch of 100, no spans', 8][1]:,.0f}",
            http["batch of 100, no spans", 8][1] >= 1500,
        ),
        ("worker RSS, peak (MB)", "≤ 300", f"{peak:.0f}", peak <= 300),
        ("1 MB text with spans, in-process (s)", "≤ 1", f"{big_wall:.2f} (CPU {big_cpu:.2f})", big_wall <= 1),
        ("1 MB text over HTTP (limit 100,000 chars)", "clean 413", f"{too_big.status_code} {code}", too_big.status_code == 413),
    ]

    # 6. Training on 100,000 documents.
    n_train = int(args.train_docs * (0.1 if args.quick else 1))
    say(f"\n[6] training on {n_train:,} documents recombined from seed sentences")
    data = work / "train.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for rec in recombined(corpus.records, n_train, rng):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    big_corpus = read_corpus([data])
    mean_words = np.mean([len(r.text.split()) for r in big_corpus.records])
    c0, t0 = time.process_time(), time.perf_counter()
    steps = []
    big_model = train(big_corpus, progress=lambda s: steps.append((time.perf_counter() - t0, s)))
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    for (at, step), nxt in zip(steps, [s[0] for s in steps[1:]] + [train_s]):
        say(f"  {nxt - at:6.1f} s  {step}")
    big_dir = artifacts.save(big_model, work / "big-models")
    big_mb = (big_dir / artifacts.WEIGHTS).stat().st_size / 1e6
    say(
        f"{n_train:,} documents ({mean_words:.0f} words on average): {train_s:.1f} s wall, {train_cpu:.1f} s CPU; "
        f"vocabulary {big_model.metadata['vocabulary_size']:,}; artifact {big_mb:.1f} MB"
    )
    rows += [
        (f"training on {n_train:,} documents (s)", "≤ 60", f"{train_s:.1f}", train_s <= 60),
        (f"model artifact, seeds / {n_train:,} docs (MB)", "≤ 50", f"{seed_mb:.1f} / {big_mb:.1f}", max(seed_mb, big_mb) <= 50),
    ]

    load1 = os.getloadavg()
    say(f"\nload average {load1[0]:.1f} / {load1[1]:.1f} / {load1[2]:.1f} at the end ({os.cpu_count()} cores)")
    say(f"\n{'what':48} | {'target':14} | {'measured':24} | met?")
    say(f"{'-' * 48}-|-{'-' * 14}-|-{'-' * 24}-|-----")
    for what, target, measured, met in rows:
        say(f"{what:48} | {target:14} | {measured:24} | {'yes' if met else 'NO'}")

    if args.profile or not all(met for what, _, _, met in rows[:5]):
        say("\nprofile: bulk scoring of 300-word documents with spans")
        say(profile(lambda: [model.score(docs300[i : i + 256]) for i in range(0, len(docs300), 256)]))


def _timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    c, t = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t, time.process_time() - c


if __name__ == "__main__":
    main()
