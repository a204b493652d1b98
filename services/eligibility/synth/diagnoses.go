package synth

import (
	"cmp"
	"slices"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// icdCodes are ICD-10-CM codes (with the dot) that medical claims carry for
// each core disease, most frequent first and weighted by position; they all
// fall within the families of domain.md §7. Which code is most frequent is
// assumed.
var icdCodes = [numDiseases][]string{
	dAlzheimers:   {"G30.9", "G30.1", "G30.0", "G30.8"},
	dBone:         {"M17.11", "M81.0", "M19.90", "M17.0", "M16.11", "M06.9", "M15.0", "M05.79"},
	dCHF:          {"I50.9", "I50.22", "I50.32", "I11.0", "I50.42", "I13.0"},
	dDiabetes:     {"E11.9", "E11.65", "E11.22", "E11.40", "E10.9", "E11.8"},
	dDyslipidemia: {"E78.5", "E78.2", "E78.00", "E78.49"},
	dESRD:         {"N18.6"},
	dHIV:          {"B20", "Z21"},
	dHypertension: {"I10", "I12.9", "I11.9", "I13.10"},
	dMental:       {"F32.9", "F33.1", "F32.A", "F33.9", "F31.9", "F20.9"},
	dRespiratory:  {"J44.9", "J45.909", "J44.1", "J45.40", "J43.9"},
}

// otherCodes are common diagnoses outside the core diseases (well visits,
// atrial fibrillation, hypothyroidism, reflux, back pain, …), so that not
// every diagnosis row maps to a core disease.
var otherCodes = []string{
	"Z00.00", "I48.91", "E03.9", "K21.9", "M54.50", "N40.0", "H25.9", "E55.9",
	"R73.03", "J06.9", "N39.0", "Z79.4", "G47.33", "E66.9", "N18.30", "R53.83",
}

// Diagnosis figures; assumed.
const (
	pCoded     = 0.92 // a disease the member has shows on a medical claim in the year
	meanOthers = 1.5  // non-core diagnosis rows per member with medical claims
)

// diag is one diagnoses.csv row before it is written.
type diag struct {
	date civil.Date
	code string
}

// drawDiagnoses fills g.diags for members with medical claims, sorted by
// date. ESRD members always carry N18.6 and Z99.2 (dependence on dialysis).
func (g *gen) drawDiagnoses() {
	g.diags = g.diags[:0]
	r, p := g.r, &g.p
	if !p.medical || p.lo > p.hi {
		return
	}
	for dis := range numDiseases {
		if !p.diseases[dis] || (dis != dESRD && r.Float64() >= pCoded) {
			continue
		}
		codes := icdCodes[dis]
		code := codes[skewedIndex(r.IntN(1000), len(codes))]
		for n := 1 + r.IntN(4); n > 0; n-- {
			g.addDiag(code)
			if r.IntN(4) == 0 {
				code = codes[r.IntN(len(codes))] // a later visit codes it more precisely
			}
		}
		if dis == dESRD {
			for n := 1 + r.IntN(3); n > 0; n-- {
				g.addDiag("Z99.2")
			}
		}
	}
	for n := poisson(r, meanOthers); n > 0; n-- {
		g.addDiag(otherCodes[r.IntN(len(otherCodes))])
	}
	slices.SortStableFunc(g.diags, func(a, b diag) int { return cmp.Compare(a.date, b.date) })
}

func (g *gen) addDiag(code string) {
	p := &g.p
	day := p.lo.AddDays(g.r.IntN(int(p.hi-p.lo) + 1))
	g.diags = append(g.diags, diag{date: day, code: code})
}

// skewedIndex maps x in [0, 1000) to an index of n that favours the front:
// about half the draws take index 0.
func skewedIndex(x, n int) int {
	for i := 0; i < n-1; i++ {
		if x < 500 {
			return i
		}
		x = (x - 500) * 2
	}
	return n - 1
}

var diagnosesHeader = []byte("member_id,icd10,service_date\n")

// appendDiagnoses writes g.diags as diagnoses.csv rows.
func (g *gen) appendDiagnoses(b []byte) []byte {
	for _, d := range g.diags {
		b = append(b, g.memberID...)
		b = append(b, ',')
		b = append(b, d.code...)
		b = append(b, ',')
		b = g.appendDay(b, d.date)
		b = append(b, '\n')
	}
	return b
}
