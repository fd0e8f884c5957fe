package assessment

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

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
	Status string `json:"status"`
	Error  string `json:"error_message"`
}

type cukeEmbedding struct {
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"`
}

// Scenario outcomes as cucumber names them.
const (
	statusPassed  = "passed"
	statusFailed  = "failed"
	statusSkipped = "skipped"
)

var ruleTag = regexp.MustCompile(`^@([A-Z]{2,4}(?:-[A-Z0-9]+)+)$`)

// FromCucumber judges each rule of the profile from the scenarios' results:
// a rule fails when any scenario tagged with it failed, passes when at least
// one ran and all passed, and is not assessed when none ran.
func FromCucumber(r io.Reader, p mockspine.Profile) ([]reports.RuleRow, reports.ScenarioCounts, error) {
	var features []cukeFeature
	if err := json.NewDecoder(r).Decode(&features); err != nil {
		return nil, reports.ScenarioCounts{}, fmt.Errorf("reading cucumber JSON: %w", err)
	}
	out, index := rows(p)
	var counts reports.ScenarioCounts
	passed, skipped := make([]int, len(out)), make([]int, len(out))
	for _, f := range features {
		for _, el := range f.Elements {
			if el.Type != "" && el.Type != "scenario" {
				continue
			}
			status, failure := scenarioStatus(el)
			switch status {
			case statusPassed:
				counts.Passed++
			case statusFailed:
				counts.Failed++
			default:
				counts.Skipped++
			}
			ref := reports.ScenarioRef{Name: el.Name, Feature: f.Name, Status: status}
			for _, id := range ruleIDs(el) {
				i, ok := index[id]
				if !ok {
					continue
				}
				row := &out[i]
				row.Scenarios = append(row.Scenarios, ref)
				switch status {
				case statusFailed:
					row.Verdict = reports.Fail
					row.Evidence = append(row.Evidence, scenarioEvidence(f, el, failure))
				case statusPassed:
					passed[i]++
					if row.Verdict == "" {
						row.Verdict = reports.Pass
					}
				default:
					skipped[i]++
				}
			}
		}
	}
	for i := range out {
		row := &out[i]
		row.Scenarios = foldExamples(row.Scenarios)
		switch row.Verdict {
		case reports.Fail:
			row.Reason = fmt.Sprintf("%d scenario(s) failed", len(row.Evidence))
		case reports.Pass:
			row.Reason = fmt.Sprintf("%d scenario(s) passed", passed[i])
		default:
			row.Verdict = reports.NotAssessed
			if skipped[i] > 0 {
				row.Reason = fmt.Sprintf("%d scenario(s) skipped: the target could not exercise this rule", skipped[i])
				if row.ID == "EP-CERT" {
					row.Reason = "the target was not served over mutual TLS, so endpoint certificates could not be checked"
				}
			} else {
				row.Reason = "no scenario for this rule ran (tags or profile excluded them)"
			}
		}
	}
	return out, counts, nil
}

func ruleIDs(el cukeElement) []string {
	var ids []string
	seen := map[string]bool{}
	for _, t := range el.Tags {
		if m := ruleTag.FindStringSubmatch(t.Name); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			ids = append(ids, m[1])
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
