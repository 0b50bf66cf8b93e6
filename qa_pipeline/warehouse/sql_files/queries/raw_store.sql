-- Statements of the raw-text store (<warehouse stem>.raw.duckdb, only with keep_raw_text).
-- It is not a migrated warehouse: one table, created when first written.

-- name: create_raw_utterances
CREATE TABLE IF NOT EXISTS raw_utterances (
    call_key   VARCHAR NOT NULL,
    call_id    VARCHAR NOT NULL,
    idx        INTEGER NOT NULL,
    speaker    VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    start_s    DOUBLE,
    end_s      DOUBLE,
    stored_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_key, idx)
);

-- name: count_new_raw
SELECT count(*) FROM (SELECT DISTINCT call_key, idx FROM batch_raw) b
WHERE NOT EXISTS (SELECT 1 FROM raw_utterances r WHERE r.call_key = b.call_key AND r.idx = b.idx);

-- name: insert_raw_utterances
INSERT INTO raw_utterances BY NAME
SELECT * FROM batch_raw b
WHERE NOT EXISTS (SELECT 1 FROM raw_utterances r WHERE r.call_key = b.call_key AND r.idx = b.idx)
QUALIFY row_number() OVER (PARTITION BY b.call_key, b.idx) = 1;
