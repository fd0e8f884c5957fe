package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// markdownWriter renders a report as GitHub-flavoured Markdown.
type markdownWriter struct{}

func (markdownWriter) Name() string     { return "markdown" }
func (markdownWriter) FileName() string { return "assurance-report.md" }

func (markdownWriter) Write(w io.Writer, r *Report) error {
	if r == nil {
		return errors.New("reports: nil report")
	}
	bw := bufio.NewWriter(w)
	writeMarkdown(bw, r)
	return bw.Flush()
}

func writeMarkdown(w *bufio.Writer, r *Report) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	title := r.Title
	if strings.TrimSpace(title) == "" {
		title = "NEMS assurance report"
	}
	pass, fail, na := r.Counts()

	p("# %s\n\n", mdInline(title))
	p("**Overall result: %s**\n\n", r.Result())
	p("- **Subject:** %s\n", mdInline(orDash(r.Subject)))
	p("- **Target:** %s\n", mdInline(orDash(r.Target)))
	p("- **Profile:** %s\n", mdInline(orDash(r.Profile)))
	p("- **Mode:** %s\n", mdInline(orDash(r.Mode)))
	p("- **Generated (UTC):** %s\n", generatedText(r.Generated))
	p("- **Harness version:** %s\n", mdInline(orDash(r.Version)))
	p("- **Scenarios:** %d run: %d passed, %d failed, %d skipped\n",
		r.Scenarios.Total(), r.Scenarios.Passed, r.Scenarios.Failed, r.Scenarios.Skipped)
	p("- **Rules:** %d: %d pass, %d fail, %d not assessed\n", len(r.Rules), pass, fail, na)
	if len(r.Notes) > 0 {
		p("\n## Notes\n\n")
		for _, n := range r.Notes {
			p("- %s\n", mdInline(n))
		}
	}

	p("\n## Rules\n\n")
	if len(r.Rules) == 0 {
		p("The report has no rules.\n")
	} else {
		p("| Rule | Verdict | Scenarios | Guidance |\n")
		p("|---|---|---|---|\n")
		for _, g := range groupByArea(r.Rules) {
			p("| **%s** | | | |\n", mdCell(orDash(g.Area)))
			for _, row := range g.Rules {
				p("| %s | %s | %s | %s |\n", mdCode(row.ID, true), mdVerdictCell(row), mdScenariosCell(row.Scenarios), mdGuidanceCell(row))
			}
		}
	}

	var failed, unassessed, passedWithEvidence []RuleRow
	for _, row := range r.Rules {
		switch row.Verdict.Normal() {
		case Fail:
			failed = append(failed, row)
		case NotAssessed:
			unassessed = append(unassessed, row)
		case Pass:
			if len(row.Evidence) > 0 {
				passedWithEvidence = append(passedWithEvidence, row)
			}
		}
	}

	p("\n## Failures\n\n")
	if len(failed) == 0 {
		p("No rule failed.\n")
	}
	for i, row := range failed {
		if i > 0 {
			p("\n")
		}
		writeMarkdownRule(w, row)
	}

	if len(unassessed) > 0 {
		p("\n## Not assessed\n\n")
		for _, row := range unassessed {
			reason := row.Reason
			if strings.TrimSpace(reason) == "" {
				reason = "no reason recorded"
			}
			p("- %s: %s\n", mdCode(row.ID, false), mdInline(reason))
		}
	}

	if len(passedWithEvidence) > 0 {
		p("\n## Evidence for passed rules\n\n")
		for i, row := range passedWithEvidence {
			if i > 0 {
				p("\n")
			}
			writeMarkdownRule(w, row)
		}
	}
}

// writeMarkdownRule writes a rule's heading, reason and evidence.
func writeMarkdownRule(w *bufio.Writer, row RuleRow) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("### %s (%s)\n\n", mdInline(row.ID), row.Verdict.Label())
	if t := strings.TrimSpace(row.Text); t != "" {
		p("> %s\n\n", mdInline(t))
	}
	if reason := strings.TrimSpace(row.Reason); reason != "" {
		p("**Reason:** %s\n\n", mdInline(reason))
	}
	if len(row.Evidence) == 0 {
		p("No evidence recorded.\n")
		return
	}
	for i, e := range row.Evidence {
		if i > 0 {
			p("\n")
		}
		p("#### Scenario: %s\n\n", mdInline(orDash(e.Scenario)))
		if msg := strings.TrimRight(e.Message, "\n"); msg != "" {
			p("Message:\n\n%s\n", mdFence("text", msg))
		}
		for _, part := range []struct {
			name string
			m    *HTTPMessage
		}{{"Request", e.Request}, {"Response", e.Response}} {
			if part.m == nil {
				continue
			}
			text, cut := messageText(part.m)
			p("\n%s:\n\n%s\n", part.name, mdFence("http", strings.TrimRight(text, "\n")))
			if cut > 0 {
				p("\n*%s*\n", cutNote(part.m, cut))
			}
		}
	}
}

func mdVerdictCell(row RuleRow) string {
	var label string
	switch row.Verdict.Normal() {
	case Fail:
		label = "❌ **FAIL**"
	case Pass:
		label = "✅ PASS"
	default:
		label = "➖ NOT ASSESSED"
	}
	if reason := strings.TrimSpace(row.Reason); reason != "" {
		label += ": " + mdCell(reason)
	}
	return label
}

func mdScenariosCell(refs []ScenarioRef) string {
	if len(refs) == 0 {
		return "none"
	}
	parts := make([]string, len(refs))
	for i, s := range refs {
		status := s.Status
		if status == "" {
			status = "no status"
		}
		parts[i] = mdCell(orDash(s.Name)) + " (" + mdCell(status) + ")"
	}
	return strings.Join(parts, "<br>")
}

func mdGuidanceCell(row RuleRow) string {
	s := mdCell(orDash(row.Text))
	if strings.TrimSpace(row.Source) != "" {
		s += "<br>*Source:* " + mdCell(row.Source)
	}
	return s
}

// mdEscaper backslash-escapes the characters that could start Markdown or
// HTML markup inline, so text reads as written.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `&`, `\&`,
)

var mdOrderedListStart = regexp.MustCompile(`^(\d{1,9})([.)])`)

// mdInline escapes s for use inside one line of Markdown (a list item, a
// heading, a paragraph): markup characters are escaped, line breaks become
// spaces, and a leading character that would start a block is escaped.
func mdInline(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.Fields(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)), " ")
	s = mdEscaper.Replace(s)
	if s != "" && strings.ContainsRune("#+-=", rune(s[0])) {
		s = `\` + s
	}
	return mdOrderedListStart.ReplaceAllString(s, `$1\$2`)
}

// mdCell escapes s for a GFM table cell: as mdInline, but line breaks
// become <br> so multi-line text keeps its lines.
func mdCell(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = mdInline(l)
	}
	return strings.Join(lines, "<br>")
}

// mdCode renders s as an inline code span: the delimiter is longer than any
// run of backticks inside and line breaks become spaces. In a table cell
// pipes are escaped too, as GFM splits cells before it reads code spans.
func mdCode(s string, inTable bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "—"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdFence puts text in a fenced code block whose fence is longer than any
// run of backticks in the text.
func mdFence(lang, text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fence + lang + "\n" + text + "\n" + fence
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
