-- Portable DDL: the same file runs on SQLite and PostgreSQL. Times are unix
-- microseconds.

-- +goose Up
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY, -- envelope id, a UUIDv7: id order is time order
    subject      TEXT NOT NULL,    -- NATS subject without the test namespace
    payload      BYTEA NOT NULL,   -- the marshalled envelope
    traceparent  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    published_at BIGINT
);
-- The relay's query: unpublished rows in id order.
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
-- The clean-up's query: rows published long ago.
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE inbox (
    consumer   TEXT NOT NULL,  -- durable consumer name
    event_id   TEXT NOT NULL,  -- envelope id
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

-- +goose Down
DROP TABLE inbox;
DROP TABLE outbox;
