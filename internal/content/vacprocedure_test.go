package content_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/content"
)

// TestVaccinationProcedureCodedOrText: VAC-IMMUNIZATION (a) judges the
// vaccination procedure extension's CodeableConcept: with codings, one is
// SNOMED CT; with none, its text is there.
func TestVaccinationProcedureCodedOrText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		concept map[string]any
		want    content.Outcome
		reason  string
	}{
		{"SNOMED CT", cc(codingOf(snomed, "170433008", "Measles mumps and rubella vaccination - second dose (procedure)")), content.Pass, ""},
		{"text only", map[string]any{"text": "MMR second dose"}, content.Pass, ""},
		{"another system only", cc(codingOf("https://example.org/procedures", "MMR2", "MMR second dose")), content.Fail, "no coding of system http://snomed.info/sct"},
		{"neither coding nor text", map[string]any{"extension": []any{map[string]any{"url": "https://example.org/x", "valueString": "y"}}}, content.Fail, "no coding and no text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := fixtures.Bundle("vaccinations-1-new.json")
			require.NoError(t, err)
			var b map[string]any
			require.NoError(t, json.Unmarshal(body, &b))
			imm := first(b, "Immunization")
			ext := imm["extension"].([]any)[0].(map[string]any)
			require.Contains(t, ext["url"], "VaccinationProcedure")
			ext["valueCodeableConcept"] = tc.concept
			for _, r := range judge(t, marshal(b), "json") {
				if r.Rule.ID != "VAC-IMMUNIZATION" {
					continue
				}
				assert.Equal(t, tc.want, r.Outcome, diagnostics(r))
				if tc.reason != "" {
					assert.Contains(t, r.Summary(), tc.reason)
				}
				return
			}
			t.Fatal("VAC-IMMUNIZATION not judged")
		})
	}
}
