package mockspine

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/nems-harness/nems-harness/internal/content"
)

// AreaContent groups the event-content rules (RULES-CONTENT.md) in feature
// files and reports.
const AreaContent = "Event content"

// ContentMode is how failed content rules bear on the answer
// (RULES-CONTENT.md "Modes and answers"). Checks never read it; only the
// answer builder does.
type ContentMode string

// Content modes.
const (
	// ContentReport: the envelope rules decide the status; a 202 carries
	// one warning issue per failed content rule. The default.
	ContentReport ContentMode = "report"
	// ContentReject: a failed error content rule answers 422
	// INVALID_RESOURCE when no envelope rule failed.
	ContentReject ContentMode = "reject"
)

// ParseContentMode reads a --content flag value ("" is report).
func ParseContentMode(s string) (ContentMode, error) {
	switch ContentMode(strings.ToLower(strings.TrimSpace(s))) {
	case "", ContentReport:
		return ContentReport, nil
	case ContentReject:
		return ContentReject, nil
	}
	return "", fmt.Errorf("unknown content mode %q: want report or reject", s)
}

// contentCatalogue is every content rule, in RULES-CONTENT.md order.
var contentCatalogue = func() *content.Catalogue {
	c, err := content.NewCatalogue(content.All())
	if err != nil {
		panic(fmt.Sprintf("content rules: %v", err)) // a mistake in the tables: caught by every test
	}
	return c
}()

// contentRules are the content rules as catalogue rules: judged after the
// envelope rules, each by the one check that reads the content verdicts.
func contentRules() []*Rule {
	var out []*Rule
	for i, cr := range contentCatalogue.Rules() {
		r := &Rule{ID: cr.ID, Area: AreaContent, Summary: contentSummary(cr), Text: cr.Text, Source: cr.Source,
			Severity: string(cr.Severity), DependsOn: []string{"MSG-BUNDLE"}, check: checkContent}
		contentPlace[r] = i
		ans := Answer{http.StatusUnprocessableEntity, codeInvalidResource, cr.IssueType}
		warn := Answer{http.StatusAccepted, codeInvalidResource, cr.IssueType}
		if cr.Severity == content.Error {
			r.Answer = usual(ans, "content mode reject, no envelope rule failed")
			r.Alternatives = []Breach{alt("report", "content mode report: a warning issue, the envelope rules decide the status", warn)}
		} else {
			r.Answer = usual(warn, "a warning issue, the envelope rules decide the status")
		}
		out = append(out, r)
	}
	return out
}

// contentSummary is the rule's summary and severity, for tables.
func contentSummary(r *content.Rule) string {
	return r.Summary + " (" + string(r.Severity) + ")"
}
