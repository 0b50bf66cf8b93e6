"""Settings load from YAML, are validated, and fail with one clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_pipeline.config import Settings, load_settings
from qa_pipeline.errors import ConfigError


def test_defaults_work_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QA_PIPELINE_CONFIG", raising=False)
    s = load_settings()
    assert s == Settings()
    assert s.asr.model == "embedded" and s.diarization.num_speakers == 2


def test_yaml_overrides(tmp_path: Path) -> None:
    p = tmp_path / "cfg.yaml"
    p.write_text("asr:\n  model: /models/large-v3\n  device: cuda\nrubric: first-party-creditor\n")
    s = load_settings(p)
    assert s.asr.model == "/models/large-v3" and s.asr.device == "cuda"
    assert s.rubric == "first-party-creditor"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("asr:\n  device: tpu\n", "setting 'asr.device'"),
        ("asr:\n  modle: x\n", "setting 'asr.modle'"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("asr: [unclosed\n", "not valid YAML"),
        ("x: !!python/object/apply:os.system ['echo hi']\n", "not valid YAML"),
    ],
)
def test_bad_config(tmp_path: Path, text: str, expected: str) -> None:
    p = tmp_path / "cfg.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[")):
        load_settings(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.yaml")


def test_offline_variables_set_by_import() -> None:
    import os

    import qa_pipeline  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
