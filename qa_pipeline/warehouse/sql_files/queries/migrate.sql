-- Statements of the migration runner.

-- name: applied_migrations
SELECT version, sha256 FROM schema_migrations;

-- name: record_migration
INSERT INTO schema_migrations (version, name, sha256) VALUES (?, ?, ?);

-- name: applied_views
SELECT name, sha256 FROM schema_views;

-- name: record_view
INSERT OR REPLACE INTO schema_views (name, sha256) VALUES (?, ?);
