package content

import (
	"fmt"
	"strings"

	"github.com/nems-harness/nems-harness/internal/codes"
)

// RulesPage renders the content rule page (docs/content-rules.md) from a
// catalogue: every rule by event with its severity, where it applies and
// its source, the fixed code tables, the code lists with their sources and
// the known differences from the NHS TKW validator. A test keeps the
// committed page equal to it.
func RulesPage(c *Catalogue) string {
	var b strings.Builder
	b.WriteString("# Content rules\n\n")
	b.WriteString("<!-- Generated from the content rule catalogue (internal/content); do not edit. " +
		"Regenerate with: go test ./internal/content -run TestRulesPage -update -->\n\n")
	b.WriteString("The content rules judge what a NEMS event message carries, once its envelope has passed MSG-BUNDLE. " +
		"An `error` rule fails the message (and, with `--content reject`, rejects it with 422 INVALID_RESOURCE); " +
		"a `warning` rule is reported and never fails a result. Every rule is judged per resource instance, " +
		"never bundle-wide; a rule whose resource is absent, or which belongs to another event, is *not assessed*, never passed.\n\n")
	b.WriteString("A failed rule's diagnostics are `[RULE-ID] `, its first breach located by entry (0-based) and FHIR path, and `; and N more` when there are others. " +
		"A breach about a wrong value (a system, code, display, fixed value, pattern or one of a list) ends with the value found, shortened to 100 bytes " +
		"and quoted when it is empty or white space would hide in it: `[BST-PROCEDURE] entry[4] Procedure.outcome.coding: no coding with system " +
		SNOMED + " (found https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1); and 10 more` (the specification's own blood spot example).\n\n")
	b.WriteString("Contents: [generic rules](#generic-rules-all-five-events)")
	for _, ev := range events {
		fmt.Fprintf(&b, ", [%s](#%s)", ev.Display, anchor(eventTitle(ev)))
	}
	b.WriteString(", [code lists](#code-lists), [known differences from the TKW validator](#known-differences-from-the-tkw-validator).\n\n")

	var generic []*Rule
	byEvent := map[string][]*Rule{}
	for _, r := range c.Rules() {
		if len(r.Events) == 1 && strings.HasPrefix(r.ID, shortOf(r.Events[0])+"-") {
			byEvent[r.Events[0]] = append(byEvent[r.Events[0]], r)
		} else {
			generic = append(generic, r)
		}
	}
	b.WriteString("## Generic rules (all five events)\n\n")
	ruleTable(&b, generic, true)
	for _, ev := range events {
		fmt.Fprintf(&b, "## %s\n\n", eventTitle(ev))
		fmt.Fprintf(&b, "Event code `%s`, display `%s`; focus resource %s; message event types %s.\n\n",
			ev.Code, ev.Display, ev.Focus, "`"+strings.Join(ev.Types, "`, `")+"`")
		ruleTable(&b, byEvent[ev.Code], false)
		switch ev.Code {
		case BloodSpot:
			pairTable(&b, "Blood spot tests (`Procedure.code.coding`, system `"+SNOMED+"`):", "Test code", BloodSpotTests())
		case Hearing:
			pairTable(&b, "Hearing tests (`Procedure.code.coding`, system `"+SNOMED+"`):", "Test code", [][2]string{hearingAABR, hearingAOAE})
		case NIPE:
			pairTable(&b, "NIPE examinations (`Procedure.code.coding`, system `"+SNOMED+"`):", "Examination code", NIPEExaminations())
		}
	}
	b.WriteString("## Code lists\n\n")
	b.WriteString("The enumerable code lists the rules use, as the project's own tables (internal/codes, generated from the source files named here). " +
		"Value sets defined by SNOMED CT reference sets cannot be listed offline: for those a rule checks only the system and that the code is a valid SNOMED CT concept id " +
		"(6 to 18 digits, partition 00 or 10, Verhoeff check digit), never membership.\n\n")
	b.WriteString("| List | Kind | url | Version | Concepts | Source | Used by |\n|---|---|---|---|---|---|---|\n")
	for _, name := range codes.Names() {
		l := codes.MustGet(name)
		s := l.Source()
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %d | %s@%s `%s` | %s |\n", name, l.Kind(), l.URL(), l.Version(), l.Len(),
			s.Repository, short(s.Commit), s.Path, strings.Join(l.UsedBy(), ", "))
	}
	b.WriteString("\n")
	b.WriteString(tkwDifferences)
	return b.String()
}

func eventTitle(ev Event) string {
	return fmt.Sprintf("%s (%s-*)", longName(ev.Code), shortOf(ev.Code))
}

// longName is the event's name as its page titles it.
func longName(code string) string {
	switch code {
	case NIPE:
		return "NIPE Outcome"
	}
	ev, _ := LookupEvent(code)
	return ev.Display
}

// shortOf is the rule ID prefix of an event's own rules.
func shortOf(code string) string {
	switch code {
	case Vaccinations:
		return "VAC"
	case ProfContacts:
		return "PC"
	case BloodSpot:
		return "BST"
	case Hearing:
		return "NBH"
	case NIPE:
		return "NIPE"
	}
	return ""
}

func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func ruleTable(b *strings.Builder, rules []*Rule, showEvents bool) {
	if showEvents {
		b.WriteString("| ID | Severity | Applies to | Rule | Source |\n|---|---|---|---|---|\n")
	} else {
		b.WriteString("| ID | Severity | Message types | Rule | Source |\n|---|---|---|---|---|\n")
	}
	for _, r := range rules {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Severity, cell(applies(r, showEvents)), cell(r.Text), cell(r.Source))
	}
	b.WriteString("\n")
}

// applies says where a rule applies, for the page.
func applies(r *Rule, showEvents bool) string {
	var parts []string
	if showEvents {
		if len(r.Events) == 0 {
			parts = append(parts, "all five events")
		} else {
			var s []string
			for _, e := range r.Events {
				s = append(s, shortOf(e))
			}
			parts = append(parts, strings.Join(s, ", "))
		}
	}
	if len(r.Types) > 0 {
		parts = append(parts, strings.Join(r.Types, ", "))
	} else if !showEvents {
		ev, _ := LookupEvent(r.Events[0])
		parts = append(parts, strings.Join(ev.Types, ", "))
		if strings.HasSuffix(r.ID, "-NOUPDATE") {
			parts[len(parts)-1] = "all (update fails)"
		}
	}
	if len(r.Profiles) > 0 {
		parts = append(parts, "profile "+strings.Join(r.Profiles, ", "))
	}
	if r.XMLOnly {
		parts = append(parts, "XML only")
	}
	return strings.Join(parts, "; ")
}

func pairTable(b *strings.Builder, title, head string, pairs [][2]string) {
	fmt.Fprintf(b, "%s\n\n| %s | Display (exact) |\n|---|---|\n", title, head)
	for _, p := range pairs {
		fmt.Fprintf(b, "| `%s` | `%s` |\n", p[0], p[1])
	}
	b.WriteString("\n")
}

// cell makes text safe for a table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func short(commit string) string {
	if len(commit) > 7 {
		return commit[:7]
	}
	return commit
}

// tkwDifferences is the page's last section: where the NHS TKW validator
// pack judges differently from the event pages, which this catalogue
// follows.
const tkwDifferences = `## Known differences from the TKW validator

The NHS Toolkit Workbench (TKW) validator pack for NEMS (nhsdigitalmait/FHIR_NEMS, validator_config/) runs the HAPI FHIR STU3 validator and then its own XSLT checks. Where those checks and the NEMS event pages disagree, this harness follows the pages. A message that passes here can therefore draw errors from TKW, and the reverse. The differences we know of:

- **Immunization not given.** TKW looks for ` + "`reasonNotGiven`" + ` directly under Immunization; in STU3 it sits in ` + "`explanation`" + `. A correct not-given vaccination fails there; here it passes VAC-NOTGIVEN.
- **"Element not found" warnings.** TKW's vaccination checks take the element name from the text of their own rule, so they warn about manufacturer, site, route and doseSequence even when the message carries them.
- **Vaccination encounter location.** TKW reads ` + "`Encounter.location.reference`" + `; STU3 has ` + "`Encounter.location.location.reference`" + `, so TKW never checks it. VAC-ENCOUNTER does.
- **References.** TKW matches the part of a reference after its last colon against resource ids, so only ` + "`urn:uuid:`" + ` references whose UUID equals the target's id pass. EVT-REFS resolves against ` + "`fullUrl`" + `. Keeping ` + "`fullUrl`" + ` equal to ` + "`urn:uuid:`" + ` plus the id, as the fixtures do, satisfies both.
- **Counting.** TKW counts some cardinalities over the whole Bundle (for example every Patient identifier, every Organization identifier), so two Organizations, which the pages allow, or a second Patient name can raise errors. Here every count is per resource instance.
- **Screening PractitionerRole.** TKW expects the professional type under the ValueSet url (` + "`…/ValueSet/DCH-ProfessionalType-1`" + `) where the pages and examples use the CodeSystem url, requires a key worker status on every event (the NIPE page makes it optional; the newborn hearing page has none) and reads a misspelt ` + "`speciality`" + ` element, so STU3's ` + "`specialty`" + ` is never checked.
- **Screening Encounter.** TKW requires a ` + "`practitioner`" + ` element that the Encounter resource does not have, and rejects status ` + "`entered-in-error`" + `, which the pages use for delete messages.
- **Screening Procedure codes.** TKW picks the event from ` + "`MessageHeader.event.display`" + ` rather than the code; it still expects the old cystic fibrosis pair (314080004, "Cystic fibrosis screening test", replaced in January 2025 by 171191008, "Cystic fibrosis screening") and an older maple syrup urine disease display; it knows neither the severe combined immunodeficiency nor the tyrosinaemia test; and it checks the NIPE heart examination against the testes code 988371000000103 instead of 988351000000107.
- **Coverage.** TKW's event checks cover Vaccinations and Professional Contacts fully; for the three screening events they are the partial, partly outdated checks above. This catalogue judges all five events to their pages.
`
