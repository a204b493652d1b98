package pbconv

import (
	"testing"

	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/civil"
)

func TestDateRoundTrip(t *testing.T) {
	t.Parallel()
	d, _ := civil.Parse("2025-02-28")
	back, err := civil.Parse(DateText(Date(d)))
	if err != nil || back != d {
		t.Errorf("round trip of %s = %s, %v", d, back, err)
	}
	if DateText(nil) != "" || DateText(&typev1.Date{}) != "" {
		t.Error("unset date is not blank")
	}
	if _, err := civil.Parse(DateText(&typev1.Date{Year: 2025, Month: 2, Day: 30})); err == nil {
		t.Error("2025-02-30 parsed")
	}
	if OptionalDate(nil) != nil {
		t.Error("OptionalDate(nil) != nil")
	}
}
