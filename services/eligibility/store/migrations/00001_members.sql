-- Members of every plan, keyed by the plan's member id. Dates are
-- YYYY-MM-DD text and times unix microseconds, so one DDL serves SQLite and
-- PostgreSQL.

-- +goose Up
CREATE TABLE members (
    plan_id        TEXT    NOT NULL,
    member_id      TEXT    NOT NULL,
    mbi            TEXT    NOT NULL,
    contract_id    TEXT    NOT NULL,
    pbp_id         TEXT    NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    birth_date     TEXT    NOT NULL,
    sex            TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    postal_code    TEXT    NOT NULL,
    phone          TEXT    NOT NULL,
    coverage_start TEXT    NOT NULL,
    coverage_end   TEXT,
    ltc            BOOLEAN NOT NULL,
    dmp_at_risk    BOOLEAN NOT NULL,
    hospice        BOOLEAN NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, member_id)
);

-- +goose Down
DROP TABLE members;
