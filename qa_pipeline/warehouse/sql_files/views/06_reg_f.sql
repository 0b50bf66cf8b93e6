-- Reg F 7-in-7 (12 CFR 1006.14(b)(2)): more than seven call attempts to one account within
-- seven consecutive days. Voice only; every current call counts as an attempt whether or not
-- it could be judged. Days are the customer's local dates. Only calls present in the warehouse
-- are counted: unanswered attempts the dialler never recorded are not seen here.
CREATE OR REPLACE VIEW v_reg_f_attempts AS
SELECT call_id, call_key, account_id, agent_id, started_at, started_at_local, call_date,
       count(*) OVER (
           PARTITION BY account_id ORDER BY call_date
           RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW
       ) AS attempts_in_7_days,
       call_date - INTERVAL 6 DAYS AS window_start
FROM calls
WHERE is_current AND channel = 'voice' AND account_id IS NOT NULL AND call_date IS NOT NULL;

-- one row per call that was the 8th or later attempt in a 7-day window
CREATE OR REPLACE VIEW v_reg_f_7in7 AS
SELECT account_id, call_id, call_key, agent_id, started_at_local, call_date,
       CAST(window_start AS DATE) AS window_start, call_date AS window_end,
       attempts_in_7_days,
       '12 CFR 1006.14(b)(2)' AS statute
FROM v_reg_f_attempts
WHERE attempts_in_7_days > 7;
