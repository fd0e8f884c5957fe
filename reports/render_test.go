package reports

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSampleRenders renders the sample report in every format and checks
// that each rule, verdict, reason and piece of evidence is there.
func TestSampleRenders(t *testing.T) {
	r := sampleReport()
	tests := []struct {
		format string
		want   []string
	}{
		{"html", []string{
			"<!DOCTYPE html>", `<html lang="en">`,
			"Assurance report: Riverside Child Health v4.2",
			`<span aria-hidden="true">✗ </span>FAIL</strong>`,
			`id="JWT-SCOPE"`, `href="#JWT-SCOPE"`,
			`<span class="badge pass">`, `<span class="badge fail">`, `<span class="badge na">`,
			"NOT ASSESSED",
			"The publisher connected over plain HTTP, so no client certificate was presented.",
			"2025-06-03T13:07:22Z", "nems-2019-01", "assure", "v0.4.0",
			"<strong>12</strong> run", "9 passed", "2 failed", "1 skipped",
			"7 pass", "2 fail", "2 not assessed",
			"EP-CERT is not assessed over plain HTTP",
			`href="#failures"`, `id="fail-JWT-SCOPE"`, `href="#fail-JWT-SCOPE"`,
			`<mark class="claim">  &#34;scope&#34;: &#34;patient/*.read&#34;,</mark>`,
			"Claim under test, marked: <code>scope</code>",
			"[JWT-SCOPE] Required scopes not found in token (patient/*.read)",
			"HTTP 400 Bad Request",
			"POST http://127.0.0.1:8080/STU3/Events/1/$process-message",
			`<th colspan="4" scope="colgroup">Endpoint registration</th>`,
			"@media print", "@media screen and (max-width: 760px)",
		}},
		{"markdown", []string{
			"# Assurance report: Riverside Child Health v4.2",
			"**Overall result: FAIL**",
			"- **Generated (UTC):** 2025-06-03T13:07:22Z",
			"| Rule | Verdict | Scenarios | Guidance |",
			"| `JWT-SCOPE` | ❌ **FAIL**: The publisher asked for scope patient/\\*.read. |",
			"➖ NOT ASSESSED: The publisher connected over plain HTTP, so no client certificate was presented.",
			"## Failures",
			"### JWT-SCOPE (FAIL)",
			"```http\nPOST http://127.0.0.1:8080/STU3/Events/1/$process-message\n",
			"```http\nHTTP 400 Bad Request\n",
			"## Not assessed",
			"- `NHS-FLAGS`: The publisher sent no event for a flagged patient.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			out, err := render(tt.format, r)
			require.NoError(t, err)
			for _, id := range ruleIDs(r) {
				assert.Contains(t, out, id)
			}
			for _, s := range tt.want {
				assert.Contains(t, out, s)
			}
		})
	}
}

func TestHTMLPassingReportBadge(t *testing.T) {
	r := sampleReport()
	r.Scenarios.Failed = 0
	for i := range r.Rules {
		if r.Rules[i].Verdict == Fail {
			r.Rules[i].Verdict = Pass
			r.Rules[i].Scenarios = nil
		}
	}
	require.True(t, r.Passed())
	out, err := render("html", r)
	require.NoError(t, err)
	assert.Contains(t, out, `<p class="result pass">`)
	assert.NotContains(t, out, `class="result fail"`)
	assert.NotContains(t, out, "Failed rules:")
}

// TestHTMLIsSelfContained checks that the HTML report loads nothing from
// elsewhere: no stylesheets, scripts, images, frames, fonts or imports, and
// every link stays inside the page.
func TestHTMLIsSelfContained(t *testing.T) {
	for name, r := range map[string]*Report{"sample": sampleReport(), "hostile": hostileReport()} {
		t.Run(name, func(t *testing.T) {
			out, err := render("html", r)
			require.NoError(t, err)
			lower := strings.ToLower(out)
			for _, banned := range []string{
				"<link", "<script", "<img", "<iframe", "<object", "<embed", "<source", "<video", "<audio",
				"@import", "url(", "@font-face", "src=", "srcset=",
			} {
				assert.NotContains(t, lower, banned)
			}
			assert.NotRegexp(t, `(?i)url\(\s*['"]?\s*(https?:)?//`, out)
			for _, m := range regexp.MustCompile(`(?i)\bhref\s*=\s*"([^"]*)"`).FindAllStringSubmatch(out, -1) {
				assert.True(t, strings.HasPrefix(m[1], "#"), "link out of the page: %q", m[1])
			}
			// http:// and https:// appear only as text (targets, request lines,
			// FHIR namespaces), never inside a tag.
			for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(out, -1) {
				assert.NotRegexp(t, `(?i)https?://`, tag)
			}
		})
	}
}

// TestHostileStringsAreEscaped puts markup, pipes, backticks and line breaks
// in every field and checks neither format lets them through.
func TestHostileStringsAreEscaped(t *testing.T) {
	r := hostileReport()
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"html", func(t *testing.T, out string) {
			assert.NotContains(t, out, "<script>")
			assert.NotContains(t, out, "</pre><script>")
			assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
			assert.Contains(t, out, "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
			// Exactly the template's own <pre> blocks: the head and the body
			// of each of the two messages.
			assert.Equal(t, 2, strings.Count(out, "<pre>"))
			assert.Equal(t, 2, strings.Count(out, `<pre class="head">`))
			assert.Equal(t, 4, strings.Count(out, "</pre>"))
		}},
		{"markdown", func(t *testing.T, out string) {
			lines := strings.Split(out, "\n")
			// Raw markup appears only inside code spans and fenced blocks,
			// where Markdown shows it as text.
			for _, l := range outsideFences(lines) {
				assert.NotContains(t, stripCodeSpans(l), "<script>", "line %q", l)
			}
			assert.Contains(t, out, `\<script\>alert(1)\</script\>`)
			// The title stays on one heading line.
			assert.True(t, strings.HasPrefix(lines[0], "# "))
			assert.Contains(t, lines[0], `\| pipe`)

			// Every table row has exactly five unescaped pipes (four cells),
			// so no pipe or line break in a cell broke the table.
			var rows int
			inTable := false
			for _, l := range lines {
				if strings.HasPrefix(l, "| Rule |") {
					inTable = true
				}
				if !inTable {
					continue
				}
				if l == "" {
					break
				}
				rows++
				assert.Equal(t, 5, countUnescapedPipes(l), "row %q", l)
			}
			assert.Equal(t, 2+1+2, rows, "header, separator, area row and two rules")

			// Evidence fences are longer than the backtick runs inside them,
			// and every opened fence is closed.
			assert.Contains(t, out, "````http\nPOST ")
			assert.Contains(t, out, "````text\n")
			assertFencesBalanced(t, lines)

			// Line breaks in notes and headings do not start new blocks
			// (inside code blocks they are kept as sent).
			for _, l := range outsideFences(lines) {
				assert.NotEqual(t, "# heading", strings.TrimSpace(l))
				assert.False(t, strings.HasPrefix(l, "- item"), "line %q", l)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			out, err := render(tt.format, r)
			require.NoError(t, err)
			tt.check(t, out)
		})
	}
}

// outsideFences returns the lines that are not in fenced code blocks.
func outsideFences(lines []string) []string {
	var out []string
	open := ""
	for _, l := range lines {
		switch {
		case open == "" && strings.HasPrefix(l, "```"):
			open = l[:longestRun(l, '`')]
		case open != "" && l == open:
			open = ""
		case open == "":
			out = append(out, l)
		}
	}
	return out
}

// stripCodeSpans removes the inline code spans of a Markdown line.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			b.WriteString(line[i : i+2])
			i += 2
		case line[i] == '`':
			n := 0
			for j := i; j < len(line) && line[j] == '`'; j++ {
				n = j - i + 1
			}
			end := -1
			for j := i + n; j < len(line); {
				if line[j] != '`' {
					j++
					continue
				}
				k := j
				for k < len(line) && line[k] == '`' {
					k++
				}
				if k-j == n {
					end = k
					break
				}
				j = k
			}
			if end < 0 {
				b.WriteString(line[i : i+n])
				i += n
			} else {
				i = end
			}
		default:
			b.WriteByte(line[i])
			i++
		}
	}
	return b.String()
}

func countUnescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// assertFencesBalanced checks that each fence opened is closed by a fence of
// the same length, with nothing inside it taken for a fence.
func assertFencesBalanced(t *testing.T, lines []string) {
	t.Helper()
	open := ""
	for _, l := range lines {
		if open == "" {
			if strings.HasPrefix(l, "```") {
				open = l[:longestRun(l, '`')]
				require.Equal(t, open, l[:len(open)])
			}
			continue
		}
		if strings.TrimRight(l, " ") == open {
			open = ""
		} else {
			assert.False(t, strings.HasPrefix(l, open), "fence %q closed early by %q", open, l)
		}
	}
	assert.Empty(t, open, "unclosed fence")
}

// TestEvidenceBodiesAreShortened checks that bodies over MaxBodyBytes are cut, with
// a note, in every format.
func TestEvidenceBodiesAreShortened(t *testing.T) {
	const extra = 12345
	body := strings.Repeat("A", MaxBodyBytes) + strings.Repeat("Z", extra)
	r := sampleReport()
	for i := range r.Rules {
		if r.Rules[i].ID == "JWT-SCOPE" {
			r.Rules[i].Evidence[0].Request.Body = body
		}
	}
	note := fmt.Sprintf("Body shortened: 12,345 bytes cut; the first %s of %s bytes are shown.",
		thousands(MaxBodyBytes), thousands(MaxBodyBytes+extra))
	for _, format := range Names() {
		t.Run(format, func(t *testing.T) {
			out, err := render(format, r)
			require.NoError(t, err)
			assert.Contains(t, out, strings.Repeat("A", MaxBodyBytes))
			assert.NotContains(t, out, "AZ")
			assert.NotContains(t, out, "ZZ")
			assert.Equal(t, 1, strings.Count(out, note))
			assert.Less(t, len(out), len(body)+40_000)
		})
	}
}

// TestMarkdownGolden compares the Markdown of the sample report with
// testdata/report.md. Run `go test ./reports -run Golden -update` to rewrite it.
func TestMarkdownGolden(t *testing.T) {
	out, err := render("markdown", sampleReport())
	require.NoError(t, err)
	golden := filepath.Join("testdata", "report.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create it")
	assert.Equal(t, string(want), out)
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name, in, inline, cell string
	}{
		{"plain", "Publish a vaccination event", "Publish a vaccination event", "Publish a vaccination event"},
		{"pipe", "a|b", `a\|b`, `a\|b`},
		{"markup", "<b>*x*</b> _y_ [z](u)", `\<b\>\*x\*\</b\> \_y\_ \[z\](u)`, `\<b\>\*x\*\</b\> \_y\_ \[z\](u)`},
		{"backtick", "`code`", "\\`code\\`", "\\`code\\`"},
		{"newlines", "one\ntwo\r\nthree", "one two three", "one<br>two<br>three"},
		{"heading start", "# not a heading", `\# not a heading`, `\# not a heading`},
		{"list start", "- not a list", `\- not a list`, `\- not a list`},
		{"ordered list start", "1. not a list", `1\. not a list`, `1\. not a list`},
		{"entity", "&lt;", `\&lt;`, `\&lt;`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.inline, mdInline(tt.in))
			assert.Equal(t, tt.cell, mdCell(tt.in))
		})
	}
	assert.Equal(t, "a  b \\`<c>", stripCodeSpans("a ``<x>`` b \\`<c>"), "test helper")
	assert.Equal(t, "`JWT-SCOPE`", mdCode("JWT-SCOPE", true))
	assert.Equal(t, "``a`b``", mdCode("a`b", true))
	assert.Equal(t, "`` `a ``", mdCode("`a", true))
	assert.Equal(t, "`a\\|b`", mdCode("a|b", true))
	assert.Equal(t, "`a|b`", mdCode("a|b", false))
	assert.Equal(t, "```http\nx\n```", mdFence("http", "x"))
	assert.Equal(t, "`````text\na ```` b\n`````", mdFence("text", "a ```` b"))
}
