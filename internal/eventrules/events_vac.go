package eventrules

import "github.com/nems-harness/nems-harness/internal/codes"

// vaccinations is the Vaccinations event (vaccinations_1 page).
var vaccinations = Event{
	Code: "vaccinations-1", Display: "Vaccinations", Name: "Vaccinations", Short: "VAC",
	Focus: "Immunization", PatientPath: "patient",
	MessageTypes: []string{New, Update, Delete},
	Counts: sameCounts([]Count{
		{"MessageHeader", 1, 1}, {"Immunization", 1, 1}, {"Patient", 1, 1}, {"Organization", 1, all},
		{"Encounter", 0, 1}, {"HealthcareService", 0, 1}, {"Practitioner", 0, all},
		{"PractitionerRole", 0, all}, {"Location", 0, all},
	}, New, Update, Delete),
	Rules: []Rule{
		{ID: "VAC-RESOURCES", Severity: Error, Kind: Counts,
			Text:   "Resource counts: MessageHeader 1..1, Immunization 1..1, Patient 1..1, Organization 1..*, Encounter 0..1, HealthcareService 0..1, Practitioner 0..*, PractitionerRole 0..*, Location 0..*; the same on new, update and delete.",
			Source: `VAC "Resource Cardinality" row of each resource table; "Identifying Information"`},
		{ID: "VAC-IMMUNIZATION", Severity: Error, Resource: "Immunization", FocusOnly: true,
			Text:   "The Immunization: exactly one vaccinationProcedure extension holding valueCodeableConcept (SNOMED CT codings with valid concept ids, or text when uncoded); exactly one identifier with system and value; date present; patient resolves to the Patient; encounter, location, practitioner.actor and manufacturer, when present, resolve to an Encounter, a Location, a Practitioner and an Organization; every vaccinationProtocol has doseSequence; in site and in route at most one SNOMED CT coding, with code and display.",
			Source: "VAC CareConnect-Immunization-1 table (extension(vaccinationProcedure) 1..1, identifier 1..1, date 1..1); CC-Immunization; CCX VaccinationProcedure",
			Reqs: []Req{
				{Path: "extension(" + vaccProcURL + ")", Min: 1, Max: 1},
				{Path: "extension(" + vaccProcURL + ").valueCodeableConcept", Min: 1, Max: 1},
				{Path: "extension(" + vaccProcURL + ").valueCodeableConcept", Codings: &Codings{System: snomed, Max: all, SCTID: true}},
				{Path: "identifier", Min: 1, Max: 1},
				{Each: "identifier", Path: "system", Min: 1},
				{Each: "identifier", Path: "value", Min: 1},
				{Path: "date", Min: 1},
				{Path: "patient", To: "Patient"},
				{Path: "encounter", To: "Encounter"},
				{Path: "location", To: "Location"},
				{Path: "practitioner.actor", To: "Practitioner"},
				{Path: "manufacturer", To: "Organization"},
				{Each: "vaccinationProtocol", Path: "doseSequence", Min: 1},
				{Path: "site", Codings: &Codings{System: snomed, Max: 1, CodeAndDisplay: true}},
				{Path: "route", Codings: &Codings{System: snomed, Max: 1, CodeAndDisplay: true}},
			},
			Checks: []Check{
				snomedIfCoded("extension(" + vaccProcURL + ").valueCodeableConcept"),
				textWithoutCodings("extension(" + vaccProcURL + ").valueCodeableConcept"),
			}},
		{ID: "VAC-NOTGIVEN", Severity: Error, Resource: "Immunization", FocusOnly: true,
			Text:   "When notGiven is true: explanation.reasonNotGiven present, and no reaction and no explanation.reason (imm-1). When notGiven is false: no explanation.reasonNotGiven (imm-2).",
			Source: "VAC row explanation.reasonNotGiven; SCH immunization.sch imm-1, imm-2",
			Reqs: []Req{
				{When: &Cond{"notGiven", "true"}, Path: "explanation.reasonNotGiven", Min: 1},
				{When: &Cond{"notGiven", "true"}, Path: "reaction", Forbid: true},
				{When: &Cond{"notGiven", "true"}, Path: "explanation.reason", Forbid: true},
				{When: &Cond{"notGiven", "false"}, Path: "explanation.reasonNotGiven", Forbid: true},
			}},
		{ID: "VAC-REPORTORIGIN", Severity: Warning, Resource: "Immunization", FocusOnly: true,
			Text:   "When primarySource is false: reportOrigin present.",
			Source: "VAC row reportOrigin (\"should be included\")",
			Reqs:   []Req{{When: &Cond{"primarySource", "false"}, Path: "reportOrigin", Min: 1}}},
		{ID: "VAC-VACCINECODE", Severity: Warning, Resource: "Immunization", FocusOnly: true,
			Text:   "Immunization.vaccineCode has at least one coding that is a SNOMED CT coding with a valid concept id or a coding from CareConnect-VaccineCode-1 (NullFlavor NAVU, UNC, UNK, NA); every SNOMED CT coding in it is a valid concept id.",
			Source: "VAC row vaccineCode (\"should use a value from the CareConnect-VaccineCode-1 value set\"); CC-Immunization; CCX ValueSet-CareConnect-VaccineCode-1; CODES",
			Reqs:   []Req{{Path: "vaccineCode", Codings: &Codings{System: snomed, Max: all, SCTID: true}}},
			Checks: []Check{anySCTIDOrList("vaccineCode", codes.CareConnectVaccineCode1)}},
		{ID: "VAC-PRACTROLE", Severity: Error, Resource: "PractitionerRole",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; at least one code has a coding from ProfessionalType-1; exactly one specialty, with a coding from Specialty-1; at most one code holds an SDS job role name coding, and that code has exactly one coding, with code and display.",
			Source: "VAC PractitionerRole table (organization 1..1, practitioner 1..1, code 1..* ProfessionalType-1, specialty 1..1 Specialty-1); CC-PractitionerRole; CODES",
			Reqs: []Req{
				{Path: "organization", Min: 1, To: "Organization"},
				{Path: "practitioner", Min: 1, To: "Practitioner"},
				{Path: "code", Codings: &Codings{System: profTypeSys, Min: 1, Max: all, List: codes.ProfessionalType1, Some: true}},
				{Path: "specialty", Min: 1, Max: 1},
				{Path: "specialty", Codings: &Codings{System: specialtySys, Min: 1, Max: all, List: codes.Specialty1, Some: true}},
				{Path: "code", Codings: &Codings{System: sdsJobRoleSys, Max: 1, Holders: true, HolderCodings: 1, CodeAndDisplay: true}},
			}},
		{ID: "VAC-ENCOUNTER", Severity: Error, Resource: "Encounter",
			Text:   "Every Encounter: at least one type; every type has at most one coding; subject resolves to the Patient; at most one location, whose location resolves to a Location.",
			Source: "VAC Encounter table (type 1..*, location 0..1, subject 1..1); CC-Encounter",
			Reqs: []Req{
				{Path: "type", Min: 1},
				{Each: "type", Path: "coding", Max: 1},
				{Path: "subject", Min: 1, To: "Patient"},
				{Path: "location", Max: 1},
				{Path: "location.location", To: "Location"},
			}},
		{ID: "VAC-ENCOUNTER-TYPE", Severity: Warning, Resource: "Encounter",
			Text:   "Every Encounter has a type coding from DCH-ChildHealthEncounterType-1 (the whole of ValueSet EncounterType-1); other codings may be added.",
			Source: "VAC row Encounter.type (\"SHOULD include a value from the EncounterType-1 value set\"); ASSETS-VS ValueSet-EncounterType-1; CODES",
			Reqs:   []Req{{Path: "type", Codings: &Codings{System: encounterTypeSys, Min: 1, Max: all, List: codes.DCHChildHealthEncounterType1, Some: true}}}},
	},
}

// sameCounts gives the same counts to every message event type listed.
func sameCounts(c []Count, types ...string) map[string][]Count {
	m := make(map[string][]Count, len(types))
	for _, t := range types {
		m[t] = c
	}
	return m
}
