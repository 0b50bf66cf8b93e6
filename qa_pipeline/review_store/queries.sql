-- Statements of the review side store (SQLite).

-- name: insert_review
INSERT INTO finding_reviews (finding_id, call_id, call_key, rubric_id, rubric_version, kind,
                             item_id, ai_verdict, decision, reason, reviewer, reviewer_role,
                             reviewed_at)
VALUES (:finding_id, :call_id, :call_key, :rubric_id, :rubric_version, :kind, :item_id,
        :ai_verdict, :decision, :reason, :reviewer, :reviewer_role, :reviewed_at);

-- name: insert_coaching_note
INSERT INTO coaching_notes (finding_id, call_id, call_key, agent_id, item_id, note, coach,
                            coach_role, coached_at)
VALUES (:finding_id, :call_id, :call_key, :agent_id, :item_id, :note, :coach, :coach_role,
        :coached_at);

-- name: insert_payment
INSERT OR IGNORE INTO payments (account_id, paid_on, amount_cents, occurrence, source_file,
                                source_line, loaded_at)
VALUES (:account_id, :paid_on, :amount_cents, :occurrence, :source_file, :source_line,
        :loaded_at);

-- name: all_reviews
SELECT review_id, finding_id, call_id, call_key, rubric_id, rubric_version, kind, item_id,
       ai_verdict, decision, reason, reviewer, reviewer_role, reviewed_at
FROM finding_reviews ORDER BY review_id;

-- name: all_coaching_notes
SELECT note_id, finding_id, call_id, call_key, agent_id, item_id, note, coach, coach_role,
       coached_at
FROM coaching_notes ORDER BY note_id;

-- name: all_payments
SELECT account_id, paid_on, amount_cents / 100.0 AS amount, source_file, loaded_at
FROM payments ORDER BY paid_on, payment_id;
