-- +goose Up
-- Portable between SQLite and PostgreSQL: TEXT, BIGINT unix microseconds for
-- times, BYTEA (a blob in SQLite).
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant       TEXT NOT NULL,
    roles        TEXT NOT NULL,   -- comma-joined
    display_name TEXT NOT NULL,
    secret_hash  BYTEA NOT NULL,  -- sha256 of the secret; the secret is never stored
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT NULL
);
CREATE INDEX api_keys_tenant ON api_keys (tenant, id);

-- Append-only: nothing in the code updates or deletes a row. In production
-- the service's database role should be granted INSERT and SELECT only.
CREATE TABLE audit_log (
    id       TEXT PRIMARY KEY,    -- UUIDv7: time-ordered and portable
    at       BIGINT NOT NULL,
    key_id   TEXT NOT NULL,
    tenant   TEXT NOT NULL,
    method   TEXT NOT NULL,
    resource TEXT NOT NULL,
    code     TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource, at);
CREATE INDEX audit_log_tenant ON audit_log (tenant, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_keys;
