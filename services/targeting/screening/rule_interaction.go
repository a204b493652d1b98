package screening

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// interactionRule reports the pairs of the interaction table (the shipped
// file's interactions, each with its source) whose two sides' supplies
// overlap on at least min_overlap_days days of the window. A claim holding
// drugs of both sides adds to neither (a product is not an interaction
// with itself). A pair with requires_diagnoses applies only to members
// with one of those diagnoses dated in the window. A pair's own category
// wins over the rule's; so does its severity, unless a plan's Config sets
// the rule's severity, which then applies to every pair. disabled_pairs
// switches pairs off.
type interactionRule struct {
	ruleBase
	win        window
	minOverlap int
	disabled   []string
	// planSeverity is set when a Config gave the rule's severity.
	planSeverity bool
	// table is the parsed interaction table: shared by clones, never
	// changed after Parse.
	table  []interaction
	byDrug [][]int32 // by drug ID: table index<<1 | side (0 = a, 1 = b)
}

// interaction is one row of the table.
type interaction struct {
	id         string
	a, b       []bool // by drug ID
	severity   Severity
	category   Category
	effect     string
	source     string
	requiresDx []string
}

// interactionFile is a row as the rules file writes it.
type interactionFile struct {
	ID                string   `yaml:"id"`
	A                 sideFile `yaml:"a"`
	B                 sideFile `yaml:"b"`
	Severity          string   `yaml:"severity"`
	Category          string   `yaml:"category"`
	Effect            string   `yaml:"effect"`
	Source            string   `yaml:"source"`
	RequiresDiagnoses []string `yaml:"requires_diagnoses"`
}

type sideFile struct {
	Ingredients []string `yaml:"ingredients"`
	Classes     []string `yaml:"classes"`
}

var interactionID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// parseInteractions checks the table against the drug reference.
func parseInteractions(rows []interactionFile, rs *RuleSet, vs *errs.Violations) []interaction {
	var out []interaction
	for i, row := range rows {
		path := fmt.Sprintf("interactions[%d]", i)
		it := interaction{id: row.ID, effect: strings.TrimSpace(row.Effect), source: strings.TrimSpace(row.Source)}
		switch {
		case !interactionID.MatchString(row.ID):
			vs.Add(path+".id", "must be a lower_snake id")
		case slices.ContainsFunc(out, func(o interaction) bool { return o.id == row.ID }):
			vs.Add(path+".id", "appears twice")
		}
		it.a = parseSide(row.A, path+".a", rs, vs)
		it.b = parseSide(row.B, path+".b", rs, vs)
		var ok bool
		if row.Severity != "" {
			if it.severity, ok = parseSeverity(row.Severity); !ok {
				vs.Add(path+".severity", "must be low, moderate or high")
			}
		}
		if row.Category != "" {
			if it.category, ok = parseCategory(row.Category); !ok {
				vs.Add(path+".category", "must be a drug therapy problem category")
			}
		}
		if it.effect == "" {
			vs.Add(path+".effect", "must say what the interaction does")
		}
		if it.source == "" {
			vs.Add(path+".source", "must name the source")
		}
		icd10Prefixes("requires_diagnoses", &it.requiresDx).set(anySlice(row.RequiresDiagnoses), path+".requires_diagnoses", vs)
		out = append(out, it)
	}
	return out
}

func parseSide(sf sideFile, path string, rs *RuleSet, vs *errs.Violations) []bool {
	if len(sf.Ingredients)+len(sf.Classes) == 0 {
		vs.Add(path, "must name ingredients or classes")
	}
	checkNames(sf.Ingredients, path+".ingredients", rs.knownIngredient, vs)
	checkNames(sf.Classes, path+".classes", rs.knownClass, vs)
	return rs.drugsMatching(sf.Ingredients, sf.Classes)
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func (r *interactionRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_overlap_days", &r.minOverlap, 1, maxWindowDays),
		stringsParam("disabled_pairs", &r.disabled, nonEmpty),
	}
}

func (r *interactionRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	checkNames(r.disabled, path+".disabled_pairs", func(id string) string {
		if !slices.ContainsFunc(r.table, func(it interaction) bool { return it.id == id }) {
			return "is not an interaction of the table"
		}
		return ""
	}, vs)
	r.byDrug = make([][]int32, rs.drugs.Len())
	for ti, it := range r.table {
		if slices.Contains(r.disabled, it.id) {
			continue
		}
		for id := range r.byDrug {
			if it.a[id] {
				r.byDrug[id] = append(r.byDrug[id], int32(ti)<<1)
			}
			if it.b[id] {
				r.byDrug[id] = append(r.byDrug[id], int32(ti)<<1|1)
			}
		}
	}
}

func (r *interactionRule) clone() rule { c := *r; return &c }

func (r *interactionRule) configured(settings map[string]any) {
	if _, ok := settings["severity"]; ok {
		r.planSeverity = true
	}
}

func (r *interactionRule) lookbackDays() int { return r.win.maxDays() }

// diagnosisPrefixes are those of the pairs not switched off.
func (r *interactionRule) diagnosisPrefixes() []string {
	var out []string
	for _, it := range r.table {
		if !slices.Contains(r.disabled, it.id) {
			out = append(out, it.requiresDx...)
		}
	}
	return out
}

func (r *interactionRule) screen(s *Screener) {
	if len(s.marks) < len(r.table) {
		s.marks = make([]uint8, len(r.table))
	}
	marks := s.marks[:len(r.table)]
	var hit [16]int32
	pairs := hit[:0] // interactions with both sides present
	for ui := range s.uses {
		for _, m := range r.byDrug[s.uses[ui].id] {
			ti, bit := m>>1, uint8(1)<<(m&1)
			if marks[ti]&bit == 0 {
				marks[ti] |= bit
				if marks[ti] == 3 {
					pairs = append(pairs, ti)
				}
			}
		}
	}
	clear(marks)
	if len(pairs) == 0 {
		return
	}
	sp := s.spanOf(r.win)
	for _, ti := range pairs {
		r.check(s, sp, &r.table[ti])
	}
}

// check reports interaction it when the member's two sides overlap enough.
func (r *interactionRule) check(s *Screener, sp span, it *interaction) {
	var covA, covB daySet
	for fi := range s.fills {
		f := &s.fills[fi]
		inA, inB := f.has(it.a), f.has(it.b)
		switch {
		case inA && !inB:
			covA.addSupply(sp, f)
		case inB && !inA:
			covB.addSupply(sp, f)
		}
	}
	both := covA.and(&covB)
	if both.count() < r.minOverlap {
		return
	}
	var ev Evidence
	if len(it.requiresDx) > 0 {
		dx, ok := s.diagnosisIn(sp, it.requiresDx)
		if !ok {
			return
		}
		ev.Diagnoses = []DiagnosisRef{dx}
	}
	overlapEvidence(sp, &both, &ev)
	var used []*drugUse
	for ui := range s.uses {
		if id := s.uses[ui].id; it.a[id] || it.b[id] {
			used = append(used, &s.uses[ui])
		}
	}
	ev.Claims = s.claimsOverlapping(sp, &both, func(f *fill) bool { return f.has(it.a) != f.has(it.b) }, used...)
	for _, c := range ev.Claims {
		for _, name := range domain.SplitIngredients(c.GenericName) {
			if d, ok := s.rs.drugs.Lookup(name); ok && (it.a[d.ID] || it.b[d.ID]) && !slices.Contains(ev.Ingredients, d.Ingredient) {
				ev.Ingredients = append(ev.Ingredients, d.Ingredient)
			}
		}
	}
	slices.Sort(ev.Ingredients)
	sev, b := it.severity, r.ruleBase
	if sev == 0 || r.planSeverity {
		sev = r.severity
	}
	if it.category != 0 {
		b.category = it.category
	}
	b.source = it.source
	s.emit(&b, sev, it.id,
		fmt.Sprintf("Drug interaction %s (%s): %s; supplies overlap %d days", it.id, strings.Join(ev.Ingredients, " + "), it.effect, ev.Days),
		ev)
}
