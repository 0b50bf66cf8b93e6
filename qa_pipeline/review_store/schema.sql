-- The review side store: what people decide about the machine's findings, kept apart from the
-- warehouse so the pipeline's single DuckDB writer and the app never contend for one lock.
-- SQLite in WAL mode: many readers and one short writer at a time, across processes.
-- Every table is append-only (triggers refuse UPDATE and DELETE): a later decision is a new
-- row, the latest row per finding wins, and the history stays for the audit trail.

CREATE TABLE IF NOT EXISTS finding_reviews (
    review_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id      TEXT NOT NULL,
    call_id         TEXT NOT NULL,
    call_key        TEXT NOT NULL,
    rubric_id       TEXT NOT NULL,
    rubric_version  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    item_id         TEXT NOT NULL,
    -- what the machine said, in words ("violation raised", "step failed", ...)
    ai_verdict      TEXT NOT NULL,
    decision        TEXT NOT NULL CHECK (decision IN ('confirm', 'overturn')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    reviewer        TEXT NOT NULL,
    reviewer_role   TEXT NOT NULL,
    reviewed_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_reviews_finding ON finding_reviews (finding_id);

CREATE TABLE IF NOT EXISTS coaching_notes (
    note_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id  TEXT NOT NULL,
    call_id     TEXT NOT NULL,
    call_key    TEXT NOT NULL,
    agent_id    TEXT,
    item_id     TEXT NOT NULL,
    note        TEXT NOT NULL,
    coach       TEXT NOT NULL,
    coach_role  TEXT NOT NULL,
    coached_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS coaching_notes_finding ON coaching_notes (finding_id);

-- Payments from the collections system, matched to promises to pay for the promise-kept rate.
-- occurrence numbers identical (account, day, amount) rows within one file, so loading the
-- same file twice, or two files that overlap, adds each payment once.
CREATE TABLE IF NOT EXISTS payments (
    payment_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     TEXT NOT NULL,
    paid_on        TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
    occurrence     INTEGER NOT NULL,
    source_file    TEXT NOT NULL,
    source_line    INTEGER NOT NULL,
    loaded_at      TEXT NOT NULL,
    UNIQUE (account_id, paid_on, amount_cents, occurrence)
);

CREATE TRIGGER IF NOT EXISTS finding_reviews_append_only_u BEFORE UPDATE ON finding_reviews
BEGIN SELECT RAISE(ABORT, 'finding_reviews is append-only: add a new review instead'); END;
CREATE TRIGGER IF NOT EXISTS finding_reviews_append_only_d BEFORE DELETE ON finding_reviews
BEGIN SELECT RAISE(ABORT, 'finding_reviews is append-only: add a new review instead'); END;
CREATE TRIGGER IF NOT EXISTS coaching_notes_append_only_u BEFORE UPDATE ON coaching_notes
BEGIN SELECT RAISE(ABORT, 'coaching_notes is append-only: add a new note instead'); END;
CREATE TRIGGER IF NOT EXISTS coaching_notes_append_only_d BEFORE DELETE ON coaching_notes
BEGIN SELECT RAISE(ABORT, 'coaching_notes is append-only: add a new note instead'); END;
CREATE TRIGGER IF NOT EXISTS payments_append_only_u BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END;
CREATE TRIGGER IF NOT EXISTS payments_append_only_d BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END;
