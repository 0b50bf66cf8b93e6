"""qa_pipeline: judge every debt-collection call and chat against a versioned rubric.

Everything runs offline: the models this package uses ship inside PyPI packages or are named
by local path in the configuration. The offline switches are set here, before any library that
could reach a model hub is imported, so that no code path in this package tries the network.
"""

from __future__ import annotations

import os

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# pyannote.audio 4 reports usage to pyannote.ai unless told not to; nothing leaves this machine
os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"

__all__ = ["__version__"]
