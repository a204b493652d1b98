package synth

// The figures that shape the population, each with its source or marked
// "assumed". They describe a synthetic data set for benchmarks and demos,
// not rules: nothing here decides eligibility.
//
// Sources:
//   - [CCW19] CMS Chronic Conditions Data Warehouse, "Medicare beneficiary
//     prevalence for chronic conditions using fee-for-service claims,
//     2010–2019", Table B.2a (2019 column) and Table E.1.
//   - [USP14] "COPD and Asthma Among Medicare Beneficiaries", US Pharmacist
//     2014;39(7):7, on CMS 2010 FFS data: COPD 10.9% of women and 11.8% of
//     men aged 65+, asthma 4.9% and 3.0%.
//   - [KFF] Kaiser Family Foundation issue briefs on the Medicare
//     population: 16% of beneficiaries under 65 (permanent disability or
//     ESRD), 13% aged 85 and over, 5% living in a long-term-care facility
//     (2011 survey data); CMS enrollment counts give about 11% aged 85+ in
//     2020 and almost half aged 65–74.
//   - [brief] the figures the eligibility issue (#4) asks for, where no
//     better public figure was at hand.

// Age bands at the as-of date, as cumulative shares in per mille.
// After [KFF] and the brief's "~15% under 65": <65 15%, 65–74 47%,
// 75–84 27%, 85+ 11%.
var ageBands = []struct {
	cum    int // per mille, cumulative
	lo, hi int // ages, inclusive
}{
	{150, 25, 64},
	{620, 65, 74},
	{890, 75, 84},
	{1000, 85, 104},
}

// shareFemale is 54.7% [CCW19 Table B.2a, 2019 denominator, females].
// shareSexUnknown (U) is assumed.
const (
	shareFemale     = 0.547
	shareSexUnknown = 0.001
)

// languages are preferred languages (ISO 639-1) with weights in per mille;
// "" is a blank cell, which formats.md reads as en. Assumed, shaped after
// the languages most spoken at home by US adults 65+ (English, then
// Spanish, Chinese, Vietnamese, Korean, Russian, Tagalog, …).
var languages = []struct {
	code   string
	weight int
}{
	{"en", 820}, {"", 50}, {"es", 80}, {"zh", 14}, {"vi", 8}, {"ko", 5},
	{"ru", 5}, {"tl", 5}, {"ar", 3}, {"ht", 3}, {"pt", 2}, {"fr", 2}, {"pl", 2}, {"it", 1},
}

// zipPrefixes are real 3-digit ZIP prefixes (sectional centers) spread over
// the country; the last two digits are random, so a ZIP is plausible, not
// necessarily assigned. Leading zeros are on purpose (New England).
var zipPrefixes = []string{
	"021", "060", "070", "100", "112", "142", "152", "191", "212", "232",
	"275", "282", "303", "322", "331", "336", "352", "372", "402", "432",
	"441", "462", "482", "532", "554", "604", "631", "641", "701", "731",
	"752", "770", "782", "802", "841", "852", "871", "891", "900", "921",
	"945", "972", "981", "995", "967",
}

// Fake names: first names are ordinary, last names are built from
// "Test"/"Sample"/... so nobody mistakes a row for a real person.
var (
	firstNamesF = []string{"Alma", "Betty", "Carmen", "Dorothy", "Edna", "Flora", "Grace", "Hazel", "Irene", "June", "Linh", "Mei", "Nora", "Olga", "Rosa", "Ruth"}
	firstNamesM = []string{"Albert", "Bruno", "Carl", "Dale", "Ernest", "Frank", "Gus", "Harold", "Ivan", "Jose", "Kenji", "Leon", "Minh", "Otto", "Ray", "Walter"}
	lastStems   = []string{"Test", "Sample", "Mock", "Dummy", "Synth", "Fake", "Demo", "Specimen"}
	lastEnds    = []string{"wood", "ton", "ley", "ford", "berg", "son", "field", "man", "well", "ridge"}
)

// Core chronic disease prevalence, conditional where the sources show
// comorbidity (diabetics and hypertensives share dyslipidemia, heart
// failure follows hypertension). The marginals come out near [CCW19]:
// hypertension 59.0%, hyperlipidemia 50.0%, diabetes 27.5%, heart failure
// 14.6%, depression 19.4%, RA/OA 35.2%; the conditional splits are assumed.
const (
	pDiabetes          = 0.275 // [CCW19]
	pHypertensionIfDM  = 0.80  // assumed; gives ~59% overall [CCW19]
	pHypertensionNoDM  = 0.52  // assumed
	pDyslipidemiaIfRF  = 0.62  // assumed, RF = diabetes or hypertension; ~50% overall [CCW19]
	pDyslipidemiaNoRF  = 0.25  // assumed
	pCHFIfHypertension = 0.20  // assumed; ~14% overall [CCW19]
	pCHFNoHypertension = 0.05  // assumed
	pBoneArthritis     = 0.33  // RA/OA 35.2% [CCW19] plus osteoporosis, times boneByAge
	pMentalUnder65     = 0.40  // assumed: disability entitlement is often psychiatric
	pMental65Plus      = 0.16  // assumed; ~19% overall with the line above [CCW19 depression 19.4%]
	pRespiratory       = 0.14  // COPD ~11% plus asthma 3–5%, overlapping [USP14]
	pHIVUnder65        = 0.015 // assumed
	pHIV65Plus         = 0.002 // assumed; ~0.4% overall
	pESRD              = 0.005 // [brief]; ~0.5-1% of Medicare beneficiaries have ESRD
)

// boneByAge scales pBoneArthritis by age band (<65, 65–74, 75–84, 85+):
// arthritis and osteoporosis rise with age (assumed gradient).
var boneByAge = [4]float64{0.6, 0.9, 1.2, 1.4}

// pAlzheimers by age band (<65, 65–74, 75–84, 85+): about 3% overall,
// against 2.3% of all beneficiaries with an Alzheimer's claim and 6.5% with
// Alzheimer's or related dementia [CCW19 Table E.1]; the age gradient is
// assumed.
var pAlzheimers = [4]float64{0.002, 0.01, 0.05, 0.13}

// Member flags by age band (<65, 65–74, 75–84, 85+). Shares overall: hospice
// ~1% [brief]; long-term care ~4–5% [KFF: 5%]; the age gradients are
// assumed.
var (
	pHospice = [4]float64{0.004, 0.004, 0.01, 0.035}
	pLTC     = [4]float64{0.03, 0.02, 0.05, 0.14}
)

const (
	pDMPAtRisk = 0.005 // [brief]
	// pMedicalClaims is the share of members in an MA-PD contract (H…),
	// whose medical claims give diagnoses; the rest are in a stand-alone
	// PDP (S…) and have none [brief: ~70%].
	pMedicalClaims = 0.70
	// Coverage: most members are enrolled all year; some join or leave
	// within the year (assumed).
	pCoverageStartsInWindow = 0.08
	pCoverageEndsInWindow   = 0.05
	pPhone                  = 0.85 // assumed share with a phone on file
	pMailOrder              = 0.15 // assumed share filling 90-day supplies by mail
)
