-- Statements the single writer runs inside one transaction per batch. The batch itself is an
-- Arrow table registered on the connection as batch_<name>; nothing here is row by row.

-- name: existing_calls
SELECT call_key, status FROM calls WHERE call_key IN (SELECT call_key FROM batch_calls);

-- name: existing_scorecards
SELECT scorecard_id FROM scorecards
WHERE scorecard_id IN (SELECT scorecard_id FROM batch_scorecards);

-- name: insert_calls
INSERT INTO calls BY NAME SELECT * FROM batch_calls_new;

-- name: mark_calls_judged
-- a call that failed before (a transient error) and is judged now takes the judged facts
UPDATE calls SET
    status = 'judged',
    n_utterances = b.n_utterances,
    duration_seconds = b.duration_seconds,
    metadata = b.metadata,
    text_redacted = b.text_redacted,
    n_redactions = b.n_redactions,
    audio_redacted_path = b.audio_redacted_path
FROM batch_calls_judged b
WHERE calls.status = 'failed' AND calls.call_key = b.call_key;

-- name: insert_utterances
INSERT INTO utterances BY NAME SELECT * FROM batch_utterances_new;

-- name: insert_scorecards
INSERT INTO scorecards BY NAME SELECT * FROM batch_scorecards_new;

-- name: insert_findings
INSERT INTO findings BY NAME SELECT * FROM batch_findings_new;

-- name: existing_errors
SELECT error_id FROM errors WHERE error_id IN (SELECT error_id FROM batch_errors);

-- name: insert_errors
INSERT INTO errors BY NAME SELECT * FROM batch_errors_new;

-- name: retire_calls
-- a newer content version of a call_id becomes the current one
UPDATE calls SET is_current = false
WHERE is_current
  AND call_id IN (SELECT call_id FROM batch_current_calls)
  AND call_key NOT IN (SELECT call_key FROM batch_current_calls);

-- name: confirm_calls
UPDATE calls SET is_current = true
WHERE NOT is_current AND call_key IN (SELECT call_key FROM batch_current_calls);

-- name: retire_scorecards
-- the rubric the latest run used decides which scorecard of a call is current
UPDATE scorecards SET is_current = false
WHERE is_current
  AND call_id IN (SELECT call_id FROM batch_current_scorecards)
  AND scorecard_id NOT IN (SELECT scorecard_id FROM batch_current_scorecards);

-- name: confirm_scorecards
UPDATE scorecards SET is_current = true
WHERE NOT is_current AND scorecard_id IN (SELECT scorecard_id FROM batch_current_scorecards);

-- name: judged_scorecards
-- which of these calls already hold a scorecard under this rubric version (rerun skips them)
SELECT call_key, scorecard_id FROM scorecards
WHERE scorecard_id IN (SELECT scorecard_id FROM batch_candidates);

-- name: insert_rubric_version
INSERT INTO rubric_versions BY NAME
SELECT * FROM batch_rubric b
WHERE NOT EXISTS (
    SELECT 1 FROM rubric_versions r
    WHERE r.rubric_id = b.rubric_id AND r.version = b.version AND r.source_sha256 = b.source_sha256
);

-- name: same_version_other_sha
SELECT count(*) FROM rubric_versions r, batch_rubric b
WHERE r.rubric_id = b.rubric_id AND r.version = b.version AND r.source_sha256 <> b.source_sha256;

-- name: insert_rubric_items
INSERT INTO rubric_items BY NAME
SELECT * FROM batch_rubric_items b
WHERE NOT EXISTS (
    SELECT 1 FROM rubric_items r
    WHERE r.rubric_id = b.rubric_id AND r.version = b.version
      AND r.source_sha256 = b.source_sha256 AND r.kind = b.kind AND r.item_id = b.item_id
);

-- name: insert_model_versions
INSERT INTO model_versions BY NAME
SELECT * FROM batch_models b
WHERE NOT EXISTS (
    SELECT 1 FROM model_versions m WHERE m.name = b.name AND m.version = b.version
);

-- name: start_run
INSERT INTO runs BY NAME SELECT * FROM batch_run;

-- name: finish_run
UPDATE runs SET
    finished_at = r.finished_at,
    status = r.status,
    calls_received = r.calls_received,
    calls_skipped = r.calls_skipped,
    calls_judged = r.calls_judged,
    calls_failed = r.calls_failed,
    violations_found = r.violations_found,
    wall_seconds = r.wall_seconds,
    model_seconds = r.model_seconds,
    message = r.message
FROM batch_run r
WHERE runs.run_id = r.run_id;

-- name: insert_redactions
-- the redactions of calls whose utterances this batch stores (they come and go together)
INSERT INTO redactions BY NAME
SELECT * FROM batch_redactions b
WHERE b.call_key IN (SELECT call_key FROM batch_utterances_new)
  AND NOT EXISTS (
    SELECT 1 FROM redactions r
    WHERE r.call_key = b.call_key AND r.utterance_idx = b.utterance_idx AND r.ordinal = b.ordinal
);
