package eventrules

import "github.com/nems-harness/nems-harness/internal/codes"

// The rows the three screening events (blood spot, newborn hearing, NIPE)
// share, as functions of the event's data.

// noUpdate is the rule that the event allows no update message.
func noUpdate(short, source string) Rule {
	return Rule{ID: short + "-NOUPDATE", Severity: Error, Kind: MessageType,
		Text:   "The message event type is not update. (Other rules judge an update message as a new one.)",
		Source: source}
}

// screeningEncounter is the focus Encounter rule; periodStart adds
// period.start on new.
func screeningEncounter(short, page string, periodStart bool) Rule {
	r := Rule{ID: short + "-ENCOUNTER", Severity: Error, Resource: "Encounter", FocusOnly: true,
		Text: "The Encounter (focus): exactly one identifier, with system and value; over all its type elements, exactly one DCH-ChildHealthEncounterType-1 coding on new, at most one on delete, from DCH-ChildHealthEncounterType-1; every type has at most one coding; serviceProvider present on new and, when present, resolves to an Organization; subject present on new and, when present, resolves to the Patient; at most one location, whose location resolves to a Location",
		Source: page + " Encounter table (identifier 1..1/1..1, type.coding(childHealthEncounterType) 1..1/0..1, serviceProvider 1..1/0..1, location 0..1, subject 1..1/0..1" +
			map[bool]string{true: ", period.start 1..1/0..1", false: ""}[periodStart] + "); CC-Encounter; CODES DCH-ChildHealthEncounterType-1",
		Reqs: []Req{
			{Path: "identifier", Min: 1, Max: 1},
			{Each: "identifier", Path: "system", Min: 1},
			{Each: "identifier", Path: "value", Min: 1},
			{On: []string{New}, Path: "type", Codings: &Codings{System: encounterTypeSys, Min: 1, Max: 1, List: codes.DCHChildHealthEncounterType1}},
			{On: []string{Delete}, Path: "type", Codings: &Codings{System: encounterTypeSys, Max: 1, List: codes.DCHChildHealthEncounterType1}},
			{Each: "type", Path: "coding", Max: 1},
			{On: []string{New}, Path: "serviceProvider", Min: 1},
			{Path: "serviceProvider", To: "Organization"},
			{On: []string{New}, Path: "subject", Min: 1},
			{Path: "subject", To: "Patient"},
			{Path: "location", Max: 1},
			{Path: "location.location", To: "Location"},
		}}
	if periodStart {
		r.Text += "; period.start present on new"
		r.Reqs = append(r.Reqs, Req{On: []string{New}, Path: "period.start", Min: 1})
	}
	r.Text += "."
	return r
}

// screeningCommunication is the Communication rule with the event's
// professional comment type(s).
func screeningCommunication(short, page string, types ...CodeDisplay) Rule {
	return Rule{ID: short + "-COMMUNICATION", Severity: Error, Resource: "Communication",
		Text:   "Every Communication: status completed; sender resolves to an Organization; subject resolves to the Patient; over all its category elements, exactly one DCH-ProfessionalCommentType-1 coding, and it is " + fixedList(types) + ".",
		Source: page + " Communication table (status \"Fixed value: completed\", sender 1..1, subject 1..1, category.coding system, code and display fixed); CODES DCH-ProfessionalCommentType-1",
		Reqs: []Req{
			{Path: "status", Value: "completed"},
			{Path: "sender", Min: 1, To: "Organization"},
			{Path: "subject", Min: 1, To: "Patient"},
			{Path: "category", Codings: &Codings{System: commentTypeSys, Min: 1, Max: 1, Fixed: types}},
		}}
}

// screeningProcedure is the Procedure rule of an event whose Procedures
// each carry one of a fixed set of codes and a refset-defined outcome.
func screeningProcedure(short, page, what, refset string, tests []CodeDisplay) Rule {
	return Rule{ID: short + "-PROCEDURE", Severity: Error, Resource: "Procedure",
		Text: "Every Procedure: subject resolves to the Patient; code has exactly one coding, of system " + snomed + ", whose code and display are exactly one of the " + what +
			"; no two Procedures have the same " + what[:len(what)-1] + " code; outcome has exactly one coding of system " + snomed + ", and its code is a valid concept id (" + refset + ").",
		Source: page + " Procedure table (subject 1..1) and the per-" + what[:len(what)-1] + " CareConnect-Procedure-1 tables (fixed system, code and display; outcome.coding(snomedCT) 1..1)",
		Reqs: []Req{
			{Path: "subject", To: "Patient"},
			{Path: "code", Codings: &Codings{Max: 1, Min: 1}},
			{Path: "code", Codings: &Codings{System: snomed, Min: 1, Max: 1, Fixed: tests}},
			{Path: "outcome", Codings: &Codings{System: snomed, Min: 1, Max: 1, SCTID: true}},
		},
		Checks: []Check{uniqueCode("code", snomed, what[:len(what)-1]+" code")},
	}
}
