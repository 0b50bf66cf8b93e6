-- Redaction before storage (issue 7). The warehouse holds redacted text only: utterance text
-- and finding quotes carry tokens ([CARD], [SSN_LAST4], [DOB], ...) where values were said,
-- at the same utterance indexes, so evidence still points at the right words. The raw text,
-- when a deployment keeps it (privacy.keep_raw_text), lives in a separate file beside this
-- one (<stem>.raw.duckdb), never here.

-- true: this call's utterance text, quotes and rationales were redacted before storage;
-- NULL: stored before this migration (or a failed call, which stores no text)
ALTER TABLE calls ADD COLUMN text_redacted BOOLEAN;
-- how many values were taken out of the call (rows in redactions)
ALTER TABLE calls ADD COLUMN n_redactions INTEGER;
-- the redacted copy of the recording (privacy.redact_audio): redacted words' time spans
-- beeped or silenced. The app plays ONLY this file; audio_path names the original and is
-- never to be played. NULL: no copy (audio redaction off, a chat, or the copy could not be
-- made: see errors, stage 'redact_audio').
ALTER TABLE calls ADD COLUMN audio_redacted_path VARCHAR;

-- One row per value taken out of an utterance. It never holds the value.
CREATE TABLE redactions (
    call_key             VARCHAR NOT NULL,
    utterance_idx        INTEGER NOT NULL,
    -- the n-th redaction of that utterance, in text order
    ordinal              INTEGER NOT NULL,
    -- CARD | CVV | EXPIRY | BANK_ACCOUNT | ROUTING | SSN | SSN_LAST4 | DOB | EMAIL | PHONE
    kind                 VARCHAR NOT NULL,
    -- the token that stands in the stored text, e.g. [CARD]
    token                VARCHAR NOT NULL,
    -- characters [start_char, end_char) of the RAW utterance text (the raw store's, if kept)
    start_char           INTEGER NOT NULL,
    end_char             INTEGER NOT NULL,
    -- where the token is in the STORED (redacted) utterances.text
    redacted_start_char  INTEGER NOT NULL,
    redacted_end_char    INTEGER NOT NULL,
    -- seconds in the recording (word timings; the whole utterance when words are not timed)
    start_s              DOUBLE,
    end_s                DOUBLE,
    PRIMARY KEY (call_key, utterance_idx, ordinal)
);
