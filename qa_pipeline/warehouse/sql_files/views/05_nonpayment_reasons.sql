-- Non-payment reasons by period, segment, channel, agent and days-past-due bucket.
CREATE OR REPLACE VIEW v_nonpayment_reasons AS
SELECT date_trunc('month', call_date)::DATE AS period_month,
       date_trunc('week', call_date)::DATE  AS period_week,
       coalesce(segment, 'unknown')         AS segment,
       channel,
       agent_id,
       CASE
           WHEN days_past_due IS NULL THEN 'unknown'
           WHEN days_past_due <= 30 THEN '0-30'
           WHEN days_past_due <= 60 THEN '31-60'
           WHEN days_past_due <= 90 THEN '61-90'
           WHEN days_past_due <= 180 THEN '91-180'
           ELSE '180+'
       END                                  AS dpd_bucket,
       non_payment_reason,
       count(*)                             AS calls,
       count(*) FILTER (WHERE ptp_amount IS NOT NULL) AS calls_with_ptp,
       sum(ptp_amount)                      AS ptp_amount_total
FROM v_current_calls
WHERE status = 'judged' AND scorecard_id IS NOT NULL
GROUP BY ALL;
