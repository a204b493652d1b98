-- What the assessment of an enrolled member found (profiles, findings,
-- measure results), the plans' settings, and the priority copied onto the
-- interventions so that a worklist page is an index range.

-- +goose Up
CREATE TABLE profiles (
    plan_id     TEXT             NOT NULL,
    member_id   TEXT             NOT NULL,
    year        INTEGER          NOT NULL,
    active      BOOLEAN          NOT NULL,
    assessed_on TEXT,
    priority    DOUBLE PRECISION NOT NULL,
    inputs      TEXT             NOT NULL,
    terms       TEXT             NOT NULL,
    PRIMARY KEY (plan_id, member_id)
);
CREATE INDEX profiles_active ON profiles (plan_id, active, member_id);

CREATE TABLE findings (
    plan_id          TEXT    NOT NULL,
    member_id        TEXT    NOT NULL,
    finding_key      TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    rule_id          TEXT    NOT NULL,
    rule_set_version TEXT    NOT NULL,
    severity         INTEGER NOT NULL,
    body             TEXT    NOT NULL,
    found_at         BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, member_id, finding_key)
);
CREATE INDEX findings_rule ON findings (plan_id, rule_id, member_id);

CREATE TABLE measure_results (
    plan_id   TEXT    NOT NULL,
    member_id TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    measure   TEXT    NOT NULL,
    adherent  BOOLEAN NOT NULL,
    body      TEXT    NOT NULL,
    PRIMARY KEY (plan_id, member_id, year, measure)
);
CREATE INDEX measure_results_gaps ON measure_results (plan_id, measure, adherent, member_id);

CREATE TABLE settings (
    plan_id    TEXT   PRIMARY KEY,
    body       TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

ALTER TABLE interventions ADD COLUMN priority DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE interventions ADD COLUMN finding_rule TEXT NOT NULL DEFAULT '';
CREATE INDEX interventions_priority ON interventions (plan_id, state, priority DESC, due_on, member_id, kind, period);

-- +goose Down
DROP INDEX interventions_priority;
ALTER TABLE interventions DROP COLUMN finding_rule;
ALTER TABLE interventions DROP COLUMN priority;
DROP TABLE settings;
DROP TABLE measure_results;
DROP TABLE findings;
DROP TABLE profiles;
