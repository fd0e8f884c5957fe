package dashboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

func TestShellQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain-word_1.2:3/4@x=y,z+", "plain-word_1.2:3/4@x=y,z+"},
		{"", "''"},
		{"two words", "'two words'"},
		{"it's", `'it'\''s'`},
		{"$HOME `x` \\ \"q\"", "'$HOME `x` \\ \"q\"'"},
		{"line\nbreak", "'line\nbreak'"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, shellQuote(c.in), c.in)
	}
}

func TestCurlCommand(t *testing.T) {
	cases := []struct {
		name      string
		entry     mockspine.Entry
		base      string
		has, lack []string
	}{
		{"text body", mockspine.Entry{Method: "POST", Path: "/p", Body: "<a/>",
			Header: http.Header{"Content-Type": {"application/fhir+xml"}, "Content-Length": {"4"}}},
			"http://h:1", []string{"printf '%s' '<a/>' | curl", "--header 'Content-Type: application/fhir+xml'",
				"--header Accept:", "--header User-Agent:", "--header Expect:", "--data-binary @-", "http://h:1/p"},
			[]string{"Content-Length", "--cacert", "base64"}},
		{"binary body", mockspine.Entry{Method: "POST", Path: "/p", Body: "AAEC", BodyBase64: true},
			"http://h:1", []string{"printf '%s' AAEC | base64 -d | curl", "--header Content-Type:"}, nil},
		{"NUL in text", mockspine.Entry{Method: "POST", Path: "/p", Body: "a\x00b"},
			"http://h:1", []string{"printf '%s' YQBi | base64 -d |"}, nil},
		{"no body, query, empty header", mockspine.Entry{Method: "GET", Path: "/p", Query: "a=1&b=2",
			Header: http.Header{"X-Empty": {""}}},
			"https://h:1", []string{"--request GET", "--header 'X-Empty;'", "'https://h:1/p?a=1&b=2'", "--cacert ca.pem"},
			[]string{"--data-binary", "printf"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := curlCommand(&c.entry, c.base)
			for _, s := range c.has {
				assert.Contains(t, got, s)
			}
			for _, s := range c.lack {
				assert.NotContains(t, got, s)
			}
		})
	}
}

func TestPretty(t *testing.T) {
	cases := []struct {
		name, body, format, want string
		ok                       bool
	}{
		{"json", `{"a":[1,{"b":"<x>"}]}`, "json", "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"<x>\"\n    }\n  ]\n}", true},
		{"xml", `<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir"><id value="a&amp;b"/><x:t xmlns:x="u">text &lt;</x:t><!--c--></Bundle>`, "xml",
			"<?xml version=\"1.0\"?>\n<Bundle xmlns=\"http://hl7.org/fhir\">\n  <id value=\"a&amp;b\"/>\n  <x:t xmlns:x=\"u\">text &lt;</x:t>\n  <!--c-->\n</Bundle>", true},
		{"mixed text", `<a>t<b/>u</a>`, "xml", "<a>\n  t\n  <b/>\n  u\n</a>", true},
		{"bad xml", `<a><b></a>`, "xml", "", false},
		{"bad json", `{"a":`, "json", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := pretty(c.body, c.format)
			require.Equal(t, c.ok, ok)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestPrettyBodyMarksWhereVerdictsPoint(t *testing.T) {
	body := "<Bundle>\n  <a value=\"x\"/>\n  <nhs value=\"9434765870\"/>\n  <b value=\"y\"/>\n</Bundle>"
	failed := []mockspine.Verdict{
		{Rule: "MSG-WELLFORMED", Outcome: mockspine.Fail, Reason: "XML, line 4 (byte 60): bad"},
		{Rule: "NHS-FORMAT", Outcome: mockspine.Fail, Reason: "NHS number 9434765870 (Patient x identifier) fails Modulus 11"},
	}
	tv := prettyBody(body, "application/fhir+xml", failed)
	assert.False(t, tv.Pretty, "a body on many lines is shown as sent")
	assert.Equal(t, map[int][]string{4: {"MSG-WELLFORMED"}, 3: {"NHS-FORMAT"}}, tv.Marks)

	one := `{"resourceType":"Bundle","entry":[{"fullUrl":"urn:uuid:1","resource":{"value":"9434765870"}}],"type":"message","padding":"` +
		strings.Repeat("x", 100) + `"}`
	tv = prettyBody(one, "application/fhir+json", failed[1:])
	assert.True(t, tv.Pretty, "a long body on one line is laid out")
	require.Len(t, tv.Marks, 1)
	for n := range tv.Marks {
		assert.Contains(t, tv.Lines[n-1], "9434765870")
	}
}

func TestNamedBy(t *testing.T) {
	failed := []mockspine.Verdict{
		{Rule: "JWT-ORG", Reason: "The ODS code defined in the requesting_organisation (X) is unknown"},
		{Rule: "JWT-TIME", Reason: "exp (10) must be iat (5) + 300 seconds"},
		{Rule: "HDR-FROMASID", Reason: "the fromASID header must be supplied"},
	}
	cases := []struct {
		name string
		want []string
	}{
		{"requesting_organization", []string{"JWT-ORG"}}, // either spelling
		{"exp", []string{"JWT-TIME"}},
		{"iat", []string{"JWT-TIME"}},
		{"Fromasid", []string{"HDR-FROMASID"}}, // as net/http spells the header
		{"sub", nil},
		{"org", nil}, // whole words only
	}
	for _, c := range cases {
		assert.Equal(t, c.want, namedBy(c.name, failed), c.name)
	}
}

// TestVerdictKind: a failed verdict of warning severity (the verdict's, or
// its rule's in the catalogue) is a warning.
func TestVerdictKind(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{mockspine.Verdict{Outcome: mockspine.Pass}, kindPass},
		{mockspine.Verdict{Outcome: mockspine.Fail}, kindFail},
		{mockspine.Verdict{Outcome: mockspine.NotAssessed}, kindNotAssessed},
		{mockspine.Verdict{Outcome: "warning"}, kindWarning},
		{mockspine.Verdict{Outcome: "something new"}, kindNotAssessed},
		{mockspine.Verdict{Outcome: mockspine.Fail, Severity: "warning"}, kindWarning},
		{mockspine.Verdict{Outcome: mockspine.Fail, Severity: "error"}, kindFail},
		{mockspine.Verdict{Rule: "EVT-SOURCE-NAME", Outcome: mockspine.Fail}, kindWarning}, // the catalogue's severity
	}
	for _, c := range cases {
		assert.Equal(t, c.want, verdictKind(c.v.(mockspine.Verdict)))
	}
}
