-- pgbench: exactly the statements one registration makes (POST /workshops/{id}/registrations,
-- a member registering themselves for a public workshop with seats, no webhook subscription),
-- as PostgreSQL's statement log shows them, with texts of the same sizes: the design's own
-- floor for `.ci/bench-writes`. Client c's n-th registration is the k-th pair of member and
-- workshop, k = (n - 1) * 32 + c, walked as the wrk load walks them (.ci/registrations.lua):
-- spread over :workshops workshops from :first, or with :hot = 1 one workshop at a time.
-- Its mail falls due tomorrow: the api beside it would otherwise send the floor's mail during
-- the floor (its claims took 2.5 s of PostgreSQL's time in one 10 s phase).
\set n :n + 1
\set k (:n - 1) * 32 + :client_id
\set member :mbase + (:hot * (:k % :members) + (1 - :hot) * ((:k / :workshops) % :members))
\set ws :first + (:hot * (:k / :members) + (1 - :hot) * (:k % :workshops))
-- The caller, active, with the token's session open (outside the transaction, as the api does).
SELECT u.id, u.email, u.search_text, u.name_ar, u.name_en, u.gender, u.local_authority_id, u.job_title, u.locale, u.role, u.is_active, u.email_verified_at, u.password_hash, u.created_at, u.updated_at FROM users u WHERE u.id = :member AND u.is_active = true AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family = 'bench-family' AND t.user_id = :member AND t.revoked_at IS NULL) LIMIT 1;
BEGIN;
SELECT w.*, w.platform_id AS platform, extract(epoch FROM w.starts_at)::bigint AS starts, extract(epoch FROM w.ends_at)::bigint AS ends, (SELECT seat FROM coordinator_terms WHERE platform_id = w.platform_id AND user_id = :member AND ended_at IS NULL LIMIT 1) AS standing_seat, EXISTS (SELECT 1 FROM memberships WHERE platform_id = w.platform_id AND user_id = :member AND status = 'active') AS standing_member, EXISTS (SELECT 1 FROM memberships WHERE platform_id = w.platform_id AND user_id = :member AND status = 'active') AS person_member, r.id AS r_id, r.workshop_id AS r_workshop_id, r.user_id AS r_user_id, r.status AS r_status, r.queued_at AS r_queued_at, r.registered_by AS r_registered_by, r.checked_in_at AS r_checked_in_at, r.created_at AS r_created_at, r.updated_at AS r_updated_at FROM workshops w LEFT JOIN registrations r ON r.workshop_id = w.id AND r.user_id = :member WHERE w.id = :ws \gset
WITH overlapping AS MATERIALIZED (SELECT id FROM workshops WHERE tstzrange(starts_at, greatest(starts_at, ends_at)) && tstzrange(to_timestamp(:starts), to_timestamp(:ends)) AND status <> 'cancelled' AND id <> :ws) SELECT o.id AS workshop_id FROM overlapping o CROSS JOIN LATERAL (SELECT 1 FROM registrations r WHERE r.workshop_id = o.id AND r.user_id = :member AND r.status IN ('registered', 'waitlisted') LIMIT 1) held ORDER BY o.id LIMIT 100;
INSERT INTO rate_buckets ("key", hits, resets_at) VALUES ('registration.changes:' || :ws || ':' || :member, 1, 1896388338)
  ON CONFLICT ("key") DO UPDATE SET hits = CASE WHEN rate_buckets.resets_at <= 1796301938 THEN 1 ELSE rate_buckets.hits + 1 END,
  resets_at = CASE WHEN rate_buckets.resets_at <= 1796301938 THEN excluded.resets_at ELSE rate_buckets.resets_at END RETURNING hits, resets_at;
INSERT INTO registrations (workshop_id, user_id, status, queued_at, registered_by, checked_in_at, created_at, updated_at) VALUES (:ws, :member, 'registered', now(), :member, NULL, now(), now()) RETURNING id AS reg \gset
WITH old AS (DELETE FROM change_log WHERE entity_type = 'registration' AND entity_id = :reg RETURNING version),
  feed AS (INSERT INTO change_log (txid, entity_type, entity_id, op, version, platform_id, user_id, changed_at) SELECT pg_current_xact_id()::text::bigint, 'registration', :reg, 'create', COALESCE((SELECT MAX(version) FROM old), 0) + 1, :platform, :member, now()),
  hooks AS (INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, platform_id, payload, status, attempts, next_attempt_at, created_at) SELECT s.id, pg_current_xact_id()::text::bigint, e.msg_id, e.event_type, :platform, e.payload, 'pending', 0, now(), now() FROM webhook_subscriptions s JOIN (VALUES ('msg_d357785c23054925b6dfdb146e113809', 'registration.created', repeat('p', 205))) AS e (msg_id, event_type, payload) ON s.event_types LIKE '%"' || e.event_type || '"%' WHERE s.enabled AND (s.platform_ids IS NULL OR strpos(',' || translate(s.platform_ids, '[] ', '') || ',', ',' || :platform || ',') > 0)),
  mail AS (INSERT INTO outbox (kind, recipient, subject, text_body, html_body, ics, attempts, next_attempt_at, sent_at, last_error, created_at) VALUES ('workshop_confirmation', 'Member <member@bench.example>', repeat('ت', 23), repeat('ن', 263), repeat('h', 599), repeat('i', 1324), 0, now() + interval '1 day', NULL, NULL, now()))
  INSERT INTO audit_log (at, actor_id, api_key_id, action, entity_type, entity_id, platform_id, changes) VALUES (now(), :member, NULL, 'registration.create', 'registration', :reg, :platform, repeat('c', 220));
UPDATE workshops SET registered_count = registered_count + 1 WHERE id = :ws AND status = 'scheduled' AND (capacity IS NULL OR registered_count < capacity) RETURNING *;
COMMIT;
