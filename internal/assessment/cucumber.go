package assessment

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// The parts of godog's cucumber JSON the report needs.
type cukeFeature struct {
	URI      string        `json:"uri"`
	Name     string        `json:"name"`
	Elements []cukeElement `json:"elements"`
}

type cukeElement struct {
	Name  string     `json:"name"`
	Type  string     `json:"type"`
	Line  int        `json:"line"`
	Tags  []cukeTag  `json:"tags"`
	Steps []cukeStep `json:"steps"`
}

type cukeTag struct {
	Name string `json:"name"`
}

type cukeStep struct {
	Keyword    string          `json:"keyword"`
	Name       string          `json:"name"`
	Result     cukeResult      `json:"result"`
	Embeddings []cukeEmbedding `json:"embeddings"`
}

type cukeResult struct {
	Status   string `json:"status"`
	Error    string `json:"error_message"`
	Duration int64  `json:"duration"` // nanoseconds
}

type cukeEmbedding struct {
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"`
}

// Scenario outcomes as cucumber names them.
const (
	statusPassed  = reports.StatusPassed
	statusFailed  = reports.StatusFailed
	statusSkipped = reports.StatusSkipped
)

// Tags that say what a scenario shows about the rules it is tagged with.
const (
	// TagConforming marks a scenario showing a rule kept: a conforming
	// request is accepted.
	TagConforming = "@conforming"
	// TagViolation marks a scenario showing a rule broken: the breach is
	// refused as the rule says.
	TagViolation = "@violation"
)

// SkipAttachment is the name of the attachment in which a skipped step says
// why its scenario could not be assessed (godog's cucumber JSON keeps no
// message for a skipped step).
const SkipAttachment = "not assessed"

var ruleTag = regexp.MustCompile(`^@([A-Z]{2,4}(?:-[A-Z0-9]+)+)$`)

// Scenario is one scenario's result, as the cucumber JSON tells it.
type Scenario struct {
	Feature string // the feature's name
	URI     string // the feature file
	Name    string
	Line    int
	Tags    []string
	// Status is passed, failed or skipped: failed when a step failed (or
	// was undefined, pending or ambiguous, as in a strict run), skipped when
	// a step was skipped or none passed.
	Status string
	// Reason is why a skipped scenario could not be assessed, or the failed
	// step and its message.
	Reason string
	// Evidence is a failed scenario's failure and last exchange.
	Evidence *reports.Evidence
	// Duration is the time its steps took.
	Duration time.Duration
}

// Rules lists the rule IDs the scenario is tagged with.
func (s Scenario) Rules() []string {
	var ids []string
	for _, t := range s.Tags {
		if m := ruleTag.FindStringSubmatch(t); m != nil && !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// Has reports whether the scenario carries a tag.
func (s Scenario) Has(tag string) bool { return slices.Contains(s.Tags, tag) }

// ReadCucumber reads the scenarios of godog's cucumber JSON.
func ReadCucumber(r io.Reader) ([]Scenario, error) {
	var features []cukeFeature
	if err := json.NewDecoder(r).Decode(&features); err != nil {
		return nil, fmt.Errorf("reading cucumber JSON: %w", err)
	}
	var out []Scenario
	for _, f := range features {
		for _, el := range f.Elements {
			if el.Type != "" && el.Type != "scenario" {
				continue
			}
			sc := Scenario{Feature: f.Name, URI: f.URI, Name: el.Name, Line: el.Line}
			for _, t := range el.Tags {
				sc.Tags = append(sc.Tags, t.Name)
			}
			for _, st := range el.Steps {
				sc.Duration += time.Duration(st.Result.Duration)
			}
			status, failed := scenarioStatus(el)
			sc.Status = status
			switch status {
			case statusFailed:
				ev := scenarioEvidence(f, el, failed)
				sc.Evidence, sc.Reason = &ev, ev.Message
			case statusSkipped:
				sc.Reason = skipReason(el)
			}
			out = append(out, sc)
		}
	}
	return out, nil
}

// Tally counts scenarios by status: the one count every output shows.
func Tally(scs []Scenario) reports.ScenarioCounts {
	var c reports.ScenarioCounts
	for _, s := range scs {
		switch s.Status {
		case statusPassed:
			c.Passed++
		case statusFailed:
			c.Failed++
		default:
			c.Skipped++
		}
	}
	return c
}

// SkipReasons lists the distinct reasons scenarios were skipped, each with
// how many scenarios it skipped, most frequent first.
func SkipReasons(scs []Scenario) []string {
	count := map[string]int{}
	var order []string
	for _, s := range scs {
		if s.Status != statusSkipped {
			continue
		}
		r := s.Reason
		if r == "" {
			r = "no step ran"
		}
		if count[r] == 0 {
			order = append(order, r)
		}
		count[r]++
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	out := make([]string, len(order))
	for i, r := range order {
		out[i] = fmt.Sprintf("%d × %s", count[r], r)
	}
	return out
}

// FromCucumber judges each rule of the profile from the scenarios' results
// (see FromScenarios).
func FromCucumber(r io.Reader, p mockspine.Profile) ([]reports.RuleRow, reports.ScenarioCounts, error) {
	scs, err := ReadCucumber(r)
	if err != nil {
		return nil, reports.ScenarioCounts{}, err
	}
	return FromScenarios(scs, p), Tally(scs), nil
}

// evidenceSide is what the scenarios of one kind (showing a rule kept, or
// broken) did for a rule.
type evidenceSide struct {
	name            string // "conforming", "violation"
	passed, skipped int
	reasons         []string
}

func (s *evidenceSide) add(sc Scenario) {
	switch sc.Status {
	case statusPassed:
		s.passed++
	case statusSkipped:
		s.skipped++
		if r := sc.Reason; r != "" && !slices.Contains(s.reasons, r) {
			s.reasons = append(s.reasons, r)
		}
	}
}

// missing says why the side gave no evidence, or "" when it did.
func (s *evidenceSide) missing() string {
	switch {
	case s.passed > 0:
		return ""
	case s.skipped > 0 && len(s.reasons) > 0:
		return fmt.Sprintf("its %s scenarios were skipped: %s", s.name, strings.Join(s.reasons, "; "))
	case s.skipped > 0:
		return fmt.Sprintf("its %s scenarios were skipped", s.name)
	}
	return fmt.Sprintf("no %s scenario of it was selected", s.name)
}

// FromScenarios judges each rule of the profile from the scenarios' results.
// A rule fails when a scenario tagged with it failed. It passes only on
// evidence: at least one @conforming scenario (the rule kept) and at least
// one @violation scenario (the rule broken) tagged with it both ran and
// passed. Otherwise it is not assessed, and the reason says which kind of
// scenario is missing and why (skipped, with the steps' reasons, or not
// selected).
func FromScenarios(scs []Scenario, p mockspine.Profile) []reports.RuleRow {
	out, index := rows(p)
	kept := make([]evidenceSide, len(out))
	broken := make([]evidenceSide, len(out))
	for i := range out {
		kept[i].name, broken[i].name = "conforming", "violation"
	}
	for _, sc := range scs {
		ref := reports.ScenarioRef{Name: sc.Name, Feature: sc.Feature, Status: sc.Status}
		for _, id := range sc.Rules() {
			i, ok := index[id]
			if !ok {
				continue
			}
			row := &out[i]
			row.Scenarios = append(row.Scenarios, ref)
			if sc.Status == statusFailed {
				row.Verdict = reports.Fail
				if sc.Evidence != nil {
					row.Evidence = append(row.Evidence, *sc.Evidence)
				}
			}
			if sc.Has(TagConforming) {
				kept[i].add(sc)
			}
			if sc.Has(TagViolation) {
				broken[i].add(sc)
			}
		}
	}
	for i := range out {
		row := &out[i]
		ran := len(row.Scenarios)
		row.Scenarios = foldExamples(row.Scenarios)
		if row.Verdict == reports.Fail {
			row.Reason = fmt.Sprintf("%d scenario(s) failed", len(row.Evidence))
			continue
		}
		var why []string
		if k, b := &kept[i], &broken[i]; k.passed == 0 && b.passed == 0 && k.skipped > 0 && b.skipped > 0 &&
			slices.Equal(k.reasons, b.reasons) && len(k.reasons) > 0 {
			why = append(why, "its scenarios were skipped: "+strings.Join(k.reasons, "; "))
		} else {
			for _, side := range []*evidenceSide{k, b} {
				if m := side.missing(); m != "" {
					why = append(why, m)
				}
			}
		}
		switch {
		case len(why) == 0:
			row.Verdict = reports.Pass
			row.Reason = fmt.Sprintf("%d scenario(s) passed: %d showing the rule kept, %d showing it broken",
				kept[i].passed+broken[i].passed, kept[i].passed, broken[i].passed)
		case ran == 0:
			row.Verdict = reports.NotAssessed
			row.Reason = "no scenario of this rule was selected (the tag expression or the profile left them out)"
		default:
			row.Verdict = reports.NotAssessed
			row.Reason = strings.Join(why, "; ")
		}
	}
	return out
}

// Unexercised lists the rules of the profile that no scenario failed but
// that lack evidence because scenarios selected to show them kept or broken
// were all skipped: the fixtures or the target could not exercise them. A
// rule whose scenarios the tag expression or the profile left out is not
// among them.
func Unexercised(scs []Scenario, p mockspine.Profile) []string {
	out, index := rows(p)
	kept := make([]evidenceSide, len(out))
	broken := make([]evidenceSide, len(out))
	failed := make([]bool, len(out))
	for _, sc := range scs {
		for _, id := range sc.Rules() {
			i, ok := index[id]
			if !ok {
				continue
			}
			failed[i] = failed[i] || sc.Status == statusFailed
			if sc.Has(TagConforming) {
				kept[i].add(sc)
			}
			if sc.Has(TagViolation) {
				broken[i].add(sc)
			}
		}
	}
	var ids []string
	for i, row := range out {
		if failed[i] {
			continue
		}
		for _, side := range []evidenceSide{kept[i], broken[i]} {
			if side.passed == 0 && side.skipped > 0 {
				ids = append(ids, row.ID)
				break
			}
		}
	}
	return ids
}

// scenarioStatus folds step results into the scenario's: failed if any step
// failed (undefined and pending count as failed, as in a strict run),
// skipped if no step passed, else passed.
func scenarioStatus(el cukeElement) (string, *cukeStep) {
	passed := false
	for i := range el.Steps {
		st := &el.Steps[i]
		switch st.Result.Status {
		case statusFailed, "undefined", "pending", "ambiguous":
			return statusFailed, st
		case statusPassed:
			passed = true
		}
	}
	if !passed || len(el.Steps) == 0 {
		return statusSkipped, nil
	}
	for _, st := range el.Steps {
		if st.Result.Status == statusSkipped {
			return statusSkipped, nil
		}
	}
	return statusPassed, nil
}

// skipReason is what the skipped step attached to say why, if anything.
func skipReason(el cukeElement) string {
	for _, st := range el.Steps {
		for _, e := range st.Embeddings {
			if e.Name != SkipAttachment {
				continue
			}
			if b, err := base64.StdEncoding.DecodeString(e.Data); err == nil {
				return strings.TrimSpace(string(b))
			}
		}
	}
	return ""
}

// scenarioEvidence is a failed scenario's last request and response, and the
// failed step with its message.
func scenarioEvidence(f cukeFeature, el cukeElement, failed *cukeStep) reports.Evidence {
	ev := reports.Evidence{Scenario: scenarioHeading(f.URI, el.Name, el.Line)}
	if failed != nil {
		msg := failed.Result.Error
		if msg == "" {
			msg = "step is " + failed.Result.Status
		}
		ev.Message = strings.TrimSpace(failed.Keyword) + " " + failed.Name + ": " + msg
	}
	for _, st := range el.Steps {
		for _, e := range st.Embeddings {
			data, err := base64.StdEncoding.DecodeString(e.Data)
			if err != nil {
				continue
			}
			switch e.Name {
			case "request":
				ev.Request = parseDump(string(data))
			case "response":
				ev.Response = parseDump(string(data))
			}
		}
	}
	return ev
}

// parseDump splits an HTTP message dump (start line, headers, blank line,
// body) as the steps attach it.
func parseDump(s string) *reports.HTTPMessage {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	head, body, _ := strings.Cut(s, "\n\n")
	lines := strings.Split(head, "\n")
	m := &reports.HTTPMessage{StartLine: lines[0], Header: map[string][]string{}, Body: body}
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			k = strings.TrimSpace(k)
			m.Header[k] = append(m.Header[k], strings.TrimSpace(v))
		}
	}
	return m
}

// foldExamples lists the examples of one Scenario Outline that ended alike
// once, with their number, instead of repeating the outline's name.
func foldExamples(refs []reports.ScenarioRef) []reports.ScenarioRef {
	type key struct{ name, feature, status string }
	count := map[key]int{}
	var order []key
	for _, r := range refs {
		k := key{r.Name, r.Feature, r.Status}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	out := make([]reports.ScenarioRef, 0, len(order))
	for _, k := range order {
		name := k.name
		if n := count[k]; n > 1 {
			name = fmt.Sprintf("%s (%d examples)", name, n)
		}
		out = append(out, reports.ScenarioRef{Name: name, Feature: k.feature, Status: k.status})
	}
	return out
}
