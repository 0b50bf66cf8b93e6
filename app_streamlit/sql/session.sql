-- Run on every app connection, after the side store's frames are registered as
-- side_reviews, side_coaching_notes and side_payments and the filter row is in app_filter.
-- Every page query reads these f_* views, so a filter means the same thing on every page.

-- name: create_filter
CREATE TEMP TABLE app_filter (
    date_from          DATE,
    date_to            DATE,
    agents             VARCHAR[],
    channels           VARCHAR[],
    rubric             VARCHAR,
    grace_days         INTEGER,
    tolerance          DOUBLE
);

-- name: fill_filter
INSERT INTO app_filter VALUES ($date_from, $date_to, $agents, $channels, $rubric, $grace_days,
                               $tolerance);

-- name: views
-- typed copies of the side store (an empty frame carries no types)
CREATE TEMP VIEW app_reviews AS
SELECT CAST(review_id AS BIGINT) AS review_id, CAST(finding_id AS VARCHAR) AS finding_id,
       CAST(call_id AS VARCHAR) AS call_id, CAST(call_key AS VARCHAR) AS call_key,
       CAST(rubric_id AS VARCHAR) AS rubric_id, CAST(rubric_version AS VARCHAR) AS rubric_version,
       CAST(kind AS VARCHAR) AS kind, CAST(item_id AS VARCHAR) AS item_id,
       CAST(ai_verdict AS VARCHAR) AS ai_verdict, CAST(decision AS VARCHAR) AS decision,
       CAST(reason AS VARCHAR) AS reason, CAST(reviewer AS VARCHAR) AS reviewer,
       CAST(reviewer_role AS VARCHAR) AS reviewer_role,
       CAST(reviewed_at AS TIMESTAMPTZ) AS reviewed_at
FROM side_reviews;

-- the decision in force for each finding: the latest review
CREATE TEMP VIEW app_latest_review AS
SELECT * FROM app_reviews
QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY review_id DESC) = 1;

CREATE TEMP VIEW app_coaching_notes AS
SELECT CAST(note_id AS BIGINT) AS note_id, CAST(finding_id AS VARCHAR) AS finding_id,
       CAST(call_id AS VARCHAR) AS call_id, CAST(call_key AS VARCHAR) AS call_key,
       CAST(agent_id AS VARCHAR) AS agent_id, CAST(item_id AS VARCHAR) AS item_id,
       CAST(note AS VARCHAR) AS note, CAST(coach AS VARCHAR) AS coach,
       CAST(coach_role AS VARCHAR) AS coach_role, CAST(coached_at AS TIMESTAMPTZ) AS coached_at
FROM side_coaching_notes;

CREATE TEMP VIEW app_payments AS
SELECT CAST(account_id AS VARCHAR) AS account_id, CAST(paid_on AS DATE) AS paid_on,
       CAST(amount AS DECIMAL(14, 2)) AS amount
FROM side_payments;

-- current calls inside the filter; a call without a scorecard (failed) passes the rubric filter
CREATE TEMP VIEW f_calls AS
SELECT c.*,
       CASE
           WHEN c.days_past_due IS NULL THEN 'unknown'
           WHEN c.days_past_due <= 30 THEN '0-30'
           WHEN c.days_past_due <= 60 THEN '31-60'
           WHEN c.days_past_due <= 90 THEN '61-90'
           WHEN c.days_past_due <= 180 THEN '91-180'
           ELSE '180+'
       END AS dpd_bucket,
       date_trunc('week', c.call_date)::DATE AS call_week,
       date_trunc('month', c.call_date)::DATE AS call_month
FROM v_current_calls c, app_filter f
WHERE c.call_date BETWEEN f.date_from AND f.date_to
  AND (f.agents IS NULL OR list_contains(f.agents, c.agent_id))
  AND (f.channels IS NULL OR list_contains(f.channels, c.channel))
  AND (f.rubric IS NULL OR c.scorecard_id IS NULL
       OR c.rubric_id || '@' || c.rubric_version = f.rubric);

-- judged calls inside the filter, with the per-call facts the KPIs count
CREATE TEMP VIEW f_judged AS
SELECT c.*,
       coalesce(rpv.passed, false) AS right_party_contact,
       list_contains(coalesce(c.flags, []), 'dispute') AS disputed,
       list_contains(coalesce(c.flags, []), 'vulnerable_customer') AS vulnerable,
       c.ptp_amount IS NOT NULL AS has_ptp
FROM f_calls c
LEFT JOIN (
    SELECT f.call_key, bool_or(f.passed) AS passed FROM findings f
    JOIN scorecards s ON s.scorecard_id = f.scorecard_id AND s.is_current
    WHERE f.kind = 'script' AND f.item_id = 'right_party_verification'
    GROUP BY f.call_key
) rpv ON rpv.call_key = c.call_key
WHERE c.status = 'judged' AND c.scorecard_id IS NOT NULL;

-- findings of the current scorecards of the calls inside the filter, with what the machine
-- said in words and the decision a reviewer put in force
CREATE TEMP VIEW f_findings AS
SELECT f.*, c.agent_id, c.account_id, c.channel, c.call_date, c.started_at_local,
       c.audio_path, c.source_path,
       CASE
           WHEN f.kind = 'violation' THEN 'violation raised'
           WHEN f.kind = 'flag' THEN 'flag raised'
           WHEN f.passed THEN 'step performed'
           ELSE 'step missed'
       END AS ai_verdict,
       (f.kind IN ('violation', 'flag') OR NOT coalesce(f.passed, true)) AS adverse,
       r.decision AS review_decision, r.reviewer AS reviewed_by, r.reviewed_at,
       r.reason AS review_reason
FROM findings f
JOIN f_judged c ON c.scorecard_id = f.scorecard_id
LEFT JOIN app_latest_review r ON r.finding_id = f.finding_id;

-- an agent asking for or repeating a full card number, CVV or SSN (issue 7's extra item):
-- raised as a violation or flag, or an extra item the agent "failed"
CREATE TEMP VIEW f_sensitive_requests AS
SELECT * FROM f_findings
WHERE item_id = 'sensitive_data_request' AND adverse;

-- promises to pay and whether the payments file shows them kept: payments to the account from
-- the call's day to the promised day plus grace days cover the amount within the tolerance.
-- A promise still inside its window (as of the latest payment loaded) is pending.
CREATE TEMP VIEW f_promises AS
WITH promised AS (
    SELECT call_key, call_id, agent_id, account_id, channel, call_date, call_week,
           ptp_amount, ptp_date
    FROM f_judged WHERE has_ptp AND ptp_date IS NOT NULL
),
paid AS (
    SELECT p.call_key, sum(pm.amount) AS paid_amount, min(pm.paid_on) AS first_paid_on
    FROM promised p
    CROSS JOIN app_filter f
    JOIN app_payments pm ON pm.account_id = p.account_id
     AND pm.paid_on BETWEEN p.call_date AND p.ptp_date + f.grace_days
    GROUP BY p.call_key
),
as_of AS (SELECT max(paid_on) AS as_of FROM app_payments)
SELECT p.*, coalesce(paid.paid_amount, 0) AS paid_amount, paid.first_paid_on,
       CASE
           WHEN p.account_id IS NULL THEN 'no account'
           WHEN coalesce(paid.paid_amount, 0) >= p.ptp_amount * (1 - f.tolerance) THEN 'kept'
           WHEN a.as_of IS NULL THEN 'no payments loaded'
           WHEN p.ptp_date + f.grace_days > a.as_of THEN 'pending'
           ELSE 'broken'
       END AS outcome
FROM promised p
CROSS JOIN app_filter f
CROSS JOIN as_of a
LEFT JOIN paid ON paid.call_key = p.call_key;
