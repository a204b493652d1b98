package screening

import (
	"cmp"
	"slices"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// Screener screens members one after another with one rule set, reusing
// its buffers: a member's claims are indexed once, by fill date and by
// drug, and every rule reads that index instead of scanning the claims
// again. A Screener is not safe for concurrent use; give each goroutine
// its own.
type Screener struct {
	rs *RuleSet
	// names caches the drug IDs of each generic name seen, so that a claim
	// costs a map lookup rather than a split and a lookup per ingredient.
	names map[string][]uint16

	// The member being screened.
	in        MemberInput
	asOf      civil.Date
	yearStart civil.Date
	fills     []fill   // paid, in the look-back, by date
	spare     []fill   // the other buffer of the date sort
	order     []uint64 // date<<32 | position, the date sort's keys
	sideFills [2][]int32
	slot      []int32   // by drug ID: index into uses, or -1
	uses      []drugUse // the member's drugs, in order of first fill
	useFills  []int32   // fill indexes of each use, by date
	covers    []useCover
	marks     []uint8 // by interaction: which sides the member has
	out       []Finding
}

// maxCachedNames bounds the generic-name cache; past it names are resolved
// without being kept.
const maxCachedNames = 1 << 15

// fill is a paid claim in the look-back window.
type fill struct {
	claim int32 // index into MemberInput.Claims
	date  civil.Date
	days  int32
	drugs []uint16 // the claim's ingredients known to the reference (shared, read-only)
}

// last is the last day the fill's supply covers.
func (f *fill) last() civil.Date { return f.date + civil.Date(f.days) - 1 }

// has reports whether the fill contains a drug match selects.
func (f *fill) has(match []bool) bool {
	for _, id := range f.drugs {
		if match[id] {
			return true
		}
	}
	return false
}

// drugUse is one of the member's drugs (an active ingredient) and its fills.
type drugUse struct {
	id       uint16
	first, n int32 // useFills[first:first+n]
}

// NewScreener returns a Screener for rs.
func NewScreener(rs *RuleSet) *Screener {
	s := &Screener{rs: rs, names: map[string][]uint16{}, slot: make([]int32, rs.drugs.Len())}
	for i := range s.slot {
		s.slot[i] = -1
	}
	return s
}

// Screen returns the member's findings on asOf (see RuleSet.Screen). The
// findings are the caller's; nothing of them is reused.
func (s *Screener) Screen(in MemberInput, asOf civil.Date) []Finding {
	s.index(in, asOf)
	for _, r := range s.rs.rules {
		b := r.base()
		if !b.enabled || b.skipHospice && in.Hospice {
			continue
		}
		n := len(s.out)
		r.screen(s)
		slices.SortFunc(s.out[n:], func(a, b Finding) int { return cmp.Compare(a.Key, b.Key) })
	}
	out := s.out
	s.reset()
	return out
}

// index builds the member's fill and drug index.
func (s *Screener) index(in MemberInput, asOf civil.Date) {
	s.in, s.asOf = in, asOf
	y, _, _ := asOf.YMD()
	s.yearStart = civil.YearStart(y)
	earliest := asOf.AddDays(-(s.rs.lookback - 1))
	var reversed map[string]bool
	for i := range in.Claims {
		if c := &in.Claims[i]; c.Reversed {
			if reversed == nil {
				reversed = map[string]bool{}
			}
			reversed[c.ClaimID] = true
		}
	}
	for i := range in.Claims {
		c := &in.Claims[i]
		if c.Reversed || c.DaysSupply <= 0 || c.FillDate > asOf || reversed[c.ClaimID] {
			continue
		}
		f := fill{claim: int32(i), date: c.FillDate, days: c.DaysSupply}
		if f.last() < earliest {
			continue
		}
		f.drugs = s.resolve(c.GenericName)
		s.fills = append(s.fills, f)
	}
	s.sortFills()
	// Count each drug's fills, then lay them out by drug in date order.
	for _, f := range s.fills {
		for _, id := range f.drugs {
			if s.slot[id] < 0 {
				s.slot[id] = int32(len(s.uses))
				s.uses = append(s.uses, drugUse{id: id})
			}
			s.uses[s.slot[id]].n++
		}
	}
	var next int32
	for i := range s.uses {
		s.uses[i].first = next
		next += s.uses[i].n
		s.uses[i].n = 0
	}
	s.useFills = slices.Grow(s.useFills[:0], int(next))[:next]
	for fi, f := range s.fills {
		for _, id := range f.drugs {
			u := &s.uses[s.slot[id]]
			s.useFills[u.first+u.n] = int32(fi)
			u.n++
		}
	}
}

// sortFills puts the fills in date order, claims of one date in input
// order. It sorts integer keys and then moves each fill once: sorting the
// fills themselves moves 40-byte values around and cost a quarter of a
// member's screening.
func (s *Screener) sortFills() {
	if slices.IsSortedFunc(s.fills, func(a, b fill) int { return cmp.Compare(a.date, b.date) }) {
		return
	}
	s.order = s.order[:0]
	for i, f := range s.fills {
		// Flipping the sign bit keeps dates before 1970 in order.
		s.order = append(s.order, uint64(uint32(f.date)^1<<31)<<32|uint64(i))
	}
	slices.Sort(s.order)
	s.spare = s.spare[:0]
	for _, k := range s.order {
		s.spare = append(s.spare, s.fills[uint32(k)])
	}
	s.fills, s.spare = s.spare, s.fills
}

// reset readies the Screener for the next member, keeping its buffers.
func (s *Screener) reset() {
	for _, u := range s.uses {
		s.slot[u.id] = -1
	}
	s.uses = s.uses[:0]
	s.fills = s.fills[:0]
	s.out = nil
	s.in = MemberInput{}
}

// resolve returns the drug IDs of a generic name ("a / b"), unknown
// ingredients left out.
func (s *Screener) resolve(generic string) []uint16 {
	if ids, ok := s.names[generic]; ok {
		return ids
	}
	var ids []uint16
	for _, name := range domain.SplitIngredients(generic) {
		if d, ok := s.rs.drugs.Lookup(name); ok && !slices.Contains(ids, d.ID) {
			ids = append(ids, d.ID)
		}
	}
	if len(s.names) < maxCachedNames {
		s.names[generic] = ids
	}
	return ids
}

// fillsOf returns the fills (indexes into s.fills) of use u, by date.
func (s *Screener) fillsOf(u *drugUse) []int32 { return s.useFills[u.first : u.first+u.n] }

// ingredient returns the name of drug id.
func (s *Screener) ingredient(id uint16) string { return s.rs.drugs.ByID(id).Ingredient }

// claimRef points at the claim behind fill fi.
func (s *Screener) claimRef(fi int32) ClaimRef {
	c := &s.in.Claims[s.fills[fi].claim]
	return ClaimRef{ClaimID: c.ClaimID, FillDate: c.FillDate, GenericName: c.GenericName, DaysSupply: c.DaysSupply}
}

// emit appends a finding of rule b, filling in what every finding carries.
func (s *Screener) emit(b *ruleBase, sev Severity, key, description string, ev Evidence) {
	s.out = append(s.out, Finding{
		RuleID:         b.id,
		RuleSetVersion: s.rs.version,
		Key:            b.id + ":" + key,
		Category:       b.category,
		ReasonCode:     b.reasonCode,
		Severity:       sev,
		Description:    description,
		Source:         b.source,
		Evidence:       ev,
	})
}
