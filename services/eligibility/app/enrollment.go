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
	GetMembers(ctx context.Context, planID string, ids []string) (map[string]domain.Member, error)
}

// EnrollmentFilter narrows ListEnrollments; zero fields match everything.
type EnrollmentFilter struct {
	Status   domain.EnrollmentStatus
	Reason   string // "01", "02" or "03"
	Disease  string // a formats.md disease key
	Eligible *bool  // the latest determination of the year
	// EverEnrolled keeps members enrolled at some point of the year, opted
	// out since or not: the population of the CMS file.
	EverEnrolled bool
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

// cmsPage is how many members the CMS export reads at a time.
const cmsPage = 500

// EachCMSRecord calls fn, in member id order, for every member enrolled in
// the MTM program during year with their enrollment record: the rows of the
// CMS beneficiary-level file (domain.md 3.1). It streams in pages.
func (a *App) EachCMSRecord(ctx context.Context, planID string, year int, fn func(domain.Member, domain.Enrollment) error) error {
	after := ""
	for {
		es, err := a.repo.ListEnrollments(ctx, planID, year, EnrollmentFilter{EverEnrolled: true}, after, cmsPage)
		if err != nil || len(es) == 0 {
			return err
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.MemberID
		}
		members, err := a.repo.GetMembers(ctx, planID, ids)
		if err != nil {
			return err
		}
		for _, e := range es {
			if m, ok := members[e.MemberID]; ok {
				if err := fn(m, e); err != nil {
					return err
				}
			}
		}
		after = es[len(es)-1].MemberID
	}
}
