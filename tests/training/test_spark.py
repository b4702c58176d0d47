"""Scoring on a local Spark session gives exactly what `modlens score` gives."""

import logging
import os
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from service.cli import app
from tests import corpus_factory
from training import artifacts

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JAVA_HOME"), reason="Spark needs Java, which is not installed"
)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # py4j logs its connection closing from __del__ at exit, after pytest has closed the streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    # Python workers must run this interpreter, the one modlens is installed in.
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    # Local mode talks to itself: never through an outward address the machine may not route.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("modlens-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_scores_100k_texts_exactly_like_the_cli(spark, tiny_models_dir, tmp_path):
    from training.spark import score_udf

    n = 100_000
    src = tmp_path / "texts.parquet"
    pq.write_table(pa.Table.from_pylist(corpus_factory.unlabelled(n, seed=8)), src)
    # One blank text: Spark gives it nulls rather than failing the job (the CLI refuses it, so it is scored apart).
    blank = spark.createDataFrame([(n, "  ")], "id long, text string")

    cli_out = tmp_path / "cli.parquet"
    res = CliRunner().invoke(app, ["score", str(src), "--models-dir", str(tiny_models_dir), "-o", str(cli_out)])
    assert res.exit_code == 0, res.output
    want = pq.read_table(cli_out)

    score = score_udf(str(tiny_models_dir))  # a models folder: its current model
    df = spark.read.parquet(str(src)).repartition(2).unionByName(blank)
    got = df.select("id", score("text").alias("r")).select("id", "r.*").toArrow().sort_by("id")

    assert got.num_rows == n + 1
    tail = got.slice(n).to_pylist()[0]
    assert tail["id"] == n and tail["label"] is None and tail["spans"] is None
    got = got.slice(0, n)
    assert got.column_names == want.column_names
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    labels = set(want.column("label").to_pylist())
    assert labels == {"propaganda", "reporting", "unrelated"}
    assert sum(s != "[]" for s in want.column("spans").to_pylist()) > 1000
    assert artifacts.current(tiny_models_dir) is not None
