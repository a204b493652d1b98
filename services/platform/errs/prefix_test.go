package errs

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrefixFields(t *testing.T) {
	t.Parallel()
	err := PrefixFields(Invalid(Field("birth_date", "is required"), Field("sex", "must be F, M or U")), "member.")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("PrefixFields returned %T", err)
	}
	want := []FieldViolation{{"member.birth_date", "is required"}, {"member.sex", "must be F, M or U"}}
	if diff := cmp.Diff(want, e.Violations); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	other := NotFound("x")
	if got := PrefixFields(other, "member."); got != other {
		t.Errorf("non-invalid error changed: %v", got)
	}
}
