package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TestReadmeRuleTableIsTheCatalogue: the README's rule table is what
// `rules --markdown` prints from the catalogue, so the two cannot drift
// apart. (Regenerate it with `nems-harness rules --markdown`.)
func TestReadmeRuleTableIsTheCatalogue(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "<!-- rules:begin")
	require.True(t, ok, "the README has no rules:begin marker")
	_, rest, _ = strings.Cut(rest, "-->\n")
	table, _, ok := strings.Cut(rest, "<!-- rules:end -->")
	require.True(t, ok, "the README has no rules:end marker")

	var out, errOut bytes.Buffer
	require.Equal(t, 0, runRules([]string{"--markdown"}, &out, &errOut), errOut.String())
	assert.Equal(t, out.String(), table, "the README's rule table differs from the catalogue: paste `nems-harness rules --markdown` between the markers")
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
