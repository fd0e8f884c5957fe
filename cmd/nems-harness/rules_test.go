package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TestDocsRuleTableIsTheCatalogue: the rule table of docs/rules.md is what
// `rules --markdown` prints from the catalogue, so the two cannot drift
// apart. (Regenerate the page as TestRulesPageIsTheCatalogue says.)
func TestDocsRuleTableIsTheCatalogue(t *testing.T) {
	page, err := os.ReadFile(rulesPagePath)
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(page), "<!-- rules:begin")
	require.True(t, ok, "docs/rules.md has no rules:begin marker")
	_, rest, _ = strings.Cut(rest, "-->\n")
	table, _, ok := strings.Cut(rest, "<!-- rules:end -->")
	require.True(t, ok, "docs/rules.md has no rules:end marker")

	var out, errOut bytes.Buffer
	require.Equal(t, 0, runRules([]string{"--markdown"}, &out, &errOut), errOut.String())
	assert.Equal(t, out.String(), table, "the rule table of docs/rules.md differs from the catalogue: go test ./cmd/nems-harness -run TestRulesPage -update-docs")
}

// TestRulesListEveryAnswer: `rules` and `rules --json` show every answer a
// rule can give, alternatives and added header fields included.
func TestRulesListEveryAnswer(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, runRules(nil, &out, &errOut), errOut.String())
	for _, r := range mockspine.Rules() {
		assert.Contains(t, out.String(), r.ID)
		for _, a := range r.Alternatives {
			assert.Contains(t, out.String(), "or "+a.Name)
		}
	}
	assert.Contains(t, out.String(), "+ WWW-Authenticate: Bearer")

	out.Reset()
	require.Equal(t, 0, runRules([]string{"--json"}, &out, &errOut), errOut.String())
	var got []mockspine.Rule
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, mockspine.Rules(), got)
}
