// Package reference holds OpenMTM's clinical reference data as files, and
// their loaders: the drug reference (ingredients, classes, maintenance flag,
// the core diseases a fill implies, PQA value sets, Beers flag), an NDC
// lookup, ICD-10-CM prefixes per core chronic disease, and the CMS Part D MTM
// rules per contract year. The files ship embedded (data/) and a plan can
// replace any of them with its own licensed ones (Load), because the rules
// and code sets change every year and plans license better drug files than
// OpenMTM can ship. Services that need the data share this package rather
// than copy tables.
//
// Everything loaded is read-only and safe for concurrent use.
package reference

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// The reference files, by name. Load looks for these names in a plan's
// folder.
const (
	DrugsFile     = "drugs.csv"
	NDCFile       = "ndc.csv"
	DiagnosesFile = "icd10_core_diseases.csv"
	CMSRulesFile  = "cms_rules.yaml"
)

//go:embed data/drugs.csv data/ndc.csv data/icd10_core_diseases.csv data/cms_rules.yaml
var embedded embed.FS

// Reference is one consistent set of reference data.
type Reference struct {
	Drugs     *Drugs
	NDC       *NDCTable
	Diagnoses *DiagnosisMap
	// CMS holds the CMS rules by contract year; read it, never write it (it
	// is shared). CMSRulesFor returns a copy.
	CMS map[int]CMSRules
}

// defaultRef parses the embedded files once per process.
var defaultRef = sync.OnceValues(func() (*Reference, error) {
	data, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("reference: embedded data: %w", err)
	}
	return load(data, nil)
})

// Default returns the embedded reference data, parsed on first use and
// shared by every caller.
func Default() (*Reference, error) { return defaultRef() }

// Load returns the reference data with a plan's replacement files: each of
// drugs.csv, ndc.csv, icd10_core_diseases.csv and cms_rules.yaml found in
// dir replaces the embedded one; the others are the embedded ones.
func Load(dir string) (*Reference, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("reference: %s is not a folder", dir)
	}
	base, err := Default()
	if err != nil {
		return nil, err
	}
	return load(os.DirFS(dir), base)
}

// byDir holds what ForDir parsed, per folder: the services of one process
// share one copy instead of parsing a plan's files each.
var byDir sync.Map // dir → func() (*Reference, error)

// ForDir returns the reference data of a process: the embedded data when
// dir is empty, else Load(dir), parsed once per folder and shared.
func ForDir(dir string) (*Reference, error) {
	if dir == "" {
		return Default()
	}
	load, _ := byDir.LoadOrStore(dir, sync.OnceValues(func() (*Reference, error) { return Load(dir) }))
	return load.(func() (*Reference, error))()
}

// load parses the files of fsys. Without a base every file is required;
// with one, a missing file keeps base's data.
func load(fsys fs.FS, base *Reference) (*Reference, error) {
	ref := &Reference{}
	if base != nil {
		*ref = *base
	}
	files := []struct {
		name  string
		parse func(io.Reader) error
	}{
		{DrugsFile, func(r io.Reader) (err error) { ref.Drugs, err = LoadDrugs(r); return err }},
		{NDCFile, func(r io.Reader) (err error) { ref.NDC, err = LoadNDC(r); return err }},
		{DiagnosesFile, func(r io.Reader) (err error) { ref.Diagnoses, err = LoadDiagnoses(r); return err }},
		{CMSRulesFile, func(r io.Reader) (err error) { ref.CMS, err = LoadCMSRules(r); return err }},
	}
	for _, file := range files {
		f, err := fsys.Open(file.name)
		if base != nil && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		err = file.parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reference: %s: %w", file.name, err)
		}
	}
	return ref, nil
}

// CMSRulesFor returns the CMS rules of contract year year, and false when
// the reference data has none for it.
func (r *Reference) CMSRulesFor(year int) (CMSRules, bool) {
	if r == nil {
		return CMSRules{}, false
	}
	c, ok := r.CMS[year]
	if !ok {
		return CMSRules{}, false
	}
	return c.clone(), true
}
