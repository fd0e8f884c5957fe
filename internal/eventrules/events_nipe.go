package eventrules

import "github.com/nems-harness/nems-harness/internal/codes"

// nipeExaminations are the four NIPE examinations (Procedure.code.coding,
// SNOMED CT), displays verbatim from the page.
var nipeExaminations = []CodeDisplay{
	{"985531000000102", "Newborn and Infant Physical Examination Screening Programme, hip examination"},
	{"988361000000105", "Newborn and Infant Physical Examination Screening Programme, eye examination"},
	{"988371000000103", "Newborn and Infant Physical Examination Screening Programme, testis examination"},
	{"988351000000107", "Newborn and Infant Physical Examination Screening Programme, heart examination"},
}

// nipeOutcome is the NIPE Outcome event (nipe_outcome_1 page).
var nipeOutcome = Event{
	Code: "nipe-outcome-1", Display: "NIPE outcome", Name: "NIPE Outcome", Short: "NIPE",
	Focus: "Encounter", PatientPath: "subject",
	MessageTypes: []string{New, Delete},
	Counts: map[string][]Count{
		New: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 1, 1}, {"Patient", 1, 1}, {"Practitioner", 1, 1},
			{"Procedure", 3, 4}, {"HealthcareService", 0, 1}, {"Location", 0, 1}, {"PractitionerRole", 0, 1}, {"Observation", 0, 1}, {"Communication", 0, 1}},
		Delete: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 0, 1}, {"Patient", 0, 1}, {"Practitioner", 0, 1},
			{"Procedure", 0, 4}, {"HealthcareService", 0, 1}, {"Location", 0, 1}, {"PractitionerRole", 0, 1}, {"Observation", 0, 1}, {"Communication", 0, 1}},
	},
	Rules: []Rule{
		noUpdate("NIPE", `NIPE "Event Life Cycle" ("A value of update will not be used ... a value of new shall be used instead")`),
		{ID: "NIPE-RESOURCES", Severity: Error, Kind: Counts,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, Practitioner 1..1, Procedure 3..4, HealthcareService 0..1, Location 0..1, PractitionerRole 0..1, Observation 0..1, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, Practitioner 0..1, Procedure 0..4, HealthcareService 0..1, Location 0..1, PractitionerRole 0..1, Observation 0..1, Communication 0..1.",
			Source: `NIPE "Resource Cardinality" rows (new / delete); "Identifying Information"`},
		screeningEncounter("NIPE", "NIPE", true),
		screeningProcedure("NIPE", "NIPE", "NIPE examinations", "NIPE-Outcome-1 is refset-defined: 991211000000105", nipeExaminations),
		{ID: "NIPE-PRACTROLE", Severity: Error, Resource: "PractitionerRole",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; exactly one code holds a DCH-ProfessionalType-1 coding, from DCH-ProfessionalType-1; at most one code holds an SDS job role name coding, and that code has exactly one coding, with code and display; at most one code holds a DCH-KeyWorkerStatus-1 coding, from DCH-KeyWorkerStatus-1; exactly one specialty, with a coding from DCH-Specialty-1.",
			Source: "NIPE PractitionerRole table (organization 1..1, practitioner 1..1, code(careProfessionalType) 1..1, code(SDS Job Role Name) 0..1, code(keyWorkerStatus) 0..1, specialty 1..1 DCH-Specialty-1); CC-PractitionerRole; CODES",
			Reqs: []Req{
				{Path: "organization", Min: 1, To: "Organization"},
				{Path: "practitioner", Min: 1, To: "Practitioner"},
				{Path: "code", Codings: &Codings{System: dchProfTypeSys, Min: 1, Max: 1, Holders: true, List: codes.DCHProfessionalType1}},
				{Path: "code", Codings: &Codings{System: sdsJobRoleSys, Max: 1, Holders: true, HolderCodings: 1, CodeAndDisplay: true}},
				{Path: "code", Codings: &Codings{System: keyWorkerSys, Max: 1, Holders: true, List: codes.DCHKeyWorkerStatus1}},
				{Path: "specialty", Min: 1, Max: 1},
				{Path: "specialty", Codings: &Codings{System: dchSpecialtySys, Min: 1, Max: all, List: codes.DCHSpecialty1, Some: true}},
			}},
		{ID: "NIPE-OBSERVATION", Severity: Error, Resource: "Observation",
			Text:   "Every Observation (BCG eligibility): subject resolves to the Patient; code has exactly one coding, (bcg-eligibility, Eligibility for BCG); valueCodeableConcept present with exactly one coding, (eligible-for-bcg, Eligible for BCG) or (not-eligible-for-bcg, Not eligible for BCG). The page names no code system: a system is not judged.",
			Source: "NIPE CareConnect-Observation-1 table (subject 1..1, code.coding fixed, valueCodeableConcept 1..1); EM f6bc09c",
			Reqs: []Req{
				{Path: "subject", Min: 1, To: "Patient"},
				{Path: "code", Codings: &Codings{Min: 1, Max: 1, Fixed: []CodeDisplay{{"bcg-eligibility", "Eligibility for BCG"}}}},
				{Path: "valueCodeableConcept", Min: 1},
				{Path: "valueCodeableConcept", Codings: &Codings{Min: 1, Max: 1, Fixed: []CodeDisplay{{"eligible-for-bcg", "Eligible for BCG"}, {"not-eligible-for-bcg", "Not eligible for BCG"}}}},
			}},
		screeningCommunication("NIPE", "NIPE",
			CodeDisplay{"009", "Newborn and Infant Physical Examination (72 hours)"},
			CodeDisplay{"010", "Newborn and Infant Physical Examination (6-8 Weeks)"}),
	},
}
