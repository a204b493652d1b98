package domain

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// Program is a compiled CEL criterion of a program beyond Part D (Medicaid,
// commercial, employer): an expression over the variable `facts` that is
// true when a member qualifies. It is safe for concurrent use.
type Program struct {
	src string
	prg cel.Program
}

// memberFacts is what an expression sees as `facts`. The cel tags are the
// field names expressions use; they are a contract with every uploaded
// program, so fields may be added but never renamed.
type memberFacts struct {
	ChronicDiseases      []string `cel:"chronic_diseases"`
	ChronicDiseaseCount  int64    `cel:"chronic_disease_count"`
	DiagnosedDiseases    []string `cel:"diagnosed_diseases"`
	DrugDiseases         []string `cel:"drug_diseases"`
	MaintenanceDrugCount int64    `cel:"maintenance_drug_count"`
	Ingredients          []string `cel:"ingredients"`
	ProjectedAnnualCost  float64  `cel:"projected_annual_cost"` // dollars
	Age                  int64    `cel:"age"`
	LTC                  bool     `cel:"ltc"`
	DMPAtRisk            bool     `cel:"dmp_at_risk"`
	Hospice              bool     `cel:"hospice"`
	ContractYear         int64    `cel:"contract_year"`
}

// Limits that keep an uploaded expression from hurting the service: its
// size, its parse depth, and the work one evaluation may do (cel-go's cost
// units, roughly one per operation and list element visited). Real
// criteria cost well under a hundred; the limit stops nested comprehensions
// over the ingredient list long before they take a millisecond.
const (
	maxExprBytes   = 4096
	maxExprDepth   = 32
	evalCostLimit  = 50_000
	factsVariable  = "facts"
	celSourceField = "cel"
)

var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(reflect.TypeFor[memberFacts](), ext.ParseStructTags(true)),
		cel.Variable(factsVariable, cel.ObjectType("domain.memberFacts")),
		ext.Sets(),
		cel.ParserExpressionSizeLimit(maxExprBytes),
		cel.ParserRecursionLimit(maxExprDepth),
	)
})

// CompileProgram parses and type-checks expr against the member facts
// (standard CEL plus the sets.* functions, e.g.
// sets.intersects(facts.chronic_diseases, ['chf', 'esrd'])). A syntax or
// type error, or a result that is not bool, is an errs.Invalid on field
// "cel" whose problem gives each error's line:column.
func CompileProgram(expr string) (*Program, error) {
	switch {
	case strings.TrimSpace(expr) == "":
		return nil, errs.Invalid(errs.Field(celSourceField, "is empty: want an expression over facts that is true when a member qualifies"))
	case len(expr) > maxExprBytes:
		return nil, errs.Invalid(errs.Field(celSourceField, fmt.Sprintf("must be at most %d bytes", maxExprBytes)))
	}
	env, err := celEnv()
	if err != nil {
		return nil, fmt.Errorf("build cel environment: %w", err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		msgs := make([]string, 0, len(iss.Errors()))
		for _, e := range iss.Errors() {
			// cel-go's columns are 0-based; editors count from 1.
			msgs = append(msgs, fmt.Sprintf("%d:%d: %s", e.Location.Line(), e.Location.Column()+1, e.Message))
		}
		return nil, errs.Invalid(errs.Field(celSourceField, "does not compile: "+strings.Join(msgs, "; ")))
	}
	if out := ast.OutputType(); !out.IsExactType(types.BoolType) {
		return nil, errs.Invalid(errs.Field(celSourceField, fmt.Sprintf("must evaluate to bool, not %s", out)))
	}
	prg, err := env.Program(ast, cel.CostLimit(evalCostLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, errs.Invalid(errs.Field(celSourceField, "cannot be planned: "+err.Error()))
	}
	return &Program{src: expr, prg: prg}, nil
}

// Source returns the expression as uploaded.
func (p *Program) Source() string { return p.src }

// Eval runs the expression on f. An expression that exceeds the cost limit
// or fails at run time (a division by zero, say) returns an error; the
// member then does not qualify through the program.
func (p *Program) Eval(f Facts) (bool, error) {
	mf := f.celFacts()
	out, _, err := p.prg.Eval(factsActivation{&mf})
	if err != nil {
		return false, fmt.Errorf("evaluate cel program: %w", err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("evaluate cel program: result is %s, not bool", out.Type())
	}
	return b, nil
}

// factsActivation binds `facts` without the map cel-go would otherwise
// need per evaluation.
type factsActivation struct{ f *memberFacts }

func (a factsActivation) ResolveName(name string) (any, bool) {
	if name == factsVariable {
		return a.f, true
	}
	return nil, false
}

func (a factsActivation) Parent() interpreter.Activation { return nil }

// violationsOf returns the field violations of an errs.Invalid, or one
// violation on field carrying err's message for any other error.
func violationsOf(err error, field string) []errs.FieldViolation {
	var e *errs.Error
	if errors.As(err, &e) && e.Kind == errs.KindInvalid {
		return e.Violations
	}
	return []errs.FieldViolation{errs.Field(field, err.Error())}
}
