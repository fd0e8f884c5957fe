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
	Groups        []htmlGroup
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
	Evidence  []htmlEvidence
}

type htmlScenario struct {
	ScenarioRef
	Class string
	Label string
}

type htmlEvidence struct {
	Scenario          string
	Message           string
	Request, Response *htmlMessage
}

type htmlMessage struct {
	Text string
	Note string
}

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
			if verdict == Fail {
				v.Failed = append(v.Failed, row.ID)
			}
			hr := htmlRow{RuleRow: row, V: verdict, Class: verdictClass(verdict)}
			for _, s := range row.Scenarios {
				label := s.Status
				if label == "" {
					label = "no status"
				}
				hr.Scenarios = append(hr.Scenarios, htmlScenario{ScenarioRef: s, Class: statusClass(s.Status), Label: label})
			}
			for _, e := range row.Evidence {
				hr.Evidence = append(hr.Evidence, htmlEvidence{
					Scenario: e.Scenario,
					Message:  strings.ToValidUTF8(e.Message, "\uFFFD"),
					Request:  newHTMLMessage(e.Request),
					Response: newHTMLMessage(e.Response),
				})
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
	text, cut := messageText(m)
	return &htmlMessage{Text: text, Note: cutNote(m, cut)}
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
