package breaks_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/breaks"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

func failedRules(t *testing.T, body []byte, format string) []string {
	t.Helper()
	b, doc, err := fhir.ReadDoc(body, format)
	if err != nil {
		t.Fatalf("the broken message does not read: %v", err)
	}
	c, err := content.NewCatalogue(content.All())
	if err != nil {
		t.Fatal(err)
	}
	profile := content.ProfileCurrent
	if format == "json" {
		profile = content.Profile2019
	}
	var out []string
	for _, r := range c.Judge(content.NewMessage(doc, b, content.Context{Profile: profile})) {
		if r.Outcome == content.Fail {
			out = append(out, r.Rule.ID+": "+r.Summary())
		}
	}
	return out
}

// Every break, in XML and in JSON, fails its rule and no other content rule.
func TestEachBreakFailsOnlyItsRule(t *testing.T) {
	for _, br := range breaks.All() {
		for _, format := range []string{"xml", "json"} {
			t.Run(br.Name+"."+format, func(t *testing.T) {
				msg, err := fixtures.Bundle(br.Fixture(format))
				if err != nil {
					t.Fatal(err)
				}
				if got := failedRules(t, msg, format); len(got) != 0 {
					t.Fatalf("the fixture itself fails %q", got)
				}
				out, err := br.Apply(msg, format)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Equal(out, msg) {
					t.Fatal("the break changed nothing")
				}
				got := failedRules(t, out, format)
				if len(got) != 1 || got[0][:len(br.Rule)+1] != br.Rule+":" {
					t.Fatalf("want only %s to fail, got %q", br.Rule, got)
				}
			})
		}
	}
}

// Every per-event rule has a break.
func TestEveryEventRuleHasABreak(t *testing.T) {
	for _, r := range content.Events() {
		if len(breaks.ForRule(r.ID)) == 0 {
			t.Errorf("no break for %s", r.ID)
		}
	}
	seen := map[string]bool{}
	for _, br := range breaks.All() {
		if seen[br.Name] {
			t.Errorf("break %s twice", br.Name)
		}
		seen[br.Name] = true
		if b, ok := breaks.Lookup(br.Name); !ok || b.Rule != br.Rule {
			t.Errorf("Lookup(%s)", br.Name)
		}
	}
}

func TestApplyReportsWhatItCannotChange(t *testing.T) {
	br, _ := breaks.Lookup("nbh-communication-blood-spot")
	msg, err := fixtures.Bundle("newborn-hearing-1-new.xml") // no Communication
	if err != nil {
		t.Fatal(err)
	}
	if _, err := br.Apply(msg, "xml"); err == nil {
		t.Fatal("want an error: the message has no Communication")
	}
	if _, err := br.Apply(msg, "yaml"); err == nil {
		t.Fatal("want an error for an unknown format")
	}
}

func ExampleBreak_Apply() {
	br, _ := breaks.Lookup("bst-outcome-valueset-system")
	msg, _ := fixtures.Bundle(br.Fixture("xml"))
	out, _ := br.Apply(msg, "xml")
	fmt.Println(br.Rule, bytes.Contains(out, []byte(`<system value="https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1"/>`)))
	// Output: BST-PROCEDURE true
}

func TestIsWarning(t *testing.T) {
	for rule, want := range map[string]bool{"EVT-SOURCE-NAME": true, "PC-CARETEAM": true, "BST-PROCEDURE": false, "EVT-SOURCE": false, "NO-SUCH": false} {
		if got := breaks.IsWarning(rule); got != want {
			t.Errorf("IsWarning(%s) = %v", rule, got)
		}
	}
}
