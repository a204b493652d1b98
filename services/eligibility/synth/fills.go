package synth

import (
	"slices"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Refill behaviour; all assumed, shaped so that roughly three quarters of
// chronic users are adherent (PDC ≥ 80%), as in Part D Star adherence
// measures.
const (
	pNinetyDay    = 0.10 // 90-day supply at retail (mail-order members: always)
	pContinuing   = 0.85 // already on the drug before the window opens
	pAdherent     = 0.75 // refills about on time
	pStops        = 0.12 // stops the drug during the year
	pEarlyRefill  = 0.07 // a refill days before the supply runs out
	pMissedRefill = 0.45 // for a non-adherent member, a refill a month or more late
	pReversal     = 0.02 // a paid claim is reversed
	pRebill       = 0.50 // a reversed claim is billed again the same day
)

// fill is one paid claim before it is written.
type fill struct {
	date       civil.Date
	drug       int32
	days       int32
	qty        int32
	cents      int64
	pharmacy   int32
	prescriber int32
	reversed   bool // followed by a reversal row with the same claim_id
}

// acuteUse says how acute drugs of each kind are filled: days per fill,
// units per day, how many fills at most and the days between them.
var acuteUse = [numKinds]struct{ minDays, maxDays, perDay, maxFills, gap int }{
	kindAntibiotic: {5, 10, 2, 1, 0},
	kindOpioid:     {3, 7, 4, 2, 10},
	kindNSAID:      {30, 30, 2, 3, 45},
	kindBenzo:      {30, 30, 1, 4, 40},
	kindAcuteOther: {5, 14, 1, 1, 0},
}

// drawFills turns g.regimen into g.fills, and g.order into their order by
// date.
func (g *gen) drawFills() {
	g.fills, g.order = g.fills[:0], g.order[:0]
	p := &g.p
	if p.lo > p.hi {
		return
	}
	for _, rd := range g.regimen {
		d := &g.cat.drugs[rd.drug]
		base := g.drawCost(d.tier)
		switch {
		case rd.dmp:
			g.dmpFills(rd, base)
		case d.kind == kindChronic:
			g.chronicFills(rd, d, base)
		default:
			g.acuteFills(rd, d, base)
		}
	}
	// Sort by date, then creation order, through packed keys: sorting
	// integers is several times faster than sorting the structs.
	for i, f := range g.fills {
		g.order = append(g.order, uint64(f.date)<<32|uint64(i))
	}
	slices.Sort(g.order)
}

// chronicFills draws a maintenance drug's refills over the window: on
// time, late, early (overlapping supply) or stopped.
func (g *gen) chronicFills(rd regimenDrug, d *catDrug, base int64) {
	r, p := g.r, &g.p
	days := 30
	if p.mail || r.Float64() < pNinetyDay {
		days = 90
	}
	qty := g.quantity(d, days)
	span := int(p.hi-p.lo) + 1
	first := p.lo.AddDays(r.IntN(span))
	if r.Float64() < pContinuing {
		first = p.lo.AddDays(r.IntN(min(days, span)))
	}
	adherent := r.Float64() < pAdherent
	stop := p.hi + 1
	if r.Float64() < pStops {
		stop = first.AddDays(r.IntN(int(p.hi-first)+1) + 1)
	}
	pharmacy := p.pharmacy
	if days == 90 && p.mail {
		pharmacy = int32(r.IntN(mailPharmacies))
	}
	for day := first; day <= p.hi && day < stop; {
		g.emit(day, rd.drug, days, qty, costOf(base, days), pharmacy, rd.prescriber)
		step := days
		switch u := r.Float64(); {
		case u < pEarlyRefill:
			step -= 5 + r.IntN(8)
		case adherent:
			step += r.IntN(9) - 3
		case u < pMissedRefill:
			step += 15 + r.IntN(46)
		default:
			step += r.IntN(12)
		}
		day = day.AddDays(step)
	}
}

// acuteFills draws one episode of an acute drug.
func (g *gen) acuteFills(rd regimenDrug, d *catDrug, base int64) {
	r, p := g.r, &g.p
	use := acuteUse[d.kind]
	days := use.minDays + r.IntN(use.maxDays-use.minDays+1)
	day := p.lo.AddDays(r.IntN(int(p.hi-p.lo) + 1))
	for n := 1 + r.IntN(use.maxFills); n > 0 && day <= p.hi; n-- {
		g.emit(day, rd.drug, days, int32(days*use.perDay), costOf(base, days), p.pharmacy, rd.prescriber)
		day = day.AddDays(days + r.IntN(use.gap+1))
	}
}

// dmpFills draws monthly fills of an at-risk member's opioid or
// benzodiazepine from changing prescribers and pharmacies, the pattern a
// drug management program looks for.
func (g *gen) dmpFills(rd regimenDrug, base int64) {
	r, p := g.r, &g.p
	for day := p.lo.AddDays(r.IntN(20)); day <= p.hi; day = day.AddDays(24 + r.IntN(10)) {
		presc, pharm := rd.prescriber, p.pharmacy
		if r.IntN(10) < 6 {
			presc = int32(r.IntN(len(g.shared.prescribers)))
		}
		if r.IntN(2) == 0 {
			pharm = int32(mailPharmacies + r.IntN(len(g.shared.pharmacies)-mailPharmacies))
		}
		g.emit(day, rd.drug, 30, int32(30*(2+r.IntN(5))), 3*costOf(base, 30), pharm, presc)
	}
}

// emit appends a paid fill, sometimes reversed and sometimes billed again.
func (g *gen) emit(day civil.Date, drug int32, days int, qty int32, cents int64, pharmacy, prescriber int32) {
	f := fill{date: day, drug: drug, days: int32(days), qty: qty, cents: cents, pharmacy: pharmacy, prescriber: prescriber}
	if g.r.Float64() < pReversal {
		f.reversed = true
		g.fills = append(g.fills, f)
		if g.r.Float64() >= pRebill {
			return
		}
		f.reversed = false
	}
	g.fills = append(g.fills, f)
}

// quantity is the units dispensed for a supply of days.
func (g *gen) quantity(d *catDrug, days int) int32 {
	switch d.form {
	case formInsulin:
		return int32(15 * days / 30) // mL: one 15 mL box of pens a month
	case formInjectable:
		return int32(days / 30) // one pen or carton a month
	case formInhaler:
		return int32(days / 30)
	}
	perDay := 1
	if x := g.r.IntN(100); x >= 96 {
		perDay = 3
	} else if x >= 72 {
		perDay = 2
	}
	return int32(perDay * days)
}

// drawCost draws a member's price of a drug per 30 days, in cents.
func (g *gen) drawCost(t tier) int64 {
	u := g.r.Float64()
	if t.skew {
		u = u * u * u
	}
	return t.lo + int64(u*float64(t.hi-t.lo))
}

// costOf prices a fill of days from the 30-day price; 90-day fills get the
// usual 10% discount (assumed).
func costOf(base int64, days int) int64 {
	c := base * int64(days) / 30
	if days >= 90 {
		c = c * 9 / 10
	}
	return max(c, 100)
}
