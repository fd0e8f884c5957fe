package fhir

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The XML reader (xml.go) is checked against readXMLReference, the reader as
// it was written on encoding/xml. Where both accept a document they must
// report the same facts; where one refuses it the other must too, except
// for the deliberate differences below.
//
// encoding/xml is lax in places where XML 1.0 and Namespaces in XML are not,
// and there the scanner is stricter: it refuses documents the reference
// accepts. Each such difference is listed in stricterThanReference with the
// phrase of the scanner's error and a check, made independently on the
// input, that the input holds what the rule is about. The differences:
//
//   - References and CDATA sections outside the root element ("&#32;" or
//     "<![CDATA[ ]]>" before or after it): encoding/xml decodes them to
//     white space and lets it through; XML allows only white space,
//     comments and processing instructions there.
//   - Characters outside the XML character range (control characters,
//     U+FFFE, U+FFFF) in comments and processing instructions: encoding/xml
//     checks them in text and attribute values only.
//   - Character references to surrogates (&#xD800; to &#xDFFF;): encoding/xml
//     turns them into U+FFFD; they are not XML characters.
//   - The XML declaration: encoding/xml looks for version="…" and
//     encoding="…" anywhere in it; the scanner reads it by its grammar
//     (version first and required, then encoding, then standalone yes or
//     no, each preceded by white space, quoted, nothing else).
//   - Processing instruction targets: "XML" in another case is reserved, a
//     target may not contain a colon (Namespaces in XML, section 7), and
//     white space must separate the target from what follows.
//   - Namespaces: an undeclared prefix is an error (encoding/xml takes the
//     prefix for the namespace name); names must be qualified names (no
//     leading or trailing colon, local names starting as names do); prefix
//     declarations may not be empty, rebind xml or declare xmlns, or bind
//     the reserved namespace names; the prefix xmlns may not name elements.
//   - White space between attributes: <a x="1"y="2"> is refused.
//
// One difference goes the other way (laxerThanReference): names follow XML
// 1.0 Fifth Edition, whose NameStartChar and NameChar are a superset of the
// older Appendix B classes encoding/xml uses (TestNameClassesCoverReference
// checks the superset), so the scanner accepts some non-ASCII names the
// reference refuses.
//
// Two behaviours are kept as the reference has them, though XML would have
// them otherwise: attribute values are not white-space normalised (a
// literal tab or line feed stays one; only line ends become "\n"), and
// names compare as written.

// stricterThanReference lists the scanner's own refusals: the phrase of its
// message, and what the input must contain for the refusal to be one of
// them.
var stricterThanReference = []struct {
	phrase string
	holds  func(body []byte) bool
}{
	{"outside the root element", func(b []byte) bool {
		return bytes.Contains(b, []byte("&")) || bytes.Contains(b, []byte("<![CDATA["))
	}},
	{" in a comment", hasNonXMLChar},
	{" in a processing instruction", hasNonXMLChar},
	{"surrogate", func(b []byte) bool { return bytes.Contains(b, []byte("&#")) }},
	{"malformed XML declaration", startsWithDeclaration},
	{"XML declaration: unsupported version", startsWithDeclaration},
	{"is not supported: FHIR XML must be UTF-8", startsWithDeclaration},
	{"processing instruction target", func(b []byte) bool { return bytes.Contains(b, []byte("<?")) }},
	{"is not a valid qualified name", func(b []byte) bool { return bytes.Contains(b, []byte(":")) }},
	{"is not declared", func(b []byte) bool { return bytes.Contains(b, []byte(":")) }},
	{"uses the reserved prefix xmlns", func(b []byte) bool { return bytes.Contains(b, []byte("xmlns:")) }},
	{"namespace declaration: ", func(b []byte) bool { return bytes.Contains(b, []byte("xmlns")) }},
	{"by white space", func(b []byte) bool { return bytes.ContainsAny(b, `"'`) }},
}

func startsWithDeclaration(b []byte) bool {
	return bytes.HasPrefix(bytes.TrimPrefix(b, []byte(utf8BOM)), []byte("<?xml"))
}

// hasNonXMLChar reports whether b holds a character outside the XML
// character range.
func hasNonXMLChar(b []byte) bool {
	for _, r := range string(b) {
		if !isXMLChar(r) {
			return true
		}
	}
	return false
}

// laxerThanReference reports whether the reference's refusal is one the
// scanner deliberately does not make: a name with a character that XML 1.0
// Fifth Edition allows in names and Appendix B does not.
func laxerThanReference(refErr error) bool {
	_, name, ok := strings.Cut(refErr.Error(), "invalid XML name: ")
	if !ok {
		return false
	}
	for _, r := range name {
		if r >= utf8.RuneSelf && isNameRune(r) {
			return true
		}
	}
	return false
}

// compareWithReference checks the scanner's result on body against the
// reference's.
func compareWithReference(t *testing.T, body []byte) {
	t.Helper()
	in := bytes.Clone(body)
	got, gotErr := ReadXML(in)
	want, wantErr := readXMLReference(body)
	checkResult(t, FormatXML, got, gotErr)
	if gotErr != nil {
		assert.Less(t, len(gotErr.Error()), 200, "error messages stay short")
	}

	switch {
	case gotErr == nil && wantErr == nil:
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("facts differ\nscanner:   %+v\nreference: %+v", describeBundle(got), describeBundle(want))
		}
		// Nothing of the Bundle aliases the body.
		before := describeBundle(got)
		for i := range in {
			in[i] = 'X'
		}
		if after := describeBundle(got); after != before {
			t.Fatalf("the Bundle changed with the body it was read from:\n%s\n%s", before, after)
		}
	case gotErr == nil:
		if !laxerThanReference(wantErr) {
			t.Fatalf("the scanner accepts what the reference refuses: %v", wantErr)
		}
	case wantErr == nil:
		msg := gotErr.Error()
		for _, s := range stricterThanReference {
			if strings.Contains(msg, s.phrase) {
				if !s.holds(body) {
					t.Fatalf("refusal %q (%v) does not fit the input", s.phrase, gotErr)
				}
				return
			}
		}
		t.Fatalf("the scanner refuses what the reference accepts: %v", gotErr)
	}
}

// describeBundle prints every fact, following the Header pointer.
func describeBundle(b *Bundle) string {
	if b == nil {
		return "<nil>"
	}
	var h MessageHeader
	if b.Header != nil {
		h = *b.Header
	}
	return fmt.Sprintf("%#v header %v %#v", *b, b.Header != nil, h)
}

// xmlEdgeCases are small documents around every construct the scanner
// handles; they seed the fuzzer and run as a table.
var xmlEdgeCases = []string{
	minimalXML,
	bundleOpen + bundleClose,
	`<Bundle xmlns="http://hl7.org/fhir"/>`,
	`<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir"/>`,
	`<?xml version='1.0' encoding='utf-8' standalone='yes'?><Bundle xmlns="http://hl7.org/fhir"/>`,
	`<?xml version="1.0" encoding="UTF-8" ?>` + "\n" + bundleOpen + bundleClose,
	`<?xml?>` + bundleOpen + bundleClose,
	`<?xml encoding="UTF-8" version="1.0"?>` + bundleOpen + bundleClose,
	`<?xml version = "1.1"?>` + bundleOpen + bundleClose,
	`<?xml version="1.0" encoding=""?>` + bundleOpen + bundleClose,
	`<?xml version="1.0" standalone="maybe"?>` + bundleOpen + bundleClose,
	`<?xml version="1.0"encoding="UTF-8"?>` + bundleOpen + bundleClose,
	`<?xml-stylesheet href="x"?>` + bundleOpen + bundleClose,
	`<?XML version="1.0"?>` + bundleOpen + bundleClose,
	`<?a:b c?>` + bundleOpen + bundleClose,
	`<?a"b?>` + bundleOpen + bundleClose,
	`<?pi ` + "\x01" + `?>` + bundleOpen + bundleClose,
	`<!-- c -->` + bundleOpen + `<!---->` + `<!-- a-b -->` + bundleClose + `<!-- d -->`,
	bundleOpen + `<!-- a -- b -->` + bundleClose,
	bundleOpen + `<!-- a --->` + bundleClose,
	bundleOpen + "<!-- \x01 -->" + bundleClose,
	bundleOpen + "<!-- \uFFFE -->" + bundleClose,
	bundleOpen + "\uFFFF" + bundleClose,
	bundleOpen + "\x0c" + bundleClose,
	bundleOpen + `<![CDATA[ <x> & ]] ]]>` + bundleClose,
	bundleOpen + `<![CDATA[ ]]` + bundleClose,
	`<![CDATA[ ]]>` + bundleOpen + bundleClose,
	bundleOpen + bundleClose + `<![CDATA[x]]>`,
	`&#32;` + bundleOpen + bundleClose,
	bundleOpen + bundleClose + `&#x20;`,
	bundleOpen + `a ]]> b` + bundleClose,
	bundleOpen + `a ]] > b ]]&gt;` + bundleClose,
	bundleOpen + `&lt;&gt;&amp;&apos;&quot;&#65;&#x41;&#x10FFFF;&#0065;` + bundleClose,
	bundleOpen + `&#xD800;` + bundleClose,
	bundleOpen + `&#0;` + bundleClose,
	bundleOpen + `&#x110000;` + bundleClose,
	bundleOpen + `&#X41;` + bundleClose,
	bundleOpen + `&#x;` + bundleClose,
	bundleOpen + `&#65` + bundleClose,
	bundleOpen + `&amp` + bundleClose,
	bundleOpen + `&;` + bundleClose,
	bundleOpen + `&nbsp;` + bundleClose,
	bundleOpen + `<type value="a&#10;b&#x9;c&amp;d&lt;&gt;"/>` + bundleClose,
	bundleOpen + "<type value=\"a\r\nb\rc\td\"/>" + bundleClose,
	bundleOpen + `<type value='single "quoted" ]]> >'/>` + bundleClose,
	bundleOpen + `<type value="<"/>` + bundleClose,
	bundleOpen + `<type value="a"url="b"/>` + bundleClose,
	bundleOpen + `<type value = "a" />` + bundleClose,
	bundleOpen + `<type value="a" value="b"/>` + bundleClose,
	bundleOpen + `<type xmlns:p="u" xmlns:q="u" p:value="a" q:value="b"/>` + bundleClose,
	bundleOpen + `<type xmlns:p="u" p:value="a" value="b"/>` + bundleClose,
	bundleOpen + `<type p:value="a"/>` + bundleClose,
	bundleOpen + `<p:type/>` + bundleClose,
	bundleOpen + `<:type/>` + bundleClose,
	bundleOpen + `<type:/>` + bundleClose,
	bundleOpen + `<a:b:c xmlns:a="u"/>` + bundleClose,
	bundleOpen + `<a:1b xmlns:a="u"/>` + bundleClose,
	bundleOpen + `<xmlns:a/>` + bundleClose,
	bundleOpen + `<a xmlns:p=""/>` + bundleClose,
	bundleOpen + `<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>` + bundleClose,
	bundleOpen + `<a xmlns:xml="urn:x"/>` + bundleClose,
	bundleOpen + `<a xmlns:xmlns="urn:x"/>` + bundleClose,
	bundleOpen + `<a xmlns:p="http://www.w3.org/2000/xmlns/"/>` + bundleClose,
	bundleOpen + `<a xmlns=""><type value="x"/></a>` + bundleClose,
	bundleOpen + `<a xmlns="urn:x" xmlns="urn:y"/>` + bundleClose,
	bundleOpen + `<a/ >` + bundleClose,
	bundleOpen + `< a/>` + bundleClose,
	bundleOpen + `<a></ a>` + bundleClose,
	bundleOpen + `<a></a >` + bundleClose,
	bundleOpen + `<a></b>` + bundleClose,
	bundleOpen + `<a xmlns:p="u" xmlns:q="u"><p:b></q:b></a>` + bundleClose,
	bundleOpen + `<é/><aé·-.0/>` + bundleClose,
	bundleOpen + "<a\u0300/>" + bundleClose,
	bundleOpen + "<a\u00A0/>" + bundleClose,
	bundleOpen + "<\u0E40\u0E47/>" + bundleClose,
	bundleOpen + `<!DOCTYPE x>` + bundleClose,
	bundleOpen + `<!- x -->` + bundleClose,
	bundleOpen + `<![CDAT[x]]>` + bundleClose,
	bundleOpen + `<?xml version="1.0"?>` + bundleClose,
	bundleOpen + `</Bundle>`,
	`</Bundle>`,
	bundleOpen,
	bundleOpen + `<`,
	bundleOpen + `<!`,
	bundleOpen + `<!-`,
	bundleOpen + `<![CDA`,
	bundleOpen + `<?`,
	bundleOpen + `<a`,
	bundleOpen + `<a b`,
	bundleOpen + `<a b=`,
	bundleOpen + `<a b="`,
	bundleOpen + `</`,
	bundleOpen + `</a`,
	bundleOpen + `&`,
	bundleOpen + `&#`,
	`<f:Bundle xmlns:f="http://hl7.org/fhir"><f:type value="message"/><f:entry><f:resource><f:Patient><f:id value="p"/></f:Patient></f:resource></f:entry></f:Bundle>`,
	`<f:Bundle xmlns:f="http://hl7.org/fhir" xmlns="urn:other"><type value="message"/></f:Bundle>`,
	`<Bundle xmlns="http://hl7.org/fhir" xmlns:f="http://hl7.org/fhir"><f:type value="message"/><type f:value="x" value="collection"/></Bundle>`,
	`<DistributionEnvelope xmlns="urn:nhs-itk:ns:201005"><x:y/></DistributionEnvelope>`,
	`<Bundle xmlns="http://hl7.org/fhir/"/>`,
	`<Bundle xmlns="http://hl7.org/fhir" value="x" url="y"><id value="i"/></Bundle>`,
	bundleOpen + `<entry><resource><Patient><id value="a"/><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9&#57;90000018"/></identifier></Patient></resource></entry>` + bundleClose,
	bundleOpen + strings.Repeat("<a>", MaxDepth-1) + strings.Repeat("</a>", MaxDepth-1) + bundleClose,
	bundleOpen + strings.Repeat("<a>", MaxDepth-1) + "<b/>" + strings.Repeat("</a>", MaxDepth-1) + bundleClose,
	bundleOpen + bundleClose + " \n\t\r",
	bundleOpen + bundleClose + "x",
	bundleOpen + bundleClose + "<a/>",
	bundleOpen + bundleClose + "<?pi?><!--c-->",
	" " + `<?xml version="1.0"?>` + bundleOpen + bundleClose,
	"\xEF\xBB\xBF" + `<?xml version="1.0"?>` + bundleOpen + bundleClose,
	"\xEF\xBB\xBF\xEF\xBB\xBF" + bundleOpen + bundleClose,
	`<Bundle xmlns="http://hl7.org/fhir" ` + strings.Repeat(`a`, 20) + `="1" b="2" c="3" d="4" e="5" f="6" g="7" h="8" i="9" j="10" k="11" l="12" m="13" n="14" o="15" p="16" q="17" b="18"/>`,
}

func TestXMLAgainstReference(t *testing.T) {
	for i, s := range xmlEdgeCases {
		t.Run(strings.Join([]string{string(rune('a' + i%26)), shortText(strings.ToValidUTF8(s, "?"))}, " "), func(t *testing.T) {
			compareWithReference(t, []byte(s))
		})
	}
	for _, s := range xmlCorpus(t) {
		compareWithReference(t, s)
	}
}

// xmlCorpus returns the fixture bundles and the specification's examples
// (when they are at hand).
func xmlCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, dir := range []string{fixtureBundlesDir, specExamplesDir} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, n := range names {
			b, err := os.ReadFile(n)
			require.NoError(tb, err)
			out = append(out, b)
		}
	}
	return out
}

func FuzzXMLAgainstReference(f *testing.F) {
	for _, s := range xmlCorpus(f) {
		f.Add(s)
	}
	for _, s := range xmlEdgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		compareWithReference(t, body)
	})
}

// Every deliberate difference, shown: the reference accepts, the scanner
// refuses with the phrase listed.
func TestXMLStricterThanReference(t *testing.T) {
	cases := []struct{ body, phrase string }{
		{`&#32;` + bundleOpen + bundleClose, "outside the root element"},
		{`<![CDATA[ ]]>` + bundleOpen + bundleClose, "outside the root element"},
		{bundleOpen + "<!-- \x01 -->" + bundleClose, " in a comment"},
		{bundleOpen + "<?pi \uFFFF?>" + bundleClose, " in a processing instruction"},
		{bundleOpen + `<type value="&#xD800;"/>` + bundleClose, "surrogate"},
		{`<?xml?>` + bundleOpen + bundleClose, "malformed XML declaration"},
		{`<?xml encoding="UTF-8" version="1.0"?>` + bundleOpen + bundleClose, "malformed XML declaration"},
		{`<?xml version="1.0" standalone="maybe"?>` + bundleOpen + bundleClose, "malformed XML declaration"},
		{`<?xml version = "1.1"?>` + bundleOpen + bundleClose, "XML declaration: unsupported version"},
		{`<?xml version="1.0" encoding = "latin1"?>` + bundleOpen + bundleClose, "is not supported: FHIR XML must be UTF-8"},
		{`<?XML version="1.0"?>` + bundleOpen + bundleClose, "processing instruction target"},
		{`<?a:b?>` + bundleOpen + bundleClose, "processing instruction target"},
		{`<?a"b?>` + bundleOpen + bundleClose, "processing instruction target"},
		{bundleOpen + `<:type/>` + bundleClose, "is not a valid qualified name"},
		{bundleOpen + `<a:1b xmlns:a="u"/>` + bundleClose, "is not a valid qualified name"},
		{bundleOpen + `<p:type/>` + bundleClose, "is not declared"},
		{bundleOpen + `<type p:value="x"/>` + bundleClose, "is not declared"},
		{bundleOpen + `<xmlns:a/>` + bundleClose, "uses the reserved prefix xmlns"},
		{bundleOpen + `<a xmlns:p=""/>` + bundleClose, "namespace declaration: "},
		{bundleOpen + `<a xmlns:xml="urn:x"/>` + bundleClose, "namespace declaration: "},
		{bundleOpen + `<type value="a"url="b"/>` + bundleClose, "by white space"},
	}
	for _, c := range cases {
		_, err := readXMLReference([]byte(c.body))
		require.NoError(t, err, "the reference accepts %q", c.body)
		_, err = ReadXML([]byte(c.body))
		require.ErrorContains(t, err, c.phrase, "%q", c.body)
		compareWithReference(t, []byte(c.body))
	}

	// The one way round where the reference is stricter: a Fifth Edition
	// name.
	body := bundleOpen + "<a\u2070 \u2C00b\u203F=\"x\"/>" + bundleClose
	_, err := readXMLReference([]byte(body))
	require.ErrorContains(t, err, "invalid XML name")
	_, err = ReadXML([]byte(body))
	require.NoError(t, err)
}

// Names: everything encoding/xml accepts in a name, the scanner accepts, at
// the start and inside. Its classes end at U+FFFF; beyond, a sample is
// enough.
func TestNameClassesCoverReference(t *testing.T) {
	step := rune(1)
	for r := rune(0x80); r <= 0x10FFFF; r += step {
		if r > 0xFFFF {
			step = 251
		}
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if _, err := readXMLReference([]byte(`<` + s + ` xmlns="http://hl7.org/fhir"/>`)); err == nil && !isNameStartRune(r) {
			t.Fatalf("%U starts a name for encoding/xml", r)
		}
		if _, err := readXMLReference([]byte(`<a` + s + ` xmlns="http://hl7.org/fhir"/>`)); err == nil && !isNameRune(r) {
			t.Fatalf("%U is a name character for encoding/xml", r)
		}
	}
}

// Error messages quote the input, but never much of it, however long or
// however much quoting lengthens it.
func TestErrorMessagesStayShort(t *testing.T) {
	long := strings.Repeat("a", 500)
	odd := strings.Repeat("\x7f", 300)
	xmlBodies := []string{
		`<` + long + ` xmlns="` + odd + `"/>`,
		`<` + long + `/>`,
		bundleOpen + `<` + long + ` ` + long + `:` + long + `="1"/>` + bundleClose,
		bundleOpen + `<` + long + `:` + long + `/>` + bundleClose,
		bundleOpen + `<` + long + ` a="1"` + long + `="2"/>` + bundleClose,
		bundleOpen + `<` + long + `></` + long + `b>` + bundleClose,
		bundleOpen + `<` + long + ` ` + long + `="1" ` + long + `="2"/>` + bundleClose,
		bundleOpen + `<` + long + ` a=1/>` + bundleClose,
		bundleOpen + `<` + long + ` a/>` + bundleClose,
		bundleOpen + `<` + long + ` "/>` + bundleClose,
		bundleOpen + `<` + long + `:1` + long + ` xmlns:` + long + `="u"/>` + bundleClose,
		bundleOpen + `<a xmlns:` + long + `=""/>` + bundleClose,
		bundleOpen + `<` + long + `>`,
		bundleOpen + `</` + long + ` x>` + bundleClose,
		bundleOpen + `&#` + strings.Repeat("0", 500) + `1;` + bundleClose,
		bundleOpen + `&#x` + strings.Repeat("0", 500) + `D800;` + bundleClose,
		bundleOpen + `&` + long + `;` + bundleClose,
		bundleOpen + `&` + long + bundleClose,
		bundleOpen + `<!DOCTYPE ` + long + `>` + bundleClose,
		`<?` + long + `:` + long + `?>` + bundleOpen + bundleClose,
		`<?` + long + `"?>` + bundleOpen + bundleClose,
		`<?xml version="` + odd + `"?>` + bundleOpen + bundleClose,
		`<?xml version="1.0" encoding="` + odd + `"?>` + bundleOpen + bundleClose,
		`<?xml version="1.0" encoding="a` + long + `"?>` + bundleOpen + bundleClose,
		`<?xml version="1.0" standalone="` + odd + `"?>` + bundleOpen + bundleClose,
		bundleOpen + bundleClose + `<` + long + `/>`,
		bundleOpen + bundleClose + `</` + long + `>`,
	}
	for _, body := range xmlBodies {
		_, err := ReadXML([]byte(body))
		require.Error(t, err, shortText(body))
		assert.Less(t, len(err.Error()), 200, "%s", err)
	}
	jsonBodies := []string{
		`{"resourceType":"Bundle","` + strings.Repeat(`\u0001`, 300) + `":1,"` + strings.Repeat(`\u0001`, 300) + `":2}`,
		`{"resourceType":"Bundle","` + long + `":1,"` + long + `":2}`,
	}
	for _, body := range jsonBodies {
		_, err := ReadJSON([]byte(body))
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 200, "%s", err)
	}
}
