-- The app's queries. Each runs on a session (session.sql): f_* views are already filtered.

-- ============================================================== filter choices (unfiltered)
-- name: filter_choices
SELECT min(call_date) AS first_day, max(call_date) AS last_day,
       list(DISTINCT agent_id ORDER BY agent_id) FILTER (WHERE agent_id IS NOT NULL) AS agents,
       list(DISTINCT channel ORDER BY channel) FILTER (WHERE channel IS NOT NULL) AS channels,
       (SELECT list(DISTINCT rubric_id || '@' || rubric_version
                    ORDER BY rubric_id || '@' || rubric_version)
        FROM scorecards) AS rubrics
FROM calls WHERE is_current;

-- ============================================================== agent compliance
-- name: compliance_overview
SELECT count(*) AS calls,
       avg(compliance) AS avg_compliance,
       avg(script_adherence) AS avg_script_adherence,
       count(*) FILTER (WHERE n_violations > 0) AS calls_with_violations,
       count(DISTINCT agent_id) AS agents
FROM f_judged;

-- name: agent_trend
SELECT call_week AS week, agent_id, count(*) AS calls,
       avg(compliance) AS compliance, avg(script_adherence) AS script_adherence
FROM f_judged
GROUP BY ALL
ORDER BY week, agent_id;

-- name: agent_ranking
SELECT rank() OVER (ORDER BY avg(compliance) DESC, avg(script_adherence) DESC) AS rank,
       agent_id,
       count(*) AS calls,
       round(avg(compliance), 3) AS compliance,
       round(avg(script_adherence), 3) AS script_adherence,
       count(*) FILTER (WHERE n_violations > 0) AS calls_with_violations,
       sum(n_violations) AS violations,
       count(*) FILTER (WHERE compliance = 0) AS auto_failed_calls
FROM f_judged
GROUP BY agent_id
ORDER BY rank, agent_id;

-- name: agent_calls
SELECT c.call_id, c.call_key, c.call_date, c.channel,
       round(c.compliance, 3) AS compliance, round(c.script_adherence, 3) AS script_adherence,
       c.n_violations AS violations,
       (SELECT string_agg(f.item_id, ', ' ORDER BY f.kind, f.ordinal) FROM f_findings f
        WHERE f.call_key = c.call_key AND f.adverse AND f.kind <> 'flag') AS failed_items,
       array_to_string(c.flags, ', ') AS flags
FROM f_judged c
WHERE c.agent_id = $agent
ORDER BY c.compliance, c.call_date DESC, c.call_id;

-- name: call_failed_items
SELECT f.kind, f.item_id, f.ai_verdict, round(f.confidence, 2) AS confidence,
       f.evidence_utterance AS utterance, u.speaker, u.text AS evidence_text, f.quote,
       f.rationale, f.statute, f.review_decision
FROM f_findings f
LEFT JOIN utterances u ON u.call_key = f.call_key AND u.idx = f.evidence_utterance
WHERE f.call_key = $call_key AND f.adverse
ORDER BY CASE f.kind WHEN 'violation' THEN 0 WHEN 'extra' THEN 1 WHEN 'script' THEN 2
                     WHEN 'empathy' THEN 3 ELSE 4 END, f.ordinal;

-- ============================================================== one call
-- name: call_header
SELECT c.call_id, c.call_key, c.agent_id, c.account_id, c.channel, c.call_date,
       c.started_at_local, c.duration_seconds, c.audio_path, c.audio_redacted_path,
       c.n_redactions, c.source_path,
       CAST(c.metadata AS VARCHAR) AS metadata_json, c.compliance, c.script_adherence,
       c.n_violations, array_to_string(c.flags, ', ') AS flags, c.non_payment_reason,
       c.rubric_id, c.rubric_version
FROM v_current_calls c
WHERE c.call_key = $call_key;

-- name: call_utterances
SELECT idx, speaker, start_s, end_s, text
FROM utterances
WHERE call_key = $call_key AND idx BETWEEN $first AND $last
ORDER BY idx;

-- ============================================================== coaching queue
-- name: coaching_queue
WITH notes AS (
    SELECT finding_id, count(*) AS notes, max(coached_at) AS coached_at,
           arg_max(coach, note_id) AS coached_by
    FROM app_coaching_notes GROUP BY finding_id
)
SELECT m.priority, m.why, m.agent_id, m.call_id, m.call_key, m.call_date, m.channel,
       m.kind, m.item_id, m.finding_id, m.evidence_utterance, m.quote, m.start_s,
       round(m.confidence, 2) AS confidence, m.rationale,
       CASE WHEN n.notes > 0 THEN 'coached' ELSE 'open' END AS status,
       n.coached_by, n.coached_at
FROM v_coaching_moments m
JOIN f_judged c ON c.call_key = m.call_key
LEFT JOIN notes n ON n.finding_id = m.finding_id
WHERE $include_coached OR n.notes IS NULL
ORDER BY (n.notes IS NOT NULL), m.priority, m.call_date DESC, m.confidence DESC, m.call_id,
         m.finding_id;

-- name: coaching_notes_for
SELECT coached_at, coach, coach_role, note
FROM app_coaching_notes WHERE finding_id = $finding_id ORDER BY note_id DESC;

-- ============================================================== flagged call review
-- name: review_worklist
WITH counts AS (
    SELECT call_key,
           count(*) FILTER (WHERE adverse) AS findings,
           count(*) FILTER (WHERE adverse AND review_decision IS NOT NULL) AS reviewed
    FROM f_findings GROUP BY call_key
)
SELECT c.call_id, c.call_key, c.agent_id, c.call_date, c.channel,
       round(c.compliance, 3) AS compliance, round(c.script_adherence, 3) AS script_adherence,
       c.n_violations AS violations, array_to_string(c.flags, ', ') AS flags,
       coalesce(n.findings, 0) AS findings, coalesce(n.reviewed, 0) AS reviewed
FROM f_judged c
LEFT JOIN counts n ON n.call_key = c.call_key
WHERE c.n_violations > 0 OR c.compliance < $max_compliance
   OR c.script_adherence < $max_script
   OR c.call_key IN (SELECT call_key FROM f_sensitive_requests)
ORDER BY (coalesce(n.reviewed, 0) >= coalesce(n.findings, 0)), c.compliance,
         c.n_violations DESC, c.call_date DESC, c.call_id;

-- name: call_findings
SELECT f.finding_id, f.call_id, f.call_key, f.rubric_id, f.rubric_version, f.kind, f.item_id,
       f.ai_verdict, f.adverse, round(f.confidence, 2) AS confidence, f.evidence_utterance,
       f.quote, f.start_s, f.end_s, f.rationale, f.statute, f.agent_id,
       f.review_decision, f.reviewed_by, f.reviewed_at, f.review_reason
FROM f_findings f
WHERE f.call_key = $call_key
ORDER BY NOT f.adverse,
         CASE f.kind WHEN 'violation' THEN 0 WHEN 'extra' THEN 1 WHEN 'flag' THEN 2
                     WHEN 'script' THEN 3 ELSE 4 END, f.ordinal;

-- name: reviews_for_call
SELECT finding_id, reviewed_at, reviewer, reviewer_role, decision, reason
FROM app_reviews WHERE call_key = $call_key ORDER BY review_id DESC;

-- name: agreement_by_item
-- AI vs reviewer per rubric item, over every review in force (also of findings from earlier
-- rubric versions), for calls inside the date/agent/channel filter
SELECT r.rubric_id, r.rubric_version, r.kind, r.item_id,
       count(*) AS reviewed,
       count(*) FILTER (WHERE r.decision = 'confirm') AS confirmed,
       count(*) FILTER (WHERE r.decision = 'overturn') AS overturned,
       round(count(*) FILTER (WHERE r.decision = 'confirm') / count(*), 3) AS agreement
FROM app_latest_review r
JOIN calls c ON c.call_key = r.call_key
CROSS JOIN app_filter flt
WHERE c.call_date BETWEEN flt.date_from AND flt.date_to
  AND (flt.agents IS NULL OR list_contains(flt.agents, c.agent_id))
  AND (flt.channels IS NULL OR list_contains(flt.channels, c.channel))
  AND (flt.rubric IS NULL OR r.rubric_id || '@' || r.rubric_version = flt.rubric)
GROUP BY ALL
ORDER BY agreement, reviewed DESC, r.item_id;

-- ============================================================== compliance audit
-- name: coverage_totals
-- calls that failed before their date (or agent) could be read belong to no filter: they are
-- counted in every view of coverage, so a broken file never hides from the 100% target
WITH undated AS (SELECT count(*) AS n FROM calls WHERE is_current AND call_date IS NULL)
SELECT count(*) + any_value(u.n) AS received,
       count(*) FILTER (WHERE status = 'judged') AS judged,
       count(*) FILTER (WHERE status = 'failed') + any_value(u.n) AS failed,
       any_value(u.n) AS undated
FROM f_calls CROSS JOIN undated u;

-- name: coverage_by_day
SELECT call_date, count(*) AS received,
       count(*) FILTER (WHERE status = 'judged') AS judged,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM f_calls GROUP BY call_date ORDER BY call_date;

-- name: failed_calls
SELECT v.call_id, v.call_date, v.channel, v.stage, v.error_type, v.message, v.source_path,
       v.occurred_at
FROM v_failed_calls v
WHERE v.call_key IN (SELECT call_key FROM f_calls) OR v.call_date IS NULL
ORDER BY v.call_date NULLS FIRST, v.call_id;

-- name: violations_by_type
SELECT v.violation_id, any_value(v.statute) AS statute, count(*) AS findings,
       count(DISTINCT v.call_key) AS calls, count(DISTINCT v.agent_id) AS agents,
       count(*) FILTER (WHERE r.decision = 'confirm') AS confirmed,
       count(*) FILTER (WHERE r.decision = 'overturn') AS overturned
FROM v_violations_evidence v
JOIN f_judged c ON c.call_key = v.call_key
LEFT JOIN app_latest_review r ON r.finding_id = v.finding_id
GROUP BY v.violation_id
ORDER BY findings DESC, v.violation_id;

-- name: violations_by_agent
SELECT v.agent_id, v.violation_id, count(*) AS findings
FROM v_violations_evidence v JOIN f_judged c ON c.call_key = v.call_key
GROUP BY ALL ORDER BY v.agent_id, v.violation_id;

-- name: violations_by_period
SELECT date_trunc($grain, v.call_date)::DATE AS period, v.violation_id, count(*) AS findings
FROM v_violations_evidence v JOIN f_judged c ON c.call_key = v.call_key
GROUP BY ALL ORDER BY period, v.violation_id;

-- name: calling_hours
SELECT h.call_id, h.agent_id, h.account_id, h.started_at_local, h.utc_offset_minutes,
       h.status, h.statute
FROM v_calling_hours h
WHERE h.call_key IN (SELECT call_key FROM f_calls)
ORDER BY h.started_at_local;

-- name: reg_f_7in7
SELECT r.account_id, r.call_id, r.agent_id, r.started_at_local, r.window_start, r.window_end,
       r.attempts_in_7_days, r.statute
FROM v_reg_f_7in7 r CROSS JOIN app_filter flt
WHERE r.call_date BETWEEN flt.date_from AND flt.date_to
ORDER BY r.account_id, r.started_at_local;

-- name: sensitive_requests
SELECT s.call_id, s.agent_id, s.call_date, s.channel, s.kind, s.evidence_utterance AS utterance,
       s.quote, s.start_s, round(s.confidence, 2) AS confidence, s.rationale, s.review_decision
FROM f_sensitive_requests s
ORDER BY s.call_date DESC, s.call_id;

-- name: evidence_export
-- the auditor's file: every violation and sensitive-data request inside the filter with its
-- evidence, statute, rubric and model versions, and the reviewer's decision in force
SELECT f.call_id, f.call_key, f.agent_id, f.account_id, f.channel, f.call_date,
       f.started_at_local, f.kind, f.item_id,
       coalesce(nullif(f.statute, ''), ri.statute) AS statute,
       f.evidence_utterance, u.speaker AS evidence_speaker, u.text AS evidence_text, f.quote,
       f.start_s, f.end_s, round(f.confidence, 3) AS confidence, f.rationale,
       f.rubric_id, f.rubric_version, s.rubric_sha256, CAST(s.models AS VARCHAR) AS models,
       s.judged_at, f.review_decision, f.reviewed_by, f.reviewed_at, f.review_reason,
       f.finding_id
FROM f_findings f
JOIN scorecards s ON s.scorecard_id = f.scorecard_id
LEFT JOIN rubric_items ri ON ri.rubric_id = s.rubric_id AND ri.version = s.rubric_version
     AND ri.source_sha256 = s.rubric_sha256 AND ri.item_id = f.item_id
LEFT JOIN utterances u ON u.call_key = f.call_key AND u.idx = f.evidence_utterance
WHERE f.kind = 'violation' OR f.finding_id IN (SELECT finding_id FROM f_sensitive_requests)
ORDER BY f.call_date, f.call_id, f.kind, f.ordinal;

-- ============================================================== non-payment reasons
-- name: reasons_by_dimension
SELECT CASE $dimension
           WHEN 'agent' THEN agent_id
           WHEN 'segment' THEN coalesce(segment, 'unknown')
           WHEN 'dpd_bucket' THEN dpd_bucket
           WHEN 'channel' THEN channel
           ELSE 'all'
       END AS dimension_value,
       coalesce(non_payment_reason, 'none_given') AS reason,
       count(*) AS calls
FROM f_judged
GROUP BY ALL ORDER BY dimension_value, calls DESC;

-- name: reasons_trend
SELECT date_trunc($grain, call_date)::DATE AS period,
       coalesce(non_payment_reason, 'none_given') AS reason, count(*) AS calls
FROM f_judged GROUP BY ALL ORDER BY period, reason;

-- name: ptp_by_dimension
SELECT CASE $dimension
           WHEN 'agent' THEN agent_id
           WHEN 'segment' THEN coalesce(segment, 'unknown')
           WHEN 'dpd_bucket' THEN dpd_bucket
           WHEN 'channel' THEN channel
           ELSE 'all'
       END AS dimension_value,
       count(*) AS calls,
       count(*) FILTER (WHERE has_ptp) AS promises,
       round(count(*) FILTER (WHERE has_ptp) / count(*), 3) AS ptp_rate,
       coalesce(sum(ptp_amount), 0) AS promised_total,
       round(avg(ptp_amount), 2) AS promised_average
FROM f_judged GROUP BY ALL ORDER BY dimension_value;

-- ============================================================== operations KPIs
-- name: kpis
SELECT count(*) AS judged_calls,
       count(*) FILTER (WHERE right_party_contact) AS right_party_contacts,
       count(*) FILTER (WHERE has_ptp) AS promises,
       count(*) FILTER (WHERE n_violations = 0) AS compliant_calls,
       count(*) FILTER (WHERE disputed) AS disputes,
       count(*) FILTER (WHERE vulnerable) AS vulnerable_calls,
       coalesce(sum(ptp_amount), 0) AS promised_total,
       (SELECT count(*) FILTER (WHERE outcome = 'kept') FROM f_promises) AS promises_kept,
       (SELECT count(*) FILTER (WHERE outcome = 'broken') FROM f_promises) AS promises_broken,
       (SELECT count(*) FILTER (WHERE outcome = 'pending') FROM f_promises) AS promises_pending,
       (SELECT count(*) FROM app_payments) AS payments_loaded,
       (SELECT max(paid_on) FROM app_payments) AS payments_as_of
FROM f_judged;

-- name: kpis_by_period
SELECT date_trunc($grain, j.call_date)::DATE AS period,
       count(*) AS judged_calls,
       round(count(*) FILTER (WHERE right_party_contact) / count(*), 3) AS right_party_contact_rate,
       round(count(*) FILTER (WHERE has_ptp) / count(*), 3) AS ptp_rate,
       round(count(*) FILTER (WHERE n_violations = 0) / count(*), 3) AS compliance_rate,
       round(count(*) FILTER (WHERE disputed) / count(*), 3) AS dispute_rate,
       round(count(*) FILTER (WHERE vulnerable) / count(*), 3) AS vulnerable_share
FROM f_judged j GROUP BY ALL ORDER BY period;

-- name: kpis_by_agent
SELECT j.agent_id, count(*) AS judged_calls,
       round(count(*) FILTER (WHERE right_party_contact) / count(*), 3) AS right_party_contact_rate,
       round(count(*) FILTER (WHERE has_ptp) / count(*), 3) AS ptp_rate,
       round(count(*) FILTER (WHERE n_violations = 0) / count(*), 3) AS compliance_rate,
       round(count(*) FILTER (WHERE disputed) / count(*), 3) AS dispute_rate,
       round(count(*) FILTER (WHERE vulnerable) / count(*), 3) AS vulnerable_share,
       (SELECT count(*) FROM f_promises p WHERE p.agent_id = j.agent_id AND p.outcome = 'kept')
           AS promises_kept,
       (SELECT count(*) FROM f_promises p WHERE p.agent_id = j.agent_id
        AND p.outcome IN ('kept', 'broken')) AS promises_due
FROM f_judged j GROUP BY j.agent_id ORDER BY j.agent_id;

-- name: promises
SELECT call_id, agent_id, account_id, call_date, ptp_amount, ptp_date, paid_amount,
       first_paid_on, outcome
FROM f_promises ORDER BY call_date DESC, call_id;
