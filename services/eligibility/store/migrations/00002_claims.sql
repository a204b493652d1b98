-- Pharmacy claims and diagnoses, keyed by the plan's ids, and the members
-- whose data changed since their last evaluation (incremental evaluation).

-- +goose Up
CREATE TABLE claims (
    plan_id        TEXT             NOT NULL,
    claim_id       TEXT             NOT NULL,
    member_id      TEXT             NOT NULL,
    fill_date      TEXT             NOT NULL,
    generic_name   TEXT             NOT NULL,
    ndc            TEXT             NOT NULL,
    days_supply    INTEGER          NOT NULL,
    quantity       DOUBLE PRECISION NOT NULL,
    total_cost     BIGINT           NOT NULL,
    pharmacy_npi   TEXT             NOT NULL,
    prescriber_npi TEXT             NOT NULL,
    reversed       BOOLEAN          NOT NULL,
    PRIMARY KEY (plan_id, claim_id)
);
CREATE INDEX claims_by_member ON claims (plan_id, member_id, fill_date);

CREATE TABLE diagnoses (
    plan_id      TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    icd10        TEXT NOT NULL,
    service_date TEXT NOT NULL,
    PRIMARY KEY (plan_id, member_id, icd10, service_date)
);

CREATE TABLE changed_members (
    plan_id   TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, member_id)
);

-- +goose Down
DROP TABLE changed_members;
DROP TABLE diagnoses;
DROP TABLE claims;
