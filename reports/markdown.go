package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
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

	// Contents: the failures first, each rule linked.
	p("\n## Contents\n\n")
	if len(failed) > 0 {
		links := make([]string, len(failed))
		for i, row := range failed {
			links[i] = "[" + mdCode(row.ID, false) + "](#" + mdAnchor(row.ID+" (FAIL)") + ")"
		}
		p("1. [Failures](#failures) (%d): %s\n", len(failed), strings.Join(links, ", "))
	} else {
		p("1. [Failures](#failures): none\n")
	}
	p("2. [Rules](#rules) (%d)\n", len(r.Rules))
	if len(unassessed) > 0 {
		p("3. [Not assessed](#not-assessed) (%d)\n", len(unassessed))
	}
	if len(passedWithEvidence) > 0 {
		p("%d. [Evidence for passed rules](#evidence-for-passed-rules) (%d)\n", 3+min(1, len(unassessed)), len(passedWithEvidence))
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

// mdAnchor is the anchor GitHub gives a heading: lower case, spaces as
// hyphens, punctuation other than hyphens and underscores dropped.
func mdAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
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
		if i == shownEvidence {
			p("\n<details><summary>%d more like these</summary>\n\n", len(row.Evidence)-shownEvidence)
		}
		if i > 0 {
			p("\n")
		}
		writeMarkdownEvidence(w, row, e)
	}
	if len(row.Evidence) > shownEvidence {
		p("\n</details>\n")
	}
}

// writeMarkdownEvidence writes one piece of evidence: its scenario, the
// message, the request (with its decoded JWT) and the response, each body
// folded when it is long.
func writeMarkdownEvidence(w *bufio.Writer, row RuleRow, e Evidence) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
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
		head, body, cut := messageParts(part.m)
		lines := strings.Count(body, "\n") + 1
		if body == "" || lines <= longBodyLines {
			text := head
			if body != "" {
				text += "\n\n" + body
			}
			p("\n%s:\n\n%s\n", part.name, mdFence("http", strings.TrimRight(text, "\n")))
		} else {
			p("\n%s:\n\n%s\n", part.name, mdFence("http", head))
			p("\n<details><summary>Body: %s lines, %s bytes</summary>\n\n%s\n\n</details>\n",
				thousands(lines), thousands(len(part.m.Body)), mdFence("text", strings.TrimRight(body, "\n")))
		}
		if cut > 0 {
			p("\n*%s*\n", cutNote(part.m, cut))
		}
		if part.name == "Request" {
			for _, j := range evidenceJWTs(row, e) {
				writeMarkdownJWT(w, j)
			}
		}
	}
}

// writeMarkdownJWT writes a decoded token, the claims under test marked
// with an arrow (a fenced block has no other markup).
func writeMarkdownJWT(w *bufio.Writer, j decodedJWT) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("\nDecoded JWT")
	if len(j.Marked) > 0 {
		names := make([]string, len(j.Marked))
		for i, c := range j.Marked {
			names[i] = mdCode(c, false)
		}
		p(" (under test, marked ◀: %s)", strings.Join(names, ", "))
	}
	p(":\n\n")
	if j.Problem != "" {
		p("*%s*\n\n", mdInline(j.Problem))
	}
	var b strings.Builder
	b.WriteString("header:\n")
	for _, l := range j.Header {
		b.WriteString(l.Text + "\n")
	}
	b.WriteString("claims:\n")
	for _, l := range j.Claims {
		b.WriteString(l.Text)
		if l.Marked {
			b.WriteString("   ◀ under test")
		}
		b.WriteString("\n")
	}
	p("%s\n", mdFence("text", strings.TrimRight(b.String(), "\n")))
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
