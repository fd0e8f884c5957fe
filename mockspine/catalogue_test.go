package mockspine_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

func TestCatalogueIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range mockspine.Rules() {
		assert.Regexp(t, `^[A-Z]{2,4}(-[A-Z0-9]+)+$`, r.ID)
		assert.False(t, seen[r.ID], "rule %s defined twice", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Text, r.ID)
		assert.NotEmpty(t, r.Source, r.ID)
		assert.NotEmpty(t, r.Area, r.ID)
		assert.NotZero(t, r.Answer.Status, r.ID)
		assert.NotEmpty(t, r.Answer.Code.Code, r.ID)
		assert.NotEmpty(t, r.Answer.IssueType, r.ID)
		got, ok := mockspine.RuleByID(r.ID)
		require.True(t, ok)
		assert.Same(t, r, got)
	}
}

// TestCatalogueMatchesRulesDocument checks the catalogue against the rule
// list the product is built to, when that document is beside the project.
func TestCatalogueMatchesRulesDocument(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "shared", "RULES.md"))
	if err != nil {
		t.Skip("the shared rule document is not beside the project")
	}
	ids := regexp.MustCompile(`(?m)^\| ([A-Z]{2,4}(?:-[A-Z0-9]+)+) \|`).FindAllStringSubmatch(string(doc), -1)
	require.NotEmpty(t, ids)
	want := map[string]bool{}
	for _, m := range ids {
		want[m[1]] = true
		_, ok := mockspine.RuleByID(m[1])
		assert.True(t, ok, "rule %s of RULES.md is not in the catalogue", m[1])
	}
	for _, r := range mockspine.Rules() {
		assert.True(t, want[r.ID], "catalogue rule %s is not in RULES.md", r.ID)
	}
}

// TestJWTRulesAnswerStructure: Spine Core's JWT validation table gives issue
// type structure for every JWT failure.
func TestJWTRulesAnswerStructure(t *testing.T) {
	for _, r := range mockspine.Rules() {
		if len(r.ID) > 4 && r.ID[:4] == "JWT-" {
			assert.Equal(t, "structure", r.Answer.IssueType, r.ID)
			assert.Equal(t, "MISSING_OR_INVALID_HEADER", r.Answer.Code.Code, r.ID)
			assert.Equal(t, 400, r.Answer.Status, r.ID)
		}
	}
}

// TestReasonsAreBounded: a request that sends megabytes where a code is
// expected gets a diagnostic of bounded size.
func TestReasonsAreBounded(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	c := newCase(t, w)
	c.header.Set("InteractionID", "urn:nhs:names:services:events:"+strings.Repeat("é", 20_000)+".Write")
	a := send(t, c.request(t, ts.URL))
	require.Equal(t, 400, a.status)
	d := a.outcome.Issues[0].Diagnostics
	assert.Contains(t, d, "[HDR-INTERACTION]")
	assert.Less(t, len(d), mockspine.MaxReason+100)
	assert.Contains(t, d, "more bytes not shown")
	assert.True(t, utf8.ValidString(d))
}
