"""Rubrics: what a QA lead tunes without code, validated on load.

A rubric is a YAML file (``rubrics/<id>.yaml``) naming every label of ``labels.md`` with its
description, example phrasings, hard negatives, regex patterns over normalised text, speaker,
order constraints, weight, auto-fail, statute and threshold. The judge reads all of its
matching knowledge from here; the code holds only the logic (negation, order, speaker rules).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from qa_pipeline.errors import RubricError

__all__ = [
    "EMPATHY_IDS",
    "FLAG_IDS",
    "REASON_IDS",
    "SCRIPT_IDS",
    "VIOLATION_IDS",
    "Anchor",
    "Rubric",
    "RubricItem",
    "RubricItems",
    "load_rubric",
    "rubrics_dir",
]

SCRIPT_IDS = (
    "greeting",
    "recording_disclosure",
    "right_party_verification",
    "mini_miranda",
    "balance_disclosure",
    "reason_probe",
    "payment_options",
    "ptp_confirmation",
    "closing",
)
EMPATHY_IDS = ("acknowledgment",)
VIOLATION_IDS = (
    "threat_arrest_or_jail",
    "threat_unintended_legal_action",
    "abusive_language",
    "false_representation",
    "third_party_disclosure",
    "pressure_tactics",
    "outside_calling_hours",
)
FLAG_IDS = ("vulnerable_customer", "dispute", "ptp")
REASON_IDS = (
    "job_loss",
    "reduced_income",
    "medical",
    "dispute",
    "already_paid",
    "forgot",
    "payday_timing",
    "other_debts_hardship",
    "bereavement",
    "fraud_identity_theft",
    "refuses_to_pay",
    "bankruptcy",
    "disaster",
    "service_issue",
    "none_given",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_patterns(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} is not a valid regular expression ({exc})") from None
    return patterns


class Order(_Strict):
    """An order constraint: the item must be performed before an anchor first occurs."""

    before: str


class RubricItem(_Strict):
    """One thing the judge decides, with everything a QA lead tunes about it.

    Attributes:
        description: what the item means, in words a reviewer reads.
        speaker: whose words count (violations and script steps: agent; reasons, flags: customer).
        required: whether a failed script step counts against script adherence.
        weight: the item's weight in script adherence, or a violation's compliance penalty.
        compliance_weight: penalty on the compliance score when a script step fails.
        auto_fail: a violation (or failed script step) that sets compliance to 0.
        applies_when: a condition for the step to count in the scores (``ptp``: a promise was
            made; ``debt_discussed``: the agent got as far as discussing the debt).
        statute: the legal reference shown with a violation.
        threshold: embedding similarity a clause needs (after the hard-negative margin).
        patterns: regexes over normalised text (lower case, no punctuation, no fillers).
        negative_patterns: regexes that veto a match in the same stretch of talk.
        requires_patterns: regexes of which at least one must ALSO match in the same utterance (a greeting needs
            a greeting word and the agent naming self or company).
        examples: positive phrasings (the embedder's prototypes).
        negatives: hard negatives: phrasings close to the item that are NOT it.
        order: the item must come before an anchor (verification before the debt).
        overrides: for reasons: other reasons this one beats when both are stated (a service
            complaint beats the "I don't owe it" dispute it causes).
    """

    description: str = Field(min_length=1)
    speaker: Literal["agent", "customer", "any"] = "agent"
    required: bool = True
    weight: float = Field(default=1.0, ge=0)
    compliance_weight: float = Field(default=0.0, ge=0)
    auto_fail: bool = False
    applies_when: Literal["always", "ptp", "debt_discussed"] = "always"
    statute: str = ""
    threshold: float = Field(default=0.7, ge=0, le=1)
    patterns: list[str] = Field(default_factory=list)
    negative_patterns: list[str] = Field(default_factory=list)
    requires_patterns: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    negatives: list[str] = Field(default_factory=list)
    order: Order | None = None
    overrides: list[str] = Field(default_factory=list)

    _check = field_validator("patterns", "negative_patterns", "requires_patterns")(_check_patterns)

    def compiled(self) -> list[re.Pattern[str]]:
        """The item's patterns, compiled."""
        return [re.compile(p) for p in self.patterns]

    def compiled_negative(self) -> list[re.Pattern[str]]:
        """The item's veto patterns, compiled."""
        return [re.compile(p) for p in self.negative_patterns]

    def compiled_requires(self) -> list[re.Pattern[str]]:
        """The patterns that must also match, compiled."""
        return [re.compile(p) for p in self.requires_patterns]


class Anchor(_Strict):
    """A named moment in a conversation that order constraints refer to (``debt_discussion``)."""

    description: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    negative_patterns: list[str] = Field(default_factory=list)

    _check = field_validator("patterns", "negative_patterns")(_check_patterns)


class Scoring(_Strict):
    """How the scores dict is computed (documented in the rubric file itself)."""

    formula: str = ""


class RubricItems(_Strict):
    """The rubric's items by kind: each section maps label ids to items.

    Sections keep the kinds apart because labels.md reuses an id across kinds (``dispute`` is
    both a flag and a non-payment reason). ``extra`` holds client-specific script-like items,
    scored generically from their patterns and examples and reported in ``extra_items``.
    """

    script: dict[str, RubricItem]
    empathy: dict[str, RubricItem]
    violations: dict[str, RubricItem]
    flags: dict[str, RubricItem]
    reasons: dict[str, RubricItem]
    extra: dict[str, RubricItem] = Field(default_factory=dict)

    def all(self) -> list[tuple[str, str, RubricItem]]:
        """Every item as (section, id, item)."""
        out: list[tuple[str, str, RubricItem]] = []
        for section in ("script", "empathy", "violations", "flags", "reasons", "extra"):
            out.extend((section, k, v) for k, v in getattr(self, section).items())
        return out


_SECTION_IDS: dict[str, tuple[str, ...]] = {
    "script": SCRIPT_IDS,
    "empathy": EMPATHY_IDS,
    "violations": VIOLATION_IDS,
    "flags": FLAG_IDS,
    "reasons": REASON_IDS,
}


class Rubric(_Strict):
    """A validated rubric.

    Attributes:
        id: the rubric id (stored with every scorecard).
        version: the rubric version (stored with every scorecard).
        source_sha256: SHA-256 of the YAML file it was loaded from.
        items: every label of labels.md (and any client items), by section and id.
        anchors: named moments order constraints refer to.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    description: str = ""
    source_sha256: str = ""
    scoring: Scoring = Field(default_factory=Scoring)
    anchors: dict[str, Anchor] = Field(default_factory=dict)
    #: negation and reassurance cues that cancel a violation in the same clause
    negation_patterns: list[str] = Field(default_factory=list)
    #: phrases of a customer who is not the debtor (wrong number, spouse, roommate)
    third_party_patterns: list[str] = Field(default_factory=list)
    items: RubricItems

    _check = field_validator("negation_patterns", "third_party_patterns")(_check_patterns)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def _covers_every_label(self) -> Rubric:
        for section, ids in _SECTION_IDS.items():
            present = getattr(self.items, section)
            for item_id in ids:
                if item_id not in present:
                    raise ValueError(
                        f"items.{section}.{item_id}: missing; the rubric must cover every id of "
                        "labels.md"
                    )
        for section, item_id, item in self.items.all():
            if item.order is not None and item.order.before not in self.anchors:
                raise ValueError(
                    f"items.{section}.{item_id}.order.before: anchor '{item.order.before}' is "
                    "not defined under anchors"
                )
        if "debt_discussion" not in self.anchors:
            raise ValueError("anchors.debt_discussion: missing (verification order needs it)")
        return self


def rubrics_dir() -> Path:
    """The repository's ``rubrics/`` folder."""
    return Path(__file__).resolve().parent.parent / "rubrics"


def _locate(ref: str | Path) -> Path:
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in str(ref):
        return p
    return rubrics_dir() / f"{ref}.yaml"


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(x) for x in loc) or "the document"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into ``base``: mappings merge, everything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        known = sorted(p.stem for p in rubrics_dir().glob("*.yaml"))
        raise RubricError(
            f"rubric cannot be read ({exc.strerror}); give a rubric file or one of the ids {known}",
            path=path,
        ) from None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RubricError(f"is not valid YAML ({exc})", path=path) from None
    except RecursionError:
        raise RubricError("is nested too deeply to be a rubric", path=path) from None
    if not isinstance(data, dict):
        raise RubricError("must be a YAML mapping with id, version and items", path=path)
    return data, raw


def load_rubric(ref: str | Path) -> Rubric:
    """Load and validate a rubric.

    A rubric may start from another with ``extends: <id or file>``: its mappings are merged over
    the base's (so a client rubric states only what differs), lists and values replace.

    Args:
        ref: a rubric id (looked up as ``rubrics/<id>.yaml`` in the repository) or a file path.

    Returns:
        The validated rubric, with ``source_sha256`` of the file (and of its base, if any).

    Raises:
        RubricError: the file cannot be found or read, is not YAML, or fails validation; the
            message names the file and the first bad field.
    """
    path = _locate(ref)
    data, raw = _read_yaml(path)
    digest = hashlib.sha256(raw)
    seen = {path.resolve()}
    while "extends" in data:
        base_ref = data.pop("extends")
        if not isinstance(base_ref, str):
            raise RubricError("field 'extends': must be a rubric id or file name", path=path)
        base_path = _locate(base_ref)
        if not base_path.is_absolute() and not base_path.exists():
            base_path = path.parent / base_ref
        if base_path.resolve() in seen:
            raise RubricError(f"field 'extends': '{base_ref}' extends itself in a loop", path=path)
        seen.add(base_path.resolve())
        base, base_raw = _read_yaml(base_path)
        digest.update(base_raw)
        data = _merge(base, data)
    data["source_sha256"] = digest.hexdigest()
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]))
        msg = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            msg = "is missing"
        if where == "the document":
            raise RubricError(msg, path=path) from None
        raise RubricError(f"field '{where}': {msg}", path=path) from None
