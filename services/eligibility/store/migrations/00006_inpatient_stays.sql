-- Inpatient stays from medical claims (inpatient_stays.csv), for the PQA
-- PDC inpatient adjustment. A stay is keyed by its member and days: the
-- file has no stay id, and an identical row re-imported changes nothing.

-- +goose Up
CREATE TABLE inpatient_stays (
    plan_id        TEXT NOT NULL,
    member_id      TEXT NOT NULL,
    admit_date     TEXT NOT NULL,
    discharge_date TEXT NOT NULL,
    PRIMARY KEY (plan_id, member_id, admit_date, discharge_date)
);

-- +goose Down
DROP TABLE inpatient_stays;
