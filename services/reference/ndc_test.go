package reference_test

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/reference"
)

// ndcResolver is the eligibility domain's NDCResolver, restated so this
// module does not import the service.
type ndcResolver interface {
	GenericName(ndc string) (string, bool)
}

var _ ndcResolver = (*reference.NDCTable)(nil)

func TestEmbeddedNDC(t *testing.T) {
	t.Parallel()
	tab := mustDefault(t).NDC
	tests := []struct {
		ndc    string
		want   string
		wantOK bool
	}{
		{"00378718505", "metformin", true},
		{"00378-7185-05", "metformin", true},
		{" 00002771559 ", "insulin glargine", true},
		{"61958250101", "bictegravir / emtricitabine / tenofovir alafenamide", true},
		{"00078069620", "sacubitril / valsartan", true},
		{"0378-7185-05", "", false}, // 10 digits: the FDA form, not padded
		{"12345678901", "", false},
		{"0037871850x", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := tab.GenericName(tt.ndc)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("GenericName(%q) = %q, %v, want %q, %v", tt.ndc, got, ok, tt.want, tt.wantOK)
		}
	}
	var none *reference.NDCTable
	if _, ok := none.GenericName("00378718505"); ok || none.Len() != 0 {
		t.Error("a nil *NDCTable resolves")
	}
}

// TestEmbeddedNDCMatchesDrugs reads data/ndc.csv itself: every row must
// resolve, and every ingredient it names must be in the drug reference.
func TestEmbeddedNDCMatchesDrugs(t *testing.T) {
	t.Parallel()
	ref := mustDefault(t)
	f, err := os.Open("data/ndc.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Fatal("data/ndc.csv has no rows")
	}
	for _, row := range rows[1:] {
		name, ok := ref.NDC.GenericName(row[0])
		if !ok || name != row[1] {
			t.Errorf("GenericName(%s) = %q, %v, want %q", row[0], name, ok, row[1])
		}
		for ing := range strings.SplitSeq(name, " / ") {
			if _, ok := ref.Drugs.Lookup(ing); !ok {
				t.Errorf("NDC %s: ingredient %q is not in the drug reference", row[0], ing)
			}
		}
	}
	if ref.NDC.Len() != len(rows)-1 {
		t.Errorf("Len() = %d, want %d", ref.NDC.Len(), len(rows)-1)
	}
}

func TestLoadNDCPlanFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/ndc_plan.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := reference.LoadNDC(f)
	if err != nil {
		t.Fatalf("LoadNDC: %v", err)
	}
	tests := []struct{ ndc, want string }{
		{"68180075701", "amlodipine / benazepril"},
		{"68180098201", "lisinopril"},
		{"43547-0417-09", "lisinopril"},
		{"61958250101", "bictegravir / emtricitabine / tenofovir alafenamide"},
	}
	for _, tt := range tests {
		if got, ok := tab.GenericName(tt.ndc); !ok || got != tt.want {
			t.Errorf("GenericName(%q) = %q, %v, want %q", tt.ndc, got, ok, tt.want)
		}
	}
	if tab.Len() != 4 {
		t.Errorf("Len() = %d, want 4", tab.Len())
	}
}

func TestNDCLookupDoesNotAllocate(t *testing.T) {
	tab := mustDefault(t).NDC
	allocs := testing.AllocsPerRun(100, func() {
		tab.GenericName("00378-7185-05")
	})
	if allocs != 0 {
		t.Errorf("GenericName allocates %v times per call, want 0", allocs)
	}
}
