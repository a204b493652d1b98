package synth

import (
	"github.com/openmtm/openmtm/services/platform/civil"
)

// person is one synthetic member as the generator draws it, before any
// row is written. It is reused from member to member.
type person struct {
	index    int64
	band     int // age band: 0 <65, 1 65–74, 2 75–84, 3 85+
	age      int
	birth    civil.Date
	sex      byte // 'F', 'M' or 'U'
	covStart civil.Date
	covEnd   civil.Date // valid when hasEnd
	hasEnd   bool
	lo, hi   civil.Date // the claims window within coverage; lo > hi when empty
	diseases [numDiseases]bool
	medical  bool // MA-PD member with medical claims (diagnoses)
	ltc      bool
	dmp      bool
	hospice  bool
	mail     bool  // fills 90-day supplies by mail
	pharmacy int32 // home pharmacy (index into the pharmacy pool)
	pcp      int32 // usual prescriber (index into the prescriber pool)
}

// drawPerson fills g.p for member index i from g.r.
func (g *gen) drawPerson(i int64) {
	r := g.r
	p := &g.p
	*p = person{index: i}

	x := r.IntN(1000)
	for x >= ageBands[p.band].cum {
		p.band++
	}
	band := ageBands[p.band]
	span, u := float64(band.hi-band.lo+1), r.Float64()
	switch p.band {
	case 0: // disability entitlement is mostly at 45–64: skew up
		p.age = band.hi - int(span*u*u)
	case 3: // few live past 95: skew down
		p.age = band.lo + int(span*u*u*u)
	default:
		p.age = band.lo + int(span*u)
	}
	// Born age full years before the as-of date, on a random day of that year.
	p.birth = g.asOf.AddDays(-(p.age*36525/100 + r.IntN(365)))

	switch u := r.Float64(); {
	case u < shareSexUnknown:
		p.sex = 'U'
	case u < shareSexUnknown+shareFemale:
		p.sex = 'F'
	default:
		p.sex = 'M'
	}

	g.drawCoverage()
	g.drawDiseases()

	p.hospice = r.Float64() < pHospice[p.band]
	p.ltc = r.Float64() < pLTC[p.band]
	p.dmp = r.Float64() < pDMPAtRisk
	p.medical = p.diseases[dESRD] || r.Float64() < pMedicalClaims
	p.mail = r.Float64() < pMailOrder
	p.pharmacy = int32(mailPharmacies + r.IntN(len(g.shared.pharmacies)-mailPharmacies))
	p.pcp = int32(r.IntN(len(g.shared.prescribers)))
}

// drawCoverage sets coverage dates and the claims window inside them.
func (g *gen) drawCoverage() {
	r, p := g.r, &g.p
	ws := g.windowStart
	by, bm, _ := p.birth.YMD()
	switch {
	case r.Float64() < pCoverageStartsInWindow:
		// Joined during the year, on the first of a month.
		p.covStart = firstOfNextMonth(ws.AddDays(r.IntN(330)))
	case p.age >= 65 && by+65 <= ws.Year() && r.IntN(10) < 3:
		// Enrolled in the month of turning 65 and stayed.
		p.covStart, _ = civil.New(by+65, bm, 1)
	default:
		// Enrolled on 1 January of one of the last ten years, once
		// entitled (disability has no age floor).
		first := ws.Year() - 10
		if p.age >= 65 {
			first = min(max(first, by+66), ws.Year())
		}
		p.covStart = civil.YearStart(first + r.IntN(ws.Year()-first+1))
	}
	p.lo = max(ws, p.covStart)
	p.hi = g.asOf
	if r.Float64() < pCoverageEndsInWindow && g.asOf-p.lo > 40 {
		// Left the plan (moved, switched plans, died) at a month's end.
		end := firstOfNextMonth(p.lo.AddDays(20+r.IntN(int(g.asOf-p.lo)-20))) - 1
		if end < g.asOf {
			p.covEnd, p.hasEnd = end, true
			p.hi = end
		}
	}
}

// drawDiseases draws the core chronic diseases with the comorbidity of
// figures.go.
func (g *gen) drawDiseases() {
	r, p := g.r, &g.p
	d := &p.diseases
	under65 := p.band == 0
	d[dESRD] = r.Float64() < pESRD
	d[dDiabetes] = r.Float64() < either(d[dESRD], 0.5, pDiabetes)
	d[dHypertension] = r.Float64() < either(d[dESRD], 0.85, either(d[dDiabetes], pHypertensionIfDM, pHypertensionNoDM))
	d[dDyslipidemia] = r.Float64() < either(d[dDiabetes] || d[dHypertension], pDyslipidemiaIfRF, pDyslipidemiaNoRF)
	d[dCHF] = r.Float64() < either(d[dHypertension], pCHFIfHypertension, pCHFNoHypertension)
	d[dBone] = r.Float64() < pBoneArthritis*boneByAge[p.band]
	d[dMental] = r.Float64() < either(under65, pMentalUnder65, pMental65Plus)
	d[dRespiratory] = r.Float64() < pRespiratory
	d[dHIV] = r.Float64() < either(under65, pHIVUnder65, pHIV65Plus)
	d[dAlzheimers] = r.Float64() < pAlzheimers[p.band]
}

func either(cond bool, a, b float64) float64 {
	if cond {
		return a
	}
	return b
}

// firstOfNextMonth returns the first day of the month after d's, or d when
// d is already a first.
func firstOfNextMonth(d civil.Date) civil.Date {
	y, m, day := d.YMD()
	if day == 1 {
		return d
	}
	if m == 12 {
		y, m = y+1, 0
	}
	next, _ := civil.New(y, m+1, 1)
	return next
}
