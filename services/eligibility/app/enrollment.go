package app

import (
	"context"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// Enrollments is the part of the repository the enrollment record needs.
type Enrollments interface {
	UpdateEnrollment(ctx context.Context, planID, memberID string, year int, now time.Time,
		update func(e *domain.Enrollment) error) (domain.Enrollment, error)
	GetEnrollment(ctx context.Context, planID, memberID string, year int) (domain.Enrollment, error)
	ListEnrollments(ctx context.Context, planID string, year int, f EnrollmentFilter, after string, limit int) ([]domain.Enrollment, error)
}

// EnrollmentFilter narrows ListEnrollments; zero fields match everything.
type EnrollmentFilter struct {
	Status   domain.EnrollmentStatus
	Reason   string // "01", "02" or "03"
	Disease  string // a formats.md disease key
	Eligible *bool  // the latest determination of the year
}

// OptOut records that a member left the MTM program of year (on's year when
// 0) on day on, for a CMS reason.
func (a *App) OptOut(ctx context.Context, planID, memberID string, year int, on civil.Date, reason domain.OptOutReason) (domain.Enrollment, error) {
	if year == 0 {
		year = on.Year()
	}
	return a.repo.UpdateEnrollment(ctx, planID, memberID, year, a.now(), func(e *domain.Enrollment) error {
		_, err := e.OptOut(on, reason)
		return err
	})
}

// GetEnrollment reads a member's enrollment record of year.
func (a *App) GetEnrollment(ctx context.Context, planID, memberID string, year int) (domain.Enrollment, error) {
	return a.repo.GetEnrollment(ctx, planID, memberID, year)
}

// ListEnrollments returns one page of a plan's enrollment records of year in
// member id order, and the key to continue after ("" on the last page).
func (a *App) ListEnrollments(ctx context.Context, planID string, year int, f EnrollmentFilter, page paging.Page) ([]domain.Enrollment, string, error) {
	es, err := a.repo.ListEnrollments(ctx, planID, year, f, page.After, page.Size+1)
	if err != nil || len(es) <= page.Size {
		return es, "", err
	}
	es = es[:page.Size]
	return es, es[len(es)-1].MemberID, nil
}
