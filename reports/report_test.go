package reports

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestVerdictNormalAndLabel(t *testing.T) {
	tests := []struct {
		in     Verdict
		normal Verdict
		label  string
	}{
		{Pass, Pass, "PASS"},
		{Fail, Fail, "FAIL"},
		{NotAssessed, NotAssessed, "NOT ASSESSED"},
		{"", NotAssessed, "NOT ASSESSED"},
		{"PASS", NotAssessed, "NOT ASSESSED"},
		{"skipped", NotAssessed, "NOT ASSESSED"},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			assert.Equal(t, tt.normal, tt.in.Normal())
			assert.Equal(t, tt.label, tt.in.Label())
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name                 string
		verdicts             []Verdict
		pass, fail, notAsses int
	}{
		{"empty", nil, 0, 0, 0},
		{"mixed", []Verdict{Pass, Fail, NotAssessed, Pass}, 2, 1, 1},
		{"unknown verdicts are not assessed, never pass", []Verdict{"", "ok", Pass}, 1, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{}
			for _, v := range tt.verdicts {
				r.Rules = append(r.Rules, RuleRow{ID: "X", Verdict: v})
			}
			p, f, n := r.Counts()
			assert.Equal(t, []int{tt.pass, tt.fail, tt.notAsses}, []int{p, f, n})
		})
	}

	p, f, n := sampleReport().Counts()
	assert.Equal(t, []int{7, 2, 2}, []int{p, f, n})
}

func TestScenarioCountsTotal(t *testing.T) {
	assert.Equal(t, 0, ScenarioCounts{}.Total())
	assert.Equal(t, 12, ScenarioCounts{Passed: 9, Failed: 2, Skipped: 1}.Total())
}

func TestPassed(t *testing.T) {
	tests := []struct {
		name   string
		report Report
		want   bool
	}{
		{"empty report", Report{}, true},
		{"all pass", Report{
			Scenarios: ScenarioCounts{Passed: 3},
			Rules:     []RuleRow{{ID: "JWT-SCOPE", Verdict: Pass}, {ID: "JWT-SUB", Verdict: Pass}},
		}, true},
		{"not assessed does not fail the report", Report{
			Scenarios: ScenarioCounts{Passed: 2, Skipped: 1},
			Rules:     []RuleRow{{ID: "EP-CERT", Verdict: NotAssessed}, {ID: "JWT-SUB", Verdict: Pass}},
		}, true},
		{"a rule failed", Report{
			Scenarios: ScenarioCounts{Passed: 3},
			Rules:     []RuleRow{{ID: "JWT-SCOPE", Verdict: Fail}, {ID: "JWT-SUB", Verdict: Pass}},
		}, false},
		{"a scenario failed though every rule passed", Report{
			Scenarios: ScenarioCounts{Passed: 2, Failed: 1},
			Rules:     []RuleRow{{ID: "JWT-SUB", Verdict: Pass}},
		}, false},
		{"a scenario listed against a rule failed", Report{
			Scenarios: ScenarioCounts{Passed: 1},
			Rules: []RuleRow{{ID: "JWT-SUB", Verdict: Pass, Scenarios: []ScenarioRef{
				{Name: "Publish a vaccination event", Status: StatusFailed},
			}}},
		}, false},
		{"skipped, undefined and pending scenarios do not fail", Report{
			Rules: []RuleRow{{ID: "JWT-SUB", Verdict: Pass, Scenarios: []ScenarioRef{
				{Status: StatusSkipped}, {Status: StatusUndefined}, {Status: StatusPending},
			}}},
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.report.Passed())
			want := "FAIL"
			if tt.want {
				want = "PASS"
			}
			assert.Equal(t, want, tt.report.Result())
		})
	}
	assert.False(t, sampleReport().Passed())
}

// TestUnexercisedRulesMakeTheResultIncomplete: a rule the run selected but
// could not assess keeps the report from passing; a failure still wins.
func TestUnexercisedRulesMakeTheResultIncomplete(t *testing.T) {
	r := Report{Scenarios: ScenarioCounts{Passed: 1, Skipped: 2}, Unexercised: []string{"NHS-FLAGS"},
		Rules: []RuleRow{{ID: "NHS-FLAGS", Verdict: NotAssessed}, {ID: "JWT-SUB", Verdict: Pass}}}
	assert.False(t, r.Passed())
	assert.Equal(t, "INCOMPLETE", r.Result())
	r.Rules[1].Verdict = Fail
	assert.Equal(t, "FAIL", r.Result())
}

func TestShortenBody(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantLen  int
		wantCut  int
		validUTF bool
	}{
		{"empty", "", 0, 0, true},
		{"small", "<Bundle/>", 9, 0, true},
		{"exactly the limit", strings.Repeat("a", MaxBodyBytes), MaxBodyBytes, 0, true},
		{"one byte over", strings.Repeat("a", MaxBodyBytes+1), MaxBodyBytes, 1, true},
		{"10 KB over", strings.Repeat("b", MaxBodyBytes+10<<10), MaxBodyBytes, 10 << 10, true},
		// "é" is two bytes: with one leading byte, the limit falls inside a character.
		{"cut at a character boundary", "x" + strings.Repeat("é", MaxBodyBytes), MaxBodyBytes - 1, 1 + 2*MaxBodyBytes - (MaxBodyBytes - 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shown, cut := shortenBody(tt.body)
			assert.Len(t, shown, tt.wantLen)
			assert.Equal(t, tt.wantCut, cut)
			assert.Equal(t, len(tt.body), len(shown)+cut)
			assert.Equal(t, tt.validUTF, utf8.ValidString(shown))
		})
	}
}

func TestMessageText(t *testing.T) {
	m := &HTTPMessage{
		StartLine: "POST http://127.0.0.1:8080/STU3/Events/1/$process-message",
		Header: map[string][]string{
			"toASID":       {"111111111111"},
			"Content-Type": {"application/fhir+xml"},
			"fromASID":     {"200000000117"},
			"Accept":       {"application/fhir+xml", "application/xml+fhir"},
		},
		Body: "<Bundle/>",
	}
	text, cut := messageText(m)
	assert.Equal(t, 0, cut)
	assert.Equal(t, "POST http://127.0.0.1:8080/STU3/Events/1/$process-message\n"+
		"Accept: application/fhir+xml\nAccept: application/xml+fhir\n"+
		"Content-Type: application/fhir+xml\nfromASID: 200000000117\ntoASID: 111111111111\n\n<Bundle/>", text)

	text, _ = messageText(&HTTPMessage{StartLine: "HTTP 202 Accepted"})
	assert.Equal(t, "HTTP 202 Accepted", text)

	text, _ = messageText(nil)
	assert.Empty(t, text)

	text, _ = messageText(&HTTPMessage{StartLine: "HTTP 200 OK", Body: "bad \xff byte"})
	assert.True(t, utf8.ValidString(text))
}

func TestThousands(t *testing.T) {
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 20480: "20,480", 3145728: "3,145,728", -1234: "-1,234"} {
		assert.Equal(t, want, thousands(in))
	}
}

func TestGroupByAreaKeepsCatalogueOrder(t *testing.T) {
	rows := []RuleRow{
		{ID: "JWT-SCOPE", Area: "JWT and claims"},
		{ID: "JWT-SYSTEM", Area: "ASID and ODS linkage"},
		{ID: "JWT-ORG", Area: "ASID and ODS linkage"},
		{ID: "JWT-USER", Area: "JWT and claims"},
		{ID: "MSG-SIZE", Area: "Publish operation and message structure"},
	}
	groups := groupByArea(rows)
	var got [][]string
	for _, g := range groups {
		ids := []string{g.Area}
		for _, r := range g.Rules {
			ids = append(ids, r.ID)
		}
		got = append(got, ids)
	}
	assert.Equal(t, [][]string{
		{"JWT and claims", "JWT-SCOPE", "JWT-USER"},
		{"ASID and ODS linkage", "JWT-SYSTEM", "JWT-ORG"},
		{"Publish operation and message structure", "MSG-SIZE"},
	}, got)
}
