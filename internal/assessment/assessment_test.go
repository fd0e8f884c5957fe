package assessment

import (
	"encoding/base64"
	"fmt"
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
		scenario("good reason", "passed", "@JWT-REASON"),
		scenario("cert", "skipped", "@EP-CERT"),
	}, ",") + `]}]`
	rows, counts, err := FromCucumber(strings.NewReader(doc), mockspine.Profile2019)
	require.NoError(t, err)
	assert.Equal(t, reports.ScenarioCounts{Passed: 2, Failed: 1, Skipped: 1}, counts)
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
	assert.Contains(t, byID["EP-CERT"].Reason, "mutual TLS")
	assert.Equal(t, reports.NotAssessed, byID["NHS-FLAGS"].Verdict, "a rule no scenario ran is never a pass")
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
