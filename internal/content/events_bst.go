package content

const srcBST = "Blood Spot Test Outcome page (blood_spot_test_outcome_1)"

// BloodSpotTests are the eleven blood spot tests (Procedure.code.coding,
// SNOMED CT): code and display, verbatim from the page.
func BloodSpotTests() [][2]string {
	return [][2]string{
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
}

func bloodSpotRules() []*Rule {
	ev := []string{BloodSpot}
	return []*Rule{
		noUpdate("BST", BloodSpot, srcBST),
		{ID: "BST-RESOURCES", Summary: "resource counts of a new and of a delete", Severity: Error, Events: ev,
			Source: srcBST + ` "Resource Cardinality" rows (new / delete columns); "Identifying Information"`,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, DiagnosticReport 1..1, HealthcareService 0..1, Location 0..1, Procedure 0..11, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, DiagnosticReport 0..1, HealthcareService 0..1, Location 0..1, Procedure 0..11, Communication 0..1.",
			Counts: screeningCounts(
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 1..1", "Patient 1..1", "DiagnosticReport 1..1",
					"HealthcareService 0..1", "Location 0..1", "Procedure 0..11", "Communication 0..1"},
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 0..1", "Patient 0..1", "DiagnosticReport 0..1",
					"HealthcareService 0..1", "Location 0..1", "Procedure 0..11", "Communication 0..1"})},
		screeningEncounter("BST", BloodSpot, srcBST, false),
		{ID: "BST-DIAGNOSTICREPORT", Summary: "DiagnosticReport: subject the Patient, issued", Severity: Error, Events: ev,
			Source: srcBST + " DiagnosticReport table (subject 1..1, issued 1..1); " + srcCC + " DiagnosticReport",
			Text:   "Every DiagnosticReport: subject resolves to the Patient; issued present.",
			Elems: []Elem{
				{Of: "DiagnosticReport", Path: "subject", Card: "1..1", Ref: "Patient"},
				{Of: "DiagnosticReport", Path: "issued", Card: "1..1"},
			}},
		screeningProcedure("BST", BloodSpot, srcBST, "blood spot test", "DCH-BloodSpotOutcome-1 (refsets 966291000000106 and 966281000000109)", BloodSpotTests()),
		screeningCommunication("BST", BloodSpot, srcBST, [2]string{"007", "Newborn Blood Spot Screening"}),
	}
}
