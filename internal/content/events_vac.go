package content

import "github.com/nems-harness/nems-harness/internal/codes"

// Sources of the Vaccinations rules.
const srcVAC = "Vaccinations page (vaccinations_1)"

func vaccinationRules() []*Rule {
	vac := []string{Vaccinations}
	vp := "extension(" + urlVaccinationPr + ").valueCodeableConcept"
	imm := func(e Elem) Elem { e.Of, e.The = "Immunization", true; return e }
	return []*Rule{
		{ID: "VAC-RESOURCES", Summary: "resource counts: one Immunization, Patient and MessageHeader, Organizations, optional others", Severity: Error, Events: vac,
			Source: srcVAC + ` "Resource Cardinality" row of each resource table; "Identifying Information"`,
			Text:   "Resource counts: MessageHeader 1..1, Immunization 1..1, Patient 1..1, Organization 1..*, Encounter 0..1, HealthcareService 0..1, Practitioner 0..*, PractitionerRole 0..*, Location 0..*; the same on new, update and delete.",
			Counts: counts(allTypes, "MessageHeader 1..1", "Immunization 1..1", "Patient 1..1", "Organization 1..*",
				"Encounter 0..1", "HealthcareService 0..1", "Practitioner 0..*", "PractitionerRole 0..*", "Location 0..*")},
		{ID: "VAC-IMMUNIZATION", Summary: "the Immunization: vaccination procedure, one identifier, date, references, dose sequence, site and route", Severity: Error, Events: vac,
			Source: srcVAC + " CareConnect-Immunization-1 table (extension(vaccinationProcedure) 1..1, identifier 1..1, date 1..1); " + srcCC + " Immunization; Extension-CareConnect-VaccinationProcedure-1",
			Text:   "The Immunization: exactly one vaccinationProcedure extension holding valueCodeableConcept, whose codings include a SNOMED CT one and every SNOMED CT coding is a valid SCTID, or, with no coding, a text; exactly one identifier, with system and value; date present; patient resolves to the Patient; encounter, location, every practitioner.actor and manufacturer, when present, resolve to an Encounter, a Location, a Practitioner and an Organization; every vaccinationProtocol has doseSequence; site and route each have at most one SNOMED CT coding, with code and display.",
			Elems: []Elem{
				imm(Elem{Path: "extension(" + urlVaccinationPr + ")", Card: "1..1"}),
				imm(Elem{Path: vp, Card: "1..1"}),
				imm(Elem{Path: sys(vp, SNOMED), SCTID: true}),
				imm(Elem{Path: "identifier", Card: "1..1"}),
				imm(Elem{Each: "identifier", Path: "system", Card: "1..1"}),
				imm(Elem{Each: "identifier", Path: "value", Card: "1..1"}),
				imm(Elem{Path: "date", Card: "1..1"}),
				imm(Elem{Path: "patient", Ref: "Patient"}),
				imm(Elem{Path: "encounter", Ref: "Encounter"}),
				imm(Elem{Path: "location", Ref: "Location"}),
				imm(Elem{Path: "practitioner.actor", Ref: "Practitioner"}),
				imm(Elem{Path: "manufacturer", Ref: "Organization"}),
				imm(Elem{Each: "vaccinationProtocol", Path: "doseSequence", Card: "1..1"}),
				imm(Elem{Path: sys("site", SNOMED), Card: "0..1"}),
				imm(Elem{Each: sys("site", SNOMED), Path: "code", Card: "1..1"}),
				imm(Elem{Each: sys("site", SNOMED), Path: "display", Card: "1..1"}),
				imm(Elem{Path: sys("route", SNOMED), Card: "0..1"}),
				imm(Elem{Each: sys("route", SNOMED), Path: "code", Card: "1..1"}),
				imm(Elem{Each: sys("route", SNOMED), Path: "display", Card: "1..1"}),
			},
			Check: codedOrText("Immunization", vp, SNOMED)},
		{ID: "VAC-NOTGIVEN", Summary: "reasonNotGiven when not given, none when given (imm-1, imm-2)", Severity: Error, Events: vac,
			Source: srcVAC + " row explanation.reasonNotGiven; " + srcSCH + " immunization.sch imm-1, imm-2",
			Text:   "When notGiven is true: explanation.reasonNotGiven present, and no reaction and no explanation.reason (imm-1). When notGiven is false: no explanation.reasonNotGiven (imm-2).",
			Check: orSkip(all(
				when("Immunization", "notGiven", "true", []string{"explanation.reasonNotGiven"}, []string{"reaction", "explanation.reason"}),
				when("Immunization", "notGiven", "false", nil, []string{"explanation.reasonNotGiven"})),
				"no Immunization with notGiven true or false")},
		{ID: "VAC-REPORTORIGIN", Summary: "reportOrigin when the vaccination was reported (primarySource false)", Severity: Warning, Events: vac,
			Source: srcVAC + ` row reportOrigin ("If the vaccination was reported then the original source should be included")`,
			Text:   "When primarySource is false: reportOrigin present.",
			Check:  orSkip(when("Immunization", "primarySource", "false", []string{"reportOrigin"}, nil), "no Immunization with primarySource false")},
		{ID: "VAC-VACCINECODE", Summary: "vaccineCode from CareConnect-VaccineCode-1 or a valid SNOMED CT id", Severity: Warning, Events: vac,
			Source: srcVAC + ` row vaccineCode ("should use a value from the CareConnect-VaccineCode-1 value set"); ValueSet CareConnect-VaccineCode-1`,
			Text:   "Immunization.vaccineCode has at least one coding that is SNOMED CT with a valid SCTID (the refset-defined part of CareConnect-VaccineCode-1) or from CareConnect-VaccineCode-1 (NullFlavor NAVU, UNC, UNK, NA); every SNOMED CT coding in it is a valid SCTID.",
			Elems:  []Elem{imm(Elem{Path: sys("vaccineCode", SNOMED), SCTID: true})},
			Check:  snomedOrList("Immunization", "vaccineCode", codes.CareConnectVaccineCode1)},
		{ID: "VAC-PRACTROLE", Summary: "PractitionerRole: organization, practitioner, ProfessionalType-1 code, one Specialty-1 specialty", Severity: Error, Events: vac,
			Source: srcVAC + " PractitionerRole table (organization 1..1, practitioner 1..1, code 1..* ProfessionalType-1, specialty 1..1 Specialty-1); " + srcCC + " PractitionerRole",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; at least one code has a coding from ProfessionalType-1; exactly one specialty, with a coding from Specialty-1; at most one code holds an SDS job role name coding, and that code has exactly one coding, with code and display.",
			Elems: []Elem{
				{Of: "PractitionerRole", Path: "organization", Card: "1..1", Ref: "Organization"},
				{Of: "PractitionerRole", Path: "practitioner", Card: "1..1", Ref: "Practitioner"},
				{Of: "PractitionerRole", Path: "specialty", Card: "1..1"},
			},
			Check: all(someFrom("PractitionerRole", false, "code", codes.ProfessionalType1),
				someFrom("PractitionerRole", false, "specialty", codes.Specialty1),
				holders("PractitionerRole", "code", sysSDSJobRole, 0, 1, 1))},
		{ID: "VAC-ENCOUNTER", Summary: "Encounter: a type, one coding a type, subject the Patient, at most one Location", Severity: Error, Events: vac,
			Source: srcVAC + " Encounter table (type 1..*, location 0..1, subject 1..1); " + srcCC + " Encounter",
			Text:   "Every Encounter: at least one type; every type has at most one coding; subject resolves to the Patient; at most one location, whose location resolves to a Location.",
			Elems: []Elem{
				{Of: "Encounter", Path: "type", Card: "1..*"},
				{Of: "Encounter", Each: "type", Path: "coding", Card: "0..1"},
				{Of: "Encounter", Path: "subject", Card: "1..1", Ref: "Patient"},
				{Of: "Encounter", Path: "location", Card: "0..1"},
				{Of: "Encounter", Path: "location.location", Ref: "Location"},
			}},
		{ID: "VAC-ENCOUNTER-TYPE", Summary: "Encounter type from DCH-ChildHealthEncounterType-1", Severity: Warning, Events: vac,
			Source: srcVAC + ` row Encounter.type ("SHOULD include a value from the EncounterType-1 value set"); ValueSet EncounterType-1 (all of DCH-ChildHealthEncounterType-1)`,
			Text:   "Every Encounter has a type coding from DCH-ChildHealthEncounterType-1 (the whole of ValueSet EncounterType-1); other codings may be added.",
			Check:  someFrom("Encounter", false, "type", codes.DCHChildHealthEncounterType1)},
	}
}
