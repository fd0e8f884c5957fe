// Package content judges what an event message carries: the content rules
// of RULES-CONTENT.md, run over the element tree that fhir.ReadDoc builds in
// the same pass that reads the body.
//
// # Model
//
// A Message wraps a *fhir.Doc (every element, with its line) and indexes
// it once: entries by resource type and by fullUrl, the MessageHeader, the
// focus resource and "the Patient". Checks read the Message, never the
// bytes. The first rule that reads elements has the tree read once more
// into a flat index in document order (index.go), each element with its
// name as a small integer: table rows look their elements up there, and
// the checks that visit every element go through it instead of walking the
// Doc again. Catalogue.Judge gives the index back when it is done.
//
// # Rules as data
//
// A Rule is ID, text, source, severity and where it applies (events,
// message event types, profiles), and then, as data wherever it can be:
//
//   - Counts: "resource T occurs min..max" for the message event types
//     listed, e.g. {Of: "Procedure", Card: "3..4", On: []string{"new"}};
//   - Elems: "in every T (or the one T), the elements at Path occur
//     min..max, each has fixed value V / one of the values / a value
//     matching a pattern / is a Coding from list L / a Coding of system S
//     with a valid SCTID / a Reference that resolves to type U", e.g.
//     {Of: "Encounter", Path: "type.coding[system=" + sys + "]", Card: "1..1", Coding: "DCH-ChildHealthEncounterType-1", On: onNew};
//   - Check: a small function, only for genuine logic (references,
//     Verhoeff, the journal rules), reporting through a *Report.
//
// Paths are dotted FHIR element names from the resource; a step may be
// extension(url) (an extension with that url) or name[child=value] (the
// repetitions whose child has that value); Each names a repetition that
// Path and Card are counted within ("every type has at most one coding":
// {Of: "Encounter", Each: "type", Path: "coding", Card: "0..1"}).
//
// Judge runs every rule of a Catalogue over a Message and gives one Result
// per rule: Pass (judged, no breach, at least one instance judged), Fail
// (every breach as a Finding: entry index, FHIR path, line, reason) or
// NotAssessed with a reason ("applies to nipe-outcome-1 only", "no
// PractitionerRole in the message", "history of this run only: no earlier
// message"). A per-event rule set is a []*Rule appended to the catalogue;
// a sixth event is a new table, not a new path.
//
// Rules that remember (EVT-MSGID-UNIQUE, EVT-VERSIONID-ORDER,
// EVT-LASTUPDATED-ORDER, EVT-LIFECYCLE) ask a History: the earlier
// accepted messages of the same run, in arrival order. Memory is the
// in-process History; whoever accepts a message records its Facts there,
// so replaying a journal in order gives the same verdicts.
package content
