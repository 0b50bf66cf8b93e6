"""Loading conversation JSON: valid files load; every bad file gives one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa_pipeline.errors import ConversationError, InputError
from qa_pipeline.loading import iter_conversation_paths, load_conversation

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "examples"


def _write(tmp_path: Path, data: object, name: str = "c.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def _good() -> dict[str, object]:
    return {
        "call_id": "C-1",
        "agent_id": "A-1",
        "channel": "voice",
        "started_at": "2026-03-02T14:05:00-05:00",
        "utterances": [
            {"speaker": "agent", "text": "hi", "start": 0.0, "end": 1.0},
            {"speaker": "customer", "text": "hello"},
        ],
    }


def test_spec_examples_load() -> None:
    paths = sorted(EXAMPLES.glob("*.json"))
    assert len(paths) >= 6
    for p in paths:
        conv = load_conversation(p)
        assert conv.call_id.startswith("EX-")
        assert conv.utterances and conv.started_at.utcoffset() is not None
        assert "labels" in conv.extra  # unknown fields are kept, not lost


def test_good_conversation(tmp_path: Path) -> None:
    conv = load_conversation(_write(tmp_path, _good()))
    assert conv.call_date.isoformat() == "2026-03-02"
    assert conv.utterances[0].start == 0.0 and conv.utterances[1].start is None
    assert not conv.has_raw_speakers


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("call_id"), "field 'call_id' is missing"),
        (lambda d: d.update(channel="phone"), "field 'channel'"),
        (lambda d: d.update(started_at="2026-03-02T14:05:00"), "has no UTC offset"),
        (lambda d: d.update(started_at="yesterday"), "field 'started_at'"),
        (lambda d: d["utterances"][1].pop("text"), "field 'utterances[1].text' is missing"),
        (lambda d: d["utterances"][0].update(start=-3), "field 'utterances[0].start'"),
        (lambda d: d["utterances"][0].update(end=float("nan")), "utterances[0].end"),
        (lambda d: d.update(utterances=[]), "has no utterances and no audio"),
        (lambda d: d["utterances"][0].update(start=5.0, end=1.0), "ends (1.0) before it starts"),
    ],
)
def test_bad_fields_name_the_field_and_file(tmp_path: Path, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    data = _good()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(ConversationError) as info:
        load_conversation(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_malformed_json(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"call_id": "C-1", ', encoding="utf-8")
    with pytest.raises(ConversationError, match="not valid JSON"):
        load_conversation(p)


def test_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(ConversationError, match="expected a JSON object"):
        load_conversation(_write(tmp_path, [1, 2, 3]))


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin.json"
    p.write_bytes(b'{"call_id": "caf\xe9"}')
    with pytest.raises(ConversationError, match="not UTF-8"):
        load_conversation(p)


def test_huge_file_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa_pipeline.loading as loading

    p = _write(tmp_path, _good())
    monkeypatch.setattr(loading, "MAX_CONVERSATION_BYTES", 10)
    with pytest.raises(ConversationError, match="larger than"):
        loading.load_conversation(p)


def test_audio_path_cannot_escape_the_folder(tmp_path: Path) -> None:
    data = _good()
    data.pop("utterances")
    data["audio"] = "../../etc/passwd"
    with pytest.raises(InputError, match="outside the input folder"):
        load_conversation(_write(tmp_path, data))
    data["audio"] = "/etc/passwd"
    with pytest.raises(InputError, match="outside the input folder"):
        load_conversation(_write(tmp_path, data))


def test_audio_only_conversation(tmp_path: Path) -> None:
    data = _good()
    data.pop("utterances")
    data["audio"] = "recordings/C-1.wav"
    conv = load_conversation(_write(tmp_path, data))
    assert conv.audio == (tmp_path / "recordings" / "C-1.wav").resolve()
    assert conv.utterances == []


def test_numeric_ids_are_kept_as_text(tmp_path: Path) -> None:
    data = _good()
    data["call_id"] = 123
    assert load_conversation(_write(tmp_path, data)).call_id == "123"


def test_folder_expansion_is_sorted_and_keeps_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.json", "b/1.json", "a.json"):
        _write(tmp_path, _good(), name)
    single = _write(tmp_path, _good(), "z.json")
    got = list(iter_conversation_paths([single, tmp_path / "b"]))
    assert got == [single, tmp_path / "b" / "1.json", tmp_path / "b" / "2.json"]


@pytest.mark.parametrize("bad", ["C-1\x00", "C-1\nrm -rf", "\ud800"])
def test_ids_must_be_printable_text(tmp_path: Path, bad: str) -> None:
    data = _good()
    data["call_id"] = bad
    p = tmp_path / "c.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConversationError, match="field 'call_id'"):
        load_conversation(p)
