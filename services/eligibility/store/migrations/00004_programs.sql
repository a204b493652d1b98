-- A plan's MTM programs and their rule sets: immutable versions numbered
-- 1, 2, 3 … per program. A rule set keeps the rules file as given (or as
-- written from the API's typed fields) and the settings it was checked and
-- normalized to. Evaluation reads the normalized settings, so a later change
-- of the reference data's CMS bounds never changes a stored version.

-- +goose Up
CREATE TABLE programs (
    plan_id      TEXT    NOT NULL,
    program_id   TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    -- The last rule set version handed out; bumping it under the row lock
    -- numbers concurrent uploads without gaps or collisions.
    last_version INTEGER NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, program_id)
);
-- Evaluation falls back to "the plan's Part D program": there is at most one.
CREATE UNIQUE INDEX programs_one_part_d ON programs (plan_id) WHERE kind = 'part_d';

CREATE TABLE rule_sets (
    plan_id               TEXT    NOT NULL,
    program_id            TEXT    NOT NULL,
    version               INTEGER NOT NULL,
    contract_year         INTEGER NOT NULL,
    source_yaml           TEXT    NOT NULL,
    min_chronic_diseases  INTEGER NOT NULL,
    min_maintenance_drugs INTEGER NOT NULL,
    cost_threshold_cents  BIGINT  NOT NULL,
    core_diseases         TEXT    NOT NULL,
    chronic_disease_days  INTEGER NOT NULL,
    maintenance_drug_days INTEGER NOT NULL,
    cost_days             INTEGER NOT NULL,
    cel                   TEXT    NOT NULL,
    created_at            BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, program_id, version),
    FOREIGN KEY (plan_id, program_id) REFERENCES programs (plan_id, program_id)
);
CREATE INDEX rule_sets_by_year ON rule_sets (plan_id, program_id, contract_year, version);

-- +goose Down
DROP TABLE rule_sets;
DROP TABLE programs;
