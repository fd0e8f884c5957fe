// Package assessment turns evidence into rule verdicts for the assurance
// report: the results of the Gherkin scenarios (godog's cucumber JSON) or the
// requests a mock captured (its journal). Either way, rows follow the rule
// catalogue, so every rule of the profile has exactly one row.
package assessment

import (
	"context"
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

// MaxEvidence is how many breaches a row shows as evidence; the rest are
// counted. It bounds a report's (and an assessment's) memory however many
// requests break a rule.
const MaxEvidence = 50

// maxEvidenceBytes bounds the bodies all rows' evidence holds together.
const maxEvidenceBytes = 64 << 20

// FromJournal judges each rule over captured requests (see Journal).
func FromJournal(entries []mockspine.Entry, p mockspine.Profile) []reports.RuleRow {
	a := NewJournal(p, false)
	for _, e := range entries {
		a.Add(e)
	}
	return a.Rows()
}

// Journal judges each rule over journal entries fed to it one at a time,
// holding only counts and a bounded amount of evidence, so that a journal
// of any size is assessed in bounded memory: a rule fails when any request
// broke it, passes when at least one request was judged and none broke
// it, and is not assessed otherwise.
type Journal struct {
	profile   mockspine.Profile
	rows      []reports.RuleRow
	index     map[string]int
	publisher bool
	passes    []int
	fails     []int
	warns     []int // breaches of warning rules (never failures)
	reasons   []map[string]bool
	requests  int
	evidence  int // bytes of bodies held as evidence
	// Other counts the requests that were not judged as publishes;
	// OtherSeen lists the first of them (at most MaxEvidence).
	Other     int
	OtherSeen []string
	// TLS is set when any request came over TLS.
	TLS bool
	// Handshakes counts the failed TLS handshakes journaled
	// (mockspine.Entry.Handshake): Refused of them by EP-CERT, whose
	// verdict counts like a request's; HandshakesSeen describes the first.
	Handshakes, Refused int
	HandshakesSeen      []string
}

// NewJournal starts an assessment under a profile. With publisher set, each
// verdict counts as it bears on the publisher (Verdict.PublisherOutcome).
func NewJournal(p mockspine.Profile, publisher bool) *Journal {
	out, index := rows(p)
	a := &Journal{profile: p, rows: out, index: index, publisher: publisher,
		passes: make([]int, len(out)), fails: make([]int, len(out)), warns: make([]int, len(out)), reasons: make([]map[string]bool, len(out))}
	return a
}

// maxReasons bounds the distinct not-assessed reasons kept per rule.
const maxReasons = 20

// Add judges one more request.
func (a *Journal) Add(e mockspine.Entry) {
	a.requests++
	a.TLS = a.TLS || e.TLS
	if h := e.Handshake; h != nil {
		a.Handshakes++
		if h.Refused {
			a.Refused++
		}
		if len(a.HandshakesSeen) < MaxEvidence {
			a.HandshakesSeen = append(a.HandshakesSeen, fmt.Sprintf("%s from %s: %s", e.ID, e.Remote, h))
		}
		if !h.Refused {
			return
		}
	}
	if e.Verdicts == nil {
		a.Other++
		if len(a.OtherSeen) < MaxEvidence {
			a.OtherSeen = append(a.OtherSeen, fmt.Sprintf("%s %s %s → HTTP %d", e.ID, e.Method, e.Path, e.Response.Status))
		}
		return
	}
	for _, v := range e.Verdicts {
		i, ok := a.index[v.Rule]
		if !ok {
			continue
		}
		row := &a.rows[i]
		outcome := v.Outcome
		if a.publisher {
			outcome = v.PublisherOutcome()
		}
		switch outcome {
		case mockspine.Fail:
			if v.Fails() {
				row.Verdict = reports.Fail
				a.fails[i]++
			} else { // a warning rule: shown, never a failure
				a.warns[i]++
			}
			if size := len(e.Body) + len(e.Response.Body); len(row.Evidence) < MaxEvidence && a.evidence+size <= maxEvidenceBytes {
				a.evidence += size
				row.Evidence = append(row.Evidence, EntryEvidence(e, VerdictEvidence(v)))
			}
		case mockspine.Pass:
			a.passes[i]++
		case mockspine.NotAssessed:
			if a.reasons[i] == nil {
				a.reasons[i] = map[string]bool{}
			}
			if len(a.reasons[i]) < maxReasons {
				a.reasons[i][v.Reason] = true
			}
		}
	}
}

// Requests is how many requests were added.
func (a *Journal) Requests() int { return a.requests }

// Rows returns one row per rule of the profile, in catalogue order.
func (a *Journal) Rows() []reports.RuleRow {
	out := make([]reports.RuleRow, len(a.rows))
	copy(out, a.rows)
	for i := range out {
		row := &out[i]
		switch {
		case row.Verdict == reports.Fail:
			row.Reason = fmt.Sprintf("%d of %d request(s) broke the rule", a.fails[i], a.requests)
			if a.fails[i] > len(row.Evidence) {
				row.Reason += fmt.Sprintf(" (the first %d shown)", len(row.Evidence))
			}
		case a.warns[i] > 0:
			row.Verdict = reports.Warn
			row.Reason = fmt.Sprintf("warning: %d of %d request(s) broke the rule", a.warns[i], a.requests)
		case a.passes[i] > 0:
			row.Verdict = reports.Pass
			row.Reason = fmt.Sprintf("%d request(s) judged, none broke the rule", a.passes[i])
		default:
			row.Verdict = reports.NotAssessed
			row.Reason = joinReasons(a.reasons[i], "no request was judged against this rule")
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

// IsPublish reports whether an entry is a request to the publish
// operation, which the mock judges.
func IsPublish(e *mockspine.Entry) bool {
	return e.Method == "POST" && (e.Path == mockspine.PublishPath || e.Path == mockspine.PublishPath2019)
}

// Rejudge judges a recorded publish again under judge, as the mock judged
// it (mockspine.Judge.Again: as at the time it was received, in its content
// mode and its run), and replaces its verdicts, profile and answer with the
// new ones. It reports whether the entry was a publish (anything else is
// left as it is).
//
// The content rules that remember judge against judge.History: to give the
// verdicts the mock gave, re-judge every publish of the journal, in order,
// through one judge with a History; it starts afresh at every new run the
// entries record.
func Rejudge(ctx context.Context, judge *mockspine.Judge, e *mockspine.Entry) (bool, error) {
	if !IsPublish(e) {
		return false, nil
	}
	j, err := judge.Again(ctx, e)
	if err != nil {
		return false, fmt.Errorf("judging %s: %w", e.ID, err)
	}
	e.Verdicts, e.Profile = j.Verdicts, judge.Profile
	e.Response = mockspine.Reply{Status: j.Response.Status, Header: j.Response.Header, Body: string(j.Response.Body)}
	return true, nil
}

// VerdictEvidence is a failure's diagnostics and, for a content rule, every
// breach it kept: line, entry and element path, reason, and the value the
// message holds there.
func VerdictEvidence(v mockspine.Verdict) string {
	if len(v.Findings) == 0 {
		return v.Diagnostics()
	}
	var b strings.Builder
	b.WriteString(v.Diagnostics())
	for _, f := range v.Findings {
		b.WriteString("\n  ")
		if f.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", f.Line)
		}
		b.WriteString(f.String())
		if f.Excerpt != "" {
			fmt.Fprintf(&b, " (the message has %q)", f.Excerpt)
		}
	}
	return b.String()
}
