package synth

import "strings"

// tier is a drug's gross cost per 30-day supply, in cents, drawn per member
// and drug between lo and hi (skewed toward lo when skew is set, as generic
// prices are: most cost a few dollars, a few do not).
type tier struct {
	lo, hi int64
	skew   bool
}

// Cost tiers (gross cost per 30 days). Assumed from typical US list and
// Part D gross costs around 2024–2025. The generic tier is set so that a
// member on eight generics costs about $1,600 a year, near the CY2025 MTM
// threshold, which CMS defines as the average annual cost of 8 generic
// drugs (domain.md §1.3); brand drugs then decide who crosses it.
var (
	tierGeneric   = tier{lo: 400, hi: 5000, skew: true} // $4–$50, mean ≈ $15
	tierMid       = tier{lo: 4000, hi: 25000}           // phosphate binders, rescue inhalers, ...
	tierBrand     = tier{lo: 35000, hi: 70000}          // SGLT2, DPP-4, DOACs, ARNI, LAMA/LABA, ...
	tierInsulin   = tier{lo: 30000, hi: 60000}          // list prices before the 2024 cuts
	tierGLP1      = tier{lo: 85000, hi: 110000}         // semaglutide, dulaglutide, tirzepatide
	tierHIV       = tier{lo: 230000, hi: 400000}        // antiretroviral regimens
	tierSpecialty = tier{lo: 550000, hi: 750000}        // biologics, kinase inhibitors, MS drugs, ...
)

// tierRules place a product by its classes (the reference's lower_snake
// keys) or ingredient names. The first matching rule wins; the rules run
// from dear to cheap (after one exception), and a combination carries the
// classes of all its ingredients, so it lands in its dearest one's tier.
var tierRules = []struct {
	tier    tier
	classes []string
	names   []string
}{
	// Monoclonal antibodies that cost like brands, not like specialty drugs.
	{tierBrand, []string{"pcsk9_inhibitor", "cgrp_antagonist"}, nil},
	{tierSpecialty, []string{"monoclonal_antibody", "tnf_inhibitor", "kinase_inhibitor", "jak_inhibitor",
		"ms_disease_modifying", "s1p_receptor_modulator", "pulmonary_hypertension", "hcv_antiviral", "mtor_inhibitor",
		"vmat2_inhibitor", "antifibrotic", "t_cell_costimulation_modulator", "pth_analog", "growth_hormone",
		"immunomodulator", "il6_inhibitor", "il17_inhibitor", "il23_inhibitor", "il12_23_inhibitor",
		"il4_receptor_antagonist", "il5_inhibitor", "anti_ige", "tslp_inhibitor", "sclerostin_inhibitor"},
		[]string{"enzalutamide", "apalutamide"}},
	{tierHIV, []string{"antiretroviral", "capsid_inhibitor", "attachment_inhibitor", "ccr5_antagonist"}, nil},
	{tierGLP1, []string{"glp1_agonist", "gip_agonist"}, nil},
	{tierInsulin, []string{"insulin", "long_acting_insulin", "rapid_acting_insulin", "short_acting_insulin",
		"intermediate_acting_insulin"}, nil},
	{tierBrand, []string{"sglt2_inhibitor", "dpp4_inhibitor", "factor_xa_inhibitor", "neprilysin_inhibitor",
		"hcn_channel_blocker", "sgc_stimulator", "lama", "laba", "orexin_antagonist", "beta3_agonist",
		"guanylate_cyclase_c_agonist", "amylin_analog", "acl_inhibitor", "potassium_binder"},
		[]string{"brexpiprazole", "cariprazine", "lumateperone", "vortioxetine", "pimavanserin"}},
	{tierMid, []string{"phosphate_binder", "calcimimetic", "saba", "sama", "inhaled_corticosteroid",
		"pde4_inhibitor", "direct_thrombin_inhibitor", "low_molecular_weight_heparin"},
		[]string{"abiraterone"}},
}

func tierOf(ingredients []string, classes map[string]bool) tier {
	for _, rule := range tierRules {
		if anyClass(classes, rule.classes) {
			return rule.tier
		}
		for _, n := range rule.names {
			for _, ing := range ingredients {
				if ing == n {
					return rule.tier
				}
			}
		}
	}
	for cl := range classes {
		if strings.Contains(cl, "insulin") {
			return tierInsulin
		}
	}
	return tierGeneric
}

// acuteKind sorts a non-maintenance product by its classes.
func acuteKind(classes map[string]bool) kind {
	switch {
	case classes["opioid"]:
		return kindOpioid
	case classes["benzodiazepine"]:
		return kindBenzo
	case anyClass(classes, antibioticClasses):
		return kindAntibiotic
	case classes["nsaid"] || classes["cox2_inhibitor"]:
		return kindNSAID
	default:
		return kindAcuteOther
	}
}

func formOf(classes map[string]bool) form {
	for cl := range classes {
		if strings.Contains(cl, "insulin") {
			return formInsulin
		}
	}
	switch {
	case anyClass(classes, injectableClasses):
		return formInjectable
	case anyClass(classes, inhaledClasses):
		return formInhaler
	default:
		return formTablet
	}
}

// Class keys that set a product's kind and form.
var (
	antibioticClasses = []string{"antibiotic", "penicillin", "cephalosporin", "macrolide", "fluoroquinolone",
		"tetracycline_class", "sulfonamide", "nitrofuran", "nitroimidazole", "lincosamide", "oxazolidinone",
		"glycopeptide", "topical_antibiotic", "rifamycin"}
	injectableClasses = []string{"glp1_agonist", "gip_agonist", "monoclonal_antibody", "tnf_inhibitor",
		"pth_analog", "low_molecular_weight_heparin", "amylin_analog", "growth_hormone"}
	inhaledClasses = []string{"saba", "sama", "laba", "lama", "inhaled_corticosteroid"}
)

// commonScale multiplies the weights of the named common drugs (weights.go)
// over defaultWeight, so that the hundreds of other reference drugs make up
// about a tenth of the draws: present, but rare, as they are in life.
const commonScale = 100

// defaultWeight is a reference drug's weight when no list names it: costly
// drugs are rarer.
func defaultWeight(t tier) int {
	switch t {
	case tierGeneric, tierMid:
		return 5
	case tierBrand:
		return 3
	default:
		return 1
	}
}
