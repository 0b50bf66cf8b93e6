"""The errors this package raises, in one place.

Every error carries one sentence a user can act on: what was wrong and what to do.

    QAPipelineError                 base of everything raised on purpose
    ├── InputError                  one input (a call) cannot be judged; the batch goes on
    │   ├── ConversationError       malformed conversation JSON, missing or wrong field
    │   ├── AudioError              unreadable, empty, truncated or non-audio recording
    │   └── ManifestError           a manifest row or path that cannot be used
    ├── RubricError                 a rubric YAML that fails validation or cannot be found
    ├── ConfigError                 a configuration file or setting that is wrong
    ├── ModelNotFoundError          a configured model path that does not exist
    └── WarehouseError              the DuckDB warehouse cannot be opened or migrated
"""

from __future__ import annotations

from pathlib import Path


class QAPipelineError(Exception):
    """Base class for errors raised on purpose by qa_pipeline."""

    #: the pipeline stage the error belongs to, stored in the warehouse's error rows
    stage: str = "pipeline"

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(QAPipelineError):
    """One input cannot be judged; the rest of the batch carries on."""

    stage = "load"


class ConversationError(InputError):
    """A conversation JSON file is malformed or misses a required field."""

    stage = "load"


class AudioError(InputError):
    """A recording cannot be decoded, is empty, or holds no audio."""

    stage = "decode"


class ManifestError(InputError):
    """A manifest row cannot be used (bad path, missing column, path outside the input root)."""

    stage = "manifest"


class RubricError(QAPipelineError):
    """A rubric cannot be found or fails validation."""

    stage = "rubric"


class ConfigError(QAPipelineError):
    """A configuration value is wrong or missing."""

    stage = "config"


class ModelNotFoundError(ConfigError):
    """A model named in the configuration is not where the configuration says."""

    stage = "model"


class WarehouseError(QAPipelineError):
    """The warehouse cannot be opened, migrated or written."""

    stage = "load_warehouse"


__all__ = [
    "AudioError",
    "ConfigError",
    "ConversationError",
    "InputError",
    "ManifestError",
    "ModelNotFoundError",
    "QAPipelineError",
    "RubricError",
    "WarehouseError",
]
