"""pyannote plumbing: a local pipeline folder loads offline and diarizes a call in memory.

No pyannote weights can be downloaded here, so this test BUILDS pyannote's real models (the
PyanNet segmentation model and an x-vector SincNet embedding model) with RANDOM WEIGHTS, a random
PLDA, and writes them into a folder shaped like pyannote/speaker-diarization-community-1
(config.yaml + segmentation/ + embedding/ + plda/). Loading it with
`Pipeline.from_pretrained(<dir>)` and running pyannote's real `SpeakerDiarization` (VBx
clustering) exercises the plumbing only: with random weights the turns mean nothing, so the
tests check shapes, labels, word attribution and errors, not accuracy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import make_test_audio
import numpy as np
import pytest
import yaml

from qa_pipeline.audio import AudioPipeline
from qa_pipeline.audio.diarize import PyannoteDiarizer
from qa_pipeline.config import Settings
from qa_pipeline.errors import ModelNotFoundError

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")

# random weights give degenerate statistics (empty slices, zero variance) inside pyannote
# and numpy; real weights do not
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _save_checkpoint(model: object, folder: Path) -> None:
    import lightning
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = {
        "state_dict": model.state_dict(),  # type: ignore[attr-defined]
        "hyper_parameters": dict(model.hparams),  # type: ignore[attr-defined]
        "pytorch-lightning_version": lightning.__version__,
    }
    model.on_save_checkpoint(checkpoint)  # type: ignore[attr-defined]  # adds pyannote's block
    torch.save(checkpoint, folder / "pytorch_model.bin")


@pytest.fixture(scope="module")
def random_pipeline_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from pyannote.audio import __version__ as pyannote_version
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import XVectorSincNet
    from pyannote.audio.models.segmentation import PyanNet

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("pyannote-random")
    segmentation = PyanNet(sample_rate=16_000)
    segmentation.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION,
        resolution=Resolution.FRAME,
        duration=5.0,
        classes=["speaker#1", "speaker#2", "speaker#3"],
        powerset_max_classes=2,
        permutation_invariant=True,
    )
    segmentation.build()
    _save_checkpoint(segmentation, root / "segmentation")

    embedding = XVectorSincNet(sample_rate=16_000)
    embedding.specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=5.0
    )
    embedding.build()
    _save_checkpoint(embedding, root / "embedding")

    dim, lda_dim = 512, 128  # x-vector size, PLDA space size
    rng = np.random.default_rng(0)
    (root / "plda").mkdir()
    np.savez(
        root / "plda" / "xvec_transform.npz",
        mean1=rng.normal(size=dim) * 0.01,
        mean2=rng.normal(size=lda_dim) * 0.01,
        lda=rng.normal(size=(dim, lda_dim)) / np.sqrt(dim),
    )
    np.savez(
        root / "plda" / "plda.npz",
        mu=np.zeros(lda_dim),
        tr=np.eye(lda_dim) + 0.01 * rng.normal(size=(lda_dim, lda_dim)),
        psi=np.linspace(2.0, 0.1, lda_dim),
    )
    config = {
        "dependencies": {"pyannote.audio": pyannote_version},
        "pipeline": {
            "name": "pyannote.audio.pipelines.SpeakerDiarization",
            "params": {
                "segmentation": "$model/segmentation",
                "embedding": "$model/embedding",
                "plda": "$model/plda",
                "clustering": "VBxClustering",
                "segmentation_step": 0.5,
                "embedding_batch_size": 8,
                "segmentation_batch_size": 8,
                "embedding_exclude_overlap": True,
            },
        },
        "params": {
            "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
            "segmentation": {"min_duration_off": 0.0},
        },
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def short_call(tmp_path_factory: pytest.TempPathFactory) -> make_test_audio.RenderedCall:
    if not make_test_audio.espeak_available():
        pytest.skip("espeak-ng is not installed")
    lines = make_test_audio.SCRIPTED_CALLS["compliant"][:4]
    path = tmp_path_factory.mktemp("pyannote-call") / "short.wav"
    return make_test_audio.render_call(lines, path, stereo=False, sample_rate=16_000)


def test_local_folder_loads_offline_and_diarizes_in_memory(
    random_pipeline_folder: Path, short_call: make_test_audio.RenderedCall
) -> None:
    from qa_pipeline.audio.decode import decode_audio

    diarizer = PyannoteDiarizer(random_pipeline_folder, num_speakers=2, device="cpu")
    assert type(diarizer.pipeline).__name__ == "SpeakerDiarization"
    assert "pyannote.audio 4" in diarizer.version
    turns = diarizer.diarize(decode_audio(short_call.path).mono())
    assert turns, "the pipeline produced no speech turns"
    assert all(t.speaker.startswith("SPEAKER_") and 0 <= t.start < t.end for t in turns)
    assert turns == sorted(turns, key=lambda t: t.start)
    assert turns[-1].end <= short_call.duration + 0.5


def test_audio_pipeline_uses_the_configured_folder(
    random_pipeline_folder: Path,
    short_call: make_test_audio.RenderedCall,
    audio_pipeline: AudioPipeline,
) -> None:
    settings = Settings.model_validate(
        {"diarization": {"pyannote_pipeline": str(random_pipeline_folder), "min_speakers": 1}}
    )
    ap = AudioPipeline(settings)
    ap._transcriber = audio_pipeline.transcriber  # the same Whisper model, loaded once
    conv = ap.transcribe(short_call.path)
    assert conv.extra["audio"]["diarization_method"] == "pyannote"
    assert "pyannote" in conv.extra["audio"]["models"]["diarization"]
    assert conv.utterances and all(u.speaker in ("agent", "customer") for u in conv.utterances)
    assert sum(len(u.words) for u in conv.utterances) > 10


def test_folder_without_config_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"diarization\.pyannote_pipeline"):
        PyannoteDiarizer(tmp_path)


def test_broken_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "pipeline": {
                    "name": "pyannote.audio.pipelines.SpeakerDiarization",
                    "params": {"segmentation": "$model/segmentation", "embedding": "$model/embedding",
                               "plda": "$model/plda"},
                }
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ModelNotFoundError, match="does not load"):
        PyannoteDiarizer(tmp_path)


Render = Callable[..., make_test_audio.RenderedCall]
