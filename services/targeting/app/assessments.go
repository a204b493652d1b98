package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// Assessments is the part of the repository the assessments need.
type Assessments interface {
	Enroll(ctx context.Context, planID, memberID string, year int) error
	Deactivate(ctx context.Context, planID, memberID string, year int) error
	ActiveMembers(ctx context.Context, planID string, ids []string, after string, limit int) ([]domain.Enrollee, error)
	OpenCMRDue(ctx context.Context, planID string, ids []string, year int) (map[string]civil.Date, error)
	SaveAssessment(ctx context.Context, a domain.Assessed) (added, gone []domain.Finding, err error)
	ListFindings(ctx context.Context, planID, memberID string) ([]domain.Finding, error)
	ListMeasureResults(ctx context.Context, planID, memberID string, year int) ([]domain.MeasureResult, error)
	GetProfile(ctx context.Context, planID, memberID string) (domain.Profile, error)
	SetPriority(ctx context.Context, planID, memberID string, p domain.Priority) error
	GetSettings(ctx context.Context, planID string) (domain.Settings, error)
}

// RunCounts say what an assessment of many members did.
type RunCounts struct {
	Members, FindingsCreated, InterventionsCreated int64
}

func (c *RunCounts) add(o RunCounts) {
	c.Members += o.Members
	c.FindingsCreated += o.FindingsCreated
	c.InterventionsCreated += o.InterventionsCreated
}

// RecordsChanged reassesses the plan's enrolled members among ids, whose
// claims, diagnoses or stays changed (eligibility.records.changed).
func (a *App) RecordsChanged(ctx context.Context, planID string, ids []string) (RunCounts, error) {
	var c RunCounts
	err := a.atomically(ctx, func(a *App) error {
		active, err := a.repo.ActiveMembers(ctx, planID, ids, "", 0)
		if err != nil {
			return err
		}
		c, err = a.assessEnrollees(ctx, planID, active, 0)
		return err
	})
	return c, err
}

// assessEnrollees assesses es as of asOf, or when zero each as of its own
// day (Enrollee.AsOf), grouped by that day.
func (a *App) assessEnrollees(ctx context.Context, planID string, es []domain.Enrollee, asOf civil.Date) (RunCounts, error) {
	byDay := map[civil.Date][]string{}
	for _, e := range es {
		d := asOf
		if d == 0 {
			d = e.AsOf(a.Today())
		}
		byDay[d] = append(byDay[d], e.MemberID)
	}
	var total RunCounts
	for _, d := range slices.Sorted(maps.Keys(byDay)) {
		c, err := a.assessMembers(ctx, planID, byDay[d], d)
		total.add(c)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// runBatch is how many members a plan-wide run assesses per transaction
// and per records call.
const runBatch = 500

// RunTargeting reassesses every enrolled member of the plan as of asOf
// (when zero, today or the end of a program year that is over), a batch
// per transaction: a run stopped half-way has stored whole batches, and
// running it again finishes the work.
func (a *App) RunTargeting(ctx context.Context, planID string, asOf civil.Date) (RunCounts, error) {
	var total RunCounts
	after := ""
	for {
		es, err := a.repo.ActiveMembers(ctx, planID, nil, after, runBatch)
		if err != nil || len(es) == 0 {
			return total, err
		}
		err = a.atomically(ctx, func(a *App) error {
			c, err := a.assessEnrollees(ctx, planID, es, asOf)
			total.add(c)
			return err
		})
		if err != nil {
			return total, err
		}
		after = es[len(es)-1].MemberID
	}
}

// assessMembers assesses ids as of asOf with their plan's settings.
func (a *App) assessMembers(ctx context.Context, planID string, ids []string, asOf civil.Date) (RunCounts, error) {
	st, cmrDue, err := a.planState(ctx, planID, ids, asOf.Year())
	if err != nil {
		return RunCounts{}, err
	}
	return a.assessInto(ctx, planID, ids, asOf, st, cmrDue, nil)
}

// planState reads what an assessment needs besides the records: the plan's
// settings and the open CMRs of ids in year.
func (a *App) planState(ctx context.Context, planID string, ids []string, year int) (domain.Settings, map[string]civil.Date, error) {
	st, err := a.repo.GetSettings(ctx, planID)
	if err != nil {
		return st, nil, err
	}
	cmrDue, err := a.repo.OpenCMRDue(ctx, planID, ids, year)
	return st, cmrDue, err
}

// assessInto assesses ids as of asOf, stores what it found, opens a
// follow-up for each new high-severity finding and hands each assessment
// to each (when not nil). cmrDue holds the due dates of open CMRs.
func (a *App) assessInto(ctx context.Context, planID string, ids []string, asOf civil.Date, st domain.Settings,
	cmrDue map[string]civil.Date, each func(domain.Assessed)) (RunCounts, error) {
	var counts RunCounts
	err := a.assessEach(ctx, planID, ids, asOf, st, cmrDue, func(as domain.Assessed) error {
		added, gone, err := a.repo.SaveAssessment(ctx, as)
		if err != nil {
			return err
		}
		counts.Members++
		counts.FindingsCreated += int64(len(added))
		n, err := a.followUp(ctx, as, added, gone, st)
		counts.InterventionsCreated += int64(n)
		if each != nil {
			each(as)
		}
		return err
	})
	return counts, err
}

// assessEach reads the records of ids and hands fn each member's
// assessment as of asOf, with the plan's settings st.
func (a *App) assessEach(ctx context.Context, planID string, ids []string, asOf civil.Date, st domain.Settings,
	cmrDue map[string]civil.Date, fn func(domain.Assessed) error) error {
	rs, err := a.rules.For(st)
	if err != nil {
		return err
	}
	return a.records.Read(ctx, planID, ids, assess.Since(asOf), func(rec assess.Record) error {
		as, err := a.assessor.Assess(rec, asOf, rs)
		if err != nil {
			return err
		}
		return fn(toAssessed(as, st, cmrDue, a.now()))
	})
}

// followUp opens the follow-ups of new high-severity findings and cancels
// those of findings gone.
func (a *App) followUp(ctx context.Context, as domain.Assessed, added, gone []domain.Finding, st domain.Settings) (int, error) {
	p := as.Profile
	if len(gone) > 0 {
		ids := make([]string, len(gone))
		for i, f := range gone {
			ids[i] = f.ID
		}
		if err := a.repo.CancelFollowUps(ctx, p.PlanID, p.MemberID, ids); err != nil {
			return 0, err
		}
	}
	var is []domain.Intervention
	for _, f := range added {
		if f.Severity == screening.High {
			is = append(is, domain.FollowUp(f, p.AssessedOn, st.FindingDays()))
		}
	}
	if len(is) == 0 {
		return 0, nil
	}
	return a.repo.AddInterventions(ctx, is, outreach(as), a.now())
}

// toAssessed completes an assessment with the plan's weights and the open
// CMR, into what the store keeps.
func toAssessed(as assess.Assessment, st domain.Settings, cmrDue map[string]civil.Date, now time.Time) domain.Assessed {
	in := as.Inputs
	if due, ok := cmrDue[as.MemberID]; ok {
		d := int(due - as.AsOf)
		in.CMRDueIn = &d
	}
	out := domain.Assessed{Profile: domain.Profile{
		PlanID: as.PlanID, MemberID: as.MemberID, Year: as.AsOf.Year(), Active: true,
		AssessedOn: as.AsOf, Inputs: in, Priority: domain.Score(in, st.Weights),
	}, Measures: as.Measures}
	for _, f := range as.Findings {
		out.Findings = append(out.Findings, domain.Finding{PlanID: as.PlanID, MemberID: as.MemberID,
			ID: FindingID(f.Key), Finding: f, FoundAt: now})
	}
	return out
}

// FindingID is a finding's id within its member: stable across
// assessments (it hashes the finding's key) and safe in a resource name.
func FindingID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "f" + hex.EncodeToString(sum[:8])
}

// outreach is what the events of an assessed member's interventions carry.
func outreach(as domain.Assessed) domain.Outreach {
	o := domain.Outreach{Priority: as.Profile.Priority.Score}
	for _, f := range as.Findings {
		if !slices.Contains(o.Findings, f.RuleID) {
			o.Findings = append(o.Findings, f.RuleID)
		}
	}
	for _, m := range as.Measures {
		if !m.Adherent {
			o.Measures = append(o.Measures, m.Measure)
		}
	}
	return o
}

// assessNow assesses one member live, storing nothing: for a member
// targeting has not assessed (not enrolled, or not yet).
func (a *App) assessNow(ctx context.Context, planID, memberID string, asOf civil.Date) (domain.Assessed, error) {
	st, cmrDue, err := a.planState(ctx, planID, []string{memberID}, asOf.Year())
	if err != nil {
		return domain.Assessed{}, err
	}
	var out *domain.Assessed
	err = a.assessEach(ctx, planID, []string{memberID}, asOf, st, cmrDue, func(as domain.Assessed) error {
		out = &as
		return nil
	})
	if err != nil {
		return domain.Assessed{}, err
	}
	if out == nil {
		return domain.Assessed{}, errs.NotFound("plans/%s/members/%s not found", planID, memberID)
	}
	return *out, nil
}

// ListFindings returns a member's open findings: the stored ones of an
// enrolled member, found live for any other member of the plan.
func (a *App) ListFindings(ctx context.Context, planID, memberID string) ([]domain.Finding, error) {
	if p, err := a.repo.GetProfile(ctx, planID, memberID); err == nil && p.AssessedOn != 0 {
		return a.repo.ListFindings(ctx, planID, memberID)
	} else if err != nil && errs.KindOf(err) != errs.KindNotFound {
		return nil, err
	}
	as, err := a.assessNow(ctx, planID, memberID, a.Today())
	return as.Findings, err
}

// ListMeasureResults returns a member's measure results of year: stored
// when the member's last assessment was in that year, computed live (as of
// today, or the end of a past year) otherwise.
func (a *App) ListMeasureResults(ctx context.Context, planID, memberID string, year int) ([]domain.MeasureResult, error) {
	today := a.Today()
	if year == 0 {
		year = today.Year()
	}
	if year < 1971 || year > today.Year() {
		return nil, errs.Invalid(errs.Field("measurement_year", "must be a year from 1971 to the current one"))
	}
	if p, err := a.repo.GetProfile(ctx, planID, memberID); err == nil && p.AssessedOn != 0 && p.AssessedOn.Year() == year {
		return a.repo.ListMeasureResults(ctx, planID, memberID, year)
	} else if err != nil && errs.KindOf(err) != errs.KindNotFound {
		return nil, err
	}
	var out []domain.MeasureResult
	found := false
	err := a.records.Read(ctx, planID, []string{memberID}, civil.YearStart(year), func(rec assess.Record) error {
		found = true
		var err error
		out, err = a.assessor.Measures(rec, adherence.Period{Year: year, AsOf: min(today, civil.YearEnd(year))})
		return err
	})
	if err == nil && !found {
		err = errs.NotFound("plans/%s/members/%s not found", planID, memberID)
	}
	return out, err
}

// GetPriority returns an enrolled member's priority with its terms.
func (a *App) GetPriority(ctx context.Context, planID, memberID string) (domain.Priority, error) {
	p, err := a.repo.GetProfile(ctx, planID, memberID)
	if err != nil {
		return domain.Priority{}, err
	}
	if p.AssessedOn != 0 {
		return p.Priority, nil
	}
	as, err := a.assessNow(ctx, planID, memberID, a.Today())
	return as.Profile.Priority, err
}

// AdherenceReport adds up the plan's measure rates of year as of asOf
// (today, or the end of a past year, when zero) over every member of the
// plan.
func (a *App) AdherenceReport(ctx context.Context, planID string, year int, asOf civil.Date) ([]adherence.Rate, civil.Date, error) {
	today := a.Today()
	if year == 0 {
		year = today.Year()
	}
	var v errs.Violations
	if year < 1971 || year > today.Year() {
		v.Add("measurement_year", "must be a year from 1971 to the current one")
	} else if asOf != 0 && (asOf.Year() != year) {
		v.Add("as_of", "must fall in the measurement year")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if asOf == 0 {
		asOf = min(today, civil.YearEnd(year))
	}
	var rates adherence.Rates
	period := adherence.Period{Year: year, AsOf: asOf}
	err := a.records.Read(ctx, planID, nil, civil.YearStart(year), func(rec assess.Record) error {
		return a.assessor.AddRates(rec, period, &rates)
	})
	return rates.List(), asOf, err
}
