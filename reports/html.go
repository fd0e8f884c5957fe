package reports

import (
	_ "embed"
	"errors"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"orDash": orDash,
}).Parse(htmlSource))

// htmlWriter renders a report as one self-contained HTML file.
type htmlWriter struct{}

func (htmlWriter) Name() string     { return "html" }
func (htmlWriter) FileName() string { return "assurance-report.html" }

func (htmlWriter) Write(w io.Writer, r *Report) error {
	if r == nil {
		return errors.New("reports: nil report")
	}
	return htmlTemplate.Execute(w, newHTMLView(r))
}

// htmlView is what the HTML template reads: the report plus everything
// derived from it, so the template only lays out.
type htmlView struct {
	R             *Report
	Title         string
	Passed        bool
	Result        string
	Pass, Fail    int
	NotAssessed   int
	Generated     string
	GeneratedAttr string
	Failed        []string
	// Failures are the failed rules with their evidence, shown first;
	// Unassessed the IDs of the rules not assessed, for the contents.
	Failures   []htmlRow
	Unassessed []string
	Groups     []htmlGroup
}

type htmlGroup struct {
	Area string
	Rows []htmlRow
}

type htmlRow struct {
	RuleRow
	V         Verdict
	Class     string
	Scenarios []htmlScenario
	// Evidence is shown; More is folded behind one summary line.
	Evidence, More []htmlEvidence
	// EvidenceCount is len(Evidence) + len(More).
	EvidenceCount int
}

// shownEvidence is how many pieces of a rule's evidence are shown before
// the rest is folded: enough to compare, few enough to scroll past.
const shownEvidence = 3

type htmlScenario struct {
	ScenarioRef
	Class string
	Label string
}

type htmlEvidence struct {
	Scenario          string
	Message           string
	Request, Response *htmlMessage
	JWTs              []decodedJWT
}

// htmlMessage is an HTTP message in two parts: the start line and headers,
// always shown, and the body, folded when it is long.
type htmlMessage struct {
	Head, Body string
	// Long bodies are folded behind a summary giving their size.
	Long         bool
	Lines, Bytes string
	Note         string
}

// longBodyLines is the number of lines above which a body is folded.
const longBodyLines = 25

func newHTMLView(r *Report) htmlView {
	v := htmlView{
		R:         r,
		Title:     r.Title,
		Passed:    r.Passed(),
		Result:    r.Result(),
		Generated: generatedText(r.Generated),
	}
	if strings.TrimSpace(v.Title) == "" {
		v.Title = "NEMS assurance report"
	}
	if !r.Generated.IsZero() {
		v.GeneratedAttr = v.Generated
	}
	v.Pass, v.Fail, v.NotAssessed = r.Counts()
	for _, g := range groupByArea(r.Rules) {
		hg := htmlGroup{Area: g.Area}
		for _, row := range g.Rules {
			verdict := row.Verdict.Normal()
			switch verdict {
			case Fail:
				v.Failed = append(v.Failed, row.ID)
			case NotAssessed:
				v.Unassessed = append(v.Unassessed, row.ID)
			}
			hr := htmlRow{RuleRow: row, V: verdict, Class: verdictClass(verdict), EvidenceCount: len(row.Evidence)}
			for _, s := range row.Scenarios {
				label := s.Status
				if label == "" {
					label = "no status"
				}
				hr.Scenarios = append(hr.Scenarios, htmlScenario{ScenarioRef: s, Class: statusClass(s.Status), Label: label})
			}
			for i, e := range row.Evidence {
				he := htmlEvidence{
					Scenario: e.Scenario,
					Message:  strings.ToValidUTF8(e.Message, "\uFFFD"),
					Request:  newHTMLMessage(e.Request),
					Response: newHTMLMessage(e.Response),
					JWTs:     evidenceJWTs(row, e),
				}
				if i < shownEvidence {
					hr.Evidence = append(hr.Evidence, he)
				} else {
					hr.More = append(hr.More, he)
				}
			}
			if verdict == Fail {
				v.Failures = append(v.Failures, hr)
			}
			hg.Rows = append(hg.Rows, hr)
		}
		v.Groups = append(v.Groups, hg)
	}
	return v
}

func newHTMLMessage(m *HTTPMessage) *htmlMessage {
	if m == nil {
		return nil
	}
	head, body, cut := messageParts(m)
	lines := strings.Count(body, "\n") + 1
	return &htmlMessage{Head: head, Body: body, Long: lines > longBodyLines,
		Lines: thousands(lines), Bytes: thousands(len(m.Body)), Note: cutNote(m, cut)}
}

func verdictClass(v Verdict) string {
	switch v.Normal() {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return "na"
}

func statusClass(status string) string {
	switch status {
	case StatusPassed:
		return "pass"
	case StatusFailed:
		return "fail"
	}
	return "na"
}
