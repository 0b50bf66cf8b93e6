-- Core tables: one run log, one row per call content version, its utterances, one scorecard
-- per (call content, rubric version), one finding per judged item, and the errors.
--
-- Identity: a call is (call_id, content_hash); call_key = call_id || '@' || first 16 hex of
-- the hash. The same input loaded twice maps to the same keys, so the loader's anti-joins add
-- nothing the second time. Primary keys are the last line of defence against duplicates.

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    flow_run_id       VARCHAR,
    input             VARCHAR NOT NULL,
    rubric_id         VARCHAR,
    rubric_version    VARCHAR,
    task_runner       VARCHAR,
    host              VARCHAR,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    -- running | completed | failed; a run killed with kill -9 stays 'running' forever
    status            VARCHAR NOT NULL,
    calls_received    INTEGER,
    calls_skipped     INTEGER,
    calls_judged      INTEGER,
    calls_failed      INTEGER,
    violations_found  INTEGER,
    wall_seconds      DOUBLE,
    model_seconds     DOUBLE,
    message           VARCHAR
);

CREATE TABLE calls (
    call_key            VARCHAR PRIMARY KEY,
    call_id             VARCHAR NOT NULL,
    content_hash        VARCHAR NOT NULL,
    agent_id            VARCHAR,
    account_id          VARCHAR,
    segment             VARCHAR,
    days_past_due       INTEGER,
    channel             VARCHAR,
    -- the instant, and the customer's own wall-clock time (calling hours and days are local)
    started_at          TIMESTAMPTZ,
    started_at_local    TIMESTAMP,
    utc_offset_minutes  INTEGER,
    call_date           DATE,
    source_path         VARCHAR,
    audio_path          VARCHAR,
    duration_seconds    DOUBLE,
    n_utterances        INTEGER,
    metadata            JSON,
    -- judged | failed
    status              VARCHAR NOT NULL,
    -- the latest content version of this call_id
    is_current          BOOLEAN NOT NULL,
    first_run_id        VARCHAR,
    loaded_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE utterances (
    call_key   VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    speaker    VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    start_s    DOUBLE,
    end_s      DOUBLE,
    PRIMARY KEY (call_key, idx)
);

CREATE TABLE rubric_versions (
    rubric_id       VARCHAR NOT NULL,
    version         VARCHAR NOT NULL,
    source_sha256   VARCHAR NOT NULL,
    description     VARCHAR,
    yaml_text       VARCHAR NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    first_run_id    VARCHAR,
    PRIMARY KEY (rubric_id, version, source_sha256)
);

CREATE TABLE rubric_items (
    rubric_id          VARCHAR NOT NULL,
    version            VARCHAR NOT NULL,
    source_sha256      VARCHAR NOT NULL,
    item_id            VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    description        VARCHAR,
    statute            VARCHAR,
    weight             DOUBLE,
    compliance_weight  DOUBLE,
    auto_fail          BOOLEAN,
    required           BOOLEAN,
    -- kind is part of the key: labels.md uses 'dispute' both as a flag and as a reason
    PRIMARY KEY (rubric_id, version, source_sha256, kind, item_id)
);

CREATE TABLE model_versions (
    name            VARCHAR NOT NULL,
    version         VARCHAR NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    first_run_id    VARCHAR,
    PRIMARY KEY (name, version)
);

CREATE TABLE scorecards (
    scorecard_id        VARCHAR PRIMARY KEY,
    call_key            VARCHAR NOT NULL,
    call_id             VARCHAR NOT NULL,
    rubric_id           VARCHAR NOT NULL,
    rubric_version      VARCHAR NOT NULL,
    rubric_sha256       VARCHAR NOT NULL,
    run_id              VARCHAR,
    judged_at           TIMESTAMPTZ NOT NULL,
    script_adherence    DOUBLE,
    compliance          DOUBLE,
    scores              JSON,
    non_payment_reason  VARCHAR,
    reason_confidence   DOUBLE,
    reason_evidence     INTEGER[],
    ptp_amount          DECIMAL(14, 2),
    ptp_date            DATE,
    ptp_confidence      DOUBLE,
    ptp_evidence        INTEGER[],
    flags               VARCHAR[],
    n_violations        INTEGER NOT NULL,
    role_agent_label    VARCHAR,
    role_confidence     DOUBLE,
    role_method         VARCHAR,
    models              JSON,
    scorecard           JSON NOT NULL,
    -- the scorecard of the latest run that judged or confirmed this call (one per call_id)
    is_current          BOOLEAN NOT NULL
);

CREATE TABLE findings (
    finding_id          VARCHAR PRIMARY KEY,
    scorecard_id        VARCHAR NOT NULL,
    call_key            VARCHAR NOT NULL,
    call_id             VARCHAR NOT NULL,
    rubric_id           VARCHAR NOT NULL,
    rubric_version      VARCHAR NOT NULL,
    -- script | empathy | violation | flag | extra
    kind                VARCHAR NOT NULL,
    item_id             VARCHAR NOT NULL,
    ordinal             INTEGER NOT NULL,
    -- script, empathy, extra: whether the agent performed the step
    passed              BOOLEAN,
    -- violation, flag: raised (only raised ones are stored)
    present             BOOLEAN,
    evidence_utterance  INTEGER,
    evidence            INTEGER[],
    quote               VARCHAR,
    start_s             DOUBLE,
    end_s               DOUBLE,
    confidence          DOUBLE,
    rationale           VARCHAR,
    statute             VARCHAR,
    weight              DOUBLE,
    auto_fail           BOOLEAN,
    required            BOOLEAN
);

CREATE TABLE errors (
    -- hash of (call_key, stage, message): the same failure seen twice is one row
    error_id      VARCHAR PRIMARY KEY,
    run_id        VARCHAR,
    call_id       VARCHAR NOT NULL,
    call_key      VARCHAR NOT NULL,
    content_hash  VARCHAR,
    source_path   VARCHAR,
    stage         VARCHAR NOT NULL,
    error_type    VARCHAR NOT NULL,
    message       VARCHAR NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX calls_call_id ON calls (call_id);
CREATE INDEX scorecards_call_key ON scorecards (call_key);
CREATE INDEX findings_scorecard ON findings (scorecard_id);
