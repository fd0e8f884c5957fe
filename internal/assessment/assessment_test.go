package assessment

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func scenario(name, status string, tags ...string) string {
	var ts []string
	for _, t := range tags {
		ts = append(ts, fmt.Sprintf(`{"name":%q}`, t))
	}
	emb := ""
	if status == "failed" {
		emb = fmt.Sprintf(`,"embeddings":[{"name":"request","mime_type":"text/plain","data":%q},{"name":"response","mime_type":"text/plain","data":%q}]`,
			b64("POST http://x/STU3/Events/1/$process-message\nfromASID: 1\n\n<Bundle/>"), b64("HTTP 202 Accepted\n\n"))
	}
	return fmt.Sprintf(`{"name":%q,"type":"scenario","line":3,"tags":[%s],"steps":[
		{"keyword":"Given ","name":"a publish","result":{"status":"passed"}},
		{"keyword":"Then ","name":"it is rejected","result":{"status":%q,"error_message":"expected 400, got 202"}%s}]}`,
		name, strings.Join(ts, ","), status, emb)
}

func TestFromCucumber(t *testing.T) {
	doc := `[{"uri":"features/jwt.feature","name":"JWT","elements":[` + strings.Join([]string{
		scenario("good scope", "passed", "@JWT-SCOPE", "@conforming"),
		scenario("bad scope", "failed", "@JWT-SCOPE", "@violation"),
		scenario("good reason", "passed", "@JWT-REASON", "@conforming"),
		scenario("bad reason", "passed", "@JWT-REASON", "@violation"),
		scenario("cert", "skipped", "@EP-CERT", "@conforming"),
	}, ",") + `]}]`
	rows, counts, err := FromCucumber(strings.NewReader(doc), mockspine.Profile2019)
	require.NoError(t, err)
	assert.Equal(t, reports.ScenarioCounts{Passed: 3, Failed: 1, Skipped: 1}, counts)
	require.Len(t, rows, len(mockspine.Rules()))
	byID := map[string]reports.RuleRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	scope := byID["JWT-SCOPE"]
	assert.Equal(t, reports.Fail, scope.Verdict)
	require.Len(t, scope.Evidence, 1)
	assert.Contains(t, scope.Evidence[0].Message, "expected 400, got 202")
	require.NotNil(t, scope.Evidence[0].Request)
	assert.Equal(t, "POST http://x/STU3/Events/1/$process-message", scope.Evidence[0].Request.StartLine)
	assert.Equal(t, []string{"1"}, scope.Evidence[0].Request.Header["fromASID"])
	assert.Equal(t, "<Bundle/>", scope.Evidence[0].Request.Body)
	assert.Len(t, scope.Scenarios, 2)

	assert.Equal(t, reports.Pass, byID["JWT-REASON"].Verdict)
	assert.Equal(t, reports.NotAssessed, byID["EP-CERT"].Verdict)
	assert.Equal(t, reports.NotAssessed, byID["NHS-FLAGS"].Verdict, "a rule no scenario ran is never a pass")
}

// skippedBecause is a scenario skipped with a reason, as the suite records
// it (an attachment of the skipped step).
func skippedBecause(name, reason string, tags ...string) string {
	var ts []string
	for _, t := range tags {
		ts = append(ts, fmt.Sprintf(`{"name":%q}`, t))
	}
	emb := ""
	if reason != "" {
		emb = fmt.Sprintf(`,"embeddings":[{"name":%q,"mime_type":"text/plain","data":%q}]`, SkipAttachment, b64(reason))
	}
	return fmt.Sprintf(`{"name":%q,"type":"scenario","line":9,"tags":[%s],"steps":[
		{"keyword":"Given ","name":"a publish","result":{"status":"skipped"}%s},
		{"keyword":"Then ","name":"it is rejected","result":{"status":"skipped"}}]}`, name, strings.Join(ts, ","), emb)
}

// TestARulePassesOnlyOnEvidence covers each way a rule's scenarios can fail
// to show it kept and broken: the rule is then not assessed, with the
// reason, and listed as unexercised when selected scenarios were skipped.
func TestARulePassesOnlyOnEvidence(t *testing.T) {
	const noS = "the fixtures have no S-flagged patient"
	kept := func(status string) string { return scenario("kept", status, "@NHS-FLAGS", "@conforming") }
	broken := func(status string) string { return scenario("broken", status, "@NHS-FLAGS", "@violation") }
	tests := []struct {
		name        string
		scenarios   []string
		verdict     reports.Verdict
		reason      string
		unexercised bool
	}{
		{"kept and broken both passed", []string{kept("passed"), broken("passed")}, reports.Pass, "2 scenario(s) passed: 1 showing the rule kept, 1 showing it broken", false},
		{"violation scenarios skipped", []string{kept("passed"), skippedBecause("broken", noS, "@NHS-FLAGS", "@violation")},
			reports.NotAssessed, "its violation scenarios were skipped: " + noS, true},
		{"conforming scenarios skipped", []string{skippedBecause("kept", "no traced patient", "@NHS-FLAGS", "@conforming"), broken("passed")},
			reports.NotAssessed, "its conforming scenarios were skipped: no traced patient", true},
		{"skipped without a reason", []string{kept("passed"), skippedBecause("broken", "", "@NHS-FLAGS", "@violation")},
			reports.NotAssessed, "its violation scenarios were skipped", true},
		{"both skipped alike", []string{skippedBecause("kept", noS, "@NHS-FLAGS", "@conforming"), skippedBecause("broken", noS, "@NHS-FLAGS", "@violation")},
			reports.NotAssessed, "its scenarios were skipped: " + noS, true},
		{"no violation scenario selected", []string{kept("passed")}, reports.NotAssessed, "no violation scenario of it was selected", false},
		{"no conforming scenario selected", []string{broken("passed")}, reports.NotAssessed, "no conforming scenario of it was selected", false},
		{"nothing selected", nil, reports.NotAssessed, "no scenario of this rule was selected (the tag expression or the profile left them out)", false},
		{"a scenario failed", []string{kept("passed"), broken("failed")}, reports.Fail, "1 scenario(s) failed", false},
		{"a failure beats a skip", []string{kept("failed"), skippedBecause("broken", noS, "@NHS-FLAGS", "@violation")}, reports.Fail, "1 scenario(s) failed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `[{"uri":"features/nhs.feature","name":"NHS","elements":[` + strings.Join(tt.scenarios, ",") + `]}]`
			scs, err := ReadCucumber(strings.NewReader(doc))
			require.NoError(t, err)
			var row reports.RuleRow
			for _, r := range FromScenarios(scs, mockspine.Profile2019) {
				if r.ID == "NHS-FLAGS" {
					row = r
				}
			}
			assert.Equal(t, tt.verdict, row.Verdict)
			assert.Equal(t, tt.reason, row.Reason)
			assert.Equal(t, tt.unexercised, slices.Contains(Unexercised(scs, mockspine.Profile2019), "NHS-FLAGS"))
		})
	}
}

func TestTallyAndSkipReasons(t *testing.T) {
	doc := `[{"uri":"f","name":"F","elements":[` + strings.Join([]string{
		scenario("a", "passed"), scenario("b", "failed"),
		skippedBecause("c", "no S"), skippedBecause("d", "no S"), skippedBecause("e", "plain HTTP"),
	}, ",") + `]}]`
	scs, err := ReadCucumber(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, reports.ScenarioCounts{Passed: 1, Failed: 1, Skipped: 3}, Tally(scs))
	assert.Equal(t, []string{"2 × no S", "1 × plain HTTP"}, SkipReasons(scs))
}

func TestFromCucumberRejectsGarbage(t *testing.T) {
	_, _, err := FromCucumber(strings.NewReader("{"), mockspine.Profile2019)
	require.Error(t, err)
}

func TestFromJournal(t *testing.T) {
	entries := []mockspine.Entry{
		{ID: "r1", Method: "POST", Path: "/p", Verdicts: []mockspine.Verdict{
			{Rule: "JWT-SCOPE", Outcome: mockspine.Pass},
			{Rule: "EP-CERT", Outcome: mockspine.NotAssessed, Reason: "plain HTTP"},
		}},
		{ID: "r2", Method: "POST", Path: "/p", Body: "<Bundle/>", Response: mockspine.Reply{Status: 400, Body: "oo"},
			Verdicts: []mockspine.Verdict{
				{Rule: "JWT-SCOPE", Outcome: mockspine.Fail, Reason: "Required scopes not found in token (x)"},
				{Rule: "EP-CERT", Outcome: mockspine.NotAssessed, Reason: "plain HTTP"},
			}},
	}
	rows := FromJournal(entries, mockspine.Profile2019)
	byID := map[string]reports.RuleRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	scope := byID["JWT-SCOPE"]
	assert.Equal(t, reports.Fail, scope.Verdict)
	require.Len(t, scope.Evidence, 1)
	assert.Equal(t, "[JWT-SCOPE] Required scopes not found in token (x)", scope.Evidence[0].Message)
	assert.Equal(t, "HTTP 400", scope.Evidence[0].Response.StartLine)
	assert.Equal(t, reports.NotAssessed, byID["EP-CERT"].Verdict)
	assert.Equal(t, "plain HTTP", byID["EP-CERT"].Reason)
	assert.Equal(t, reports.NotAssessed, byID["NHS-TRACED"].Verdict)
}
