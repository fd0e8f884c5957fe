package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Verdict is a rule's result in a report.
type Verdict string

// The verdicts a rule can have. Anything else is treated as NotAssessed.
const (
	Pass        Verdict = "pass"
	Fail        Verdict = "fail"
	NotAssessed Verdict = "not-assessed"
	// Warn is a warning rule (an event-content rule of severity warning)
	// that was broken: shown as a warning, it never fails a report.
	Warn Verdict = "warning"
)

// Normal returns v if it is Pass or Fail, and NotAssessed otherwise: a rule
// without a recognised verdict was not assessed, and never passes.
func (v Verdict) Normal() Verdict {
	switch v {
	case Pass, Fail, Warn:
		return v
	}
	return NotAssessed
}

// Label is the verdict as shown to a reader: "PASS", "FAIL" or "NOT ASSESSED".
func (v Verdict) Label() string {
	switch v.Normal() {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	case Warn:
		return "WARNING"
	}
	return "NOT ASSESSED"
}

// Scenario statuses, as godog reports them.
const (
	StatusPassed    = "passed"
	StatusFailed    = "failed"
	StatusSkipped   = "skipped"
	StatusUndefined = "undefined"
	StatusPending   = "pending"
)

// Report is one assurance report: what was assessed, how, and one row per
// guidance rule.
type Report struct {
	// Title heads the report, e.g. "NEMS publication conformance" or
	// "Assurance report: Riverside Child Health v4.2".
	Title string
	// Subject is what was assessed: "embedded mock", a URL, or the
	// supplier's system name.
	Subject string
	// Target is the URL the scenarios ran against.
	Target string
	// Profile is the rule profile: nems-2019-01 or nems-current.
	Profile string
	// Mode is "conformance", "assure" or "assess".
	Mode string
	// Generated is when the report was made; it is shown in UTC.
	Generated time.Time
	// Version is the harness version.
	Version   string
	Scenarios ScenarioCounts
	// Rules are the rows, in catalogue order.
	Rules []RuleRow
	// Notes are free text shown under the summary, e.g. "EP-CERT is not
	// assessed over plain HTTP".
	Notes []string
	// Unexercised are rules the run selected but could not assess (their
	// scenarios were skipped): the result is then INCOMPLETE, not a pass.
	Unexercised []string
}

// ScenarioCounts counts the scenarios of a run by result.
type ScenarioCounts struct {
	Passed, Failed, Skipped int
}

// Total is the number of scenarios counted.
func (c ScenarioCounts) Total() int { return c.Passed + c.Failed + c.Skipped }

// RuleRow is one guidance rule's line in a report.
type RuleRow struct {
	ID, Area, Text, Source string
	Verdict                Verdict
	// Reason says why the rule was not assessed, or sums up a failure.
	Reason    string
	Scenarios []ScenarioRef
	// Evidence backs a failure (and, in assure mode, may back a pass).
	Evidence []Evidence
}

// ScenarioRef names a scenario that exercised a rule.
type ScenarioRef struct {
	Name, Feature string
	// Status is passed, failed, skipped, undefined or pending.
	Status string
}

// Evidence is what one scenario saw: the failed assertion or the rule's
// reason, and the HTTP exchange.
//
// A bearer token in the request is shown decoded beside the raw one, with
// the claims under test marked: Claims when given, else the claims the
// message names, else those the rule's text names.
type Evidence struct {
	Scenario string
	Message  string
	Request  *HTTPMessage
	Response *HTTPMessage
	// Claims are the JWT claims the evidence is about, e.g. "scope".
	Claims []string
}

// HTTPMessage is an HTTP request or response as shown in a report.
type HTTPMessage struct {
	// StartLine is e.g. "POST http://127.0.0.1:8080/STU3/Events/1/$process-message"
	// or "HTTP 400 Bad Request".
	StartLine string
	Header    map[string][]string
	Body      string
}

// Counts returns the number of rules by verdict. A rule with an empty or
// unknown verdict counts as not assessed; a broken warning rule (Warn)
// counts in Warnings only.
func (r *Report) Counts() (pass, fail, notAssessed int) {
	for _, row := range r.Rules {
		switch row.Verdict.Normal() {
		case Warn:
		case Pass:
			pass++
		case Fail:
			fail++
		default:
			notAssessed++
		}
	}
	return pass, fail, notAssessed
}

// Warnings is the number of warning rules that were broken.
func (r *Report) Warnings() int {
	n := 0
	for _, row := range r.Rules {
		if row.Verdict == Warn {
			n++
		}
	}
	return n
}

// Passed reports whether no rule failed and no scenario failed (neither in
// the scenario counts nor among the scenarios listed against a rule), and
// no rule the run selected went unexercised.
func (r *Report) Passed() bool { return !r.failed() && len(r.Unexercised) == 0 }

// failed reports whether a rule or a scenario failed.
func (r *Report) failed() bool { return !r.noFailure() }

func (r *Report) noFailure() bool {
	if r.Scenarios.Failed > 0 {
		return false
	}
	for _, row := range r.Rules {
		if row.Verdict.Normal() == Fail {
			return false
		}
		for _, s := range row.Scenarios {
			if s.Status == StatusFailed {
				return false
			}
		}
	}
	return true
}

// Result is the overall result as shown to a reader: "PASS", "FAIL", or
// "INCOMPLETE" when nothing failed but a rule the run selected could not be
// assessed.
func (r *Report) Result() string {
	switch {
	case r.Passed():
		return "PASS"
	case len(r.Unexercised) > 0 && !r.failed():
		return "INCOMPLETE"
	}
	return "FAIL"
}

// MaxBodyBytes is the longest evidence body shown in full; longer bodies are
// cut to this many bytes (at a character boundary) with a note.
const MaxBodyBytes = 64 << 10

// shortenBody cuts body to at most MaxBodyBytes, at a UTF-8 character
// boundary, and returns what is left and how many bytes were cut.
func shortenBody(body string) (shown string, cut int) {
	if len(body) <= MaxBodyBytes {
		return body, 0
	}
	n := MaxBodyBytes
	for n > 0 && !utf8.RuneStart(body[n]) {
		n--
	}
	return body[:n], len(body) - n
}

// messageText renders an HTTP message as text: start line, headers (sorted by
// name, one line per value), a blank line and the body, cut to MaxBodyBytes.
// Invalid UTF-8 is replaced. cut is the number of body bytes left out.
func messageText(m *HTTPMessage) (text string, cut int) {
	head, body, cut := messageParts(m)
	if body != "" {
		head += "\n\n" + body
	}
	return head, cut
}

// messageParts is messageText in two parts: the start line with the
// headers, and the body.
func messageParts(m *HTTPMessage) (head, body string, cut int) {
	if m == nil {
		return "", "", 0
	}
	var b strings.Builder
	b.WriteString(m.StartLine)
	names := make([]string, 0, len(m.Header))
	for k := range m.Header {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		li, lj := strings.ToLower(names[i]), strings.ToLower(names[j])
		if li != lj {
			return li < lj
		}
		return names[i] < names[j]
	})
	for _, k := range names {
		for _, v := range m.Header[k] {
			b.WriteString("\n")
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
		}
	}
	body, cut = shortenBody(m.Body)
	return strings.ToValidUTF8(b.String(), "\uFFFD"), strings.ToValidUTF8(body, "\uFFFD"), cut
}

// cutNote says how much of a body was left out.
func cutNote(m *HTTPMessage, cut int) string {
	if cut == 0 {
		return ""
	}
	return fmt.Sprintf("Body shortened: %s bytes cut; the first %s of %s bytes are shown.",
		thousands(cut), thousands(len(m.Body)-cut), thousands(len(m.Body)))
}

// thousands formats n with commas: 12345 → "12,345".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// generatedText is the report date in UTC, ISO 8601, or "not recorded".
func generatedText(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format(time.RFC3339)
}

// orDash returns s, or "—" when s is blank.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// areaGroup is a run of rules that share an area.
type areaGroup struct {
	Area  string
	Rules []RuleRow
}

// groupByArea groups rules by area: groups in the order their area first
// appears, rules in catalogue order within each group.
func groupByArea(rules []RuleRow) []areaGroup {
	var groups []areaGroup
	index := map[string]int{}
	for _, row := range rules {
		i, ok := index[row.Area]
		if !ok {
			i = len(groups)
			index[row.Area] = i
			groups = append(groups, areaGroup{Area: row.Area})
		}
		groups[i].Rules = append(groups[i].Rules, row)
	}
	return groups
}
