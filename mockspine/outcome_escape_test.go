package mockspine

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeXMLReference is OperationOutcome.encodeXML as it was written on
// fmt and xml.EscapeText: the answer's bytes must not change.
func (o *OperationOutcome) encodeXMLReference() []byte {
	attr := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString(`<OperationOutcome xmlns="http://hl7.org/fhir">` + "\n")
	if o.ID != "" {
		fmt.Fprintf(&b, "  <id value=\"%s\"/>\n", attr(o.ID))
	}
	fmt.Fprintf(&b, "  <meta>\n    <profile value=\"%s\"/>\n  </meta>\n", OutcomeProfile)
	for _, is := range o.Issues {
		b.WriteString("  <issue>\n")
		fmt.Fprintf(&b, "    <severity value=\"%s\"/>\n", attr(is.Severity))
		fmt.Fprintf(&b, "    <code value=\"%s\"/>\n", attr(is.Code))
		b.WriteString("    <details>\n      <coding>\n")
		fmt.Fprintf(&b, "        <system value=\"%s\"/>\n", attr(is.System))
		fmt.Fprintf(&b, "        <code value=\"%s\"/>\n", attr(is.Details.Code))
		fmt.Fprintf(&b, "        <display value=\"%s\"/>\n", attr(is.Details.Display))
		b.WriteString("      </coding>\n    </details>\n")
		if is.Diagnostics != "" {
			fmt.Fprintf(&b, "    <diagnostics value=\"%s\"/>\n", attr(is.Diagnostics))
		}
		b.WriteString("  </issue>\n")
	}
	b.WriteString("</OperationOutcome>\n")
	return b.Bytes()
}

var escapeSeeds = []string{
	"", "plain", `"quoted" 'single' <a> & b`, "tab\tnew\nline\r\nend", "\x00\x01\x1f\x7f",
	"é ✓ 😀", "\uFFFE\uFFFF\uFFFD", "bad \xff\xfe utf-8 \xe9", "]]> --> <!--",
	// Longer than a word, each byte escaped at every place in one.
	"0123456789abcdef", "0123456<89abcdef", "01234567>9abcdef", "a\"b'c&d<e>f\tg\nh\ri",
	"0123456789abcde\x1f", "\x7f123456789abcdef", "0123456é9abcdef0123", "0123456789abcdef\xff!",
}

func TestOutcomeXMLUnchanged(t *testing.T) {
	for _, s := range escapeSeeds {
		o := &OperationOutcome{ID: s, Issues: []Issue{
			errorIssue(Answer{400, codeBadRequest, IssueInvalid}, s),
			{Severity: "information", Code: s, Details: SpineCode{s, s}, System: s},
		}}
		assert.Equal(t, string(o.encodeXMLReference()), string(o.encodeXML()), "%q", s)
	}
	o := &OperationOutcome{}
	assert.Equal(t, string(o.encodeXMLReference()), string(o.encodeXML()))
}

func FuzzAppendEscaped(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		_ = xml.EscapeText(&want, []byte(s))
		if got := appendEscaped(nil, s); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%q: got %q, want %q", s, got, want.Bytes())
		}
	})
}

// TestNewUUID: an OperationOutcome id is a random (version 4) UUID.
func TestNewUUID(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newUUID()
		require.Regexp(t, shape, id)
		require.False(t, seen[id], "%s twice", id)
		seen[id] = true
	}
}
