package synth

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

// testRef loads the shipped drug reference once for all tests.
var testRef = sync.OnceValues(reference.Default)

func mustRef(t testing.TB) *reference.Reference {
	t.Helper()
	ref, err := testRef()
	if err != nil {
		t.Fatalf("reference.Default: %v", err)
	}
	return ref
}

// generate runs Generate into a fresh folder and returns it.
func generate(t testing.TB, cfg Config) (string, Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := Generate(context.Background(), cfg, mustRef(t), dir, nil)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return dir, st
}

// readFiles returns the three files' bytes.
func readFiles(t testing.TB, dir string) [3][]byte {
	t.Helper()
	var out [3][]byte
	for i, name := range outputNames {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	cfg := Config{Members: 3000, Seed: 7}
	dirA, stA := generate(t, cfg)
	dirB, stB := generate(t, cfg)
	if diff := cmp.Diff(stA, stB); diff != "" {
		t.Errorf("stats differ between runs (-first +second):\n%s", diff)
	}
	a, b := readFiles(t, dirA), readFiles(t, dirB)
	for i, name := range outputNames {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("%s differs between two runs of the same Config", name)
		}
	}

	dirC, _ := generate(t, Config{Members: 3000, Seed: 8})
	c := readFiles(t, dirC)
	for i, name := range outputNames {
		if bytes.Equal(a[i], c[i]) {
			t.Errorf("%s is the same for seeds 7 and 8", name)
		}
	}

	// A smaller population is a prefix of a larger one with the same seed:
	// members do not depend on how many follow them.
	dirD, _ := generate(t, Config{Members: 1000, Seed: 7})
	d := readFiles(t, dirD)
	for i, name := range outputNames {
		if !bytes.HasPrefix(a[i], d[i]) {
			t.Errorf("%s of 1,000 members is not a prefix of the one of 3,000", name)
		}
	}
}

// TestSameBytesOnAnyNumberOfWorkers runs the pipeline on 1 and 5 workers:
// members are drawn from their own streams and written in order, so the
// number of cores must not show in the files.
func TestSameBytesOnAnyNumberOfWorkers(t *testing.T) {
	t.Parallel()
	cfg := Config{Members: 3*chunkSize + 17, Seed: 5, AsOf: DefaultAsOf}
	cat, err := newCatalog(mustRef(t))
	if err != nil {
		t.Fatal(err)
	}
	var files [2][3][]byte
	for i, workers := range []int{1, 5} {
		dir := t.TempDir()
		out, err := createOutputs(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run(context.Background(), cfg, cat, newShared(cfg.Seed), out, workers, nil); err != nil {
			t.Fatal(err)
		}
		if err := out.commit(); err != nil {
			t.Fatal(err)
		}
		files[i] = readFiles(t, dir)
	}
	for i, name := range outputNames {
		if !bytes.Equal(files[0][i], files[1][i]) {
			t.Errorf("%s differs between 1 and 5 workers", name)
		}
	}
}

func TestGenerateHeadersAndEmptyRun(t *testing.T) {
	t.Parallel()
	dir, st := generate(t, Config{Members: 0, Seed: 1})
	if diff := cmp.Diff(Stats{}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	got := readFiles(t, dir)
	want := [3]string{
		"member_id,mbi,contract_id,pbp_id,first_name,last_name,birth_date,sex,language,postal_code,phone," +
			"coverage_start,coverage_end,ltc,dmp_at_risk,hospice\n",
		"claim_id,member_id,fill_date,generic_name,ndc,days_supply,quantity,total_cost,pharmacy_npi,prescriber_npi,status\n",
		"member_id,icd10,service_date\n",
	}
	for i := range want {
		if diff := cmp.Diff(want[i], string(got[i])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", outputNames[i], diff)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("folder holds %d entries, want the 3 files and no temporaries", len(entries))
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	t.Parallel()
	old, _ := civil.Parse("1999-06-30")
	for _, cfg := range []Config{{Members: -1}, {Members: 1, AsOf: old}} {
		_, err := Generate(context.Background(), cfg, mustRef(t), t.TempDir(), nil)
		if errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("Generate(%+v) error = %v, want an invalid-argument error", cfg, err)
		}
	}
	if _, err := Generate(context.Background(), Config{Members: 1}, nil, t.TempDir(), nil); err == nil {
		t.Error("Generate without a reference succeeded")
	}
}

func TestGenerateCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	var calls int
	_, err := Generate(ctx, Config{Members: 50 * chunkSize, Seed: 1}, mustRef(t), dir, func(int) {
		calls++
		cancel() // cancel from inside the run, after the first chunk
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if calls >= 50 {
		t.Errorf("progress called %d times after cancel; the run did not stop", calls)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled run left %d files behind", len(entries))
	}
}

func TestGenerateProgress(t *testing.T) {
	t.Parallel()
	var got []int
	n := 2*chunkSize + 5
	if _, err := Generate(context.Background(), Config{Members: n, Seed: 3}, mustRef(t), t.TempDir(), func(done int) {
		got = append(got, done)
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{chunkSize, 2 * chunkSize, n}, got); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

// record is one CSV row, read by column name.
type record struct {
	cols   map[string]int
	fields []string
}

func (r record) get(col string) string { return r.fields[r.cols[col]] }

// scan calls fn for every row of a CSV file after the header, with its line
// number. It streams: a 10,000-member run has 400,000 claim rows.
func scan(t testing.TB, path string, fn func(line int, r record)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	r := record{cols: map[string]int{}}
	for i, h := range header {
		r.cols[h] = i
	}
	for line := 2; ; line++ {
		fields, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		r.fields = fields
		fn(line, r)
	}
}

func isY(s string) bool { return strings.EqualFold(s, "Y") }
