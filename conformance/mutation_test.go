package conformance

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// TestSuiteCatchesAMockThatStopsEnforcingARule runs the suite against a mock
// with one rule's check disabled: some scenarios must fail, every failed
// scenario must be tagged with that rule, and the report must fail that rule
// and no other. The mock is the embedded one, over mutual TLS. Under the
// race detector a sample of rules keeps it quick; `make mutation` runs
// every rule without it.
func TestSuiteCatchesAMockThatStopsEnforcingARule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per rule")
	}
	w, err := fixtures.Default()
	require.NoError(t, err)
	sample := map[string]bool{"HDR-TOASID": true, "JWT-SCOPE": true, "MIME-CONTENT-TYPE": true, "NHS-FLAGS": true}
	for _, r := range mockspine.Rules() {
		if r.ID == "EP-CERT" {
			// Over mutual TLS the ASID scenarios (HDR-FROMASID, JWT-SYSTEM)
			// expect EP-CERT's refusal beside their own, so switching
			// EP-CERT off fails them too; the certs tests cover EP-CERT.
			continue
		}
		if raceEnabled && !sample[r.ID] {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			out := t.TempDir()
			res, err := Run(context.Background(), Options{DisabledRules: []string{r.ID}, World: w, Profile: mockspine.Profile2019, OutDir: out})
			require.NoError(t, err)
			assert.NotEqual(t, 0, res.Status, "the suite passed against a mock that does not enforce %s", r.ID)

			failed := 0
			for _, f := range readCucumber(t, res.CucumberJSON) {
				for _, el := range f.Elements {
					bad := false
					for _, st := range el.Steps {
						bad = bad || st.Result.Status == "failed"
					}
					if bad {
						failed++
						assert.True(t, hasTag(el.Tags, "@"+r.ID), "scenario %q failed but is not tagged @%s", el.Name, r.ID)
					}
				}
			}
			assert.NotZero(t, failed)

			fh, err := os.Open(filepath.Join(out, "cucumber.json"))
			require.NoError(t, err)
			defer fh.Close()
			rows, _, err := assessment.FromCucumber(fh, mockspine.Profile2019)
			require.NoError(t, err)
			for _, row := range rows {
				if row.ID == r.ID {
					assert.Equal(t, reports.Fail, row.Verdict, "the report must show %s failed", r.ID)
					assert.NotEmpty(t, row.Evidence)
				} else {
					assert.NotEqual(t, reports.Fail, row.Verdict, "only %s may fail, but %s did", r.ID, row.ID)
				}
			}
		})
	}
}
