package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
)

func TestNaming(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	plain, err := bus.Connect(ctx, bus.Config{DataDir: t.TempDir()}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)
	spaced, err := bus.Connect(ctx, bus.Config{DataDir: t.TempDir(), Namespace: "t42"}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(spaced.Close)

	tests := []struct {
		name string
		got  string
		want string
	}{
		{"subject", plain.Subject("mtm.eligibility.member.enrolled"), "mtm.eligibility.member.enrolled"},
		{"namespaced subject", spaced.Subject("mtm.eligibility.member.enrolled"), "t42.mtm.eligibility.member.enrolled"},
		{"stream", plain.StreamName("eligibility"), "MTM_ELIGIBILITY"},
		{"namespaced stream", spaced.StreamName("eligibility"), "T42_MTM_ELIGIBILITY"},
		{"dead-letter stream", plain.DLQStream(), "MTM_DLQ"},
		{"namespaced dead-letter subject", spaced.DLQSubject("targeting-members"), "t42.mtm.dlq.targeting-members"},
		{"event subject", bus.EventSubject("billing.claim.paid"), "mtm.billing.claim.paid"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}

	// The embedded server listens for other processes.
	if plain.ClientURL() == "" || !plain.Conn().IsConnected() {
		t.Errorf("embedded bus: client url %q, connected %v", plain.ClientURL(), plain.Conn().IsConnected())
	}
	if err := spaced.EnsureStreams(ctx, "eligibility", "billing"); err != nil {
		t.Fatal(err)
	}
	// Again, as every replica does at start-up.
	if err := spaced.EnsureStreams(ctx, "eligibility"); err != nil {
		t.Fatalf("second EnsureStreams: %v", err)
	}
	for _, name := range []string{"T42_MTM_ELIGIBILITY", "T42_MTM_BILLING", "T42_MTM_DLQ"} {
		s, err := spaced.JetStream().Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		if d := s.CachedInfo().Config.Duplicates; d != 2*time.Minute {
			t.Errorf("stream %s duplicates window = %s, want 2m", name, d)
		}
	}
	if err := spaced.EnsureStreams(ctx, "dlq"); err == nil {
		t.Error(`EnsureStreams("dlq") succeeded, want an error: the name is reserved`)
	}
}

func TestConnectRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  bus.Config
	}{
		{"embedded without a data folder", bus.Config{}},
		{"namespace with a dot", bus.Config{DataDir: t.TempDir(), Namespace: "a.b"}},
		{"upper-case namespace", bus.Config{DataDir: t.TempDir(), Namespace: "AB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bus.Connect(context.Background(), tt.cfg, testLogger(t))
			if err == nil {
				b.Close()
				t.Error("Connect succeeded, want an error")
			}
		})
	}
}

func TestNewEnvelope(t *testing.T) {
	t.Parallel()
	payload := &eventsv1.MemberUpserted{Created: true, Language: "es"}
	env, err := bus.NewEnvelope("eligibility.member.upserted", "plans/acme", "plans/acme/members/m1", payload)
	if err != nil {
		t.Fatal(err)
	}
	id, err := uuid.Parse(env.GetId())
	if err != nil || id.Version() != 7 {
		t.Errorf("id %q: version %d, err %v; want a UUIDv7", env.GetId(), id.Version(), err)
	}
	if env.GetSchemaVersion() != 1 || env.GetType() != "eligibility.member.upserted" ||
		env.GetTenant() != "plans/acme" || env.GetSubject() != "plans/acme/members/m1" {
		t.Errorf("envelope = %v", env)
	}
	if age := time.Since(env.GetOccurredAt().AsTime()); age < 0 || age > time.Minute {
		t.Errorf("occurred at %s, want now", env.GetOccurredAt().AsTime())
	}
	got, err := env.GetPayload().UnmarshalNew()
	if err != nil || !proto.Equal(got, payload) {
		t.Errorf("payload = %v (err %v), want %v", got, err, payload)
	}

	for _, bad := range []string{"", "member.upserted", "eligibility.member.*", "Eligibility.member.upserted", "dlq.member.failed"} {
		if _, err := bus.NewEnvelope(bad, "plans/acme", "x", payload); err == nil {
			t.Errorf("NewEnvelope(%q) succeeded, want an error", bad)
		}
	}
	if _, err := bus.NewEnvelope("eligibility.member.upserted", "plans/acme", "x", nil); err == nil {
		t.Error("NewEnvelope with a nil payload succeeded, want an error")
	}
}
