package content_test

import (
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/breaks"
	"github.com/nems-harness/nems-harness/internal/content"
)

// A breach about a wrong value (a system, code, display, fixed value,
// pattern, one of a list) ends its reason with the value found, as
// RULES-CONTENT.md "Modes and answers" shows: "[BST-PROCEDURE] entry[5]
// Procedure.outcome.coding: no coding with system http://snomed.info/sct
// (found https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1)".
func TestWrongValuesNameWhatWasFound(t *testing.T) {
	cases := []struct {
		brk  string
		want string // the first breach, whole
	}{
		{"bst-outcome-valueset-system", "Procedure.outcome.coding: no coding with system http://snomed.info/sct (found https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1)"},
		{"event-display", `MessageHeader.event.display: want "NIPE outcome" (found NIPE Outcome)`},
		{"bst-communication-status", `Communication.status: want "completed" (found in-progress)`},
		{"bst-encounter-type-8", "Encounter.type.coding: not a coding from DCH-ChildHealthEncounterType-1 (found https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1|8)"},
		{"nipe-communication-wrong-pair", "Communication.category.coding: not an allowed code and display (found code 009, display Newborn and Infant Physical Examination (6-8 Weeks))"},
		{"nipe-examination-display", `Procedure.code.coding: not an allowed code and display (found code 985531000000102, display "Newborn and Infant Physical Examination Screening Programme, hip examination ")`},
		{"vac-role-dch-specialty", "PractitionerRole.specialty: no coding from Specialty-1 (found https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1|290)"},
		{"bst-update", "valueCodeableConcept.coding.code: a message event type blood-spot-test-outcome-1 does not allow (allowed: new, delete) (found update)"},
	}
	for _, c := range cases {
		for _, format := range []string{"xml", "json"} {
			t.Run(c.brk+"."+format, func(t *testing.T) {
				br, ok := breaks.Lookup(c.brk)
				if !ok {
					t.Fatalf("no break %s", c.brk)
				}
				body, err := fixtures.Bundle(br.Fixture(format))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = br.Apply(body, format); err != nil {
					t.Fatal(err)
				}
				for _, r := range judge(t, body, format) {
					if r.Rule.ID != br.Rule {
						continue
					}
					if r.Outcome != content.Fail {
						t.Fatalf("%s: %s %s", r.Rule.ID, r.Outcome, r.Reason)
					}
					if got := r.Findings[0].String(); !strings.HasSuffix(got, c.want) {
						t.Errorf("first breach %q, want it to end %q", got, c.want)
					}
					return
				}
				t.Fatalf("rule %s not judged", br.Rule)
			})
		}
	}
}

// A value found is shortened, and quoted where white space would hide.
func TestFoundValuesShortenedAndQuoted(t *testing.T) {
	long := strings.Repeat("x", 150)
	cases := []struct{ name, value, want string }{
		{"plain", "in-progress", "(found in-progress)"},
		{"empty", "", `(found "")`},
		{"padded", "completed ", `(found "completed ")`},
		{"long", long, "(found " + strings.Repeat("x", 100) + "…)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := fixtures.Bundle("blood-spot-test-outcome-1-update.xml")
			if err != nil {
				t.Fatal(err)
			}
			i := strings.Index(string(body), "<Communication>")
			if i < 0 {
				t.Fatal("no Communication")
			}
			s := string(body[:i]) + strings.Replace(string(body[i:]), `<status value="completed"/>`, `<status value="`+c.value+`"/>`, 1)
			if s == string(body) {
				t.Fatal("no Communication status to change")
			}
			for _, r := range judge(t, []byte(s), "xml") {
				if r.Outcome == content.Fail && strings.Contains(r.Summary(), ".status: want") {
					if !strings.HasSuffix(r.Findings[0].Reason, c.want) {
						t.Errorf("reason %q, want it to end %q", r.Findings[0].Reason, c.want)
					}
					return
				}
			}
			t.Fatal("no status breach")
		})
	}
}
