"""Distributed batch scoring on Apache Spark: a pandas UDF that loads the model once per executor process.

Needs `pip install 'modlens[spark]'` (pyspark, pandas; Java 17+). Nothing else in
modlens imports this module, so pyspark stays optional.

    from training.spark import score_udf
    score = score_udf("/shared/models/current-model-folder")
    scored = df.withColumn("modlens", score("text")).select("id", "modlens.*")

Each result is a struct `label, propaganda_score, scores{propaganda, reporting,
unrelated}, spans`, with `spans` as JSON text, exactly as `modlens score` writes
Parquet. Null or blank texts get a struct of nulls instead of failing the job.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

from training.batch import WEIGHTS, cached_model
from training.formats import dumps
from training.labels import LABELS

RESULT = StructType(
    [
        StructField("label", StringType()),
        StructField("propaganda_score", DoubleType()),
        StructField("scores", StructType([StructField(lab, DoubleType()) for lab in LABELS])),
        StructField("spans", StringType()),
    ]
)


def model_folder(path: str | Path) -> str:
    """A model folder, or the current model of a models folder (read where the UDF runs)."""
    path = Path(path)
    if (path / WEIGHTS).is_file() or not (path / "current").is_file():
        return str(path)
    return str(path / (path / "current").read_text().strip())


def score_texts(texts: pd.Series, model_dir: str, spans: bool = True) -> pd.DataFrame:
    """Score a batch of texts with the process's cached model; one row per text, in order."""
    model = cached_model(model_folder(model_dir))
    ok = texts.map(lambda t: isinstance(t, str) and bool(t.strip()))
    out = pd.DataFrame(
        {
            "label": pd.Series([None] * len(texts), dtype=object),
            "propaganda_score": pd.Series([None] * len(texts), dtype=object),
            "scores": pd.Series([None] * len(texts), dtype=object),
            "spans": pd.Series([None] * len(texts), dtype=object),
        }
    )
    idx = [i for i, good in enumerate(ok) if good]
    if idx:
        results = model.score([texts.iloc[i] for i in idx], spans=spans)
        out.loc[idx, "label"] = [r["label"] for r in results]
        out.loc[idx, "propaganda_score"] = [r["propaganda_score"] for r in results]
        out.loc[idx, "scores"] = pd.Series([r["scores"] for r in results], index=idx, dtype=object)
        out.loc[idx, "spans"] = [dumps(r["spans"]).decode() for r in results]
    return out


def score_udf(model_dir: str | Path, spans: bool = True):
    """A pandas UDF from a text column to the result struct.

    `model_dir` must be readable where the executors run: shared storage, or a
    relative name shipped with `spark-submit --archives model.tar.gz#name`.
    Python workers are reused between tasks (Spark's default), so each loads the
    model once.
    """
    folder = str(model_dir)

    @pandas_udf(RESULT)
    def modlens_score(texts: pd.Series) -> pd.DataFrame:
        return score_texts(texts, folder, spans)

    return modlens_score
