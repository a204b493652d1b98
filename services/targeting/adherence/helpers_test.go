package adherence

import (
	"sync"
	"testing"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// testClassifier is one classifier over the shipped drug reference, shared
// by the tests as the batch shares one.
var testClassifier = sync.OnceValue(func() *Classifier {
	ref, err := reference.Default()
	if err != nil {
		panic(err)
	}
	return NewClassifier(ref.Drugs)
})

func day(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rx is a fill of generic on date for supply days; its claim id is the
// date and the generic, which is unique enough in a test.
func rx(t testing.TB, date, generic string, supply int32) Fill {
	t.Helper()
	return Fill{ClaimID: date + " " + generic, FillDate: day(t, date), DaysSupply: supply,
		Class: testClassifier().Classify(generic)}
}

func stay(t testing.TB, admit, discharge string) Stay {
	t.Helper()
	return Stay{Admit: day(t, admit), Discharge: day(t, discharge)}
}

// summary is what most tests check of a result.
type summary struct {
	Status                                  string
	Index, End                              string
	Treatment, Inpatient, Covered, PDC10000 int
	Adherent                                bool
}

func summarize(r Result) summary {
	s := summary{Status: r.Status.String(), Treatment: r.TreatmentDays, Inpatient: r.InpatientDays,
		Covered: r.DaysCovered, PDC10000: r.PDCBasisPoints, Adherent: r.Adherent}
	if r.IndexDate != 0 {
		s.Index = r.IndexDate.String()
	}
	if r.PeriodEnd != 0 {
		s.End = r.PeriodEnd.String()
	}
	return s
}

// adult is a member of 70 with open coverage.
func adult(t testing.TB) Member {
	return Member{MemberID: "M1", BirthDate: day(t, "1955-03-01")}
}

// evaluate runs a fresh default evaluator with detail.
func evaluate(t testing.TB, p Period, m Member, f Facts) []Result {
	t.Helper()
	e, err := NewEvaluator(DefaultSpec())
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.Evaluate(p, m, f, true)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// mustDay parses a date in a table literal, outside any test.
func mustDay(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}
