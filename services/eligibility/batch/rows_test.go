package batch

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// TestRowOffsetsAndClaimIDs reads a claims file with quoted, padded and
// multi-line rows, CRLF line ends and empty lines in chunks of every few
// sizes, notes each row's offset as a batch does, and reads the claim id
// back from the file at that offset: it must be the id intake read.
func TestRowOffsetsAndClaimIDs(t *testing.T) {
	t.Parallel()
	body := "\xEF\xBB\xBF\r\nstatus,\"claim_id\",member_id,fill_date,generic_name,days_supply,total_cost,note\r\n" +
		"paid,C1,M1,2025-01-01,atorvastatin,30,1.00,\r\n" +
		"paid,\" C2 \",M1,2025-01-02,atorvastatin,30,1.00,\"two\r\nlines\"\r\n" +
		"\r\n" +
		"paid,C3,M1,2025-01-03,\"amlodipine / benazepril\",30,1.00,\"a \"\"quote\"\"\"\n" +
		"reversed,C1,M1,2025-01-01,atorvastatin,30,0.00,\n" +
		"paid,C-4.x_5,M2,2025-01-04,atorvastatin,30,1.00,last row without a newline"
	path := filepath.Join(t.TempDir(), "rx_claims.csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var v errs.Violations
	f := CheckFile(&v, "claims", path, true, true)
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"C1", "C2", "C3", "C1", "C-4.x_5"}
	for _, size := range []int{90, 120, 200, 0} {
		var (
			mu     sync.Mutex
			rows   = map[int64]string{}
			header []byte
		)
		err := f.EachChunk(context.Background(), Splitting{Workers: 2, ChunkBytes: size}, NewProgress(io.Discard, "test", -1), func(c Chunk) error {
			offsets := c.Offsets()
			_, err := intake.Claims(c.Reader(), planID, nil, intake.Options{}, func(line int64, cl domain.Claim) error {
				at := offsets.At(line)
				mu.Lock()
				defer mu.Unlock()
				rows[at], header = cl.ClaimID, c.Header()
				return nil
			})
			return err
		}, nil)
		if err != nil {
			t.Fatalf("chunks of %d: %v", size, err)
		}
		ids, ok := ClaimIDsOf(header)
		if !ok {
			t.Fatal("ClaimIDsOf: no claim_id column")
		}
		var got []string
		for at := int64(0); at < int64(len(body)); at++ {
			if read, ok := rows[at]; ok {
				id, n := ids.Of([]byte(body[at:]), true)
				if id != read || n == 0 {
					t.Errorf("chunks of %d: row at %d: Of = %q, %d; intake read %q", size, at, id, n, read)
				}
				got = append(got, id)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chunks of %d: ids by offset (-want +got):\n%s", size, diff)
		}
	}
	ids, _ := ClaimIDsOf([]byte("claim_id,member_id\n"))
	for _, tt := range []struct {
		in    string
		atEOF bool
		id    string
		n     int
	}{
		{"C1,M1\nC2,M2\n", false, "C1", 6},
		{"C1,M1", false, "", 0},  // the row may go on: read more
		{"C1,M1", true, "C1", 5}, // the file ends there
		{"\"C\n1\",M1", false, "", 0},
		{"\"C 1 \",M1\r\n", false, "C 1", 11},
	} {
		if id, n := ids.Of([]byte(tt.in), tt.atEOF); id != tt.id || n != tt.n {
			t.Errorf("Of(%q, %v) = %q, %d; want %q, %d", tt.in, tt.atEOF, id, n, tt.id, tt.n)
		}
	}
	if _, ok := ClaimIDsOf([]byte("member_id,status\n")); ok {
		t.Error("ClaimIDsOf found a claim_id column in a header without one")
	}
}
