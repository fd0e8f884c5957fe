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
		if e.JWT != nil {
			ev.Message += "\n\nDecoded JWT\n" + jwtDump(e)
		}
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

	// Refused handshakes never reach the journal: EP-CERT's evidence.
	var refused, clientSide []handshakeEvent
	for _, h := range s.mock.handshakes.between(s.started, time.Time{}) {
		if h.ClientCert {
			refused = append(refused, h)
		} else {
			clientSide = append(clientSide, h)
		}
	}
	if len(refused) > 0 {
		var evs []reports.Evidence
		for _, h := range refused {
			evs = append(evs, reports.Evidence{Scenario: scenarioAt(scenarios, s.scenarioStarts(), h.At),
				Message: "[EP-CERT] the mock refused the TLS handshake: " + h.Reason + " (from " + h.Remote + ")"})
		}
		if row := fail("EP-CERT", fmt.Sprintf("the mock refused %d TLS handshake(s) over the client certificate", len(refused))); row != nil {
			row.Evidence = append(row.Evidence, evs...)
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

	// The scenarios behind each row.
	var counts reports.ScenarioCounts
	for _, sc := range scenarios {
		switch sc.Status {
		case reportsPassed:
			counts.Passed++
		case reportsFailed:
			counts.Failed++
		default:
			counts.Skipped++
		}
		for _, id := range sc.Rules {
			if i, ok := index[id]; ok {
				rows[i].Scenarios = append(rows[i].Scenarios, reports.ScenarioRef{Name: sc.Name, Feature: sc.URI, Status: ruleStatus(sc, id)})
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

// scenarioStarts are the scenarios' trigger times, in order.
func (s *Session) scenarioStarts() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]time.Time, len(s.scenarios))
	for i, r := range s.scenarios {
		r.mu.Lock()
		out[i] = r.start
		r.mu.Unlock()
	}
	return out
}

// scenarioAt names the scenario whose trigger last fired before t.
func scenarioAt(scenarios []ScenarioResult, starts []time.Time, t time.Time) string {
	name := "outside any scenario"
	for i, st := range starts {
		if i < len(scenarios) && !st.IsZero() && !st.After(t) {
			name = scenarios[i].Name
		}
	}
	return name
}

// notes are the report's free-text notes: failed scenarios, scenarios not
// assessed and why, and what else the run saw.
func (s *Session) notes(scenarios []ScenarioResult, requests int, unattributed []string, clientSide []handshakeEvent) []string {
	var notes []string
	notes = append(notes, fmt.Sprintf("Trigger: %s. The mock received %d request(s) from the system.", s.triggerText(), requests))
	for _, sc := range scenarios {
		if sc.Status == reportsFailed {
			notes = append(notes, fmt.Sprintf("Scenario failed: %s (%s): %s", sc.Name, sc.URI, firstLine(sc.Failure)))
		}
	}
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

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
