"""The ONNX-runtime embedder: same vectors as sentence-transformers under torch, torch fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.text import nlp
from qa_pipeline.text.nlp import Embedder, embedded_embedder_path

SENTENCES = [
    "this call is being recorded for quality assurance",
    "this is an attempt to collect a debt and any information obtained will be used for that purpose",
    "can you confirm your date of birth",
    "yeah okay",
    "i lost my job last month and my wife is in the hospital so i can't pay right now",
    "  leading and trailing spaces  ",
    "caf\u00e9 na\u00efve \u00bd \U0001f600",
    "word " * 300,  # longer than the model's 256-token limit: truncated the same way
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # a fresh cache folder, so the export itself runs in the test (not a leftover file)
    cache = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache: Path) -> Embedder:
    return Embedder(embedded_embedder_path(), "cpu")


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(embedded_embedder_path(), "cpu", use_onnx=False)


def test_cpu_embedder_runs_on_onnxruntime_from_an_exported_file(
    onnx_embedder: Embedder, onnx_cache: Path
) -> None:
    assert onnx_embedder.backend == "onnxruntime"
    files = sorted(p.name for p in (onnx_cache / "qa-pipeline" / "onnx").rglob("*") if p.is_file())
    assert files == ["model.onnx"]  # no half-written temporary left behind


def test_onnx_and_torch_vectors_agree(onnx_embedder: Embedder, torch_embedder: Embedder) -> None:
    assert torch_embedder.backend == "torch"
    a = onnx_embedder.encode(SENTENCES)
    b = torch_embedder.encode(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 384)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float((a * b).sum(axis=1).min()) > 0.9999


def test_onnx_vectors_do_not_depend_on_batching(onnx_embedder: Embedder) -> None:
    together = onnx_embedder.encode(SENTENCES, batch_size=64)
    one_by_one = np.stack([onnx_embedder.encode([s])[0] for s in SENTENCES])
    assert float((together * one_by_one).sum(axis=1).min()) > 0.9999


def test_encode_cached_returns_the_same_vectors(onnx_embedder: Embedder) -> None:
    texts = tuple(SENTENCES[:3])
    first = onnx_embedder.encode_cached(texts)
    again = onnx_embedder.encode_cached(list(texts))
    np.testing.assert_array_equal(first, again)
    assert float((first * onnx_embedder.encode(list(texts))).sum(axis=1).min()) > 0.9999
    assert onnx_embedder.encode_cached([]).shape == (0, 384)


def test_failed_export_falls_back_to_torch_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_export(model: object, target: Path) -> None:
        raise RuntimeError("exporter unavailable")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(nlp, "_export_onnx", broken_export)
    with caplog.at_level(logging.WARNING, logger="qa_pipeline.text.nlp"):
        emb = Embedder(embedded_embedder_path(), "cpu")
    assert emb.backend == "torch"
    assert "exporter unavailable" in caplog.text
    assert emb.encode(["this call is recorded"]).shape == (1, 384)


def test_a_changed_model_gets_its_own_export(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"one")
    first = nlp._model_digest(model)
    (model / "weights.bin").write_bytes(b"two")
    assert nlp._model_digest(model) != first
