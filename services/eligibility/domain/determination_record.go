package domain

import "time"

// RecordedDetermination is a determination as kept in history: with the id
// and time it was recorded under.
type RecordedDetermination struct {
	ID        string
	CreatedAt time.Time
	Determination
}
