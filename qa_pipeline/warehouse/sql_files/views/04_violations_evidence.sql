-- Every violation of the current scorecards with its evidence and statute, for compliance
-- review and the auditor's export.
CREATE OR REPLACE VIEW v_violations_evidence AS
SELECT f.finding_id, f.call_id, f.call_key, f.agent_id, f.account_id, f.segment, f.channel,
       f.call_date, f.started_at, f.started_at_local, f.item_id AS violation_id,
       coalesce(nullif(f.statute, ''), ri.statute) AS statute,
       f.evidence_utterance, f.quote, f.start_s, f.end_s, f.confidence, f.rationale,
       u.speaker AS evidence_speaker, u.text AS evidence_text,
       f.rubric_id, f.rubric_version, f.audio_path, f.audio_redacted_path, f.source_path
FROM v_current_findings f
JOIN scorecards s ON s.scorecard_id = f.scorecard_id
LEFT JOIN rubric_items ri ON ri.rubric_id = s.rubric_id AND ri.version = s.rubric_version
     AND ri.source_sha256 = s.rubric_sha256 AND ri.kind = 'violation' AND ri.item_id = f.item_id
LEFT JOIN utterances u ON u.call_key = f.call_key AND u.idx = f.evidence_utterance
WHERE f.kind = 'violation';
