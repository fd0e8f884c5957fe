package content

import "github.com/nems-harness/nems-harness/internal/codes"

const srcNBH = "Newborn Hearing page (newborn_hearing_1)"

// The two hearing tests (Procedure.code.coding, SNOMED CT).
var (
	hearingAABR = [2]string{"413083006", "Automated auditory brainstem response test"}
	hearingAOAE = [2]string{"446077009", "Automated otoacoustic emission test"}
)

func hearingRules() []*Rule {
	ev := []string{Hearing}
	return []*Rule{
		noUpdate("NBH", Hearing, srcNBH),
		{ID: "NBH-RESOURCES", Summary: "resource counts of a new and of a delete", Severity: Error, Events: ev,
			Source: srcNBH + ` "Resource Cardinality" rows (Procedure "0..6 Required"); "Identifying Information"`,
			Text:   "Resource counts. new: MessageHeader 1..1, Encounter 1..1, Organization 1..1, Patient 1..1, Observation 1..1, Location 0..1, Practitioner 0..1, PractitionerRole 0..1, HealthcareService 0..1, Procedure 0..6, Communication 0..1. delete: MessageHeader 1..1, Encounter 1..1, Organization 0..1, Patient 0..1, Observation 0..1, Location 0..1, Practitioner 0..1, PractitionerRole 0..1, HealthcareService 0..1, Procedure 0..6, Communication 0..1.",
			Counts: screeningCounts(
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 1..1", "Patient 1..1", "Observation 1..1", "Location 0..1",
					"Practitioner 0..1", "PractitionerRole 0..1", "HealthcareService 0..1", "Procedure 0..6", "Communication 0..1"},
				[]string{"MessageHeader 1..1", "Encounter 1..1", "Organization 0..1", "Patient 0..1", "Observation 0..1", "Location 0..1",
					"Practitioner 0..1", "PractitionerRole 0..1", "HealthcareService 0..1", "Procedure 0..6", "Communication 0..1"})},
		screeningEncounter("NBH", Hearing, srcNBH, true),
		{ID: "NBH-PROCEDURE", Summary: "Procedures: AABR and AOAE tests, outcomes from their value sets, per-ear counts", Severity: Error, Events: ev,
			Source: srcNBH + ` Procedure table (subject 1..1, performedDateTime 1..1); "CareConnect-Procedure-1 (AABR Hearing Test)" ("0..2", "one for each ear") and "(AOAE Hearing Test)" ("0..4", "two for each test performed (one for each ear)"); code lists DCH-AABRHearingTest-Outcome-1, DCH-AOAEHearingTest-Outcome-1`,
			Text:   "Every Procedure: subject resolves to the Patient; performedDateTime present (not performedPeriod); code has exactly one coding, of system http://snomed.info/sct, AABR " + pairsText([][2]string{hearingAABR}) + " or AOAE " + pairsText([][2]string{hearingAOAE}) + "; outcome has exactly one SNOMED CT coding, from DCH-AABRHearingTest-Outcome-1 for an AABR Procedure and from DCH-AOAEHearingTest-Outcome-1 for an AOAE one. At most 2 AABR Procedures, one per ear; at most 4 AOAE Procedures, two per ear (the ear is the outcome's).",
			Elems: []Elem{
				{Of: "Procedure", Path: "subject", Ref: "Patient"},
				{Of: "Procedure", Path: "performedDateTime", Card: "1..1"},
				{Of: "Procedure", Path: "code.coding", Card: "1..1"},
				{Of: "Procedure", Path: sys("code", SNOMED), Card: "1..1", Pairs: [][2]string{hearingAABR, hearingAOAE}},
				{Of: "Procedure", Path: sys("outcome", SNOMED), Card: "1..1"},
			},
			Check: all(
				listByCode("Procedure", "code", "outcome", SNOMED, map[string]string{
					hearingAABR[0]: codes.DCHAABRHearingTestOutcome1, hearingAOAE[0]: codes.DCHAOAEHearingTestOutcome1}),
				perGroup("Procedure", "code", hearingAABR[0], "outcome", SNOMED, "AABR", 2,
					group{"left ear", []string{"1085431000000105", "1085461000000100"}, 1},
					group{"right ear", []string{"1085451000000103", "1085471000000107"}, 1}),
				perGroup("Procedure", "code", hearingAOAE[0], "outcome", SNOMED, "AOAE", 4,
					group{"left ear", []string{"1085491000000106", "1085511000000103"}, 2},
					group{"right ear", []string{"1085501000000100", "1085521000000109"}, 2}),
			)},
		{ID: "NBH-OBSERVATION", Summary: "screening outcome Observation: subject, SNOMED CT value, effectiveDateTime", Severity: Error, Events: ev,
			Source: srcNBH + " CareConnect-Observation-1 table (subject 1..1, valueCodeableConcept 1..1 from DCH-HearingScreeningOutcome-1, effectiveDateTime 1..1); ValueSet DCH-HearingScreeningOutcome-1 (refset 999002021000000105)",
			Text:   "Every Observation (the hearing screening summary outcome): subject resolves to the Patient; valueCodeableConcept present, with at least one SNOMED CT coding, every one a valid SCTID (DCH-HearingScreeningOutcome-1 is refset-defined: its membership is not checked); effectiveDateTime present (not effectivePeriod).",
			Elems: []Elem{
				{Of: "Observation", Path: "subject", Card: "1..1", Ref: "Patient"},
				{Of: "Observation", Path: "valueCodeableConcept", Card: "1..1"},
				{Of: "Observation", Path: sys("valueCodeableConcept", SNOMED), Card: "1..*", SCTID: true},
				{Of: "Observation", Path: "effectiveDateTime", Card: "1..1"},
			}},
		{ID: "NBH-PRACTROLE", Summary: "PractitionerRole: organization, practitioner, one DCH-ProfessionalType-1 code", Severity: Error, Events: ev,
			Source: srcNBH + " PractitionerRole table (organization 1..1, practitioner 1..1, code(careProfessionalType) 1..1 from DCH-ProfessionalType-1)",
			Text:   "Every PractitionerRole: organization resolves to an Organization; practitioner resolves to a Practitioner; exactly one code holds a DCH-ProfessionalType-1 coding, and that coding is from DCH-ProfessionalType-1.",
			Elems: []Elem{
				{Of: "PractitionerRole", Path: "organization", Card: "1..1", Ref: "Organization"},
				{Of: "PractitionerRole", Path: "practitioner", Card: "1..1", Ref: "Practitioner"},
				{Of: "PractitionerRole", Path: sys("code", sysDCHProfType), Coding: codes.DCHProfessionalType1},
			},
			Check: holders("PractitionerRole", "code", sysDCHProfType, 1, 1, 0)},
		screeningCommunication("NBH", Hearing, srcNBH, [2]string{"008", "Newborn Hearing Screening"}),
	}
}
