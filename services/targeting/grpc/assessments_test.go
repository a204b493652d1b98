package grpc_test

import (
	"context"
	"testing"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/assess"
	tgrpc "github.com/openmtm/openmtm/services/targeting/grpc"
	"github.com/openmtm/openmtm/services/targeting/internal/targetingtest"
)

var day = civil.MustParse

// enrolled returns a server whose plan acme has M1 enrolled on 2 June 2025
// (warfarin with naproxen, a statin gap), the clock on 30 June 2025.
func enrolled(t *testing.T) (*tgrpc.Server, *targetingtest.Env) {
	t.Helper()
	env := targetingtest.New(t, storetest.SQLite(t), day("2025-06-30"))
	claims := []edomain.Claim{
		{ClaimID: "c1", GenericName: "warfarin", FillDate: day("2025-06-01"), DaysSupply: 30},
		{ClaimID: "c2", GenericName: "naproxen", FillDate: day("2025-06-10"), DaysSupply: 10},
		{ClaimID: "c3", GenericName: "atorvastatin", FillDate: day("2025-01-05"), DaysSupply: 30},
		{ClaimID: "c4", GenericName: "atorvastatin", FillDate: day("2025-03-01"), DaysSupply: 30},
	}
	env.Records.Put(assess.Record{Member: edomain.Member{PlanID: "acme", MemberID: "M1", BirthDate: day("1955-01-01")}, Claims: claims})
	if err := env.App.Enrolled(context.Background(), "acme", "M1", 2025, day("2025-06-02")); err != nil {
		t.Fatal(err)
	}
	s, err := tgrpc.New(env.App)
	if err != nil {
		t.Fatal(err)
	}
	return s, env
}

func fieldsOf(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := err.(*errs.Error); ok {
		for _, v := range e.Violations {
			out[v.Field] = true
		}
	}
	return out
}

func TestAssessmentRPCs(t *testing.T) {
	t.Parallel()
	s, env := enrolled(t)
	analyst := as("plans/acme", auth.RoleAnalyst)
	const m1 = "plans/acme/members/M1"

	fs, err := s.ListFindings(analyst, &targetingv1.ListFindingsRequest{Parent: m1, PageSize: 1})
	if err != nil || len(fs.GetFindings()) != 1 || fs.GetNextPageToken() == "" {
		t.Fatalf("first page of findings: %v, %v", fs, err)
	}
	f := fs.GetFindings()[0]
	if f.GetSeverity() != typev1.Severity_SEVERITY_HIGH || f.GetReasonForService() == "" || f.GetCategory() == 0 ||
		len(f.GetEvidence()) == 0 || f.GetEvidence()[0].GetKind() != "claim" {
		t.Errorf("most severe finding = %v", f)
	}
	rest, err := s.ListFindings(analyst, &targetingv1.ListFindingsRequest{Parent: m1, PageSize: 100, PageToken: fs.GetNextPageToken()})
	if err != nil || len(rest.GetFindings()) == 0 || rest.GetFindings()[0].GetName() == f.GetName() {
		t.Errorf("second page: %v, %v", rest, err)
	}

	ms, err := s.ListMeasureResults(analyst, &targetingv1.ListMeasureResultsRequest{Parent: m1, MeasurementYear: 2025})
	if err != nil || len(ms.GetResults()) != 1 {
		t.Fatalf("measures: %v, %v", ms, err)
	}
	if r := ms.GetResults()[0]; r.GetMeasure() != "statins" || r.GetAdherent() || len(r.GetFills()) != 2 || r.GetTreatmentDays() == 0 {
		t.Errorf("statins = %v", r)
	}

	p, err := s.GetPriority(analyst, &targetingv1.GetPriorityRequest{Name: m1 + "/priority"})
	if err != nil || p.GetScore() <= 0 || len(p.GetTerms()) != 8 {
		t.Errorf("priority = %v, %v", p, err)
	}

	wl, err := s.ListInterventions(analyst, &targetingv1.ListInterventionsRequest{Parent: "plans/acme", Finding: "drug_interaction", Measure: "statins"})
	if err != nil || len(wl.GetInterventions()) != 5 {
		t.Fatalf("filtered worklist: %v, %v", wl, err)
	}
	for _, i := range wl.GetInterventions() {
		if i.GetPriority() != p.GetScore() || len(i.GetFindings()) == 0 {
			t.Errorf("%s: priority %v findings %v, want the member's", i.GetName(), i.GetPriority(), i.GetFindings())
		}
	}
	// Due-date transitions: on 1 July the Q2 TMR is overdue, the CMR not yet.
	env.Clock.Set(day("2025-07-01"))
	wl, _ = s.ListInterventions(analyst, &targetingv1.ListInterventionsRequest{Parent: "plans/acme"})
	for _, i := range wl.GetInterventions() {
		wantOverdue := i.GetName() == "plans/acme/interventions/M1-TMR-2025Q2"
		if i.GetOverdue() != wantOverdue {
			t.Errorf("%s overdue = %v on 1 July", i.GetName(), i.GetOverdue())
		}
	}

	_, err = s.ListInterventions(analyst, &targetingv1.ListInterventionsRequest{Parent: "plans/acme", Finding: "nope", Measure: "STATINS", Language: "spanish"})
	if got := fieldsOf(err); !got["finding"] || !got["measure"] || !got["language"] {
		t.Errorf("bad filters: %v", err)
	}
	if _, err := s.ListFindings(as("plans/beta", auth.RoleAnalyst), &targetingv1.ListFindingsRequest{Parent: m1}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("another plan's findings: %v", err)
	}
	if _, err := s.GetPriority(analyst, &targetingv1.GetPriorityRequest{Name: "plans/acme/members/M9/priority"}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("a member never enrolled: %v", err)
	}
}

func TestRunAndReport(t *testing.T) {
	t.Parallel()
	s, _ := enrolled(t)
	admin := as("plans/acme", auth.RoleAdmin)
	run, err := s.RunTargeting(admin, &targetingv1.RunTargetingRequest{Parent: "plans/acme"})
	if err != nil || run.GetMembers() != 1 || run.GetFindingsCreated() != 0 {
		t.Errorf("run = %v, %v; want one member and nothing new", run, err)
	}
	if _, err := s.RunTargeting(as("plans/acme", auth.RoleAnalyst), &targetingv1.RunTargetingRequest{Parent: "plans/acme"}); errs.KindOf(err) != errs.KindPermissionDenied {
		t.Errorf("an analyst ran targeting: %v", err)
	}
	_, err = s.RunTargeting(admin, &targetingv1.RunTargetingRequest{Parent: "plans/acme", AsOf: &typev1.Date{Year: 2025, Month: 2, Day: 30}})
	if !fieldsOf(err)["as_of"] {
		t.Errorf("bad as_of: %v", err)
	}

	rep, err := s.GetAdherenceReport(admin, &targetingv1.GetAdherenceReportRequest{Parent: "plans/acme", MeasurementYear: 2025})
	if err != nil || len(rep.GetRates()) != 3 {
		t.Fatalf("report = %v, %v", rep, err)
	}
	for _, r := range rep.GetRates() {
		want := int64(0)
		if r.GetMeasure() == "statins" {
			want = 1
		}
		if r.GetDenominator() != want || r.GetNumerator() != 0 {
			t.Errorf("%s = %d/%d, want 0/%d", r.GetMeasure(), r.GetNumerator(), r.GetDenominator(), want)
		}
	}
	if rep.GetAsOf().GetMonth() != 6 || rep.GetAsOf().GetDay() != 30 {
		t.Errorf("as of = %v, want today", rep.GetAsOf())
	}
	_, err = s.GetAdherenceReport(admin, &targetingv1.GetAdherenceReportRequest{Parent: "plans/acme", MeasurementYear: 2025,
		AsOf: &typev1.Date{Year: 2024, Month: 12, Day: 31}})
	if !fieldsOf(err)["as_of"] {
		t.Errorf("as_of outside the year: %v", err)
	}
}

func TestSettingsRPCs(t *testing.T) {
	t.Parallel()
	s, _ := enrolled(t)
	const name = "plans/acme/targetingSettings"
	got, err := s.GetTargetingSettings(as("plans/acme", auth.RoleAnalyst), &targetingv1.GetTargetingSettingsRequest{Name: name})
	if err != nil || got.GetCmrOfferDays() != 60 || got.GetFindingDueDays() != 14 || len(got.GetPriorityWeights()) != 8 || got.GetVersion() != 0 {
		t.Fatalf("defaults = %v, %v", got, err)
	}
	_, err = s.UpdateTargetingSettings(as("plans/acme", auth.RoleAnalyst), &targetingv1.UpdateTargetingSettingsRequest{
		Settings: &targetingv1.TargetingSettings{Name: name}})
	if errs.KindOf(err) != errs.KindPermissionDenied {
		t.Errorf("an analyst updated settings: %v", err)
	}
	admin := as("plans/acme", auth.RoleAdmin)
	_, err = s.UpdateTargetingSettings(admin, &targetingv1.UpdateTargetingSettingsRequest{Settings: &targetingv1.TargetingSettings{
		Name: name, CmrOfferDays: 61, ScreeningConfig: "rules:\n  polypharmacy: {min_drugs: lots}\n"}})
	if f := fieldsOf(err); !f["settings.cmr_offer_days"] || len(f) != 2 {
		t.Errorf("bad settings: %v", err)
	}
	up, err := s.UpdateTargetingSettings(admin, &targetingv1.UpdateTargetingSettingsRequest{Settings: &targetingv1.TargetingSettings{
		Name: name, CmrOfferDays: 30, PriorityWeights: map[string]float64{"cost": 3}}})
	if err != nil || up.GetVersion() != 1 || up.GetCmrOfferDays() != 30 || up.GetPriorityWeights()["cost"] != 3 ||
		up.GetPriorityWeights()["findings.high"] != 10 || up.GetUpdateTime() == nil {
		t.Errorf("updated = %v, %v", up, err)
	}
	if _, err := s.UpdateTargetingSettings(as("plans/beta", auth.RoleAdmin), &targetingv1.UpdateTargetingSettingsRequest{
		Settings: &targetingv1.TargetingSettings{Name: name}}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("another plan's settings: %v", err)
	}
}
