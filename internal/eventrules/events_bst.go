package eventrules

// bloodSpotTests are the eleven blood spot tests (Procedure.code.coding,
// SNOMED CT), displays verbatim from the page.
var bloodSpotTests = []CodeDisplay{
	{"314081000", "Phenylketonuria screening test"},
	{"314090007", "Sickle cell disease screening test"},
	{"171191008", "Cystic fibrosis screening"},
	{"400984005", "Congenital hypothyroidism screening test"},
	{"428056008", "Medium-chain acyl-coenzyme A dehydrogenase deficiency screening test"},
	{"940201000000107", "Blood spot homocystinuria screening test"},
	{"940221000000103", "Blood spot MSUD (maple syrup urine disease) screening test"},
	{"940131000000109", "Blood spot glutaric aciduria type 1 screening test"},
	{"940151000000102", "Blood spot isovaleric acidaemia screening test"},
	{"1239891000000106", "Severe combined immunodeficiency screening test"},
	{"2201661000000107", "Tyrosinaemia type 1 screening test"},
}

// bloodSpot is the Blood Spot Test Outcome event
// (blood_spot_test_outcome_1 page).
var bloodSpot = Event{
	Code: "blood-spot-test-outcome-1", Display: "Blood Spot Test Outcome", Name: "Blood Spot Test Outcome", Short: "BST",
	Focus: "Encounter", PatientPath: "subject",
	MessageTypes: []string{New, Delete},
	Counts: map[string][]Count{
		New: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 1, 1}, {"Patient", 1, 1},
			{"DiagnosticReport", 1, 1}, {"HealthcareService", 0, 1}, {"Location", 0, 1}, {"Procedure", 0, 11}, {"Communication", 0, 1}},
		Delete: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 0, 1}, {"Patient", 0, 1},
			{"DiagnosticReport", 0, 1}, {"HealthcareService", 0, 1}, {"Location", 0, 1}, {"Procedure", 0, 11}, {"Communication", 0, 1}},
	},
	Rules: []Rule{
		noUpdate("BST", `BST "Event Life Cycle" ("A value of update will not be used for this type of event ... a value of new shall be used instead")`),
		{ID: "BST-RESOURCES", Severity: Error, Kind: Counts,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, DiagnosticReport 1..1, HealthcareService 0..1, Location 0..1, Procedure 0..11, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, DiagnosticReport 0..1, HealthcareService 0..1, Location 0..1, Procedure 0..11, Communication 0..1.",
			Source: `BST "Resource Cardinality" rows (new / delete columns); "Identifying Information"`},
		screeningEncounter("BST", "BST", false),
		{ID: "BST-DIAGNOSTICREPORT", Severity: Error, Resource: "DiagnosticReport",
			Text:   "Every DiagnosticReport: subject resolves to the Patient; issued present.",
			Source: "BST DiagnosticReport table (subject 1..1, issued 1..1); CC-DiagnosticReport",
			Reqs:   []Req{{Path: "subject", Min: 1, To: "Patient"}, {Path: "issued", Min: 1}}},
		screeningProcedure("BST", "BST", "blood spot tests", "DCH-BloodSpotOutcome-1 is refset-defined: refsets 966291000000106 and 966281000000109", bloodSpotTests),
		screeningCommunication("BST", "BST", CodeDisplay{"007", "Newborn Blood Spot Screening"}),
	},
}
