package eventrules

import "github.com/nems-harness/nems-harness/internal/codes"

// The two hearing tests (Procedure.code.coding, SNOMED CT).
var (
	aabr = CodeDisplay{"413083006", "Automated auditory brainstem response test"}
	aoae = CodeDisplay{"446077009", "Automated otoacoustic emission test"}
)

// newbornHearing is the Newborn Hearing event (newborn_hearing_1 page).
var newbornHearing = Event{
	Code: "newborn-hearing-1", Display: "Newborn Hearing", Name: "Newborn Hearing", Short: "NBH",
	Focus: "Encounter", PatientPath: "subject",
	MessageTypes: []string{New, Delete},
	Counts: map[string][]Count{
		New: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 1, 1}, {"Patient", 1, 1}, {"Observation", 1, 1},
			{"Location", 0, 1}, {"Practitioner", 0, 1}, {"PractitionerRole", 0, 1}, {"HealthcareService", 0, 1}, {"Procedure", 0, 6}, {"Communication", 0, 1}},
		Delete: {{"MessageHeader", 1, 1}, {"Encounter", 1, 1}, {"Organization", 0, 1}, {"Patient", 0, 1}, {"Observation", 0, 1},
			{"Location", 0, 1}, {"Practitioner", 0, 1}, {"PractitionerRole", 0, 1}, {"HealthcareService", 0, 1}, {"Procedure", 0, 6}, {"Communication", 0, 1}},
	},
	Rules: []Rule{
		noUpdate("NBH", `NBH "Event Life Cycle" ("A value of update will not be used ... a value of new shall be used instead")`),
		{ID: "NBH-RESOURCES", Severity: Error, Kind: Counts,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, Observation 1..1, Location 0..1, Practitioner 0..1, PractitionerRole 0..1, HealthcareService 0..1, Procedure 0..6, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, Observation 0..1, Location 0..1, Practitioner 0..1, PractitionerRole 0..1, HealthcareService 0..1, Procedure 0..6, Communication 0..1.",
			Source: `NBH "Resource Cardinality" rows; "Identifying Information"`},
		screeningEncounter("NBH", "NBH", true),
		{ID: "NBH-PROCEDURE", Severity: Error, Resource: "Procedure",
			Text:   "Every Procedure: subject resolves to the Patient; performedDateTime present (not performedPeriod); code has exactly one coding, of system http://snomed.info/sct, AABR (413083006, Automated auditory brainstem response test) or AOAE (446077009, Automated otoacoustic emission test); outcome has exactly one SNOMED CT coding, from DCH-AABRHearingTest-Outcome-1 for an AABR Procedure and from DCH-AOAEHearingTest-Outcome-1 for an AOAE one. At most 2 AABR Procedures, one per ear; at most 4 AOAE Procedures, two per ear (the ear is the outcome's).",
			Source: `NBH Procedure table (subject 1..1, performedDateTime 1..1), "CareConnect-Procedure-1 (AABR Hearing Test)" and "(AOAE Hearing Test)" tables; CODES`,
			Reqs: []Req{
				{Path: "subject", To: "Patient"},
				{Path: "performedDateTime", Min: 1},
				{Path: "code", Codings: &Codings{Max: 1, Min: 1}},
				{Path: "code", Codings: &Codings{System: snomed, Min: 1, Max: 1, Fixed: []CodeDisplay{aabr, aoae}}},
				{Path: "outcome", Codings: &Codings{System: snomed, Min: 1, Max: 1}},
			},
			Checks: []Check{
				conditionalList("code", "outcome", snomed, map[string]string{aabr.Code: codes.DCHAABRHearingTestOutcome1, aoae.Code: codes.DCHAOAEHearingTestOutcome1}),
				perGroup("code", aabr.Code, "outcome", snomed, "AABR", 2, []Group{
					{Name: "left ear", Codes: []string{"1085431000000105", "1085461000000100"}, Max: 1},
					{Name: "right ear", Codes: []string{"1085451000000103", "1085471000000107"}, Max: 1},
				}),
				perGroup("code", aoae.Code, "outcome", snomed, "AOAE", 4, []Group{
					{Name: "left ear", Codes: []string{"1085491000000106", "1085511000000103"}, Max: 2},
					{Name: "right ear", Codes: []string{"1085501000000100", "1085521000000109"}, Max: 2},
				}),
			}},
		{ID: "NBH-OBSERVATION", Severity: Error, Resource: "Observation",
			Text:   "Every Observation (the hearing screening summary outcome): subject resolves to the Patient; valueCodeableConcept present, with at least one SNOMED CT coding, every one a valid concept id (DCH-HearingScreeningOutcome-1 is refset-defined: 999002021000000105); effectiveDateTime present (not effectivePeriod).",
			Source: "NBH CareConnect-Observation-1 table (subject 1..1, valueCodeableConcept 1..1, effectiveDateTime 1..1); ASSETS-VS ValueSet-DCH-HearingScreeningOutcome-1",
			Reqs: []Req{
				{Path: "subject", Min: 1, To: "Patient"},
				{Path: "valueCodeableConcept", Min: 1},
				{Path: "valueCodeableConcept", Codings: &Codings{System: snomed, Min: 1, Max: all, SCTID: true}},
				{Path: "effectiveDateTime", Min: 1},
			}},
		{ID: "NBH-PRACTROLE", Severity: Error, Resource: "PractitionerRole",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; exactly one code holds a DCH-ProfessionalType-1 coding, and that coding is from DCH-ProfessionalType-1.",
			Source: "NBH PractitionerRole table (organization 1..1, practitioner 1..1, code(careProfessionalType) 1..1); CODES",
			Reqs: []Req{
				{Path: "organization", Min: 1, To: "Organization"},
				{Path: "practitioner", Min: 1, To: "Practitioner"},
				{Path: "code", Codings: &Codings{System: dchProfTypeSys, Min: 1, Max: 1, Holders: true, List: codes.DCHProfessionalType1}},
			}},
		screeningCommunication("NBH", "NBH", CodeDisplay{"008", "Newborn Hearing Screening"}),
	},
}
