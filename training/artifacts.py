"""Model folders on disk: skops weights, JSON metadata, and the `current` pointer.

skops loads without executing code, and only the types listed here are trusted;
the weights' SHA-256 is checked against the metadata before anything is parsed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from training.errors import ArtifactError  # noqa: F401 (re-exported: callers catch it from here)
from training.features import vectorizers
from training.model import Model

WEIGHTS = "model.skops"
METADATA = "metadata.json"
CURRENT = "current"

# Types skops does not trust by default but that a modlens model is made of.
TRUSTED = {
    "training.features.VoiceTokenizer",
    "training.features.AuthorCharGrams",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save(model: Model, models_dir: Path, make_current: bool = True) -> Path:
    """Write the model to `models_dir/<version>` atomically; optionally make it current."""
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=models_dir))
    try:
        _dump(model, tmp / WEIGHTS)
        meta = dict(model.metadata, artifact_sha256=sha256_file(tmp / WEIGHTS))
        (tmp / METADATA).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        model.metadata = meta
        final = models_dir / model.version
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if make_current:
        set_current(models_dir, final)
    return final


# Where each block's vocabulary is stored: the words under their old name, so
# models saved before the character block load unchanged.
_TERMS = {"words": "terms", "chars": "char_terms"}


def _dump(model: Model, path: Path) -> None:
    """skops would store a vocabulary as a JSON object of 100k+ entries, parsed
    twice on load (a 120 MB peak); one array of terms in index order is a single
    compact .npy, and the dict is rebuilt on load."""
    blocks = vectorizers(model.features)
    vocabularies = [vec.vocabulary_ for _, vec, _ in blocks]
    parts = {"features": model.features, "classifier": model.classifier}
    for (name, _, _), vocabulary in zip(blocks, vocabularies):
        terms = np.empty(len(vocabulary), dtype=object)
        for term, i in vocabulary.items():
            terms[i] = term
        parts[_TERMS[name]] = terms.astype(str)
    try:
        for _, vec, _ in blocks:
            vec.vocabulary_ = {}
        sio.dump(parts, path, compression=zipfile.ZIP_DEFLATED)
    finally:
        for (_, vec, _), vocabulary in zip(blocks, vocabularies):
            vec.vocabulary_ = vocabulary


def set_current(models_dir: Path, folder: Path) -> None:
    pointer = models_dir / CURRENT
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(folder.name + "\n")
    os.replace(tmp, pointer)


def current(models_dir: Path) -> Path | None:
    pointer = models_dir / CURRENT
    if not pointer.is_file():
        return None
    folder = models_dir / pointer.read_text().strip()
    return folder if folder.is_dir() else None


def resolve(model_dir: Path | None, models_dir: Path) -> Path:
    """An explicit model folder, or the current one under `models_dir`."""
    if model_dir is not None:
        return model_dir
    found = current(models_dir)
    if found is None:
        raise ArtifactError(f"no current model in {models_dir}/; run `modlens train` first")
    return found


def load(folder: Path) -> Model:
    meta_path, weights = folder / METADATA, folder / WEIGHTS
    if not meta_path.is_file() or not weights.is_file():
        raise ArtifactError(f"{folder} is not a model folder (needs {METADATA} and {WEIGHTS})")
    try:
        meta = json.loads(meta_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ArtifactError(f"{meta_path}: unreadable metadata ({e})") from None
    digest = sha256_file(weights)
    if digest != meta.get("artifact_sha256"):
        raise ArtifactError(f"{weights}: SHA-256 {digest[:12]}… does not match the metadata; refusing to load")
    try:
        # One pass: skops refuses any type outside its defaults and TRUSTED
        # (asking for the untrusted types first would parse the file twice).
        parts = sio.load(weights, trusted=sorted(TRUSTED))
        for name, vec, _ in vectorizers(parts["features"]):
            vec.vocabulary_ = {str(t): i for i, t in enumerate(parts[_TERMS[name]].tolist())}
        return Model(parts["features"], parts["classifier"], meta)
    except UntrustedTypesFoundException as e:
        raise ArtifactError(f"{weights}: refusing untrusted types ({e})") from None
    except Exception as e:  # a corrupt zip or state must never take the caller down
        raise ArtifactError(f"{weights}: cannot load ({type(e).__name__}: {e})") from None
