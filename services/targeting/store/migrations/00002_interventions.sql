-- The reviews each enrollee is owed: one row per member, kind and period.

-- +goose Up
CREATE TABLE interventions (
    plan_id      TEXT   NOT NULL,
    member_id    TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    period       TEXT   NOT NULL,
    due_on       TEXT   NOT NULL,
    state        TEXT   NOT NULL,
    completed_on TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (plan_id, member_id, kind, period)
);
CREATE INDEX interventions_worklist ON interventions (plan_id, state, due_on, member_id);

-- +goose Down
DROP TABLE interventions;
