package apitest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// Postgres returns the test PostgreSQL URL and a schema prefix unique to the
// test; schemas with the prefix are dropped when the test ends. It skips the
// test when OPENMTM_TEST_POSTGRES_URL is unset.
func Postgres(t testing.TB) (url, schemaPrefix string) {
	t.Helper()
	tgt := storetest.Postgres(t)
	return tgt.URL, tgt.Prefix
}

// NATS returns the test NATS URL and a namespace unique to the test; its
// streams are deleted when the test ends. It skips the test when
// OPENMTM_TEST_NATS_URL is unset.
func NATS(t testing.TB) (url, namespace string) {
	t.Helper()
	url = Env(t, "OPENMTM_TEST_NATS_URL")
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	namespace = "t" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := bus.Connect(ctx, bus.Config{URL: url, Namespace: namespace}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Logf("clean up streams of %s: %v", namespace, err)
			return
		}
		defer conn.Close()
		js := conn.JetStream()
		for name := range js.StreamNames(ctx).Name() {
			if strings.HasPrefix(name, strings.ToUpper(namespace)+"_") {
				if err := js.DeleteStream(ctx, name); err != nil {
					t.Logf("delete stream %s: %v", name, err)
				}
			}
		}
	})
	return url, namespace
}
