package domain_test

import (
	"testing"

	"github.com/openmtm/openmtm/services/targeting/domain"
)

func TestCMRUrgency(t *testing.T) {
	for _, tt := range []struct {
		dueIn int
		want  float64
	}{
		{120, 0}, {60, 0}, {30, 0.5}, {0, 1}, {-30, 1.5}, {-60, 2}, {-200, 2},
	} {
		if got := domain.CMRUrgency(tt.dueIn); got != tt.want {
			t.Errorf("CMRUrgency(%d) = %v, want %v", tt.dueIn, got, tt.want)
		}
	}
}

func TestScore(t *testing.T) {
	due := 15
	in := domain.PriorityInputs{FindingsHigh: 1, FindingsModerate: 2, AdherenceClosable: 1, DrugCount: 6,
		CostCents: 250_000, CMRDueIn: &due}
	p := domain.Score(in, map[string]float64{domain.TermDrugCount: 1})
	want := map[string][2]float64{ // value, contribution
		domain.TermFindingsHigh:      {1, 10},
		domain.TermFindingsModerate:  {2, 8},
		domain.TermFindingsLow:       {0, 0},
		domain.TermAdherenceClosable: {1, 8},
		domain.TermAdherenceLost:     {0, 0},
		domain.TermDrugCount:         {6, 6}, // the plan's weight 1, not the default 0.5
		domain.TermCost:              {2.5, 0.625},
		domain.TermCMRUrgency:        {0.75, 3.75},
	}
	if len(p.Terms) != len(want) {
		t.Fatalf("terms = %+v", p.Terms)
	}
	for _, term := range p.Terms {
		w := want[term.Name]
		if term.Value != w[0] || term.Contribution != w[1] {
			t.Errorf("%s: value %v contribution %v, want %v %v", term.Name, term.Value, term.Contribution, w[0], w[1])
		}
	}
	if p.Score != 36.375 {
		t.Errorf("score = %v, want 36.375", p.Score)
	}
	if q := domain.Score(domain.PriorityInputs{}, nil); q.Score != 0 {
		t.Errorf("nothing to do scores %v", q.Score)
	}
}

func TestCheckWeights(t *testing.T) {
	v := domain.CheckWeights("w", map[string]float64{"cost": 1, "colour": 1, domain.TermDrugCount: 5000})
	if v.Len() != 2 || v[0].Field != "w.colour" || v[1].Field != "w.drug_count" {
		t.Errorf("violations = %+v, want w.colour and w.drug_count", v)
	}
	s := domain.Settings{CMROfferDays: 61, FindingDueDays: 91}
	if v := s.Check("settings."); v.Len() != 2 {
		t.Errorf("settings violations = %+v", v)
	}
	if d := (domain.Settings{}).CMRDays(); d != 60 {
		t.Errorf("default CMR days = %d", d)
	}
}
