"""A small, realistic warehouse for the app's tests, stored with the real loader.

Conversations and scorecards are written by hand here (what the judge would produce), so the
app's tests know exactly what every page must show, and do not wait for models to load. They
go through the warehouse helper's real `Warehouse.store_batch` into a real DuckDB file.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from qa_pipeline.review_store import PaymentRow, ReviewStore
from qa_pipeline.rubric import SCRIPT_IDS, load_rubric
from qa_pipeline.types import (
    Conversation,
    FlagResult,
    ItemResult,
    PromiseToPay,
    ReasonResult,
    Scorecard,
    Utterance,
    Violation,
)
from qa_pipeline.warehouse import CallFailure, CallIdentity, JudgedCall, RubricRef, Warehouse
from qa_pipeline.warehouse.rows import content_hash

SCRIPT_ITEMS = SCRIPT_IDS
EST = timezone(timedelta(hours=-5))
STATUTES = {
    "threat_arrest_or_jail": "15 USC 1692e(4)",
    "pressure_tactics": "15 USC 1692d, 1692f",
    "outside_calling_hours": "12 CFR 1006.6(b)(1)(i)",
    "third_party_disclosure": "15 USC 1692c(b)",
}

#: the facts the tests check on screen
AGENTS = ("A-101", "A-102", "A-103")
THREAT_QUOTE = "If you don't pay today the police will come and arrest you."
SENSITIVE_QUOTE = "Just read me the full card number and the three digits on the back."
VIOLATING_CALL = "C-2002"
SENSITIVE_CALL = "C-3001"
LATE_CALL = "C-2004"
AUDIO_CALL = "C-1001"
FAILED_CALL = "C-9999"
REG_F_ACCOUNT = "ACC-777"


@dataclass
class Call:
    call_id: str
    agent: str
    channel: str
    started: datetime
    lines: list[tuple[str, str]]
    account: str = "ACC-100"
    segment: str = "early-bucket"
    dpd: int = 45
    failed_script: set[str] = field(default_factory=set)
    empathy: bool = True
    violations: list[tuple[str, int | None]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reason: str = "none_given"
    ptp: tuple[float, date] | None = None
    sensitive_request: int | None = None
    audio: Path | None = None


def _write_tone(path: Path, seconds: float = 12.0, rate: int = 8000) -> None:
    """A quiet 440 Hz tone: a real WAV the browser can play from any second."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
            for i in range(int(seconds * rate))
        )
        w.writeframes(frames)


def _calls(audio: Path) -> list[Call]:
    d = datetime(2026, 3, 2, 10, 0, tzinfo=EST)
    calls = [
        Call(
            AUDIO_CALL,
            "A-101",
            "voice",
            d,
            [
                (
                    "agent",
                    "Good morning, this is Dana with Northgate Collections, calls are recorded.",
                ),
                ("customer", "Hi, yes."),
                ("agent", "Can you confirm your date of birth?"),
                ("customer", "I lost my job last month and I am struggling."),
                ("agent", "I'm so sorry to hear that, that sounds really stressful."),
                ("customer", "I can pay 150 dollars on March 15."),
                ("agent", "Noted: 150 dollars on March 15. Thank you, goodbye."),
            ],
            reason="job_loss",
            flags=["ptp"],
            ptp=(150.0, date(2026, 3, 15)),
            audio=audio,
            failed_script={"mini_miranda"},
        ),
        Call(
            "C-1002",
            "A-101",
            "voice",
            d + timedelta(days=3, hours=2),
            [
                ("agent", "Hello, this is Dana from Northgate Collections."),
                ("customer", "My husband passed away and I can't think about this."),
                ("agent", "I am very sorry for your loss. We can pause the account."),
                ("customer", "Thank you."),
            ],
            account="ACC-101",
            reason="bereavement",
            flags=["vulnerable_customer"],
            failed_script={"payment_options", "ptp_confirmation"},
        ),
        Call(
            "C-1003",
            "A-101",
            "chat",
            d + timedelta(days=8),
            [
                ("agent", "Hi, this is Dana from Northgate. Can you confirm your ZIP code?"),
                ("customer", "10001. I forgot to pay, sorry."),
                ("agent", "No problem. Your balance is 320 dollars; can you pay 320 on March 12?"),
                ("customer", "Yes, 320 on the 12th."),
                ("agent", "Confirmed: 320 dollars on March 12. Thanks!"),
            ],
            account="ACC-102",
            segment="late-bucket",
            dpd=120,
            reason="forgot",
            flags=["ptp"],
            ptp=(320.0, date(2026, 3, 12)),
        ),
        Call(
            "C-2001",
            "A-102",
            "voice",
            d + timedelta(days=1),
            [
                ("agent", "You owe 900 dollars. Is this Robert Kim?"),
                ("customer", "Who is asking? I had medical bills."),
                ("agent", "Okay. When can you pay?"),
            ],
            account="ACC-201",
            reason="medical",
            empathy=False,
            failed_script={"right_party_verification", "recording_disclosure", "reason_probe"},
            violations=[("third_party_disclosure", 0)],
        ),
        Call(
            VIOLATING_CALL,
            "A-102",
            "voice",
            d + timedelta(days=2),
            [
                ("agent", "This is Mike from Apex Recovery. Date of birth please."),
                ("customer", "Why should I pay, I don't owe this."),
                ("agent", THREAT_QUOTE),
                ("customer", "That's not right, I dispute this."),
                ("agent", "Pay today or else."),
            ],
            account="ACC-202",
            segment="late-bucket",
            dpd=200,
            reason="dispute",
            flags=["dispute"],
            empathy=False,
            failed_script={"closing", "payment_options", "ptp_confirmation"},
            violations=[("threat_arrest_or_jail", 2), ("pressure_tactics", 4)],
        ),
        Call(
            "C-2003",
            "A-102",
            "chat",
            d + timedelta(days=9),
            [
                ("agent", "Hello this is Mike at Apex Recovery. Please confirm your DOB."),
                ("customer", "01/02/1980. My hours were cut."),
                ("agent", "Can you do 50 dollars on March 20?"),
                ("customer", "Ok 50 on March 20."),
            ],
            account="ACC-203",
            reason="reduced_income",
            flags=["ptp"],
            ptp=(50.0, date(2026, 3, 20)),
            empathy=False,
            failed_script={"ptp_confirmation"},
        ),
        Call(
            LATE_CALL,
            "A-102",
            "voice",
            datetime(2026, 3, 6, 21, 30, tzinfo=EST),
            [
                ("agent", "Hi, this is Mike from Apex Recovery, confirming your ZIP."),
                ("customer", "It's late. I get paid Friday."),
                ("agent", "Thank you, goodbye."),
            ],
            account="ACC-204",
            reason="payday_timing",
            failed_script={"payment_options", "ptp_confirmation"},
            violations=[("outside_calling_hours", None)],
        ),
        Call(
            SENSITIVE_CALL,
            "A-103",
            "voice",
            d + timedelta(days=4),
            [
                (
                    "agent",
                    "Good afternoon, this is Priya with Summit Recovery, this call is recorded.",
                ),
                ("customer", "Hi. I want to pay now."),
                ("agent", SENSITIVE_QUOTE),
                ("customer", "Okay, it is [CARD]."),
                ("agent", "Thank you, payment of 200 dollars taken today. Goodbye."),
            ],
            account="ACC-301",
            reason="none_given",
            flags=["ptp"],
            ptp=(200.0, date(2026, 3, 6)),
            sensitive_request=2,
        ),
        Call(
            "C-3002",
            "A-103",
            "chat",
            d + timedelta(days=10),
            [
                ("agent", "Hi this is Priya from Summit. Confirm last four of your SSN please."),
                ("customer", "[SSN-LAST4]. I already paid this."),
                ("agent", "Our records show a balance of 75 dollars. I'm sorry for the confusion."),
            ],
            account="ACC-302",
            reason="already_paid",
            flags=["dispute"],
            failed_script={"payment_options", "ptp_confirmation", "closing"},
        ),
    ]
    # Reg F: eight short attempts to one account within seven days
    for i in range(8):
        calls.append(
            Call(
                f"C-40{i:02d}",
                "A-103",
                "voice",
                datetime(2026, 3, 2 + i // 2, 9 + i, 0, tzinfo=EST),
                [("agent", "Hello, this is Priya from Summit Recovery."), ("customer", "Not now.")],
                account=REG_F_ACCOUNT,
                reason="none_given",
                failed_script={
                    "right_party_verification",
                    "balance_disclosure",
                    "ptp_confirmation",
                    "payment_options",
                    "reason_probe",
                    "mini_miranda",
                },
            )
        )
    return calls


def _scorecard(c: Call, rubric: RubricRef) -> Scorecard:
    script = {
        item: ItemResult(
            passed=item not in c.failed_script,
            evidence=[] if item in c.failed_script else [0],
            confidence=0.9,
            rationale=("not found" if item in c.failed_script else "found") + f": {item}",
        )
        for item in SCRIPT_ITEMS
    }
    violations = [
        Violation(
            id=v,
            utterance=idx,
            quote="" if idx is None else c.lines[idx][1],
            confidence=0.92,
            statute=STATUTES.get(v, ""),
            rationale=f"{v} by the agent",
        )
        for v, idx in c.violations
    ]
    extra = {}
    if c.sensitive_request is not None:
        extra["sensitive_data_request"] = ItemResult(
            passed=False,
            evidence=[c.sensitive_request],
            confidence=0.95,
            rationale="the agent asked for the full card number in the conversation",
        )
    auto_fail = any(
        v in {"threat_arrest_or_jail", "third_party_disclosure", "outside_calling_hours"}
        for v, _ in c.violations
    )
    passed = sum(r.passed for r in script.values())
    compliance = (
        0.0
        if auto_fail
        else max(
            0.0, 1 - 0.2 * len(c.violations) - 0.1 * ("recording_disclosure" in c.failed_script)
        )
    )
    return Scorecard(
        call_id=c.call_id,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        non_payment_reason=ReasonResult(c.reason, 0.8, [1]),
        script=script,
        empathy={
            "acknowledgment": ItemResult(
                c.empathy,
                [] if not c.empathy else [4],
                0.8,
                "acknowledged" if c.empathy else "no acknowledgement",
            )
        },
        violations=violations,
        flags=[FlagResult(f, [1], 0.9) for f in c.flags],
        ptp=None if c.ptp is None else PromiseToPay(c.ptp[0], c.ptp[1], [len(c.lines) - 2]),
        scores={"script_adherence": passed / len(SCRIPT_ITEMS), "compliance": compliance},
        extra_items=extra,
        models={"judge": "collections-us-judge-test", "embedder": "all-MiniLM-L6-v2"},
    )


def store_more_calls(warehouse: Path, prefix: str, n: int) -> None:
    """Store ``n`` new chat calls through the real writer (a pipeline run's loading)."""
    rubric = RubricRef.from_rubric(load_rubric("collections-us"))
    wh = Warehouse(warehouse)
    run_id = wh.start_run(input=prefix, rubric=rubric)
    for i in range(n):
        c = Call(
            f"{prefix}-{i:03d}",
            "A-104",
            "chat",
            datetime(2026, 3, 12, 9, 0, tzinfo=EST),
            [("agent", "Hello, this is Sam from Summit Recovery."), ("customer", "Hi.")],
            account=f"ACC-{prefix}-{i}",
            failed_script={"payment_options", "ptp_confirmation"},
        )
        conv = Conversation(
            call_id=c.call_id,
            agent_id=c.agent,
            channel="chat",
            started_at=c.started,
            utterances=[Utterance(s, t) for s, t in c.lines],
            account_id=c.account,
        )
        ident = CallIdentity(c.call_id, content_hash([c.call_id.encode()]), "")
        wh.store_batch(
            [JudgedCall(ident, conv, _scorecard(c, rubric))], [], rubric=rubric, run_id=run_id
        )


def build_sample_warehouse(folder: Path) -> Path:
    """Write ``folder/sample.duckdb`` (and a recording) and return the warehouse path."""
    folder.mkdir(parents=True, exist_ok=True)
    audio = folder / "C-1001.wav"
    _write_tone(audio)
    # the pipeline's beeped copy (privacy.redact_audio): C-1001 has a redaction, so the app may
    # play only this copy, never the original
    redacted_copy = folder / "C-1001.redacted.wav"
    _write_tone(redacted_copy)
    rubric = RubricRef.from_rubric(load_rubric("collections-us"))
    wh = Warehouse.open(folder / "sample.duckdb")
    run_id = wh.start_run(input=str(folder), rubric=rubric)
    judged = []
    for c in _calls(audio):
        utts = []
        t = 0.0
        for speaker, text in c.lines:
            span = None if c.channel == "chat" else (t, t + 1.5)
            utts.append(Utterance(speaker, text, *(span or (None, None))))
            t += 1.7
        conv = Conversation(
            call_id=c.call_id,
            agent_id=c.agent,
            channel=c.channel,  # type: ignore[arg-type]
            started_at=c.started,
            utterances=utts,
            account_id=c.account,
            segment=c.segment,
            days_past_due=c.dpd,
            audio=c.audio,
            source_path=folder / f"{c.call_id}.json",
        )
        ident = CallIdentity(c.call_id, content_hash([c.call_id.encode()]), str(conv.source_path))
        copy = str(redacted_copy) if c.call_id == AUDIO_CALL else None
        judged.append(JudgedCall(ident, conv, _scorecard(c, rubric), audio_redacted_path=copy))
    failure = CallFailure(
        CallIdentity(FAILED_CALL, content_hash([b"broken"]), str(folder / "C-9999.json")),
        stage="load",
        error_type="ConversationError",
        message="field 'utterances' must be a list",
    )
    wh.store_batch(judged, [failure], rubric=rubric, run_id=run_id)
    return wh.path


def load_sample_payments(store: ReviewStore) -> None:
    """Payments: C-1003's promise kept (320 on 3/11), C-1001's promise broken (only 20 paid)."""
    store.add_payments(
        [
            PaymentRow("ACC-102", date(2026, 3, 11), 32000, 2),
            PaymentRow("ACC-100", date(2026, 3, 14), 2000, 3),
            PaymentRow("ACC-999", date(2026, 3, 30), 5000, 4),
        ],
        source_file="test-payments.csv",
    )
