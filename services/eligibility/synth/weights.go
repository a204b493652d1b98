package synth

// combinations are fixed-dose combination products commonly dispensed in
// the US, named as formats.md writes them (ingredients in label order,
// joined by " / ", the reference's ingredient names). A combination whose
// ingredients are not all in the reference is left out.
var combinations = []string{
	"amlodipine / benazepril", "lisinopril / hydrochlorothiazide", "losartan / hydrochlorothiazide",
	"valsartan / hydrochlorothiazide", "olmesartan / hydrochlorothiazide", "amlodipine / valsartan",
	"amlodipine / olmesartan", "triamterene / hydrochlorothiazide", "bisoprolol / hydrochlorothiazide",
	"sacubitril / valsartan", "ezetimibe / simvastatin", "sitagliptin / metformin", "empagliflozin / metformin",
	"fluticasone / salmeterol", "budesonide / formoterol", "umeclidinium / vilanterol",
	"fluticasone / umeclidinium / vilanterol", "ipratropium / albuterol", "memantine / donepezil",
	"carbidopa / levodopa", "bictegravir / emtricitabine / tenofovir alafenamide",
	"emtricitabine / tenofovir alafenamide", "emtricitabine / tenofovir disoproxil", "dolutegravir / lamivudine",
	"abacavir / dolutegravir / lamivudine", "darunavir / cobicistat / emtricitabine / tenofovir alafenamide",
	"hydrocodone / acetaminophen", "oxycodone / acetaminophen", "amoxicillin / clavulanate",
	"sulfamethoxazole / trimethoprim",
}

// weighted is a drug name and its relative weight.
type weighted struct {
	name   string
	weight int
}

// treats lists, per core disease, the drugs most often taken for it, with
// relative weights (first-line agents weigh most). Assumed, after common
// US prescribing. Many are not in the disease's reference row on purpose:
// the reference ties furosemide or carvedilol to no disease or to
// hypertension, yet heart-failure patients take them, and the evaluator
// must see such members as they are.
var treats = [numDiseases][]weighted{
	dHypertension: {{"lisinopril", 12}, {"amlodipine", 12}, {"losartan", 10}, {"metoprolol", 9},
		{"hydrochlorothiazide", 7}, {"carvedilol", 4}, {"chlorthalidone", 3}, {"valsartan", 3}, {"olmesartan", 2},
		{"lisinopril / hydrochlorothiazide", 4}, {"losartan / hydrochlorothiazide", 4}, {"amlodipine / benazepril", 3},
		{"valsartan / hydrochlorothiazide", 2}, {"triamterene / hydrochlorothiazide", 2}, {"clonidine", 2},
		{"hydralazine", 2}, {"spironolactone", 2}, {"amlodipine / olmesartan", 1}},
	dDyslipidemia: {{"atorvastatin", 14}, {"rosuvastatin", 10}, {"simvastatin", 6}, {"pravastatin", 5},
		{"ezetimibe", 2}, {"fenofibrate", 2}, {"ezetimibe / simvastatin", 1}},
	dDiabetes: {{"metformin", 16}, {"glipizide", 4}, {"glimepiride", 3}, {"empagliflozin", 3}, {"dapagliflozin", 2},
		{"sitagliptin", 2}, {"semaglutide", 3}, {"dulaglutide", 2}, {"tirzepatide", 2}, {"insulin glargine", 4},
		{"insulin lispro", 2}, {"insulin aspart", 2}, {"pioglitazone", 2}, {"sitagliptin / metformin", 1},
		{"empagliflozin / metformin", 1}},
	dCHF: {{"furosemide", 10}, {"carvedilol", 8}, {"metoprolol", 8}, {"spironolactone", 5},
		{"sacubitril / valsartan", 4}, {"lisinopril", 4}, {"losartan", 3}, {"torsemide", 2}, {"bumetanide", 1},
		{"digoxin", 1}, {"empagliflozin", 2}, {"dapagliflozin", 2}},
	dRespiratory: {{"albuterol", 10}, {"montelukast", 5}, {"tiotropium", 3}, {"fluticasone / salmeterol", 3},
		{"budesonide / formoterol", 3}, {"fluticasone / umeclidinium / vilanterol", 2}, {"ipratropium / albuterol", 2},
		{"umeclidinium / vilanterol", 1}, {"roflumilast", 1}},
	dMental: {{"sertraline", 8}, {"escitalopram", 7}, {"trazodone", 5}, {"bupropion", 4}, {"duloxetine", 4},
		{"citalopram", 3}, {"mirtazapine", 3}, {"quetiapine", 3}, {"fluoxetine", 3}, {"aripiprazole", 2},
		{"venlafaxine", 2}, {"lithium", 1}, {"lamotrigine", 1}, {"olanzapine", 1}, {"risperidone", 1}},
	dAlzheimers: {{"donepezil", 8}, {"memantine", 5}, {"rivastigmine", 1}, {"galantamine", 1},
		{"memantine / donepezil", 1}},
	dBone: {{"alendronate", 8}, {"methotrexate", 3}, {"hydroxychloroquine", 3}, {"raloxifene", 1},
		{"ibandronate", 1}, {"leflunomide", 1}},
	dESRD: {{"sevelamer", 5}, {"calcium acetate", 3}, {"calcitriol", 3}, {"cinacalcet", 2}},
	dHIV: {{"bictegravir / emtricitabine / tenofovir alafenamide", 6}, {"dolutegravir", 3},
		{"emtricitabine / tenofovir alafenamide", 3}, {"dolutegravir / lamivudine", 2},
		{"abacavir / dolutegravir / lamivudine", 1}, {"darunavir / cobicistat / emtricitabine / tenofovir alafenamide", 1}},
}

// commonOther are the maintenance drugs most often taken for conditions
// outside the core diseases, and the most common acute drugs of each kind;
// assumed weights after common US prescribing.
var commonOther = []weighted{
	{"levothyroxine", 12}, {"omeprazole", 10}, {"pantoprazole", 8}, {"gabapentin", 8}, {"tamsulosin", 6},
	{"furosemide", 5}, {"potassium chloride", 4}, {"apixaban", 5}, {"clopidogrel", 5}, {"allopurinol", 4},
	{"finasteride", 3}, {"famotidine", 3}, {"ergocalciferol", 3}, {"montelukast", 3}, {"trazodone", 3},
	{"duloxetine", 3}, {"fluticasone", 3}, {"latanoprost", 2}, {"warfarin", 2}, {"rivaroxaban", 2},
	{"oxybutynin", 2}, {"spironolactone", 2}, {"carbidopa / levodopa", 2}, {"cyanocobalamin", 1},
	{"levetiracetam", 1}, {"ropinirole", 1}, {"estradiol", 1}, {"tizanidine", 1}, {"mirabegron", 1},
	// acute
	{"amoxicillin", 6}, {"azithromycin", 5}, {"cephalexin", 4}, {"amoxicillin / clavulanate", 4},
	{"ciprofloxacin", 3}, {"doxycycline", 3}, {"sulfamethoxazole / trimethoprim", 3}, {"nitrofurantoin", 3},
	{"hydrocodone / acetaminophen", 6}, {"tramadol", 5}, {"oxycodone", 4}, {"oxycodone / acetaminophen", 3},
	{"morphine", 1}, {"meloxicam", 5}, {"ibuprofen", 4}, {"naproxen", 3}, {"diclofenac", 2}, {"celecoxib", 2},
	{"alprazolam", 4}, {"lorazepam", 4}, {"clonazepam", 4}, {"diazepam", 2}, {"temazepam", 1},
	{"prednisone", 6}, {"methylprednisolone", 3}, {"ondansetron", 3}, {"cyclobenzaprine", 3},
	{"fluconazole", 2}, {"valacyclovir", 2}, {"zolpidem", 2}, {"hydroxyzine", 2}, {"benzonatate", 2},
}
