package intake_test

import (
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/civil"
)

const plan = "acme"

// today bounds birth dates in every members test.
var today = date("2025-06-15")

func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic("bad test date " + s)
	}
	return d
}

// row is a record handed to the caller's function, with its line.
type row[T any] struct {
	Line int64
	V    T
}

// result is everything one read produced.
type result[T any] struct {
	Rows    []row[T]
	Summary intake.Summary
	Err     error
}

func collect[T any](read func(fn func(int64, T) error) (intake.Summary, error)) result[T] {
	var res result[T]
	res.Summary, res.Err = read(func(line int64, v T) error {
		res.Rows = append(res.Rows, row[T]{line, v})
		return nil
	})
	return res
}

func readMembers(in string, opts intake.Options) result[domain.Member] {
	return collect(func(fn func(int64, domain.Member) error) (intake.Summary, error) {
		return intake.Members(strings.NewReader(in), plan, today, opts, fn)
	})
}

func readClaims(in string, ndc domain.NDCResolver, opts intake.Options) result[domain.Claim] {
	return collect(func(fn func(int64, domain.Claim) error) (intake.Summary, error) {
		return intake.Claims(strings.NewReader(in), plan, ndc, opts, fn)
	})
}

func readDiagnoses(in string, opts intake.Options) result[domain.Diagnosis] {
	return collect(func(fn func(int64, domain.Diagnosis) error) (intake.Summary, error) {
		return intake.Diagnoses(strings.NewReader(in), plan, opts, fn)
	})
}

func readStays(in string, opts intake.Options) result[domain.InpatientStay] {
	return collect(func(fn func(int64, domain.InpatientStay) error) (intake.Summary, error) {
		return intake.InpatientStays(strings.NewReader(in), plan, opts, fn)
	})
}

// fakeNDC resolves a fixed table of 11-digit NDCs.
type fakeNDC map[string]string

func (f fakeNDC) GenericName(ndc string) (string, bool) { g, ok := f[ndc]; return g, ok }

// rejected is the error of a read rejected at first.
func rejected(first intake.RowError) error { return &intake.Rejected{First: first} }
