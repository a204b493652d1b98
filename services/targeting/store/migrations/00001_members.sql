-- The members targeting has heard of (ids and matching fields, no PHI) and
-- a per-plan counter kept in the same transaction as the inbox entry.

-- +goose Up
CREATE TABLE members (
    plan_id     TEXT   NOT NULL,
    member_id   TEXT   NOT NULL,
    language    TEXT   NOT NULL,
    postal_code TEXT   NOT NULL,
    PRIMARY KEY (plan_id, member_id)
);

CREATE TABLE plan_counters (
    plan_id      TEXT   PRIMARY KEY,
    members_seen BIGINT NOT NULL
);

-- +goose Down
DROP TABLE plan_counters;
DROP TABLE members;
