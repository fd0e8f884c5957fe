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
		assert.Empty(t, r.Answer.Name, "%s: the usual answer has no name", r.ID)
		names := map[string]bool{}
		for _, b := range r.Answers() {
			assert.NotZero(t, b.Status, r.ID)
			assert.NotEmpty(t, b.Code.Code, r.ID)
			assert.NotEmpty(t, b.Code.Display, r.ID)
			assert.NotEmpty(t, b.IssueType, r.ID)
			assert.NotEmpty(t, b.When, r.ID)
			_, known := mockspine.LookupSpineCode(b.Code.Code)
			assert.True(t, known, "%s answers with an unknown Spine code %s", r.ID, b.Code.Code)
			for _, h := range b.Header {
				assert.NotEmpty(t, h.Name, r.ID)
				assert.NotEmpty(t, h.Value, r.ID)
			}
		}
		for _, b := range r.Alternatives {
			assert.Regexp(t, `^[a-z]+(-[a-z]+)*$`, b.Name, r.ID)
			assert.False(t, names[b.Name], "%s: answer %s named twice", r.ID, b.Name)
			names[b.Name] = true
			got, ok := r.Alternative(b.Name)
			assert.True(t, ok)
			assert.Equal(t, b, got)
		}
		for _, id := range r.DependsOn {
			_, ok := mockspine.RuleByID(id)
			assert.True(t, ok, "%s depends on unknown rule %s", r.ID, id)
			assert.NotEqual(t, r.ID, id)
		}
		if p := r.Publisher; p != nil {
			assert.NotEmpty(t, p.Text, r.ID)
			for _, id := range p.Given {
				_, ok := mockspine.RuleByID(id)
				assert.True(t, ok, "%s: publisher view given unknown rule %s", r.ID, id)
			}
		}
		got, ok := mockspine.RuleByID(r.ID)
		require.True(t, ok)
		assert.Equal(t, r, got)
	}
}

// TestCatalogueCannotBeChanged: what the accessors hand out are copies; an
// importer changing them changes nothing the mock judges or answers with.
func TestCatalogueCannotBeChanged(t *testing.T) {
	rules := mockspine.Rules()
	r := &rules[0]
	want, _ := mockspine.RuleByID(r.ID)
	r.Text = "changed"
	r.Answer.Status = 200
	r.Answer.Header = append(r.Answer.Header, mockspine.HeaderField{Name: "X", Value: "y"})
	r.Profiles = append(r.Profiles, "nowhere")
	for i := range r.Alternatives {
		r.Alternatives[i].Status = 200
	}
	r.DependsOn = append(r.DependsOn, "NOTHING")
	for _, rr := range rules {
		for i := range rr.DependsOn {
			rr.DependsOn[i] = "CHANGED"
		}
		for i := range rr.Answer.Header {
			rr.Answer.Header[i].Value = "changed"
		}
		if rr.Publisher != nil {
			rr.Publisher.Given[0] = "CHANGED"
		}
	}
	got, _ := mockspine.RuleByID(want.ID)
	assert.Equal(t, want, got)
	assert.Equal(t, want, mockspine.Rules()[0])
	bearer, _ := mockspine.RuleByID("JWT-BEARER")
	require.NotEmpty(t, bearer.Answer.Header)
	assert.Equal(t, "WWW-Authenticate", bearer.Answer.Header[0].Name)
	assert.Contains(t, bearer.Answer.Header[0].Value, "invalid_request")

	ev := mockspine.EventTypes()
	ev[0].Code = "changed"
	assert.NotEqual(t, "changed", mockspine.EventTypes()[0].Code)
	mt := mockspine.MessageEventTypes()
	mt[0] = "changed"
	assert.Equal(t, "new", mockspine.MessageEventTypes()[0])
	ps := mockspine.Profiles()
	ps[0] = "changed"
	assert.Equal(t, mockspine.Profile2019, mockspine.Profiles()[0])
	codes := mockspine.SpineCodes()
	codes[0].Display = "changed"
	c, ok := mockspine.LookupSpineCode(codes[0].Code)
	require.True(t, ok)
	assert.NotEqual(t, "changed", c.Display)
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
	contentDoc, err := os.ReadFile(filepath.Join("..", "..", "shared", "RULES-CONTENT.md"))
	require.NoError(t, err, "RULES-CONTENT.md is beside RULES.md")
	content := map[string]bool{}
	for _, m := range ids2(contentDoc) {
		content[m] = true
	}
	for _, r := range mockspine.Rules() {
		if r.Area == mockspine.AreaContent {
			assert.True(t, content[r.ID], "content rule %s is not in RULES-CONTENT.md", r.ID)
			continue
		}
		assert.True(t, want[r.ID], "catalogue rule %s is not in RULES.md", r.ID)
	}
	// Every generic content rule is in the catalogue (the per-event ones
	// follow with their events).
	for id := range content {
		if strings.HasPrefix(id, "EVT-") {
			_, ok := mockspine.RuleByID(id)
			assert.True(t, ok, "rule %s of RULES-CONTENT.md is not in the catalogue", id)
		}
	}
}

// ids2 lists the rule IDs of a rule table document.
func ids2(doc []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\| ([A-Z]{2,4}(?:-[A-Z0-9]+)+) \|`).FindAllStringSubmatch(string(doc), -1) {
		out = append(out, m[1])
	}
	return out
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
