-- Agent compliance by day (the customer's local date): scores and the number of calls behind them.
CREATE OR REPLACE VIEW v_agent_compliance_daily AS
SELECT agent_id,
       call_date,
       channel,
       rubric_id,
       rubric_version,
       count(*)                                       AS calls,
       avg(compliance)                                AS avg_compliance,
       avg(script_adherence)                          AS avg_script_adherence,
       count(*) FILTER (WHERE compliance = 0)         AS calls_failing_compliance,
       count(*) FILTER (WHERE n_violations > 0)       AS calls_with_violations,
       sum(n_violations)                              AS violations
FROM v_current_calls
WHERE status = 'judged' AND scorecard_id IS NOT NULL
GROUP BY ALL;
