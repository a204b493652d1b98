package events_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/eligibility/events"
)

func TestRecordsChanged(t *testing.T) {
	t.Parallel()
	ids := make([]string, 2001)
	for i := range ids {
		ids[i] = fmt.Sprintf("M%04d", i)
	}
	envs, err := events.RecordsChanged("acme", ids)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var got []string
	for _, env := range envs {
		if env.GetType() != events.TypeRecordsChanged || env.GetTenant() != "plans/acme" || env.GetSubject() != "plans/acme" {
			t.Errorf("envelope %s tenant %s subject %s", env.GetType(), env.GetTenant(), env.GetSubject())
		}
		var ev eventsv1.MemberRecordsChanged
		if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
			t.Fatal(err)
		}
		if ev.GetPlan() != "plans/acme" {
			t.Errorf("plan = %q", ev.GetPlan())
		}
		sizes = append(sizes, len(ev.GetMemberIds()))
		got = append(got, ev.GetMemberIds()...)
	}
	if diff := cmp.Diff([]int{1000, 1000, 1}, sizes); diff != "" {
		t.Errorf("ids per event (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if envs, err := events.RecordsChanged("acme", nil); err != nil || len(envs) != 0 {
		t.Errorf("no ids: %d events, %v; want none", len(envs), err)
	}
}
