package reference_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/reference"
)

func TestDefaultIsShared(t *testing.T) {
	t.Parallel()
	a, b := mustDefault(t), mustDefault(t)
	if a != b {
		t.Error("Default() parsed the embedded files twice")
	}
	if a.Drugs == nil || a.NDC == nil || a.Diagnoses == nil || len(a.CMS) == 0 {
		t.Errorf("Default() is missing data: %+v", a)
	}
}

// writeFiles makes a plan folder holding files (name → content).
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadReplacesOnlyGivenFiles(t *testing.T) {
	t.Parallel()
	def := mustDefault(t)
	// A plan supplies its 2026 threshold and its own NDC file.
	rules := strings.Replace(validRules, `"1700.50"`, `"1650.00"`, 1)
	dir := writeFiles(t, map[string]string{
		reference.CMSRulesFile: rules,
		reference.NDCFile:      "ndc,generic_name\n99999-9999-99,Metformin\n",
		"notes.txt":            "not a reference file",
	})
	ref, err := reference.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if ref.Drugs != def.Drugs || ref.Diagnoses != def.Diagnoses {
		t.Error("Load replaced files the folder does not hold")
	}
	if name, ok := ref.NDC.GenericName("99999999999"); !ok || name != "metformin" {
		t.Errorf("plan NDC: GenericName = %q, %v", name, ok)
	}
	if _, ok := ref.NDC.GenericName("00378718505"); ok {
		t.Error("the plan's NDC file was merged with the sample instead of replacing it")
	}
	c, ok := ref.CMSRulesFor(2026)
	if !ok || !c.CostThresholdConfirmed || c.CostThresholdCents != 165000 {
		t.Errorf("plan 2026 rules = %+v, %v", c, ok)
	}
	if _, ok := ref.CMSRulesFor(2025); ok {
		t.Error("the plan's rules file was merged instead of replacing the embedded one")
	}
	if again, _ := def.CMSRulesFor(2026); again.CostThresholdConfirmed {
		t.Error("Load changed the shared default rules")
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	badDrugs := writeFiles(t, map[string]string{
		reference.DrugsFile: "ingredient,classes,maintenance,diseases,value_sets,beers\nmetformin,biguanide,maybe,,,N\n",
	})
	notAFolder := filepath.Join(writeFiles(t, map[string]string{"x": ""}), "x")
	tests := []struct {
		name, dir, want string
	}{
		{"bad file", badDrugs, "drugs.csv: line 2, column 21 (maintenance): must be Y or N"},
		{"no folder", filepath.Join(t.TempDir(), "missing"), "no such file or directory"},
		{"a file", notAFolder, "is not a folder"},
	}
	for _, tt := range tests {
		_, err := reference.Load(tt.dir)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestForDir(t *testing.T) {
	def, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := reference.ForDir(""); err != nil || got != def {
		t.Errorf("ForDir(\"\") = %p, %v; want the embedded data %p", got, err, def)
	}
	dir := t.TempDir()
	a, err := reference.ForDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := reference.ForDir(dir); a != b {
		t.Error("a folder was parsed twice")
	}
	if _, err := reference.ForDir(dir + "/missing"); err == nil {
		t.Error("a missing folder loaded")
	}
}
