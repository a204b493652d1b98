package reference_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/reference"
)

// pos is where a *ParseError says the problem is.
type pos struct {
	Line, Column int
	Field        string
}

// checkParseError fails t unless err is a *ParseError at want whose problem
// mentions problem.
func checkParseError(t *testing.T, err error, want pos, problem string) {
	t.Helper()
	var pe *reference.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *reference.ParseError", err, err)
	}
	if diff := cmp.Diff(want, pos{pe.Line, pe.Column, pe.Field}); diff != "" {
		t.Errorf("position of %q mismatch (-want +got):\n%s", pe.Error(), diff)
	}
	if !strings.Contains(pe.Problem, problem) {
		t.Errorf("problem %q does not mention %q", pe.Problem, problem)
	}
}

func TestBadCSVFiles(t *testing.T) {
	t.Parallel()
	drugs := func(r io.Reader) error { _, err := reference.LoadDrugs(r); return err }
	ndc := func(r io.Reader) error { _, err := reference.LoadNDC(r); return err }
	diagnoses := func(r io.Reader) error { _, err := reference.LoadDiagnoses(r); return err }
	const (
		drugsHeader = "ingredient,classes,maintenance,diseases,value_sets,beers\n"
		ndcHeader   = "ndc,generic_name\n"
		icdHeader   = "icd10_prefix,disease\n"
	)
	tests := []struct {
		name    string
		load    func(io.Reader) error
		in      string
		want    pos
		problem string
	}{
		{"drugs empty", drugs, "", pos{1, 0, ""}, "no header row"},
		{"drugs only comments", drugs, "# nothing\n", pos{1, 0, ""}, "no header row"},
		{"drugs missing column", drugs, "# c\ningredient,classes,maintenance,diseases,value_sets\n", pos{2, 1, "beers"}, "required column is missing"},
		{"drugs repeated column", drugs, strings.TrimSuffix(drugsHeader, "\n") + ",classes\n", pos{1, 58, "classes"}, "appears twice"},
		{"drugs bad maintenance", drugs, drugsHeader + "metformin,biguanide,X,diabetes,diabetes,N\n", pos{2, 21, "maintenance"}, "must be Y or N"},
		{"drugs bad beers", drugs, drugsHeader + "metformin,biguanide,Y,,,yes\n", pos{2, 25, "beers"}, "must be Y or N"},
		{"drugs unknown disease", drugs, drugsHeader + "metformin,biguanide,Y,kidney,diabetes,N\n", pos{2, 23, "diseases"}, "not a core disease key"},
		{"drugs repeated disease", drugs, drugsHeader + "metformin,biguanide,Y,diabetes;diabetes,,N\n", pos{2, 23, "diseases"}, "appears twice"},
		{"drugs unknown value set", drugs, drugsHeader + "metformin,biguanide,Y,diabetes,diabetic,N\n", pos{2, 32, "value_sets"}, "not a value set"},
		{"drugs bad class", drugs, drugsHeader + "metformin,Bad-Class,Y,,,N\n", pos{2, 11, "classes"}, "lower_snake"},
		{"drugs combination", drugs, drugsHeader + "amlodipine / benazepril,ccb,Y,,,N\n", pos{2, 1, "ingredient"}, "single active ingredient"},
		{"drugs blank ingredient", drugs, drugsHeader + ",ccb,Y,,,N\n", pos{2, 1, "ingredient"}, "is required"},
		{"drugs duplicate", drugs, drugsHeader + "metformin,biguanide,Y,,,N\n# again\nMetformin,biguanide,Y,,,N\n", pos{4, 1, "ingredient"}, "first on line 2"},
		{"drugs field count", drugs, drugsHeader + "metformin,biguanide,Y,,N\n", pos{2, 1, ""}, "wrong number of fields"},
		{"drugs bad quote", drugs, drugsHeader + "metformin,bi\"guanide,Y,,,N\n", pos{2, 13, ""}, "bare \" in non-quoted-field"},
		{"ndc short", ndc, ndcHeader + "0037871850,metformin\n", pos{2, 1, "ndc"}, "11 digits"},
		{"ndc long", ndc, ndcHeader + "003787185051,metformin\n", pos{2, 1, "ndc"}, "11 digits"},
		{"ndc not digits", ndc, ndcHeader + "0037871850a,metformin\n", pos{2, 1, "ndc"}, "11 digits"},
		{"ndc duplicate", ndc, ndcHeader + "00378718505,metformin\n00378-7185-05,metformin\n", pos{3, 1, "ndc"}, "first on line 2"},
		{"ndc blank name", ndc, ndcHeader + "00378718505, \n", pos{2, 13, "generic_name"}, "is required"},
		{"ndc missing column", ndc, "ndc\n", pos{1, 1, "generic_name"}, "required column is missing"},
		{"icd10 short prefix", diagnoses, icdHeader + "E1,diabetes\n", pos{2, 1, "icd10_prefix"}, "prefix"},
		{"icd10 digit first", diagnoses, icdHeader + "11E,diabetes\n", pos{2, 1, "icd10_prefix"}, "prefix"},
		{"icd10 long prefix", diagnoses, icdHeader + "E11999999,diabetes\n", pos{2, 1, "icd10_prefix"}, "prefix"},
		{"icd10 unknown disease", diagnoses, icdHeader + "E11,kidney\n", pos{2, 5, "disease"}, "not a core disease key"},
		{"icd10 duplicate", diagnoses, icdHeader + "E11,diabetes\ne11.,diabetes\n", pos{3, 6, "disease"}, "appears twice"},
		{"icd10 missing column", diagnoses, "icd10_prefix\n", pos{1, 1, "disease"}, "required column is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkParseError(t, tt.load(strings.NewReader(tt.in)), tt.want, tt.problem)
		})
	}
}

func TestParseErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  reference.ParseError
		want string
	}{
		{reference.ParseError{Line: 3, Column: 21, Field: "maintenance", Problem: "must be Y or N"}, "line 3, column 21 (maintenance): must be Y or N"},
		{reference.ParseError{Line: 4, Problem: "not valid YAML: x"}, "line 4: not valid YAML: x"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
