package synth

import (
	"math"
	"math/rand/v2"
)

// maxDrugs caps the distinct drugs of one member (the issue asks for 0–25).
const maxDrugs = 25

// pTreated is the share of members with a disease who take a drug for it;
// assumed (guidelines treat nearly all heart failure, HIV and ESRD, fewer
// osteoarthritis patients take a prescription drug).
var pTreated = [numDiseases]float64{
	dAlzheimers: 0.60, dBone: 0.45, dCHF: 0.90, dDiabetes: 0.85, dDyslipidemia: 0.75,
	dESRD: 0.90, dHIV: 0.95, dHypertension: 0.88, dMental: 0.70, dRespiratory: 0.70,
}

// drugsPerDisease gives, per disease, the cumulative per-mille chance of
// taking at most 1, 2, 3 or 4 drugs for it; assumed (heart failure and
// diabetes are usually treated with combinations, dyslipidemia with one
// statin).
var drugsPerDisease = [numDiseases][4]int{
	dAlzheimers:   {650, 1000, 1000, 1000},
	dBone:         {750, 1000, 1000, 1000},
	dCHF:          {200, 550, 850, 1000},
	dDiabetes:     {450, 800, 950, 1000},
	dDyslipidemia: {900, 1000, 1000, 1000},
	dESRD:         {300, 700, 1000, 1000},
	dHIV:          {750, 950, 1000, 1000},
	dHypertension: {500, 850, 1000, 1000},
	dMental:       {600, 900, 1000, 1000},
	dRespiratory:  {450, 800, 1000, 1000},
}

// specialistCare marks diseases often treated by a specialist, who then
// prescribes that disease's drugs (a second prescriber NPI on the claims).
var specialistCare = [numDiseases]bool{dCHF: true, dESRD: true, dHIV: true, dMental: true, dRespiratory: true, dAlzheimers: true}

// acuteMean is the mean number of distinct acute drugs per member and year,
// by kind; assumed.
var acuteMean = [numKinds]float64{kindAntibiotic: 0.45, kindOpioid: 0.15, kindNSAID: 0.12, kindBenzo: 0.08, kindAcuteOther: 0.30}

// regimenDrug is a drug a member takes, with who prescribes it.
type regimenDrug struct {
	drug       int32
	prescriber int32
	dmp        bool // opioid or benzodiazepine of a DMP at-risk member
}

// drawRegimen chooses g.p's drugs into g.regimen: maintenance drugs for its
// diseases, other maintenance drugs (more with more diseases, and a long
// tail), and acute drugs.
func (g *gen) drawRegimen() {
	r, p, c := g.r, &g.p, g.cat
	g.regimen = g.regimen[:0]
	nd := 0
	for dis := range numDiseases {
		if !p.diseases[dis] {
			continue
		}
		nd++
		if c.byDisease[dis].empty() || r.Float64() >= pTreated[dis] {
			continue
		}
		n, x := 1, r.IntN(1000)
		for n < 4 && x >= drugsPerDisease[dis][n-1] {
			n++
		}
		presc := p.pcp
		if specialistCare[dis] && r.IntN(2) == 0 {
			presc = int32(r.IntN(len(g.shared.prescribers)))
		}
		for range n {
			g.addDrug(&c.byDisease[dis], presc, false)
		}
	}
	// A log-normal factor (mean 1) spreads polypharmacy into a long tail.
	lambda := (1.0 + 0.55*float64(nd)) * math.Exp(0.6*r.NormFloat64()-0.18)
	for k := poisson(r, lambda); k > 0; k-- {
		g.addDrug(&c.chronic, p.pcp, false)
	}
	if p.dmp {
		// At-risk beneficiaries in a drug management program take opioids,
		// often with benzodiazepines, from several prescribers.
		g.addDrug(&c.acute[kindOpioid], p.pcp, true)
		if r.IntN(2) == 0 {
			g.addDrug(&c.acute[kindBenzo], p.pcp, true)
		}
	}
	for k := kindAntibiotic; k < numKinds; k++ {
		for n := poisson(r, acuteMean[k]); n > 0; n-- {
			g.addDrug(&c.acute[k], p.pcp, false)
		}
	}
}

// addDrug draws a drug from pl that shares no ingredient with the drugs
// already chosen (nobody takes amlodipine twice), giving up after a few
// tries.
func (g *gen) addDrug(pl *pool, prescriber int32, dmp bool) {
	if pl.empty() || len(g.regimen) >= maxDrugs {
		return
	}
	for range 4 {
		d := pl.pick(g.r)
		if !g.overlaps(d) {
			g.regimen = append(g.regimen, regimenDrug{drug: d, prescriber: prescriber, dmp: dmp})
			return
		}
	}
}

func (g *gen) overlaps(d int32) bool {
	for _, rd := range g.regimen {
		for _, a := range g.cat.drugs[rd.drug].ingredients {
			for _, b := range g.cat.drugs[d].ingredients {
				if a == b {
					return true
				}
			}
		}
	}
	return false
}

// poisson draws from a Poisson distribution (Knuth's method; the means
// here are small).
func poisson(r *rand.Rand, lambda float64) int {
	limit := math.Exp(-lambda)
	k, prod := 0, r.Float64()
	for prod > limit {
		k++
		prod *= r.Float64()
	}
	return k
}
