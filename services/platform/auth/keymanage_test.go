package auth_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

func TestKeyStoreListRevoke(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		ks, _ := newKeyStore(t, tgt)
		var ids []string
		bearers := map[string]string{}
		for i := range 5 {
			k, b, err := ks.Create(ctx, "plans/acme", []auth.Role{auth.RoleAnalyst}, fmt.Sprint("key ", i))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, k.ID)
			bearers[k.ID] = b
		}
		if _, _, err := ks.Create(ctx, "plans/other", []auth.Role{auth.RoleAnalyst}, "other"); err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)

		var got []string
		token, pages := "", 0
		for {
			keys, next, err := ks.List(ctx, "plans/acme", 2, token)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, k := range keys {
				got = append(got, k.ID)
			}
			if next == "" {
				break
			}
			token = next
		}
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Errorf("listed ids (-want +got):\n%s", diff)
		}
		if pages != 3 {
			t.Errorf("pages = %d, want 3", pages)
		}
		_, _, err := ks.List(ctx, "plans/acme", 2, "not-a-token")
		wantKind(t, "bad page token", err, errs.KindInvalid)
		_, _, err = ks.List(ctx, "plans/acme", -1, "")
		wantKind(t, "negative page size", err, errs.KindInvalid)
		_, _, err = ks.List(ctx, "nope", 0, "")
		wantKind(t, "bad tenant", err, errs.KindInvalid)

		victim := ids[0]
		_, err = ks.Revoke(ctx, "plans/other", victim)
		wantKind(t, "revoke from another tenant", err, errs.KindNotFound)
		_, err = ks.Revoke(ctx, "plans/acme", strings.Repeat("0", 16))
		wantKind(t, "revoke unknown", err, errs.KindNotFound)
		if _, err := ks.Verify(ctx, bearers[victim]); err != nil {
			t.Fatalf("key revoked by another tenant: %v", err)
		}

		revoked, err := ks.Revoke(ctx, "plans/acme", victim)
		if err != nil {
			t.Fatal(err)
		}
		if revoked.RevokedAt == nil {
			t.Fatal("Revoke returned a key without RevokedAt")
		}
		_, err = ks.Verify(ctx, bearers[victim])
		wantKind(t, "verify revoked", err, errs.KindUnauthenticated)
		again, err := ks.Revoke(ctx, "plans/acme", victim)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(revoked, again); diff != "" {
			t.Errorf("second revoke changed the key (-first +second):\n%s", diff)
		}
		if _, err := ks.Verify(ctx, bearers[ids[1]]); err != nil {
			t.Errorf("another key stopped working: %v", err)
		}
	})
}
