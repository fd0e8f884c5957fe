package content

import (
	"fmt"
	"strings"

	"github.com/nems-harness/nems-harness/internal/codes"
)

// The rows the three screening events (blood spot, newborn hearing, NIPE)
// share, built from each event's data. Their pages allow no update: an
// update is *-NOUPDATE's failure and the other rules judge it as a new.

func noUpdate(short, event, page string) *Rule {
	return &Rule{ID: short + "-NOUPDATE", Summary: "no update message: a changed outcome is published as new", Severity: Error, Events: []string{event},
		Source: page + ` "Event Life Cycle" ("A value of update will not be used for this type of event ... a value of new shall be used instead")`,
		Text:   "The message event type is not update. (Other rules judge an update message as a new one.)",
		Check:  allowedTypes}
}

// screeningCounts gives the count rows of new (and update) and of delete.
func screeningCounts(newRows, deleteRows []string) []Count {
	return append(counts(onNewish, newRows...), counts(onDelete, deleteRows...)...)
}

func screeningEncounter(short, event, page string, periodStart bool) *Rule {
	enc := func(e Elem) Elem { e.Of, e.The = "Encounter", true; return e }
	r := &Rule{ID: short + "-ENCOUNTER", Summary: "focus Encounter: identifier, DCH-ChildHealthEncounterType-1 type, provider, subject, location", Severity: Error, Events: []string{event},
		Source: page + " Encounter table (identifier 1..1/1..1, type.coding(childHealthEncounterType) 1..1/0..1, serviceProvider 1..1/0..1, location 0..1, subject 1..1/0..1" +
			map[bool]string{true: ", period.start 1..1/0..1"}[periodStart] + "); " + srcCC + " Encounter; code list DCH-ChildHealthEncounterType-1",
		Text: "The Encounter (focus): exactly one identifier, with system and value; over all its type elements exactly one DCH-ChildHealthEncounterType-1 coding on new (at most one on delete), a coding from that list; every type has at most one coding; serviceProvider present on new and, when present, resolves to an Organization; subject present on new and, when present, resolves to the Patient; at most one location, whose location resolves to a Location",
		Elems: []Elem{
			enc(Elem{Path: "identifier", Card: "1..1"}),
			enc(Elem{Each: "identifier", Path: "system", Card: "1..1"}),
			enc(Elem{Each: "identifier", Path: "value", Card: "1..1"}),
			enc(Elem{Path: sys("type", sysEncounterType), Card: "1..1", On: onNewish}),
			enc(Elem{Path: sys("type", sysEncounterType), Card: "0..1", On: onDelete}),
			enc(Elem{Path: sys("type", sysEncounterType), Coding: codes.DCHChildHealthEncounterType1}),
			enc(Elem{Each: "type", Path: "coding", Card: "0..1"}),
			enc(Elem{Path: "serviceProvider", Card: "1..1", On: onNewish}),
			enc(Elem{Path: "serviceProvider", Ref: "Organization"}),
			enc(Elem{Path: "subject", Card: "1..1", On: onNewish}),
			enc(Elem{Path: "subject", Ref: "Patient"}),
			enc(Elem{Path: "location", Card: "0..1"}),
			enc(Elem{Path: "location.location", Ref: "Location"}),
		}}
	if periodStart {
		r.Text += "; period.start present on new"
		r.Summary += ", period start"
		r.Elems = append(r.Elems, enc(Elem{Path: "period.start", Card: "1..1", On: onNewish}))
	}
	r.Text += "."
	return r
}

// pairsText writes fixed (code, display) pairs for a rule's text.
func pairsText(pairs [][2]string) string {
	s := make([]string, len(pairs))
	for i, p := range pairs {
		s[i] = fmt.Sprintf("(%s, %s)", p[0], p[1])
	}
	return strings.Join(s, " or ")
}

func screeningCommunication(short, event, page string, types ...[2]string) *Rule {
	return &Rule{ID: short + "-COMMUNICATION", Summary: "Communication: completed, sender, subject, comment type " + codesText(types), Severity: Error, Events: []string{event},
		Source: page + ` Communication table (status "Fixed value: completed", sender 1..1, subject 1..1, category.coding system, code and display fixed); code list DCH-ProfessionalCommentType-1`,
		Text:   "Every Communication: status completed; sender resolves to an Organization; subject resolves to the Patient; over all its category elements, exactly one DCH-ProfessionalCommentType-1 coding, and it is " + pairsText(types) + ".",
		Elems: []Elem{
			{Of: "Communication", Path: "status", Fixed: "completed"},
			{Of: "Communication", Path: "sender", Card: "1..1", Ref: "Organization"},
			{Of: "Communication", Path: "subject", Card: "1..1", Ref: "Patient"},
			{Of: "Communication", Path: sys("category", sysCommentType), Card: "1..1", Pairs: types},
		}}
}

// screeningProcedure is the Procedure rule of an event whose Procedures
// carry one of a fixed set of codes and a refset-defined outcome.
func screeningProcedure(short, event, page, what, refset string, tests [][2]string) *Rule {
	return &Rule{ID: short + "-PROCEDURE", Summary: "Procedures: each " + what + " with its fixed code and display, one SNOMED CT outcome", Severity: Error, Events: []string{event},
		Source: page + " Procedure table (subject 1..1) and the per-" + what + " CareConnect-Procedure-1 tables (fixed system, code and display; outcome.coding(snomedCT) 1..1); ValueSet " + refset,
		Text: "Every Procedure: subject resolves to the Patient; code has exactly one coding, of system " + SNOMED + ", whose code and display are exactly one " + what + "'s (the table below); no two Procedures have the same " + what +
			" code; outcome has exactly one coding of system " + SNOMED + ", whose code is a valid SCTID (" + refset + " is refset-defined: its membership is not checked).",
		Elems: []Elem{
			{Of: "Procedure", Path: "subject", Ref: "Patient"},
			{Of: "Procedure", Path: "code.coding", Card: "1..1"},
			{Of: "Procedure", Path: sys("code", SNOMED), Card: "1..1", Pairs: tests},
			{Of: "Procedure", Path: sys("outcome", SNOMED), Card: "1..1", SCTID: true},
		},
		Check: uniqueCode("Procedure", "code", SNOMED, what+" code")}
}

// codesText lists fixed pairs' codes with their displays, for a summary.
func codesText(pairs [][2]string) string {
	s := make([]string, len(pairs))
	for i, p := range pairs {
		s[i] = p[0] + " " + p[1]
	}
	return strings.Join(s, " or ")
}
