package domain_test

import (
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func TestFormatCents(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 214000: "2140.00", 162300: "1623.00", 1234: "12.34", -250: "-2.50"} {
		if got := domain.FormatCents(cents); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestDeterminationCriterion(t *testing.T) {
	t.Parallel()
	d := domain.Determination{Criteria: []domain.Criterion{{Kind: "COVERAGE", Met: true}, {Kind: "PROGRAM"}}}
	if c, ok := d.Criterion("COVERAGE"); !ok || !c.Met {
		t.Errorf("Criterion(COVERAGE) = %+v, %v; want the met coverage criterion", c, ok)
	}
	if _, ok := d.Criterion("ANNUAL_COST"); ok {
		t.Error("Criterion(ANNUAL_COST) found in a determination without one")
	}
}
