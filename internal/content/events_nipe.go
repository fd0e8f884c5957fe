package content

import "github.com/nems-harness/nems-harness/internal/codes"

const srcNIPE = "NIPE Outcome page (nipe_outcome_1)"

// NIPEExaminations are the four NIPE examinations (Procedure.code.coding,
// SNOMED CT): code and display, verbatim from the page.
func NIPEExaminations() [][2]string {
	return [][2]string{
		{"985531000000102", "Newborn and Infant Physical Examination Screening Programme, hip examination"},
		{"988361000000105", "Newborn and Infant Physical Examination Screening Programme, eye examination"},
		{"988371000000103", "Newborn and Infant Physical Examination Screening Programme, testis examination"},
		{"988351000000107", "Newborn and Infant Physical Examination Screening Programme, heart examination"},
	}
}

func nipeRules() []*Rule {
	ev := []string{NIPE}
	return []*Rule{
		noUpdate("NIPE", NIPE, srcNIPE),
		{ID: "NIPE-RESOURCES", Summary: "resource counts of a new (three or four examinations) and of a delete", Severity: Error, Events: ev,
			Source: srcNIPE + ` "Resource Cardinality" rows (new / delete); "Identifying Information"`,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, Practitioner 1..1, Procedure 3..4, HealthcareService 0..1, Location 0..1, PractitionerRole 0..1, Observation 0..1, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, Practitioner 0..1, Procedure 0..4, HealthcareService 0..1, Location 0..1, PractitionerRole 0..1, Observation 0..1, Communication 0..1.",
			Counts: screeningCounts(
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 1..1", "Patient 1..1", "Practitioner 1..1", "Procedure 3..4",
					"HealthcareService 0..1", "Location 0..1", "PractitionerRole 0..1", "Observation 0..1", "Communication 0..1"},
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 0..1", "Patient 0..1", "Practitioner 0..1", "Procedure 0..4",
					"HealthcareService 0..1", "Location 0..1", "PractitionerRole 0..1", "Observation 0..1", "Communication 0..1"})},
		screeningEncounter("NIPE", NIPE, srcNIPE, true),
		screeningProcedure("NIPE", NIPE, srcNIPE, "NIPE examination", "NIPE-Outcome-1 (refset 991211000000105)", NIPEExaminations()),
		{ID: "NIPE-PRACTROLE", Summary: "PractitionerRole: organization, practitioner, professional type, job role, key worker, DCH-Specialty-1", Severity: Error, Events: ev,
			Source: srcNIPE + " PractitionerRole table (organization 1..1, practitioner 1..1, code(careProfessionalType) 1..1, code(SDS Job Role Name) 0..1, code(keyWorkerStatus) 0..1 from DCH-KeyWorkerStatus-1, specialty 1..1 from DCH-Specialty-1); " + srcCC + " PractitionerRole",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; exactly one code holds a DCH-ProfessionalType-1 coding, from DCH-ProfessionalType-1; at most one code holds an SDS job role name coding, and that code has exactly one coding, with code and display; at most one code holds a DCH-KeyWorkerStatus-1 coding, from DCH-KeyWorkerStatus-1; exactly one specialty, with a coding from DCH-Specialty-1.",
			Elems: []Elem{
				{Of: "PractitionerRole", Path: "organization", Card: "1..1", Ref: "Organization"},
				{Of: "PractitionerRole", Path: "practitioner", Card: "1..1", Ref: "Practitioner"},
				{Of: "PractitionerRole", Path: sys("code", sysDCHProfType), Coding: codes.DCHProfessionalType1},
				{Of: "PractitionerRole", Path: sys("code", sysKeyWorker), Coding: codes.DCHKeyWorkerStatus1},
				{Of: "PractitionerRole", Path: "specialty", Card: "1..1"},
			},
			Check: all(
				holders("PractitionerRole", "code", sysDCHProfType, 1, 1, 0),
				holders("PractitionerRole", "code", sysSDSJobRole, 0, 1, 1),
				holders("PractitionerRole", "code", sysKeyWorker, 0, 1, 0),
				someFrom("PractitionerRole", false, "specialty", codes.DCHSpecialty1))},
		{ID: "NIPE-OBSERVATION", Summary: "BCG eligibility Observation with its fixed codes and displays", Severity: Error, Events: ev,
			Source: srcNIPE + " CareConnect-Observation-1 table (subject 1..1, code.coding code and display fixed, valueCodeableConcept 1..1, its coding code and display \"MUST include\"); Events-Management f6bc09c (2021-05-12)",
			Text:   "Every Observation (BCG eligibility): subject resolves to the Patient; code has exactly one coding, (bcg-eligibility, Eligibility for BCG); valueCodeableConcept present with exactly one coding, (eligible-for-bcg, Eligible for BCG) or (not-eligible-for-bcg, Not eligible for BCG). The page names no code system: a system is not judged.",
			Elems: []Elem{
				{Of: "Observation", Path: "subject", Card: "1..1", Ref: "Patient"},
				{Of: "Observation", Path: "code.coding", Card: "1..1", Pairs: [][2]string{{"bcg-eligibility", "Eligibility for BCG"}}},
				{Of: "Observation", Path: "valueCodeableConcept", Card: "1..1"},
				{Of: "Observation", Path: "valueCodeableConcept.coding", Card: "1..1",
					Pairs: [][2]string{{"eligible-for-bcg", "Eligible for BCG"}, {"not-eligible-for-bcg", "Not eligible for BCG"}}},
			}},
		screeningCommunication("NIPE", NIPE, srcNIPE,
			[2]string{"009", "Newborn and Infant Physical Examination (72 hours)"},
			[2]string{"010", "Newborn and Infant Physical Examination (6-8 Weeks)"}),
	}
}
