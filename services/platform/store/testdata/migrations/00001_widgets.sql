-- +goose Up
CREATE TABLE widgets (
    id    TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    size  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE widgets;
