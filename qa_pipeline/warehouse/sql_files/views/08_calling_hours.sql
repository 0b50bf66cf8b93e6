-- Voice calls started before 08:00 or at/after 21:00 in the customer's local time
-- (12 CFR 1006.6(b)(1)(i)), straight from call metadata, judged or not.
CREATE OR REPLACE VIEW v_calling_hours AS
SELECT call_id, call_key, agent_id, account_id, started_at, started_at_local,
       utc_offset_minutes, call_date, status,
       '12 CFR 1006.6(b)(1)(i)' AS statute
FROM calls
WHERE is_current AND channel = 'voice' AND started_at_local IS NOT NULL
  AND (hour(started_at_local) < 8 OR hour(started_at_local) >= 21);
