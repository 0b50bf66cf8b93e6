"""The Judge: one object that holds the rubric and the models and scores conversations.

Models load once per process (`qa_pipeline.text.nlp` caches them); `score_many` prepares a whole
batch first so that the embedder and spaCy each run once, batched, across conversations.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qa_pipeline import __version__
from qa_pipeline.config import Settings
from qa_pipeline.judge.context import ConversationContext, build_contexts
from qa_pipeline.judge.empathy import judge_empathy
from qa_pipeline.judge.flags import judge_flags
from qa_pipeline.judge.parties import debtor_turns
from qa_pipeline.judge.reason import judge_reason
from qa_pipeline.judge.scoring import compute_scores
from qa_pipeline.judge.script import find_debt_discussion, judge_generic, judge_script
from qa_pipeline.judge.sensitive import ITEM_ID as SENSITIVE_ITEM
from qa_pipeline.judge.sensitive import detect_sensitive_data_request
from qa_pipeline.judge.violations import (
    Candidate,
    find_candidates,
    judge_violations,
    parse_candidates,
)
from qa_pipeline.rubric import Rubric, load_rubric
from qa_pipeline.text.nlp import load_embedder, load_spacy, model_versions
from qa_pipeline.text.roles import assign_roles
from qa_pipeline.types import Conversation, FlagResult, ItemResult, PromiseToPay, Scorecard

__all__ = ["Judge"]

log = logging.getLogger(__name__)


def _ptp_functions() -> tuple[Callable[..., Any] | None, Callable[..., Any] | None]:
    """The promise-to-pay module's functions, when it is present."""
    try:
        module = importlib.import_module("qa_pipeline.judge.ptp")
    except ImportError:
        return None, None
    return getattr(module, "extract_ptp", None), getattr(module, "ptp_confirmation", None)


def _sensitive_data_item(conv: Conversation) -> ItemResult:
    """The ``sensitive_data_request`` item, passed when the agent kept card and SSN data out.

    Extra items read like script steps (``passed`` is the good outcome), so the detector's
    "the agent asked" is inverted here; the evidence is the turns where it happened.
    """
    found = detect_sensitive_data_request(conv).item
    if not found.passed:
        return ItemResult(
            True,
            [],
            found.confidence,
            "The agent never asked for or repeated a full card number, security code or full SSN.",
        )
    return ItemResult(False, list(found.evidence), found.confidence, found.rationale)


class Judge:
    """Scores conversations against a rubric.

    Build it with `Judge.from_settings`; it loads spaCy and the sentence embedder once.

    Attributes:
        rubric: the rubric every scorecard is judged against.
        model_versions: name -> version of every model and scorer (stored on each scorecard).
    """

    def __init__(self, rubric: Rubric, settings: Settings) -> None:
        self.rubric = rubric
        self.settings = settings
        self._nlp = load_spacy(settings.text.spacy_model)
        self._embedder = load_embedder(settings.text.embedder)
        self.model_versions: dict[str, str] = {
            **model_versions(settings.text),
            "judge": f"qa-pipeline=={__version__}",
            "rubric_sha256": rubric.source_sha256[:12],
        }
        self._extract_ptp, self._ptp_confirmation = _ptp_functions()

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, rubric: str | Path | Rubric | None = None
    ) -> Judge:
        """Load the rubric and the text models.

        Args:
            settings: the settings (text.spacy_model, text.embedder, rubric); defaults when None.
            rubric: a loaded rubric, a rubric id, or a rubric file; ``settings.rubric`` when None.

        Raises:
            RubricError: the rubric cannot be found or fails validation.
            ModelNotFoundError: a configured model path does not exist.
        """
        settings = settings or Settings()
        if not isinstance(rubric, Rubric):
            rubric = load_rubric(rubric or settings.rubric)
        return cls(rubric, settings)

    def score(self, conversation: Conversation) -> Scorecard:
        """Judge one conversation."""
        return self.score_many([conversation])[0]

    def score_many(self, conversations: Sequence[Conversation]) -> list[Scorecard]:
        """Judge a batch of conversations; scorecards come back in the same order."""
        assigned = [assign_roles(c) for c in conversations]
        convs = [c for c, _ in assigned]
        contexts = build_contexts(convs, self._embedder, batch_size=self.settings.text.batch_size)
        candidates = [find_candidates(ctx, self.rubric) for ctx in contexts]
        flat: list[Candidate] = [c for group in candidates for c in group]
        docs = parse_candidates(self._nlp, flat, batch_size=self.settings.text.batch_size)
        out: list[Scorecard] = []
        pos = 0
        for ctx, group, (_, roles) in zip(contexts, candidates, assigned, strict=True):
            group_docs = docs[pos : pos + len(group)]
            pos += len(group)
            card = self._judge(ctx, group, group_docs)
            card.roles = roles
            out.append(card)
        return out

    def _promise(self, conv: Conversation) -> tuple[PromiseToPay | None, ItemResult]:
        """The promise to pay and its confirmation, from the promise-to-pay module."""
        if self._extract_ptp is None or self._ptp_confirmation is None:
            return None, ItemResult(False, [], 0.5, "The promise-to-pay module is not installed.")
        try:
            ptp = self._extract_ptp(conv)
            return ptp, self._ptp_confirmation(conv, ptp)
        except Exception as exc:
            log.warning(
                "%s: promise-to-pay extraction failed (%s); judged without it", conv.call_id, exc
            )
            return None, ItemResult(False, [], 0.3, f"Promise-to-pay extraction failed: {exc}.")

    def _judge(
        self, ctx: ConversationContext, candidates: list[Candidate], docs: list[Any]
    ) -> Scorecard:
        rubric = self.rubric
        conv = ctx.conversation
        debt_at = find_debt_discussion(ctx, rubric)
        script, verification = judge_script(ctx, rubric, debt_at)
        ptp, script["ptp_confirmation"] = self._promise(conv)
        script = {k: script[k] for k in rubric.items.script if k in script}
        empathy = judge_empathy(ctx, rubric)
        violations = judge_violations(ctx, rubric, candidates, docs, verification, debt_at)
        debtor = debtor_turns(ctx, rubric, verification)
        probe = script.get("reason_probe")
        probe_at = (
            probe.evidence[0] if probe is not None and probe.passed and probe.evidence else None
        )
        reason = judge_reason(ctx, rubric, debtor, probe_at)
        flags = judge_flags(ctx, rubric, debtor, reason)
        if ptp is not None:
            flags.append(
                FlagResult(
                    "ptp",
                    list(ptp.evidence),
                    ptp.confidence,
                    "The customer committed to an amount and a date.",
                )
            )
        extra = {
            item_id: (
                _sensitive_data_item(conv)
                if item_id == SENSITIVE_ITEM
                else judge_generic(ctx, item_id, item)
            )
            for item_id, item in rubric.items.extra.items()
        }
        scores = compute_scores(
            rubric, script, violations, has_ptp=ptp is not None, debt_discussed=debt_at is not None
        )
        return Scorecard(
            call_id=conv.call_id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            non_payment_reason=reason,
            script=script,
            empathy=empathy,
            violations=violations,
            flags=flags,
            ptp=ptp,
            scores=scores,
            extra_items=extra,
            models=dict(self.model_versions),
        )
