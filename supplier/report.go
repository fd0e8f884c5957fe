package supplier

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// ScenarioResult is what one supplier scenario did and saw.
type ScenarioResult struct {
	Name string
	// URI is the feature file.
	URI  string
	Tags []string
	// Status is passed, failed or skipped (not assessed).
	Status string
	// Failure is the failed step's message; Skipped says why the scenario
	// was not assessed.
	Failure, Skipped   string
	Event, MessageType string
	// Patient is the patient the system was asked to publish for.
	Patient *Patient
	// MustNotPublish is set for a scenario in which the system must refuse.
	MustNotPublish bool
	// Trigger is what the trigger did: the command and its exit status and
	// output, or the webhook's answer.
	Trigger string
	// Captured are the requests about the patient; Window is every request
	// that arrived while the scenario waited.
	Captured, Window []mockspine.Entry
	// Rules are the rules the scenario judges.
	Rules []string
}

// Scenarios returns the scenarios run so far, in order.
func (s *Session) Scenarios() []ScenarioResult {
	s.mu.Lock()
	runs := slices.Clone(s.scenarios)
	s.mu.Unlock()
	out := make([]ScenarioResult, 0, len(runs))
	for _, r := range runs {
		out = append(out, s.result(r))
	}
	return out
}

func (s *Session) result(r *scenarioRun) ScenarioResult {
	status := r.status()
	r.mu.Lock()
	defer r.mu.Unlock()
	res := ScenarioResult{Name: r.name, URI: r.uri, Tags: slices.Clone(r.tags), Status: status,
		Failure: r.failure, Skipped: r.skipped, Event: r.event, MessageType: r.messageType,
		MustNotPublish: r.refuse, Captured: slices.Clone(r.captured), Window: slices.Clone(r.window)}
	if r.patient != nil {
		p := *r.patient
		res.Patient = &p
	}
	if r.trigger != nil {
		res.Trigger = r.trigger.text()
	}
	res.Rules = s.rulesOf(r)
	return res
}

// rulesOf lists the rules a scenario judges: those it is tagged with,
// those its steps named, every rule for an @every-rule scenario, and for a
// must-not-publish scenario the rule a publish would break. Call with r.mu
// held.
func (s *Session) rulesOf(r *scenarioRun) []string {
	set := map[string]bool{}
	every := r.every
	for _, t := range r.tags {
		if t == "@every-rule" {
			every = true
		}
		if rule, ok := mockspine.RuleByID(strings.TrimPrefix(t, "@")); ok {
			set[rule.ID] = true
		}
	}
	for _, id := range r.judged {
		set[id] = true
	}
	if r.patient != nil && r.refuse {
		if id := mustNotRule(r.patient.Kind); id != "" {
			set[id] = true
		}
	}
	var ids []string
	for _, rule := range mockspine.Rules() {
		if rule.AppliesTo(s.profile) && (every || set[rule.ID]) {
			ids = append(ids, rule.ID)
		}
	}
	return ids
}

// Report builds the assurance report: one row per rule, judged from every
// request the mock received (as the publisher's, see PublisherVerdicts),
// with refused TLS handshakes counted against EP-CERT and publishes the
// system must not have made against NHS-TRACED or NHS-FLAGS; each row lists
// the scenarios that judged it.
func (s *Session) Report() *reports.Report {
	entries := s.Entries()
	view := PublisherView(entries)
	scenarios := s.Scenarios()
	owner := map[uint64]*ScenarioResult{}
	attributed := map[uint64]bool{}
	for i := range scenarios {
		sc := &scenarios[i]
		for _, e := range sc.Window {
			attributed[e.Seq] = true
			if owner[e.Seq] == nil {
				owner[e.Seq] = sc
			}
		}
		for _, e := range sc.Captured {
			owner[e.Seq] = sc
		}
	}
	evidence := func(e mockspine.Entry, msg string) reports.Evidence {
		ev := assessment.EntryEvidence(e, msg)
		if sc := owner[e.Seq]; sc != nil {
			ev.Scenario = sc.Name + " — " + ev.Scenario
		}
		// The report decodes the request's bearer token beside it.
		return ev
	}

	rows := assessment.FromJournal(view, s.profile)
	index := map[string]int{}
	for i, row := range rows {
		index[row.ID] = i
	}
	// Evidence from the requests themselves: each breach with its request,
	// answer and decoded JWT; for a pass, what the first request showed.
	// shown[rule][seq] is where a request's evidence sits in the rule's row.
	shown := map[string]map[uint64]int{}
	for i := range rows {
		row := &rows[i]
		row.Evidence = nil
		shown[row.ID] = map[uint64]int{}
		example := ""
		for _, e := range view {
			v := verdictOf(e.Verdicts, row.ID)
			switch {
			case v.Outcome == mockspine.Fail:
				shown[row.ID][e.Seq] = len(row.Evidence)
				row.Evidence = append(row.Evidence, evidence(e, v.Diagnostics()))
			case v.Outcome == mockspine.Pass && example == "":
				example = e.ID + ": " + v.Reason
			}
		}
		if row.Verdict == reports.Pass && example != "" {
			row.Reason += " (" + example + ")"
		}
	}

	// fail marks a row failed for a reason the requests' own verdicts may
	// not show.
	fail := func(id, reason string) *reports.RuleRow {
		i, ok := index[id]
		if !ok {
			return nil
		}
		row := &rows[i]
		if row.Verdict != reports.Fail {
			row.Verdict, row.Reason, row.Evidence = reports.Fail, reason, nil
			shown[id] = map[uint64]int{}
		} else {
			row.Reason += "; " + reason
		}
		return row
	}

	// A handshake the mock refused is a journal entry with EP-CERT's
	// failed verdict, counted above like any request; one that failed on
	// the system's side is a note.
	var clientSide []handshakeEvent
	for _, h := range s.mock.handshakes.between(s.started, time.Time{}) {
		if !h.ClientCert {
			clientSide = append(clientSide, h)
		}
	}

	// Publishes the system must not have made.
	for _, sc := range scenarios {
		if !sc.MustNotPublish || sc.Patient == nil || len(sc.Captured) == 0 {
			continue
		}
		id := mustNotRule(sc.Patient.Kind)
		if id == "" {
			continue
		}
		row := fail(id, fmt.Sprintf("the system published for a patient it must not (scenario %q)", sc.Name))
		if row == nil {
			continue
		}
		for _, e := range sc.Captured {
			msg := fmt.Sprintf("[%s] the system published about NHS number %s, which it must not: %s",
				id, sc.Patient.NHSNumber, mustNotReason(sc.Patient.Kind))
			if at, ok := shown[id][e.Seq]; ok {
				row.Evidence[at].Message = msg + "\n" + row.Evidence[at].Message
				continue
			}
			shown[id][e.Seq] = len(row.Evidence)
			row.Evidence = append(row.Evidence, evidence(e, msg))
		}
	}

	// A rule a publisher keeps by refusing (NHS-TRACED, NHS-FLAGS) passes
	// only when a scenario asking it to publish what it must not ran and
	// passed: captured traffic shows the rule kept, never the refusal.
	for i := range rows {
		row := &rows[i]
		if row.Verdict != reports.Pass || !refusalRule(row.ID) {
			continue
		}
		ran, skipped := false, []string{}
		for _, sc := range scenarios {
			if !sc.MustNotPublish || sc.Patient == nil || mustNotRule(sc.Patient.Kind) != row.ID {
				if sc.Status == reportsSkipped && sc.Patient == nil && mustNotRuleTagged(sc.Tags, row.ID) {
					skipped = appendNew(skipped, sc.Skipped)
				}
				continue
			}
			switch sc.Status {
			case reportsPassed:
				ran = true
			case reportsSkipped:
				skipped = appendNew(skipped, sc.Skipped)
			}
		}
		if ran {
			continue
		}
		row.Verdict = reports.NotAssessed
		if len(skipped) > 0 {
			row.Reason = "captured traffic kept it, but its must-not-publish scenarios were skipped: " + strings.Join(skipped, "; ")
		} else {
			row.Reason = "captured traffic kept it, but no must-not-publish scenario of it ran (the tag expression left them out), so nothing showed the system refuses"
		}
	}

	// The scenarios behind each row: those that judge the rule by name,
	// then, folded into one line per result, the others whose requests
	// were judged on it, so that the row's scenarios add up to its
	// evidence.
	var counts reports.ScenarioCounts
	others := make([]map[string]int, len(rows))
	for _, sc := range scenarios {
		switch sc.Status {
		case reportsPassed:
			counts.Passed++
		case reportsFailed:
			counts.Failed++
		default:
			counts.Skipped++
		}
		named := map[string]bool{}
		for _, id := range sc.Rules {
			named[id] = true
			if i, ok := index[id]; ok {
				rows[i].Scenarios = append(rows[i].Scenarios, reports.ScenarioRef{Name: sc.Name, Feature: sc.URI, Status: ruleStatus(sc, id)})
			}
		}
		for i, row := range rows {
			if named[row.ID] {
				continue
			}
			if st := ruleStatus(sc, row.ID); st != reportsSkipped && capturedJudged(sc, row.ID) {
				if others[i] == nil {
					others[i] = map[string]int{}
				}
				others[i][st]++
			}
		}
	}
	for i := range rows {
		for _, st := range []string{reportsFailed, reportsPassed} {
			if n := others[i][st]; n > 0 {
				verb := "kept"
				if st == reportsFailed {
					verb = "broke"
				}
				rows[i].Scenarios = append(rows[i].Scenarios, reports.ScenarioRef{
					Name:   fmt.Sprintf("%d other scenario(s) whose requests %s it", n, verb),
					Status: st})
			}
		}
	}

	var unattributed []string
	for _, e := range entries {
		if !attributed[e.Seq] {
			unattributed = append(unattributed, summary(e))
		}
	}
	return &reports.Report{
		Title:     "Assurance report: " + s.system,
		Subject:   fmt.Sprintf("%s (ASID %s)", s.system, s.endpoint.ASID),
		Target:    s.mock.url,
		Profile:   string(s.profile),
		Mode:      "assure",
		Generated: time.Now(),
		Version:   s.opts.Version,
		Scenarios: counts,
		Rules:     rows,
		Notes:     s.notes(scenarios, len(entries), unattributed, clientSide),
	}
}

// ruleStatus is how a scenario went for one rule: failed when a captured
// request broke it (or the scenario failed without a verdict for it),
// passed when a captured request passed it, skipped otherwise.
func ruleStatus(sc ScenarioResult, id string) string {
	if sc.Status == reportsSkipped {
		return reportsSkipped
	}
	if sc.MustNotPublish && sc.Patient != nil && mustNotRule(sc.Patient.Kind) == id {
		if len(sc.Captured) > 0 || sc.Status == reportsFailed {
			return reportsFailed
		}
		return reportsPassed
	}
	outcome := mockspine.Outcome("")
	for _, e := range sc.Captured {
		switch v := verdictOf(PublisherVerdicts(e), id); {
		case v.Fails():
			return reportsFailed
		case v.Outcome == mockspine.Pass, v.Outcome == mockspine.Fail: // a broken warning rule was judged
			outcome = mockspine.Pass
		}
	}
	switch {
	case outcome == mockspine.Pass:
		return reportsPassed
	case sc.Status == reportsFailed:
		return reportsFailed
	}
	return reportsSkipped
}

// capturedJudged reports whether a request the scenario captured was
// judged on the rule (passed or failed it).
func capturedJudged(sc ScenarioResult, id string) bool {
	for _, e := range sc.Captured {
		switch verdictOf(PublisherVerdicts(e), id).Outcome {
		case mockspine.Pass, mockspine.Fail:
			return true
		}
	}
	return false
}

// brokenRules are the rules the scenario's captured requests broke, in
// catalogue order.
func brokenRules(sc ScenarioResult) []string {
	broke := map[string]bool{}
	for _, e := range sc.Captured {
		for _, v := range PublisherVerdicts(e) {
			if v.Outcome == mockspine.Fail {
				broke[v.Rule] = true
			}
		}
	}
	var ids []string
	for _, r := range mockspine.Rules() {
		if broke[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// notes are the report's free-text notes: failed scenarios, scenarios not
// assessed and why, and what else the run saw.
func (s *Session) notes(scenarios []ScenarioResult, requests int, unattributed []string, clientSide []handshakeEvent) []string {
	var notes []string
	notes = append(notes, fmt.Sprintf("Trigger: %s. The mock received %d request(s) from the system.", s.triggerText(), requests))
	notes = append(notes, failureNotes(scenarios)...)
	skipped := map[string][]string{}
	for _, sc := range scenarios {
		if sc.Status == reportsSkipped && sc.Skipped != "" {
			skipped[sc.Skipped] = append(skipped[sc.Skipped], sc.Name)
		}
	}
	reasons := make([]string, 0, len(skipped))
	for r := range skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		notes = append(notes, fmt.Sprintf("Not assessed (%d scenario(s)): %s", len(skipped[r]), r))
	}
	if s.mock.tls == nil {
		notes = append(notes, "EP-CERT is not assessed over plain HTTP: run assure with --tls-dir DIR to make the system present its endpoint certificate over mutual TLS.")
	}
	if len(clientSide) > 0 {
		notes = append(notes, fmt.Sprintf("%d TLS handshake(s) failed on the system's side, not over its certificate (does it trust NEMS_TLS_CA?): %s",
			len(clientSide), clientSide[0].Reason))
	}
	if len(unattributed) > 0 {
		notes = append(notes, fmt.Sprintf("%d request(s) arrived outside any scenario's wait; they are judged in the rows above: %s",
			len(unattributed), strings.Join(unattributed, "; ")))
	}
	notes = append(notes, "MIME-DEFAULT is judged for the publisher: a request that names both Content-Type and Accept needs no default and passes.")
	return notes
}

func (s *Session) triggerText() string {
	t := s.cfg.Trigger
	switch {
	case t.Command != "":
		return `command "` + t.Command + `"`
	case t.Webhook != nil:
		m := t.Webhook.Method
		if m == "" {
			m = "POST"
		}
		return "webhook " + strings.ToUpper(m) + " " + t.Webhook.URL
	}
	return "manual"
}

// failureNotes folds the failed scenarios into one line per rule their
// requests broke, with a count (the rule's row holds the evidence), and one
// line per other reason a scenario failed.
func failureNotes(scenarios []ScenarioResult) []string {
	byRule := map[string][]string{}
	byReason := map[string][]string{}
	var reasons []string
	for _, sc := range scenarios {
		if sc.Status != reportsFailed {
			continue
		}
		ids := brokenRules(sc)
		if sc.MustNotPublish && sc.Patient != nil && len(sc.Captured) > 0 {
			if id := mustNotRule(sc.Patient.Kind); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			byRule[id] = append(byRule[id], sc.Name)
		}
		if len(ids) == 0 {
			reason := failureSummary(sc.Failure)
			if _, seen := byReason[reason]; !seen {
				reasons = append(reasons, reason)
			}
			byReason[reason] = append(byReason[reason], sc.Name)
		}
	}
	var notes []string
	for _, r := range mockspine.Rules() {
		names := byRule[r.ID]
		if len(names) == 0 {
			continue
		}
		notes = append(notes, fmt.Sprintf("Scenarios failed on %s: %d, because the system's requests broke it; its row shows each request (%s).",
			r.ID, len(names), listSome(names, 3)))
	}
	for _, reason := range reasons {
		names := byReason[reason]
		notes = append(notes, fmt.Sprintf("Scenarios failed: %d, %s (%s).", len(names), reason, listSome(names, 3)))
	}
	return notes
}

// listSome names the first n items and counts the rest.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:n], "; ") + fmt.Sprintf("; and %d more", len(items)-n)
}

// failureSummary is a failure message in one line: its first line, and
// when that ends in a colon, the line it introduces.
func failureSummary(msg string) string {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return "no reason recorded"
	}
	out := lines[0]
	if strings.HasSuffix(out, ":") && len(lines) > 1 {
		out += " " + lines[1]
	}
	return strings.TrimRight(out, ":")
}

// refusalRule reports whether a rule is one a publisher keeps by refusing
// to publish (a must-not-publish scenario shows it).
func refusalRule(id string) bool {
	for _, k := range []PatientKind{NotOnPDS, SFlagged, IFlagged} {
		if mustNotRule(k) == id {
			return true
		}
	}
	return false
}

// mustNotRuleTagged reports whether tags mark a must-not-publish scenario of
// a rule (one skipped before it named its patient).
func mustNotRuleTagged(tags []string, id string) bool {
	return slices.Contains(tags, "@must-not-publish") && slices.Contains(tags, "@"+id)
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
