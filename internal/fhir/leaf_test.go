package fhir

import (
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docSummary writes what a Doc holds besides its tree: offsets, lines,
// schema errors and typed times.
func docSummary(d *Doc) string {
	var b strings.Builder
	dump(&b, d.Root, 0)
	d.Root.Walk(func(n Node) bool {
		b.WriteString(n.Path())
		b.WriteByte(' ')
		b.WriteString(strings.Repeat("*", n.Offset()%7)) // offsets, compactly
		b.WriteString(n.Space())
		for _, a := range n.Attrs() {
			b.WriteString(" " + a.Space + ":" + a.Name + "=" + a.Value)
		}
		b.WriteByte('\n')
		return true
	})
	for _, e := range d.Schema {
		b.WriteString(e.Error() + "\n")
	}
	for _, tv := range d.Times {
		b.WriteString(tv.Path + " " + tv.Type + " " + tv.Value + "\n")
	}
	return b.String()
}

// TestXMLLeavesAsGeneralPath: an element read in one go (leaf) gives the
// same Doc, facts, schema errors and times as the general path, which a tab
// before the value attribute (the same length as the space) forces.
func TestXMLLeavesAsGeneralPath(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureBundlesDir, "*.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		body := string(readFixture(t, filepath.Base(f)))
		general := strings.ReplaceAll(body, valueAttr, "\tvalue=\"")
		b1, d1, err1 := ReadDoc(body, FormatXML)
		b2, d2, err2 := ReadDoc(general, FormatXML)
		if err1 != nil || err2 != nil {
			assert.Equal(t, err2, err1, f)
			continue
		}
		assert.Equal(t, b2, b1, f)
		assert.Equal(t, docSummary(d2), docSummary(d1), f)
		assert.Equal(t, d2.Len(), d1.Len(), f)
	}
}

// TestXMLLeafShapes reads the shapes leaf takes and those it leaves to the
// general path, checking each against the general path (forced as above).
func TestXMLLeafShapes(t *testing.T) {
	for _, inner := range []string{
		`<id value="a"/>`,
		`<id value="a"></id>`,
		`<id value="a" ></id>`,
		`<id value="a"></id >`,
		`<id value="a"></ix>`,
		`<id value="a"/ >`,
		`<id value="a&amp;b"/>`,
		`<id value="a'b"/>`,
		`<id value="a&#13;b"/>`,
		"<id value=\"a\rb\"/>",
		`<id value="a<b"/>`,
		`<id value="été, 長い値 with more than eight bytes"/>`,
		"<id value=\"a\uFFFEb\"/>",
		"<id value=\"a\x01b\"/>",
		`<id value="unclosed`,
		`<id value="a"`,
		`<id value="a">`,
		`<id value=""/>`,
		`<f:id value="a" xmlns:f="http://hl7.org/fhir"/>`,
		`<x:id value="a"/>`,
		`<id value="a" xmlns="urn:other"/>`,
		`<url value="u"/>`,
		`<entry value="e"/>`,
		`<extension value="v"/>`,
		`<system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000166"/>`,
		`<identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000166"/></identifier>`,
		`<entry><resource><Patient value="x"/></resource></entry>`,
		`<text><div xmlns="http://www.w3.org/1999/xhtml"><p value="x"/></div></text>`,
	} {
		body := `<Bundle xmlns="http://hl7.org/fhir"><type value="message"/>` + inner + `</Bundle>`
		b1, d1, err1 := ReadDoc(body, FormatXML)
		b2, d2, err2 := ReadDoc(strings.ReplaceAll(body, valueAttr, "\tvalue=\""), FormatXML)
		if err1 != nil || err2 != nil {
			assert.Equal(t, err2, err1, inner)
			continue
		}
		assert.Equal(t, b2, b1, inner)
		assert.Equal(t, docSummary(d2), docSummary(d1), inner)
		r1, e1 := ReadXML(body)
		assert.Equal(t, b1, r1, inner)
		assert.NoError(t, e1, inner)
	}
}

// TestPlainValueEnd checks the word-at-a-time scan against a byte loop.
func TestPlainValueEnd(t *testing.T) {
	want := func(s string, i int) int {
		for ; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"':
				return i
			case c == '<', c == '&', c == '\r', c < 0x20 && c != '\t' && c != '\n', c == 0xEF:
				return -1
			}
		}
		return -1
	}
	rnd := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \t\n\"'<&\r\x00\x1f\x20\x21\x25\x27\x3b\x3d\x7f\x80\xa0\xef\xff")
	for n := 0; n < 20000; n++ {
		b := make([]byte, rnd.Intn(24))
		for i := range b {
			if rnd.Intn(3) == 0 {
				b[i] = alphabet[rnd.Intn(len(alphabet))]
			} else {
				b[i] = byte('a' + rnd.Intn(26))
			}
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			require.Equal(t, want(s, i), plainValueEnd(s, i), "%q from %d", s, i)
		}
	}
	for c := 0; c < 256; c++ {
		s := strings.Repeat("x", 9) + string(rune(0)) + "\""
		s = s[:3] + string([]byte{byte(c)}) + s[4:]
		require.Equal(t, want(s, 0), plainValueEnd(s, 0), "byte %#x", c)
	}
}
