// Package breaks holds named breaks of event content: each one change to a
// conforming event message (the fixtures of fixtures/bundles) that breaks
// exactly one content rule, made the same way to FHIR XML and FHIR JSON.
// Tests, the conformance scenarios and the reference publisher's content
// misbehaviours all use them, so "breaks BST-PROCEDURE" means the same
// change everywhere.
package breaks

import (
	"fmt"
	"sort"

	"github.com/nems-harness/nems-harness/internal/content"
)

// Break is one named change to an event message.
type Break struct {
	// Name is how scenarios and the publisher name it, e.g.
	// "bst-outcome-valueset-system".
	Name string
	// Rule is the ID of the content rule the change breaks.
	Rule string
	// Event and MessageType name the message it applies to: a fixture
	// fixtures/bundles/<Event>-<MessageType>.<format> (MessageType is the
	// fixture's name part: screening "update" fixtures carry new).
	Event, MessageType string
	// Description says what the change does, for lists and reports.
	Description string
	edits       []edit
}

type edit func(b []byte, format string) ([]byte, error)

// Apply makes the change to a message in a format ("xml" or "json").
func (br Break) Apply(msg []byte, format string) ([]byte, error) {
	if format != "xml" && format != "json" {
		return nil, fmt.Errorf("break %s: format %q: want xml or json", br.Name, format)
	}
	out := append([]byte(nil), msg...)
	for _, e := range br.edits {
		var err error
		if out, err = e(out, format); err != nil {
			return nil, fmt.Errorf("break %s: %w", br.Name, err)
		}
	}
	return out, nil
}

// Fixture is the file name of the fixture message the break applies to.
func (br Break) Fixture(format string) string {
	return br.Event + "-" + br.MessageType + "." + format
}

// Edits the breaks are written with.

func set(typ string, n int, path, value string) edit {
	return func(b []byte, f string) ([]byte, error) {
		return setValue(b, f, typ, n, path, value, fmt.Sprintf("%q", value))
	}
}

func setLiteral(typ, path, xmlValue, jsonValue string) edit {
	return func(b []byte, f string) ([]byte, error) { return setValue(b, f, typ, 0, path, xmlValue, jsonValue) }
}

func drop(typ, path string) edit {
	return func(b []byte, f string) ([]byte, error) { return remove(b, f, typ, 0, path) }
}

// dropIfAny removes an element where the resource has one (a break that
// must hold for a message with the element and one without).
func dropIfAny(typ, path string) edit {
	return func(b []byte, f string) ([]byte, error) {
		if _, err := at(b, f, typ, 0, path); err != nil {
			return b, nil // no such element: nothing to remove
		}
		return remove(b, f, typ, 0, path)
	}
}

func dropEntries(typ string, keep int) edit {
	return func(b []byte, f string) ([]byte, error) { return removeEntries(b, f, typ, keep) }
}

func copyOf(typ, id string) edit {
	return func(b []byte, f string) ([]byte, error) { return copyEntry(b, f, typ, id) }
}

// messageType sets the message event type code and its display.
func messageType(code, display string) []edit {
	return []edit{
		set("MessageHeader", 0, "valueCodeableConcept.coding.code", code),
		set("MessageHeader", 0, "valueCodeableConcept.coding.display", display),
	}
}

func one(e edit) []edit { return []edit{e} }

const (
	snomed   = "http://snomed.info/sct"
	copiedID = "0f3e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
)

// all is every break, in rule catalogue order.
var all = []Break{
	// Generic rules
	{Name: "no-source-contact", Rule: "EVT-SOURCE", Event: "vaccinations-1", MessageType: "new",
		Description: "leaves MessageHeader.source.contact out", edits: one(drop("MessageHeader", "source.contact"))},
	{Name: "no-source-name", Rule: "EVT-SOURCE-NAME", Event: "professional-contacts-1", MessageType: "new",
		Description: "leaves MessageHeader.source.name out (a warning)", edits: one(drop("MessageHeader", "source.name"))},
	{Name: "no-last-updated", Rule: "EVT-SEQUENCE", Event: "blood-spot-test-outcome-1", MessageType: "new",
		Description: "leaves MessageHeader.meta.lastUpdated out", edits: one(drop("MessageHeader", "meta.lastUpdated"))},
	{Name: "event-display", Rule: "EVT-HEADER", Event: "nipe-outcome-1", MessageType: "new",
		Description: `sends the event display "NIPE Outcome" (EventType-1 has "NIPE outcome")`,
		edits:       one(set("MessageHeader", 0, "event.display", "NIPE Outcome"))},
	{Name: "org-no-name", Rule: "EVT-ORGANIZATION", Event: "newborn-hearing-1", MessageType: "new",
		Description: "leaves the Organization's name out", edits: one(drop("Organization", "name"))},

	// Vaccinations
	{Name: "vac-two-immunizations", Rule: "VAC-RESOURCES", Event: "vaccinations-1", MessageType: "new",
		Description: "sends a second Immunization", edits: one(copyOf("Immunization", copiedID))},
	{Name: "vac-no-date", Rule: "VAC-IMMUNIZATION", Event: "vaccinations-1", MessageType: "new",
		Description: "leaves Immunization.date out", edits: one(drop("Immunization", "date"))},
	{Name: "vac-not-given-no-reason", Rule: "VAC-NOTGIVEN", Event: "vaccinations-1", MessageType: "update",
		Description: "sets notGiven true without explanation.reasonNotGiven", edits: one(setLiteral("Immunization", "notGiven", "true", "true"))},
	{Name: "vac-reported-no-origin", Rule: "VAC-REPORTORIGIN", Event: "vaccinations-1", MessageType: "new",
		Description: "sets primarySource false without reportOrigin (a warning)",
		edits:       []edit{setLiteral("Immunization", "primarySource", "false", "false"), dropIfAny("Immunization", "reportOrigin")}},
	{Name: "vac-vaccine-code-sctid", Rule: "VAC-VACCINECODE", Event: "vaccinations-1", MessageType: "new",
		Description: "sends a vaccine code whose check digit is wrong (a warning)", edits: one(set("Immunization", 0, "vaccineCode.coding.code", "34925411000001108"))},
	{Name: "vac-role-dch-specialty", Rule: "VAC-PRACTROLE", Event: "vaccinations-1", MessageType: "new",
		Description: "codes the PractitionerRole specialty with DCH-Specialty-1 instead of Specialty-1",
		edits:       one(set("PractitionerRole", 0, "specialty.coding.system", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1"))},
	{Name: "vac-encounter-no-subject", Rule: "VAC-ENCOUNTER", Event: "vaccinations-1", MessageType: "delete",
		Description: "leaves Encounter.subject out", edits: one(drop("Encounter", "subject"))},
	{Name: "vac-encounter-type-unlisted", Rule: "VAC-ENCOUNTER-TYPE", Event: "vaccinations-1", MessageType: "new",
		Description: "sends encounter type 15, not a DCH-ChildHealthEncounterType-1 code (0015 is; a warning)",
		edits:       one(set("Encounter", 0, "type.coding.code", "15"))},

	// Professional Contacts
	{Name: "pc-two-episodes", Rule: "PC-RESOURCES", Event: "professional-contacts-1", MessageType: "new",
		Description: "sends a second EpisodeOfCare", edits: one(copyOf("EpisodeOfCare", copiedID))},
	{Name: "pc-episode-type-sctid", Rule: "PC-EPISODE", Event: "professional-contacts-1", MessageType: "update",
		Description: "sends an EpisodeOfCare type whose check digit is wrong", edits: one(set("EpisodeOfCare", 0, "type.coding.code", "1234567"))},
	{Name: "pc-org-no-telecom", Rule: "PC-ORG-CONTACT", Event: "professional-contacts-1", MessageType: "new",
		Description: "leaves the managing Organization's telecom out", edits: one(drop("Organization", "telecom"))},
	{Name: "pc-careteam-no-name", Rule: "PC-CARETEAM", Event: "professional-contacts-1", MessageType: "new",
		Description: "leaves CareTeam.name out (a warning)", edits: one(drop("CareTeam", "name"))},

	// Blood Spot Test Outcome
	{Name: "bst-update", Rule: "BST-NOUPDATE", Event: "blood-spot-test-outcome-1", MessageType: "update",
		Description: "re-publishes a changed outcome as update instead of new", edits: messageType("update", "Update event message")},
	{Name: "bst-no-report", Rule: "BST-RESOURCES", Event: "blood-spot-test-outcome-1", MessageType: "new",
		Description: "leaves the DiagnosticReport out", edits: one(dropEntries("DiagnosticReport", 0))},
	{Name: "bst-encounter-type-8", Rule: "BST-ENCOUNTER", Event: "blood-spot-test-outcome-1", MessageType: "new",
		Description: "sends encounter type 8 instead of 008", edits: one(set("Encounter", 0, "type.coding.code", "8"))},
	{Name: "bst-report-not-issued", Rule: "BST-DIAGNOSTICREPORT", Event: "blood-spot-test-outcome-1", MessageType: "delete",
		Description: "leaves DiagnosticReport.issued out", edits: one(drop("DiagnosticReport", "issued"))},
	{Name: "bst-outcome-valueset-system", Rule: "BST-PROCEDURE", Event: "blood-spot-test-outcome-1", MessageType: "new",
		Description: "puts the DCH-BloodSpotOutcome-1 ValueSet url in the outcome's coding system, as the specification's example does",
		edits:       one(set("Procedure", 0, "outcome.coding.system", "https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1"))},
	{Name: "bst-communication-status", Rule: "BST-COMMUNICATION", Event: "blood-spot-test-outcome-1", MessageType: "update",
		Description: "sends the Communication with status in-progress", edits: one(set("Communication", 0, "status", "in-progress"))},

	// Newborn Hearing
	{Name: "nbh-update", Rule: "NBH-NOUPDATE", Event: "newborn-hearing-1", MessageType: "update",
		Description: "re-publishes a changed outcome as update instead of new", edits: messageType("update", "Update event message")},
	{Name: "nbh-no-observation", Rule: "NBH-RESOURCES", Event: "newborn-hearing-1", MessageType: "new",
		Description: "leaves the summary Observation out", edits: one(dropEntries("Observation", 0))},
	{Name: "nbh-encounter-no-period", Rule: "NBH-ENCOUNTER", Event: "newborn-hearing-1", MessageType: "new",
		Description: "leaves Encounter.period out", edits: one(drop("Encounter", "period"))},
	{Name: "nbh-procedure-not-performed", Rule: "NBH-PROCEDURE", Event: "newborn-hearing-1", MessageType: "update",
		Description: "leaves Procedure.performedDateTime out", edits: one(drop("Procedure", "performedDateTime"))},
	{Name: "nbh-outcome-sctid", Rule: "NBH-OBSERVATION", Event: "newborn-hearing-1", MessageType: "new",
		Description: "sends a screening outcome whose check digit is wrong", edits: one(set("Observation", 0, "valueCodeableConcept.coding.code", "276781000000108"))},
	{Name: "nbh-role-professional-type", Rule: "NBH-PRACTROLE", Event: "newborn-hearing-1", MessageType: "new",
		Description: "codes the professional type with ProfessionalType-1 instead of DCH-ProfessionalType-1",
		edits:       one(set("PractitionerRole", 0, "code.coding.system", "https://fhir.nhs.uk/STU3/CodeSystem/ProfessionalType-1"))},
	{Name: "nbh-communication-blood-spot", Rule: "NBH-COMMUNICATION", Event: "newborn-hearing-1", MessageType: "update",
		Description: "sends the blood spot comment type 007 instead of 008",
		edits: []edit{set("Communication", 0, "category.coding.code", "007"),
			set("Communication", 0, "category.coding.display", "Newborn Blood Spot Screening")}},

	// NIPE Outcome
	{Name: "nipe-update", Rule: "NIPE-NOUPDATE", Event: "nipe-outcome-1", MessageType: "update",
		Description: "re-publishes a changed outcome as update instead of new", edits: messageType("update", "Update event message")},
	{Name: "nipe-two-examinations", Rule: "NIPE-RESOURCES", Event: "nipe-outcome-1", MessageType: "new",
		Description: "sends two examinations (a new carries three or four)", edits: one(dropEntries("Procedure", 2))},
	{Name: "nipe-encounter-no-provider", Rule: "NIPE-ENCOUNTER", Event: "nipe-outcome-1", MessageType: "new",
		Description: "leaves Encounter.serviceProvider out", edits: one(drop("Encounter", "serviceProvider"))},
	{Name: "nipe-examination-display", Rule: "NIPE-PROCEDURE", Event: "nipe-outcome-1", MessageType: "new",
		Description: "sends the hip examination display with a trailing space",
		edits:       one(set("Procedure", 0, "code.coding.display", "Newborn and Infant Physical Examination Screening Programme, hip examination "))},
	{Name: "nipe-role-no-specialty", Rule: "NIPE-PRACTROLE", Event: "nipe-outcome-1", MessageType: "new",
		Description: "leaves PractitionerRole.specialty out", edits: one(drop("PractitionerRole", "specialty"))},
	{Name: "nipe-bcg-display", Rule: "NIPE-OBSERVATION", Event: "nipe-outcome-1", MessageType: "new",
		Description: `sends the BCG eligibility display "Not Eligible for BCG"`,
		edits:       one(set("Observation", 0, "valueCodeableConcept.coding.display", "Not Eligible for BCG"))},
	{Name: "nipe-communication-wrong-pair", Rule: "NIPE-COMMUNICATION", Event: "nipe-outcome-1", MessageType: "update",
		Description: "pairs comment code 009 with the 6-8 weeks display",
		edits:       one(set("Communication", 0, "category.coding.display", "Newborn and Infant Physical Examination (6-8 Weeks)"))},
}

// All lists every break, in rule catalogue order.
func All() []Break { return append([]Break(nil), all...) }

// Lookup finds a break by name.
func Lookup(name string) (Break, bool) {
	for _, b := range all {
		if b.Name == name {
			return b, true
		}
	}
	return Break{}, false
}

// ForRule lists the breaks of a rule.
func ForRule(rule string) []Break {
	var out []Break
	for _, b := range all {
		if b.Rule == rule {
			out = append(out, b)
		}
	}
	return out
}

// Rules lists the rules some break breaks, sorted.
func Rules() []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range all {
		if !seen[b.Rule] {
			seen[b.Rule] = true
			out = append(out, b.Rule)
		}
	}
	sort.Strings(out)
	return out
}

// IsWarning reports whether a rule is a warning rule of the content
// catalogue (a failure is reported and never fails a result).
func IsWarning(rule string) bool {
	for _, r := range content.All() {
		if r.ID == rule {
			return r.Severity == content.Warning
		}
	}
	return false
}
