package app

import (
	"errors"
	"time"

	"context"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// SettingsStore is the part of the repository that keeps plans' settings.
type SettingsStore interface {
	PutSettings(ctx context.Context, st domain.Settings, now time.Time) (domain.Settings, error)
}

// GetSettings reads a plan's targeting settings.
func (a *App) GetSettings(ctx context.Context, planID string) (domain.Settings, error) {
	return a.repo.GetSettings(ctx, planID)
}

// UpdateSettings replaces a plan's settings after checking every field,
// the screening configuration against the rules. They apply from the next
// assessment of each member (RunTargeting reassesses the whole plan) and
// the next enrollment.
func (a *App) UpdateSettings(ctx context.Context, st domain.Settings) (domain.Settings, error) {
	v := st.Check("settings.")
	if st.ScreeningConfig != "" {
		if _, err := tune(a.rules.base, st.ScreeningConfig); err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
				return st, err
			}
			v = append(v, e.Violations...)
		}
	}
	if err := v.Err(); err != nil {
		return st, err
	}
	return a.repo.PutSettings(ctx, st, a.now())
}
