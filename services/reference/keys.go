package reference

import "regexp"

// Disease keys: the CMS core chronic diseases as formats.md names them.
const (
	Alzheimers           = "alzheimers"
	BoneDiseaseArthritis = "bone_disease_arthritis"
	CHF                  = "chf"
	Diabetes             = "diabetes"
	Dyslipidemia         = "dyslipidemia"
	ESRD                 = "esrd"
	HIVAIDS              = "hiv_aids"
	Hypertension         = "hypertension"
	MentalHealth         = "mental_health"
	Respiratory          = "respiratory"
)

// DiseaseKeys are the ten disease keys, sorted. Which of them are core in a
// contract year is CMS data (CMSRules.CoreDiseases), not this list.
var DiseaseKeys = []string{
	Alzheimers, BoneDiseaseArthritis, CHF, Diabetes, Dyslipidemia,
	ESRD, HIVAIDS, Hypertension, MentalHealth, Respiratory,
}

// Value sets: the PQA proportion-of-days-covered drug groups a drug can
// belong to (domain.md section 5, formats.md "openmtm adherence").
const (
	ValueSetStatins             = "statins"
	ValueSetRASA                = "rasa"     // ACE inhibitors, ARBs, direct renin inhibitors
	ValueSetDiabetes            = "diabetes" // non-insulin diabetes drugs
	ValueSetInsulin             = "insulin"
	ValueSetSacubitrilValsartan = "sacubitril_valsartan" // excludes a member from rasa
)

// ValueSetKeys are the value set keys, sorted.
var ValueSetKeys = []string{
	ValueSetDiabetes, ValueSetInsulin, ValueSetRASA, ValueSetSacubitrilValsartan, ValueSetStatins,
}

// The sets the loaders validate against. They are private copies, so a
// caller that changes DiseaseKeys or ValueSetKeys cannot loosen validation.
var (
	validDisease  = setOf(DiseaseKeys)
	validValueSet = setOf(ValueSetKeys)
)

// classKey is the shape of a class key: lower_snake, starting with a letter.
var classKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func setOf(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// contains reports whether list holds s; the lists here have a handful of
// entries, where a scan beats a map.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
