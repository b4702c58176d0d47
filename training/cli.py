"""`modlens` commands for ML engineers: train, score, eval, promote and data check.

The service adds `serve` to this same app (service may import training; never
the reverse).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from training.errors import ArtifactError
from training.corpus import read_corpus
from training.jsonl import DataError

app = typer.Typer(
    help="modlens: tell extremist propaganda from reporting, and show where it is.",
    no_args_is_help=True,
    add_completion=False,
)
data_app = typer.Typer(help="Inspect and validate labelled data.", no_args_is_help=True)
app.add_typer(data_app, name="data")
err = Console(stderr=True, soft_wrap=True)

DEFAULT_MODELS = Path(os.environ.get("MODLENS_MODELS_DIR", "models"))
DEFAULT_SEEDS = Path(os.environ.get("MODLENS_SEEDS_DIR", "seeds"))
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Model folder (default: the current model).")]
ModelsDirOpt = Annotated[Path, typer.Option("--models-dir", help="Where model folders and `current` live.")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one clear message and exit status 2."""
    try:
        yield
    except (DataError, ArtifactError) as e:
        err.print(f"[bold red]error:[/] {e}", highlight=False)
        raise typer.Exit(2) from None


def train_model(data: list[Path], out: Path, console: Console, make_current: bool = True, **config) -> Path:
    """Fit on `data`, save under `out`, optionally make it current; returns the model folder."""
    from training import artifacts
    from training.fit import TrainConfig, train

    with console.status("reading data") as status:
        corpus = read_corpus(data)
        model = train(corpus, TrainConfig(**config), progress=lambda s: status.update(s))
        status.update("saving")
        folder = artifacts.save(model, out, make_current=make_current)
    meta = model.metadata
    table = Table(title=f"model {model.version}", show_header=False)
    table.add_row("records", ", ".join(f"{k}: {v}" for k, v in meta["counts"].items()))
    table.add_row("skipped (unknown labels)", str(meta["skipped"]))
    held = meta["metrics"]["held_out"]
    if held:
        prop = held["per_class"]["propaganda"]
        table.add_row("held-out accuracy", f"{held['accuracy']:.3f}")
        table.add_row("held-out propaganda P / R", f"{prop['precision']:.3f} / {prop['recall']:.3f}")
        if "spans" in held:
            table.add_row("held-out span char F1", f"{held['spans']['f1']:.3f}")
    t = meta["thresholds"]
    table.add_row(
        "thresholds (decision / quote span / text span)",
        f"{t['decision']:.3f} / {t['span']:.3f} / {t.get('span_text', t['span']):.3f}",
    )
    if "decision_point" in t:
        point, target = t["decision_point"], t["decision_target"]
        goal = f"FPR ≤ {target['fpr']}" if "fpr" in target else f"precision ≥ {target['precision']}"
        table.add_row(
            "decision target (out of fold)",
            f"{goal}: recall {point['recall']:.3f}, FPR {point['fpr']:.4f}",
        )
    table.add_row("training time", f"{meta['train_seconds']:.1f} s")
    table.add_row("saved to", str(folder))
    console.print(table)
    return folder


@app.command()
def train(
    data: Annotated[list[Path] | None, typer.Option("--data", help="JSONL file or folder; repeatable.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Models folder to write into.")] = DEFAULT_MODELS,
    test_size: Annotated[float, typer.Option(min=0.0, max=0.5, help="Held-out share, split by group.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed for the held-out split.")] = 13,
    current: Annotated[
        bool, typer.Option("--current/--no-current", help="Make the new model current (or leave that to `promote`).")
    ] = True,
) -> None:
    """Fit a model from labelled JSONL and make it the current one."""
    with user_errors():
        train_model(data or [DEFAULT_SEEDS], out, err, make_current=current, test_size=test_size, seed=seed)


FORMAT_HELP = "jsonl, csv or parquet (default: from the extension)."


@app.command()
def score(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="JSONL, CSV or Parquet files of {id?, text}; '-' or none for stdin (JSONL).")
    ] = None,
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = DEFAULT_MODELS,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (default: JSONL on stdout).")] = None,
    spans: Annotated[bool, typer.Option(help="Include propaganda spans.")] = True,
    batch_size: Annotated[int, typer.Option(min=1, help="Texts per chunk sent to a worker.")] = 256,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes; -1 = every core, -2 = all but one.")] = -1,
    resume: Annotated[
        bool, typer.Option(help="Append to the output, skipping the ids it already holds (needs -o).")
    ] = False,
    input_format: Annotated[str | None, typer.Option(help=FORMAT_HELP)] = None,
    output_format: Annotated[str | None, typer.Option(help=FORMAT_HELP)] = None,
    text_field: Annotated[str, typer.Option(help="Input field or column holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Input field or column holding the id.")] = "id",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Score documents; one output record per input record, in input order.

    Streams the input in chunks across `--jobs` processes. Without `--resume`
    nothing is written unless every record scores; with it, complete chunks are
    appended and a rerun skips what the output already holds.
    """
    from training import artifacts
    from training.batch import Job, run
    from training.formats import FORMATS

    with user_errors():
        for opt, fmt in (("--input-format", input_format), ("--output-format", output_format)):
            if fmt is not None and fmt.lower() not in FORMATS:
                raise DataError(opt, None, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        if jobs == 0:
            raise DataError("--jobs", None, "must be a number of processes, or negative to count from every core")
        job = Job(
            inputs=inputs or [],
            output=output,
            input_format=input_format and input_format.lower(),
            output_format=output_format and output_format.lower(),
            text_field=text_field,
            id_field=id_field,
            spans=spans,
            jobs=jobs,
            chunk_size=batch_size,
            resume=resume,
            quiet=quiet,
        )
        summary = run(job, artifacts.resolve(model, models_dir), err)
        if output is not None and not quiet:
            skipped = f" ({summary.skipped} already in the output)" if summary.skipped else ""
            rate = summary.scored / max(summary.seconds, 1e-9)
            err.print(
                f"scored {summary.scored} texts{skipped} -> {output} in {summary.seconds:.1f} s "
                f"({rate:,.0f}/s, {summary.workers} worker{'s' if summary.workers > 1 else ''})",
                highlight=False,
            )


@app.command("eval")
def evaluate(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled JSONL file or folder; repeatable.")],
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = DEFAULT_MODELS,
    report: Annotated[Path | None, typer.Option("--report", help="Folder for metrics.json, plots and report.html.")] = None,
    target_precision: Annotated[float, typer.Option(min=0.0, max=1.0, help="Precision the threshold table aims for.")] = 0.95,
) -> None:
    """Measure a model on labelled data, per source and overall."""
    from training import artifacts
    from training.evaluate import evaluate as run_eval
    from training.evaluate import print_table

    with user_errors():
        m = artifacts.load(artifacts.resolve(model, models_dir))
        result = run_eval(m, read_corpus(data), target_precision=target_precision)
        # Piped output gets a fixed width so the table is not squeezed to 80 columns.
        print_table(result.metrics, Console() if sys.stdout.isatty() else Console(width=130))
        if report:
            from training.report import write_report

            page = write_report(result, report)
            err.print(f"report: {page} (metrics in {report / 'metrics.json'})")


@app.command()
def promote(
    candidate: Annotated[Path, typer.Argument(help="The trained model folder to make current.")],
    data: Annotated[list[Path], typer.Option("--data", help="Evaluation JSONL file or folder; repeatable.")],
    models_dir: ModelsDirOpt = DEFAULT_MODELS,
    tolerance: Annotated[float, typer.Option(min=0.0, max=1.0, help="Largest allowed drop in any figure.")] = 0.01,
    force: Annotated[bool, typer.Option("--force", help="Promote despite regressions (logged).")] = False,
) -> None:
    """Make CANDIDATE current, only if it is no worse than the current model on --data."""
    from training import artifacts
    from training import promote as p
    from training.evaluate import evaluate as run_eval

    with user_errors():
        new = artifacts.load(candidate)
        corpus = read_corpus(data)
        old_folder = artifacts.current(models_dir)
        entry = {"candidate": new.version, "current": None, "data": corpus.files, "tolerance": tolerance}
        if old_folder is not None:
            old = artifacts.load(old_folder)
            entry["current"] = old.version
            found = p.regressions(
                run_eval(old, corpus, perturb=False).metrics, run_eval(new, corpus, perturb=False).metrics, tolerance
            )
            entry["regressions"] = [vars(c) for c in found]
            if found:
                table = Table(title=f"{new.version} is worse than {old.version} (tolerance {tolerance})")
                for col in ("where", "metric", "current", "candidate", "change"):
                    table.add_column(col, justify="left" if col in ("where", "metric") else "right")
                for c in found:
                    table.add_row(c.where, c.metric, f"{c.current:.3f}", f"{c.candidate:.3f}", f"{c.delta:+.3f}")
                err.print(table)
                if not force:
                    p.record(models_dir, {**entry, "promoted": False, "forced": False})
                    err.print("[bold red]refused:[/] the candidate regresses; use --force to override (logged)")
                    raise typer.Exit(1)
                err.print("[bold yellow]forced:[/] promoting despite the regressions above")
        folder = p.make_current(candidate, models_dir)
        p.record(models_dir, {**entry, "promoted": True, "forced": bool(force and entry.get("regressions"))})
        err.print(f"{new.version} is now current ({folder})")


@data_app.command("check")
def data_check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: seeds/).")] = None,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print the counts as Markdown tables.")] = False,
) -> None:
    """Validate labelled JSONL: schema, spans, duplicates and balance."""
    from training.check import check, markdown, print_report

    with user_errors():
        report = check(paths or [DEFAULT_SEEDS])
        if as_markdown:
            sys.stdout.write(markdown(report))
            for e in report["errors"]:
                err.print(f"error {e}", highlight=False)
        else:
            print_report(report, Console())
        if report["errors"]:
            raise typer.Exit(1)
