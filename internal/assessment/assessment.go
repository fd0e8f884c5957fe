// Package assessment turns evidence into rule verdicts for the assurance
// report: the results of the Gherkin scenarios (godog's cucumber JSON) or the
// requests a mock captured (its journal). Either way, rows follow the rule
// catalogue, so every rule of the profile has exactly one row.
package assessment

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// rows returns one empty row per rule of the profile, in catalogue order.
func rows(p mockspine.Profile) ([]reports.RuleRow, map[string]int) {
	var out []reports.RuleRow
	index := map[string]int{}
	for _, r := range mockspine.Rules() {
		if !r.AppliesTo(p) {
			continue
		}
		index[r.ID] = len(out)
		out = append(out, reports.RuleRow{ID: r.ID, Area: r.Area, Text: r.Text, Source: r.Source})
	}
	return out, index
}

// FromJournal judges each rule over captured requests: a rule fails when any
// request broke it, passes when at least one request was judged and none
// broke it, and is not assessed otherwise.
func FromJournal(entries []mockspine.Entry, p mockspine.Profile) []reports.RuleRow {
	out, index := rows(p)
	passes := make([]int, len(out))
	warned := make([]bool, len(out))
	reasons := make([]map[string]bool, len(out))
	for _, e := range entries {
		for _, v := range e.Verdicts {
			i, ok := index[v.Rule]
			if !ok {
				continue
			}
			row := &out[i]
			switch v.Outcome {
			case mockspine.Fail:
				if !v.Fails() { // a warning rule: shown, never a failure
					warned[i] = true
				} else {
					row.Verdict = reports.Fail
				}
				row.Evidence = append(row.Evidence, EntryEvidence(e, v.Diagnostics()))
			case mockspine.Pass:
				passes[i]++
			case mockspine.NotAssessed:
				if reasons[i] == nil {
					reasons[i] = map[string]bool{}
				}
				reasons[i][v.Reason] = true
			}
		}
	}
	for i := range out {
		row := &out[i]
		switch {
		case row.Verdict == reports.Fail:
			row.Reason = fmt.Sprintf("%d of %d request(s) broke the rule", len(row.Evidence), len(entries))
		case warned[i]:
			row.Verdict = reports.Warn
			row.Reason = fmt.Sprintf("warning: %d of %d request(s) broke the rule", len(row.Evidence), len(entries))
		case passes[i] > 0:
			row.Verdict = reports.Pass
			row.Reason = fmt.Sprintf("%d request(s) judged, none broke the rule", passes[i])
		default:
			row.Verdict = reports.NotAssessed
			row.Reason = joinReasons(reasons[i], "no request was judged against this rule")
		}
	}
	return out
}

func joinReasons(set map[string]bool, none string) string {
	if len(set) == 0 {
		return none
	}
	list := make([]string, 0, len(set))
	for r := range set {
		list = append(list, r)
	}
	sort.Strings(list)
	return strings.Join(list, "; ")
}

// EntryEvidence is the request and answer of a journal entry, as evidence.
func EntryEvidence(e mockspine.Entry, message string) reports.Evidence {
	body := e.Body
	if e.BodyBase64 {
		body = "(binary body, base64) " + body
	}
	target := e.Path
	if e.Query != "" {
		target += "?" + e.Query
	}
	return reports.Evidence{
		Scenario: fmt.Sprintf("request %s received %s", e.ID, e.Received.UTC().Format("2006-01-02 15:04:05Z")),
		Message:  message,
		Request:  &reports.HTTPMessage{StartLine: e.Method + " " + target, Header: e.Header, Body: body},
		Response: &reports.HTTPMessage{StartLine: fmt.Sprintf("HTTP %d", e.Response.Status), Header: e.Response.Header, Body: e.Response.Body},
	}
}
