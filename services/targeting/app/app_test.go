package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/internal/targetingtest"
)

var day = civil.MustParse

func rx(id, generic, fill string, days int32) edomain.Claim {
	return edomain.Claim{PlanID: "acme", ClaimID: id, GenericName: generic, FillDate: day(fill), DaysSupply: days, TotalCost: 2500}
}

func record(member, birth string, claims ...edomain.Claim) assess.Record {
	for i := range claims {
		claims[i].MemberID = member
	}
	return assess.Record{Member: edomain.Member{PlanID: "acme", MemberID: member, BirthDate: day(birth)}, Claims: claims}
}

// The members of the tests, as of 30 June 2025: M1 is 70, takes warfarin
// with naproxen (a high-severity interaction) and is behind on a statin;
// M2 takes lisinopril on time and has no problem.
func m1Claims() []edomain.Claim {
	return []edomain.Claim{
		rx("c1", "warfarin", "2025-06-01", 30), rx("c2", "naproxen", "2025-06-10", 10),
		rx("c3", "atorvastatin", "2025-01-05", 30), rx("c4", "atorvastatin", "2025-03-01", 30),
	}
}

func m2Claims() []edomain.Claim {
	var cs []edomain.Claim
	for i, d := range []string{"2025-01-02", "2025-02-01", "2025-03-03", "2025-04-02", "2025-05-02", "2025-06-01"} {
		cs = append(cs, rx("l"+string(rune('0'+i)), "lisinopril", d, 30))
	}
	return cs
}

const today = "2025-06-30"

// setup enrolls M1 and M2 on 2 June 2025.
func setup(t *testing.T, tgt storetest.Target) (*targetingtest.Env, context.Context) {
	t.Helper()
	ctx := context.Background()
	env := targetingtest.New(t, tgt, day(today))
	env.Records.Put(record("M1", "1955-01-01", m1Claims()...))
	env.Records.Put(record("M2", "1975-01-01", m2Claims()...))
	for _, m := range []string{"M1", "M2"} {
		if err := env.App.Enrolled(ctx, "acme", m, 2025, day("2025-06-02")); err != nil {
			t.Fatalf("enroll %s: %v", m, err)
		}
	}
	return env, ctx
}

func worklist(t *testing.T, env *targetingtest.Env, w domain.Worklist) []string {
	t.Helper()
	if w.PlanID == "" {
		w.PlanID = "acme"
	}
	if w.State == "" {
		w.State = domain.Open
	}
	is, _, err := env.App.ListInterventions(context.Background(), w, paging.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range is {
		out = append(out, i.ID())
	}
	return out
}

func rules(fs []domain.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

func TestEnrollmentAssessesAndSchedules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)

		fs, err := env.App.ListFindings(ctx, "acme", "M1")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(rules(fs), "drug_interaction:warfarin_nsaid") {
			t.Fatalf("M1 findings = %v, want the warfarin-NSAID interaction", rules(fs))
		}
		for _, f := range fs {
			if f.RuleSetVersion == "" || f.ReasonCode == "" || f.Category == 0 || f.ID == "" {
				t.Errorf("finding %s lacks its version, reason code, category or id: %+v", f.Key, f)
			}
		}
		if fs, _ := env.App.ListFindings(ctx, "acme", "M2"); len(fs) != 0 {
			t.Errorf("M2 findings = %v, want none", rules(fs))
		}

		ms, err := env.App.ListMeasureResults(ctx, "acme", "M1", 2025)
		if err != nil || len(ms) != 1 || ms[0].Measure != "statins" || ms[0].Adherent || len(ms[0].Fills) != 2 {
			t.Fatalf("M1 measures = %+v, %v; want statins, not adherent, two fills", ms, err)
		}

		// M1's problems put every one of M1's interventions before M2's; the
		// high-severity finding has a follow-up due 14 days after it was found.
		got := worklist(t, env, domain.Worklist{})
		want := []string{"M1-TMR-2025Q2", "M1-FINDING-", "M1-CMR-2025", "M1-TMR-2025Q3", "M1-TMR-2025Q4",
			"M2-TMR-2025Q2", "M2-CMR-2025", "M2-TMR-2025Q3", "M2-TMR-2025Q4"}
		if len(got) != len(want) {
			t.Fatalf("worklist = %v, want %d interventions", got, len(want))
		}
		for i := range want {
			if got[i][:min(len(got[i]), len(want[i]))] != want[i] {
				t.Errorf("worklist[%d] = %s, want %s…", i, got[i], want[i])
			}
		}
		f, err := env.App.GetIntervention(ctx, "acme", got[1])
		if err != nil || f.DueOn != day("2025-07-14") || f.Kind != domain.FindingFollowUp || len(f.Findings) != 1 {
			t.Errorf("follow-up = %+v, %v; want due 2025-07-14 with its rule", f, err)
		}

		p1, err := env.App.GetPriority(ctx, "acme", "M1")
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := env.App.GetPriority(ctx, "acme", "M2")
		if p1.Score <= p2.Score {
			t.Errorf("priority M1 %v <= M2 %v", p1.Score, p2.Score)
		}
		sum := 0.0
		for _, term := range p1.Terms {
			sum += term.Contribution
			if term.Name == domain.TermCMRUrgency && term.Value == 0 {
				t.Errorf("the open CMR due in 32 days adds no urgency: %+v", term)
			}
		}
		if d := sum - p1.Score; d > 1e-6 || d < -1e-6 {
			t.Errorf("score %v is not the sum of its terms %v", p1.Score, sum)
		}

		// Enrolling again changes nothing.
		if err := env.App.Enrolled(ctx, "acme", "M1", 2025, day("2025-06-02")); err != nil {
			t.Fatal(err)
		}
		if n := len(worklist(t, env, domain.Worklist{})); n != len(want) {
			t.Errorf("worklist after a repeated enrollment has %d interventions, want %d", n, len(want))
		}
	})
}

func TestRecordsChangedReassesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)

		// M1 stops naproxen (a reversal), M2 starts warfarin and naproxen;
		// M3 is not enrolled and is not assessed.
		reversal := rx("c2", "naproxen", "2025-06-10", 10)
		reversal.Reversed = true
		m1 := append(m1Claims(), reversal)
		env.Records.Put(record("M1", "1955-01-01", m1...))
		env.Records.Put(record("M2", "1975-01-01", append(m2Claims(),
			rx("w1", "warfarin", "2025-06-20", 30), rx("n1", "ibuprofen", "2025-06-25", 10))...))
		env.Records.Put(record("M3", "1950-01-01", m1Claims()...))
		c, err := env.App.RecordsChanged(ctx, "acme", []string{"M1", "M2", "M3"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Members != 2 || c.InterventionsCreated != 1 {
			t.Errorf("counts = %+v, want 2 members and M2's follow-up", c)
		}
		if fs, _ := env.App.ListFindings(ctx, "acme", "M1"); slices.Contains(rules(fs), "drug_interaction:warfarin_nsaid") {
			t.Errorf("M1 findings = %v after the reversal", rules(fs))
		}
		open := worklist(t, env, domain.Worklist{})
		for _, id := range open {
			if len(id) > 10 && id[:10] == "M1-FINDING" {
				t.Errorf("M1's follow-up is still open after its finding went: %v", open)
			}
		}
		if len(worklist(t, env, domain.Worklist{State: domain.Cancelled})) != 1 {
			t.Errorf("want M1's follow-up cancelled")
		}
		if got := worklist(t, env, domain.Worklist{Finding: "drug_interaction"}); len(got) == 0 || got[0][:2] != "M2" {
			t.Errorf("worklist of drug interactions = %v, want M2's", got)
		}
	})
}

func TestOptOutCancelsWork(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)
		if err := env.App.OptedOut(ctx, "acme", "M1", 2025); err != nil {
			t.Fatal(err)
		}
		for _, id := range worklist(t, env, domain.Worklist{}) {
			if id[:2] == "M1" {
				t.Errorf("M1 opted out but %s is open", id)
			}
		}
		if n := len(worklist(t, env, domain.Worklist{State: domain.Cancelled})); n != 5 {
			t.Errorf("cancelled = %d, want M1's CMR, 3 TMRs and follow-up", n)
		}
		c, err := env.App.RecordsChanged(ctx, "acme", []string{"M1"})
		if err != nil || c.Members != 0 {
			t.Errorf("an opted-out member was reassessed: %+v %v", c, err)
		}
	})
}

func TestWorklistFiltersAndPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)
		for _, m := range []domain.SeenMember{{PlanID: "acme", MemberID: "M1", Language: "es"}, {PlanID: "acme", MemberID: "M2", Language: "en"}} {
			if err := env.App.RecordMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		only := func(w domain.Worklist, member string) {
			t.Helper()
			got := worklist(t, env, w)
			if len(got) == 0 {
				t.Errorf("%+v: empty worklist", w)
			}
			for _, id := range got {
				if id[:2] != member {
					t.Errorf("%+v: %s listed, want only %s", w, id, member)
				}
			}
		}
		only(domain.Worklist{Measure: "statins"}, "M1")
		only(domain.Worklist{Finding: "drug_interaction"}, "M1")
		only(domain.Worklist{Language: "en"}, "M2")
		if got := worklist(t, env, domain.Worklist{Measure: "rasa"}); len(got) != 0 {
			t.Errorf("rasa gaps = %v, want none (M2 is adherent)", got)
		}

		// Pages of 2 list the same interventions in the same order.
		all := worklist(t, env, domain.Worklist{})
		var paged []string
		token := ""
		for {
			is, next, err := env.App.ListInterventions(ctx, domain.Worklist{PlanID: "acme", State: domain.Open}, paging.Page{Size: 2, After: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range is {
				paged = append(paged, i.ID())
			}
			if next == "" {
				break
			}
			token = next
		}
		if !slices.Equal(all, paged) {
			t.Errorf("paged worklist = %v, want %v", paged, all)
		}
		_, _, err := env.App.ListInterventions(ctx, domain.Worklist{PlanID: "acme", State: domain.Open}, paging.Page{Size: 2, After: "junk"})
		if errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("a bad token: %v, want invalid", err)
		}
	})
}

func TestReviewRescores(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)
		before, _ := env.App.GetPriority(ctx, "acme", "M2")
		if _, err := env.App.RecordReview(ctx, "acme", "M2", domain.CMR, day("2025-06-20")); err != nil {
			t.Fatal(err)
		}
		after, _ := env.App.GetPriority(ctx, "acme", "M2")
		if after.Score >= before.Score {
			t.Errorf("priority after the CMR = %v, want below %v", after.Score, before.Score)
		}
		for _, term := range after.Terms {
			if term.Name == domain.TermCMRUrgency && term.Contribution != 0 {
				t.Errorf("a done CMR still adds %v", term.Contribution)
			}
		}
		if got := worklist(t, env, domain.Worklist{State: domain.Completed}); !slices.Equal(got, []string{"M2-CMR-2025"}) {
			t.Errorf("completed = %v", got)
		}
	})
}

func TestSettings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		env, ctx := setup(t, tgt)

		_, err := env.App.UpdateSettings(ctx, domain.Settings{PlanID: "acme", CMROfferDays: 90, FindingDueDays: -1,
			Weights: map[string]float64{"cost": 2, "age": 1}, ScreeningConfig: "rules:\n  nope: {enabled: false}\n"})
		fields := map[string]bool{}
		var e *errs.Error
		if errors.As(err, &e) {
			for _, v := range e.Violations {
				fields[v.Field] = true
			}
		}
		for _, f := range []string{"settings.cmr_offer_days", "settings.finding_due_days", "settings.priority_weights.age", "settings.screening_config.rules.nope"} {
			if !fields[f] {
				t.Errorf("bad settings: no violation of %s in %v", f, err)
			}
		}
		if st, _ := env.App.GetSettings(ctx, "acme"); st.Version != 0 {
			t.Errorf("bad settings were stored: %+v", st)
		}

		// Switching the interactions off and reassessing drops the finding
		// and its follow-up; the weights move the score.
		st, err := env.App.UpdateSettings(ctx, domain.Settings{PlanID: "acme", Weights: map[string]float64{domain.TermCMRUrgency: 0},
			ScreeningConfig: "rules:\n  drug_interaction: {enabled: false}\n"})
		if err != nil || st.Version != 1 {
			t.Fatalf("update: %+v %v", st, err)
		}
		if _, err := env.App.RunTargeting(ctx, "acme", 0); err != nil {
			t.Fatal(err)
		}
		fs, _ := env.App.ListFindings(ctx, "acme", "M1")
		for _, f := range fs {
			if f.RuleID == "drug_interaction" {
				t.Errorf("finding of a rule switched off: %s", f.Key)
			}
			if f.RuleSetVersion == "" || f.RuleSetVersion[len(f.RuleSetVersion)-13:len(f.RuleSetVersion)-8] != "+cfg-" {
				t.Errorf("finding %s version %q does not name the plan's configuration", f.Key, f.RuleSetVersion)
			}
		}
		p, _ := env.App.GetPriority(ctx, "acme", "M2")
		for _, term := range p.Terms {
			if term.Name == domain.TermCMRUrgency && (term.Weight != 0 || term.Contribution != 0) {
				t.Errorf("cmr.urgency weighs %v after the plan set 0", term.Weight)
			}
		}
	})
}
