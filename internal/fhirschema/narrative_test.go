package fhirschema

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Random narratives, checked against xmllint: no fixture or example has
// one, so the XHTML content models and attribute types are exercised
// here.

var (
	xhtmlNames = strings.Fields(`p div span b i em strong br hr a img ul ol li dl dt dd table caption col colgroup
		thead tfoot tbody tr td th h1 h3 pre blockquote address sub sup code q abbr bdo map area tt big small cite
		script form object ins del html body input font center`)
	xhtmlAttrs = map[string][]string{
		"id": {"a1", "b2", "1x", ""}, "class": {"x", "x y", ""}, "style": {"color:red", ""}, "title": {"t"},
		"lang": {"en", "en-GB", "e_n"}, "xml:lang": {"en", "", "x-1234567890"}, "dir": {"ltr", "rtl", "up"},
		"href": {"http://x", "#a1", "http://[x", "%zz"}, "src": {"a.png", "b b"}, "alt": {"a", ""},
		"colspan": {"2", "0", "-1", "x"}, "rowspan": {"1", "01"}, "width": {"10", "50%", "wide", "10.5%"},
		"border": {"0", "1", "-1"}, "span": {"2", "x"}, "headers": {"a1", "nope", ""}, "scope": {"row", "up"},
		"onclick": {"x()"}, "name": {"n", "1 2"}, "tabindex": {"1", "40000"}, "accesskey": {"a", "ab"},
		"summary": {"s"}, "cellpadding": {"1", "1%"}, "align": {"left", "middle"}, "valign": {"top", "left"},
		"abbr": {"a"}, "shape": {"rect", "star"}, "coords": {"1,2,3", "1;2"}, "nohref": {"nohref", "yes"},
		"usemap": {"#m"}, "ismap": {"ismap"}, "cite": {"http://c"}, "datetime": {"2017-01-01T00:00:00Z"},
		"xml:space": {"preserve", "default"}, "type": {"text/css"}, "char": {".", ".."}, "charoff": {"1"},
	}
	xhtmlAttrNames = func() []string {
		var ns []string
		for n := range xhtmlAttrs {
			ns = append(ns, n)
		}
		return ns
	}()
)

func randomXHTML(r *rand.Rand, b *strings.Builder, depth int) {
	n := r.IntN(4)
	for i := 0; i < n; i++ {
		if r.IntN(3) == 0 {
			b.WriteString([]string{"text ", " ", "&amp; ", "\n"}[r.IntN(4)])
			continue
		}
		name := xhtmlNames[r.IntN(len(xhtmlNames))]
		b.WriteString("<" + name)
		for k := r.IntN(3); k > 0; k-- {
			a := xhtmlAttrNames[r.IntN(len(xhtmlAttrNames))]
			if strings.Contains(b.String()[strings.LastIndexByte(b.String(), '<'):], " "+a+"=") {
				continue
			}
			vals := xhtmlAttrs[a]
			fmt.Fprintf(b, ` %s="%s"`, a, vals[r.IntN(len(vals))])
		}
		if depth == 0 || r.IntN(3) == 0 {
			b.WriteString("/>")
			continue
		}
		b.WriteString(">")
		randomXHTML(r, b, depth-1)
		b.WriteString("</" + name + ">")
	}
}

func randomNarratives(n int) []sample {
	r := rand.New(rand.NewPCG(11, 13))
	var out []sample
	for i := 0; i < n; i++ {
		var b strings.Builder
		randomXHTML(r, &b, 3)
		out = append(out, sample{name: fmt.Sprintf("narrative %d %q", i, b.String()),
			body: []byte(`<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">` +
				b.String() + "</div></text></Patient>")})
	}
	return out
}

func TestNarrativesAgainstXmllint(t *testing.T) {
	bin, xsd := xmllint(t)
	samples := randomNarratives(1000)
	ref := runXmllint(t, bin, xsd, samples)
	valid := 0
	for i, s := range samples {
		errs := Validate(s.body)
		if (len(errs) == 0) != ref[i].valid {
			first := "valid"
			if len(errs) > 0 {
				first = errs[0].Error()
			}
			t.Errorf("%s: Validate says %s; xmllint says valid=%t (%s)", s.name, first, ref[i].valid, ref[i].msg)
		}
		if ref[i].valid {
			valid++
		}
	}
	t.Logf("%d narratives, %d valid", len(samples), valid)
}
