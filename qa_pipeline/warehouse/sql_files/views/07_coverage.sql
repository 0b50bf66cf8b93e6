-- Coverage: calls received, judged and failed per local day and channel (the target is 100%).
-- A failed call whose file could not be parsed has no date: it is counted under a NULL day.
CREATE OR REPLACE VIEW v_coverage AS
SELECT call_date, channel,
       count(*)                                   AS received,
       count(*) FILTER (WHERE status = 'judged')  AS judged,
       count(*) FILTER (WHERE status = 'failed')  AS failed,
       round(count(*) FILTER (WHERE status = 'judged') / count(*), 4) AS judged_share
FROM calls
WHERE is_current
GROUP BY ALL;

-- the latest error of every current call that failed, for the "why" column
CREATE OR REPLACE VIEW v_failed_calls AS
SELECT c.call_id, c.call_key, c.source_path, c.call_date, c.channel, e.stage, e.error_type,
       e.message, e.occurred_at, e.run_id
FROM calls c
JOIN errors e ON e.call_key = c.call_key
WHERE c.is_current AND c.status = 'failed'
QUALIFY row_number() OVER (PARTITION BY c.call_key ORDER BY e.occurred_at DESC) = 1;
