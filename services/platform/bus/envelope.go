package bus

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
)

// SchemaVersion is the envelope schema version NewEnvelope stamps.
const SchemaVersion = 1

// NewEnvelope wraps payload in a new event of type eventType (e.g.
// "eligibility.member.enrolled", published on "mtm.eligibility.member.enrolled")
// for tenant (e.g. "plans/acme") about the resource named subject.
//
// The id is a UUIDv7: time-ordered, so the outbox publishes in id order and
// consumers can sort by it.
func NewEnvelope(eventType, tenant, subject string, payload proto.Message) (*eventsv1.Envelope, error) {
	if err := validEventType(eventType); err != nil {
		return nil, fmt.Errorf("bus: new envelope: %w", err)
	}
	if payload == nil {
		return nil, fmt.Errorf("bus: new envelope %s: nil payload", eventType)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("bus: new envelope %s: id: %w", eventType, err)
	}
	anyPayload, err := anypb.New(payload)
	if err != nil {
		return nil, fmt.Errorf("bus: new envelope %s: payload: %w", eventType, err)
	}
	return &eventsv1.Envelope{
		Id:            id.String(),
		Type:          eventType,
		Tenant:        tenant,
		Subject:       subject,
		OccurredAt:    timestamppb.New(time.Now()),
		SchemaVersion: SchemaVersion,
		Payload:       anyPayload,
	}, nil
}
