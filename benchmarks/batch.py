"""Batch scoring through the CLI: throughput per worker count and peak memory of the process tree.

    .venv/bin/python benchmarks/batch.py [--n 1000000] [--jobs 1 2] [--models-dir DIR] [--workdir DIR]

Writes `--n` short texts (about 40 words, windows of the seed corpus) to a JSONL
file, then runs `modlens score FILE -o OUT --jobs J` as a subprocess for each J,
sampling the resident memory of the command and all its workers every 0.1 s.
Throughput is texts per second of wall time, start-up included; the CPU time
and "cores busy" show how much of the machine the run got when it is shared. With no model
under --models-dir the default model is trained from seeds/ first.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def write_texts(path: Path, n: int, words: int, seed: int = 0) -> None:
    """`n` windows of `words` consecutive words from the seed corpus, with ids."""
    corpus = [json.loads(line)["text"].split() for f in sorted((REPO / "seeds").glob("*.jsonl")) for line in f.open()]
    corpus = [w for w in corpus if len(w) >= 10]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            doc = corpus[rng.randrange(len(corpus))]
            start = rng.randrange(max(1, len(doc) - words))
            f.write(json.dumps({"id": i, "text": " ".join(doc[start : start + words])}, ensure_ascii=False) + "\n")


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run(cmd: list[str]) -> tuple[float, float, int, float]:
    """Wall seconds, CPU seconds (the command and every worker it reaped), peak resident bytes of
    the tree, and the cores the whole machine kept busy meanwhile (this run and everyone else's)."""
    start, machine = time.perf_counter(), psutil.cpu_times()
    proc = subprocess.Popen(cmd)
    ps, peak = psutil.Process(proc.pid), 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            peak = max(peak, tree_rss(ps))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    after = psutil.cpu_times()
    idle = (after.idle + after.iowait) - (machine.idle + machine.iowait)
    busy = sum(after) - sum(machine) - idle
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, peak, busy / seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--words", type=int, default=40)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models-dir", type=Path, default=REPO / "models")
    ap.add_argument("--workdir", type=Path, help="Keep the input and outputs here (default: a temporary folder).")
    args = ap.parse_args()

    modlens = str(Path(sys.executable).parent / "modlens")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="modlens-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not (args.models_dir / "current").is_file():
            subprocess.run([modlens, "train", "--data", str(REPO / "seeds"), "--out", str(args.models_dir)], check=True)
        src = work / f"texts-{args.n}.jsonl"
        if not src.exists():
            write_texts(src, args.n, args.words)
        print(f"{args.n:,} texts of {args.words} words ({src.stat().st_size / 1e6:.0f} MB); cores: {os.cpu_count()}; "
              f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
        results = {}
        for jobs in args.jobs:
            out = work / f"out-jobs{jobs}.jsonl"
            cmd = [modlens, "score", str(src), "--models-dir", str(args.models_dir), "-o", str(out), "--jobs", str(jobs), "-q"]
            seconds, cpu, peak, machine = run(cmd)
            results[jobs] = args.n / seconds
            # Cores busy = CPU seconds / wall seconds: on a shared machine, how much CPU the run actually got.
            print(f"--jobs {jobs}: {seconds:7.1f} s  {args.n / seconds:8,.0f} texts/s  peak RSS of the tree {peak / 2**20:6,.0f} MiB  "
                  f"CPU {cpu:7.1f} s ({cpu / seconds:.2f} cores busy, {args.n / cpu:,.0f} texts per CPU-second)  "
                  f"machine busy {machine:.2f} of {os.cpu_count()} cores", flush=True)  # fmt: skip
        if len(results) > 1:
            base = results[min(results)]
            for jobs, rate in results.items():
                if jobs != min(results):
                    print(f"throughput --jobs {jobs} / --jobs {min(results)}: {rate / base:.2f}x")
            outs = [work / f"out-jobs{j}.jsonl" for j in results]
            same = all(filecmp.cmp(outs[0], o, shallow=False) for o in outs[1:])
            print(f"outputs identical across job counts: {same}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
