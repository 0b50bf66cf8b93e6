-- Moments worth coaching, each with why it was picked and where to listen (utterance, second).
-- priority: 1 = coach first (conduct that harms a customer), 3 = habits to polish.
CREATE OR REPLACE VIEW v_coaching_moments AS
WITH hardship AS (
    SELECT call_key FROM v_current_calls
    WHERE list_contains(flags, 'vulnerable_customer')
       OR non_payment_reason IN ('job_loss', 'reduced_income', 'medical', 'bereavement',
                                 'other_debts_hardship', 'disaster', 'bankruptcy')
)
SELECT f.finding_id, f.call_key, f.call_id, f.agent_id, f.call_date, f.channel,
       f.kind, f.item_id, f.evidence_utterance, f.quote, f.start_s, f.end_s, f.confidence,
       f.rationale,
       CASE
           WHEN f.kind = 'violation' AND f.item_id IN ('pressure_tactics', 'abusive_language',
                'threat_arrest_or_jail', 'threat_unintended_legal_action') THEN 1
           WHEN f.kind = 'script' AND f.item_id = 'right_party_verification' THEN 1
           WHEN f.kind = 'empathy' THEN 2
           ELSE 3
       END AS priority,
       CASE
           WHEN f.kind = 'violation' THEN 'agent conduct: ' || f.item_id
           WHEN f.kind = 'script' AND f.item_id = 'right_party_verification'
               THEN 'skipped identity verification before discussing the debt'
           WHEN f.kind = 'empathy' THEN 'no acknowledgement after the customer described a hardship'
           ELSE 'missed script step: ' || f.item_id
       END AS why
FROM v_current_findings f
WHERE (f.kind = 'violation' AND f.item_id IN ('pressure_tactics', 'abusive_language',
        'threat_arrest_or_jail', 'threat_unintended_legal_action', 'third_party_disclosure'))
   OR (f.kind = 'script' AND NOT f.passed AND f.required
       AND f.item_id IN ('right_party_verification', 'reason_probe', 'payment_options',
                         'ptp_confirmation', 'recording_disclosure', 'mini_miranda'))
   OR (f.kind = 'empathy' AND NOT f.passed AND f.call_key IN (SELECT call_key FROM hardship));
