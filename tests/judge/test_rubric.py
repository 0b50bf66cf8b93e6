"""Rubric loading and validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qa_pipeline.errors import RubricError
from qa_pipeline.rubric import REASON_IDS, SCRIPT_IDS, VIOLATION_IDS, load_rubric, rubrics_dir


def test_collections_us_covers_every_label() -> None:
    r = load_rubric("collections-us")
    assert (r.id, r.version) == ("collections-us", "1")
    assert len(r.source_sha256) == 64
    assert set(SCRIPT_IDS) <= set(r.items.script)
    assert set(VIOLATION_IDS) <= set(r.items.violations)
    assert set(REASON_IDS) <= set(r.items.reasons)
    assert r.items.violations["third_party_disclosure"].statute == "15 USC 1692c(b)"


def test_first_party_rubric_extends_and_drops_mini_miranda() -> None:
    r = load_rubric("first-party-creditor")
    assert r.id == "first-party-creditor"
    assert r.items.script["mini_miranda"].required is False
    assert r.items.script["greeting"].patterns == load_rubric("collections-us").items.script["greeting"].patterns


def test_rubric_by_path(tmp_path: Path) -> None:
    target = tmp_path / "copy.yaml"
    target.write_text((rubrics_dir() / "collections-us.yaml").read_text())
    assert load_rubric(target).id == "collections-us"


def _broken(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((rubrics_dir() / "collections-us.yaml").read_text())
    mutate(data)
    p = tmp_path / "broken.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["items"]["violations"].pop("pressure_tactics"), "items.violations.pressure_tactics"),
        (lambda d: d["items"]["script"]["greeting"].update(patterns=["(unclosed"]), "items.script.greeting.patterns"),
        (lambda d: d["items"]["script"]["closing"].update(threshold=3), "items.script.closing.threshold"),
        (lambda d: d["items"]["flags"]["dispute"].update(colour="red"), "items.flags.dispute.colour"),
        (lambda d: d.pop("version"), "version"),
    ],
)
def test_validation_errors_name_file_and_field(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _broken(tmp_path, mutate)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert message in str(info.value)
    assert "broken.yaml" in str(info.value)


def test_unknown_rubric_id_is_one_clear_error() -> None:
    with pytest.raises(RubricError, match="collections-us"):
        load_rubric("no-such-rubric")


def test_not_yaml(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("id: [unclosed")
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(p)
