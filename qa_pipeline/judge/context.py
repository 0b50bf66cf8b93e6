"""What every judging step needs about a conversation, computed once per batch.

Each utterance is normalised and cut into clauses; every clause of every conversation in a batch
is embedded in one call, so the embedder runs batched across conversations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qa_pipeline.rubric import RubricItem
from qa_pipeline.text.nlp import Embedder
from qa_pipeline.text.normalize import (
    Clause,
    NormalizedText,
    normalize,
    normalized_text,
    split_clauses,
)
from qa_pipeline.types import ROLE_AGENT, Conversation

__all__ = ["ConversationContext", "PatternHit", "UtteranceView", "build_contexts"]


@functools.lru_cache(maxsize=4096)
def _normalized(examples: tuple[str, ...]) -> tuple[str, ...]:
    # semantic() runs thousands of times per batch over the same few example lists
    return tuple(normalized_text(e) for e in examples)


@dataclass(slots=True)
class UtteranceView:
    """One utterance with its normalised text, clauses and clause embeddings."""

    index: int
    speaker: str
    text: str
    norm: NormalizedText
    clauses: list[Clause]
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))

    @property
    def is_agent(self) -> bool:
        return self.speaker == ROLE_AGENT


@dataclass(frozen=True, slots=True)
class PatternHit:
    """A regex match in one utterance's normalised text."""

    utterance: int
    start: int
    end: int
    quote: str


@dataclass(slots=True)
class ConversationContext:
    """A conversation prepared for judging."""

    conversation: Conversation
    utterances: list[UtteranceView]
    embedder: Embedder

    def by_speaker(self, speaker: str) -> list[UtteranceView]:
        return [u for u in self.utterances if speaker in ("any", u.speaker)]

    def pattern_hits(
        self,
        u: UtteranceView,
        patterns: Sequence[re.Pattern[str]],
        vetoes: Sequence[re.Pattern[str]] = (),
    ) -> list[PatternHit]:
        """Matches of ``patterns`` in ``u``, dropping those in a clause a veto pattern matches."""
        text = u.norm.text
        hits: list[PatternHit] = []
        for p in patterns:
            for m in p.finditer(text):
                if vetoes and self._vetoed(text, m.start(), m.end(), vetoes):
                    continue
                hits.append(
                    PatternHit(u.index, m.start(), m.end(), u.norm.quote(m.start(), m.end()))
                )
        hits.sort(key=lambda h: h.start)
        return hits

    @staticmethod
    def _vetoed(text: str, start: int, end: int, vetoes: Sequence[re.Pattern[str]]) -> bool:
        # the veto must touch the same stretch of talk: within ~60 characters of the match
        lo, hi = max(0, start - 60), min(len(text), end + 60)
        window = text[lo:hi]
        return any(v.search(window) for v in vetoes)

    def semantic(self, u: UtteranceView, item: RubricItem) -> tuple[float, int]:
        """Best clause score of ``u`` for ``item``: similarity to examples minus a hard-negative
        margin, and the clause index. ``(0.0, -1)`` when the item has no examples."""
        if not item.examples or len(u.clauses) == 0:
            return 0.0, -1
        pos = self.embedder.encode_cached(_normalized(tuple(item.examples)))
        sims = u.vectors @ pos.T
        best_pos = sims.max(axis=1)
        if item.negatives:
            neg = self.embedder.encode_cached(_normalized(tuple(item.negatives)))
            best_neg = (u.vectors @ neg.T).max(axis=1)
            # a clause closer to a hard negative than to any example does not count
            score = np.where(best_neg >= best_pos, 0.0, best_pos)
        else:
            score = best_pos
        i = int(np.argmax(score))
        return float(score[i]), i

    def clause_quote(self, u: UtteranceView, clause_index: int) -> str:
        c = u.clauses[clause_index]
        return u.text[c.start : c.end].strip()


#: clauses shorter than this many words ("yeah", "okay thanks") carry nothing to embed
MIN_EMBED_WORDS = 3


def build_contexts(
    conversations: Sequence[Conversation], embedder: Embedder, batch_size: int = 64
) -> list[ConversationContext]:
    """Normalise, split and embed every utterance of every conversation (one embedder call).

    Identical clauses are embedded once; clauses under `MIN_EMBED_WORDS` words get a zero
    vector (similarity 0 to everything).
    """
    contexts: list[ConversationContext] = []
    unique: dict[str, int] = {}
    for conv in conversations:
        views = []
        for i, utt in enumerate(conv.utterances):
            clauses = split_clauses(utt.text)
            views.append(UtteranceView(i, utt.speaker, utt.text, normalize(utt.text), clauses))
            for c in clauses:
                if len(c.text.split()) >= MIN_EMBED_WORDS:
                    unique.setdefault(c.text, len(unique))
        contexts.append(ConversationContext(conv, views, embedder))
    vectors = embedder.encode(list(unique), batch_size=batch_size)
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 384
    zero = np.zeros(dim, dtype=np.float32)
    for ctx in contexts:
        for view in ctx.utterances:
            rows = [vectors[unique[c.text]] if c.text in unique else zero for c in view.clauses]
            view.vectors = np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    return contexts
