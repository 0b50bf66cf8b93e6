-- The current state: the latest content version of every call, with its current scorecard.
-- Every other view reads from these two, so "current" is decided in one place.
CREATE OR REPLACE VIEW v_current_calls AS
SELECT c.*, s.scorecard_id, s.rubric_id, s.rubric_version, s.script_adherence, s.compliance,
       s.non_payment_reason, s.reason_confidence, s.ptp_amount, s.ptp_date, s.flags,
       s.n_violations, s.judged_at, s.models
FROM calls c
LEFT JOIN scorecards s ON s.call_key = c.call_key AND s.is_current
WHERE c.is_current;

CREATE OR REPLACE VIEW v_current_findings AS
SELECT f.*, c.agent_id, c.account_id, c.segment, c.channel, c.call_date, c.started_at,
       c.started_at_local, c.audio_path, c.source_path,
       -- the only recording a reviewer may play (redacted); audio_path is the original
       c.audio_redacted_path
FROM findings f
JOIN scorecards s ON s.scorecard_id = f.scorecard_id AND s.is_current
JOIN calls c ON c.call_key = f.call_key AND c.is_current;
