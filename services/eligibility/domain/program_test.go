package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestCompileProgramErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		want       string // in the "cel" field's problem
	}{
		{"undeclared variable", "member.age > 65", "does not compile: 1:1: undeclared reference to 'member'"},
		{"unknown field", "facts.age > 65 && facts.weight > 80", "1:24: undefined field 'weight'"},
		{"syntax error on line 2", "facts.age > 65 &&\n  (facts.ltc ||", "does not compile: 2:"},
		{"type mismatch", "facts.age > 'old'", "1:11: found no matching overload for '_>_'"},
		{"int result", "facts.age + 1", "must evaluate to bool, not int"},
		{"list result", "facts.ingredients", "must evaluate to bool, not list(string)"},
		{"string result", "'yes'", "must evaluate to bool, not string"},
		{"empty", "  ", "is empty"},
		{"too long", strings.Repeat("facts.ltc || ", 400) + "true", "must be at most 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := domain.CompileProgram(tt.expr)
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.KindInvalid || len(e.Violations) != 1 || e.Violations[0].Field != "cel" {
				t.Fatalf("CompileProgram(%q) = %v, want one invalid violation on field cel", tt.expr, err)
			}
			if p := e.Violations[0].Problem; !strings.Contains(p, tt.want) {
				t.Errorf("problem = %q, want it to contain %q", p, tt.want)
			}
		})
	}
}

func TestProgramEval(t *testing.T) {
	t.Parallel()
	f := domain.Facts{
		ContractYear:             2025,
		Diagnosed:                domain.DiseaseSetOf("diabetes", "chf"),
		DrugImplied:              domain.DiseaseSetOf("diabetes", "hypertension"),
		Ingredients:              []string{"insulin glargine", "lisinopril", "metformin"},
		ProjectedAnnualCostCents: 250050,
		Age:                      70,
		LTC:                      true,
	}
	tests := []struct {
		expr string
		want bool
	}{
		{"facts.chronic_disease_count == 3", true},
		{"facts.chronic_diseases == ['chf', 'diabetes', 'hypertension']", true},
		{"facts.diagnosed_diseases == ['chf', 'diabetes'] && facts.drug_diseases == ['diabetes', 'hypertension']", true},
		{"'chf' in facts.chronic_diseases && !('esrd' in facts.chronic_diseases)", true},
		{"facts.maintenance_drug_count >= 3", true},
		{"facts.maintenance_drug_count >= 4", false},
		{"'metformin' in facts.ingredients", true},
		{"facts.ingredients.exists(i, i.startsWith('insulin'))", true},
		{"facts.projected_annual_cost >= 2500.5", true},
		{"facts.projected_annual_cost > 2500.5", false},
		{"facts.age >= 65 && facts.ltc", true},
		{"facts.dmp_at_risk || facts.hospice", false},
		{"facts.contract_year == 2025", true},
		{"sets.intersects(facts.chronic_diseases, ['chf', 'esrd'])", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			p, err := domain.CompileProgram(tt.expr)
			if err != nil {
				t.Fatalf("CompileProgram = %v", err)
			}
			if p.Source() != tt.expr {
				t.Errorf("Source() = %q", p.Source())
			}
			got, err := p.Eval(f)
			if err != nil || got != tt.want {
				t.Errorf("Eval = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestProgramCostLimit: an expression that would take O(n⁴) work over the
// ingredients stops at the cost limit instead of holding a core.
func TestProgramCostLimit(t *testing.T) {
	t.Parallel()
	p, err := domain.CompileProgram(`facts.ingredients.all(a, facts.ingredients.all(b,
		facts.ingredients.all(c, facts.ingredients.all(d, a + b + c + d != ""))))`)
	if err != nil {
		t.Fatalf("CompileProgram = %v", err)
	}
	f := domain.Facts{Ingredients: make([]string, 40)}
	for i := range f.Ingredients {
		f.Ingredients[i] = strings.Repeat("x", i+1)
	}
	if _, err := p.Eval(f); err == nil || !strings.Contains(err.Error(), "cost limit") {
		t.Errorf("Eval = %v, want the cost limit error", err)
	}
}
