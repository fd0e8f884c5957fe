package content_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/internal/content"
)

var update = flag.Bool("update", false, "rewrite docs/content-rules.md from the catalogue")

const rulesPage = "../../docs/content-rules.md"

// The committed page is the catalogue's: a changed rule without a
// regenerated page fails here.
func TestRulesPage(t *testing.T) {
	got := content.RulesPage(catalogue(t))
	if *update {
		if err := os.MkdirAll(filepath.Dir(rulesPage), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rulesPage, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(rulesPage)
	if err != nil {
		t.Fatalf("%v: run go test ./internal/content -run TestRulesPage -update", err)
	}
	if string(want) != got {
		t.Fatal("docs/content-rules.md is stale: run go test ./internal/content -run TestRulesPage -update")
	}
	for _, r := range catalogue(t).Rules() {
		if !strings.Contains(got, "| "+r.ID+" | "+string(r.Severity)+" |") {
			t.Errorf("the page has no row for %s", r.ID)
		}
	}
	for _, want := range []string{"## Vaccinations (VAC-*)", "## NIPE Outcome (NIPE-*)", "| DCH-Specialty-1 |", "## Known differences from the TKW validator", "`171191008` | `Cystic fibrosis screening`", "(found https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1); and 10 more`"} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
