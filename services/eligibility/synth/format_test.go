package synth

import (
	"strconv"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

func TestAppendDateMatchesCivil(t *testing.T) {
	t.Parallel()
	from, to := civil.YearStart(1900), civil.YearEnd(2100)
	for d := from; d <= to; d++ {
		if got, want := string(appendDate(nil, d)), d.String(); got != want {
			t.Fatalf("appendDate(%d) = %s, want %s", d, got, want)
		}
	}
}

func TestAppendCents(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 100: "1.00", 1234: "12.34", 162300: "1623.00"} {
		if got := string(appendCents(nil, cents)); got != want {
			t.Errorf("appendCents(%d) = %s, want %s", cents, got, want)
		}
	}
}

func TestMBIsAreValidAndDistinct(t *testing.T) {
	t.Parallel()
	seen := make(map[string]int64, 200_000)
	for _, offset := range []uint64{0, 12345, ^uint64(0)} {
		clear(seen)
		for i := int64(1); i <= 200_000; i++ {
			mbi := string(appendMBI(nil, i, offset))
			if !domain.ValidMBI(mbi) {
				t.Fatalf("member %d: %s is not a valid MBI", i, mbi)
			}
			if j, dup := seen[mbi]; dup {
				t.Fatalf("members %d and %d share MBI %s", j, i, mbi)
			}
			seen[mbi] = i
		}
	}
}

func TestNPIsAreValid(t *testing.T) {
	t.Parallel()
	sh := newShared(99)
	for _, npi := range append(sh.pharmacies, sh.prescribers...) {
		if !domain.ValidNPI(npi) {
			t.Fatalf("%s is not a valid NPI", npi)
		}
	}
	for prefix := uint32(100_000_000); prefix < 100_000_000+50_000; prefix++ {
		if npi := npiFromPrefix(prefix); !domain.ValidNPI(npi) || npi[:9] != strconv.Itoa(int(prefix)) {
			t.Fatalf("npiFromPrefix(%d) = %s", prefix, npi)
		}
	}
}
