-- Determinations are history: inserted, never updated. The enrollment
-- record is one row per member and program year.

-- +goose Up
CREATE TABLE determinations (
    id            TEXT    PRIMARY KEY,
    plan_id       TEXT    NOT NULL,
    member_id     TEXT    NOT NULL,
    contract_year INTEGER NOT NULL,
    as_of         TEXT    NOT NULL,
    rule_set      TEXT    NOT NULL,
    eligible      BOOLEAN NOT NULL,
    reason        TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX determinations_by_member ON determinations (plan_id, member_id, id);

CREATE TABLE enrollments (
    plan_id          TEXT    NOT NULL,
    member_id        TEXT    NOT NULL,
    program_year     INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    determination_id TEXT    NOT NULL,
    met_criteria_on  TEXT,
    enrolled_on      TEXT,
    opted_out_on     TEXT,
    opt_out_reason   TEXT    NOT NULL,
    cmr_offered_on   TEXT,
    cmr_dates        TEXT    NOT NULL,
    tmr_count        INTEGER NOT NULL,
    last_determination_id TEXT NOT NULL,
    eligible         BOOLEAN NOT NULL,
    diseases         TEXT    NOT NULL,
    updated_at       BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, member_id, program_year)
);
CREATE INDEX enrollments_by_status ON enrollments (plan_id, program_year, status);

-- +goose Down
DROP TABLE enrollments;
DROP TABLE determinations;
