-- Plan-wide evaluation runs with their progress, and each plan's schedule
-- of runs. A run belongs to the worker named in it until lease_until
-- (unix microseconds) passes: then another worker may take it over and go
-- on after last_member_id, the last member whose determination committed.

-- +goose Up
CREATE TABLE evaluation_runs (
    plan_id          TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    contract_year    INTEGER NOT NULL,
    as_of            TEXT    NOT NULL,
    incremental      BOOLEAN NOT NULL,
    scheduled        BOOLEAN NOT NULL,
    state            TEXT    NOT NULL,
    members_total    BIGINT  NOT NULL,
    members_done     BIGINT  NOT NULL,
    members_eligible BIGINT  NOT NULL,
    last_member_id   TEXT    NOT NULL,
    error            TEXT    NOT NULL,
    worker           TEXT    NOT NULL,
    lease_until      BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL,
    ended_at         BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, id)
);
-- Workers look for runs to claim: pending ones, and running ones whose
-- lease passed.
CREATE INDEX evaluation_runs_by_state ON evaluation_runs (state, created_at);

CREATE TABLE evaluation_schedules (
    plan_id     TEXT    PRIMARY KEY,
    cron        TEXT    NOT NULL,
    incremental BOOLEAN NOT NULL,
    -- The fire time of the last scheduled run started, and its id: the
    -- worker that starts a run for a fire time moves them on in the same
    -- transaction, only if no other worker did first.
    last_run_at BIGINT  NOT NULL,
    last_run_id TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE evaluation_schedules;
DROP TABLE evaluation_runs;
