package screening

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// beersRule reports each drug flagged in the drug reference's beers column
// (the AGS Beers Criteria list of potentially inappropriate medications;
// the list's edition and source are in the reference file's header) that
// a member aged min_age or more filled in the window. The criteria are for
// adults 65 and older outside hospice and end-of-life care, hence the
// shipped min_age and skip_hospice.
type beersRule struct {
	ruleBase
	win    window
	minAge int
	// exceptIngredients lets a plan leave out flagged drugs whose
	// criterion hinges on what claims cannot show (dose, duration,
	// indication).
	exceptIngredients []string
	beers             []bool // by drug ID
}

func (r *beersRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_age", &r.minAge, 0, 130),
		stringsParam("except_ingredients", &r.exceptIngredients, nonEmpty),
	}
}

func (r *beersRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	checkNames(r.exceptIngredients, path+".except_ingredients", rs.knownIngredient, vs)
	r.beers = make([]bool, rs.drugs.Len())
	for _, d := range rs.drugs.All() {
		r.beers[d.ID] = d.Beers && !slices.Contains(r.exceptIngredients, d.Ingredient)
	}
}

func (r *beersRule) clone() rule { c := *r; return &c }

func (r *beersRule) lookbackDays() int { return r.win.maxDays() }

func (r *beersRule) screen(s *Screener) {
	if s.in.Age < r.minAge {
		return
	}
	sp := s.spanOf(r.win)
	for ui := range s.uses {
		u := &s.uses[ui]
		if !r.beers[u.id] {
			continue
		}
		var claims []ClaimRef
		for _, fi := range s.fillsOf(u) {
			if sp.contains(s.fills[fi].date) {
				claims = append(claims, s.claimRef(fi))
			}
		}
		if len(claims) == 0 {
			continue
		}
		name := s.ingredient(u.id)
		s.emit(&r.ruleBase, r.severity, name,
			fmt.Sprintf("%s is potentially inappropriate in adults %d and older (AGS Beers Criteria): %s in the window",
				capitalize(name), r.minAge, plural(len(claims), "fill")),
			Evidence{Claims: claims, Ingredients: []string{name}, Count: len(claims)})
	}
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// capitalize upper-cases the first letter of an ASCII ingredient name.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
