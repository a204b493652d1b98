package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Subject and stream naming. Every event subject is
// mtm.<service>.<entity>.<verb>, every publishing service has one stream
// MTM_<SERVICE> holding mtm.<service>.>, and dead letters go to
// mtm.dlq.<durable> in MTM_DLQ. Subject and StreamName are the only places
// that apply the test namespace.

const (
	// subjectRoot is the first token of every OpenMTM subject.
	subjectRoot = "mtm"
	// dlqService is the pseudo-service whose stream holds dead letters.
	dlqService = "dlq"
	// duplicateWindow is how long JetStream remembers a Nats-Msg-Id. A relay
	// that crashed after publishing and restarts within it publishes nothing
	// new; the inbox covers anything later.
	duplicateWindow = 2 * time.Minute
)

// Subject returns the NATS subject for s (e.g. "mtm.eligibility.member.enrolled")
// on this bus: s itself, or "<namespace>.<s>" when the bus has a namespace.
func (b *Bus) Subject(s string) string {
	if b.namespace == "" {
		return s
	}
	return b.namespace + "." + s
}

// StreamName returns the stream of a publishing service on this bus:
// MTM_<SERVICE>, or <NAMESPACE>_MTM_<SERVICE> when the bus has a namespace.
func (b *Bus) StreamName(service string) string {
	name := "MTM_" + strings.ToUpper(service)
	if b.namespace == "" {
		return name
	}
	return strings.ToUpper(b.namespace) + "_" + name
}

// EventSubject is the un-namespaced subject of an event type:
// "mtm.eligibility.member.enrolled" for "eligibility.member.enrolled".
func EventSubject(eventType string) string { return subjectRoot + "." + eventType }

// DLQSubject is the dead-letter subject of a durable consumer on this bus.
func (b *Bus) DLQSubject(durable string) string {
	return b.Subject(subjectRoot + "." + dlqService + "." + durable)
}

// DLQStream is the name of the dead-letter stream on this bus.
func (b *Bus) DLQStream() string { return b.StreamName(dlqService) }

// EnsureStreams creates, or updates to the current settings, the stream of
// each publishing service and the dead-letter stream. Every service calls it
// at start-up for the streams it publishes to or consumes from, so start-up
// order does not matter.
func (b *Bus) EnsureStreams(ctx context.Context, services ...string) error {
	for _, svc := range services {
		if err := validToken(svc); err != nil {
			return fmt.Errorf("bus: stream for service %q: %w", svc, err)
		}
		if svc == dlqService {
			return fmt.Errorf("bus: service name %q is reserved for dead letters", svc)
		}
	}
	for _, svc := range append(services, dlqService) {
		cfg := jetstream.StreamConfig{
			Name:       b.StreamName(svc),
			Subjects:   []string{b.Subject(subjectRoot + "." + svc + ".>")},
			Storage:    jetstream.FileStorage,
			Retention:  jetstream.LimitsPolicy,
			Duplicates: duplicateWindow,
			Replicas:   b.replicas,
		}
		if _, err := b.js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("bus: ensure stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}

// validToken accepts a lower-case subject token: a service, entity or verb
// name, or a namespace.
func validToken(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("name %q: want lower case letters, digits, _ and -", s)
		}
	}
	return nil
}

func validNamespace(ns string) error {
	if ns == "" {
		return nil
	}
	if err := validToken(ns); err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	return nil
}

// validEventType accepts "<service>.<entity>.<verb>" (and longer dotted
// names), each part a valid token.
func validEventType(t string) error {
	parts := strings.Split(t, ".")
	if len(parts) < 3 {
		return fmt.Errorf("event type %q: want <service>.<entity>.<verb>", t)
	}
	for _, p := range parts {
		if err := validToken(p); err != nil {
			return fmt.Errorf("event type %q: %w", t, err)
		}
	}
	if parts[0] == dlqService {
		return fmt.Errorf("event type %q: service %q is reserved for dead letters", t, dlqService)
	}
	return nil
}
